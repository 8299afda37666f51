"""
Plain-language checks for editors: reading level, long sentences, hype words
and medical terms a reader may not know.

Pure functions over text, so they are easy to test and cheap to call. Editors
write Markdown, so every check first turns it into the words a reader reads
(``plain_text``): link addresses, emphasis marks and HTML never count.

The reading level is the Flesch-Kincaid grade from textstat (US school grade:
7 is about age 12). textstat counts syllables with the CMU pronouncing
dictionary, loaded once per process on first use (a few seconds, ~70 MB);
only editors' requests ever reach it.
"""

import functools
import re
from dataclasses import dataclass
from html import unescape

import textstat
from django.utils.html import strip_tags

from .rendering import render_markdown

LONG_SENTENCE_WORDS = 25
QUOTE_WORDS = 12  # how much of a long sentence to quote back to the editor

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|td|th|pre)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
_SENTENCE_END = re.compile('(?<=[.!?\u2026])["\u201d\u2019)]*\\s+|\n+')  # after . ! ? … and closing quotes
_WORD = re.compile("[^\\W_]+(?:['\u2019\\-][^\\W_]+)*")  # with inner apostrophes and hyphens: Crohn's, X-ray
_CLOSING_MARKS = '"\u201d\u2019)]'


def plain_text(markdown_text):
    """The words a reader reads, one block (paragraph, list item, heading) a line, each ending a sentence."""
    return text_of_html(render_markdown(markdown_text or ""))


def text_of_html(html):
    """``plain_text`` of Markdown already rendered and sanitised (the ``*_html`` fields)."""
    # Line breaks inside a paragraph are only wrapping; the ends of blocks are what end sentences.
    html = _BLOCK_END.sub("\n", html.replace("\n", " "))
    lines = (line.strip() for line in unescape(strip_tags(html)).splitlines())
    return "\n".join(line if line.rstrip(_CLOSING_MARKS)[-1:] in ".!?…:" else line + "." for line in lines if line)


def words(text):
    return _WORD.findall(text)


def sentences(text):
    """Sentences of plain text: split after . ! ? and at line ends."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if words(sentence)]


def first_words(sentence, count=QUOTE_WORDS):
    found = words(sentence)
    if len(found) <= count:
        return sentence
    return " ".join(found[:count]) + " …"


@dataclass(frozen=True)
class Readability:
    """The figures for one piece of writing."""

    grade: float
    word_count: int
    long_sentences: tuple[str, ...]

    def above(self, target):
        return target is not None and self.grade > target

    @property
    def long_sentence_openings(self):
        """Long sentences by their first words: enough to find them, short enough to list."""
        return [first_words(sentence) for sentence in self.long_sentences]


def measure(markdown_text):
    """Reading level and long sentences of editor Markdown; None when there are no words to measure."""
    text = plain_text(markdown_text)
    all_sentences = sentences(text)
    if not all_sentences:
        return None
    grade = max(0.0, round(textstat.flesch_kincaid_grade(text), 1))
    long = tuple(s for s in all_sentences if len(words(s)) > LONG_SENTENCE_WORDS)
    return Readability(grade=grade, word_count=len(words(text)), long_sentences=long)


# Hype words ------------------------------------------------------------------

# Spaces, hyphens and dashes: "game-changer", "game changer", "game\u2011changer".
_SEPARATOR = "[\\s\\-\u2010\u2011\u2013\u2014]+"


def _inflected(token):
    """A word and its simple inflections: cure, cures, cured, curing; breakthrough, breakthroughs."""
    escaped = re.escape(token)
    if token.endswith("e"):
        return f"(?:{escaped}(?:s|d|r|rs)?|{re.escape(token[:-1])}ing)"
    return f"{escaped}(?:s|es|ed|ing)?"


@functools.lru_cache(maxsize=512)
def hype_pattern(word):
    """A case-insensitive pattern for a listed word or phrase, whole words only.

    "cure" matches "Cure", "cures" and "cured" but never "secure", "procure" or
    "curettage"; "game-changer" matches "game changer" too.
    """
    tokens = [token for token in re.split(_SEPARATOR, word.strip()) if token]
    if not tokens:
        return None
    body = _SEPARATOR.join([re.escape(token) for token in tokens[:-1]] + [_inflected(tokens[-1])])
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class HypeMatch:
    word: str  # as listed
    found: str  # as written
    suggestion: str
    where: str = ""


def find_hype(markdown_text, hype_words, where=""):
    """Each listed word found in editor Markdown once, in list order; ``hype_words`` is (word, suggestion) pairs."""
    return find_hype_in_text(plain_text(markdown_text), hype_words, where)


def find_hype_in_text(text, hype_words, where=""):
    """``find_hype`` for text that is plain already (see ``plain_text`` and ``text_of_html``)."""
    matches = []
    for word, suggestion in hype_words:
        pattern = hype_pattern(word)
        found = pattern.search(text) if pattern else None
        if found:
            matches.append(HypeMatch(word=word, found=found.group(0), suggestion=suggestion, where=where))
    return matches


# Medical terms ---------------------------------------------------------------

# Words a reader new to IBD may not know, beyond the disease names themselves.
MEDICAL_TERMS = frozenset({
    "abscess", "adalimumab", "aminosalicylate", "anaemia", "anastomosis", "autologous", "azathioprine",
    "biologic", "biopsy", "biosimilar", "calprotectin", "colectomy", "colonoscopy", "corticosteroid",
    "endoscopy", "endpoint", "fistula", "fissure", "histological", "ileostomy", "ileum", "immunosuppressant",
    "infliximab", "intravenous", "mesalazine", "mesenchymal", "methotrexate", "microbiome",
    "monoclonal", "mucosa", "mucosal", "perianal", "placebo", "prednisolone", "randomised", "remission",
    "resection", "seton", "sigmoidoscopy", "stenosis", "stoma", "stricture", "subcutaneous", "tofacitinib",
    "upadacitinib", "ustekinumab", "vedolizumab",
})  # fmt: skip
# Word endings that mark medical vocabulary: -itis, -ectomy, -oscopy, -ostomy, and the drug
# families -mab (antibodies) and -tinib (JAK inhibitors).
_MEDICAL_ENDING = re.compile(r"(?:itis|ectomy|oscopy|ostomy|otomy|mab|tinib)$", re.IGNORECASE)
_PLURAL = re.compile(r"(?:s|es|e)$")
# Named by the site itself on every page: readers know them.
EVERYDAY_TERMS = frozenset({"colitis"})


def _base_term(word):
    word = word.lower()
    if word in MEDICAL_TERMS or _MEDICAL_ENDING.search(word):
        return word
    singular = _PLURAL.sub("", word)
    for candidate in (word[:-1], singular):  # fistulas, fistulae, abscesses
        if candidate in MEDICAL_TERMS or (len(candidate) > 5 and _MEDICAL_ENDING.search(candidate)):
            return candidate
    return None


def unknown_medical_terms(text, known_terms):
    """Medical terms in editor Markdown that ``known_terms`` (e.g. the glossary's) don't explain.

    A small built-in list plus word endings (-itis, -ectomy, -mab ...) find the
    terms; ``known_terms`` is any collection of strings, compared without case.
    Returns the terms in the order they first appear, lower-cased.
    """
    known = {term.lower() for term in known_terms}
    found = []
    for word in words(plain_text(text)):
        term = _base_term(word)
        if term and len(term) > 4 and term not in known | EVERYDAY_TERMS and term not in found:
            found.append(term)
    return found
