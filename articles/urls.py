from django.urls import path
from django.views.generic import TemplateView

from . import views
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
    path("research-stages/", views.research_stages, name="research_stages"),
    path("about/", page("pages/about.html"), name="about"),
    path("editorial-policy/", page("pages/editorial_policy.html"), name="editorial_policy"),
    path("disclaimer/", page("pages/disclaimer.html"), name="disclaimer"),
    path("contact/", page("pages/contact.html"), name="contact"),
]
