from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    # taggit makes Unicode slugs (for "TNF-alpha" written with the Greek letter), which <slug:> refuses.
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("about/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path(
        "editorial-policy/",
        TemplateView.as_view(template_name="pages/editorial_policy.html"),
        name="editorial_policy",
    ),
    path("disclaimer/", TemplateView.as_view(template_name="pages/disclaimer.html"), name="disclaimer"),
    path("contact/", TemplateView.as_view(template_name="pages/contact.html"), name="contact"),
]
