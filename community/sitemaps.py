"""The community's public pages, for the site's sitemap (see ``articles.sitemaps``)."""

from articles.sitemaps import PageSitemap


class CommunityPageSitemap(PageSitemap):
    url_names = ["community:community", "community:guidelines", "community:privacy"]
