from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from articles import views as article_views
from articles.caching import LIST_PAGE, cache_for_readers
from articles.sitemaps import SITEMAPS
from community.sitemaps import CommunityPageSitemap

admin.site.site_header = "IBD Movement editorial"
admin.site.site_title = "IBD Movement editorial"
admin.site.index_title = "Articles and site settings"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", article_views.healthz, name="healthz"),
    path("healthz/queue", article_views.healthz_queue, name="healthz_queue"),
    path(
        "sitemap.xml",
        cache_for_readers(depends_on=LIST_PAGE, query=("p",))(sitemap),
        {"sitemaps": {**SITEMAPS, "community": CommunityPageSitemap}},
        name="sitemap",
    ),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("", include("articles.urls")),
    path("", include("community.urls")),
]
# Uploaded images in development and `make run` (SERVE_MEDIA); production serves MEDIA_ROOT from the web server.
if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
