"""
The discussion under an article. The article template includes it with
``{% load community %}{% discussion article %}``, so articles never import
the community app.

The list of comments is the costly part, so it is cached as a fragment until
anything readers can see changes (articles.caching). Readers and members who
have neither written nor reported anything in this discussion all see the
same list and share a copy; a member with their own comments or reports here
sees edit links and notices for them, so theirs is rendered afresh. The
comment form, with its CSRF token, is never cached.
"""

from django import template
from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string

from articles.caching import content_generation, for_this_generation
from articles.models import Topic

from ..forms.comments import CommentForm
from ..models import Comment, Report
from ..views.comments import COMMENTS_PER_PAGE, why_member_cannot_post

register = template.Library()

THREAD_SECONDS = 600


@register.inclusion_tag("community/_discussion.html", takes_context=True)
def discussion(context, article):
    request = context["request"]
    user = request.user
    cannot_post = why_member_cannot_post(user, article) if user.is_authenticated else None
    return {
        "article": article,
        "thread_html": thread_html(request, article),
        "user": user,
        "request": request,
        "cannot_post": cannot_post,
        "form": CommentForm(article=article) if user.is_authenticated and not cannot_post else None,
        "csrf_token": context.get("csrf_token"),
    }


def thread_html(request, article):
    user = request.user
    number = request.GET.get("comments", "1")[:10]
    personal = user.is_authenticated and (
        Comment.objects.filter(Q(author=user) | Q(reports__reporter=user), article=article).exists()
    )
    if personal:
        return render_thread(article, user, number, personal=True)
    viewer = "member" if user.is_authenticated else "reader"
    key = f"thread:{content_generation(request)}:{article.pk}:{number}:{viewer}"

    def shared_copy():
        html = cache.get(key)
        if html is None:
            html = render_thread(article, user, number, personal=False)
            cache.set(key, html, THREAD_SECONDS)
        return html

    # Kept in this worker too, so a member's page asks the shared cache for nothing it has seen.
    return for_this_generation(request, key, shared_copy)


def render_thread(article, user, number, *, personal):
    page = Comment.objects.filter(article=article).thread_page(user, number, per_page=COMMENTS_PER_PAGE)
    reported = set()
    if personal:
        shown = [c.pk for root in page.object_list for c in [root, *root.visible_replies]]
        reported = set(Report.objects.filter(reporter=user, comment__in=shown).values_list("comment_id", flat=True))
    context = {"article": article, "page": page, "user": user, "reported": reported}
    return render_to_string("community/_thread.html", context)


@register.simple_tag
def can_edit(comment, user):
    return comment.can_be_edited_by(user)


@register.filter
def is_by(comment, user):
    return comment.is_by(user)


@register.inclusion_tag("community/updates/_subscribe_form.html", takes_context=True)
def email_updates(context, topic=None):
    """The small "new articles by email" form on topic pages (``topic`` chosen) and the home page.

    These pages are cached whole for readers, so the form holds nothing about the visitor and no CSRF
    token: see community/views/updates.py for why its POST needs none.
    """
    topics = [] if topic else context.get("nav_topics") or Topic.objects.all()
    return {"topic": topic, "topics": topics}
