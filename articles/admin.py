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

from contextlib import contextmanager
from datetime import timedelta
from typing import NamedTuple

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import F, prefetch_related_objects
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
from .caching import article_changed, published_list_changed, site_changed
from .forms import (
    CHOSEN_ONCE,
    ArticleAdminForm,
    CompareRevisionsForm,
    CorrectionAdminForm,
    QuestionAdminForm,
    QuestionFormSet,
    ReviewAnswerForm,
    ReviewAnswerFormSet,
    SectionAdminForm,
    SectionFormSet,
)
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
from .revisions import save_revision

# Web addresses typed without a scheme are taken as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class BulkDeleteClearsPages:
    """ "Delete selected" deletes in bulk, without each row's delete(): move readers' versions here.

    Articles move their own versions and the published list; anything else here shows site-wide.
    """

    def delete_queryset(self, request, queryset):
        slugs = list(queryset.values_list("slug", flat=True)) if queryset.model is Article else None
        super().delete_queryset(request, queryset)
        if slugs is None:
            site_changed()
        else:
            article_changed(*slugs)
            published_list_changed()


class SlugIsWebAddress:
    """Editors read "Web address" where the model says slug; admin fills it in from the name as they type."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            field.label = "Web address"
            field.help_text = field.help_text or "Made from the name as you type. Avoid changing it once in use."
        return field


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


# The parts an article's revision holds (``reversion.register(follow=...)`` on Article).
REVISION_PARTS = (Section, Question, StudyFacts)


def saved_rows(formset):
    """The formset's rows as its save left them, in the model's order: those loaded and kept, and those added.

    Rows deleted lost their primary key when deleted (``ArticleAdmin.save_formset``).
    """
    rows = [row for row in [*formset.get_queryset(), *formset.new_objects] if row.pk is not None]
    if any(field.name == "position" for field in formset.model._meta.fields):
        rows.sort(key=lambda row: (row.position, row.pk))
    return rows


class PartFormSet(LoadedRowsMixin, BaseInlineFormSet):
    pass


class ReviewAnswerRowsFormSet(LoadedRowsMixin, ReviewAnswerFormSet):
    def get_queryset(self):
        """The article's answers as read for its blank rows (``ReviewAnswerInline.get_extra``), not read again."""
        if not hasattr(self, "_queryset"):
            answers = getattr(self.instance, "_prefetched_objects_cache", {}).get("review_answers")
            if answers is not None:
                self._queryset = answers
        return super().get_queryset()


class SectionRowsFormSet(LoadedRowsMixin, SectionFormSet):
    pass


class QuestionRowsFormSet(LoadedRowsMixin, QuestionFormSet):
    pass


class StudyFactsInline(admin.StackedInline):
    model = StudyFacts
    formset = PartFormSet
    formfield_overrides = HTTPS_URLS
    extra = 0
    max_num = 1
    classes = ["collapse"]
    verbose_name = "Study at a glance (optional)"


# Plain-language figures -------------------------------------------------------


def reading_target(obj):
    """The target carried by a row from a list or form (``reading_target_subquery``), else looked up once."""
    if getattr(obj, "reading_target", None) is None:
        obj.reading_target = SiteSettings.load().reading_grade_target
    return obj.reading_target


def reading_figures(obj, text):
    """The reading level, long sentences, sentences to shorten first and unexplained medical terms of one field."""
    target = reading_target(obj)
    figures = readability.measure(text)
    above = figures is not None and figures.above(target)
    context = {
        "figures": figures,
        "target": target,
        "above": above,
        "to_shorten": figures.sentences_to_shorten(target) if above else [],
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
    form = SectionAdminForm
    formset = SectionRowsFormSet
    extra = 1
    fields = ["heading", "body", "reading_level", "position"]
    readonly_fields = ["reading_level"]
    text_field = "body"
    classes = ["reorderable"]  # static/js/admin-reorder.js adds Move up and Move down
    verbose_name = "section"
    verbose_name_plural = "3. Analysis and practical considerations: our own view, in sections"


class QuestionInline(PlainLanguageInline, admin.TabularInline):
    model = Question
    form = QuestionAdminForm
    formset = QuestionRowsFormSet
    template = "admin/articles/edit_inline/tabular.html"
    extra = 1
    fields = ["text", "reading_level", "position"]
    readonly_fields = ["reading_level"]
    text_field = "text"
    classes = ["reorderable"]
    verbose_name = "question"
    verbose_name_plural = "4. Questions for your healthcare team"


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
    form = CorrectionAdminForm
    formset = PartFormSet
    extra = 0
    fields = ["kind", "published_at", "text"]
    classes = ["collapse"]
    verbose_name_plural = "Corrections and updates (after publishing): shown near the top of the page, newest first"


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
    """The ten checklist questions, one row each, pre-filled so editors only answer.

    Every question stays on the list: no row has a delete box, nor the delete icon admin's script gives new
    rows (the template leaves that script out with ``fixed_rows``); "Not applicable" with a reason is the way out.
    """

    model = ReviewAnswer
    form = ReviewAnswerForm
    formset = ReviewAnswerRowsFormSet
    template = "admin/articles/edit_inline/tabular.html"
    fixed_rows = True
    max_num = len(ReviewAnswer.Criterion)
    can_delete = False
    view_on_site = False  # every row would link to the same article
    verbose_name = "review checklist answer"
    verbose_name_plural = "5. Review checklist: answer every question before publishing research news (readers see it)"

    def get_extra(self, request, obj=None, **kwargs):
        """Blank rows for the questions not yet answered.

        The answers are read once a request (admin asks twice) and stay prefetched for the checklist's own check.
        """
        if obj is None or not obj.pk:
            return len(ReviewAnswer.Criterion)
        prefetch_related_objects([obj], "review_answers")
        return len(ReviewAnswer.Criterion) - len(obj.review_answers.all())


def form_parts(adminform, inline_admin_formsets, order):
    """Fieldsets and inlines as [("fieldset" or "inline", part), ...] in ``order`` (names and prefixes); any
    not named follow, so a fieldset or inline added later still shows."""
    parts = {fieldset.name: ("fieldset", fieldset) for fieldset in adminform}
    parts |= {inline.formset.prefix: ("inline", inline) for inline in inline_admin_formsets}
    return [parts.pop(key) for key in order if key in parts] + list(parts.values())


class Problem(NamedTuple):
    where: str  # the field's label, and the row for inline rows
    message: str
    anchor: str  # the id of the field, or of the part the problem is about
    field: str = ""  # the field's name; blank for a problem with the whole form or row


def error_summary(form, parts):
    """Each problem of a failed save, with the field it belongs to, for the list at the top of the form.

    As GOV.UK's error summary: in the order of the fields on the page (``parts`` from ``form_parts``), problems
    with the article as a whole first.
    """
    fieldsets = [(part.name, {"fields": part.fields}) for kind, part in parts if kind == "fieldset"]
    place = {name: index for index, name in enumerate(flatten_fieldsets(fieldsets))}
    article_problems = sorted(form_problems(form, "", "article_form"), key=lambda problem: place.get(problem.field, -1))
    problems = []
    for kind, part in parts:
        if kind == "fieldset":
            names = flatten_fieldsets([(part.name, {"fields": part.fields})])
            problems += [problem for problem in article_problems if problem.field in names]
            continue
        formset = part.formset
        group = f"{formset.prefix}-group"
        name = part.opts.verbose_name_plural.split(": ")[0]
        problems += [Problem(name, message, group) for message in formset.non_form_errors()]
        for index, row in enumerate(formset.forms):
            where = f"{part.opts.verbose_name.capitalize()} {index + 1}"
            if formset.prefix == "review_answers" and row["criterion"].value():
                where = f"Checklist, “{ReviewAnswer.Criterion(int(row['criterion'].value())).label}”"
            problems += form_problems(row, where, f"{formset.prefix}-{index}")
    return [problem for problem in article_problems if problem.field not in place] + problems


def form_problems(form, where, form_anchor):
    for name, messages_ in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            yield from (Problem(where or "This article", message, form_anchor) for message in messages_)
            continue
        field = form[name]
        label = f"{where}: {field.label}" if where else field.label
        # A group of radio buttons has no single id to label; its first button stands for it.
        anchor = field.id_for_label or f"{field.auto_id}_0"
        yield from (Problem(label, message, anchor, name) for message in messages_)


@admin.register(Article)
class ArticleAdmin(BulkDeleteClearsPages, VersionAdmin):
    form = ArticleAdminForm
    formfield_overrides = HTTPS_URLS
    # In the order an editor works: the source, our summary, our analysis with its practical part, the
    # questions, the review, publishing. FORM_ORDER below puts the inlines between these fieldsets
    # (templates/admin/articles/article/change_form.html draws them in that order).
    fieldsets = [
        (
            "1. The source",
            {
                "description": format_lazy(
                    "The reporting this article summarises. Research news can't be published without all of it. "
                    '<a href="{}" target="_blank">What readers are told about each stage of research</a> '
                    "(opens in a new tab).",
                    reverse_lazy("articles:research_stages"),
                ),
                "fields": [
                    "kind",
                    "source_publisher",
                    "source_headline",
                    "source_url",
                    "source_published_on",
                    "evidence_stage",
                    "evidence_sentence",
                ],
            },
        ),
        (
            "2. Summary",
            {
                "description": "The summary is theirs, in our words; keep our own views for the analysis.",
                "fields": [
                    "headline",
                    "slug",
                    "standfirst",
                    "standfirst_reading",
                    "key_points",
                    "hype_check",
                    "sentences_to_shorten",
                    "opening",
                    "opening_reading",
                    "summary",
                    "summary_reading",
                ],
            },
        ),
        ("Closing paragraph (optional)", {"fields": ["closing", "closing_reading"]}),
        ("Checked by a clinician", {"fields": ["medical_reviewer", "reviewed_on", "next_review_due"]}),
        ("Picture (optional)", {"classes": ["collapse"], "fields": ["hero_image", "hero_alt", "hero_credit"]}),
        ("6. Publish", {"fields": ["topic", "tags", "author", "status", "published_at", "comments_open"]}),
    ]
    # An earlier revision opens in the same order, with the same error summary.
    revision_form_template = "admin/articles/article/revision_form.html"
    # Fieldsets by name and inlines by formset prefix, in the order the form shows them.
    FORM_ORDER = [
        "1. The source",
        "2. Summary",
        "sections",
        "study",
        "Closing paragraph (optional)",
        "questions",
        "review_answers",
        "Checked by a clinician",
        "Picture (optional)",
        "6. Publish",
        "corrections",
    ]
    readonly_fields = [
        "standfirst_reading", "opening_reading", "summary_reading", "closing_reading", "hype_check",
        "sentences_to_shorten",
    ]  # fmt: skip
    inlines = [StudyFactsInline, SectionInline, QuestionInline, ReviewAnswerInline, CorrectionInline]
    prepopulated_fields = {"slug": ["headline"]}
    # Seven columns fit a 1,280-pixel screen beside the filters; the rest is a filter or a click away.
    list_display = [
        "headline", "status_in_words", "topic", "evidence_stage", "reading_level", "hype_words_found", "page_link",
    ]  # fmt: skip
    list_filter = [
        "status", ReviewFilter, "kind", "evidence_stage", "topic", "author", ReadingLevelFilter, HypeWordsFilter,
    ]  # fmt: skip
    list_select_related = ["topic", "author"]
    search_fields = ["headline", "standfirst", "summary", "source_publisher"]
    date_hierarchy = "published_at"
    actions = ["publish_selected", "unpublish_selected"]
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        css = {"all": ["css/admin-plain-language.css"]}
        js = ["js/admin-error-summary.js", "js/admin-reorder.js"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The form's parts in the order an editor works, and after a failed save a summary of every problem."""
        adminform, inlines = context["adminform"], context["inline_admin_formsets"]
        context["form_parts"] = form_parts(adminform, inlines, self.FORM_ORDER)
        context["error_summary"] = error_summary(adminform.form, context["form_parts"]) if context.get("errors") else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_queryset(self, request):
        """With its topic and people, which the form keeps without a query when they are unchanged."""
        return super().get_queryset(request).with_reading_target().select_related(*CHOSEN_ONCE)

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

    @contextmanager
    def create_revision(self, request):
        """One transaction for the save and its revision, written once the view is done (its comment set).

        The revision holds the rows save_related hands over, as saved: reversion would ask the
        database again whether each still exists (``articles/revisions.py``).
        """
        with (
            transaction.atomic(using=router.db_for_write(Version)),
            reversion.create_revision(atomic=False),
        ):
            reversion.set_user(request.user)
            request.revision_rows = []
            yield
            if request.revision_rows:
                save_revision(
                    request.revision_rows,
                    user=reversion.get_user(),
                    comment=reversion.get_comment(),
                    date_created=reversion.get_date_created(),
                )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Add, change or restore an article inside the transaction create_revision opened, with no savepoint.

        VersionAdmin would add the article, and read its parts again, on every save signal on the way:
        save_related hands the rows to keep instead.
        """
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with (
            transaction.atomic(using=router.db_for_write(self.model), savepoint=False),
            reversion.create_revision(manage_manually=True, atomic=False),
        ):
            return self._changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Tags, sections and questions are saved after the article itself: derive from them all, once
        # (which clears cached pages too: parts inserted in bulk had no save() to do it), as the formsets hold them.
        article = form.instance
        rows = {formset.model: saved_rows(formset) for formset in formsets if formset.model in REVISION_PARTS}
        sections, questions, study = rows.get(Section), rows.get(Question), rows.get(StudyFacts)
        article.refresh_derived(sections=sections, questions=questions, tags=form.cleaned_data.get("tags"))
        if hasattr(request, "revision_rows"):
            # As saved and derived, with every part, in reversion's follow order (sections, questions, study);
            # parts whose inline the editor doesn't have were read by refresh_derived, or are read here.
            if study is None:
                study = list(StudyFacts.objects.filter(article=article))
            sections = article.sections.all() if sections is None else sections
            questions = article.questions.all() if questions is None else questions
            request.revision_rows = [article, *sections, *questions, *study]
        self.warn_about_plain_language(request, article)

    def warn_about_plain_language(self, request, article):
        """Say what the checks found once everything is saved: a warning, the save has happened."""
        target = reading_target(article)
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

    @admin.display(description="Sentences to shorten first")
    def sentences_to_shorten(self, article):
        """Across the whole article, as last saved: where shortening brings the parts above the target down most."""
        if article.pk is None:
            return "Nothing to measure yet."
        check = article.plain_language_check(reading_target(article), hype_words=[])
        return render_to_string("admin/articles/_sentences_to_shorten.html", {"check": check})

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

    @admin.display(description="Status", ordering="status")
    def status_in_words(self, article):
        """Draft, In review, Scheduled for 3 Dec 10:00, Published or Due for review: what readers get, in words."""
        if article.is_scheduled:
            return f"Scheduled for {timezone.localtime(article.published_at):%-d %b %H:%M}"
        if article.is_review_overdue:
            return "Due for review"
        return article.get_status_display()

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
        live = Article.objects.filter(pk=unquote(object_id)).values("comment_count", "slug").first()
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302 and live:
            # The revert wrote the stored rows as they were, comment count included; the save that
            # followed derived the page from them (save_related). Keep the live comment count.
            Article.objects.filter(pk=unquote(object_id)).update(comment_count=live["comment_count"])
            article_changed(live["slug"])
            published_list_changed()  # cards show the count
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
        """Publish each article that passes every check the form makes; say, by name, why the others can't be."""
        published, refused, unchecked = 0, [], []
        for article in queryset.prefetch_related("review_answers", "questions", "sections"):
            if missing := article.unanswered_review_criteria():
                unchecked.append(f"“{article.headline}” ({', '.join(c.label for c in missing)})")
                continue
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            problems = article.parts_missing_for_publishing()
            try:
                article.full_clean()
            except ValidationError as error:
                problems = [message for messages in error.message_dict.values() for message in messages] + problems
            if problems:
                refused.append(f"“{article.headline}” ({' '.join(problems)})")
                continue
            article.save()
            published += 1
        if published:
            self.message_user(
                request, ngettext("Published %d article.", "Published %d articles.", published) % published
            )
        if refused:
            self.message_user(
                request, "Not published, because something required is missing: " + "; ".join(refused), messages.ERROR
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
class ContributorAdmin(SlugIsWebAddress, BulkDeleteClearsPages, admin.ModelAdmin):
    list_display = ["name", "credentials", "affiliation"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only staff accounts write as a contributor; members' accounts stay out of sight.
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(SlugIsWebAddress, BulkDeleteClearsPages, admin.ModelAdmin):
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
    autocomplete_fields = ["featured_article"]  # published articles only (the field's limit_choices_to)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(SlugIsWebAddress, BulkDeleteClearsPages, admin.ModelAdmin):
    fields = ["term", "slug", "also_matches", "definition"]
    list_display = ["term", "also_matches", "updated_at", "glossary_link"]
    search_fields = ["term", "also_matches", "definition"]
    prepopulated_fields = {"slug": ["term"]}

    @admin.display(description="Glossary")
    def glossary_link(self, term):
        return format_html(
            '<a href="{}">View<span class="visually-hidden"> {}</span></a>', term.get_absolute_url(), term.term
        )
