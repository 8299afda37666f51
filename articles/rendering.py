"""
Editor Markdown to safe HTML.

Markdown first, then nh3 keeps only the tags and attributes an article needs,
so no editor input can inject script, event handlers, styles or javascript:
links, whatever the Markdown or raw HTML it contains.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "blockquote", "h3", "h4", "code", "pre", "sup", "sub", "abbr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Render editor Markdown to sanitised HTML ("" for empty text)."""
    if not text or not text.strip():
        return ""
    return sanitise(markdown_html(text))


def markdown_html(text):
    """Editor Markdown as HTML, NOT sanitised: only for reading its structure (headings, lists), never to show."""
    return markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")


def sanitise(html, allowed_classes=None):
    """Keep only what an article needs; ``allowed_classes`` lets the site's own markup keep its classes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=allowed_classes or {},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
