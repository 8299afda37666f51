"""
Forms for members' accounts: sign up, log in, passwords, profile, a new email address, and deletion.

Django's auth forms do the work where they fit; these set our labels and
plain-text hints, and add the rules for display names and the login throttle.
"""

import re
import secrets
import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.views.decorators.debug import sensitive_variables

from community.models import Profile, clean_body
from community.notifications import send_to_address

from . import HoneypotMixin
from .names import problem_with_display_name

PASSWORD_HINT = "At least 8 characters. Not a common password, not only numbers, and not too like your email address."
RESERVED_NAMES = {"deletedmember", "moderator", "ibdmovement"}


def tidy_display_name(value, *, exclude_profile=None):
    """A display name as we keep it: trimmed, single-spaced, not an address, not official-sounding, not taken.

    Kept in NFKC form, so full-width or "mathematical bold" letters become the plain letters they show,
    and can't pass for another member's name. The rules against staff words, web addresses and
    look-alike letters are in community/forms/names.py.
    """
    name = " ".join(unicodedata.normalize("NFKC", value).split())
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in name):
        raise ValidationError("A display name can't contain control or invisible characters.")
    if len(name) < 2:
        raise ValidationError("A display name needs at least 2 characters.")
    if len(name) > Profile._meta.get_field("display_name").max_length:
        # Checked again here: a few characters ("ﷺ") spell out as many letters in NFKC.
        raise ValidationError("A display name can have at most 40 characters. Please choose a shorter one.")
    if "@" in name:
        raise ValidationError("A display name can't contain @, so nobody mistakes it for an email address.")
    if re.sub(r"[\W_]+", "", name.casefold()) in RESERVED_NAMES:
        raise ValidationError("That name is kept for the site and its moderators. Please choose another.")
    problem = problem_with_display_name(name)
    if problem:
        raise ValidationError(problem)
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
    """A new member: email address, display name and password. The username is made up and never shown.

    An address that already has an account is not an error: on this site, saying so would tell anyone
    that the person behind the address lives with IBD. save() tells the view instead.
    """

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
        return self.cleaned_data["email"].strip().lower()

    def clean_display_name(self):
        return tidy_display_name(self.cleaned_data["display_name"])

    @transaction.atomic
    def save(self, commit=True):
        """(user, created): the new member, or the account that already has this address and nothing new.

        Both ways hash the password once, so the time an answer takes says little about which it was.
        """
        existing = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"]).order_by("pk").first()
        if existing is not None:
            make_password(self.cleaned_data["password1"])
            return existing, False
        user = super().save(commit=False)
        user.username = f"member-{secrets.token_hex(8)}"
        user.save()
        Profile.objects.create(user=user, display_name=self.cleaned_data["display_name"])
        return user, True


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

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """Enqueue the reset email as a job, like every other email, rather than send it during the request."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        about = f"password reset for member {context['user'].pk}"
        send_to_address(to_email, subject, email_template_name, context, about=about)


class ProfileForm(forms.ModelForm):
    """What a member may change about themselves. Their email address isn't here: it's not shown to anyone."""

    display_name = display_name_field()

    class Meta:
        model = Profile
        fields = ["display_name", "bio", "notify_on_decision", "notify_on_reply", "notify_on_followed"]
        labels = {"bio": "About you"}
        help_texts = {"bio": "A few words about yourself, if you like: up to 500 characters."}

    def clean_display_name(self):
        return tidy_display_name(self.cleaned_data["display_name"], exclude_profile=self.instance)

    def clean_bio(self):
        return clean_body(self.cleaned_data["bio"])


class ChangeEmailForm(forms.Form):
    """A new address to log in with. The current password says it's the member, not someone at their screen."""

    email = forms.EmailField(
        label="New email address",
        max_length=254,
        help_text="We'll send a link to it. Your address changes only when you follow that link.",
        error_messages={
            "required": "Enter the new email address you want to use.",
            "invalid": "Enter an email address in the right form, like name@example.org.",
            "max_length": "An email address can be at most 254 characters long.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        max_length=4096,
        help_text="To make sure it's you.",
        error_messages={"required": "Enter your current password, to make sure it's you."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email.lower():
            raise ValidationError("That's already the address you log in with. Enter a different one.")
        return email

    @sensitive_variables("password")
    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That isn't your password. Your email address has not changed.")
        return password

    def address_has_an_account(self):
        """True when another account logs in with the new address; the view must not say so."""
        return get_user_model().objects.filter(email__iexact=self.cleaned_data["email"]).exists()


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
