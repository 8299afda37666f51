"""Following a discussion: the one choice, follow or stop."""

from django import forms


class FollowForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("follow", "Follow"), ("unfollow", "Stop following")],
        error_messages={
            "required": "Choose to follow or stop following.",
            "invalid_choice": "Choose to follow or stop following.",
        },
    )

    @property
    def follows(self):
        return self.cleaned_data["action"] == "follow"
