"""
Template helpers for what search engines and link previews read in a page's head.

``{% json_ld data %}`` writes a schema.org data block. It is built here, not
in a template, because ``json_script`` can only write type="application/json".
A block of type application/ld+json is data the browser never runs, so the
Content-Security-Policy's script-src does not apply to it; the JSON inside is
escaped the way ``json_script`` escapes it, so no text can close the element.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.structured_data import absolute_url, article_json_ld, to_json_for_html

register = template.Library()


@register.filter
def absolute(path):
    """A path on this site as a full address: ``{{ article.get_absolute_url|absolute }}``."""
    if path.startswith(("http://", "https://")):  # e.g. media served from elsewhere
        return path
    return absolute_url(path)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's one address: its path, keeping only a page number past the first; empty without a request."""
    request = context.get("request")
    if request is None:
        return ""
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and page != "1" else ""
    return absolute_url(request.path + query)


@register.simple_tag
def article_structured_data(article):
    """The article's schema.org MedicalWebPage as a JSON-LD block."""
    data = mark_safe(to_json_for_html(article_json_ld(article)))  # escaped for HTML by to_json_for_html
    return format_html('<script type="application/ld+json">{}</script>', data)
