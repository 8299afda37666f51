"""
Emails to members about their comments: a moderator's decision on a held
comment, and replies. Each can be turned off in the member's profile.

Every email the site sends goes through ``send`` or ``send_to_address``: the
message is rendered here and a job (``community.tasks.send_email``) sends it.
The job is queued in the request's own transaction, so a request never waits
on the mail server, and one that rolls back sends nothing.

Logs name the comment's id, never its text or the member's address.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from .tasks import send_email

logger = logging.getLogger(__name__)


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def wants(user, choice):
    if user is None or not user.is_active or not user.email:
        return False
    from .models import Profile

    return getattr(Profile.for_user(user), choice)


def send(user, subject, template, context, *, about=""):
    """Email a member at the address on their account."""
    send_to_address(user.email, subject, template, context, about=about or f"member {user.pk}")


def send_to_address(address, subject, template, context, *, about="", headers=None):
    """Email one address, which may not be on any account yet (a new address being confirmed).

    ``about`` names what the email is about in the job's log lines, by id only (``"reply 12"``).
    ``headers``: extra header lines (a dict of strings), such as List-Unsubscribe.
    """
    context = {**context, "profile_url": absolute(reverse("community:profile")), "site_url": absolute("")}
    body = render_to_string(template, context)

    # The job is a row in the same database transaction as the change it tells of: both are saved, or neither.
    send_email.enqueue(to=address, subject=subject, body=body, about=about, headers=headers or {})


def notify_decision(comment):
    """Tell the author that a moderator approved or removed their comment."""
    if not wants(comment.author, "notify_on_decision"):
        return
    approved = comment.status == comment.Status.APPROVED
    subject = "Your comment is now published" if approved else "Your comment was removed"
    send(
        comment.author,
        subject,
        "community/email/decision.txt",
        {
            "comment": comment,
            "approved": approved,
            "article": comment.article,
            "comment_url": absolute(reverse("community:comment", kwargs={"pk": comment.pk})),
            "guidelines_url": absolute(reverse("community:guidelines")),
        },
        about=f"decision on comment {comment.pk}",
    )
    logger.info("decision email queued for comment %s", comment.pk)


def notify_reply(reply):
    """Tell the author of the comment replied to, once the reply is visible."""
    parent = reply.parent
    if parent is None or reply.status != reply.Status.APPROVED or parent.author_id == reply.author_id:
        return
    if not wants(parent.author, "notify_on_reply"):
        return
    # The subject names nobody: a display name there is text a stranger chose, shown before the email is opened.
    send(
        parent.author,
        "New reply to your comment on IBD Movement",
        "community/email/reply.txt",
        {
            "reply": reply,
            "article": reply.article,
            "comment_url": absolute(reverse("community:comment", kwargs={"pk": reply.pk})),
        },
        about=f"reply {reply.pk}",
    )
    logger.info("reply email queued for comment %s", reply.pk)


def notify_followers(comment_id):
    """Email the followers of a newly published comment's discussion who want it: at most once a day each.

    Never its author, nor the member it replies to (``notify_reply`` writes to them). Returns how many
    emails were queued.
    """
    from .models import Comment, Follow

    comment = Comment.objects.select_related("article", "parent").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.APPROVED or comment.is_deleted:
        return 0
    skip = {comment.author_id, comment.parent.author_id if comment.parent else None} - {None}
    followers = (
        Follow.objects.filter(
            article_id=comment.article_id, member__is_active=True, member__profile__notify_on_followed=True
        )
        # Only to addresses their owner confirmed: following can't be used to send mail to a stranger.
        .filter(member__profile__email_confirmed_at__isnull=False)
        .exclude(member_id__in=skip)
        .exclude(member__email="")
        .select_related("member__profile")
    )
    article = comment.article
    sent = 0
    for follow in followers:
        if not Follow.claim_email(follow.pk):
            continue
        send(
            follow.member,
            "New comments in a discussion you follow on IBD Movement",
            "community/email/followed.txt",
            {
                "member": follow.member,
                "article": article,
                "discussion_url": absolute(f"{article.get_absolute_url()}#discussion"),
                "notifications_url": absolute(reverse("community:notifications")),
            },
            about=f"followed discussion, comment {comment.pk}",
        )
        sent += 1
    if sent:
        logger.info("%d follower emails queued for comment %s", sent, comment.pk)
    return sent
