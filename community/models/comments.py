"""
Comments: posting, editing and deciding on them. A comment is plain text, rendered once when saved into
``body_html`` (escaped, line breaks kept, links made safe). What pages read of comments is in
comment_queries.py; members' reports are in reports.py.
"""

import re
import unicodedata
from datetime import timedelta

import nh3
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks, urlize

from articles.caching import discussion_changed
from articles.models import Article

from ..notifications import notify_decision, notify_reply
from .comment_queries import RECORD_FIELDS, CommentQuerySet, urgent_first
from .follows import Notification
from .moderation import CommunitySettings, ModerationLog, ModerationWord
from .own_parts import own_parts_changed
from .reports import Report
from .safeguarding import alert_moderators, is_urgent

EDIT_WINDOW = timedelta(minutes=15)  # how long after posting its author may edit a comment
EDIT_WINDOW_TEXT = f"{EDIT_WINDOW // timedelta(minutes=1)} minutes"  # the same, as members read it
DELETED_MEMBER = "a deleted member"  # who wrote a comment, once its author's account is gone
LINK_PATTERN = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|co\.uk|uk|io|info)\b", re.IGNORECASE)


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


def move_author_record(author_id, *, was, now):
    """Count an author's comment that went from status ``was`` to ``now`` (None: not there) on their profile.

    A new comment (``was`` None) moves the author's own parts too (community.models.own_parts): the thread
    holds something of theirs now, drawn for them alone. One UPDATE either way.
    """
    from .members import Profile  # members.py imports this module

    changes = {}
    if was in RECORD_FIELDS:
        changes[RECORD_FIELDS[was]] = Greatest(F(RECORD_FIELDS[was]) - 1, Value(0))
    if now in RECORD_FIELDS:
        changes[RECORD_FIELDS[now]] = F(RECORD_FIELDS[now]) + 1
    if was is None and now is not None:
        changes["own_parts_version"] = F("own_parts_version") + 1
    if author_id and was != now and changes:
        Profile.objects.filter(user_id=author_id).update(**changes)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REMOVED = "removed", "Removed"

    class HoldReason(models.TextChoices):
        NONE = "", "Not held"
        URGENT = "urgent", "Urgent: may need support"
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
    needs_review = models.BooleanField(
        default=False,
        editable=False,
        help_text="In the moderation queue: held or hidden, or visible with open reports, and not deleted.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", "Can moderate comments: approve, remove, suspend members")]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            models.Index(fields=["author", "status"], name="comment_author_status"),
            models.Index(fields=["thread", "created_at"], name="comment_thread_created"),
            # An article's top-level comments (thread null) in order: without it SQLite reads them through the
            # thread index, every top-level comment on the site, to count or page one article's.
            models.Index(fields=["article", "thread", "created_at"], name="comment_article_thread"),
            # The queue's page in its order, and (with status last) its tab counts, from the index alone.
            models.Index(
                urgent_first(),
                "created_at",
                "id",
                "status",
                condition=Q(needs_review=True),
                name="comment_needs_review",
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.article_id}"

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body)
        adding = self._state.adding
        if adding:
            self.needs_review = self.status == self.Status.PENDING and self.deleted_at is None
        super().save(*args, **kwargs)
        if adding:
            move_author_record(self.author_id, was=None, now=self.status)

    def get_absolute_url(self):
        return f"{reverse('articles:detail', kwargs={'slug': self.article.slug})}#comment-{self.pk}"

    @property
    def author_name(self):
        """Who wrote it, as members see them: their display name, or "a deleted member" (``|capfirst`` it
        to start a sentence). Pages ask for ``author__profile`` with the comment (``for_display``)."""
        if self.author is None:
            return DELETED_MEMBER
        try:
            return self.author.profile.display_name
        except ObjectDoesNotExist:  # an account made outside sign-up, before its profile
            return f"Member {self.author_id}"

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

    @property
    def is_urgent(self):
        """Held because its author may need support: a moderator should read it first."""
        return self.status == self.Status.PENDING and self.hold_reason == self.HoldReason.URGENT

    @classmethod
    def hold_reason_for(cls, author, body, *, new=True, rules=None):
        """Why a comment should wait for a moderator, or "" to show it at once. Edits skip the new-member rule.

        A phrase on the safeguarding list comes first, whatever else applies: it decides how soon
        a moderator reads the comment, and what its author is shown. ``rules``: the CommunitySettings,
        if the caller has read them already.
        """
        if is_urgent(body):
            return cls.HoldReason.URGENT
        rules = rules or CommunitySettings.load()
        if new and cls.objects.filter(author=author, status=cls.Status.APPROVED).count() < rules.hold_first_comments:
            return cls.HoldReason.NEW_MEMBER
        if count_links(body) > rules.max_links:
            return cls.HoldReason.LINKS
        if ModerationWord.first_match(body, ModerationWord.Action.HOLD):
            return cls.HoldReason.WORD_LIST
        return cls.HoldReason.NONE

    @classmethod
    def post(cls, *, article, author, body, parent=None, hold_reason=None):
        """Post a comment or reply, held for review when the rules say so. Returns (comment, created).

        The same text posted again within minutes returns the first one: a double-click makes one comment.
        The rules are read before the write transaction, on SQLite it holds the one writer lock from its start:
        a caller already in one passes ``hold_reason`` (``hold_reason_for``), read before it began.
        """
        if hold_reason is None:
            hold_reason = cls.hold_reason_for(author, body)
        recent = timezone.now() - timedelta(minutes=10)
        thread = (parent.thread or parent) if parent else None
        with transaction.atomic(savepoint=False):  # within a caller's transaction (the view's), part of it
            # thread too (it follows from parent): SQLite then reads the comment_article_thread index
            duplicate = cls.objects.filter(
                article=article,
                author=author,
                parent=parent,
                thread=thread,
                body=body,
                created_at__gte=recent,
                deleted_at__isnull=True,
            ).first()
            if duplicate:
                return duplicate, False
            comment = cls.objects.create(
                article=article,
                author=author,
                parent=parent,
                thread=thread,
                body=body,
                status=cls.Status.PENDING if hold_reason else cls.Status.APPROVED,
                hold_reason=hold_reason,
            )
            if comment.status == cls.Status.APPROVED:
                # One more, not a recount: the busiest article's recount reads thousands of rows under the lock.
                Article.objects.filter(pk=article.pk).update(comment_count=F("comment_count") + 1)
                discussion_changed(article.slug)
                Notification.comment_published(comment)
                transaction.on_commit(lambda: notify_reply(comment))
            elif comment.is_urgent:
                alert_moderators(comment)
        return comment, True

    @transaction.atomic
    def edit(self, body):
        """The author's edit, checked again: an approved comment that now needs review is held,
        and one held for any reason becomes urgent when the edit says its author may need support."""
        self.body = body
        self.edited_at = timezone.now()
        was_urgent = self.is_urgent
        hold_reason = self.hold_reason_for(self.author, body, new=False)
        was = self.status
        if hold_reason == self.HoldReason.URGENT or (self.status == self.Status.APPROVED and hold_reason):
            self.status = self.Status.PENDING
            self.hold_reason = hold_reason
            self.needs_review = True
        self.save()
        move_author_record(self.author_id, was=was, now=self.status)
        refresh_comment_count(self.article_id)
        discussion_changed(self.article.slug)
        if self.is_urgent and not was_urgent:
            alert_moderators(self)

    @transaction.atomic
    def delete_by_author(self):
        """Gone if nobody replied; otherwise a "deleted" marker keeps the thread readable."""
        Notification.objects.filter(comment=self).take_back()  # a marker is nothing to be told of
        if self.replies.exists():
            self.body = ""
            self.deleted_at = timezone.now()
            self.needs_review = False
            self.save()
        else:
            self.delete()
            move_author_record(self.author_id, was=self.status, now=None)
        refresh_comment_count(self.article_id)
        discussion_changed(self.article.slug)

    def _decide(self, status, *, by, reason):
        was = self.status
        was_pending = was == self.Status.PENDING
        self.status = status
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_reason = reason
        self.needs_review = False
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "needs_review"])
        move_author_record(self.author_id, was=was, now=status)
        self.reports.filter(resolved_at__isnull=True).update(resolved_at=self.decided_at)
        refresh_comment_count(self.article_id)
        discussion_changed(self.article.slug)  # approved, removed or approved again: readers see it
        return was_pending

    @transaction.atomic
    def approve(self, *, by):
        was_pending = self._decide(self.Status.APPROVED, by=by, reason="")
        ModerationLog.objects.create(actor=by, action=ModerationLog.Action.APPROVED, comment=self, member=self.author)
        if was_pending:
            Notification.comment_decided(self, by=by)
            Notification.comment_published(self)
            transaction.on_commit(lambda: notify_decision(self))
            transaction.on_commit(lambda: notify_reply(self))

    @transaction.atomic
    def remove(self, *, by, reason):
        self._decide(self.Status.REMOVED, by=by, reason=reason)
        ModerationLog.objects.create(
            actor=by, action=ModerationLog.Action.REMOVED, comment=self, member=self.author, reason=reason
        )
        Notification.comment_decided(self, by=by)
        transaction.on_commit(lambda: notify_decision(self))

    @transaction.atomic
    def report(self, *, by, reason, note=""):
        """Record a member's report; hide the comment for review once enough members in good standing reported it.

        Reports from members who haven't confirmed their email or are suspended are kept for moderators
        to read, but hide nothing (``ReportQuerySet.counted``). Suspending a member doesn't show again a
        comment their report helped hide: it is in the moderation queue, and the other reports may be right.
        """
        # Locking the comment makes reports on it take turns, so two at the same moment both count.
        self.status = Comment.objects.select_for_update().values_list("status", flat=True).get(pk=self.pk)
        report = Report.objects.create(comment=self, reporter=by, reason=reason, note=note)
        own_parts_changed(by.pk)  # their report puts the thread among those drawn for them alone
        threshold = CommunitySettings.load().report_threshold
        reporters = self.reports.counted().values("reporter").distinct().count()
        if self.status == self.Status.APPROVED and not self.is_deleted:
            Comment.objects.filter(pk=self.pk).update(needs_review=True)  # an open report puts it in the queue
            self.needs_review = True
        if self.status == self.Status.APPROVED and reporters >= threshold:
            self.status = self.Status.PENDING
            self.hold_reason = self.HoldReason.REPORTS
            self.save(update_fields=["status", "hold_reason"])
            move_author_record(self.author_id, was=self.Status.APPROVED, now=self.status)
            ModerationLog.objects.create(
                action=ModerationLog.Action.HIDDEN, comment=self, member=self.author, reason=f"{reporters} reports"
            )
            refresh_comment_count(self.article_id)
            discussion_changed(self.article.slug)  # hidden; a report that hides nothing changes no page
        return report


def refresh_comment_count(article_id):
    """Keep the article's count of visible comments, which list pages show without counting."""
    count = Comment.objects.filter(article_id=article_id, status=Comment.Status.APPROVED, deleted_at__isnull=True)
    Article.objects.filter(pk=article_id).update(comment_count=count.count())
