"""
The discussion under an article. The article template includes it with
``{% load community %}{% discussion article %}``, so articles never import
the community app.
"""

from django import template

from ..forms.comments import CommentForm
from ..models import Comment, Report
from ..views.comments import COMMENTS_PER_PAGE, why_member_cannot_post

register = template.Library()


@register.inclusion_tag("community/_discussion.html", takes_context=True)
def discussion(context, article):
    request = context["request"]
    user = request.user
    page = Comment.objects.filter(article=article).thread_page(
        user, request.GET.get("comments"), per_page=COMMENTS_PER_PAGE
    )
    reported = set()
    cannot_post = None
    if user.is_authenticated:
        shown = [c.pk for root in page.object_list for c in [root, *root.visible_replies]]
        reported = set(Report.objects.filter(reporter=user, comment__in=shown).values_list("comment_id", flat=True))
        cannot_post = why_member_cannot_post(user, article)
    return {
        "article": article,
        "page": page,
        "user": user,
        "request": request,
        "reported": reported,
        "cannot_post": cannot_post,
        "form": CommentForm(article=article) if user.is_authenticated and not cannot_post else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def can_edit(comment, user):
    return comment.can_be_edited_by(user)


@register.filter
def is_by(comment, user):
    return comment.is_by(user)
