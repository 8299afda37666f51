"""The article page's sections with their glossary links (see articles/glossary.py)."""

from django import template

register = template.Library()


@register.filter
def section_html(prose, section):
    """``{{ prose|section_html:section|safe }}``: a section's sanitised body, with its glossary links."""
    return prose.section_html(section)
