from django.apps import AppConfig
from taggit.apps import TaggitAppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"


class TagsConfig(TaggitAppConfig):
    """django-taggit, under the name editors know it by in admin's menu ("Tags", not the library's name)."""

    verbose_name = "Tags"
