"""The rules moderators tune, their word lists, and the log of every decision."""

import re

from django.conf import settings
from django.db import models

from articles.models import SingletonModel
from articles.rendering import render_markdown

FORMER_MEMBER = "[a former member]"
# Shown to a member whose comment was held as urgent (community.models.safeguarding); editors keep it current.
DEFAULT_SUPPORT_CONTACTS = """\
If you are in danger, thinking about ending your life or very unwell, please don't wait for us:

- **999**: call in an emergency, for example heavy bleeding that won't stop, or severe pain with a fever, or go to A&E.
- **NHS 111**: call 111, or go to 111.nhs.uk, for urgent medical help, day or night.
- **Samaritans**: call 116 123, free, 24 hours a day, to talk to someone who will listen."""


def redact(text, names):
    """The text with each of the names (whole words, any case) replaced by a neutral placeholder."""
    if not names:
        return text
    # One pass, longest first: an email address goes whole before the username inside it can match,
    # and a placeholder is never searched again.
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{alternatives})(?!\w)", FORMER_MEMBER, text, flags=re.IGNORECASE)


class CommunitySettings(SingletonModel):
    """The moderation rules moderators may tune. There is only ever one row."""

    hold_first_comments = models.PositiveSmallIntegerField(
        default=1, help_text="Hold this many of a new member's first comments for review."
    )
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="Hold a comment with more links than this for review."
    )
    report_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Hide a comment for review once this many different members report it."
    )
    max_comment_length = models.PositiveIntegerField(default=3000, help_text="The longest comment, in characters.")
    support_contacts = models.TextField(
        blank=True,
        default=DEFAULT_SUPPORT_CONTACTS,
        help_text=(
            "Shown to a member whose comment was held because they may need support. Markdown. Keep the numbers "
            "current: who to call in an emergency, for urgent medical help, and to talk. Left empty, the UK "
            "contacts the site started with are shown."
        ),
    )
    support_contacts_html = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = verbose_name_plural = "community settings"

    def __str__(self):
        return "Community settings"

    def save(self, *args, **kwargs):
        self.render_support_contacts()
        super().save(*args, **kwargs)

    def prepare_unsaved(self):
        self.render_support_contacts()

    def render_support_contacts(self):
        self.support_contacts_html = render_markdown(self.support_contacts or DEFAULT_SUPPORT_CONTACTS)


class ModerationWord(models.Model):
    """A word or phrase that holds a comment for review, or refuses it outright."""

    class Action(models.TextChoices):
        HOLD = "hold", "Hold for review"
        BLOCK = "block", "Refuse outright"

    phrase = models.CharField(max_length=100, unique=True, help_text="Matched as a whole word, ignoring case.")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.HOLD)
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list, for other moderators.")

    class Meta:
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        self.phrase = self.phrase.strip().lower()
        super().save(*args, **kwargs)

    @classmethod
    def first_match(cls, text, action):
        """The first listed phrase of this action that the text contains, or None."""
        lowered = text.lower()
        for phrase in cls.objects.filter(action=action).values_list("phrase", flat=True):
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
                return phrase
        return None


class ModerationLog(models.Model):
    """Every moderation decision, kept: who, what, when and why. Never a comment's text.

    When a member deletes their account, the entries stay but their notes no longer point to the member
    (Profile.scrub_notes_about_member).
    """

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved a comment"
        REMOVED = "removed", "Removed a comment"
        HIDDEN = "hidden", "Hid a comment after reports"
        SUSPENDED = "suspended", "Suspended a member"
        UNSUSPENDED = "unsuspended", "Lifted a suspension"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the site acted by itself.",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.ForeignKey("Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="moderationlog_created")]

    def __str__(self):
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"
