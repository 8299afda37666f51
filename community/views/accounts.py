"""
Members' accounts: sign up and confirm an email address, log in and out,
passwords, the profile, a new email address, and a member's own data to
download or delete.

Logging in and out and passwords are Django's auth views with our forms and
templates. Logs name a member by id, never by email address. Nothing a
visitor sees tells them whether an address has an account: on this site that
would reveal someone's health.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.forms.accounts import (
    ChangeEmailForm,
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignupForm,
)
from community.lockout import unlock_account
from community.models import Profile
from community.notifications import absolute, send, send_to_address
from community.ratelimit import any_limited, client_ip, is_limited
from community.two_factor import after_password

logger = logging.getLogger(__name__)

SIGNUP_LIMIT_PER_IP = 10
# At most this many emails an hour to one address from sign-ups or address changes, whoever asks.
EMAILS_PER_ADDRESS = 3
CHANGE_EMAIL_LIMIT_PER_MEMBER = 5
CHANGE_EMAIL_LIMIT_PER_IP = 20
HOUR = 60 * 60
# The address just signed up with, to show on "check your email" whether or not it had an account.
SIGNUP_ADDRESS_KEY = "signup_address"


def send_confirmation(user):
    """Email the member a link that confirms their address (a job sends it: see community.notifications)."""
    profile = Profile.for_user(user)
    url = absolute(reverse("community:confirm_email", kwargs={"token": profile.make_confirmation_token()}))
    context = {"profile": profile, "confirm_url": url, "contact_email": settings.CONTACT_EMAIL}
    send(
        user,
        "Confirm your email address for IBD Movement",
        "community/email/confirm_email.txt",
        context,
        about=f"confirmation for member {user.pk}",
    )
    logger.info("confirmation email queued for member %s", user.pk)


def send_quietly(member_id, kind, address, subject, template, context):
    """Queue an email to one address; logs name the member's id, never the address."""
    send_to_address(address, subject, template, context, about=f"{kind} for member {member_id}")
    logger.info("%s email queued for member %s", kind, member_id)


def tell_owner_of_signup_attempt(user):
    """Someone signed up with an address that has an account: tell its owner, and how to get back in."""
    profile = Profile.for_user(user)
    confirm_url = None
    if not profile.is_confirmed:
        confirm_url = absolute(reverse("community:confirm_email", kwargs={"token": profile.make_confirmation_token()}))
    context = {
        "profile": profile,
        "login_url": absolute(reverse("community:login")),
        "reset_url": absolute(reverse("community:password_reset")),
        "confirm_url": confirm_url,
        "contact_email": settings.CONTACT_EMAIL,
    }
    subject = "Someone tried to sign up to IBD Movement with your email address"
    send_quietly(user.pk, "sign-up attempt", user.email, subject, "community/email/signup_attempt.txt", context)


@sensitive_post_parameters("password1", "password2")
def signup(request):
    """Sign up, answering the same whether or not the address already has an account.

    A new address gets an account, not logged in, and a confirmation link. An address with an account gets
    nothing new, and its owner an email saying someone tried. Either way the visitor is sent to the same
    "check your email" page, with the same cookies, after about the same work.
    """
    if request.user.is_authenticated:
        if Profile.for_user(request.user).is_confirmed:
            return redirect("community:profile")
        return render(request, "community/account/check_email.html", {"address": request.user.email})
    if request.method != "POST":
        return render(request, "community/account/signup.html", {"form": SignupForm()})
    # Every attempt counts, so the form can't be used to test many addresses for an account.
    if is_limited("signup:ip", client_ip(request), limit=SIGNUP_LIMIT_PER_IP, window=HOUR):
        form = SignupForm(initial={name: request.POST.get(name, "") for name in ("email", "display_name")})
        return render(request, "community/account/signup.html", {"form": form, "throttled": True}, status=429)
    form = SignupForm(request.POST)
    if not form.is_valid():
        return render(request, "community/account/signup.html", {"form": form})
    try:
        user, created = form.save()
    except IntegrityError:  # someone took the display name since the form checked it
        form.add_error("display_name", "That display name is taken. Please choose another.")
        return render(request, "community/account/signup.html", {"form": form})
    may_email = not is_limited("email:address", user.email.lower(), limit=EMAILS_PER_ADDRESS, window=HOUR)
    if created:
        logger.info("member %s signed up", user.pk)
        send_confirmation(user)
    else:
        logger.info("sign-up tried with the address of member %s", user.pk)
        if may_email:
            tell_owner_of_signup_attempt(user)
    request.session[SIGNUP_ADDRESS_KEY] = form.cleaned_data["email"]
    return redirect("community:signup_sent")


@never_cache
@require_GET
def signup_sent(request):
    """Check your email: what everyone sees after signing up, whatever happened to the address."""
    if request.user.is_authenticated:
        return redirect("community:signup")
    return render(request, "community/account/check_email.html", {"address": request.session.get(SIGNUP_ADDRESS_KEY)})


@require_GET
def confirm_email(request, token):
    """The link in the confirmation email. Whoever follows it proves they read that inbox, logged in or not."""
    profile = Profile.from_confirmation_token(token)
    if profile is None:
        return render(request, "community/account/confirm_invalid.html", status=400)
    profile.confirm_email()
    other_account = request.user.is_authenticated and request.user.pk != profile.user_id
    return render(request, "community/account/confirm_done.html", {"other_account": other_account})


@login_required
@require_POST
def resend_confirmation(request):
    if Profile.for_user(request.user).is_confirmed:
        messages.info(request, "Your email address is already confirmed.")
        return redirect("community:profile")
    if any_limited(request, "resend_confirmation", member_limit=3, ip_limit=10, window=HOUR):
        messages.error(
            request, "We've sent several links already. Please check your spam folder, or try again in an hour."
        )
    else:
        send_confirmation(request.user)
        messages.success(request, "We've sent a new link. It works for 3 days.")
    return redirect("community:signup")


class LoginView(auth_views.LoginView):
    template_name = "community/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        # Staff who owe their second factor give it first, then go on to where they were going.
        return after_password(self.request.user, super().get_success_url())


def locked_out(request, original_response, credentials):
    """A locked-out login, at the site's door or the admin's, gets our login page saying to wait."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    context = {
        "form": LoginForm(request, initial={"username": (credentials or {}).get("username", "")}),
        "throttled": LoginForm.error_messages["throttled"],
        "next": next_url,
    }
    return render(request, "community/account/login.html", context, status=429)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "community/account/password_change_form.html"
    success_url = reverse_lazy("community:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "community/account/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "community/account/password_reset_form.html"
    email_template_name = "community/email/password_reset.txt"
    subject_template_name = "community/email/password_reset_subject.txt"
    success_url = reverse_lazy("community:password_reset_done")

    @property
    def extra_email_context(self):
        # Links in emails use the site's configured address, like every other email we send.
        return {"site_url": settings.SITE_URL.rstrip("/")}

    def form_valid(self, form):
        # Over the limit, show the usual "check your email" page but send nothing, so nobody's
        # inbox can be flooded and the page tells nothing about which addresses have accounts.
        by_ip = is_limited("password-reset:ip", client_ip(self.request), limit=10, window=3600)
        by_email = is_limited("password-reset:email", form.cleaned_data["email"].lower(), limit=3, window=3600)
        if by_ip or by_email:
            logger.info("password reset request over the rate limit")
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "community/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "community/account/password_reset_confirm.html"
    success_url = reverse_lazy("community:password_reset_complete")

    def form_valid(self, form):
        # Whoever reset the password read the account's inbox, and the new password is one nobody has been
        # guessing: a lockout of the account (by failures from anywhere) ends here. Addresses stay locked.
        unlock_account(form.user)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "community/account/password_reset_complete.html"


@login_required
@never_cache
def profile(request):
    """The member's own account page. Only ever their own: there is no id in the address to change."""
    profile = Profile.for_user(request.user)
    display_name = profile.display_name
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            return redirect("community:profile")
    else:
        form = ProfileForm(instance=profile)
    return render(
        request, "community/account/profile.html", {"form": form, "profile": profile, "display_name": display_name}
    )


@login_required
@never_cache
@sensitive_post_parameters("password")
def change_email(request):
    """Ask to log in with a new address, which changes only once a link sent to it is followed.

    If the new address belongs to another account, the member sees the same answer, and the address's owner
    gets an email saying so instead of a link. The old address is told either way.
    """
    profile = Profile.for_user(request.user)
    template = "community/account/change_email.html"
    if request.method != "POST":
        return render(request, template, {"form": ChangeEmailForm(request.user), "profile": profile})
    limits = {"member_limit": CHANGE_EMAIL_LIMIT_PER_MEMBER, "ip_limit": CHANGE_EMAIL_LIMIT_PER_IP, "window": HOUR}
    if any_limited(request, "change-email", **limits):
        form = ChangeEmailForm(request.user, initial={"email": request.POST.get("email", "")[:254]})
        return render(request, template, {"form": form, "profile": profile, "throttled": True}, status=429)
    form = ChangeEmailForm(request.user, request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form, "profile": profile})
    new_email = form.cleaned_data["email"]
    profile.request_email_change(new_email)
    logger.info("member %s asked to change their email address", request.user.pk)
    if not is_limited("email:address", new_email, limit=EMAILS_PER_ADDRESS, window=HOUR):
        send_change_email_link(profile, taken=form.address_has_an_account())
    tell_old_address_of_change(profile)
    messages.success(
        request,
        f"We've sent a link to {new_email}. Follow it within 24 hours to log in with that address from then on. "
        f"Until then, keep using {request.user.email}.",
    )
    return redirect("community:profile")


def send_change_email_link(profile, *, taken):
    """The link that confirms a new address; or, if the address already has an account, a note to its owner."""
    context = {"profile": profile, "contact_email": settings.CONTACT_EMAIL}
    if taken:
        context |= {"login_url": absolute(reverse("community:login"))}
        subject = "Someone tried to use your email address on IBD Movement"
        template = "community/email/change_email_taken.txt"
    else:
        token = profile.make_change_email_token()
        context |= {"confirm_url": absolute(reverse("community:confirm_email_change", kwargs={"token": token}))}
        subject = "Confirm your new email address for IBD Movement"
        template = "community/email/change_email_confirm.txt"
    send_quietly(profile.user_id, "new address", profile.pending_email, subject, template, context)


def tell_old_address_of_change(profile):
    """The address in use hears of every request, so a member whose password was stolen finds out."""
    context = {
        "profile": profile,
        "reset_url": absolute(reverse("community:password_reset")),
        "contact_email": settings.CONTACT_EMAIL,
    }
    subject = "Your IBD Movement email address is being changed"
    template = "community/email/change_email_requested.txt"
    send_quietly(profile.user_id, "address change notice", profile.user.email, subject, template, context)


@login_required
@require_POST
def cancel_email_change(request):
    profile = Profile.for_user(request.user)
    if profile.pending_email:
        profile.cancel_email_change()
        messages.success(request, f"The change is cancelled. Keep logging in with {request.user.email}.")
    return redirect("community:profile")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email_change(request, token):
    """The link sent to a new address. Opening it asks; only the button changes the address, so a mail
    scanner that opens links can't."""
    profile = Profile.from_change_email_token(token)
    if profile is None:
        return render(request, "community/account/change_email_invalid.html", status=400)
    if request.user.is_authenticated and request.user.pk != profile.user_id:
        return render(request, "community/account/change_email_invalid.html", {"other_account": True}, status=403)
    if request.method != "POST":
        return render(request, "community/account/change_email_confirm.html", {"new_email": profile.pending_email})
    if not profile.confirm_email_change():
        profile.cancel_email_change()
        return render(request, "community/account/change_email_invalid.html", {"taken": True}, status=409)
    logger.info("member %s changed their email address", profile.user_id)
    messages.success(request, f"Your email address is changed. From now on, log in with {profile.user.email}.")
    return redirect("community:profile" if request.user.is_authenticated else "community:login")


@login_required
@never_cache
@require_GET
def export_data(request):
    """Everything we keep about the member, as a JSON file to save."""
    data = Profile.for_user(request.user).export_data()
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(True, "ibd-movement-my-data.json")
    return response


@login_required
@never_cache
@sensitive_post_parameters("password")
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, "community/account/delete_account.html", {"form": form})
    member_id = request.user.pk
    Profile.for_user(request.user).delete_account()
    logout(request)
    logger.info("member %s deleted their account", member_id)
    messages.success(request, "Your account and your personal data are deleted. Thank you for taking part.")
    return redirect("articles:home")
