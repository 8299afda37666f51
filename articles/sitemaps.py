"""
The sitemap: every page a search engine should know about, and when each
article last changed. Django's sitemaps framework writes the XML.

Addresses come from SITE_URL, not the request's host, like everything else
that leaves the site (see ``structured_data``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from taggit.models import Tag

from .models import Article, Contributor, Topic


class SiteSitemap(Sitemap):
    """Builds addresses on SITE_URL's scheme and host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, article):
        return article.updated_at


class TopicSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Topic.objects.all()


class TagSitemap(SiteSitemap):
    """Only tags with a published article: the tag page of any other tag is a 404."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return Tag.objects.filter(pk__in=Article.objects.published().values("tags")).exclude(slug="").order_by("name")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class AuthorSitemap(SiteSitemap):
    """Contributors who wrote or reviewed a published article: their credentials are what readers check."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        published = Article.objects.published()
        return Contributor.objects.filter(
            Exists(published.filter(Q(author=OuterRef("pk")) | Q(medical_reviewer=OuterRef("pk"))))
        )


class PageSitemap(SiteSitemap):
    """The fixed pages of this app: home, about, policies, contact."""

    changefreq = "monthly"
    priority = 0.5
    url_names = [
        "articles:home",
        "articles:about",
        "articles:editorial_policy",
        "articles:disclaimer",
        "articles:contact",
    ]

    def items(self):
        return self.url_names

    def location(self, url_name):
        return reverse(url_name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
