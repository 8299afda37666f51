"""
Staff sign in with a second factor: a code from an authenticator app (TOTP), or a recovery code.

Editors, moderators and superusers hold other members' words and health details in their hands, so
a password alone doesn't open admin, the moderation pages or draft previews to them: in each
session they also give a code, once. django-otp keeps the devices and remembers in the session
which one verified the user (its OTPMiddleware gives ``request.user.is_verified()``); this module
says who must, and where they are sent until they have. ``settings.STAFF_TWO_FACTOR`` switches the
rule off for development and the demo; ``check --deploy`` warns when production does the same.
"""

from base64 import b32encode
from functools import wraps

import django_otp
import segno
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core import checks
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

STAFF_GROUPS = ("Editors", "Moderators")
RECOVERY_CODE_COUNT = 10
QR_CODE_SCALE = 4  # pixels a module: about 230 pixels square, within a phone's width


def is_staff_member(user):
    """Anyone who can reach admin, the moderation queue or an unpublished article."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or user.groups.filter(name__in=STAFF_GROUPS).exists()


def needs_second_factor(user):
    return settings.STAFF_TWO_FACTOR and is_staff_member(user)


def is_verified(user):
    # OTPMiddleware gives request.user is_verified(); the user login() has just put there has none yet.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def awaits_second_factor(user):
    """Staff whose password is done but who haven't given a code in this session."""
    return needs_second_factor(user) and not is_verified(user)


def with_next(url_name, next_url):
    url = reverse(url_name)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url


def after_password(user, next_url):
    """Where a password login goes on to: the second step first for staff who owe it, then next_url."""
    return with_next("community:two_factor", next_url) if awaits_second_factor(user) else next_url


def second_factor_required(view):
    """Staff pages: staff who haven't given their code in this session go to that step, then come back."""

    @wraps(view)
    def checked_view(request, *args, **kwargs):
        if awaits_second_factor(request.user):
            # After a form was posted, coming back means a GET the view may refuse: go to the default instead.
            back = request.get_full_path() if request.method in ("GET", "HEAD") else ""
            return redirect(with_next("community:two_factor", back))
        return view(request, *args, **kwargs)

    return checked_view


class StaffAdminSite(admin.AdminSite):
    """The admin site (community.apps.StaffAdminConfig makes it the default): staff also need their second factor."""

    def has_permission(self, request):
        return super().has_permission(request) and not awaits_second_factor(request.user)

    def login(self, request, extra_context=None):
        # Staff who gave their password but owe the code take the site's second step, then come back.
        if request.method == "GET" and awaits_second_factor(request.user):
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
            return redirect(with_next("community:two_factor", next_url))
        return super().login(request, extra_context)


# Devices ---------------------------------------------------------------------


def authenticator_for(user):
    """The staff member's confirmed authenticator app, or None before they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_authenticator(user):
    """The authenticator being set up: the same secret on every visit until its first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def recovery_devices(user):
    return StaticDevice.objects.filter(user=user, confirmed=True)


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def replace_recovery_codes(user):
    """A new set of recovery codes; every earlier one stops working. Returns them, to show once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def mark_verified(request, device):
    """The code was right: this session is verified, under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)


@transaction.atomic
def finish_setup(request, device):
    """The first right code from a new authenticator: keep it, verify the session, and make recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    mark_verified(request, device)
    return replace_recovery_codes(device.user)


def reset_devices(user):
    """Forget the staff member's authenticator and recovery codes: they set up anew at their next sign-in."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    deleted_static, _ = StaticDevice.objects.filter(user=user).delete()
    return deleted + deleted_static


def manual_key(device):
    """The secret as an app asks for it when typed by hand: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code(device):
    """The authenticator's setup link as a QR code: an SVG in a data: address for an <img>, and its size in pixels."""
    code = segno.make(device.config_url, error="m")
    size, _ = code.symbol_size(scale=QR_CODE_SCALE)
    return {"src": code.svg_data_uri(scale=QR_CODE_SCALE, dark="#000", light="#fff"), "size": size}


@checks.register(checks.Tags.security, deploy=True)
def check_staff_two_factor(app_configs, **kwargs):
    if settings.DEBUG or settings.STAFF_TWO_FACTOR:
        return []
    return [
        checks.Warning(
            "Staff sign in without a second factor: STAFF_TWO_FACTOR is off.",
            hint="Remove STAFF_TWO_FACTOR=0 from the environment; only development and the demo should set it.",
            id="community.W001",
        )
    ]
