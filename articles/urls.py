from django.urls import path
from django.views.generic import TemplateView

from . import feeds, views
from .caching import cache_for_readers


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
    path("feeds/articles.rss", cache_for_readers(feeds.ArticlesFeed()), name="feed_rss"),
    path("feeds/articles.atom", cache_for_readers(feeds.ArticlesAtomFeed()), name="feed_atom"),
    path("feeds/topics/<slug:slug>.rss", cache_for_readers(feeds.TopicFeed()), name="topic_feed_rss"),
    path("feeds/topics/<slug:slug>.atom", cache_for_readers(feeds.TopicAtomFeed()), name="topic_feed_atom"),
    path("feeds/tags/<str:slug>.rss", cache_for_readers(feeds.TagFeed()), name="tag_feed_rss"),
    path("feeds/tags/<str:slug>.atom", cache_for_readers(feeds.TagAtomFeed()), name="tag_feed_atom"),
]
