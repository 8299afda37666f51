"""
The editors' workplace. The article form follows the order of the page:
headline, hero image, opening, source and summary, the study at a glance,
analysis sections, questions, closing, then byline and publishing.

Under each text field editors see its plain-language figures (reading level,
long sentences, medical terms) as they were last saved or submitted, and the
hype words found; warnings only, nothing here stops a save.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from . import readability
from .caching import content_changed
from .forms import ArticleAdminForm
from .models import (
    Article,
    Contributor,
    HypeWord,
    Question,
    Section,
    SiteSettings,
    StudyFacts,
    Topic,
    glossary_terms,
)

# Web addresses typed without a scheme are taken as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class StudyFactsInline(admin.StackedInline):
    model = StudyFacts
    formfield_overrides = HTTPS_URLS
    extra = 0
    max_num = 1
    verbose_name_plural = "Study at a glance (optional)"


# Plain-language figures -------------------------------------------------------


def reading_target(obj):
    """The target carried by a row from a list or form (``reading_target_subquery``), else looked up once."""
    if getattr(obj, "reading_target", None) is None:
        obj.reading_target = SiteSettings.load().reading_grade_target
    return obj.reading_target


def reading_figures(obj, text):
    """The reading level, long sentences and unexplained medical terms of one field, for the form."""
    target = reading_target(obj)
    figures = readability.measure(text)
    context = {
        "figures": figures,
        "target": target,
        "above": figures is not None and figures.above(target),
        "terms": readability.unknown_medical_terms(text, glossary_terms()),
    }
    return render_to_string("admin/articles/_reading_figures.html", context)


class PlainLanguageInline:
    """An inline whose rows show the reading level of their text."""

    text_field = None
    reading_target = None

    def get_formset(self, request, obj=None, **kwargs):
        # Admin makes inline instances afresh for each request, so the target can be kept here for every row.
        self.reading_target = reading_target(obj) if obj is not None else SiteSettings.load().reading_grade_target
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Reading level")
    def reading_level(self, part):
        part.reading_target = self.reading_target
        return reading_figures(part, getattr(part, self.text_field))


class SectionInline(PlainLanguageInline, admin.StackedInline):
    model = Section
    extra = 1
    fields = ["heading", "body", "reading_level", "position"]
    readonly_fields = ["reading_level"]
    text_field = "body"
    verbose_name_plural = "Analysis sections: our own perspective, in the order of their position numbers"


class QuestionInline(PlainLanguageInline, admin.TabularInline):
    model = Question
    extra = 1
    fields = ["text", "reading_level", "position"]
    readonly_fields = ["reading_level"]
    text_field = "text"


class ReadingLevelFilter(admin.SimpleListFilter):
    title = "reading level"
    parameter_name = "reading"

    def lookups(self, request, model_admin):
        return [("above", "Above the target"), ("within", "At or below the target"), ("unmeasured", "Not measured")]

    def queryset(self, request, queryset):
        if self.value() == "above":
            return queryset.filter(reading_grade__gt=F("reading_target"))
        if self.value() == "within":
            return queryset.filter(reading_grade__lte=F("reading_target"))
        if self.value() == "unmeasured":
            return queryset.filter(reading_grade__isnull=True)
        return queryset


class HypeWordsFilter(admin.SimpleListFilter):
    title = "hype words"
    parameter_name = "hype"

    def lookups(self, request, model_admin):
        return [("found", "Hype words found"), ("none", "None found")]

    def queryset(self, request, queryset):
        if self.value() == "found":
            return queryset.exclude(hype_words="")
        if self.value() == "none":
            return queryset.filter(hype_words="")
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = HTTPS_URLS
    # Fieldsets marked "after-inlines" are drawn below the inlines, by
    # templates/admin/articles/article/change_form.html, to match the page.
    fieldsets = [
        (None, {"fields": ["kind", "headline", "slug", "standfirst", "standfirst_reading", "hype_check"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_credit"]}),
        ("Opening", {"fields": ["opening", "opening_reading"]}),
        (
            "Summary of the reporting",
            {
                "description": "The source this article summarises. All four are required before research news "
                "can be published. The summary is theirs, in our words; keep our own views for the sections below.",
                "fields": [
                    "source_publisher",
                    "source_headline",
                    "source_url",
                    "source_published_on",
                    "summary",
                    "summary_reading",
                ],
            },
        ),
        ("Closing", {"classes": ["after-inlines"], "fields": ["closing", "closing_reading"]}),
        ("Topic and tags", {"classes": ["after-inlines"], "fields": ["topic", "tags"]}),
        (
            "Byline and medical review",
            {"classes": ["after-inlines"], "fields": ["author", "medical_reviewer", "reviewed_on"]},
        ),
        ("Publishing", {"classes": ["after-inlines"], "fields": ["status", "published_at"]}),
        ("Discussion", {"classes": ["after-inlines"], "fields": ["comments_open"]}),
    ]
    readonly_fields = ["standfirst_reading", "opening_reading", "summary_reading", "closing_reading", "hype_check"]
    inlines = [StudyFactsInline, SectionInline, QuestionInline]
    prepopulated_fields = {"slug": ["headline"]}
    list_display = [
        "headline",
        "kind",
        "status",
        "published_at",
        "is_live",
        "topic",
        "reading_level",
        "hype_words_found",
        "comment_count",
        "page_link",
    ]
    list_filter = ["status", "kind", "topic", "author", "comments_open", ReadingLevelFilter, HypeWordsFilter]
    list_select_related = ["topic", "author"]
    search_fields = ["headline", "standfirst", "summary", "source_publisher"]
    date_hierarchy = "published_at"
    actions = ["publish_selected", "unpublish_selected"]

    class Media:
        css = {"all": ["css/admin-plain-language.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_reading_target()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed()  # tags are saved after the article itself
        self.warn_about_plain_language(request, form.instance)

    def warn_about_plain_language(self, request, article):
        """Say what the checks found once everything is saved: a warning, the save has happened."""
        article.refresh_from_db(fields=["reading_grade", "hype_words"])
        target = SiteSettings.load().reading_grade_target
        found = []
        if article.reading_grade is not None and article.reading_grade > target:
            found.append(f"the hardest part reads at grade {article.reading_grade:g}, above the target of {target}")
        if article.hype_words:
            found.append(f"hype words: {article.hype_words}")
        if found:
            self.message_user(
                request,
                "Plain-language check: " + "; ".join(found) + ". See the notes under each field.",
                messages.WARNING,
            )

    @admin.display(description="Reading level")
    def standfirst_reading(self, article):
        return reading_figures(article, article.standfirst)

    @admin.display(description="Reading level")
    def opening_reading(self, article):
        return reading_figures(article, article.opening)

    @admin.display(description="Reading level")
    def summary_reading(self, article):
        return reading_figures(article, article.summary)

    @admin.display(description="Reading level")
    def closing_reading(self, article):
        return reading_figures(article, article.closing)

    @admin.display(description="Hype check")
    def hype_check(self, article):
        matches = article.hype_matches(HypeWord.objects.pairs())
        return render_to_string("admin/articles/_hype_check.html", {"matches": matches})

    @admin.display(description="Reading level", ordering="reading_grade")
    def reading_level(self, article):
        if article.reading_grade is None:
            return "Not measured"
        if article.reading_grade > article.reading_target:
            return format_html("{} <strong>above target</strong>", f"{article.reading_grade:g}")
        return f"{article.reading_grade:g}"

    @admin.display(description="Hype words", ordering="hype_words")
    def hype_words_found(self, article):
        return article.hype_words or "None"

    @admin.display(boolean=True, description="Readers can see it")
    def is_live(self, article):
        return article.is_published()

    @admin.display(description="Page")
    def page_link(self, article):
        label = "View" if article.is_published() else "Preview"
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            article.get_absolute_url(),
            label,
            article.headline,
        )

    @admin.action(description="Publish selected articles now (scheduled ones keep their time)", permissions=["change"])
    def publish_selected(self, request, queryset):
        published, refused = 0, []
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            try:
                article.full_clean()
            except ValidationError:
                refused.append(article.headline)
                continue
            article.save()
            published += 1
        if published:
            self.message_user(
                request, ngettext("Published %d article.", "Published %d articles.", published) % published
            )
        if refused:
            self.message_user(
                request,
                "Not published, because something required is missing (open each to see what): " + "; ".join(refused),
                messages.ERROR,
            )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, ngettext("Unpublished %d article.", "Unpublished %d articles.", count) % count)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "affiliation"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only staff accounts write as a contributor; members' accounts stay out of sight.
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(HypeWord)
class HypeWordAdmin(admin.ModelAdmin):
    """The words editors are warned about. Moderators and editors both keep the list."""

    list_display = ["word", "suggestion"]
    search_fields = ["word", "suggestion"]

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        Article.objects.recheck_hype_words()  # a bulk delete skips HypeWord.delete()


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
