from django.urls import path
from django.views.generic import TemplateView

from . import feeds, views
from .caching import LIST_PAGE, cache_for_readers


def feed(view):
    """A feed lists published articles: kept until the list changes."""
    return cache_for_readers(depends_on=LIST_PAGE)(view)


def page(template_name):
    """A fixed page of the site, cached for signed-out readers like every other page."""
    return cache_for_readers(TemplateView.as_view(template_name=template_name))


app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    # taggit makes Unicode slugs (for "TNF-alpha" written with the Greek letter), which <slug:> refuses.
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("glossary/", views.glossary, name="glossary"),
    path("search/", views.search_results, name="search"),
    path("research-stages/", views.research_stages, name="research_stages"),
    path("about/", page("pages/about.html"), name="about"),
    path("editorial-policy/", page("pages/editorial_policy.html"), name="editorial_policy"),
    path("disclaimer/", page("pages/disclaimer.html"), name="disclaimer"),
    path("contact/", page("pages/contact.html"), name="contact"),
    # Feeds: every published article, one topic's, one tag's; RSS and Atom.
    path("feeds/articles.rss", feed(feeds.ArticlesFeed()), name="feed_rss"),
    path("feeds/articles.atom", feed(feeds.ArticlesAtomFeed()), name="feed_atom"),
    path("feeds/topics/<slug:slug>.rss", feed(feeds.TopicFeed()), name="topic_feed_rss"),
    path("feeds/topics/<slug:slug>.atom", feed(feeds.TopicAtomFeed()), name="topic_feed_atom"),
    path("feeds/tags/<str:slug>.rss", feed(feeds.TagFeed()), name="tag_feed_rss"),
    path("feeds/tags/<str:slug>.atom", feed(feeds.TagAtomFeed()), name="tag_feed_atom"),
]
