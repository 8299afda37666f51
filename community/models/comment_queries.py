"""
What pages ask of comments: a thread's page, the moderation queue and its counts. Comment is imported
inside the methods that name it, because comments.py builds its manager from this module.
"""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When

from articles.models import Article

from .reports import Report

# The comments the queue puts first. Values, not Comment.Status: Meta's index is built before the class.
URGENT = {"hold_reason": "urgent", "status": "pending"}


def urgent_first():
    """0 for a comment held as urgent, 1 for the rest: the first key of the queue's index (``comment_needs_review``),
    written once so the index and the queue's order stay the same (urgent_first_as_indexed)."""
    return Case(When(**URGENT, then=Value(0)), default=Value(1))


class Constant(Value):
    """A value written into the SQL, as an index's definition has it, not passed as a parameter. For the
    constants of this module only: nothing a visitor typed."""

    def as_sql(self, compiler, connection):
        if isinstance(self.value, bool) or not isinstance(self.value, int | str):
            raise TypeError(f"Constant writes whole numbers and strings, not {self.value!r}")
        if isinstance(self.value, int):
            return str(self.value), []
        return "'{}'".format(self.value.replace("'", "''").replace("%", "%%")), []


def urgent_first_as_indexed():
    """urgent_first() with its values written into the SQL, as the index has them. SQLite reads an index on an
    expression in its order only for the very same expression, and a parameter isn't the same as a constant:
    with parameters it found and sorted every comment waiting, with their articles and authors, for a page of 25."""
    written = {field: Constant(value) for field, value in URGENT.items()}
    return Case(When(**written, then=Constant(0)), default=Constant(1))


class CommentQuerySet(models.QuerySet):
    def approved(self):
        from .comments import Comment  # comments.py imports this module

        return self.filter(status=Comment.Status.APPROVED)

    def on_published_articles(self):
        """Comments under articles readers can see now: none from drafts, articles in review or scheduled ones.

        Every page that shows members a comment or its article's headline starts here, staff included:
        moderators reach the others through the moderation queue.
        """
        return self.filter(article__in=Article.objects.published())

    def visible_to(self, user, *, moderating=False):
        """What a thread shows this reader: approved comments, their own in any state, and markers
        for removed, hidden or deleted comments that others have replied to, so replies stay readable.
        A moderator ``moderating`` on the article page also sees every held comment, to decide on it there."""
        from .comments import Comment  # comments.py imports this module

        answered = Comment.objects.filter(status=Comment.Status.APPROVED, deleted_at__isnull=True)
        shown = (
            Q(status=Comment.Status.APPROVED, deleted_at__isnull=True)
            | Q(Exists(answered.filter(parent=OuterRef("pk"))))
            | Q(Exists(answered.filter(thread=OuterRef("pk"))))
        )
        if user.is_authenticated:
            shown |= Q(author=user, deleted_at__isnull=True)
        if moderating:
            shown |= Q(status=Comment.Status.PENDING, deleted_at__isnull=True)
        return self.filter(shown)

    def for_display(self):
        return self.select_related("author__profile", "parent__author__profile")

    def thread_page(self, user, number, per_page=20, *, moderating=False):
        """One page of top-level comments, each with its visible replies in `.visible_replies`, in three queries."""
        comments = self.visible_to(user, moderating=moderating).for_display()
        page = Paginator(comments.filter(thread__isnull=True), per_page).get_page(number)
        replies = defaultdict(list)
        for reply in comments.filter(thread__in=[root.pk for root in page.object_list]):
            replies[reply.thread_id].append(reply)
        for root in page.object_list:
            root.visible_replies = replies[root.pk]
        return page

    def awaiting_review(self):
        """The moderation queue: held or hidden comments, and visible ones with open reports.

        Read from the ``needs_review`` flag and its partial index, which hold just the comments waiting:
        the queue costs the same with two hundred comments or two hundred thousand.
        """
        return self.filter(needs_review=True)

    def refresh_needs_review(self):
        """Set ``needs_review`` on these comments from their status and reports, in one UPDATE:
        after loading comments in bulk, or when reports go without a decision (a reporter's account deleted)."""
        from .comments import Comment  # comments.py imports this module

        open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        waiting = Q(deleted_at__isnull=True) & (
            Q(status=Comment.Status.PENDING) | Q(Exists(open_reports), status=Comment.Status.APPROVED)
        )
        return self.update(needs_review=Case(When(waiting, then=Value(True)), default=Value(False)))

    def pending(self):
        from .comments import Comment  # comments.py imports this module

        return self.filter(status=Comment.Status.PENDING)

    def reported(self):
        """Comments with reports that no moderator has dealt with yet.

        Asked of each comment (EXISTS), not as a list of the reported (IN): so the queue's "Reported" tab is read
        in the queue's index order, a page at a time, where SQLite read every reported comment and sorted them.
        """
        return self.filter(Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)))

    def for_moderation(self):
        """What the moderation queue shows of each comment, in the same few queries however many:
        comments held as urgent first, then oldest first.

        Each comment carries its open reports (``open_reports``), and its author's record on their profile.
        """
        open_reports = Report.objects.filter(resolved_at__isnull=True).order_by("created_at", "pk")
        return (
            self.select_related("article", "author__profile", "parent__author__profile")
            .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
            .alias(urgent_first=urgent_first_as_indexed())
            .order_by("urgent_first", "created_at", "pk")
        )

    def status_counts(self):
        """How many of these comments have each status, in one query: {"pending": 1, "approved": 4, ...}."""
        from .comments import Comment  # comments.py imports this module

        return self.aggregate(**{status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values})

    def record_counts(self):
        """These comments as their author's record counts them, in one query: the Profile fields and their values."""
        counts = {field: Count("pk", filter=Q(status=status)) for status, field in RECORD_FIELDS.items()}
        return self.aggregate(**counts)

    def review_counts(self):
        """How many of these comments are held, and how many have open reports, in one query.

        On the queue's comments it reads two small indexes and no table: ``comment_needs_review`` for the
        comments and their status, and ``report_open``'s comments, looked up in one pass (``IN``, not a
        lookup per comment waiting).
        """
        from .comments import Comment  # comments.py imports this module

        reported = Report.objects.filter(resolved_at__isnull=True).values("comment_id")
        return self.aggregate(
            all=Count("pk"),
            held=Count("pk", filter=Q(status=Comment.Status.PENDING)),
            reported=Count("pk", filter=Q(pk__in=reported)),
        )


# The author's record that moderators read in the queue, kept on their profile (Profile) as it changes.
RECORD_FIELDS = {"approved": "approved_comment_count", "removed": "removed_comment_count"}
