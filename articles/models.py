"""
What editors publish: articles that summarise research news for people
living with IBD, with the site's own analysis kept apart from the summary.

Markdown from editors is rendered to sanitised HTML once, when it is saved,
into the ``*_html`` fields that templates show.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.managers import TaggableManager

from . import readability
from .caching import content_changed
from .images import make_renditions
from .rendering import render_markdown

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
    """Terms readers can look up. The glossary comes with issue 6; until it is wired in, none are known."""
    return frozenset()


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


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and its publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_cards(self):
        """Everything an article card shows, in one query."""
        return self.select_related("topic", "author")

    def for_page(self):
        """Everything the article page shows, in a fixed number of queries."""
        return self.select_related("topic", "author", "medical_reviewer", "study").prefetch_related(
            "tags", "sections", "questions"
        )

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
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.opening_html = render_markdown(self.opening)
        self.summary_html = render_markdown(self.summary)
        self.closing_html = render_markdown(self.closing)
        if self.hero_image and self._hero_image_changed():
            self.hero_renditions = make_renditions(self.hero_image)
        elif not self.hero_image:
            self.hero_renditions = []
        self.reading_grade, self.hype_words = self._stored_checks()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

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
        if errors:
            raise ValidationError(errors)

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


class OrderedPart(ReaderVisible):
    """A part of an article that editors put in order inline in admin."""

    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta(ReaderVisible.Meta):
        abstract = True
        ordering = ["position", "id"]


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
        self.article.refresh_plain_language()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.article.refresh_plain_language()
        return result


class Question(OrderedPart):
    """A question readers can take to their healthcare team."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=400, help_text="One question, in the reader's voice. Plain text.")

    class Meta(OrderedPart.Meta):
        verbose_name = "question for your healthcare team"
        verbose_name_plural = "questions for your healthcare team"

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.article.refresh_plain_language()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.article.refresh_plain_language()
        return result


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
