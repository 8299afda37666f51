"""
The editors' workplace. The article form follows the order of the page:
headline, hero image, opening, source and summary, the study at a glance,
analysis sections, questions, closing, then byline and publishing.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from .caching import content_changed
from .forms import ArticleAdminForm, ReviewAnswerForm, ReviewAnswerFormSet
from .models import Article, Contributor, Question, ReviewAnswer, Section, SiteSettings, StudyFacts, Topic

# Web addresses typed without a scheme are taken as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class StudyFactsInline(admin.StackedInline):
    model = StudyFacts
    formfield_overrides = HTTPS_URLS
    extra = 0
    max_num = 1
    verbose_name_plural = "Study at a glance (optional)"


class SectionInline(admin.StackedInline):
    model = Section
    extra = 1
    fields = ["heading", "body", "position"]
    verbose_name_plural = "Analysis sections: our own perspective, in the order of their position numbers"


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["text", "position"]


class ReviewAnswerInline(admin.TabularInline):
    """The ten checklist questions, one row each, pre-filled so editors only answer."""

    model = ReviewAnswer
    form = ReviewAnswerForm
    formset = ReviewAnswerFormSet
    max_num = len(ReviewAnswer.Criterion)
    can_delete = False
    view_on_site = False  # every row would link to the same article
    verbose_name = "review checklist answer"
    verbose_name_plural = "Review checklist: answer every question before publishing research news (readers see it)"

    def get_extra(self, request, obj=None, **kwargs):
        answered = obj.review_answers.count() if obj is not None and obj.pk else 0
        return len(ReviewAnswer.Criterion) - answered


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = HTTPS_URLS
    # Fieldsets marked "after-inlines" are drawn below the inlines, by
    # templates/admin/articles/article/change_form.html, to match the page.
    fieldsets = [
        (None, {"fields": ["kind", "headline", "slug", "standfirst"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_credit"]}),
        ("Opening", {"fields": ["opening"]}),
        (
            "Summary of the reporting",
            {
                "description": "The source this article summarises. All four are required before research news "
                "can be published. The summary is theirs, in our words; keep our own views for the sections below.",
                "fields": ["source_publisher", "source_headline", "source_url", "source_published_on", "summary"],
            },
        ),
        ("Closing", {"classes": ["after-inlines"], "fields": ["closing"]}),
        ("Topic and tags", {"classes": ["after-inlines"], "fields": ["topic", "tags"]}),
        (
            "Byline and medical review",
            {"classes": ["after-inlines"], "fields": ["author", "medical_reviewer", "reviewed_on"]},
        ),
        ("Publishing", {"classes": ["after-inlines"], "fields": ["status", "published_at"]}),
        ("Discussion", {"classes": ["after-inlines"], "fields": ["comments_open"]}),
    ]
    inlines = [StudyFactsInline, SectionInline, QuestionInline, ReviewAnswerInline]
    prepopulated_fields = {"slug": ["headline"]}
    list_display = ["headline", "kind", "status", "published_at", "is_live", "topic", "comment_count", "page_link"]
    list_filter = ["status", "kind", "topic", "author", "comments_open"]
    list_select_related = ["topic", "author"]
    search_fields = ["headline", "standfirst", "summary", "source_publisher"]
    date_hierarchy = "published_at"
    actions = ["publish_selected", "unpublish_selected"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ReviewAnswer:
            return super().save_formset(request, form, formset, change)
        for answer in formset.save(commit=False):  # only the rows given or changed
            answer.answered_by = request.user
            answer.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed()  # tags are saved after the article itself

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


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
