"""
Failed-login lockout, for every door that checks a password: the site's login,
/admin/login/, and any other form that calls authenticate().

django-axes puts the check inside ``authenticate()`` (its AxesStandaloneBackend
comes first in AUTHENTICATION_BACKENDS) and turns a lockout into our login page
(AxesMiddleware, AXES_LOCKOUT_CALLABLE). This handler is where axes keeps its
counts. Each attempt is counted per account and per address before its password
is checked, in community.ratelimit's atomic counters, and the count
is given back when the attempt ends in a login. So parallel attempts can't all
slip past the check at once (axes' own database handler checks first and records
the failure after, which let all of 40 parallel attempts check a password against a
limit of 10), and logging in costs nobody anything.

The two counts are separate: an account's count holds attempts at that account
from anywhere, an address's count attempts from that address at any account.
Many failures from one address lock that address out, never an account that
belongs to someone else; many failures at one account lock the account out,
from every address, until the failures are a window old or its owner resets
their password.
"""

import logging

from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from community.models import RateLimitCounter
from community.ratelimit import attempts_so_far, clear_attempts, count_attempt, give_back, redis_counters

logger = logging.getLogger(__name__)

ACCOUNT, ADDRESS = "login:account", "login:address"


def window():
    """The lockout window in seconds: AXES_COOLOFF_TIME."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def limits():
    """Failed logins allowed in one window, per account and per address."""
    return {ACCOUNT: settings.AXES_FAILURE_LIMIT, ADDRESS: settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS}


def account_identity(request, credentials=None):
    """The account a login attempt is for, as its lowercased email address, however it was typed.

    Staff may type their username instead; both spellings of one account share one count.
    AXES_USERNAME_CALLABLE.
    """
    typed = (credentials or {}).get("username") if credentials is not None else request.POST.get("username")
    typed = (typed or "").strip().lower()
    if not typed or "@" in typed:
        return typed
    email = get_user_model().objects.filter(username__iexact=typed).order_by("pk").values_list("email", flat=True)
    return (email.first() or typed).lower()


def identity_of(user):
    return (user.email or user.get_username()).lower()


def unlock_account(user):
    """Let the account's owner in again, wherever the failed attempts came from: for a completed password reset,
    which proves they read the account's inbox, and leaves a password nobody has guessed."""
    clear_attempts(ACCOUNT, identity_of(user), window=window())


class LockoutHandler(AbstractAxesHandler, AxesBaseHandler):
    """AXES_HANDLER: counts in community.ratelimit, checked and counted in one step."""

    def is_allowed(self, request, credentials=None):
        """Count this attempt against its account and its address, then say whether its password may be checked.

        Called by AxesStandaloneBackend from authenticate(), before any backend checks a password.
        An attempt turned away costs nothing: only password checks that don't end in a login count.
        """
        attempts = {ADDRESS: count_attempt(ADDRESS, request.axes_ip_address, window=window())}
        if account := account_identity(request, credentials):
            attempts[ACCOUNT] = count_attempt(ACCOUNT, account, window=window())
        if any(attempt.count > limits()[scope] for scope, attempt in attempts.items()):
            for attempt in attempts.values():
                give_back(attempt)
            request.login_refused = True
            return False
        request.login_attempts = [*getattr(request, "login_attempts", []), *attempts.items()]
        return True

    def is_locked(self, request, credentials=None):
        return (
            self.get_failures(request, credentials) >= settings.AXES_FAILURE_LIMIT
            or attempts_so_far(ADDRESS, request.axes_ip_address, window=window()) >= limits()[ADDRESS]
        )

    def get_failures(self, request, credentials=None):
        """The account's failed logins in the current window."""
        return attempts_so_far(ACCOUNT, account_identity(request, credentials), window=window())

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        """Show the lockout page once this attempt used up a limit, or was turned away."""
        if request is None:
            return
        used_up = [
            scope for scope, attempt in getattr(request, "login_attempts", []) if attempt.count >= limits()[scope]
        ]
        if getattr(request, "login_refused", False) or used_up:
            logger.warning("login locked out at %s (%s)", request.path, ", ".join(used_up) or "refused")
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def user_logged_in(self, sender, request, user, **kwargs):
        """A login costs nobody anything: give back what its attempt counted."""
        for _scope, attempt in getattr(request, "login_attempts", []):
            give_back(attempt)
        request.login_attempts = []

    def user_logged_out(self, sender, request, user, **kwargs):
        pass

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False):
        """For axes' commands: axes_reset_username, axes_reset_ip, axes_reset (everyone)."""
        if username:
            clear_attempts(ACCOUNT, account_identity(None, {"username": username}), window=window())
        if ip_address:
            clear_attempts(ADDRESS, ip_address, window=window())
        if username or ip_address:
            return 1
        everyone = Q(key__startswith=f"ratelimit:{ACCOUNT}:") | Q(key__startswith=f"ratelimit:{ADDRESS}:")
        count, _ = RateLimitCounter.objects.filter(everyone).delete()
        if settings.REDIS_URL:
            counters = redis_counters(settings.REDIS_URL)
            for scope in (ACCOUNT, ADDRESS):
                for key in counters.client.scan_iter(f"{counters.prefix}ratelimit:{scope}:*"):
                    count += counters.client.delete(key)
        return count
