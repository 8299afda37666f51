"""
Site search: one interface, ``Article.objects.published().search(text)``, two engines.

Each article keeps a denormalised ``search_document``: the plain text of
everything readers can read on it beyond the headline and standfirst (the
prose: opening, summary, sections, questions, closing; then the names: topic,
tags, section headings), rebuilt whenever the article, a part of it or its
tags change.

- On PostgreSQL, full-text search: a stored ``search_vector`` (headline
  weighted A, standfirst B, the document C) behind a GIN index, queries parsed
  the way web search boxes are (``websearch_to_tsquery``) and ranked by
  ``ts_rank``. The vector is stored, not an index expression, so ranking reads
  it instead of parsing every matching article again.
- On SQLite, a plain fallback over the same text: every word of the query
  must appear somewhere; a word in the headline counts most, then the
  standfirst, then the rest.

Snippets are made here in Python for both, from the prose only (never from the
names, which read as a jumble out of context), as whole sentences where they
fit, and from plain text: each piece is
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
NAMES_SEPARATOR = "\n\n"  # in a search document, between the prose and the names (plain_text never leaves one)

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


def document_vector(search_document="search_document"):
    """The weighted tsvector an article is found by on PostgreSQL.

    ``search_document`` may be the new text itself, as a ``Value``, for an UPDATE that writes it too
    (the vector would otherwise be made from the text as it was before the UPDATE).
    """
    return (
        SearchVector("headline", weight="A", config=SEARCH_CONFIG)
        + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
        + SearchVector(search_document, weight="C", config=SEARCH_CONFIG)
    )


def vector_with(queryset, search_document):
    """The vector to write in the same UPDATE as the new search text, on PostgreSQL; ``{}`` elsewhere."""
    if connections[queryset.db].vendor == "postgresql":
        return {"search_vector": document_vector(Value(search_document))}
    return {}


def refresh_vectors(queryset):
    """Recompute the stored vectors from the saved text (PostgreSQL only; SQLite searches the text itself)."""
    if connections[queryset.db].vendor == "postgresql":
        queryset.update(search_vector=document_vector())


@lru_cache(maxsize=2048)
def plain_text(rendered_html):
    """Readable text from sanitised HTML: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(rendered_html)).split())


def build_document(*, topic, tags, opening_html, summary_html, sections, questions, closing_html):
    """The text search looks in beyond the headline and standfirst.

    The prose comes first, in the order of the page, one part a line; then, after a blank line, the names
    (topic, tags, section headings): found by search, never quoted in a snippet (``prose``).
    ``sections`` are (heading, body_html) pairs; the rest are strings or lists of strings.
    """
    prose_parts = [plain_text(opening_html), plain_text(summary_html)]
    prose_parts += [plain_text(body_html) for _, body_html in sections]
    prose_parts += list(questions)
    prose_parts.append(plain_text(closing_html))
    names = [topic, *sorted(tags), *(heading for heading, _ in sections)]
    text = "\n".join(" ".join(part.split()) for part in prose_parts if part and part.strip())
    return f"{text}{NAMES_SEPARATOR}{' · '.join(name for name in names if name)}"


def prose(document):
    """The prose of a search document, without the names after it: what snippets are drawn from.

    A document saved before the names moved to the end has no separator, and is taken whole.
    """
    return document.split(NAMES_SEPARATOR, 1)[0]


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


SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=\S)")  # after . ! ? and any closing quote


def sentences(text):
    """The sentences of a text, each line (a part of the page) breaking too."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            yield from (sentence for sentence in SENTENCE_BREAK.split(line) if sentence)


def snippet(texts, words, length=SNIPPET_LENGTH):
    """The sentence holding the first search term found in ``texts``, highlighted, with the sentences after it
    while they fit in about ``length`` characters; a long sentence is cut around the term.

    ``texts`` are tried in order; the first one holding a term gives the passage. Empty when none does.
    An ellipsis shows where text was left out before or after the passage.
    """
    if not words:
        return ""
    marker = _marker(words)
    for text in texts:
        found = list(sentences(text))
        for index, sentence in enumerate(found):
            match = marker.search(sentence)
            if match is None:
                continue
            if len(sentence) > length:
                passage, cut_before, cut_after = _window(sentence, match, length)
            else:
                passage, last = sentence, index
                while last + 1 < len(found) and len(passage) + 1 + len(found[last + 1]) <= length:
                    last += 1
                    passage = f"{passage} {found[last]}"
                cut_before, cut_after = False, last + 1 < len(found)
            before = "… " if cut_before or index else ""
            after = " …" if cut_after else ""
            return mark_safe(f"{before}{highlight(passage, words)}{after}")  # highlight() escaped the passage
    return ""


def _window(text, match, length):
    """About ``length`` characters of ``text`` around ``match``, cut at spaces; and whether text was cut before
    and after it."""
    start = max(0, match.start() - length // 3)
    if start:
        start = text.find(" ", start) + 1 or match.start()
        start = min(start, match.start())
    end = start + length
    if end < len(text):
        end = text.rfind(" ", match.end(), end)
        end = end if end > match.end() else start + length
    return text[start:end], start > 0, end < len(text)
