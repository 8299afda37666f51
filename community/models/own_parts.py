"""
What only one member sees on a page, and when it changes (issue 13).

Members share one copy of an article page, with their own parts put in for each request
(articles/shared_pages.py). Those parts read a little of the member's own state: how many notifications
they haven't read, which questions they saved, which discussions they follow (``own_parts(request)``) and
whether this one holds a comment or a report of theirs (``takes_part_in``). Asking for each on every page
cost four queries; each worker now keeps them for the member's ``Profile.own_parts_version``.

The version comes with the member, whose profile every page reads anyway, so a worker knows at no cost
whether what it holds is current. Whatever changes those parts moves it, in the same transaction:
``own_parts_changed(member ids)`` for the members concerned, or ``own_parts_changed_where(rows)`` for those
some rows point to (a new comment moves its author's with their record instead, community.models.comments).
A worker holds a member's parts for OWN_PARTS_SECONDS at most, so a change made past these methods (a row
deleted in admin) shows within that.

Nothing here is shared between members: each member's parts are kept under their own id.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import CharField, F, Q, Value

from articles.caching import VersionMemo

OWN_PARTS_SECONDS = 60


def own_parts_changed(*member_ids):
    """Call when what these members see of their own on a page changed: one UPDATE, in the change's transaction."""
    ids = {pk for pk in member_ids if pk}
    if ids:
        own_parts_changed_where(ids)


def own_parts_changed_where(member_ids):
    """The same for the members a query gives (``rows.values("recipient")``), without reading them first."""
    from .members import Profile  # members.py imports the modules that call this one

    Profile.objects.filter(user__in=member_ids).update(own_parts_version=F("own_parts_version") + 1)


@dataclass(frozen=True)
class OwnParts:
    """A member's own state, as the parts of any page drawn for them show it."""

    unread_notifications: int
    saved_question_ids: frozenset
    followed_article_ids: frozenset

    @classmethod
    def of(cls, member):
        """Two queries: the unread count, and the ids of the rest as (kind, id) rows of one UNION."""
        from .follows import Follow, Notification

        def ids(kind, rows, field):
            return rows.order_by().values_list(Value(kind, output_field=CharField()), field)

        found = {"saved": set(), "followed": set()}
        saved = member.saved_questions.filter(question__isnull=False)
        for kind, pk in ids("saved", saved, "question_id").union(
            ids("followed", Follow.objects.filter(member=member), "article_id")
        ):
            found[kind].add(pk)
        return cls(
            unread_notifications=Notification.unread_count(member),
            saved_question_ids=frozenset(found["saved"]),
            followed_article_ids=frozenset(found["followed"]),
        )


worker_own_parts = VersionMemo(limit=5000, seconds=OWN_PARTS_SECONDS)


def own_parts(request):
    """The signed-in member's own parts: read once per request, and kept by this worker for their version."""
    if not hasattr(request, "_own_parts"):
        request._own_parts = kept_for_member(request.user, "own-parts", lambda: OwnParts.of(request.user))
    return request._own_parts


def takes_part_in(request, article):
    """Whether the article's discussion holds a comment or a report of the signed-in member's: if so, the
    thread is drawn for them alone. Kept per article, as a member may have commented on thousands."""
    from .comments import Comment

    member = request.user
    return kept_for_member(
        member,
        ("takes-part", article.pk),
        lambda: Comment.objects.filter(Q(author=member) | Q(reports__reporter=member), article=article).exists(),
    )


def kept_for_member(member, key, compute):
    """``compute()`` once per worker for the member's own parts version."""
    try:
        version = member.profile.own_parts_version
    except ObjectDoesNotExist:  # an account made outside sign-up, with no profile yet: nothing to key it by
        return compute()
    return worker_own_parts.get((member.pk, version), key, compute)
