"""
Members, comments and moderation: the discussion under each article.

A comment is plain text, rendered once when saved into ``body_html`` (escaped,
line breaks kept, links made safe). Every decision about a comment records
who made it, when and why, and lands in the moderation log.
"""

import re
import unicodedata
from collections import defaultdict
from datetime import timedelta

import nh3
from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks, urlize

from articles.models import Article

EDIT_WINDOW = timedelta(minutes=15)
CONFIRMATION_SALT = "community.confirm_email"
CONFIRMATION_MAX_AGE = timedelta(days=3)
LINK_PATTERN = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|co\.uk|uk|io|info)\b", re.IGNORECASE)


class Profile(models.Model):
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
        }

    @transaction.atomic
    def delete_account(self):
        """Delete the member and their personal data, all or nothing.

        Each comment goes as if its author deleted it: a "deleted" marker with no text if someone replied,
        so the thread still reads, otherwise gone. Newest first, so a member's replies to their own comments
        go before the comments they answer. Deleting the user takes the profile and the member's reports
        with it, and leaves the markers without an author.
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


class CommunitySettings(models.Model):
    """The moderation rules moderators may tune. There is only ever one row."""

    hold_first_comments = models.PositiveSmallIntegerField(
        default=1, help_text="Hold this many of a new member's first comments for review."
    )
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="Hold a comment with more links than this for review."
    )
    report_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Hide a comment for review once this many different members report it."
    )
    max_comment_length = models.PositiveIntegerField(default=3000, help_text="The longest comment, in characters.")

    class Meta:
        verbose_name = verbose_name_plural = "community settings"

    def __str__(self):
        return "Community settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ModerationWord(models.Model):
    """A word or phrase that holds a comment for review, or refuses it outright."""

    class Action(models.TextChoices):
        HOLD = "hold", "Hold for review"
        BLOCK = "block", "Refuse outright"

    phrase = models.CharField(max_length=100, unique=True, help_text="Matched as a whole word, ignoring case.")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.HOLD)
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list, for other moderators.")

    class Meta:
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        self.phrase = self.phrase.strip().lower()
        super().save(*args, **kwargs)

    @classmethod
    def first_match(cls, text, action):
        """The first listed phrase of this action that the text contains, or None."""
        lowered = text.lower()
        for phrase in cls.objects.filter(action=action).values_list("phrase", flat=True):
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
                return phrase
        return None


def clean_body(text):
    """Normalise a comment body: NFC, no NUL or control characters, tidy whitespace."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"})
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def render_body(text):
    """Plain text to safe HTML: escaped, paragraphs and line breaks kept, links inert but followable."""
    html = linebreaks(urlize(text, trim_url_limit=60, nofollow=True, autoescape=True), autoescape=False)
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )


def count_links(text):
    return len(LINK_PATTERN.findall(text))


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def visible_to(self, user):
        """What a thread shows this reader: approved comments, their own in any state, and markers
        for removed, hidden or deleted comments that others have replied to, so replies stay readable."""
        answered = Comment.objects.filter(status=Comment.Status.APPROVED, deleted_at__isnull=True)
        shown = (
            Q(status=Comment.Status.APPROVED, deleted_at__isnull=True)
            | Q(Exists(answered.filter(parent=OuterRef("pk"))))
            | Q(Exists(answered.filter(thread=OuterRef("pk"))))
        )
        if user.is_authenticated:
            shown |= Q(author=user, deleted_at__isnull=True)
        return self.filter(shown)

    def for_display(self):
        return self.select_related("author__profile", "parent__author__profile")

    def thread_page(self, user, number, per_page=20):
        """One page of top-level comments, each with its visible replies in `.visible_replies`, in three queries."""
        comments = self.visible_to(user).for_display()
        page = Paginator(comments.filter(thread__isnull=True), per_page).get_page(number)
        replies = defaultdict(list)
        for reply in comments.filter(thread__in=[root.pk for root in page.object_list]):
            replies[reply.thread_id].append(reply)
        for root in page.object_list:
            root.visible_replies = replies[root.pk]
        return page

    def awaiting_review(self):
        """The moderation queue: held or hidden comments, and visible ones with open reports."""
        open_reports = Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))
        return self.filter(
            Q(status=Comment.Status.PENDING) | Q(open_reports, status=Comment.Status.APPROVED),
            deleted_at__isnull=True,
        )

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def reported(self):
        """Comments with reports that no moderator has dealt with yet."""
        return self.filter(Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)))

    def for_moderation(self):
        """What the moderation queue shows of each comment, oldest first, in the same few queries however many.

        Each comment carries its open reports (``open_reports``) and its author's record
        (``author_approved_count``, ``author_removed_count``).
        """

        def authors_comments(status):
            counted = Comment.objects.filter(author=OuterRef("author"), status=status).order_by()
            return Coalesce(Subquery(counted.values("author").annotate(n=Count("pk")).values("n")), 0)

        open_reports = Report.objects.filter(resolved_at__isnull=True).order_by("created_at", "pk")
        return (
            self.select_related("article", "author__profile", "parent__author__profile")
            .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
            .annotate(
                author_approved_count=authors_comments(Comment.Status.APPROVED),
                author_removed_count=authors_comments(Comment.Status.REMOVED),
            )
            .order_by("created_at", "pk")
        )

    def status_counts(self):
        """How many of these comments have each status, in one query: {"pending": 1, "approved": 4, ...}."""
        return self.aggregate(**{status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values})

    def review_counts(self):
        """How many of these comments are held, and how many have open reports, in one query."""
        open_reports = Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))
        return self.aggregate(
            all=Count("pk"),
            held=Count("pk", filter=Q(status=Comment.Status.PENDING)),
            reported=Count("pk", filter=Q(open_reports)),
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REMOVED = "removed", "Removed"

    class HoldReason(models.TextChoices):
        NONE = "", "Not held"
        NEW_MEMBER = "new_member", "One of a new member's first comments"
        LINKS = "links", "Contains several links"
        WORD_LIST = "word_list", "Matches the moderation word list"
        REPORTS = "reports", "Reported by several members"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The comment replied to.",
    )
    thread = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread_comments",
        help_text="The top-level comment this reply's thread starts from.",
    )
    body = models.TextField()
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    hold_reason = models.CharField(max_length=20, choices=HoldReason.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="When its author deleted it.")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", "Can moderate comments: approve, remove, suspend members")]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            models.Index(fields=["author", "status"], name="comment_author_status"),
            models.Index(fields=["thread", "created_at"], name="comment_thread_created"),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.article_id}"

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('articles:detail', kwargs={'slug': self.article.slug})}#comment-{self.pk}"

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def is_reply(self):
        return self.parent_id is not None

    def is_by(self, user):
        """Written by this user (never true for a signed-out reader or a deleted member's comment)."""
        return user.is_authenticated and self.author_id is not None and self.author_id == user.pk

    def can_be_edited_by(self, user):
        return (
            self.is_by(user)
            and not self.is_deleted
            and self.status != self.Status.REMOVED
            and timezone.now() - self.created_at <= EDIT_WINDOW
        )

    def can_be_deleted_by(self, user):
        return self.is_by(user) and not self.is_deleted

    def can_be_replied_to(self):
        return self.status == self.Status.APPROVED and not self.is_deleted

    def is_settled_as(self, status):
        """Already decided this way with no reports left open: the same decision again would change nothing."""
        return self.status == status and not self.reports.filter(resolved_at__isnull=True).exists()

    @classmethod
    def hold_reason_for(cls, author, body, *, new=True):
        """Why a comment should wait for a moderator, or "" to show it at once. Edits skip the new-member rule."""
        rules = CommunitySettings.load()
        if new and cls.objects.filter(author=author, status=cls.Status.APPROVED).count() < rules.hold_first_comments:
            return cls.HoldReason.NEW_MEMBER
        if count_links(body) > rules.max_links:
            return cls.HoldReason.LINKS
        if ModerationWord.first_match(body, ModerationWord.Action.HOLD):
            return cls.HoldReason.WORD_LIST
        return cls.HoldReason.NONE

    @classmethod
    @transaction.atomic
    def post(cls, *, article, author, body, parent=None):
        """Post a comment or reply, held for review when the rules say so. Returns (comment, created).

        The same text posted again within minutes returns the first one: a double-click makes one comment.
        """
        recent = timezone.now() - timedelta(minutes=10)
        duplicate = cls.objects.filter(
            article=article, author=author, parent=parent, body=body, created_at__gte=recent, deleted_at__isnull=True
        ).first()
        if duplicate:
            return duplicate, False
        hold_reason = cls.hold_reason_for(author, body)
        comment = cls.objects.create(
            article=article,
            author=author,
            parent=parent,
            thread=(parent.thread or parent) if parent else None,
            body=body,
            status=cls.Status.PENDING if hold_reason else cls.Status.APPROVED,
            hold_reason=hold_reason,
        )
        if comment.status == cls.Status.APPROVED:
            refresh_comment_count(article.pk)
            from .notifications import notify_reply

            transaction.on_commit(lambda: notify_reply(comment))
        return comment, True

    @transaction.atomic
    def edit(self, body):
        """The author's edit, checked again: an approved comment that now needs review is held."""
        self.body = body
        self.edited_at = timezone.now()
        hold_reason = self.hold_reason_for(self.author, body, new=False)
        if self.status == self.Status.APPROVED and hold_reason:
            self.status = self.Status.PENDING
            self.hold_reason = hold_reason
        self.save()
        refresh_comment_count(self.article_id)

    @transaction.atomic
    def delete_by_author(self):
        """Gone if nobody replied; otherwise a "deleted" marker keeps the thread readable."""
        if self.replies.exists():
            self.body = ""
            self.deleted_at = timezone.now()
            self.save()
        else:
            self.delete()
        refresh_comment_count(self.article_id)

    def _decide(self, status, *, by, reason):
        was_pending = self.status == self.Status.PENDING
        self.status = status
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_reason = reason
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        self.reports.filter(resolved_at__isnull=True).update(resolved_at=self.decided_at)
        refresh_comment_count(self.article_id)
        return was_pending

    @transaction.atomic
    def approve(self, *, by):
        from .notifications import notify_decision, notify_reply

        was_pending = self._decide(self.Status.APPROVED, by=by, reason="")
        ModerationLog.objects.create(actor=by, action=ModerationLog.Action.APPROVED, comment=self, member=self.author)
        if was_pending:
            transaction.on_commit(lambda: notify_decision(self))
            transaction.on_commit(lambda: notify_reply(self))

    @transaction.atomic
    def remove(self, *, by, reason):
        from .notifications import notify_decision

        self._decide(self.Status.REMOVED, by=by, reason=reason)
        ModerationLog.objects.create(
            actor=by, action=ModerationLog.Action.REMOVED, comment=self, member=self.author, reason=reason
        )
        transaction.on_commit(lambda: notify_decision(self))

    @transaction.atomic
    def report(self, *, by, reason, note=""):
        """Record a member's report; hide the comment for review once enough members have reported it."""
        report = Report.objects.create(comment=self, reporter=by, reason=reason, note=note)
        threshold = CommunitySettings.load().report_threshold
        reporters = self.reports.filter(resolved_at__isnull=True).values("reporter").distinct().count()
        if self.status == self.Status.APPROVED and reporters >= threshold:
            self.status = self.Status.PENDING
            self.hold_reason = self.HoldReason.REPORTS
            self.save(update_fields=["status", "hold_reason"])
            ModerationLog.objects.create(
                action=ModerationLog.Action.HIDDEN, comment=self, member=self.author, reason=f"{reporters} reports"
            )
            refresh_comment_count(self.article_id)
        return report


def refresh_comment_count(article_id):
    """Keep the article's count of visible comments, which list pages show without counting."""
    count = Comment.objects.filter(article_id=article_id, status=Comment.Status.APPROVED, deleted_at__isnull=True)
    Article.objects.filter(pk=article_id).update(comment_count=count.count())


class Report(models.Model):
    class Reason(models.TextChoices):
        MISINFORMATION = "misinformation", "Medical misinformation"
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse or unkindness"
        PERSONAL_INFORMATION = "personal", "Personal information"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                name="one_report_per_member",
                violation_error_message="You have already reported this comment.",
            )
        ]
        indexes = [models.Index(fields=["comment", "resolved_at"], name="report_comment_open")]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class ModerationLog(models.Model):
    """Every moderation decision, kept: who, what, when and why. Never a comment's text."""

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved a comment"
        REMOVED = "removed", "Removed a comment"
        HIDDEN = "hidden", "Hid a comment after reports"
        SUSPENDED = "suspended", "Suspended a member"
        UNSUSPENDED = "unsuspended", "Lifted a suspension"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the site acted by itself.",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="moderationlog_created")]

    def __str__(self):
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"
