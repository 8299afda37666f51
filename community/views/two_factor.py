"""
Staff's second factor: set up an authenticator app, give a code after the password, and keep a set
of recovery codes.

Only staff use these pages (community.two_factor.is_staff_member), and only while
STAFF_TWO_FACTOR is on. The site's login and the admin send staff here after their password, with
?next= where they were going; the rules and the devices are in community.two_factor.
"""

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from ..forms.two_factor import ConfirmAuthenticatorForm, NewRecoveryCodesForm, VerifyForm
from ..two_factor import (
    RECOVERY_CODE_COUNT,
    authenticator_for,
    finish_setup,
    is_staff_member,
    manual_key,
    mark_verified,
    pending_authenticator,
    qr_code,
    recovery_codes_left,
    replace_recovery_codes,
    second_factor_required,
    with_next,
)

logger = logging.getLogger(__name__)

NEW_CODES = "two_factor_new_codes"  # in the session between making recovery codes and showing them, once


def staff_two_factor_page(view):
    """Signed-in staff only, and only while the setting is on."""

    @wraps(view)
    def checked_view(request, *args, **kwargs):
        if not settings.STAFF_TWO_FACTOR:
            raise Http404("Two-factor sign-in is switched off on this site.")
        if not is_staff_member(request.user):
            raise PermissionDenied(
                "Two-factor sign-in is for the IBD Movement team. Your account doesn't need it: "
                "your password is all you need to log in."
            )
        return view(request, *args, **kwargs)

    return login_required(never_cache(sensitive_post_parameters("code")(checked_view)))


def next_url(request):
    """Where to go once the code is in: ?next= if it is a page of this site."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def bound(request):
    return request.POST if request.method == "POST" else None


def render_form(request, template, form, context):
    return render(request, template, {"form": form, **context}, status=429 if form.throttled else 200)


@staff_two_factor_page
def verify(request):
    """The second step of a staff sign-in: the code the authenticator app shows, or a recovery code."""
    goto = next_url(request)
    if request.user.is_verified():
        return redirect(goto)
    authenticator = authenticator_for(request.user)
    if authenticator is None:
        return redirect(with_next("community:two_factor_setup", goto))
    form = VerifyForm(bound(request), user=request.user, authenticator=authenticator)
    if not form.is_valid():
        return render_form(request, "community/account/two_factor_verify.html", form, {"next": goto})
    mark_verified(request, form.device)
    logger.info("staff member %s gave their second factor", request.user.pk)
    if form.used_recovery_code:
        left = recovery_codes_left(request.user)
        messages.warning(
            request,
            f"You used a recovery code: it won't work again. {left} left. "
            "Make a new set from Your account when you're running low.",
        )
    return redirect(goto)


@staff_two_factor_page
def setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), then confirm with its first code."""
    goto = next_url(request)
    if authenticator_for(request.user) is not None:  # replacing one takes a reset by an administrator
        return redirect(with_next("community:two_factor", goto))
    device = pending_authenticator(request.user)
    form = ConfirmAuthenticatorForm(bound(request), user=request.user, authenticator=device)
    if not form.is_valid():
        context = {"next": goto, "qr_code": qr_code(device), "manual_key": manual_key(device)}
        return render_form(request, "community/account/two_factor_setup.html", form, context)
    request.session[NEW_CODES] = finish_setup(request, device)
    logger.info("staff member %s set up two-factor sign-in", request.user.pk)
    messages.success(
        request, "Two-factor sign-in is set up. From now on you'll type a code from the app after your password."
    )
    return redirect(with_next("community:two_factor_recovery_codes", goto))


@staff_two_factor_page
@second_factor_required
def recovery_codes(request):
    """How many recovery codes are left, a new set for a fresh code from the app, and a new set shown once."""
    goto = next_url(request)
    new_codes = request.session.pop(NEW_CODES, None) if request.method == "GET" else None
    if new_codes:
        codes = [f"{code[:4]} {code[4:]}" for code in new_codes]
        return render(request, "community/account/two_factor_recovery_codes.html", {"codes": codes, "next": goto})
    authenticator = authenticator_for(request.user)
    if authenticator is None:  # reset by an administrator while this session was verified by a recovery code
        return redirect(with_next("community:two_factor_setup", goto))
    form = NewRecoveryCodesForm(bound(request), user=request.user, authenticator=authenticator)
    if not form.is_valid():
        context = {"codes_left": recovery_codes_left(request.user), "code_count": RECOVERY_CODE_COUNT, "next": goto}
        return render_form(request, "community/account/two_factor_recovery_codes.html", form, context)
    request.session[NEW_CODES] = replace_recovery_codes(request.user)
    logger.info("staff member %s made new recovery codes", request.user.pk)
    return redirect(with_next("community:two_factor_recovery_codes", goto))
