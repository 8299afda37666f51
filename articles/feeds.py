"""
RSS and Atom feeds of published articles: all of them, one topic, one tag.

Django's syndication framework writes the XML; these classes only say what
goes in it. Links are absolute from SITE_URL (see ``structured_data``), so a
cached feed holds the same links whoever asked for it first.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from taggit.models import Tag

from .models import Article, Topic
from .structured_data import SITE_NAME, absolute_url

FEED_LENGTH = 20


class ArticlesFeed(Feed):
    """Every published article, newest first."""

    url_name = "articles:feed_rss"
    language = "en-gb"

    def title(self, obj):
        return SITE_NAME

    def description(self, obj):
        return (
            "Plain-language summaries of research news for people living with Crohn's disease and ulcerative colitis."
        )

    def link(self, obj):
        return absolute_url(reverse("articles:home"))

    def feed_url(self, obj):
        return absolute_url(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def url_kwargs(self, obj):
        return {}

    def subtitle(self, obj):
        return self.description(obj)

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return self.articles(obj).for_cards().prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Feed readers show descriptions as HTML; the standfirst is plain text.
        return escape(item.standfirst)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_author_name(self, item):
        return item.author.name

    def item_author_link(self, item):
        return absolute_url(item.author.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class TopicFeed(ArticlesFeed):
    """The published articles in one topic."""

    url_name = "articles:topic_feed_rss"

    def get_object(self, request, slug, **kwargs):
        return get_object_or_404(Topic, slug=slug)

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def title(self, obj):
        return f"{SITE_NAME}: {obj.name}"

    def description(self, obj):
        return obj.description or f"Articles about {obj.name} from {SITE_NAME}."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def articles(self, obj):
        return Article.objects.published().filter(topic=obj)


class TagFeed(ArticlesFeed):
    """The published articles with one tag. Like the tag page, a 404 until one is published."""

    url_name = "articles:tag_feed_rss"

    def get_object(self, request, slug, **kwargs):
        tag = get_object_or_404(Tag, slug=slug)
        if not self.articles(tag).exists():
            raise Http404("No published articles carry this tag")
        return tag

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def title(self, obj):
        return f"{SITE_NAME}: articles tagged “{obj.name}”"

    def description(self, obj):
        return f"Articles tagged “{obj.name}” from {SITE_NAME}."

    def link(self, obj):
        return absolute_url(reverse("articles:tag", kwargs={"slug": obj.slug}))

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed
    url_name = "articles:feed_atom"


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed
    url_name = "articles:topic_feed_atom"


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    url_name = "articles:tag_feed_atom"
