"""
Following a discussion, and the member's notifications.

Each view reaches only the signed-in member's own rows (``request.user.follows``,
``Notification.objects.for_member``), so an id from someone else's list is never
found (404). The notifications pages hold one person's data and are never cached.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..forms.follows import FollowForm
from ..models import Follow, Notification
from ..models.follows import NOTIFICATIONS_PER_PAGE
from .comments import get_published_article


@require_POST
@login_required
def follow_discussion(request, slug):
    article = get_published_article(slug)
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["action"][0])
    elif form.follows:
        Follow.start(request.user, article)
        messages.success(request, "You're following this discussion. We'll tell you about new comments.")
    else:
        Follow.stop(request.user, article)
        messages.success(request, "You've stopped following this discussion.")
    return redirect(f"{article.get_absolute_url()}#discussion")


@login_required
@never_cache
def notifications(request):
    """Replies to the member, decisions on their comments and new comments they follow, newest first."""
    mine = Notification.objects.for_member(request.user)
    page = Paginator(mine.for_list(), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "community/notifications.html", {"page": page, "has_unread": mine.unread().exists()})


@login_required
@never_cache
def open_notification(request, pk):
    """Mark one notification read and go to the comment it is about."""
    notification = get_object_or_404(Notification.objects.for_member(request.user), pk=pk)
    if notification.is_unread:
        Notification.objects.filter(pk=notification.pk).mark_read()
    return redirect(notification.target_url)


@require_POST
@login_required
def mark_all_read(request):
    marked = Notification.objects.filter(recipient=request.user).mark_read()
    if marked:
        messages.success(request, "All your notifications are marked as read.")
    return redirect("community:notifications")
