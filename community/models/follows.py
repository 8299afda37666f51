"""
Followed discussions and the notifications members see on the site.

A member follows an article's discussion (or starts to, by having a comment
published there). When a comment is published, ``comment_published`` queues
a job, in the same transaction, that tells the people it concerns on the
site: the author of the comment replied to, and everyone following the
discussion. Followers who
chose so also get an email, from a job, at most one a day per discussion.
A moderator's decision on a comment becomes a notification for its author.

Neither follows nor notifications are anything readers see: they never move
a cache version, and no cached page holds them. They are the member's own
parts of a page (the Follow button, the unread count in the header), so
whatever changes them moves the members' ``own_parts_version``
(community.models.own_parts): a follow started or stopped, a notification
made, read or taken back.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .own_parts import own_parts_changed, own_parts_changed_where

FOLLOW_EMAIL_INTERVAL = timedelta(days=1)
NOTIFICATIONS_PER_PAGE = 20


class Follow(models.Model):
    """A member following one article's discussion."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the member was last emailed about this discussion: once a day at most."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "article"], name="one_follow_per_member_article")]

    def __str__(self):
        return f"Member {self.member_id} follows article {self.article_id}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#discussion"

    @classmethod
    def start(cls, member, article):
        """Follow, if not already. Returns True when this call started it."""
        started = cls.objects.get_or_create(member=member, article=article)[1]
        if started:
            own_parts_changed(member.pk)
        return started

    @classmethod
    def stop(cls, member, article):
        stopped = cls.objects.filter(member=member, article=article).delete()[0] > 0
        if stopped:
            own_parts_changed(member.pk)
        return stopped

    @classmethod
    def claim_email(cls, pk, now=None):
        """Mark this follow as emailed now, if its last email is a day old or more. True if this call may send.

        One conditional UPDATE, so two jobs for the same discussion can't both send.
        """
        now = now or timezone.now()
        due = Q(emailed_at__isnull=True) | Q(emailed_at__lte=now - FOLLOW_EMAIL_INTERVAL)
        return cls.objects.filter(due, pk=pk).update(emailed_at=now) == 1


class NotificationQuerySet(models.QuerySet):
    def for_member(self, user):
        """This member's notifications about articles readers can see now (one unpublished later drops out)."""
        return self.filter(recipient=user, article__in=Article.objects.published())

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_list(self):
        """Newest first, with what each line shows, in one query."""
        return self.select_related("article", "comment__author__profile").order_by("-created_at", "-id")

    # Each moves the unread count of the members concerned, found before the change and moved with it in one
    # transaction: a page drawn between the two would otherwise keep the old count under the new version.
    @transaction.atomic
    def mark_read(self):
        own_parts_changed_where(self.unread().values("recipient"))
        return self.unread().update(read_at=timezone.now())

    @transaction.atomic
    def take_back(self):
        """Delete these notifications: what they were about is gone, or is nothing to be told of."""
        own_parts_changed_where(self.unread().values("recipient"))
        return self.delete()


class Notification(models.Model):
    """Something a member is told on the site: a reply to them, a decision on their comment, a new comment."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to your comment"
        APPROVED = "approved", "Your comment was published"
        REMOVED = "removed", "Your comment was removed"
        NEW_COMMENT = "new_comment", "New comment in a discussion you follow"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.ForeignKey("community.Comment", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (comment {self.comment_id})"

    def get_absolute_url(self):
        """The small view that marks it read, then goes to the comment."""
        return reverse("community:open_notification", kwargs={"pk": self.pk})

    @property
    def is_unread(self):
        return self.read_at is None

    @property
    def target_url(self):
        """The comment's permalink, which finds its page of the thread."""
        return reverse("community:comment", kwargs={"pk": self.comment_id})

    @classmethod
    def unread_count(cls, user):
        """The header's number: one query answered from the (recipient, read_at) index alone.

        It counts notices about an article since taken down too, which the list leaves out; "Mark all
        as read" clears those as well, so the number can always be brought to nothing.
        """
        return cls.objects.filter(recipient=user, read_at__isnull=True).count()

    @classmethod
    def comment_published(cls, comment):
        """A comment became visible: its author starts following the discussion, and a job tells the others.

        The job (``community.tasks.email_followers``) is a row in this transaction, so it runs once the
        comment is saved, and never for one rolled back; the notices it writes (``tell_about``) and the
        emails then cost the request, and the one writer lock it holds on SQLite, nothing.
        """
        from ..tasks import email_followers

        if comment.author_id is not None:
            Follow.start(comment.author, comment.article)
        email_followers.enqueue(comment_id=comment.pk)

    @classmethod
    def tell_about(cls, comment):
        """Tell the member replied to and the discussion's followers of a published comment, never its author.

        Anyone already told of this comment (it was hidden and shown again) isn't told twice.
        Returns the notices written.
        """
        told = set(cls.objects.filter(comment=comment).values_list("recipient_id", flat=True))
        told.add(comment.author_id)
        new = []
        parent_author_id = comment.parent.author_id if comment.parent_id else None
        if parent_author_id is not None and parent_author_id not in told:
            new.append(cls(recipient_id=parent_author_id, kind=cls.Kind.REPLY, comment=comment))
            told.add(parent_author_id)
        followers = Follow.objects.filter(article_id=comment.article_id, member__is_active=True)
        for member_id in followers.exclude(member_id__in=[pk for pk in told if pk]).values_list("member_id", flat=True):
            new.append(cls(recipient_id=member_id, kind=cls.Kind.NEW_COMMENT, comment=comment))
        for notification in new:
            notification.article_id = comment.article_id
        created = cls.objects.bulk_create(new)
        if created:  # a discussion may have thousands of followers: they are found by the query, not listed in it
            own_parts_changed_where(cls.objects.filter(comment=comment).values("recipient"))
        return created

    @classmethod
    def comment_decided(cls, comment, *, by):
        """A moderator approved or removed a comment: tell its author (unless it was their own decision).

        A removed comment's replies and new-comment notices go: they would lead to nothing.
        """
        if comment.status == comment.Status.REMOVED:
            cls.objects.filter(comment=comment, kind__in=[cls.Kind.REPLY, cls.Kind.NEW_COMMENT]).take_back()
        if comment.author_id is None or comment.author_id == getattr(by, "pk", None):
            return
        approved = comment.status == comment.Status.APPROVED
        cls.objects.create(
            recipient_id=comment.author_id,
            kind=cls.Kind.APPROVED if approved else cls.Kind.REMOVED,
            comment=comment,
            article_id=comment.article_id,
        )
        own_parts_changed(comment.author_id)
