"""
Members' accounts: sign up and confirm, log in and out, passwords, the
profile, and a member's own data to download or delete.
"""

import json
import re
import time
from datetime import datetime, timedelta
from unittest import mock
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.urls import reverse

from community.models import Comment, Profile, Report

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-harbour-lantern-42"


def signup_data(**overrides):
    return {
        "email": "rosa@example.org",
        "display_name": "Rosa",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "website": "",
        **overrides,
    }


def link_in(message):
    """The path of the first link in an email."""
    return urlparse(re.search(r"https?://\S+", message.body).group()).path


def is_logged_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


@pytest.fixture
def article(make_article):
    return make_article(headline="Stem cells heal fistulas in a small trial")


class TestPagesForMembers:
    @pytest.mark.parametrize(
        "name",
        ["profile", "export_data", "delete_account", "password_change", "password_change_done", "change_email"],
    )
    def test_they_send_anonymous_visitors_to_log_in(self, client, name):
        url = reverse(f"community:{name}")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('community:login')}?next={url}"

    @pytest.mark.parametrize(
        "name", ["profile", "delete_account", "resend_confirmation", "logout", "change_email", "cancel_email_change"]
    )
    def test_posts_from_anonymous_visitors_change_nothing(
        self, client, member, name, django_capture_on_commit_callbacks
    ):
        data = {"display_name": "Hijacked", "password": "x", "email": "thief@example.org"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(f"community:{name}"), data)
        assert response.status_code == 302
        assert User.objects.filter(pk=member.pk).exists()
        assert Profile.objects.get(user=member).display_name == "Maya"
        assert Profile.objects.get(user=member).pending_email == ""
        assert mail.outbox == []

    @pytest.mark.parametrize(
        "name",
        [
            "signup",
            "signup_sent",
            "login",
            "password_reset",
            "password_reset_done",
            "password_reset_complete",
            "profile",
            "delete_account",
            "password_change",
            "password_change_done",
            "change_email",
        ],
    )
    def test_each_page_has_one_heading_and_a_lede(self, client, unconfirmed_member, name):
        if name in {"profile", "delete_account", "password_change", "password_change_done", "change_email"}:
            client.force_login(unconfirmed_member)
        content = client.get(reverse(f"community:{name}")).content.decode()
        assert content.count("<h1") == 1
        assert 'class="lede"' in content

    def test_pages_reached_from_email_links_have_one_heading_and_a_lede(self, client, unconfirmed_member):
        token = unconfirmed_member.profile.make_confirmation_token()
        reset = reverse("community:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "stale"})
        pages = [reverse("community:confirm_email", kwargs={"token": "stale"}), reset]
        client.force_login(unconfirmed_member)
        pages += [reverse("community:signup"), reverse("community:confirm_email", kwargs={"token": token})]
        for page in pages:
            content = client.get(page).content.decode()
            assert content.count("<h1") == 1, page
            assert 'class="lede"' in content, page


class TestSignup:
    def test_it_creates_a_member_with_a_profile_but_does_not_log_them_in(self, client):
        # Logging in only a new address would tell anyone which addresses already have accounts.
        response = client.post(reverse("community:signup"), signup_data())
        assert response.status_code == 302
        assert response["Location"] == reverse("community:signup_sent")
        user = User.objects.get(email="rosa@example.org")
        assert user.username.startswith("member-")
        assert user.check_password(NEW_PASSWORD)
        assert user.profile.display_name == "Rosa"
        assert not user.profile.is_confirmed
        assert "_auth_user_id" not in client.session

    def test_it_then_says_to_check_your_email_and_how_to_log_in(self, client):
        response = client.post(reverse("community:signup"), signup_data(), follow=True)
        content = response.content.decode()
        assert "Check your email" in content
        assert "rosa@example.org" in content
        assert "within 3 days" in content
        assert f'href="{reverse("community:login")}"' in content

    def test_the_new_member_logs_in_after_following_the_link(self, client):
        client.post(reverse("community:signup"), signup_data())
        assert "Log in" in client.get(link_in(mail.outbox[0])).content.decode()
        client.post(reverse("community:login"), {"username": "rosa@example.org", "password": NEW_PASSWORD})
        assert is_logged_in(client, User.objects.get(email="rosa@example.org"))
        assert Profile.objects.get(user__email="rosa@example.org").is_confirmed

    def test_check_your_email_without_a_sign_up_says_nothing_about_any_address(self, client, member):
        content = client.get(reverse("community:signup_sent")).content.decode()
        assert "the address you gave" in content
        assert "@" not in content.split("<main", 1)[-1].split("</main>", 1)[0]

    def test_it_stores_the_email_address_in_lower_case(self, client):
        client.post(reverse("community:signup"), signup_data(email="Rosa.Lee@Example.ORG"))
        assert User.objects.filter(email="rosa.lee@example.org").exists()

    def test_it_never_shows_the_username_or_uses_the_email_as_a_name(self, client):
        response = client.post(reverse("community:signup"), signup_data(), follow=True)
        user = User.objects.get(email="rosa@example.org")
        assert user.profile.display_name != user.email
        assert user.username not in response.content.decode()

    def test_it_emails_a_link_that_confirms_the_address(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("community:signup"), signup_data())
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["rosa@example.org"]
        response = client.get(link_in(mail.outbox[0]))
        assert response.status_code == 200
        assert "Your email address is confirmed" in response.content.decode()
        assert Profile.objects.get(user__email="rosa@example.org").is_confirmed

    @pytest.mark.parametrize("email", ["maya@example.org", "MAYA@Example.org", " Maya@EXAMPLE.org "])
    def test_an_address_already_used_in_any_case_makes_no_second_account(self, client, member, password, email):
        response = client.post(reverse("community:signup"), signup_data(email=email))
        assert response["Location"] == reverse("community:signup_sent")
        assert User.objects.count() == 1
        assert Profile.objects.count() == 1
        member.refresh_from_db()
        assert member.check_password(password)
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize("display_name", ["Maya", "MAYA", "  maya  "])
    def test_it_refuses_a_display_name_already_taken_in_any_case(self, client, member, display_name):
        response = client.post(reverse("community:signup"), signup_data(display_name=display_name))
        assert "That display name is taken" in response.content.decode()
        assert not User.objects.filter(email="rosa@example.org").exists()
        assert Profile.objects.count() == 1

    @pytest.mark.parametrize(
        ("display_name", "message"),
        [
            ("R", "at least 2 characters"),
            ("   ", "This field is required"),
            ("x" * 41, "at most 40 characters"),
            ("rosa@example.org", "mistakes it for an email address"),
            ("someone@elsewhere.net", "mistakes it for an email address"),
            ("Deleted member", "kept for the site"),
            ("MODERATOR", "kept for the site"),
            ("IBD Movement", "kept for the site"),
            ("ibd-movement", "kept for the site"),
            ("Rosa\x07", "control or invisible characters"),
            ("Ro\u202esa", "control or invisible characters"),
        ],
    )
    def test_it_refuses_unsuitable_display_names(self, client, display_name, message):
        response = client.post(reverse("community:signup"), signup_data(display_name=display_name))
        assert message in response.content.decode()
        assert not User.objects.exists()

    def test_it_tidies_spaces_in_the_display_name(self, client):
        client.post(reverse("community:signup"), signup_data(display_name="  Rosa   Lee "))
        assert Profile.objects.get().display_name == "Rosa Lee"

    @pytest.mark.parametrize(
        ("password", "message"),
        [("password", "too common"), ("12345", "too short"), ("rosa@example.org", "too similar")],
    )
    def test_it_refuses_a_weak_password(self, client, password, message):
        response = client.post(reverse("community:signup"), signup_data(password1=password, password2=password))
        assert message in response.content.decode()
        assert not User.objects.exists()

    def test_it_refuses_passwords_that_differ(self, client):
        client.post(reverse("community:signup"), signup_data(password2="something-else-entirely"))
        assert not User.objects.exists()

    def test_a_filled_in_honeypot_creates_nothing(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("community:signup"), signup_data(website="https://spam.example"))
        assert response.status_code == 200
        assert not User.objects.exists()
        assert mail.outbox == []

    def test_it_limits_sign_ups_from_one_connection(self, client):
        for n in range(10):
            client.post(reverse("community:signup"), signup_data(email=f"bot{n}@example.org", website="x"))
        response = client.post(reverse("community:signup"), signup_data())
        assert response.status_code == 429
        assert "too many sign-ups" in response.content.decode()
        assert not User.objects.exists()
        other = client.post(reverse("community:signup"), signup_data(), REMOTE_ADDR="10.1.2.3")
        assert other["Location"] == reverse("community:signup_sent")
        assert User.objects.filter(email="rosa@example.org").exists()

    def test_a_name_taken_at_the_last_moment_gives_the_same_clear_error(self, client, member):
        # Two people choosing one name at once: the database constraint catches the second.
        with mock.patch("community.forms.accounts.tidy_display_name", lambda value, **kwargs: value.strip()):
            response = client.post(reverse("community:signup"), signup_data(display_name="maya"))
        assert "That display name is taken" in response.content.decode()
        assert not User.objects.filter(email="rosa@example.org").exists()
        assert "_auth_user_id" not in client.session

    def test_a_confirmed_member_is_sent_to_their_account(self, client, member):
        client.force_login(member)
        response = client.get(reverse("community:signup"))
        assert response["Location"] == reverse("community:profile")

    def test_a_member_cannot_sign_up_again_while_logged_in(self, client, unconfirmed_member):
        client.force_login(unconfirmed_member)
        client.post(reverse("community:signup"), signup_data())
        assert not User.objects.filter(email="rosa@example.org").exists()


class TestConfirmEmail:
    def url(self, user):
        return reverse("community:confirm_email", kwargs={"token": user.profile.make_confirmation_token()})

    def test_the_link_confirms_the_address(self, client, unconfirmed_member):
        response = client.get(self.url(unconfirmed_member))
        assert response.status_code == 200
        assert "Your email address is confirmed" in response.content.decode()
        unconfirmed_member.profile.refresh_from_db()
        assert unconfirmed_member.profile.is_confirmed

    def test_following_it_twice_changes_nothing_the_second_time(self, client, unconfirmed_member):
        url = self.url(unconfirmed_member)
        client.get(url)
        first = Profile.objects.get(user=unconfirmed_member).email_confirmed_at
        again = client.get(url)
        assert again.status_code == 400
        assert "your address is already confirmed: just log in" in again.content.decode()
        assert Profile.objects.get(user=unconfirmed_member).email_confirmed_at == first

    def test_an_expired_link_is_refused_with_a_way_to_get_another(self, client, unconfirmed_member):
        four_days_ago = time.time() - 4 * 24 * 60 * 60
        with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
            url = self.url(unconfirmed_member)
        client.force_login(unconfirmed_member)
        response = client.get(url)
        assert response.status_code == 400
        content = response.content.decode()
        assert "expired" in content
        assert f'action="{reverse("community:resend_confirmation")}"' in content
        assert not Profile.objects.get(user=unconfirmed_member).is_confirmed

    def test_a_link_just_inside_three_days_still_works(self, client, unconfirmed_member):
        nearly_three_days_ago = time.time() - 3 * 24 * 60 * 60 + 60
        with mock.patch("django.core.signing.time.time", return_value=nearly_three_days_ago):
            url = self.url(unconfirmed_member)
        assert client.get(url).status_code == 200
        assert Profile.objects.get(user=unconfirmed_member).is_confirmed

    @pytest.mark.parametrize("spoil", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x" + t, str.upper])
    def test_a_tampered_link_is_refused(self, client, unconfirmed_member, spoil):
        token = unconfirmed_member.profile.make_confirmation_token()
        response = client.get(reverse("community:confirm_email", kwargs={"token": spoil(token)}))
        assert response.status_code == 400
        assert "isn't valid" in response.content.decode()
        assert not Profile.objects.get(user=unconfirmed_member).is_confirmed

    @pytest.mark.parametrize("token", ["nonsense", "a:b:c", ":::"])
    def test_nonsense_is_refused_without_an_error(self, client, token):
        response = client.get(reverse("community:confirm_email", kwargs={"token": token}))
        assert response.status_code == 400

    def test_a_token_signed_for_something_else_is_refused(self, client, unconfirmed_member):
        token = signing.dumps({"user": unconfirmed_member.pk, "email": unconfirmed_member.email}, salt="other")
        client.get(reverse("community:confirm_email", kwargs={"token": token}))
        assert not Profile.objects.get(user=unconfirmed_member).is_confirmed

    def test_a_link_to_change_the_address_does_not_confirm_it(self, client, unconfirmed_member):
        profile = unconfirmed_member.profile
        profile.request_email_change("nina.new@example.org")
        token = profile.make_change_email_token()
        assert client.get(reverse("community:confirm_email", kwargs={"token": token})).status_code == 400
        assert not Profile.objects.get(user=unconfirmed_member).is_confirmed

    def test_a_link_for_an_address_since_changed_is_refused(self, client, unconfirmed_member):
        url = self.url(unconfirmed_member)
        unconfirmed_member.email = "nina.new@example.org"
        unconfirmed_member.save()
        assert client.get(url).status_code == 400
        assert not Profile.objects.get(user=unconfirmed_member).is_confirmed

    def test_a_link_for_another_member_confirms_only_that_member(self, client, unconfirmed_member, make_member):
        someone_else = make_member(confirmed=False)
        client.force_login(unconfirmed_member)
        response = client.get(self.url(someone_else))
        assert "a different account" in response.content.decode()
        assert Profile.objects.get(user=someone_else).is_confirmed
        assert not Profile.objects.get(user=unconfirmed_member).is_confirmed

    def test_anonymous_visitors_with_a_bad_link_are_offered_a_way_to_log_in(self, client):
        content = client.get(reverse("community:confirm_email", kwargs={"token": "stale"})).content.decode()
        assert f"{reverse('community:login')}?next={reverse('community:signup')}" in content


class TestResendConfirmation:
    url = reverse("community:resend_confirmation")

    def test_it_sends_a_new_link_that_works(self, client, unconfirmed_member, django_capture_on_commit_callbacks):
        client.force_login(unconfirmed_member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url)
        assert response["Location"] == reverse("community:signup")
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [unconfirmed_member.email]
        client.get(link_in(mail.outbox[0]))
        assert Profile.objects.get(user=unconfirmed_member).is_confirmed

    def test_it_needs_login(self, client, unconfirmed_member, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url)
        assert response["Location"].startswith(reverse("community:login"))
        assert mail.outbox == []

    def test_it_rejects_get(self, client, unconfirmed_member, django_capture_on_commit_callbacks):
        client.force_login(unconfirmed_member)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(self.url).status_code == 405
        assert mail.outbox == []

    def test_it_sends_nothing_to_a_confirmed_member(self, client, member, django_capture_on_commit_callbacks):
        client.force_login(member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url)
        assert response["Location"] == reverse("community:profile")
        assert mail.outbox == []

    def test_it_is_rate_limited(self, client, unconfirmed_member, django_capture_on_commit_callbacks):
        client.force_login(unconfirmed_member)
        for _ in range(4):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(self.url, follow=True)
        assert len(mail.outbox) == 3
        assert "sent several links already" in response.content.decode()

    def test_the_email_never_names_the_username(self, client, unconfirmed_member, django_capture_on_commit_callbacks):
        client.force_login(unconfirmed_member)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(self.url)
        assert unconfirmed_member.username not in mail.outbox[0].body.replace("Nina", "")


class TestLogin:
    url = reverse("community:login")

    def test_the_field_is_labelled_email_address(self, client, db):
        content = client.get(self.url).content.decode()
        assert '<label for="id_username">Email address' in content
        assert reverse("community:password_reset") in content

    @pytest.mark.parametrize("email", ["maya@example.org", "MAYA@Example.ORG", " maya@example.org "])
    def test_it_logs_in_by_email_in_any_case(self, client, member, password, email):
        response = client.post(self.url, {"username": email, "password": password})
        assert response.status_code == 302
        assert is_logged_in(client, member)

    def test_it_returns_to_the_page_the_member_came_from(self, client, member, password, article):
        path = article.get_absolute_url()
        response = client.post(f"{self.url}?next={path}", {"username": member.email, "password": password})
        assert response["Location"] == path

    def test_it_never_sends_a_member_to_another_site(self, client, member, password):
        data = {"username": member.email, "password": password, "next": "https://evil.example/"}
        response = client.post(self.url, data)
        assert response["Location"] == reverse("articles:home")

    def test_staff_may_use_their_username(self, client, editor, password):
        client.post(self.url, {"username": "edie", "password": password})
        assert is_logged_in(client, editor)

    def test_a_wrong_password_says_so_clearly(self, client, member):
        response = client.post(self.url, {"username": member.email, "password": "not-my-password"})
        assert response.status_code == 200
        assert "That email address and password don&#x27;t match an account" in response.content.decode()
        assert not is_logged_in(client, member)

    def test_repeated_attempts_for_one_address_are_slowed_down(self, client, member, password):
        for n in range(10):
            client.post(self.url, {"username": member.email, "password": f"guess-{n}"}, REMOTE_ADDR=f"10.0.0.{n}")
        response = client.post(self.url, {"username": member.email.upper(), "password": password})
        assert response.status_code == 429
        assert "Too many attempts to log in" in response.content.decode()
        assert not is_logged_in(client, member)

    def test_repeated_attempts_from_one_connection_are_slowed_down(self, client, member, password):
        for n in range(30):
            client.post(self.url, {"username": f"someone{n}@example.org", "password": "guess"})
        response = client.post(self.url, {"username": member.email, "password": password})
        assert response.status_code == 429
        assert "Too many attempts to log in" in response.content.decode()
        assert not is_logged_in(client, member)

    def test_others_can_still_log_in_while_one_address_is_slowed_down(self, client, member, second_member, password):
        for n in range(11):
            client.post(self.url, {"username": member.email, "password": f"guess-{n}"})
        client.post(self.url, {"username": second_member.email, "password": password})
        assert is_logged_in(client, second_member)


class TestLogout:
    def test_it_logs_out_on_post(self, client, member):
        client.force_login(member)
        response = client.post(reverse("community:logout"), follow=True)
        assert "_auth_user_id" not in client.session
        assert "You have logged out" in response.content.decode()

    def test_it_rejects_get(self, client, member):
        client.force_login(member)
        assert client.get(reverse("community:logout")).status_code == 405
        assert is_logged_in(client, member)


class TestPasswordChange:
    url = reverse("community:password_change")

    def test_it_changes_the_password_and_keeps_the_member_logged_in(self, client, member, password):
        client.force_login(member)
        data = {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        response = client.post(self.url, data)
        assert response["Location"] == reverse("community:password_change_done")
        member.refresh_from_db()
        assert member.check_password(NEW_PASSWORD)
        assert is_logged_in(client, member)

    def test_a_wrong_current_password_changes_nothing(self, client, member, password):
        client.force_login(member)
        data = {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        response = client.post(self.url, data)
        assert "Your old password was entered incorrectly" in response.content.decode()
        member.refresh_from_db()
        assert member.check_password(password)

    def test_it_shows_a_plain_hint_not_a_list(self, client, member):
        client.force_login(member)
        content = client.get(self.url).content.decode()
        assert "At least 8 characters" in content
        assert "<ul><li>" not in content


class TestPasswordReset:
    def test_a_member_can_reset_their_password_by_email(
        self, client, member, settings, django_capture_on_commit_callbacks
    ):
        settings.SITE_URL = "https://ibdmovement.example"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("community:password_reset"), {"email": "MAYA@example.org"})
        assert response["Location"] == reverse("community:password_reset_done")
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [member.email]
        assert mail.outbox[0].subject == "Reset your IBD Movement password"
        assert "https://ibdmovement.example/account/reset/" in mail.outbox[0].body

        form_page = client.get(link_in(mail.outbox[0]), follow=True)
        assert "Choose a new password" in form_page.content.decode()
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        done = client.post(form_page.redirect_chain[-1][0], data)
        assert done["Location"] == reverse("community:password_reset_complete")
        member.refresh_from_db()
        assert member.check_password(NEW_PASSWORD)

    def test_a_used_link_does_not_work_again(self, client, member, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("community:password_reset"), {"email": member.email})
        form_page = client.get(link_in(mail.outbox[0]), follow=True)
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        client.post(form_page.redirect_chain[-1][0], data)
        again = client.get(link_in(mail.outbox[0]), follow=True)
        assert "This link has expired or has been used" in again.content.decode()

    def test_a_link_stops_working_after_an_hour_as_the_pages_say(
        self, client, member, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("community:password_reset"), {"email": member.email})
        assert "within an hour" in mail.outbox[0].body
        an_hour_on = datetime.now() + timedelta(hours=1, minutes=1)
        with mock.patch("django.contrib.auth.tokens.PasswordResetTokenGenerator._now", return_value=an_hour_on):
            page = client.get(link_in(mail.outbox[0]), follow=True).content.decode()
        assert "This link has expired or has been used" in page
        assert "Password reset links work once, for an hour." in page
        sent = client.get(reverse("community:password_reset_done")).content.decode()
        assert "The link works for an hour." in sent

    def test_an_unknown_address_sends_nothing_and_says_the_same(
        self, client, member, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("community:password_reset"), {"email": "nobody@example.org"})
        assert response["Location"] == reverse("community:password_reset_done")
        assert mail.outbox == []


class TestProfile:
    url = reverse("community:profile")

    def data(self, **overrides):
        return {
            "display_name": "Maya R",
            "bio": "Diagnosed with Crohn's in 2015.",
            "notify_on_decision": "on",
            **overrides,
        }

    def test_it_has_no_member_id_in_its_address(self):
        assert self.url == "/account/"
        assert reverse("community:export_data") == "/account/export/"
        assert reverse("community:delete_account") == "/account/delete/"

    def test_it_shows_the_member_their_own_details(self, client, member, second_member):
        client.force_login(member)
        content = client.get(self.url).content.decode()
        assert "maya@example.org" in content
        assert "Maya" in content
        assert "sam@example.org" not in content

    def test_it_saves_display_name_bio_and_email_choices(self, client, member):
        client.force_login(member)
        response = client.post(self.url, self.data())
        assert response["Location"] == self.url
        profile = Profile.objects.get(user=member)
        assert profile.display_name == "Maya R"
        assert profile.bio == "Diagnosed with Crohn's in 2015."
        assert profile.notify_on_decision is True
        assert profile.notify_on_reply is False

    def test_it_refuses_another_members_display_name(self, client, member, second_member):
        client.force_login(member)
        response = client.post(self.url, self.data(display_name="SAM"))
        assert "That display name is taken" in response.content.decode()
        assert Profile.objects.get(user=member).display_name == "Maya"

    def test_a_member_may_change_the_case_of_their_own_name(self, client, member):
        client.force_login(member)
        client.post(self.url, self.data(display_name="MAYA"))
        assert Profile.objects.get(user=member).display_name == "MAYA"

    def test_it_refuses_a_bio_over_500_characters(self, client, member):
        client.force_login(member)
        client.post(self.url, self.data(bio="x" * 501))
        assert Profile.objects.get(user=member).bio == ""

    def test_it_only_ever_edits_the_member_logged_in(self, client, member, second_member):
        client.force_login(member)
        data = self.data(user=second_member.pk, id=second_member.profile.pk, pk=second_member.profile.pk)
        client.post(self.url, data)
        assert Profile.objects.get(user=member).display_name == "Maya R"
        assert Profile.objects.get(user=second_member).display_name == "Sam"
        assert Profile.objects.get(user=second_member).bio == ""

    def test_the_email_address_cannot_be_changed_here(self, client, member):
        client.force_login(member)
        client.post(self.url, self.data(email="new@example.org"))
        member.refresh_from_db()
        assert member.email == "maya@example.org"
        assert Profile.objects.get(user=member).pending_email == ""

    def test_it_links_to_changing_the_email_address(self, client, member):
        client.force_login(member)
        assert f'href="{reverse("community:change_email")}"' in client.get(self.url).content.decode()

    def test_hostile_input_is_shown_escaped(self, client, member):
        client.force_login(member)
        script = "<script>alert(1)</script>"
        client.post(self.url, self.data(display_name=script, bio=f"Hello {script}"))
        assert Profile.objects.get(user=member).display_name == script
        content = client.get(self.url).content.decode()
        assert script not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content

    def test_an_unconfirmed_member_is_offered_a_new_link(self, client, unconfirmed_member):
        client.force_login(unconfirmed_member)
        content = client.get(self.url).content.decode()
        assert "Confirm your email address" in content
        assert reverse("community:resend_confirmation") in content

    def test_it_is_never_cached(self, client, member):
        client.force_login(member)
        assert "no-store" in client.get(self.url)["Cache-Control"]


class TestExportData:
    url = reverse("community:export_data")

    @pytest.fixture
    def comments(self, article, member, second_member, make_comment):
        mine = make_comment(article, member, body="My first comment.")
        theirs = make_comment(article, second_member, body="Sam's reply, not Maya's.", parent=mine)
        Report.objects.create(comment=theirs, reporter=member, reason=Report.Reason.SPAM, note="Looks like an advert")
        return mine, theirs

    def test_it_downloads_the_members_data_as_a_json_file(self, client, member, comments):
        Profile.objects.filter(user=member).update(bio="Living with colitis.")
        client.force_login(member)
        response = client.get(self.url)
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == 'attachment; filename="ibd-movement-my-data.json"'
        data = json.loads(response.content)
        assert data["account"]["email"] == "maya@example.org"
        assert data["account"]["display_name"] == "Maya"
        assert data["account"]["bio"] == "Living with colitis."
        assert [c["body"] for c in data["comments"]] == ["My first comment."]
        assert data["comments"][0]["article"] == "Stem cells heal fistulas in a small trial"
        assert data["reports"][0]["note"] == "Looks like an advert"

    def test_it_holds_nothing_about_other_members(self, client, member, second_member, comments):
        client.force_login(member)
        content = client.get(self.url).content.decode()
        assert "Sam" not in content
        assert second_member.email not in content
        assert second_member.username not in content

    def test_it_is_never_cached(self, client, member):
        client.force_login(member)
        assert "no-store" in client.get(self.url)["Cache-Control"]


class TestDeleteAccount:
    url = reverse("community:delete_account")

    def test_it_explains_what_will_happen(self, client, member):
        client.force_login(member)
        content = client.get(self.url).content.decode()
        assert "can't be undone" in content
        assert "deleted" in content
        assert 'type="password"' in content

    def test_a_wrong_password_deletes_nothing(self, client, member, article, make_comment):
        make_comment(article, member)
        client.force_login(member)
        response = client.post(self.url, {"password": "not-my-password"})
        assert "That isn&#x27;t your password" in response.content.decode()
        assert User.objects.filter(pk=member.pk).exists()
        assert Comment.objects.filter(author=member).count() == 1
        assert is_logged_in(client, member)

    def test_it_deletes_the_member_and_their_personal_data(
        self, client, member, second_member, password, article, make_comment
    ):
        replied_to = make_comment(article, member, body="Has anyone tried this?")
        reply = make_comment(article, second_member, body="Yes, it helped me.", parent=replied_to)
        unanswered = make_comment(article, member, body="Nobody answered this.")
        others = make_comment(article, second_member, body="A comment of Sam's.")
        my_reply = make_comment(article, member, body="Maya's reply to Sam.", parent=others)
        Report.objects.create(comment=others, reporter=member, reason=Report.Reason.OTHER)
        article.refresh_from_db()
        assert article.comment_count == 5

        client.force_login(member)
        response = client.post(self.url, {"password": password}, follow=True)

        assert not User.objects.filter(pk=member.pk).exists()
        assert not Profile.objects.filter(display_name="Maya").exists()
        marker = Comment.objects.get(pk=replied_to.pk)
        assert marker.author is None
        assert marker.body == ""
        assert "anyone" not in marker.body_html
        assert marker.deleted_at is not None
        assert not Comment.objects.filter(pk__in=[unanswered.pk, my_reply.pk]).exists()
        assert not Report.objects.exists()
        assert Comment.objects.get(pk=reply.pk).body == "Yes, it helped me."
        assert Comment.objects.get(pk=others.pk).author == second_member
        article.refresh_from_db()
        assert article.comment_count == 2
        assert "_auth_user_id" not in client.session
        assert "Your account and your personal data are deleted" in response.content.decode()

    def test_a_reply_to_their_own_comment_goes_with_it(self, client, member, password, article, make_comment):
        first = make_comment(article, member, body="A thought.")
        make_comment(article, member, body="A second thought.", parent=first)
        client.force_login(member)
        client.post(self.url, {"password": password})
        assert not Comment.objects.filter(article=article).exists()

    def test_a_comment_already_deleted_keeps_its_marker(
        self, client, member, second_member, password, article, make_comment
    ):
        first = make_comment(article, member)
        make_comment(article, second_member, parent=first)
        first.delete_by_author()
        deleted_at = Comment.objects.get(pk=first.pk).deleted_at
        client.force_login(member)
        client.post(self.url, {"password": password})
        marker = Comment.objects.get(pk=first.pk)
        assert marker.deleted_at == deleted_at
        assert marker.author is None

    def test_the_deleted_member_can_sign_up_again_with_the_same_address(self, client, member, password):
        client.force_login(member)
        client.post(self.url, {"password": password})
        client.post(reverse("community:signup"), signup_data(email="maya@example.org", display_name="Maya"))
        assert User.objects.filter(email="maya@example.org").count() == 1


@pytest.mark.django_db
def test_password_reset_sends_at_most_three_emails_an_hour_to_one_address(
    client, member, django_capture_on_commit_callbacks
):
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("community:password_reset"), {"email": member.email})
        assert response.status_code == 302

    assert len(mail.outbox) == 3
