"""
The header's link to a member's notifications, with how many are unread.

Only ever on pages drawn for a signed-in member: signed-out readers' cached
pages never carry it. The count is one query (``Notification.unread_count``),
made once per request however often the tag is used.
"""

from django import template

from ..models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = Notification.unread_count(user)
    return request._unread_notifications
