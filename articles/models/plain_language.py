"""Plain-language checks editors see beside their text: reading levels and hype words. Never blocks a save."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property

from .. import readability
from .glossary import GlossaryTerm


class HypeWordQuerySet(models.QuerySet):
    def pairs(self):
        """(word, suggestion) pairs, as the checks in ``readability`` take them."""
        return list(self.values_list("word", "suggestion"))


class HypeWord(models.Model):
    """A word that over-sells research news, with what to say instead. Flagged to editors, never blocked.

    Readers never see the list, so changing it leaves cached pages alone; the
    articles' stored flags are checked again instead.
    """

    word = models.CharField(
        max_length=60,
        help_text="A word or phrase, matched whole and without case: “cure” also finds “cures” and “cured” but "
        "not “secure”; “game-changer” also finds “game changer”.",
    )
    suggestion = models.CharField(max_length=300, help_text="What to say instead, shown to the editor.")

    objects = HypeWordQuerySet.as_manager()

    class Meta:
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(
                Lower("word"), name="hype_word_unique", violation_error_message="That word is already on the list."
            ),
        ]

    def __str__(self):
        return self.word

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._meta.apps.get_model("articles", "Article").objects.recheck_hype_words()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._meta.apps.get_model("articles", "Article").objects.recheck_hype_words()
        return result

    def clean(self):
        self.word = " ".join(self.word.split())
        if not readability.words(self.word):
            raise ValidationError({"word": "Give a word or phrase with letters in it."})


def glossary_terms():
    """Every form of every glossary term: medical words readers can look up need no warning to editors."""
    return frozenset(form for term in GlossaryTerm.objects.only("term", "also_matches") for form in term.forms)


@dataclass
class PlainLanguageCheck:
    """Reading levels of an article's parts, and the hype words in what readers see first."""

    target: int
    parts: list  # (label, Readability) for every part with words in it
    hype: list  # readability.HypeMatch
    text: str  # all the parts' Markdown, for the whole article's figures

    @cached_property
    def whole(self):
        return readability.measure(self.text)

    @cached_property
    def medical_terms(self):
        """Medical terms anywhere in the article that the glossary doesn't explain."""
        return readability.unknown_medical_terms(self.text, glossary_terms())

    @property
    def worst_grade(self):
        return max((figures.grade for _, figures in self.parts), default=None)

    @property
    def whole_above_target(self):
        return self.whole is not None and self.whole.above(self.target)

    @property
    def parts_above_target(self):
        return [(label, figures) for label, figures in self.parts if figures.above(self.target)]

    @property
    def long_sentence_count(self):
        return sum(len(figures.long_sentences) for _, figures in self.parts)

    def sentences_to_shorten(self, count=5):
        """(label, SentenceGrade) of the sentences that raise the parts above the target most, wherever they are."""
        found = [
            (label, sentence)
            for label, figures in self.parts_above_target
            for sentence in figures.sentences_to_shorten(self.target, count=count)
        ]
        return sorted(found, key=lambda pair: pair[1].lift(self.target), reverse=True)[:count]


class PlainLanguageQuerySet:
    """Checks over many articles, mixed into ``ArticleQuerySet``."""

    def recheck_hype_words(self):
        """Store the hype words found again, after the list changed."""
        hype_words = HypeWord.objects.pairs()
        changed = []
        fields = ["pk", "headline", "evidence_sentence", "standfirst", "key_points", "opening_html", "summary_html"]
        fields.append("hype_words")
        for article in self.only(*fields).iterator(chunk_size=500):
            found = article.hype_words_text(article.hype_matches(hype_words, rendered=True))
            if found != article.hype_words:
                article.hype_words = found
                changed.append(article)
        self.model.objects.bulk_update(changed, ["hype_words"], batch_size=500)


class ArticlePlainLanguage:
    """The checks of one article, mixed into ``Article``."""

    def text_parts(self, sections, questions):
        """(label, Markdown) of every part an editor writes, in page order; questions count as one part."""
        parts = [
            ("Evidence stage sentence", self.evidence_sentence),  # only when adjusted: the stages' own are checked
            ("Standfirst", self.standfirst),
            ("Key points", self.key_points_as_sentences()),
            ("Opening", self.opening),
            ("Summary", self.summary),
        ]
        parts += [(f"Section “{section.heading}”", section.body) for section in sections]
        if questions:
            parts.append(("Questions", "\n\n".join(question.text for question in questions)))
        parts.append(("Closing", self.closing))
        return parts

    def key_points_as_sentences(self):
        """The key points as separate sentences, for the reading level: a point without a full stop still ends."""
        return "\n\n".join(point if point[-1] in ".?!" else f"{point}." for point in self.key_point_list)

    def plain_language_check(self, target, hype_words, sections=None, questions=None):
        """The figures editors see; ``sections`` and ``questions`` default to the article's own (prefetched)."""
        sections = self.sections.all() if sections is None else sections
        questions = self.questions.all() if questions is None else questions
        parts = self.text_parts(sections, questions)
        measured = [(label, readability.measure(text)) for label, text in parts]
        return PlainLanguageCheck(
            target=target,
            parts=[(label, figures) for label, figures in measured if figures],
            hype=self.hype_matches(hype_words),
            text="\n\n".join(text for _, text in parts if text),
        )

    def hype_matches(self, hype_words, rendered=False):
        """Hype words in what readers see first: headline, evidence sentence, standfirst, key points, opening
        and summary.

        ``rendered`` reads the opening and summary from their stored HTML, which is quicker
        for checking every article again but only right for an article as saved.
        """
        if rendered:
            opening, summary = readability.text_of_html(self.opening_html), readability.text_of_html(self.summary_html)
        else:
            opening, summary = readability.plain_text(self.opening), readability.plain_text(self.summary)
        texts = [
            ("Headline", self.headline),  # plain text fields: nothing to render
            ("Evidence stage sentence", self.evidence_sentence),
            ("Standfirst", self.standfirst),
            ("Key points", "\n".join(self.key_point_list)),
            ("Opening", opening),
            ("Summary", summary),
        ]
        matches = []
        for label, text in texts:
            matches += readability.find_hype_in_text(text, hype_words, where=label)
        return matches

    def hype_words_text(self, matches):
        """What the article list shows and filters on: the listed words found, once each."""
        found = dict.fromkeys(match.word for match in matches)  # each word once, in list order
        return ", ".join(found)[: self._meta.get_field("hype_words").max_length]
