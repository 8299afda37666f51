"""
Emails to members about their comments: a moderator's decision on a held
comment, and replies. Each can be turned off in the member's profile.

Logs name the comment's id, never its text or the member's address.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def wants(user, choice):
    if user is None or not user.is_active or not user.email:
        return False
    from .models import Profile

    return getattr(Profile.for_user(user), choice)


def send(user, subject, template, context):
    """Email a member at the address on their account."""
    send_to_address(user.email, subject, template, context)


def send_to_address(address, subject, template, context):
    """Email one address, which may not be on any account yet (a new address being confirmed)."""
    context = {**context, "profile_url": absolute(reverse("community:profile")), "site_url": settings.SITE_URL}
    send_mail(subject, render_to_string(template, context), None, [address])


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
    )
    logger.info("decision email sent for comment %s", comment.pk)


def notify_reply(reply):
    """Tell the author of the comment replied to, once the reply is visible."""
    parent = reply.parent
    if parent is None or reply.status != reply.Status.APPROVED or parent.author_id == reply.author_id:
        return
    if not wants(parent.author, "notify_on_reply"):
        return
    send(
        parent.author,
        f"{reply.author.profile.display_name if reply.author else 'Someone'} replied to your comment",
        "community/email/reply.txt",
        {
            "reply": reply,
            "article": reply.article,
            "comment_url": absolute(reverse("community:comment", kwargs={"pk": reply.pk})),
        },
    )
    logger.info("reply email sent for comment %s", reply.pk)
