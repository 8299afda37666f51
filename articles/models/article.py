"""
What editors publish: articles that summarise research news for people
living with IBD, with the site's own analysis kept apart from the summary.

Markdown from editors is rendered to sanitised HTML once, when the article
and its parts are saved (``refresh_derived()``), into the ``*_html`` fields
that templates show.
"""

import calendar

import reversion
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from ..caching import article_changed, published_list_changed
from ..evidence import EvidenceStage, describe
from ..images import make_renditions, strip_uploaded_metadata
from .derived import DerivedArticle, DerivedQuerySet
from .finding import SEARCH_FIELDS, FindableArticle, SearchableQuerySet
from .hero import ArticleHeroImage
from .plain_language import ArticlePlainLanguage, PlainLanguageQuerySet
from .publishing import REVIEW_INTERVAL_MONTHS, PublishingRules, validate_key_points
from .review import ArticleReviewChecklist
from .site import DEFAULT_READING_GRADE_TARGET, Contributor, SiteSettings, Topic
from .tagging import FewQueryTags


class ArticleQuerySet(DerivedQuerySet, SearchableQuerySet, PlainLanguageQuerySet, models.QuerySet):
    def published(self):
        """What readers may see: published, and its publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def featured(self):
        """The home page's featured article: the editors' choice while readers can see it, else the newest."""
        return (
            self.published()
            .for_cards()
            .annotate(is_chosen=Exists(SiteSettings.objects.filter(pk=1, featured_article=OuterRef("pk"))))
            .order_by("-is_chosen", "-published_at", "-id")
            .first()
        )

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

    def with_reading_target(self):
        """Each article carries the site's reading level target as ``reading_target``: a list flags rows for free."""
        target = SiteSettings.objects.filter(pk=1).values("reading_grade_target")[:1]
        return self.annotate(reading_target=Coalesce(Subquery(target), Value(DEFAULT_READING_GRADE_TARGET)))


def months_after(day, months):
    """The same day of the month, ``months`` later; the month's last day when it is shorter (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# A revision holds the article with its sections, questions and study facts, so that
# history, compare and restore treat the page as one. Corrections are left out on purpose:
# restoring an old text must never take a published correction off the page.
# The search text and vector are rebuilt from the rest by refresh_derived(): no copy of them in each revision.
@reversion.register(follow=["sections", "questions", "study"], exclude=SEARCH_FIELDS)
class Article(
    DerivedArticle,
    FindableArticle,
    ArticlePlainLanguage,
    ArticleReviewChecklist,
    ArticleHeroImage,
    PublishingRules,
    models.Model,
):
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
    evidence_sentence = models.TextField(
        "evidence stage sentence",
        max_length=300,
        blank=True,
        help_text="Plain text. Leave empty to show the stage's own sentence next to the badge. Adjust it only when "
        "that sentence isn't quite true for this story, in one or two plain sentences.",
    )
    key_points = models.TextField(
        max_length=1000,
        blank=True,
        validators=[validate_key_points],
        help_text="Plain text, one point per line: 3 to 5 short points a reader should take away. "
        "Shown near the top of the article.",
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
    tags = TaggableManager(blank=True, help_text="A comma-separated list of tags.", manager=FewQueryTags)

    author = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="articles")
    medical_reviewer = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        help_text="The clinician who checked this article. Required, with the review date, before research news "
        "can be published.",
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
        if self.hero_image and self._hero_image_changed():
            if not getattr(self.hero_image, "_committed", True):
                strip_uploaded_metadata(self.hero_image)
            self.hero_renditions = make_renditions(self.hero_image)
        elif not self.hero_image:
            self.hero_renditions = []
        before = self.as_loaded()
        super().save(*args, **kwargs)
        self._as_loaded = (self.slug, self.status)
        article_changed(self.slug, before and before[0])  # a new slug: the old address stops showing it
        if self.status == self.Status.PUBLISHED or (before and before[1] == self.Status.PUBLISHED):
            published_list_changed()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        if "slug" in field_names and "status" in field_names:
            article._as_loaded = (article.slug, article.status)
        return article

    def as_loaded(self):
        """The slug and status the saved row has, which say whose cached pages a save makes stale.

        Remembered when the article was read (an admin form reads it just before saving), else asked for.
        """
        if not self.pk:
            return None
        if hasattr(self, "_as_loaded"):
            return self._as_loaded
        return type(self).objects.filter(pk=self.pk).values_list("slug", "status").first()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        article_changed(self.slug)
        published_list_changed()
        return result

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

    def set_default_review_due(self):
        if self.reviewed_on and not self.next_review_due:
            self.next_review_due = months_after(self.reviewed_on, REVIEW_INTERVAL_MONTHS)

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

    @property
    def evidence_meaning(self):
        """What the stage means for readers of this story: the editor's adjusted sentence, else the stage's own."""
        stage = self.evidence
        return (self.evidence_sentence.strip() or stage.meaning) if stage else ""

    @property
    def has_source(self):
        return bool(self.source_publisher and self.source_url)


class ArticleDueForReview(Article):
    """The editors' list of published articles past their review date, under its own name in admin."""

    class Meta:
        proxy = True
        verbose_name = "article due for review"
        verbose_name_plural = "articles due for review"


@receiver(m2m_changed, sender=Article.tags.through)
def tags_changed(sender, instance, action, **kwargs):
    """Tags are saved after the article (in admin, by taggit's form field): cached pages must see them.

    Search sees them when the save finishes, with ``refresh_derived()``.
    """
    if isinstance(instance, Article) and action in ("post_add", "post_remove", "post_clear"):
        article_changed(instance.slug)
        published_list_changed()  # tag pages
