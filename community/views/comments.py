"""
Posting, replying to, editing, deleting and reporting comments.

Each view checks who may act first, then hands the input to a form and the
decision to the model. A form that fails is shown again on its own page with
the errors, so nothing needs JavaScript.

Every view finds its comment through ``Comment.objects.on_published_articles()``:
a comment under a draft, scheduled or in-review article answers 404, with
nothing of it or its headline shown, to members and staff alike. Moderators
deal with those comments in the moderation queue.
"""

import logging
from contextlib import suppress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.base import Message
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.models import Article

from ..forms.comments import CommentForm, EditCommentForm, ReportForm
from ..models import EDIT_WINDOW_TEXT, Comment, Profile
from ..ratelimit import any_limited

logger = logging.getLogger(__name__)

COMMENTS_PER_PAGE = 20
POSTED_PARAMETER = "posted"  # ?posted=N: the author lands on comment N they just posted (posted_message)
LANDING_TAG = "at-comment-"  # in a message's extra_tags: shown at that comment (at_comment)
POSTING_LIMITS = {"member_limit": 10, "ip_limit": 30, "window": 600}
REPORTING_LIMITS = {"member_limit": 20, "ip_limit": 40, "window": 3600}
# For a comment held because its author may need support; the contacts are shown with the comment itself.
URGENT_HOLD_MESSAGE = (
    "Thank you for sharing this with us. A moderator will read your comment soon, before it appears. "
    "If you need help now, please don't wait for us: the people to contact are shown with your comment below."
)


def posting_limits():
    """How many comments a member, and an IP address, may post in the window (seconds).

    settings.COMMENT_RATE_LIMITS may change any of them: the benchmark raises them for its
    many members posting from one address; the site runs with these defaults.
    """
    return POSTING_LIMITS | getattr(settings, "COMMENT_RATE_LIMITS", {})


def why_member_cannot_report(user):
    """The reason this member can't report comments, or None if they can.

    Reports can hide a comment before a moderator reads it, so only members who confirmed their
    email and aren't suspended may send them: three throwaway sign-ups shouldn't silence anyone.
    """
    profile = Profile.for_user(user)
    if profile.is_suspended:
        return "Your account is suspended, so you can't report comments at the moment."
    if not profile.is_confirmed:
        return (
            "Please confirm your email address before you report a comment: we sent you a link when you signed up. "
            "Moderators still read every comment that is reported."
        )
    return None


def why_member_cannot_post(user, article):
    """The reason this member can't post on this article, or None if they can."""
    if not article.comments_open:
        return "Comments are closed on this article."
    profile = Profile.for_user(user)
    if profile.is_suspended:
        return "Your account is suspended, so you can't post comments at the moment."
    if not profile.is_confirmed:
        return "Please confirm your email address before you post: we sent you a link when you signed up."
    return None


@login_required
def reply(request, pk):
    """The reply form, on its own page under the comment replied to."""
    parent = get_object_or_404(Comment.objects.on_published_articles().for_display().select_related("article"), pk=pk)
    article = parent.article
    if not parent.can_be_replied_to():
        messages.error(request, "That comment can't be replied to any more.")
        return redirect(article)
    reason = why_member_cannot_post(request.user, article)
    if reason:
        messages.error(request, reason)
        return redirect(article)
    form = CommentForm(article=article, initial={"parent": parent.pk})
    return render_comment_form(request, article, form, parent=parent)


@require_POST
@login_required
def post_comment(request, slug):
    article = get_published_article(slug)
    reason = why_member_cannot_post(request.user, article)
    if reason:
        messages.error(request, reason)
        return redirect(article)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return render_comment_form(request, article, form, parent=form.cleaned_data.get("parent"), status=400)
    body, parent = form.cleaned_data["body"], form.cleaned_data["parent"]
    # The rules, read before the write transaction.
    hold_reason = Comment.hold_reason_for(request.user, body, rules=form.rules)
    # The limit's counts and the comment in one transaction: on SQLite, one turn of its single writer lock.
    with transaction.atomic():
        limited = any_limited(request, "comment", **posting_limits())
        if not limited:
            comment, created = Comment.post(
                article=article, author=request.user, body=body, parent=parent, hold_reason=hold_reason
            )
    if limited:
        form.add_error(None, "You have posted a lot in a short time. Please wait a few minutes and try again.")
        return render_comment_form(request, article, form, parent=parent, status=429)
    if created:
        logger.info("comment %s posted on article %s (%s)", comment.pk, article.pk, comment.status)
    # The confirmation comes from the address (?posted=), not the session: posting writes no session.
    return redirect(comment_url(comment, request.user, posted=True))


def posted_message(comment):
    """What the author is told of the comment they just posted, shown in the comment where they land."""
    if comment.is_urgent:
        level, text = messages.WARNING, URGENT_HOLD_MESSAGE
    elif comment.status == Comment.Status.APPROVED:
        level, text = messages.SUCCESS, "Thank you: your comment is published."
    else:
        level, text = (
            messages.INFO,
            "Thank you: your comment will appear once a moderator has read it. "
            "We read new members' first comments, and comments with several links, before they are published.",
        )
    return Message(level, text, extra_tags=at_comment(comment, "posted"))


def comment_permalink(request, pk):
    """Send the reader to the page of the thread where the comment is."""
    comment = get_object_or_404(Comment.objects.on_published_articles().select_related("article", "thread"), pk=pk)
    article = comment.article
    if not Comment.objects.filter(pk=pk).visible_to(request.user).exists():
        return redirect(article)
    return redirect(comment_url(comment, request.user))


@login_required
def edit_comment(request, pk):
    comment = get_object_or_404(Comment.objects.on_published_articles().select_related("article"), pk=pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("You can only edit your own comments.")
    if Profile.for_user(request.user).is_suspended:
        messages.error(
            request,
            "Your account is suspended, so you can't edit comments at the moment.",
            extra_tags=at_comment(comment),
        )
        return redirect(comment_url(comment, request.user))
    if not comment.can_be_edited_by(request.user):
        messages.error(
            request,
            f"Comments can only be edited for {EDIT_WINDOW_TEXT} after posting. You can still delete it.",
            extra_tags=at_comment(comment),
        )
        return redirect(comment_url(comment, request.user))
    form = EditCommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        comment.edit(form.cleaned_data["body"])
        if comment.is_urgent:
            messages.warning(request, URGENT_HOLD_MESSAGE, extra_tags=at_comment(comment, "edited"))
        elif comment.status == Comment.Status.PENDING:
            messages.info(
                request,
                "Your edit is saved. A moderator will read it before it appears again.",
                extra_tags=at_comment(comment, "edited"),
            )
        else:
            messages.success(request, "Your comment is updated.", extra_tags=at_comment(comment, "edited"))
        return redirect(comment_url(comment, request.user))
    return render(
        request,
        "community/comment_edit.html",
        {"comment": comment, "form": form, "edit_window": EDIT_WINDOW_TEXT},
        status=400 if form.errors else 200,
    )


@login_required
def delete_comment(request, pk):
    comment = get_object_or_404(Comment.objects.on_published_articles().select_related("article"), pk=pk)
    if not comment.can_be_deleted_by(request.user):
        raise PermissionDenied("You can only delete your own comments.")
    if request.method == "POST":
        article = comment.article
        comment.delete_by_author()
        messages.success(request, "Your comment is deleted.")
        return redirect(article.get_absolute_url() + "#discussion")
    return render(request, "community/comment_delete.html", {"comment": comment})


@login_required
def report_comment(request, pk):
    comment = get_object_or_404(
        Comment.objects.on_published_articles().for_display().select_related("article"),
        pk=pk,
        status=Comment.Status.APPROVED,
        deleted_at__isnull=True,
    )
    reason = why_member_cannot_report(request.user)
    if reason:
        messages.error(request, reason, extra_tags=at_comment(comment))
        return redirect(comment_url(comment, request.user))
    if comment.author_id == request.user.pk:
        messages.error(
            request,
            "You can't report your own comment. You can edit or delete it instead.",
            extra_tags=at_comment(comment),
        )
        return redirect(comment_url(comment, request.user))
    if comment.reports.filter(reporter=request.user).exists():
        messages.info(
            request,
            "You have already reported this comment. Thank you: a moderator will look at it.",
            extra_tags=at_comment(comment),
        )
        return redirect(comment_url(comment, request.user))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if any_limited(request, "report", **REPORTING_LIMITS):
            form.add_error(None, "You have sent a lot of reports in a short time. Please try again later.")
        else:
            # A second report sent at the same moment hits the unique constraint: one report stands.
            with suppress(IntegrityError):
                comment.report(by=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
            messages.success(
                request,
                "Thank you for your report. A moderator will look at the comment.",
                extra_tags=at_comment(comment),
            )
            return redirect(comment_url(comment, request.user))
    return render(
        request, "community/comment_report.html", {"comment": comment, "form": form}, status=400 if form.errors else 200
    )


def get_published_article(slug):
    return get_object_or_404(Article.objects.published(), slug=slug)


def render_comment_form(request, article, form, *, parent=None, status=200):
    context = {"article": article, "form": form, "parent": parent}
    return render(request, "community/comment_form.html", context, status=status)


def at_comment(comment, kind=""):
    """The extra_tags of a message shown where the reader lands, in the comment at #comment-N, instead of at the
    top of the page, out of view (community.templatetags.community). ``kind`` ("posted", "edited") labels the
    comment for its author. Only for a response that redirects to ``comment_url(comment, ...)``.
    """
    return f"{LANDING_TAG}{comment.pk} {kind}".strip()


def comment_url(comment, user, *, posted=False):
    """The article page that shows this comment, at the comment; ``posted`` tells its author it was just posted
    (``posted_message``), for the member's own page only: an address with it is never kept in the page cache."""
    root = comment.thread or comment
    before_root = Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
    earlier = (
        Comment.objects.filter(before_root, article_id=comment.article_id, thread__isnull=True).visible_to(user).count()
    )
    page = earlier // COMMENTS_PER_PAGE + 1
    query = [f"comments={page}"] if page > 1 else []
    if posted:
        query.append(f"{POSTED_PARAMETER}={comment.pk}")
    query = f"?{'&'.join(query)}" if query else ""
    return f"{reverse('articles:detail', kwargs={'slug': comment.article.slug})}{query}#comment-{comment.pk}"
