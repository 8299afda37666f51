"""What the site remembers about a member when they log in, and their record and unread count when an article goes."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from articles.models import Article

from .models import Comment, Notification, Profile
from .models.own_parts import own_parts_changed_where

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


@receiver(pre_delete, sender=Article)
def note_commenters(sender, instance, **kwargs):
    """An article's comments go with it by cascade, past the methods that keep members' records: note whose."""
    instance._commenters = set(
        Comment.objects.filter(article=instance, author__isnull=False).values_list("author", flat=True)
    )
    # Their notifications about it go too: the unread counts of those who hadn't read them move.
    own_parts_changed_where(Notification.objects.filter(article=instance).unread().values("recipient"))


@receiver(post_delete, sender=Article)
def recount_commenters(sender, instance, **kwargs):
    """Count again the records of the members who commented on a deleted article (one at a time or in bulk)."""
    if getattr(instance, "_commenters", None):
        Profile.refresh_comment_records(members=instance._commenters)
