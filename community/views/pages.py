"""The community page and the community guidelines."""

from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from articles.caching import DISCUSSIONS, PUBLISHED, cache_for_readers
from articles.models import Article

from ..models import Comment

LATEST_COMMENTS = 15
ACTIVE_ARTICLES = 5


@cache_for_readers(depends_on=(PUBLISHED, DISCUSSIONS))
def community(request):
    month_ago = timezone.now() - timedelta(days=30)
    recent = Q(comments__status=Comment.Status.APPROVED, comments__deleted_at__isnull=True)
    latest = (
        Comment.objects.approved()
        .on_published_articles()
        .filter(deleted_at__isnull=True)
        .select_related("article", "author__profile")
        .order_by("-created_at")[:LATEST_COMMENTS]
    )
    active = (
        Article.objects.published()
        .annotate(recent_comments=Count("comments", filter=recent & Q(comments__created_at__gte=month_ago)))
        .filter(recent_comments__gt=0)
        .select_related("topic")
        .order_by("-recent_comments", "-published_at")[:ACTIVE_ARTICLES]
    )
    return render(request, "community/community.html", {"latest": latest, "active": active})


@cache_for_readers
def guidelines(request):
    return render(request, "community/guidelines.html")
