"""
Glossary links in article prose.

The first time each glossary term appears in an article's prose (opening,
summary, analysis sections, closing, in page order) it becomes a plain link to
the term's entry in the "Words used in this article" list at the end of the
article: no JavaScript, and a screen reader announces it as an ordinary link.

The sanitised HTML is walked as a token stream with ``html.parser``: tags pass
through exactly as they were, only text is touched, and never inside a link, a
heading, code or an existing abbreviation. Terms match whole words, ignoring
case; where forms overlap ("stem cells" in "mesenchymal stem cells") the
longest wins. The result goes back through the same sanitiser as editors'
Markdown, allowing only the class of our own links, so linking can never let
anything through that saving didn't.

Why at render time, cached, rather than at save time: a term added or edited
changes the links in every article that uses it, and re-linking all articles
on each glossary edit would be slow and easy to get wrong. So the page links
its prose when it is rendered and keeps the result in the cache under the
site version, which moves on whenever a term is saved, and a digest of the
prose itself (which changes with the article). A member's page costs one cache read; a miss
costs one query for the terms.
"""

import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from django.conf import settings
from django.core.cache import cache

from .caching import SITE, version_tag
from .models import GlossaryTerm, normalise_form
from .rendering import sanitise

# Text inside these is never linked: it is a link already, a heading, code, or explained by its own title.
NOT_LINKED_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "abbr", "dfn"}
LINK_CLASS = "term"
# How a character of a form may appear in text: any run of spaces, either apostrophe, any hyphen.
FLEXIBLE = {" ": r"\s+", "'": "['\u2018\u2019]", "-": "[-\u2010\u2011]"}


@dataclass
class LinkedProse:
    """An article's prose with its glossary links, and the terms it links, A to Z."""

    parts: dict = field(default_factory=dict)  # key from Article.prose_parts() -> linked HTML
    terms: list = field(default_factory=list)  # {"term", "slug", "definition_html"} for each term linked

    def html(self, key):
        return self.parts.get(key, "")

    @property
    def opening_html(self):
        return self.html("opening")

    @property
    def summary_html(self):
        return self.html("summary")

    @property
    def closing_html(self):
        return self.html("closing")

    def section_html(self, section):
        return self.html(f"section-{section.pk}")


def linked_prose(article):
    """The article's prose with glossary links, from the cache when nothing has changed since."""
    parts = article.prose_parts()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"glossary-links:{version_tag((SITE,))}:{article.pk}:{digest}"  # the terms are the site's
    linked = cache.get(key)
    if linked is None:
        linked = link_terms(parts, GlossaryTerm.objects.only("term", "slug", "also_matches", "definition_html"))
        cache.set(key, linked, settings.PAGE_CACHE_SECONDS)
    return linked


def link_terms(parts, terms):
    """Link the first use of each term across the parts, in order: [(key, html), ...] -> LinkedProse."""
    matcher = TermMatcher(terms)
    linked = LinkedProse()
    for key, html in parts:
        linked.parts[key] = link_html(html, matcher) if matcher.pattern else html
    linked.terms = sorted(
        ({"term": term.term, "slug": term.slug, "definition_html": term.definition_html} for term in matcher.linked),
        key=lambda entry: normalise_form(entry["term"]),
    )
    return linked


def link_html(html, matcher):
    rewriter = TermLinker(matcher)
    rewriter.feed(html)
    rewriter.close()
    return sanitise("".join(rewriter.out), allowed_classes={"a": {LINK_CLASS}})


class TermMatcher:
    """Finds the forms of all terms in text and links each term the first time only."""

    def __init__(self, terms):
        self.term_for_form = {}
        for term in terms:
            for form in term.forms:
                self.term_for_form.setdefault(normalise_form(form), term)
        self.linked = []
        self.pattern = None
        if self.term_for_form:
            # Longest first, so that at any place the longest form that fits wins.
            forms = sorted(self.term_for_form, key=len, reverse=True)
            alternatives = "|".join("".join(FLEXIBLE.get(c, re.escape(c)) for c in form) for form in forms)
            self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def link(self, text):
        """The text, escaped, with a link round the first use of each term not linked yet."""
        out, start = [], 0
        for match in self.pattern.finditer(text):
            term = self.term_for_form.get(normalise_form(match.group()))
            if term is None or term in self.linked:
                continue  # a later use of a term, matched whole so that no shorter term inside it is linked
            self.linked.append(term)
            out.append(escape(text[start : match.start()], quote=False))
            out.append(f'<a href="#define-{term.slug}" class="{LINK_CLASS}">{escape(match.group(), quote=False)}</a>')
            start = match.end()
        out.append(escape(text[start:], quote=False))
        return "".join(out)


class TermLinker(HTMLParser):
    """Copies sanitised HTML, tags untouched, linking terms in the text outside NOT_LINKED_INSIDE."""

    def __init__(self, matcher):
        super().__init__(convert_charrefs=True)
        self.matcher = matcher
        self.out = []
        self.inside_unlinkable = 0

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in NOT_LINKED_INSIDE:
            self.inside_unlinkable += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in NOT_LINKED_INSIDE and self.inside_unlinkable:
            self.inside_unlinkable -= 1

    def handle_data(self, data):
        # Text arrives with its entities decoded (convert_charrefs), so "&amp;" can't be split or
        # matched as letters; escaping it again on the way out keeps it text.
        if self.inside_unlinkable:
            self.out.append(escape(data, quote=False))
        else:
            self.out.append(self.matcher.link(data))
