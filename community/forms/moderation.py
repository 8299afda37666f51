"""
Moderators' input: which part of the queue to show, a decision on a comment,
and suspending a member or lifting a suspension. The rules about what a
moderator may decide live here, with the messages that explain a refusal.
"""

from django import forms
from django.db import models
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..models import Comment


class RemovalReason(models.TextChoices):
    """Why a moderator removed a comment, in the words its author reads in the email."""

    MISINFORMATION = "misinformation", "Medical misinformation"
    TREATMENT_ADVICE = "treatment", "Advice to stop or change treatment"
    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse or unkindness"
    PERSONAL_INFORMATION = "personal", "Personal information"
    OTHER = "other", "Other"


class QueueFilterForm(forms.Form):
    """The queue's tabs, as a GET parameter: anything unknown shows everything waiting."""

    SHOW_CHOICES = [("", "Everything waiting"), ("held", "Held"), ("reported", "Reported")]

    show = forms.ChoiceField(choices=SHOW_CHOICES, required=False)

    @property
    def show_value(self):
        return self.cleaned_data["show"] if self.is_valid() else ""

    def filter(self, queryset):
        return {"": queryset, "held": queryset.pending(), "reported": queryset.reported()}[self.show_value]


class DecisionForm(forms.Form):
    """Approve a comment, or remove it with a reason its author will read."""

    APPROVE, REMOVE = "approve", "remove"
    STATUSES = {APPROVE: Comment.Status.APPROVED, REMOVE: Comment.Status.REMOVED}

    decision = forms.ChoiceField(choices=[(APPROVE, "Approve"), (REMOVE, "Remove")])
    reason = forms.ChoiceField(
        label="Reason for removing",
        choices=[("", "Choose a reason"), *RemovalReason.choices],
        error_messages={
            "required": "Choose a reason for removing the comment.",
            "invalid_choice": "Choose one of the reasons in the list.",
        },
    )
    note = forms.CharField(label="Note sent to the member", required=False, max_length=300)

    def __init__(self, *args, comment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.comment = comment
        # Required on the removal form the moderator sees; an approval posts no reason.
        if self.is_bound and self.data.get("decision") != self.REMOVE:
            self.fields["reason"].required = False

    def clean(self):
        cleaned_data = super().clean()
        decision = cleaned_data.get("decision")
        if (
            decision == self.REMOVE
            and cleaned_data.get("reason") == RemovalReason.OTHER
            and not cleaned_data.get("note")
        ):
            self.add_error("note", "Say why in the note when the reason is “Other”.")
        if decision and self.comment is not None and self.comment.is_settled_as(self.STATUSES[decision]):
            past_tense = "approved" if decision == self.APPROVE else "removed"
            raise forms.ValidationError(f"This comment was already {past_tense}, so nothing changed.", code="settled")
        return cleaned_data

    @property
    def reason_text(self):
        """The reason as stored and emailed: the chosen reason, then the note if there is one."""
        reason, note = self.cleaned_data["reason"], self.cleaned_data["note"]
        if reason == RemovalReason.OTHER:
            return note
        label = RemovalReason(reason).label
        return f"{label}. {note}" if note else label

    def error_text(self):
        """Every error in one sentence or two, for a message on the page the moderator returns to."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


def removal_fields(comments):
    """The removal form's reason and note for each of these comments, by its pk, with ids of its own
    ("comment-<pk>-reason"), as a blank DecisionForm draws them.

    They are drawn once for all the comments and given each comment's ids after: only the ids differ, and
    drawing Django's widgets for each comment cost as much as the rest of a moderation queue page.
    """
    placeholder = "comment-pk-placeholder"
    fields = render_to_string(
        "community/moderation/_removal_fields.html", {"form": DecisionForm(auto_id=f"{placeholder}-%s")}
    )
    # The ids hold nothing but the placeholder replaced by a number: the HTML stays as safe as Django drew it.
    return {comment.pk: mark_safe(fields.replace(placeholder, f"comment-{comment.pk}")) for comment in comments}


class SuspensionForm(forms.Form):
    """Stop a member posting. Nobody suspends themselves or a staff member here."""

    reason = forms.CharField(
        label="Why are you suspending this member?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the moderation log for other moderators.",
        error_messages={"required": "Say why you are suspending this member."},
    )

    def __init__(self, *args, member, moderator, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.moderator = moderator

    def refusal(self):
        """Why this moderator may not suspend this member, or "" if they may."""
        if self.member.pk == self.moderator.pk:
            return "You can't suspend yourself."
        if self.member.is_staff:
            return "Staff accounts can't be suspended here. Ask an administrator to change their access."
        if self.member.profile.is_suspended:
            return "This member is already suspended."
        return ""

    def clean(self):
        if refusal := self.refusal():
            raise forms.ValidationError(refusal, code="refused")
        return super().clean()


class LiftSuspensionForm(forms.Form):
    """Let a suspended member post again."""

    reason = forms.CharField(
        label="Note for the log",
        required=False,
        max_length=500,
        help_text="Why you are lifting the suspension, for other moderators.",
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean(self):
        if not self.member.profile.is_suspended:
            raise forms.ValidationError("This member isn't suspended.", code="not_suspended")
        return super().clean()
