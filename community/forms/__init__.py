"""Forms for members' input, split by area: accounts, comments and moderation."""

from django import forms


class HoneypotMixin(forms.Form):
    """A field people never see or fill in; bots that fill every field are turned away."""

    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "honeypot"}),
    )

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Something went wrong. Please try again.")
        return ""
