"""The parts of an article editors add inline: analysis sections, questions, the study, corrections."""

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from ..caching import article_changed
from ..rendering import render_markdown


class OrderedPart(models.Model):
    """A part of an article that editors put in order inline in admin; search finds the article by it."""

    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        article_changed(self.article.slug)  # readers see it: sections and questions alike

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        article_changed(self.article.slug)
        return result


@reversion.register()
class Section(OrderedPart):
    """One section of the site's own analysis, under its own heading."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(
        max_length=200,
        help_text="Research news needs one section headed “Practical considerations…” before it can be published.",
    )
    body = models.TextField(help_text="Markdown. Use ### for sub-headings inside the section.")
    body_html = models.TextField(editable=False, default="")

    class Meta(OrderedPart.Meta):
        verbose_name = "analysis section"

    def __str__(self):
        return self.heading


@reversion.register()
class Question(OrderedPart):
    """A question readers can take to their healthcare team."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(
        max_length=400,
        help_text="One question, in the reader's voice. Plain text. Research news needs at least 3 to be published.",
    )

    class Meta(OrderedPart.Meta):
        verbose_name = "question for your healthcare team"
        verbose_name_plural = "questions for your healthcare team"

    def __str__(self):
        return self.text


@reversion.register()
class StudyFacts(models.Model):
    """The study at a glance: the facts a reader needs to weigh a result."""

    article = models.OneToOneField("Article", on_delete=models.CASCADE, related_name="study")
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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        article_changed(self.article.slug)  # readers see it on the article's page

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        article_changed(self.article.slug)
        return result

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


class ArticleCorrection(models.Model):
    """A dated note on the article saying what was corrected or updated: changes to facts are never silent."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="corrections")
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
        article_changed(self.article.slug)  # readers see it on the article's page

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#corrections"

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        article_changed(self.article.slug)
        return result

    @property
    def byline_label(self):
        return "Corrected" if self.kind == self.Kind.CORRECTION else "Updated"

    def clean(self):
        # Readers see the date only, so any time today is fine; a later day would be a promise.
        if self.published_at and timezone.localdate(self.published_at) > timezone.localdate():
            raise ValidationError({"published_at": "A correction shows at once: its date can't be in the future."})
