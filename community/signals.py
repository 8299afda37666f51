"""What the site remembers about a member when they log in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

MODERATOR_LINK = "show_moderation_link"


@receiver(user_logged_in)
def remember_moderator_link(sender, request, user, **kwargs):
    """Decide once per login whether the header links to the moderation queue.

    Asking for the member's permissions on every page costs two queries; the queue itself
    still checks them on every request, so a moderator whose rights change sees the link
    follow at their next login.
    """
    if request is not None and hasattr(request, "session"):
        request.session[MODERATOR_LINK] = user.has_perm("community.moderate_comment")
