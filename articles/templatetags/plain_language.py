"""
The plain-language figures for a whole article, for the preview banner staff see.

Only previews show them, and previews are never cached for readers (they
need a staff session), so the figures can't reach a reader's page.
"""

from django import template

from ..caching import for_this_site
from ..models import HypeWord, SiteSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def plain_language_check(context, article):
    """Reading levels of every part and hype words found, measured against the site's target."""
    settings = for_this_site(context.get("request"), "site-settings", SiteSettings.load)
    return article.plain_language_check(settings.reading_grade_target, HypeWord.objects.pairs())
