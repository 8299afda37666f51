"""
Members' accounts: sign up and confirm an email address, log in and out,
passwords, the profile, and a member's own data to download or delete.

Logging in and out and passwords are Django's auth views with our forms and
templates. Logs name a member by id, never by email address.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from community.forms.accounts import (
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
from community.notifications import absolute, send
from community.ratelimit import any_limited, client_ip, is_limited

logger = logging.getLogger(__name__)

SIGNUP_LIMIT_PER_IP = 10
HOUR = 60 * 60


def send_confirmation(user):
    """Email the member a link that confirms their address. False if the email couldn't be sent."""
    profile = Profile.for_user(user)
    url = absolute(reverse("community:confirm_email", kwargs={"token": profile.make_confirmation_token()}))
    context = {"profile": profile, "confirm_url": url, "contact_email": settings.CONTACT_EMAIL}
    try:
        send(user, "Confirm your email address for IBD Movement", "community/email/confirm_email.txt", context)
    except OSError as error:  # SMTP errors included; their text may hold the address, so log only the kind
        logger.warning("confirmation email for member %s failed: %s", user.pk, type(error).__name__)
        return False
    logger.info("confirmation email sent for member %s", user.pk)
    return True


@sensitive_post_parameters("password1", "password2")
def signup(request):
    """Sign up; once signed up, the same address says to check your email until the address is confirmed."""
    if request.user.is_authenticated:
        if Profile.for_user(request.user).is_confirmed:
            return redirect("community:profile")
        return render(request, "community/account/check_email.html")
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
        user = form.save()
    except IntegrityError:  # someone took the display name since the form checked it
        form.add_error("display_name", "That display name is taken. Please choose another.")
        return render(request, "community/account/signup.html", {"form": form})
    login(request, user, backend="community.backends.EmailBackend")
    logger.info("member %s signed up", user.pk)
    if not send_confirmation(user):
        messages.error(request, "We couldn't send the confirmation email just now. Please use the button to try again.")
    return redirect("community:signup")


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
    elif send_confirmation(request.user):
        messages.success(request, "We've sent a new link. It works for 3 days.")
    else:
        messages.error(request, "We couldn't send the email just now. Please try again in a few minutes.")
    return redirect("community:signup")


class LoginView(auth_views.LoginView):
    template_name = "community/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
