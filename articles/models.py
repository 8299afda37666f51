"""
What editors publish: articles that summarise research news for people
living with IBD, with the site's own analysis kept apart from the summary.

Markdown from editors is rendered to sanitised HTML once, when it is saved,
into the ``*_html`` fields that templates show.
"""

import calendar
import string
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from . import readability, search
from .caching import content_changed
from .evidence import EvidenceStage, describe
from .images import make_renditions, strip_uploaded_metadata
from .rendering import render_markdown

# Link previews (Open Graph, Twitter cards) ask for images about this wide.
SOCIAL_IMAGE_WIDTH = 1200
DEFAULT_READING_GRADE_TARGET = 7


class ReaderVisible(models.Model):
    """Anything readers see: saving or deleting it makes every cached page stale."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result


class Contributor(ReaderVisible):
    """A public byline: an author or a medical reviewer."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Qualifications and role as readers should see them, e.g. “MB ChB, consultant gastroenterologist”.",
    )
    affiliation = models.CharField(max_length=200, blank=True)
    bio = models.TextField(help_text="Two or three plain sentences. Shown on articles and the author page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributor",
        help_text="The staff account that writes as this person, if any.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Topic(ReaderVisible):
    """One broad subject per article, shown in the main navigation."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown on the topic page.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first in the navigation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        renamed = self.pk is not None and Topic.objects.filter(pk=self.pk).exclude(name=self.name).exists()
        super().save(*args, **kwargs)
        if renamed:  # its articles are found by the topic's name
            self.articles.rebuild_search_documents()

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


class SiteSettings(ReaderVisible):
    """Site-wide texts editors may change. There is only ever one row."""

    medical_disclaimer = models.TextField(
        help_text="Markdown. Shown at the foot of every article.",
    )
    medical_disclaimer_html = models.TextField(editable=False, default="")
    reading_grade_target = models.PositiveSmallIntegerField(
        "reading level target",
        default=DEFAULT_READING_GRADE_TARGET,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text="The Flesch-Kincaid grade that article text should stay at or below: 7 is about age 11 to 12. "
        "Editors see a warning beside text above it; it never stops an article being saved.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        self.medical_disclaimer_html = render_markdown(self.medical_disclaimer)
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The one row, created by a migration; a fresh object if it was deleted."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


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
        Article.objects.recheck_hype_words()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        Article.objects.recheck_hype_words()
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


# Only search reads these, and they are as long as the article: other pages leave them in the database.
SEARCH_FIELDS = ("search_document", "search_vector")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and its publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_cards(self):
        """Everything an article card shows, in one query."""
        return self.select_related("topic", "author").defer(*SEARCH_FIELDS)

    def for_results(self):
        """Everything a search result shows, its snippet's text included, in one query."""
        return self.select_related("topic", "author").defer("search_vector")

    def at_stage(self, stage):
        """Articles at one evidence stage; a blank stage means all of them."""
        return self.filter(evidence_stage=stage) if stage else self

    def for_page(self):
        """Everything the article page shows, in a fixed number of queries."""
        return (
            self.select_related("topic", "author", "medical_reviewer", "study")
            .prefetch_related("tags", "sections", "questions", "corrections", "review_answers")
            .defer(*SEARCH_FIELDS)
        )

    def review_overdue(self, today=None):
        """Published articles whose next medical review date has passed."""
        return self.published().filter(next_review_due__lt=today or timezone.localdate())

    def search(self, query):
        """These articles that match what a reader typed, best first (see articles/search.py)."""
        return search.search(self, query)

    def rebuild_search_documents(self, batch_size=500):
        """Rebuild the search text of many articles at once, e.g. after a bulk insert."""
        articles = self.select_related("topic").prefetch_related("tags", "sections", "questions").order_by("pk")
        changed = []
        for article in articles.iterator(chunk_size=batch_size):
            article.search_document = article.build_search_document()
            changed.append(article)
        Article.objects.bulk_update(changed, ["search_document"], batch_size=batch_size)
        search.refresh_vectors(Article.objects.filter(pk__in=self.values("pk")))

    def with_reading_target(self):
        """Each article carries the site's reading level target as ``reading_target``: a list flags rows for free."""
        target = SiteSettings.objects.filter(pk=1).values("reading_grade_target")[:1]
        return self.annotate(reading_target=Coalesce(Subquery(target), Value(DEFAULT_READING_GRADE_TARGET)))

    def recheck_hype_words(self):
        """Store the hype words found again, after the list changed."""
        hype_words = HypeWord.objects.pairs()
        changed = []
        fields = ["pk", "headline", "standfirst", "opening_html", "summary_html", "hype_words"]
        for article in self.only(*fields).iterator(chunk_size=500):
            found = article.hype_words_text(article.hype_matches(hype_words, rendered=True))
            if found != article.hype_words:
                article.hype_words = found
                changed.append(article)
        self.model.objects.bulk_update(changed, ["hype_words"], batch_size=500)


REVIEW_INTERVAL_MONTHS = 12


def months_after(day, months):
    """The same day of the month, ``months`` later; the month's last day when it is shorter (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# A revision holds the article with its sections, questions and study facts, so that
# history, compare and restore treat the page as one. Corrections are left out on purpose:
# restoring an old text must never take a published correction off the page.
# The search text and vector are rebuilt from the rest on every save: no copy of them in each revision.
@reversion.register(follow=["sections", "questions", "study"], exclude=SEARCH_FIELDS)
class Article(ReaderVisible):
    class Kind(models.TextChoices):
        RESEARCH_NEWS = "research", "Research news"
        FEATURE = "feature", "Feature"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.RESEARCH_NEWS,
        help_text="Research news summarises someone else's reporting and needs its source before it can be published.",
    )
    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The article's address. Avoid changing it once published."
    )
    standfirst = models.TextField(
        max_length=600, help_text="One plain paragraph under the headline and on article cards. No Markdown."
    )
    opening = models.TextField(blank=True, help_text="Markdown. A short, warm opening addressed to the reader.")
    opening_html = models.TextField(editable=False, default="")

    source_publisher = models.CharField(
        max_length=200, blank=True, help_text="Who published the reporting, e.g. “Crohn's & Colitis Foundation”."
    )
    source_headline = models.CharField(max_length=300, blank=True, help_text="The original headline, as published.")
    source_url = models.URLField(max_length=500, blank=True, help_text="The address of the original article.")
    source_published_on = models.DateField(null=True, blank=True, help_text="When the original was published.")
    evidence_stage = models.CharField(
        max_length=20,
        choices=EvidenceStage.choices,
        blank=True,
        help_text="How far the evidence in the reporting has come. Readers see it as a badge with the headline, "
        "with a plain sentence of what it means for them. Required before research news can be published; "
        "if a story covers several studies, choose the stage of the main one.",
    )
    summary = models.TextField(
        blank=True,
        help_text="Markdown. A faithful summary of the source's reporting, in our words. "
        "Our own analysis belongs in the sections below, never here.",
    )
    summary_html = models.TextField(editable=False, default="")
    closing = models.TextField(blank=True, help_text="Markdown. An optional closing paragraph.")
    closing_html = models.TextField(editable=False, default="")

    hero_image = models.ImageField(
        upload_to="articles/originals/%Y/%m/",
        blank=True,
        width_field="hero_width",
        height_field="hero_height",
        help_text="JPEG, PNG or WebP, at least 800 pixels wide. Readers get resized copies, never this original.",
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for people who can't see it. Required with an image.",
    )
    hero_credit = models.CharField(
        "hero image credit", max_length=200, blank=True, help_text="Who made the picture. Required with an image."
    )
    hero_renditions = models.JSONField(default=list, blank=True, editable=False)

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    tags = TaggableManager(blank=True, help_text="A comma-separated list of tags.")

    author = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="articles")
    medical_reviewer = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        help_text="The clinician who checked this article, if any.",
    )
    reviewed_on = models.DateField(null=True, blank=True, help_text="When the medical reviewer last checked it.")
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text=f"When the article should next be checked. Left empty, it is set to {REVIEW_INTERVAL_MONTHS} months "
        "after the review date. Readers see it; once it has passed, the page says the article is due for review.",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Readers see the article from this time. A future time schedules it. "
        "Left empty, publishing sets it to now.",
    )
    comments_open = models.BooleanField(
        default=True, help_text="Untick to close the discussion. Comments already there stay visible."
    )
    comment_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Visible comments, kept up to date by the community app."
    )
    reading_grade = models.FloatField(
        null=True, editable=False, help_text="The reading level of the hardest part, stored when saved."
    )
    hype_words = models.CharField(
        max_length=300, blank=True, default="", editable=False, help_text="Hype words found, stored when saved."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_document = models.TextField(
        editable=False,
        default="",
        help_text="What search looks in besides the headline and standfirst: the article's text, "
        "topic, tags and questions. Rebuilt whenever any of them is saved.",
    )
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="PostgreSQL only: the weighted words search finds the article by."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(fields=["topic", "status", "-published_at"], name="article_topic_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_publish_time",
                violation_error_message="A published article needs a publish time.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | ~Q(kind="research")
                | (
                    ~Q(source_publisher="")
                    & ~Q(source_headline="")
                    & ~Q(source_url="")
                    & Q(source_published_on__isnull=False)
                    & ~Q(summary="")
                ),
                name="published_research_has_source",
                violation_error_message="Published research news needs its full source and a summary.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(kind="research") | ~Q(evidence_stage=""),
                name="published_research_has_evidence_stage",
                violation_error_message="Published research news needs its evidence stage.",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.set_default_review_due()
        self.opening_html = render_markdown(self.opening)
        self.summary_html = render_markdown(self.summary)
        self.closing_html = render_markdown(self.closing)
        if self.hero_image and self._hero_image_changed():
            if not getattr(self.hero_image, "_committed", True):
                strip_uploaded_metadata(self.hero_image)
            self.hero_renditions = make_renditions(self.hero_image)
        elif not self.hero_image:
            self.hero_renditions = []
        self.search_document = self.build_search_document()
        self.reading_grade, self.hype_words = self._stored_checks()
        super().save(*args, **kwargs)
        search.refresh_vectors(Article.objects.filter(pk=self.pk))

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def prose_parts(self):
        """The editor-written HTML the page shows, in page order: [(key, html), ...].

        Mirrors the template: the summary shows only with its source. Glossary
        linking follows this order to find the first place each term is used.
        """
        parts = [("opening", self.opening_html)]
        if self.has_source:
            parts.append(("summary", self.summary_html))
        parts += [(f"section-{section.pk}", section.body_html) for section in self.sections.all()]
        parts.append(("closing", self.closing_html))
        return [(key, html) for key, html in parts if html]

    def build_search_document(self):
        """The plain text search looks in; parts and tags count once the article has been saved."""
        saved = self.pk is not None
        return search.build_document(
            topic=self.topic.name if self.topic_id else "",
            tags=[tag.name for tag in self.tags.all()] if saved else [],
            opening_html=self.opening_html,
            summary_html=self.summary_html,
            sections=[(s.heading, s.body_html) for s in self.sections.all()] if saved else [],
            questions=[q.text for q in self.questions.all()] if saved else [],
            closing_html=self.closing_html,
        )

    def refresh_search_document(self):
        """Rebuild the search text after a part or the tags changed, without saving anything else."""
        self.search_document = self.build_search_document()
        Article.objects.filter(pk=self.pk).update(search_document=self.search_document)
        search.refresh_vectors(Article.objects.filter(pk=self.pk))

    def clean(self):
        errors = {}
        if self.status == self.Status.PUBLISHED:
            if self.published_at is None:
                self.published_at = timezone.now()
            if self.kind == self.Kind.RESEARCH_NEWS:
                required = {
                    "source_publisher": "Name the publisher of the reporting this article summarises.",
                    "source_headline": "Give the original headline.",
                    "source_url": "Link to the original article.",
                    "source_published_on": "Give the date the original was published.",
                    "summary": "Research news needs a summary of the reporting.",
                    "evidence_stage": "Choose the stage of the evidence this article reports.",
                }
                for field, message in required.items():
                    if not getattr(self, field):
                        errors[field] = f"{message} Research news can't be published without it."
        if self.hero_image:
            if not self.hero_alt.strip():
                errors["hero_alt"] = "Describe the image for people who can't see it."
            if not self.hero_credit.strip():
                errors["hero_credit"] = "Say who made the image."
        if self.medical_reviewer_id and not self.reviewed_on:
            errors["reviewed_on"] = "Give the date the medical reviewer checked the article."
        if self.next_review_due and self.reviewed_on and self.next_review_due < self.reviewed_on:
            errors["next_review_due"] = (
                f"The next review can't be before the last one ({self.reviewed_on.day} {self.reviewed_on:%B %Y}). "
                f"Leave it empty to set it to {REVIEW_INTERVAL_MONTHS} months after the review."
            )
        if errors:
            raise ValidationError(errors)

    def set_default_review_due(self):
        if self.reviewed_on and not self.next_review_due:
            self.next_review_due = months_after(self.reviewed_on, REVIEW_INTERVAL_MONTHS)

    def render_again(self):
        """Render the Markdown of the article and its sections again, through save().

        Restoring a revision writes the stored rows directly, without save(): this brings
        the ``*_html`` fields back in line with the restored text and clears cached pages.
        """
        self.save()
        for section in self.sections.all():
            section.save()

    # Plain-language checks ---------------------------------------------------

    def text_parts(self, sections, questions):
        """(label, Markdown) of every part an editor writes, in page order; questions count as one part."""
        parts = [("Standfirst", self.standfirst), ("Opening", self.opening), ("Summary", self.summary)]
        parts += [(f"Section “{section.heading}”", section.body) for section in sections]
        if questions:
            parts.append(("Questions", "\n\n".join(question.text for question in questions)))
        parts.append(("Closing", self.closing))
        return parts

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
        """Hype words in what readers see first: headline, standfirst, opening and summary.

        ``rendered`` reads the opening and summary from their stored HTML, which is quicker
        for checking every article again but only right for an article as saved.
        """
        if rendered:
            opening, summary = readability.text_of_html(self.opening_html), readability.text_of_html(self.summary_html)
        else:
            opening, summary = readability.plain_text(self.opening), readability.plain_text(self.summary)
        texts = [
            ("Headline", self.headline),  # plain text fields: nothing to render
            ("Standfirst", self.standfirst),
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

    def _stored_checks(self):
        """The worst reading grade and the hype words, from the parts as saved (fresh, never prefetched)."""
        sections = Section.objects.filter(article_id=self.pk) if self.pk else []
        questions = Question.objects.filter(article_id=self.pk) if self.pk else []
        check = self.plain_language_check(None, HypeWord.objects.pairs(), sections, questions)
        return check.worst_grade, self.hype_words_text(check.hype)

    def refresh_plain_language(self):
        """Store the checks again after a section or question changed."""
        self.reading_grade, self.hype_words = self._stored_checks()
        Article.objects.filter(pk=self.pk).update(reading_grade=self.reading_grade, hype_words=self.hype_words)

    def _hero_image_changed(self):
        if not self.hero_renditions:
            return True
        return not getattr(self.hero_image, "_committed", True)

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def was_updated(self):
        """Updated on a later day than first published: worth telling readers."""
        return self.published_at is not None and self.updated_at.date() > self.published_at.date()

    @property
    def is_review_overdue(self):
        """Published and past its next review date: the page says so, calmly."""
        return self.is_published() and self.next_review_due is not None and self.next_review_due < timezone.localdate()

    @property
    def latest_notes(self):
        """The newest correction and the newest update, for the byline; uses the prefetched corrections."""
        latest = {}
        for note in self.corrections.all():  # newest first
            latest.setdefault(note.kind, note)
        return sorted(latest.values(), key=lambda note: note.published_at, reverse=True)

    @property
    def evidence(self):
        """The evidence stage with its plain-language meaning, for the badge; None when not set."""
        return describe(self.evidence_stage)

    def unanswered_review_criteria(self, answering=()):
        """The checklist questions still unanswered: research news can't be published until there are none.

        Features are exempt. ``answering``: criteria being answered in the same form, not saved yet.
        Uses ``review_answers`` as prefetched, when it was.
        """
        if self.kind != self.Kind.RESEARCH_NEWS:
            return []
        answered = {answer.criterion for answer in self.review_answers.all()} if self.pk else set()
        return [criterion for criterion in ReviewAnswer.Criterion if criterion not in answered | set(answering)]

    def review_tally(self):
        """How the checklist came out, for the panel's first line: e.g. [("Yes", 8), ("Not applicable", 2)]."""
        answers = [answer.answer for answer in self.review_answers.all()]
        return [(label, answers.count(value)) for value, label in ReviewAnswer.Answer.choices if value in answers]

    @property
    def has_source(self):
        return bool(self.source_publisher and self.source_url)

    @cached_property
    def hero_srcset(self):
        storage = self.hero_image.storage
        return ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in self.hero_renditions)

    @cached_property
    def hero_fallback(self):
        """The rendition for browsers that ignore srcset: the middle width."""
        if not self.hero_renditions:
            return None
        rendition = self.hero_renditions[len(self.hero_renditions) // 2]
        return {**rendition, "url": self.hero_image.storage.url(rendition["name"])}

    @cached_property
    def social_image(self):
        """The rendition link previews and search engines show: 1200 wide, or the widest there is."""
        if not self.hero_renditions:
            return None
        fitting = [r for r in self.hero_renditions if r["width"] <= SOCIAL_IMAGE_WIDTH]
        rendition = max(fitting or self.hero_renditions, key=lambda r: r["width"])
        return {**rendition, "url": self.hero_image.storage.url(rendition["name"])}

    def related_articles(self, limit=3):
        """Published articles that share this one's tags or topic: most shared tags first, then newest.

        One query, with the shared tags counted in a subquery so that the
        database never groups whole article rows. Reads ``self.tags.all()``,
        which ``for_page()`` has already prefetched.
        """
        tag_ids = [tag.pk for tag in self.tags.all()]
        tagged = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Article), tag_id__in=tag_ids)
        if tag_ids:
            shared_tags = Subquery(
                tagged.filter(object_id=OuterRef("pk"))
                .order_by()
                .values("object_id")
                .annotate(n=Count("*"))
                .values("n")
            )
            sharing = Q(topic_id=self.topic_id) | Q(pk__in=tagged.values("object_id"))
        else:
            shared_tags, sharing = Value(0), Q(topic_id=self.topic_id)
        related = (
            Article.objects.published()
            .for_cards()
            .filter(sharing)
            .exclude(pk=self.pk)
            .annotate(shared_tags=Coalesce(shared_tags, 0))
            .order_by("-shared_tags", "-published_at", "-id")
        )
        return list(related[:limit])


class OrderedPart(ReaderVisible):
    """A part of an article that editors put in order inline in admin; search finds the article by it."""

    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta(ReaderVisible.Meta):
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.article.refresh_search_document()
        self.article.refresh_plain_language()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.article.refresh_search_document()
        self.article.refresh_plain_language()
        return result


class ArticleDueForReview(Article):
    """The editors' list of published articles past their review date, under its own name in admin."""

    class Meta:
        proxy = True
        verbose_name = "article due for review"
        verbose_name_plural = "articles due for review"


class ArticleCorrection(ReaderVisible):
    """A dated note on the article saying what was corrected or updated: changes to facts are never silent."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="A correction fixes something we got wrong; an update adds or clarifies without an error.",
    )
    text = models.TextField(
        help_text="Markdown. Say plainly what changed and why, e.g. “An earlier version said … It now says …”."
    )
    text_html = models.TextField(editable=False, default="")
    published_at = models.DateTimeField(
        default=timezone.now, help_text="The date readers see on the note: today or earlier."
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates"

    def __str__(self):
        day = timezone.localdate(self.published_at)
        return f"{self.get_kind_display()} of {day.day} {day:%B %Y}"

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#corrections"

    @property
    def byline_label(self):
        return "Corrected" if self.kind == self.Kind.CORRECTION else "Updated"

    def clean(self):
        # Readers see the date only, so any time today is fine; a later day would be a promise.
        if self.published_at and timezone.localdate(self.published_at) > timezone.localdate():
            raise ValidationError({"published_at": "A correction shows at once: its date can't be in the future."})


@reversion.register()
class Section(OrderedPart):
    """One section of the site's own analysis, under its own heading."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. Use ### for sub-headings inside the section.")
    body_html = models.TextField(editable=False, default="")

    class Meta(OrderedPart.Meta):
        verbose_name = "analysis section"

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


@reversion.register()
class Question(OrderedPart):
    """A question readers can take to their healthcare team."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=400, help_text="One question, in the reader's voice. Plain text.")

    class Meta(OrderedPart.Meta):
        verbose_name = "question for your healthcare team"
        verbose_name_plural = "questions for your healthcare team"

    def __str__(self):
        return self.text


@reversion.register()
class StudyFacts(ReaderVisible):
    """The study at a glance: the facts a reader needs to weigh a result."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="study")
    study_name = models.CharField(max_length=200)
    intervention = models.CharField(max_length=400, blank=True)
    condition = models.CharField(max_length=200, blank=True)
    design = models.CharField(max_length=200, blank=True, help_text="e.g. randomised, double-blind, placebo-controlled")
    participants = models.PositiveIntegerField(null=True, blank=True, help_text="How many people took part.")
    sites = models.CharField(max_length=200, blank=True, help_text="Where, e.g. “multiple medical centres”.")
    primary_endpoint = models.CharField(max_length=400, blank=True)
    time_point = models.CharField(max_length=100, blank=True, help_text="When the endpoint was measured.")
    result = models.TextField(blank=True)
    safety = models.TextField(blank=True)
    registry_id = models.CharField("trial registry ID", max_length=60, blank=True, help_text="e.g. NCT01234567")
    registry_url = models.URLField("trial registry link", max_length=500, blank=True)

    class Meta:
        verbose_name = "study at a glance"
        verbose_name_plural = "study at a glance"

    def __str__(self):
        return self.study_name

    def facts(self):
        """The filled-in facts as (label, value) pairs, in reading order."""
        labels = [
            ("Study", self.study_name),
            ("Treatment studied", self.intervention),
            ("Condition", self.condition),
            ("Design", self.design),
            ("Participants", f"{self.participants:,}" if self.participants else ""),
            ("Where", self.sites),
            ("Main measure of success", self.primary_endpoint),
            ("Measured at", self.time_point),
            ("Result", self.result),
            ("Safety", self.safety),
        ]
        return [(label, value) for label, value in labels if value]


class ReviewAnswer(ReaderVisible):
    """One answer on an article's review checklist: the ten questions health-news reviewers ask of a story.

    The criteria follow HealthNewsReview.org's. A row exists only once a criterion is answered, so
    "unanswered" is simply a missing row; readers see the answers in "How we checked this story".
    """

    class Criterion(models.IntegerChoices):
        # The numbers are stored: never renumber, only add.
        BENEFITS = 1, "Benefits given in numbers"
        HARMS = 2, "Harms covered"
        EVIDENCE = 3, "Quality of the evidence explained"
        COSTS = 4, "Costs and availability"
        ALTERNATIVES = 5, "Alternatives compared"
        INDEPENDENT_SOURCES = 6, "Independent sources"
        NO_DISEASE_MONGERING = 7, "No disease-mongering"
        NOVELTY = 8, "Novelty honest"
        NO_UNJUSTIFIED_LANGUAGE = 9, "No unjustified language"
        BEYOND_PRESS_RELEASE = 10, "More than a press release"

    # For each criterion: the question as editors and readers see it, and what a good answer looks like.
    QUESTIONS = {
        Criterion.BENEFITS: (
            "Does the story say how big the benefit is, in numbers?",
            "Absolute figures (for example 38 in 100 on the treatment, 21 in 100 on placebo), not just "
            "“more” or “halved”.",
        ),
        Criterion.HARMS: (
            "Does the story cover side effects and other harms?",
            "How often harms happened, how serious they were, and what isn't known yet.",
        ),
        Criterion.EVIDENCE: (
            "Does the story explain how strong the evidence is?",
            "The study's design, size and length and its limits; early, small or animal studies flagged as such.",
        ),
        Criterion.COSTS: (
            "Does the story say whether people can get the treatment, and at what cost?",
            "Available now or not, where, and what it costs or how it is prescribed.",
        ),
        Criterion.ALTERNATIVES: (
            "Does the story compare the new option with what people use today?",
            "Names the existing treatments and says how the new one differs.",
        ),
        Criterion.INDEPENDENT_SOURCES: (
            "Does the story draw on sources with no stake in the result?",
            "Who paid for the study and the researchers' ties disclosed; an independent view where there is one.",
        ),
        Criterion.NO_DISEASE_MONGERING: (
            "Does the story avoid making the condition sound more common or worse than it is?",
            "Who is affected, in honest numbers, without scaring readers.",
        ),
        Criterion.NOVELTY: (
            "Is the story honest about what is really new?",
            "Says what came before; “first” only when it is.",
        ),
        Criterion.NO_UNJUSTIFIED_LANGUAGE: (
            "Does the story avoid words the evidence doesn't justify?",
            "No “breakthrough”, “cure” or “miracle” for a trial result.",
        ),
        Criterion.BEYOND_PRESS_RELEASE: (
            "Does the story go further than a press release?",
            "Says where the news came from, and checks a company's or university's claims against the study.",
        ),
    }

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_APPLICABLE = "n/a", "Not applicable"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_answers")
    criterion = models.PositiveSmallIntegerField(choices=Criterion.choices)
    answer = models.CharField(max_length=3, choices=Answer.choices)
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="One plain sentence readers will see. Required for “No” and “Not applicable”: say why.",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The staff account that gave or last changed the answer. Not shown to readers.",
    )
    answered_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "criterion"],
                name="one_review_answer_per_criterion",
                violation_error_message="This question is already answered for this article.",
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.get_answer_display()}"

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#review-checklist-heading"

    @property
    def question(self):
        return self.QUESTIONS[self.criterion][0]

    @property
    def hint(self):
        return self.QUESTIONS[self.criterion][1]

    def clean(self):
        if self.answer in (self.Answer.NO, self.Answer.NOT_APPLICABLE) and not self.note.strip():
            raise ValidationError(
                {"note": f"Say why the answer is “{self.get_answer_display()}”: readers see this note."}
            )


# Typographic apostrophes and hyphens count as the plain ones when forms are compared.
SAME_CHARACTERS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})


def normalise_form(text):
    """How forms of a term are compared: case, runs of spaces and curly apostrophes don't matter."""
    return " ".join(text.split()).casefold().translate(SAME_CHARACTERS)


class GlossaryLetter(NamedTuple):
    letter: str
    anchor: str  # the id of its part of the glossary page
    terms: list


class GlossaryTermQuerySet(models.QuerySet):
    def by_letter(self):
        """Every letter A to Z, with the terms that start with it (perhaps none), then "#" for any others."""
        groups = {letter: [] for letter in string.ascii_uppercase}
        for term in self.order_by(Lower("term")):
            groups.setdefault(term.letter, []).append(term)
        return [
            GlossaryLetter(letter, f"letter-{letter.lower() if letter.isalpha() else 'other'}", terms)
            for letter, terms in groups.items()
            if terms or letter.isalpha()
        ]


class GlossaryTerm(ReaderVisible):
    """A word readers may not know, explained in plain language.

    Articles link the first place each term appears to its definition
    (``articles/glossary.py``), so a term and every one of its forms belongs
    to one entry only.
    """

    term = models.CharField(max_length=100, help_text="As readers see it in a sentence, e.g. “fistula”.")
    slug = models.SlugField(
        max_length=100, unique=True, help_text="The term's address in the glossary. Avoid changing it once used."
    )
    also_matches = models.CharField(
        max_length=400,
        blank=True,
        help_text="Other forms to link, separated by commas: plurals and other spellings, e.g. "
        "“fistulas, fistulae”. Whole words only; capitals don't matter.",
    )
    definition = models.TextField(
        max_length=1200,
        help_text="Markdown. One to three plain sentences a reader can follow without any medical background.",
    )
    definition_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="glossary_term_unique_ignoring_case",
                violation_error_message="The glossary already has this term.",
            ),
        ]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.definition_html = render_markdown(self.definition)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:glossary") + f"#term-{self.slug}"

    @property
    def alternative_forms(self):
        """The "also matches" forms, tidied: no blanks, no repeats, not the term itself."""
        seen = {normalise_form(self.term)}
        forms = []
        for form in self.also_matches.split(","):
            form = " ".join(form.split())
            if form and normalise_form(form) not in seen:
                seen.add(normalise_form(form))
                forms.append(form)
        return forms

    @property
    def forms(self):
        """Every form articles link: the term first, then its alternatives."""
        return [" ".join(self.term.split()), *self.alternative_forms]

    @property
    def letter(self):
        """The heading it is listed under: A to Z, or "#" for a term that starts with anything else."""
        first = unicodedata.normalize("NFKD", self.term.strip()[:1]).upper()[:1]
        return first if "A" <= first <= "Z" else "#"

    def clean(self):
        errors = {}
        owners = self._owners_of_other_forms()
        owner = owners.get(normalise_form(self.term))
        if not any(character.isalnum() for character in self.term):
            errors["term"] = "A term needs at least one letter or number."
        elif owner and normalise_form(owner) == normalise_form(self.term):
            errors["term"] = f"The glossary already has “{owner}”."
        elif owner:
            errors["term"] = (
                f"“{self.term.strip()}” is already a form of “{owner}”: "
                "edit that entry instead, or take the form out of it first."
            )
        taken = [
            f"“{form}” (in “{owners[normalise_form(form)]}”)"
            for form in self.alternative_forms
            if normalise_form(form) in owners
        ]
        if taken:
            errors["also_matches"] = "Each form can belong to one term only. Already used: " + ", ".join(taken) + "."
        if errors:
            raise ValidationError(errors)

    def _owners_of_other_forms(self):
        """Every form of every other term, normalised, with the term it belongs to."""
        owners = {}
        for other in GlossaryTerm.objects.exclude(pk=self.pk).only("term", "also_matches"):
            for form in other.forms:
                owners.setdefault(normalise_form(form), other.term)
        return owners


@receiver(m2m_changed, sender=Article.tags.through)
def tags_changed(sender, instance, action, **kwargs):
    """Tags are saved after the article (in admin, by taggit's form field): search and cached pages must see them."""
    if isinstance(instance, Article) and action in ("post_add", "post_remove", "post_clear"):
        instance.refresh_search_document()
        content_changed()
