"""
Forms for members' accounts: sign up, log in, passwords, profile and deletion.

Django's auth forms do the work where they fit; these set our labels and
plain-text hints, and add the rules for display names and the login throttle.
"""

import re
import secrets
import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from community.models import Profile, clean_body

from . import HoneypotMixin

PASSWORD_HINT = "At least 8 characters. Not a common password, not only numbers, and not too like your email address."
RESERVED_NAMES = {"deletedmember", "moderator", "ibdmovement"}


def tidy_display_name(value, *, exclude_profile=None):
    """A display name as we keep it: trimmed, single-spaced, not an address, not official-sounding, not taken."""
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in name):
        raise ValidationError("A display name can't contain control or invisible characters.")
    if len(name) < 2:
        raise ValidationError("A display name needs at least 2 characters.")
    if "@" in name:
        raise ValidationError("A display name can't contain @, so nobody mistakes it for an email address.")
    if re.sub(r"[\W_]+", "", name.casefold()) in RESERVED_NAMES:
        raise ValidationError("That name is kept for the site and its moderators. Please choose another.")
    taken = Profile.objects.filter(display_name__iexact=name)
    if exclude_profile is not None:
        taken = taken.exclude(pk=exclude_profile.pk)
    if taken.exists():
        raise ValidationError("That display name is taken. Please choose another.")
    return name


def display_name_field():
    return forms.CharField(
        label="Display name",
        max_length=40,
        help_text="What other members see next to your comments: 2 to 40 characters. Not your email address.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


def use_plain_password_hint(form, field_name):
    # Django's default hint is an HTML list, which doesn't belong in our one-line hint paragraph.
    form.fields[field_name].help_text = PASSWORD_HINT


class SignupForm(HoneypotMixin, auth_forms.BaseUserCreationForm):
    """A new member: email address, display name and password. The username is made up and never shown."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We'll send a link to confirm it. Other members never see it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = display_name_field()

    field_order = ["email", "display_name", "password1", "password2", "website"]

    class Meta(auth_forms.BaseUserCreationForm.Meta):
        fields = ("email",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_plain_password_hint(self, "password1")
        self.fields["password2"].label = "Confirm password"
        self.fields["password2"].help_text = "Type the same password again, to be sure there's no typo."

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account already uses this email address. Log in, or reset your password if you've forgotten it."
            )
        return email

    def clean_display_name(self):
        return tidy_display_name(self.cleaned_data["display_name"])

    @transaction.atomic
    def save(self, commit=True):
        user = super().save(commit=False)
        user.username = f"member-{secrets.token_hex(8)}"
        user.save()
        Profile.objects.create(user=user, display_name=self.cleaned_data["display_name"])
        return user


class LoginForm(auth_forms.AuthenticationForm):
    """Log in with an email address (staff may also use their username).

    Repeated failures lock the account or the address out inside authenticate(), for the admin's
    login too (community.lockout); the "throttled" message is what the lockout page says.
    """

    username = auth_forms.UsernameField(
        label="Email address",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email", "autocapitalize": "none"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": (
            "That email address and password don't match an account. Check them and try again, or reset your password."
        ),
        "throttled": (
            "Too many attempts to log in. For your safety, please wait 15 minutes and try again, "
            "or reset your password."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sizes this field for usernames; email addresses may be longer.
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password1"].label = "New password"
        use_plain_password_hint(self, "new_password1")
        self.fields["new_password2"].label = "Confirm new password"


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_plain_password_hint(self, "new_password1")
        self.fields["new_password2"].label = "Confirm new password"


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you signed up with. If it has an account, we'll email it a link.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ProfileForm(forms.ModelForm):
    """What a member may change about themselves. Their email address isn't here: it's not shown to anyone."""

    display_name = display_name_field()

    class Meta:
        model = Profile
        fields = ["display_name", "bio", "notify_on_decision", "notify_on_reply"]
        labels = {"bio": "About you"}
        help_texts = {"bio": "A few words about yourself, if you like: up to 500 characters."}

    def clean_display_name(self):
        return tidy_display_name(self.cleaned_data["display_name"], exclude_profile=self.instance)

    def clean_bio(self):
        return clean_body(self.cleaned_data["bio"])


class DeleteAccountForm(forms.Form):
    """Deleting an account can't be undone, so the member types their password to say they mean it."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="To make sure it's you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    @sensitive_variables("password")
    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That isn't your password. Your account has not been deleted.")
        return password
