"""
The header's link to a member's notifications, with how many are unread.

Only ever on pages drawn for a signed-in member: signed-out readers' cached
pages never carry it. The count is one of the member's own parts
(community.models.own_parts): counted once per worker until it changes.
"""

from django import template

from ..models.own_parts import own_parts

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return own_parts(request).unread_notifications
