"""Who writes, what about, and the site's own texts: the models behind navigation and bylines."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from ..caching import site_changed
from ..rendering import render_markdown
from .singleton import SingletonModel

DEFAULT_READING_GRADE_TARGET = 7


class Contributor(models.Model):
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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        site_changed()  # bylines and settings show on pages all over the site

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        site_changed()
        return result


class Topic(models.Model):
    """One broad subject per article, shown in the main navigation."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown on the topic page.")
    introduction = models.TextField(
        blank=True,
        help_text="Markdown. A short, plain introduction to the condition or subject, written by an editor: "
        "shown on the topic page above its articles.",
    )
    introduction_html = models.TextField(editable=False, default="")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first in the navigation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.introduction_html = render_markdown(self.introduction)
        renamed = self.pk is not None and Topic.objects.filter(pk=self.pk).exclude(name=self.name).exists()
        super().save(*args, **kwargs)
        if renamed:  # its articles are found by the topic's name
            self.articles.rebuild_search_documents()
        site_changed()  # every page shows the navigation, and cards the topic

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        site_changed()
        return result


class SiteSettings(SingletonModel):
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
    featured_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"status": "published"},
        help_text="The article at the top of the home page. Left empty, or while the chosen one is unpublished "
        "or scheduled, the newest published article is featured.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.medical_disclaimer_html = render_markdown(self.medical_disclaimer)
        super().save(*args, **kwargs)
        site_changed()  # bylines and settings show on pages all over the site

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        site_changed()
        return result
