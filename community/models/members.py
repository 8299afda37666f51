"""Members: what others see of them (a display name, never an email) and their choices."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from articles.models import ReaderVisible

from .moderation import ModerationLog

CONFIRMATION_SALT = "community.confirm_email"
CONFIRMATION_MAX_AGE = timedelta(days=3)


class Profile(ReaderVisible):
    """What a member shows others, and their choices. Never their email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=40, help_text="The name other members see.")
    bio = models.TextField(max_length=500, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    notify_on_decision = models.BooleanField(
        "Email me when a moderator approves or removes a comment of mine", default=True
    )
    notify_on_reply = models.BooleanField("Email me when someone replies to me", default=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.TextField(blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                name="unique_display_name",
                violation_error_message="That display name is taken. Please choose another.",
            )
        ]

    def __str__(self):
        return self.display_name

    @classmethod
    def for_user(cls, user):
        """The member's profile, made on first need for accounts created outside sign-up."""
        try:
            return user.profile
        except cls.DoesNotExist:
            profile, _ = cls.objects.get_or_create(user=user, defaults={"display_name": f"Member {user.pk}"})
            return profile

    @property
    def is_confirmed(self):
        return self.email_confirmed_at is not None

    @property
    def is_suspended(self):
        return self.suspended_at is not None

    def confirm_email(self):
        if not self.is_confirmed:
            self.email_confirmed_at = timezone.now()
            self.save(update_fields=["email_confirmed_at"])

    def make_confirmation_token(self):
        """The token in the confirmation link: signed, dated, and only good for the member's current address."""
        return signing.dumps({"user": self.user_id, "email": self.user.email.lower()}, salt=CONFIRMATION_SALT)

    @classmethod
    def from_confirmation_token(cls, token):
        """The profile a confirmation token was made for, or None if it expired, was altered or the address changed."""
        try:
            data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
        except signing.BadSignature:  # includes SignatureExpired
            return None
        profile = cls.objects.select_related("user").filter(user_id=data.get("user")).first()
        if profile is None or profile.user.email.lower() != data.get("email"):
            return None
        return profile

    def export_data(self):
        """Everything the site keeps about this member, as they may download it. Nothing about anyone else."""
        user = self.user
        comments = user.comments.select_related("article").order_by("created_at", "id")
        reports = user.reports_made.select_related("comment__article").order_by("created_at", "id")
        saved_questions = user.saved_questions.for_list()
        return {
            "exported_at": timezone.now(),
            "account": {
                "email": user.email,
                "display_name": self.display_name,
                "bio": self.bio,
                "joined_at": user.date_joined,
                "last_login_at": user.last_login,
                "email_confirmed_at": self.email_confirmed_at,
                "notify_on_decision": self.notify_on_decision,
                "notify_on_reply": self.notify_on_reply,
                "suspended_at": self.suspended_at,
                "suspended_reason": self.suspended_reason,
            },
            "comments": [
                {
                    "article": comment.article.headline,
                    "article_url": comment.article.get_absolute_url(),
                    "body": comment.body,
                    "status": comment.get_status_display(),
                    "is_reply": comment.is_reply,
                    "created_at": comment.created_at,
                    "edited_at": comment.edited_at,
                    "deleted_at": comment.deleted_at,
                    "moderator_reason": comment.decision_reason,
                }
                for comment in comments
            ],
            "reports": [
                {
                    "article": report.comment.article.headline,
                    "reason": report.get_reason_display(),
                    "note": report.note,
                    "created_at": report.created_at,
                }
                for report in reports
            ],
            "my_questions": [
                {
                    "question": saved.current_text,
                    "own_question": saved.is_own,
                    "article": saved.headline,
                    "article_url": saved.article_url,
                    "saved_at": saved.saved_at,
                }
                for saved in saved_questions
            ],
        }

    @transaction.atomic
    def delete_account(self):
        """Delete the member and their personal data, all or nothing.

        Each comment goes as if its author deleted it: a "deleted" marker with no text if someone replied,
        so the thread still reads, otherwise gone. Newest first, so a member's replies to their own comments
        go before the comments they answer. Deleting the user takes the profile, the member's reports and
        their My questions list with it, and leaves the markers without an author.
        """
        for comment in self.user.comments.order_by("-created_at", "-id"):
            if not (comment.is_deleted and comment.replies.exists()):
                comment.delete_by_author()
        self.user.delete()

    @transaction.atomic
    def suspend(self, *, by, reason):
        self.suspended_at = timezone.now()
        self.suspended_reason = reason
        self.suspended_by = by
        self.save(update_fields=["suspended_at", "suspended_reason", "suspended_by"])
        ModerationLog.objects.create(actor=by, action=ModerationLog.Action.SUSPENDED, member=self.user, reason=reason)

    @transaction.atomic
    def lift_suspension(self, *, by, reason=""):
        self.suspended_at = None
        self.suspended_reason = ""
        self.suspended_by = None
        self.save(update_fields=["suspended_at", "suspended_reason", "suspended_by"])
        ModerationLog.objects.create(actor=by, action=ModerationLog.Action.UNSUSPENDED, member=self.user, reason=reason)
