"""Forms for writing, editing and reporting comments. Every rule about input lives here."""

from django import forms
from django.utils.functional import cached_property

from ..models import Comment, CommunitySettings, ModerationWord, Report, clean_body
from . import HoneypotMixin


class CommentBodyMixin(forms.Form):
    body = forms.CharField(
        label="Your comment",
        help_text="Plain text. Please don't share details that could identify you or anyone else.",
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        error_messages={"required": "Write your comment before posting it."},
    )

    @cached_property
    def rules(self):
        """The community's settings, read once: for the length here, and for the view to hold the comment by."""
        return CommunitySettings.load()

    def clean_body(self):
        body = clean_body(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("Write your comment before posting it.", code="empty")
        limit = self.rules.max_comment_length
        if len(body) > limit:
            raise forms.ValidationError(
                f"Comments can be up to {limit:,} characters long. Yours is {len(body):,}: please shorten it.",
                code="too_long",
            )
        if ModerationWord.first_match(body, ModerationWord.Action.BLOCK):
            raise forms.ValidationError(
                "Your comment contains words we don't allow here. Please read the community guidelines and try again.",
                code="blocked",
            )
        return body


class CommentForm(HoneypotMixin, CommentBodyMixin):
    """A new comment on an article, or a reply to one of its comments."""

    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.filter(pk=parent_id, article=self.article).select_related("thread").first()
        if parent is None or not parent.can_be_replied_to():
            raise forms.ValidationError(
                "The comment you are replying to is no longer available. You can still post a new comment.",
                code="bad_parent",
            )
        return parent


class EditCommentForm(CommentBodyMixin):
    pass


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with the comment."},
    )
    note = forms.CharField(
        label="Anything else moderators should know",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Up to 500 characters.",
    )

    def clean_note(self):
        return clean_body(self.cleaned_data["note"])
