"""
Forms for staff's second factor: the code that confirms a new authenticator app, the code (or a
recovery code) that completes a sign-in, and the code that allows a new set of recovery codes.

Every well-formed code counts against the staff member, whichever form it comes through: after 5
in 15 minutes the forms refuse until the window has passed. django-otp also slows a device down
after wrong codes, and accepts each code only once.
"""

import re

import django_otp
from django import forms
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice

from community.ratelimit import is_limited
from community.two_factor import recovery_devices

ATTEMPT_LIMIT = 5
ATTEMPT_WINDOW = 15 * 60
APP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


class SecondFactorForm(forms.Form):
    """A 6-digit code from the staff member's authenticator app; the device that accepted it is ``self.device``."""

    code = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )
    accepts_recovery_codes = False
    error_messages = {
        "format": "Type the 6 digits your authenticator app shows, without spaces or letters.",
        "wrong": (
            "That code didn't work. Type the newest code from your authenticator app, and check the time "
            "on your phone is set automatically."
        ),
        "slow_down": (
            "Please wait a moment, then type the newest code: after a wrong code, each new try has to wait "
            "a little longer."
        ),
        "throttled": (
            "Too many codes tried. For your safety, please wait 15 minutes and try again. If you've lost "
            "your phone, ask a site administrator to reset your two-factor sign-in."
        ),
    }

    def __init__(self, *args, user, authenticator, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.authenticator = authenticator
        self.device = None

    def clean_code(self):
        code = re.sub(r"[\s-]+", "", self.cleaned_data["code"]).lower()
        if APP_CODE.fullmatch(code):
            devices = [self.authenticator]
        elif self.accepts_recovery_codes and RECOVERY_CODE.fullmatch(code):
            devices = list(recovery_devices(self.user))
        else:
            raise ValidationError(self.error_messages["format"], code="format")
        # Counted before any device is asked, so guessing stops at the limit whatever the guesses.
        if is_limited("two-factor:member", self.user.pk, limit=ATTEMPT_LIMIT, window=ATTEMPT_WINDOW):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        for device in devices:
            if not device.verify_is_allowed()[0]:
                raise ValidationError(self.error_messages["slow_down"], code="slow_down")
            # Checked with the device row locked, so one code can't be used twice at once.
            self.device = django_otp.verify_token(self.user, device.persistent_id, code)
            if self.device is not None:
                return code
        raise ValidationError(self.error_messages["wrong"], code="wrong")

    @property
    def throttled(self):
        return self.has_error("code", "throttled")

    @property
    def used_recovery_code(self):
        return isinstance(self.device, StaticDevice)


class ConfirmAuthenticatorForm(SecondFactorForm):
    """The first code from a newly set-up app, which proves it holds the secret."""

    error_messages = {
        **SecondFactorForm.error_messages,
        "wrong": (
            "That code didn't match. Check you scanned the QR code on this page (or typed the key), "
            "then type the newest 6-digit code the app shows."
        ),
    }


class VerifyForm(SecondFactorForm):
    """The second step of a staff sign-in: a code from the app, or one of the recovery codes."""

    accepts_recovery_codes = True
    error_messages = {
        **SecondFactorForm.error_messages,
        "format": "Type the 6-digit code from your authenticator app, or a recovery code of 8 letters and numbers.",
        "wrong": (
            "That code didn't work. Type the newest code from your authenticator app (check the time on your "
            "phone is set automatically), or one of your recovery codes."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Sign-in code"
        code.help_text = "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        code.widget.attrs["inputmode"] = "text"  # recovery codes have letters
        code.widget.attrs["autofocus"] = True  # the page's one task; elsewhere the instructions come first


class NewRecoveryCodesForm(SecondFactorForm):
    """A fresh code from the app before new recovery codes replace the old ones."""
