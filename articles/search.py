"""
Site search: one interface, ``Article.objects.published().search(text)``, two engines.

Each article keeps a denormalised ``search_document``: the plain text of
everything readers can read on it beyond the headline and standfirst (topic,
tags, opening, summary, sections, questions, closing), rebuilt whenever the
article, a part of it or its tags change.

- On PostgreSQL, full-text search: a stored ``search_vector`` (headline
  weighted A, standfirst B, the document C) behind a GIN index, queries parsed
  the way web search boxes are (``websearch_to_tsquery``) and ranked by
  ``ts_rank``. The vector is stored, not an index expression, so ranking reads
  it instead of parsing every matching article again.
- On SQLite, a plain fallback over the same text: every word of the query
  must appear somewhere; a word in the headline counts most, then the
  standfirst, then the rest.

Snippets are made here in Python for both, from plain text: each piece is
escaped first and only then wrapped in <mark>, so no text from an article or
a query is ever trusted as HTML.
"""

import html
import re
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200  # characters; longer queries are cut, and the reader told so
MAX_TERMS = 8
SEARCH_CONFIG = "english"
SNIPPET_LENGTH = 240  # characters, about forty words

WORD = re.compile(r"[^\W_]+")
EXCLUDED_WORD = re.compile(r"(?:^|\s)-([^\W_]+)")  # "-surgery": as web search boxes (and websearch_to_tsquery) take it
# Words too common to search for: PostgreSQL's English configuration drops them too.
_STOP_WORDS = (
    "a an and are as at be but by can do does for from had has have how i if in into is it its me my no not of on "
    "or our so than that the their them then there these they this to was we were what when where which who why "
    "will with you your"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Endings trimmed from a word to find its other forms ("heals", "healing", "healed") in the fallback and snippets.
ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly")


def plain_query(raw):
    """The query as the search box should show it again: whitespace tidied, at most MAX_QUERY_LENGTH characters.

    Returns the text and whether it had to be cut.
    """
    text = " ".join(raw.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH], True


def terms(query):
    """The words of a query worth looking for: lower-cased, in order, no repeats, no stop words, none excluded."""
    found, excluded = [], excluded_terms(query)
    for word in WORD.findall(query.lower()):
        if (len(word) > 1 or word.isdigit()) and word not in STOP_WORDS and word not in found + excluded:
            found.append(word)
    return found[:MAX_TERMS]


def excluded_terms(query):
    """The words a query asks to leave out, written with a minus sign before them."""
    return [word for word in EXCLUDED_WORD.findall(query.lower()) if word not in STOP_WORDS][:MAX_TERMS]


def stem(word):
    """A crude stem, enough to find other forms of a word as a prefix: "healing" -> "heal"."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def search(queryset, query):
    """The articles in ``queryset`` that match ``query``, best first, each annotated with ``rank``."""
    words = terms(query)
    if not words:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-published_at", "-id")
        )
    return _fallback_search(queryset, [stem(word) for word in words], excluded_terms(query))


def _fallback_search(queryset, stems, excluded):
    """SQLite: every stem somewhere in the text, no excluded word anywhere; the headline weighs most, then the
    standfirst, then the rest."""
    weights = {"headline": 8, "standfirst": 4, "search_document": 1}
    for word in excluded:
        queryset = queryset.exclude(
            Q(headline__icontains=word) | Q(standfirst__icontains=word) | Q(search_document__icontains=word)
        )
    rank = Value(0)
    for word in stems:
        queryset = queryset.filter(
            Q(headline__icontains=word) | Q(standfirst__icontains=word) | Q(search_document__icontains=word)
        )
        for field, weight in weights.items():
            rank = rank + Case(
                When(**{f"{field}__icontains": word}, then=Value(weight)), default=Value(0), output_field=IntegerField()
            )
    return queryset.annotate(rank=rank).order_by("-rank", "-published_at", "-id")


def document_vector():
    """The weighted tsvector an article is found by on PostgreSQL."""
    return (
        SearchVector("headline", weight="A", config=SEARCH_CONFIG)
        + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_document", weight="C", config=SEARCH_CONFIG)
    )


def refresh_vectors(queryset):
    """Recompute the stored vectors from the saved text (PostgreSQL only; SQLite searches the text itself)."""
    if connections[queryset.db].vendor == "postgresql":
        queryset.update(search_vector=document_vector())


@lru_cache(maxsize=2048)
def plain_text(rendered_html):
    """Readable text from sanitised HTML: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(rendered_html)).split())


def build_document(*, topic, tags, opening_html, summary_html, sections, questions, closing_html):
    """The text search looks in beyond the headline and standfirst, in the order of the page.

    ``sections`` are (heading, body_html) pairs; the rest are strings or lists of strings.
    """
    parts = [topic, " ".join(sorted(tags)), plain_text(opening_html), plain_text(summary_html)]
    for heading, body_html in sections:
        parts += [heading, plain_text(body_html)]
    parts += list(questions)
    parts.append(plain_text(closing_html))
    return "\n".join(part for part in parts if part)


def _marker(words):
    stems = sorted({stem(word) for word in words}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")[^\W_]*", re.IGNORECASE)


def highlight(text, words):
    """Text as safe HTML, every word that starts like a search term wrapped in <mark>: escaped, then marked."""
    if not words:
        return escape(text)
    pieces, last = [], 0
    for match in _marker(words).finditer(text):
        pieces += [escape(text[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece of text above was escaped


def snippet(texts, words, length=SNIPPET_LENGTH):
    """A passage of about ``length`` characters around the first search term found in ``texts``, highlighted.

    ``texts`` are tried in order; the first one holding a term gives the passage. Empty when none does.
    """
    if not words:
        return ""
    marker = _marker(words)
    for text in texts:
        text = " ".join(text.split())
        match = marker.search(text)
        if match is None:
            continue
        start = max(0, match.start() - length // 3)
        if start:
            start = text.find(" ", start) + 1 or match.start()
            start = min(start, match.start())
        end = start + length
        if end < len(text):
            end = text.rfind(" ", match.end(), end)
            end = end if end > match.end() else start + length
        passage = text[start:end]
        before = "… " if start else ""
        after = " …" if end < len(text) else ""
        return mark_safe(f"{before}{highlight(passage, words)}{after}")  # highlight() escaped the passage
    return ""
