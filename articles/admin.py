"""
The editors' workplace. The article form follows the order of the page:
headline, hero image, opening, source and summary, the study at a glance,
analysis sections, questions, corrections, closing, then byline and publishing.

Every save of an article keeps a revision (django-reversion's VersionAdmin):
editors see the history, compare two revisions and restore one.

Under each text field editors see its plain-language figures (reading level,
long sentences, medical terms) as they were last saved or submitted, and the
hype words found; warnings only, nothing here stops a save.
"""

from datetime import timedelta

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import readability
from .admin_mixins import ReadOnlyAdminMixin, SingletonAdminMixin
from .caching import content_changed
from .forms import ArticleAdminForm, CompareRevisionsForm, ReviewAnswerForm, ReviewAnswerFormSet
from .history import compare_revisions
from .models import (
    Article,
    ArticleCorrection,
    ArticleDueForReview,
    Contributor,
    GlossaryTerm,
    HypeWord,
    Question,
    ReviewAnswer,
    Section,
    SiteSettings,
    StudyFacts,
    Topic,
    glossary_terms,
)

# Web addresses typed without a scheme are taken as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class BulkDeleteClearsPages:
    """ "Delete selected" deletes in bulk, without each row's delete(): clear cached pages here."""

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()


class LoadedRowChoiceField(forms.ModelChoiceField):
    """A posted inline row's id, found among the rows its formset loaded in one query.

    Django's own field looks each row up with a query of its own: 25 queries for an
    article with 8 sections, 5 questions and its review checklist.
    """

    def __init__(self, formset, *args, **kwargs):
        self.formset = formset
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return value
        try:
            row = self.formset._existing_object(self.formset._pk_field.to_python(value))
        except ValidationError:
            row = None
        if row is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return row


class LoadedRowsMixin:
    """Inline formsets whose posted rows cost no query each (see ``LoadedRowChoiceField``)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:
            form.fields[name] = LoadedRowChoiceField(
                self, field.queryset, initial=field.initial, required=False, widget=field.widget
            )


class PartFormSet(LoadedRowsMixin, BaseInlineFormSet):
    pass


class ReviewAnswerRowsFormSet(LoadedRowsMixin, ReviewAnswerFormSet):
    pass


class StudyFactsInline(admin.StackedInline):
    model = StudyFacts
    formset = PartFormSet
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
    article = None

    def get_formset(self, request, obj=None, **kwargs):
        self.article = obj
        return super().get_formset(request, obj, **kwargs)

    @cached_property
    def reading_target(self):
        """Looked up when a row is first shown, never for a save that succeeds.

        Admin makes inline instances afresh for each request, so the target is kept here for every row.
        """
        return reading_target(self.article) if self.article is not None else SiteSettings.load().reading_grade_target

    @admin.display(description="Reading level")
    def reading_level(self, part):
        part.reading_target = self.reading_target
        return reading_figures(part, getattr(part, self.text_field))


class SectionInline(PlainLanguageInline, admin.StackedInline):
    model = Section
    formset = PartFormSet
    extra = 1
    fields = ["heading", "body", "reading_level", "position"]
    readonly_fields = ["reading_level"]
    text_field = "body"
    verbose_name_plural = "Analysis sections: our own perspective, in the order of their position numbers"


class QuestionInline(PlainLanguageInline, admin.TabularInline):
    model = Question
    formset = PartFormSet
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


class CorrectionInline(admin.StackedInline):
    model = ArticleCorrection
    formset = PartFormSet
    extra = 0
    fields = ["kind", "published_at", "text"]
    verbose_name_plural = "Corrections and updates: shown near the top of the page, newest first"


class ReviewFilter(admin.SimpleListFilter):
    """Which articles need their medical review: overdue means published and past the next review date."""

    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Review overdue"), ("soon", "Due within 30 days"), ("none", "No review date")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.review_overdue(today)
        if self.value() == "soon":
            return queryset.published().filter(next_review_due__gte=today, next_review_due__lte=today + timedelta(30))
        if self.value() == "none":
            return queryset.filter(next_review_due__isnull=True)
        return queryset


class ReviewAnswerInline(admin.TabularInline):
    """The ten checklist questions, one row each, pre-filled so editors only answer."""

    model = ReviewAnswer
    form = ReviewAnswerForm
    formset = ReviewAnswerRowsFormSet
    max_num = len(ReviewAnswer.Criterion)
    can_delete = False
    view_on_site = False  # every row would link to the same article
    verbose_name = "review checklist answer"
    verbose_name_plural = "Review checklist: answer every question before publishing research news (readers see it)"

    def get_extra(self, request, obj=None, **kwargs):
        answered = obj.review_answers.count() if obj is not None and obj.pk else 0
        return len(ReviewAnswer.Criterion) - answered


@admin.register(Article)
class ArticleAdmin(BulkDeleteClearsPages, VersionAdmin):
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
        (
            "Evidence stage",
            {
                "description": format_lazy(
                    "How far the research has come, from a laboratory study to an approved treatment. Required "
                    'before research news can be published. <a href="{}" target="_blank">What readers are told '
                    "about each stage</a> (opens in a new tab).",
                    reverse_lazy("articles:research_stages"),
                ),
                "fields": ["evidence_stage"],
            },
        ),
        ("Closing", {"classes": ["after-inlines"], "fields": ["closing", "closing_reading"]}),
        ("Topic and tags", {"classes": ["after-inlines"], "fields": ["topic", "tags"]}),
        (
            "Byline and medical review",
            {
                "classes": ["after-inlines"],
                "fields": ["author", "medical_reviewer", "reviewed_on", "next_review_due"],
            },
        ),
        ("Publishing", {"classes": ["after-inlines"], "fields": ["status", "published_at"]}),
        ("Discussion", {"classes": ["after-inlines"], "fields": ["comments_open"]}),
    ]
    readonly_fields = ["standfirst_reading", "opening_reading", "summary_reading", "closing_reading", "hype_check"]
    inlines = [StudyFactsInline, SectionInline, QuestionInline, ReviewAnswerInline, CorrectionInline]
    prepopulated_fields = {"slug": ["headline"]}
    list_display = [
        "headline", "kind", "evidence_stage", "status", "published_at", "is_live", "next_review_due",
        "review_overdue", "topic", "reading_level", "hype_words_found", "comment_count", "page_link",
    ]  # fmt: skip
    list_filter = [
        "status", ReviewFilter, "kind", "evidence_stage", "topic", "author", "comments_open", ReadingLevelFilter,
        HypeWordsFilter,
    ]  # fmt: skip
    list_select_related = ["topic", "author"]
    search_fields = ["headline", "standfirst", "summary", "source_publisher"]
    date_hierarchy = "published_at"
    actions = ["publish_selected", "unpublish_selected"]
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        css = {"all": ["css/admin-plain-language.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_reading_target()

    def save_formset(self, request, form, formset, change):
        """Save the inline rows, the new ones in one INSERT per kind: the revision takes them all in save_related."""
        rows = formset.save(commit=False)  # only the rows given or changed
        for row in formset.deleted_objects:
            row.delete()
        if formset.model is ReviewAnswer:
            for answer in rows:
                answer.answered_by = request.user
        # Rows whose save() adds nothing to the row itself; a correction renders its text when saved.
        new = [row for row in rows if row._state.adding] if formset.model in (Section, Question, ReviewAnswer) else []
        formset.model.objects.bulk_create(new)
        for row in rows:
            if row not in new:
                row.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Tags, sections and questions are saved after the article itself: derive from them all, once
        # (which clears cached pages too: parts inserted in bulk had no save() to do it).
        article = form.instance
        article.refresh_derived()
        if reversion.is_active():
            reversion.add_to_revision(article)  # as derived, with every part (rows inserted in bulk included)
        self.warn_about_plain_language(request, article)

    def warn_about_plain_language(self, request, article):
        """Say what the checks found once everything is saved: a warning, the save has happened."""
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

    @admin.display(boolean=True, description="Review overdue")
    def review_overdue(self, article):
        return article.is_review_overdue

    # History, compare and restore: editors only. Moderators may view articles, but not their history.

    def has_history_permission(self, request):
        return self.has_change_permission(request) and request.user.has_perm("reversion.view_version")

    def check_history_permission(self, request):
        if not self.has_history_permission(request):
            raise PermissionDenied

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        """Every revision, newest first, each with its restore link and its predecessor to compare with."""
        self.check_history_permission(request)
        versions = list(
            Version.objects.get_for_object_reference(Article, unquote(object_id))
            .select_related("revision__user")
            .order_by("-pk")
        )
        rows = [
            {
                "version": version,
                "previous": versions[index + 1] if index + 1 < len(versions) else None,
                "restore_url": reverse("admin:articles_article_revision", args=[object_id, version.pk]),
            }
            for index, version in enumerate(versions)
        ]
        context = {"rows": rows, "compare_url": reverse("admin:articles_article_compare", args=[object_id])}
        return super().history_view(request, object_id, context | (extra_context or {}))

    def recoverlist_view(self, request, extra_context=None):
        self.check_history_permission(request)
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self.check_history_permission(request)
        return super().recover_view(request, version_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Show an old revision in the form; saving it restores it (django-reversion reverts, then saves)."""
        self.check_history_permission(request)
        live = Article.objects.filter(pk=unquote(object_id)).values("comment_count").first()
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302 and live:
            # The revert wrote the stored rows as they were, comment count included; the save that
            # followed derived the page from them (save_related). Keep the live comment count.
            Article.objects.filter(pk=unquote(object_id)).update(comment_count=live["comment_count"])
            content_changed()
        return response

    def compare_view(self, request, object_id):
        """Two revisions of the article side by side, field by field, chosen on the history page."""
        self.check_history_permission(request)
        article = get_object_or_404(Article, pk=unquote(object_id))
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        form = CompareRevisionsForm(request.GET, versions=versions)
        if not form.is_valid():
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
            return redirect("admin:articles_article_history", object_id)
        old, new = form.ordered_versions()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Compare revisions of “{article.headline}”",
            "old": old,
            "new": new,
            "parts": compare_revisions(old.revision, new.revision),
            "history_url": reverse("admin:articles_article_history", args=[object_id]),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

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
        published, refused, unchecked = 0, [], []
        for article in queryset.prefetch_related("review_answers"):
            if missing := article.unanswered_review_criteria():
                unchecked.append(f"“{article.headline}” ({', '.join(c.label for c in missing)})")
                continue
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
        if unchecked:
            self.message_user(
                request,
                "Not published, because the review checklist has unanswered questions: " + "; ".join(unchecked),
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


@admin.register(ArticleDueForReview)
class ArticleDueForReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published articles past their next review date, the longest overdue first. Open one to review it."""

    list_display = ["article_link", "next_review_due", "reviewed_on", "medical_reviewer", "topic"]
    list_display_links = None
    list_select_related = ["medical_reviewer", "topic"]
    ordering = ["next_review_due", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).review_overdue()

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": "Articles due for review",
            "subtitle": "Published articles past their next review date, longest overdue first.",
        }
        return super().changelist_view(request, context | (extra_context or {}))

    @admin.display(description="Article", ordering="headline")
    def article_link(self, article):
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article)


@admin.register(Contributor)
class ContributorAdmin(BulkDeleteClearsPages, admin.ModelAdmin):
    list_display = ["name", "credentials", "affiliation"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only staff accounts write as a contributor; members' accounts stay out of sight.
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(BulkDeleteClearsPages, admin.ModelAdmin):
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
class SiteSettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    pass


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(BulkDeleteClearsPages, admin.ModelAdmin):
    fields = ["term", "slug", "also_matches", "definition"]
    list_display = ["term", "also_matches", "updated_at", "glossary_link"]
    search_fields = ["term", "also_matches", "definition"]
    prepopulated_fields = {"slug": ["term"]}

    @admin.display(description="Glossary")
    def glossary_link(self, term):
        return format_html(
            '<a href="{}">View<span class="visually-hidden"> {}</span></a>', term.get_absolute_url(), term.term
        )
