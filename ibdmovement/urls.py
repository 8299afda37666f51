from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles import views as article_views

admin.site.site_header = "IBD Movement editorial"
admin.site.site_title = "IBD Movement editorial"
admin.site.index_title = "Articles and site settings"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", article_views.healthz, name="healthz"),
    path("", include("articles.urls")),
    path("", include("community.urls")),
]
# Uploaded images in development; production serves MEDIA_ROOT from the web server.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
