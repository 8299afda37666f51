"""
The moderators' side of admin: comments and their reports, the word list,
the moderation rules, the log and members' profiles.

A decision about a comment goes through ``comment.approve()`` or
``comment.remove()``, here as on the site, so it is logged and its author
told: comments change only through the actions. Members appear by their
display name; their email address and username are never shown.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Value
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.admin_mixins import ReadOnlyAdminMixin, SingletonAdminMixin

from .forms.moderation import RemovalReason
from .models import (
    DELETED_MEMBER,
    ArticleEmailPreview,
    Comment,
    CommunitySettings,
    ModerationLog,
    ModerationWord,
    Profile,
    Report,
    SafeguardingPhrase,
    Subscriber,
    TopicSubscriberCount,
)
from .updates import render_article_email, unsubscribe_headers

BREAKS_GUIDELINES = "Breaks the community guidelines"


def name_of(user):
    """A member as others see them: their display name, never their email or username."""
    if user is None:
        return capfirst(DELETED_MEMBER)
    try:
        return user.profile.display_name
    except Profile.DoesNotExist:
        return f"Account {user.pk}"


def member_link(user):
    if user is None:
        return name_of(user)
    return format_html('<a href="{}">{}</a>', reverse("community:moderation_member", args=[user.pk]), name_of(user))


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["short_text", "article", "author_name", "status", "hold_reason", "created_at"]
    list_filter = ["status", "hold_reason", ("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "author__profile"]
    search_fields = ["body"]
    fields = [
        "article",
        "author_name",
        "parent",
        "thread",
        "text",
        "status",
        "hold_reason",
        "created_at",
        "edited_at",
        "deleted_at",
        "decided_by_name",
        "decided_at",
        "decision_reason",
    ]
    readonly_fields = fields
    actions = ["approve_selected", "remove_as_spam", "remove_as_breaking_guidelines"]

    def has_moderate_permission(self, request):
        return request.user.has_perm("community.moderate_comment")

    @admin.display(description="Comment")
    def short_text(self, comment):
        return Truncator(comment.body).chars(80) if not comment.is_deleted else "(deleted by its author)"

    @admin.display(description="Author", ordering="author__profile__display_name")
    def author_name(self, comment):
        return member_link(comment.author)

    @admin.display(description="Decided by")
    def decided_by_name(self, comment):
        return name_of(comment.decided_by) if comment.decided_by_id else "-"

    @admin.display(description="Text")
    def text(self, comment):
        return mark_safe(comment.body_html)  # sanitised when saved: see render_body()

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        approved = 0
        for comment in queryset.select_related("article", "author__profile", "parent__author__profile"):
            if not comment.is_settled_as(Comment.Status.APPROVED):
                comment.approve(by=request.user)
                approved += 1
        self.message_user(request, ngettext("Approved %d comment.", "Approved %d comments.", approved) % approved)

    @admin.action(description="Remove selected as spam", permissions=["moderate"])
    def remove_as_spam(self, request, queryset):
        self.remove(request, queryset, reason=RemovalReason.SPAM.label)

    @admin.action(description="Remove selected as breaking the guidelines", permissions=["moderate"])
    def remove_as_breaking_guidelines(self, request, queryset):
        self.remove(request, queryset, reason=BREAKS_GUIDELINES)

    def remove(self, request, queryset, *, reason):
        removed = 0
        for comment in queryset.select_related("article", "author__profile"):
            # A comment already removed keeps its first reason, and its author gets one email.
            if not comment.is_settled_as(Comment.Status.REMOVED):
                comment.remove(by=request.user, reason=reason)
                removed += 1
        self.message_user(
            request, ngettext("Removed %d comment: %s.", "Removed %d comments: %s.", removed) % (removed, reason)
        )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["comment_text", "reason", "note", "reporter_name", "created_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["comment", "reporter__profile"]
    fields = ["comment", "comment_text", "reporter_name", "reason", "note", "created_at", "resolved_at"]
    readonly_fields = fields

    @admin.display(description="Comment reported")
    def comment_text(self, report):
        return Truncator(report.comment.body).chars(80)

    @admin.display(description="Reported by")
    def reporter_name(self, report):
        return member_link(report.reporter)


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    list_display = ["phrase", "action", "note"]
    list_editable = ["action"]
    list_filter = ["action"]
    search_fields = ["phrase", "note"]


@admin.register(SafeguardingPhrase)
class SafeguardingPhraseAdmin(admin.ModelAdmin):
    """Phrases that hold a comment as urgent (community.models.safeguarding), kept by moderators."""

    list_display = ["phrase", "kind", "words_between", "note"]
    list_filter = ["kind"]
    search_fields = ["phrase", "note"]


@admin.register(CommunitySettings)
class CommunitySettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    """The one row of rules: changed, never added twice or deleted.

    Editors keep the support contacts here; the moderation rules are moderators' to change.
    """

    MODERATION_RULES = ["hold_first_comments", "max_links", "report_threshold", "max_comment_length"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("community.moderate_comment"):
            return self.readonly_fields
        return [*self.readonly_fields, *self.MODERATION_RULES]


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_name", "member_name", "comment", "reason"]
    list_filter = ["action"]
    list_select_related = ["actor__profile", "member__profile", "comment"]
    date_hierarchy = "created_at"
    fields = ["created_at", "action", "actor_name", "member_name", "comment", "reason"]
    readonly_fields = fields

    @admin.display(description="By")
    def actor_name(self, entry):
        return name_of(entry.actor) if entry.actor_id else "The site, automatically"

    @admin.display(description="Member")
    def member_name(self, entry):
        return member_link(entry.member) if entry.member_id else "-"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "confirmed", "suspended", "created_at"]
    list_select_related = ["user"]
    search_fields = ["display_name"]
    fields = [
        "account",
        "display_name",
        "bio",
        "email_confirmed_at",
        "notify_on_decision",
        "notify_on_reply",
        "notify_on_followed",
        "suspension",
        "created_at",
    ]
    # Suspensions are made and lifted on the member's moderation page, where they are logged.
    readonly_fields = ["account", "email_confirmed_at", "suspension", "created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description="Email confirmed", ordering="email_confirmed_at")
    def confirmed(self, profile):
        return profile.is_confirmed

    @admin.display(boolean=True, description="Suspended", ordering="suspended_at")
    def suspended(self, profile):
        return profile.is_suspended

    @admin.display(description="Account")
    def account(self, profile):
        return format_html(
            'Account {}, joined {}. <a href="{}">Moderation record</a>',
            profile.user_id,
            f"{localtime(profile.user.date_joined):%d %B %Y}",
            reverse("community:moderation_member", args=[profile.user_id]),
        )

    @admin.display(description="Suspension")
    def suspension(self, profile):
        if not profile.is_suspended:
            return "Not suspended"
        by = name_of(profile.suspended_by) if profile.suspended_by_id else "a moderator"
        return f"Suspended on {localtime(profile.suspended_at):%d %B %Y} by {by}: {profile.suspended_reason}"


# Email updates by topic. Editors see how many confirmed subscribers each topic has, never who, and the
# email any article will send, before it is published. Both follow the articles' own view permissions.


@admin.register(TopicSubscriberCount)
class TopicSubscriberCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "topic_subscribers", "with_every_topic"]
    list_display_links = None

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_topic")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_queryset(self, request):
        confirmed = Q(subscribers__confirmed_at__isnull=False)
        every_topic = Subscriber.objects.filter(all_topics=True, confirmed_at__isnull=False).count()
        return (
            super()
            .get_queryset(request)
            .annotate(subscriber_count=Count("subscribers", filter=confirmed), every_topic=Value(every_topic))
        )

    @admin.display(description="Subscribers to this topic", ordering="subscriber_count")
    def topic_subscribers(self, topic):
        return topic.subscriber_count

    @admin.display(description="With every-topic subscribers")
    def with_every_topic(self, topic):
        return topic.subscriber_count + topic.every_topic


@admin.register(ArticleEmailPreview)
class ArticleEmailPreviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each article's email, as a subscriber would get it: open one from the list."""

    list_display = ["headline", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["headline"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_permission(request, article):
            raise PermissionDenied
        subject, body = render_article_email(article)
        example = Subscriber(secret="example")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Email preview: {article.headline}",
            "article": article,
            "subject": subject,
            "body": body,
            "headers": unsubscribe_headers(example),
        }
        return TemplateResponse(request, "admin/community/article_email_preview.html", context)


# Staff's second factor. Superusers see who has set up an authenticator app and recovery codes,
# and reset a staff member who lost their phone by deleting theirs (they set up anew at their next
# sign-in); nobody else sees them, and nobody adds or changes them here: that is each person's own
# job, on the site. OTP_ADMIN_HIDE_SENSITIVE_DATA keeps the secrets themselves out of admin.
admin.site.unregister([TOTPDevice, StaticDevice])


class ResetBySuperuserOnly(ReadOnlyAdminMixin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(TOTPDevice)
class AuthenticatorAdmin(ResetBySuperuserOnly, TOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class RecoveryCodesAdmin(ResetBySuperuserOnly, StaticDeviceAdmin):
    pass
