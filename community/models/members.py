"""Members: what others see of them (a display name, never an email) and their choices."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from articles.caching import discussion_changed
from articles.models import Article

from ..tasks import forget_emails_to
from .comments import RECORD_FIELDS, Comment, Report
from .follows import Notification
from .moderation import ModerationLog, ModerationWord, redact
from .updates import Subscriber

CONFIRMATION_SALT = "community.confirm_email"
CONFIRMATION_MAX_AGE = timedelta(days=3)
CHANGE_EMAIL_SALT = "community.change_email"
CHANGE_EMAIL_MAX_AGE = timedelta(days=1)
SCRUBBED_NOTE = "Note removed: the member it was about deleted their account."


def make_token(user_id, state, *, salt):
    """A signed, dated token for one member that names no address.

    It carries the member's id and a keyed hash of the account's state (the address, whether it is
    confirmed, any pending change), so it stops working as soon as that state moves on, and nobody who
    reads it, in a log or over a shoulder, learns the address.
    """
    return signing.dumps([user_id, _state_hash(state, salt)], salt=salt)


def read_token(token, *, salt, max_age):
    """The member id a token was made for, and the hash of the state it was made in; None if it is no good."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not (isinstance(data, list) and len(data) == 2 and type(data[0]) is int and isinstance(data[1], str)):
        return None
    return data


def _state_hash(state, salt):
    return salted_hmac(salt, "|".join(state), algorithm="sha256").hexdigest()[:32]


def token_matches(data, state, *, salt):
    return constant_time_compare(data[1], _state_hash(state, salt))


class Profile(models.Model):
    """What a member shows others, and their choices. Never their email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=40, help_text="The name other members see.")
    bio = models.TextField(max_length=500, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    pending_email = models.EmailField(
        blank=True, help_text="A new address the member asked to log in with, until they confirm it."
    )
    pending_email_requested_at = models.DateTimeField(null=True, blank=True)
    notify_on_decision = models.BooleanField(
        "Email me when a moderator approves or removes a comment of mine", default=True
    )
    notify_on_reply = models.BooleanField("Email me when someone replies to me", default=True)
    notify_on_followed = models.BooleanField(
        "Email me about new comments in discussions I follow",
        default=True,
        help_text="At most one email a day for each discussion.",
    )
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.TextField(blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The member's record that moderators read beside each comment in the queue, kept as comments are
    # posted and decided (community.models.comments.move_author_record), so the queue counts nothing.
    approved_comment_count = models.PositiveIntegerField(default=0, editable=False)
    removed_comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Moved on by whatever changes what only this member sees on a page (community.models.own_parts), so each
    # worker keeps what it read of that for as long as this stays: it comes with the member, read on every page.
    own_parts_version = models.PositiveIntegerField(default=0, editable=False)

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

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None and not self._state.adding:
            # Never write back the version read with the profile: a change to the member's own parts made
            # meanwhile would be undone, and a worker could serve what it kept for the old version again.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "own_parts_version"
            ]
        fields = kwargs.get("update_fields")
        renamed = (
            self.pk is not None
            and (fields is None or "display_name" in fields)
            and Profile.objects.filter(pk=self.pk).exclude(display_name=self.display_name).exists()
        )
        super().save(*args, **kwargs)
        if renamed:  # the discussions they took part in show the new name; their other choices show nowhere
            commented_on = Article.objects.filter(comments__author=self.user_id).distinct()
            discussion_changed(*commented_on.values_list("slug", flat=True))

    @classmethod
    def for_user(cls, user):
        """The member's profile, made on first need for accounts created outside sign-up."""
        try:
            return user.profile
        except cls.DoesNotExist:
            record = Comment.objects.filter(author=user).record_counts()
            defaults = {"display_name": f"Member {user.pk}", **record}
            profile, _ = cls.objects.get_or_create(user=user, defaults=defaults)
            return profile

    @classmethod
    def refresh_comment_records(cls, members=None):
        """Count members' records from their comments, in one UPDATE: after comments are loaded or deleted in bulk.

        ``members``: the users' ids to count, or None for every member.
        """
        profiles = cls.objects.all() if members is None else cls.objects.filter(user__in=members)
        for status, field in RECORD_FIELDS.items():
            counted = (
                Comment.objects.filter(author=models.OuterRef("user"), status=status)
                .order_by()
                .values("author")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            profiles.update(**{field: Coalesce(models.Subquery(counted), 0)})

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

    def _confirmation_state(self):
        return [self.user.email.lower(), "confirmed" if self.is_confirmed else "unconfirmed"]

    def make_confirmation_token(self):
        """The token in the confirmation link: good for 3 days, for the current address, until it is confirmed."""
        return make_token(self.user_id, self._confirmation_state(), salt=CONFIRMATION_SALT)

    @classmethod
    def from_confirmation_token(cls, token):
        """The profile a confirmation token was made for, or None if it expired, was altered, was used,
        or the address changed."""
        data = read_token(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
        profile = data and cls.objects.select_related("user").filter(user_id=data[0]).first()
        if not profile or not token_matches(data, profile._confirmation_state(), salt=CONFIRMATION_SALT):
            return None
        return profile

    # Changing the address: the new one waits on the profile until a link sent to it is followed.

    @property
    def has_pending_email(self):
        requested = self.pending_email_requested_at
        return bool(self.pending_email) and requested is not None and timezone.now() - requested < CHANGE_EMAIL_MAX_AGE

    def request_email_change(self, new_email):
        """Keep the new address until it is confirmed; a new request replaces the last and its link.

        Kept with update(), not save(): nothing readers see changes, so no cached page needs to.
        """
        self.pending_email = new_email
        self.pending_email_requested_at = timezone.now()
        Profile.objects.filter(pk=self.pk).update(
            pending_email=self.pending_email, pending_email_requested_at=self.pending_email_requested_at
        )

    def cancel_email_change(self):
        self.pending_email = ""
        self.pending_email_requested_at = None
        Profile.objects.filter(pk=self.pk).update(pending_email="", pending_email_requested_at=None)

    def _change_email_state(self):
        requested = self.pending_email_requested_at.isoformat() if self.pending_email_requested_at else ""
        return [self.user.email.lower(), self.pending_email.lower(), requested]

    def make_change_email_token(self):
        """The token in the link sent to the new address: good for a day, once, for the latest request only."""
        return make_token(self.user_id, self._change_email_state(), salt=CHANGE_EMAIL_SALT)

    @classmethod
    def from_change_email_token(cls, token):
        """The profile whose pending address a token confirms, or None if it expired, was altered or used,
        or a newer request replaced it."""
        data = read_token(token, salt=CHANGE_EMAIL_SALT, max_age=CHANGE_EMAIL_MAX_AGE)
        profile = data and cls.objects.select_related("user").filter(user_id=data[0]).first()
        if not profile or not profile.has_pending_email:
            return None
        if not token_matches(data, profile._change_email_state(), salt=CHANGE_EMAIL_SALT):
            return None
        return profile

    @transaction.atomic
    def confirm_email_change(self):
        """Log in with the new address from now on; the old one no longer works. False if the new address
        has meanwhile become another account's, and then nothing changes."""
        user = type(self.user).objects.select_for_update().get(pk=self.user_id)
        new_email = self.pending_email
        if type(user).objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
            return False
        user.email = new_email
        user.save(update_fields=["email"])
        self.user = user
        self.pending_email = ""
        self.pending_email_requested_at = None
        self.email_confirmed_at = timezone.now()
        Profile.objects.filter(pk=self.pk).update(
            pending_email="", pending_email_requested_at=None, email_confirmed_at=self.email_confirmed_at
        )
        return True

    def export_data(self):
        """Everything the site keeps about this member, as they may download it. Nothing about anyone else."""
        user = self.user
        comments = user.comments.select_related("article").order_by("created_at", "id")
        reports = user.reports_made.select_related("comment__article").order_by("created_at", "id")
        saved_questions = user.saved_questions.for_list()
        follows = user.follows.select_related("article").order_by("created_at", "id")
        notifications = user.notifications.select_related("article").order_by("created_at", "id")
        return {
            "exported_at": timezone.now(),
            "account": {
                "email": user.email,
                "display_name": self.display_name,
                "bio": self.bio,
                "joined_at": user.date_joined,
                "last_login_at": user.last_login,
                "email_confirmed_at": self.email_confirmed_at,
                "pending_email": self.pending_email,
                "pending_email_requested_at": self.pending_email_requested_at,
                "notify_on_decision": self.notify_on_decision,
                "notify_on_reply": self.notify_on_reply,
                "notify_on_followed": self.notify_on_followed,
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
            "discussions_followed": [
                {
                    "article": follow.article.headline,
                    "article_url": follow.article.get_absolute_url(),
                    "followed_at": follow.created_at,
                    "last_emailed_at": follow.emailed_at,
                }
                for follow in follows
            ],
            "notifications": [
                {
                    "kind": notification.get_kind_display(),
                    "article": notification.article.headline,
                    "created_at": notification.created_at,
                    "read_at": notification.read_at,
                }
                for notification in notifications
            ],
            "email_updates": [subscriber.export() for subscriber in self.topic_update_subscriptions()],
        }

    def topic_update_subscriptions(self):
        """The member's email updates: on the account, and any a reader signed up for with the same address."""
        mine = models.Q(user=self.user)
        if self.user.email:
            mine |= models.Q(user__isnull=True, email__iexact=self.user.email)
        return Subscriber.objects.filter(mine)

    @transaction.atomic
    def delete_account(self):
        """Delete the member and their personal data, all or nothing.

        Each comment goes as if its author deleted it: a "deleted" marker with no text if someone replied,
        so the thread still reads, otherwise gone. Newest first, so a member's replies to their own comments
        go before the comments they answer. Deleting the user takes the profile, the member's reports and
        their My questions list with it, and leaves the markers without an author. Moderators' notes about
        them are scrubbed first, while we can still tell which those are, and emails to them, sent or
        waiting, leave the job queue. Their follows and notifications go with the user; other members'
        notifications about their comments go too, so no list points to them. Their email updates go
        too, with any signed up for with their address.
        """
        self.scrub_notes_about_member()
        Notification.objects.filter(comment__author=self.user).take_back()
        forget_emails_to([address for address in (self.user.email, self.pending_email) if address])
        self.topic_update_subscriptions().delete()
        for comment in self.user.comments.order_by("-created_at", "-id"):
            if not (comment.is_deleted and comment.replies.exists()):
                comment.delete_by_author()
        reported = list(self.user.reports_made.open().values_list("comment", flat=True))
        self.user.delete()
        Comment.objects.filter(pk__in=reported).refresh_needs_review()  # their open reports went with them

    def scrub_notes_about_member(self):
        """Keep moderators' records, but nothing in them that points to this member, as /privacy/ promises.

        Free-text notes on decisions about the member or their comments, and other members' report notes
        on those comments, become a neutral sentence. Every other note loses the member's display name,
        email address and username wherever it mentions them.
        """
        user = self.user
        comments = Comment.objects.filter(author=user)
        about_member = ModerationLog.objects.filter(member=user) | ModerationLog.objects.filter(comment__in=comments)
        about_member.exclude(reason="").update(reason=SCRUBBED_NOTE)
        comments.exclude(decision_reason="").update(decision_reason=SCRUBBED_NOTE)
        Report.objects.filter(comment__in=comments).exclude(note="").update(note=SCRUBBED_NOTE)

        names = [name for name in (user.email, user.username, self.display_name) if len(name or "") >= 2]
        notes = [
            (ModerationLog.objects.all(), "reason"),
            (Comment.objects.all(), "decision_reason"),
            (Report.objects.all(), "note"),
            (Profile.objects.exclude(pk=self.pk), "suspended_reason"),
            (ModerationWord.objects.all(), "note"),
        ]
        for queryset, field in notes:
            mentions = models.Q()
            for name in names:
                mentions |= models.Q(**{f"{field}__icontains": name})
            for pk, text in queryset.filter(mentions).values_list("pk", field):
                # update(), not save(): a moderation word would lowercase itself. The one note a reader may
                # see (a removed comment's reason) only its author sees, on pages never cached.
                queryset.model.objects.filter(pk=pk).update(**{field: redact(text, names)})

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
