"""
Staff's two-factor sign-in on their account page: ``{% load two_factor %}{% two_factor_summary %}``.

Shows nothing to members, or when STAFF_TWO_FACTOR is off; to staff, how many recovery codes are
left and the way to a new set.
"""

from django import template

from ..two_factor import needs_second_factor, recovery_codes_left

register = template.Library()


@register.inclusion_tag("community/account/_two_factor_summary.html", takes_context=True)
def two_factor_summary(context):
    user = context["request"].user
    if not needs_second_factor(user):
        return {"show": False}
    return {"show": True, "codes_left": recovery_codes_left(user)}
