"""
Plain-language checks for editors: reading level, long sentences, hype words
and medical terms a reader may not know.

Pure functions over text, so they are easy to test and cheap to call. Editors
write Markdown, so every check first turns it into the words a reader reads
(``plain_text``): link addresses, emphasis marks and HTML never count.

The reading level is the Flesch-Kincaid grade from textstat (US school grade:
7 is about age 12). It is a measure of running prose, so it reads only that
(``prose_text``): headings, tables, code, web addresses and list items that are
names or short fragments (a list of trials, drugs or glossary terms) would
skew it, and an editor can't make them plainer by shortening sentences.
textstat counts syllables with the CMU pronouncing dictionary, loaded once per
process on first use (a few seconds, ~70 MB); only editors' requests ever reach it.
"""

import functools
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import textstat
from django.utils.html import strip_tags

from .rendering import markdown_html, render_markdown

LONG_SENTENCE_WORDS = 25
QUOTE_WORDS = 12  # how much of a long sentence to quote back to the editor
FRAGMENT_WORDS = 10  # a list item shorter than this, not ending like a sentence, is a name or a fragment
SHORTEN_FIRST = 3  # how many of a part's hardest sentences to show the editor

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


# Prose only ---------------------------------------------------------------------

_BLOCKS = {"p", "li", "blockquote", "dd", "dt", "td", "th", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_NOT_PROSE = {"h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "code", "script", "style"}
_FRAMES = _BLOCKS | _NOT_PROSE | {"ul", "ol"}
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)


class _ProseBlocks(HTMLParser):
    """The text of each block of rendered Markdown that is prose, in page order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, index in self.blocks, text pieces) of the elements open now
        self.blocks = []  # (text, in a list item) per block; None for those left out

    def handle_starttag(self, tag, attrs):
        if tag == "br" and self.open:
            self.open[-1][2].append("\n")  # the only line break that ends a line: the source's are wrapping
        elif tag in _FRAMES:
            self.open.append((tag, len(self.blocks), []))
            self.blocks.append(None)

    def handle_endtag(self, tag):
        if tag not in (open_tag for open_tag, _, _ in self.open):
            return  # stray raw HTML
        while self.open:
            open_tag, index, pieces = self.open.pop()
            ancestors = [ancestor for ancestor, _, _ in self.open] + [open_tag]
            if not _NOT_PROSE.intersection(ancestors):
                self.blocks[index] = ("".join(pieces), "li" in ancestors)
            if open_tag == tag:
                return

    def handle_data(self, data):
        data = data.replace("\n", " ")
        if self.open:
            self.open[-1][2].append(data)
        else:
            self.blocks.append((data, False))  # loose text in raw HTML

    def close(self):
        super().close()
        while self.open:
            self.handle_endtag(self.open[-1][0])


def _is_fragment(line):
    """A list item that is a name or a few words, not a sentence: "Infliximab", "STOMP2 (phase 2)"."""
    return line.rstrip(_CLOSING_MARKS)[-1:] not in ".!?…" and len(words(line)) < FRAGMENT_WORDS


def prose_text(markdown_text):
    """The running prose in editor Markdown, one block a line like ``plain_text``, for the reading grade.

    Leaves out headings, tables, code, web and email addresses, and list
    items that are names or short fragments rather than sentences.
    """
    parser = _ProseBlocks()
    parser.feed(markdown_html(markdown_text or ""))
    parser.close()
    lines = []
    for text, in_list in filter(None, parser.blocks):
        for line in _ADDRESS.sub(" ", text).split("\n"):
            line = " ".join(line.split())
            if words(line) and not (in_list and _is_fragment(line)):
                lines.append(_as_sentence(line))
    return "\n".join(lines)


def _as_sentence(line):
    """A block ends its sentence: for textstat too, which only ends them at . ! and ?."""
    if line.rstrip(_CLOSING_MARKS)[-1:] in ".!?…":
        return line
    return line.removesuffix(":") + "."


def first_words(sentence, count=QUOTE_WORDS):
    found = words(sentence)
    if len(found) <= count:
        return sentence
    return " ".join(found[:count]) + " …"


@dataclass(frozen=True)
class SentenceGrade:
    """One sentence and its own reading grade."""

    text: str
    grade: float
    word_count: int

    def lift(self, target):
        """How much it raises its part's grade above the target: how far above it, times its length.

        So a long sentence a little above the target comes before a three-word one with one long word.
        """
        return (self.grade - target) * self.word_count


@dataclass(frozen=True)
class Readability:
    """The figures for one piece of writing."""

    grade: float
    word_count: int
    long_sentences: tuple[str, ...]
    sentence_grades: tuple[SentenceGrade, ...] = ()

    def above(self, target):
        return target is not None and self.grade > target

    @property
    def long_sentence_openings(self):
        """Long sentences by their first words: enough to find them, short enough to list."""
        return [first_words(sentence) for sentence in self.long_sentences]

    def sentences_to_shorten(self, target, count=SHORTEN_FIRST):
        """The sentences above the target that raise the grade most (``SentenceGrade.lift``), most first."""
        above = [sentence for sentence in self.sentence_grades if sentence.grade > target]
        return sorted(above, key=lambda sentence: sentence.lift(target), reverse=True)[:count]


def grade_of(text):
    """The Flesch-Kincaid grade of plain text, never below 0."""
    return max(0.0, round(textstat.flesch_kincaid_grade(text), 1))


def measure(markdown_text):
    """Reading level and long sentences of the prose in editor Markdown; None when there is no prose to measure."""
    text = prose_text(markdown_text)
    all_sentences = sentences(text)
    if not all_sentences:
        return None
    long = tuple(s for s in all_sentences if len(words(s)) > LONG_SENTENCE_WORDS)
    return Readability(
        grade=grade_of(text),
        word_count=len(words(text)),
        long_sentences=long,
        sentence_grades=tuple(SentenceGrade(s, grade_of(s), len(words(s))) for s in all_sentences),
    )


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
