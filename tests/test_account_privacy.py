"""
Accounts that keep a member's secret: nothing tells a visitor whether an
address has an account (on this site that reveals a health condition), the
tokens in account links name no address and never reach a log, and a member
moves to a new address only once it is confirmed.
"""

import base64
import json
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock
from urllib.parse import quote, urlparse

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.logformat import OneLineFormatter, mask_secret_paths
from community.models import Profile
from tests.test_accounts import NEW_PASSWORD, link_in, signup_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SIGNUP = reverse("community:signup")
CHANGE_EMAIL = reverse("community:change_email")


def token_payload(token):
    """What anyone can read in a signed token without the secret key: its first part, base64-decoded."""
    part = token.split(":")[0]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def cookie_shapes(response):
    """Each cookie set, with its attributes but not its value (a session key is random either way)."""
    return sorted(
        (name, morsel["path"], morsel["httponly"], morsel["samesite"]) for name, morsel in response.cookies.items()
    )


def is_logged_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


# Sign-up ---------------------------------------------------------------------


class TestSignupRevealsNothing:
    def test_an_address_with_an_account_gets_exactly_the_answer_a_new_address_gets(self, member):
        new, taken = Client(), Client()

        fresh = new.post(SIGNUP, signup_data(email="rosa@example.org", display_name="Rosa"))
        existing = taken.post(SIGNUP, signup_data(email="maya@example.org", display_name="Maya again"))

        assert fresh.status_code == existing.status_code == 302
        assert fresh["Location"] == existing["Location"] == reverse("community:signup_sent")
        assert cookie_shapes(fresh) == cookie_shapes(existing)
        assert messages_of(fresh) == messages_of(existing) == []
        assert "_auth_user_id" not in new.session and "_auth_user_id" not in taken.session
        fresh_page = new.get(fresh["Location"]).content.decode()
        existing_page = taken.get(existing["Location"]).content.decode()
        assert "sent an email to rosa@example.org" in fresh_page
        assert "sent an email to maya@example.org" in existing_page
        strip_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        assert strip_token.sub("", fresh_page.replace("rosa@", "X@")) == strip_token.sub(
            "", existing_page.replace("maya@", "X@")
        )

    def test_an_address_with_an_account_creates_nothing_and_changes_nothing(self, member, password):
        client = Client()
        client.post(SIGNUP, signup_data(email="MAYA@example.org", display_name="Maya again"))

        assert User.objects.count() == 1
        assert not Profile.objects.filter(display_name="Maya again").exists()
        member.refresh_from_db()
        assert member.check_password(password)
        assert not is_logged_in(client, member)

    def test_the_owner_is_told_someone_tried_to_sign_up_with_their_address(self, client, member, settings):
        settings.SITE_URL = "https://ibdmovement.example"

        client.post(SIGNUP, signup_data(email="maya@example.org", display_name="Maya again"))

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["maya@example.org"]
        assert message.subject == "Someone tried to sign up to IBD Movement with your email address"
        assert "It already has an account, so we didn't make a new one" in message.body
        assert f"https://ibdmovement.example{reverse('community:login')}" in message.body
        assert f"https://ibdmovement.example{reverse('community:password_reset')}" in message.body
        assert "If it wasn't you, you can ignore this email" in message.body
        assert "/account/confirm/" not in message.body  # the address is confirmed already
        assert NEW_PASSWORD not in message.body

    def test_an_owner_who_never_confirmed_gets_a_link_that_confirms(self, client, unconfirmed_member):
        client.post(SIGNUP, signup_data(email="nina@example.org", display_name="Nina again"))

        confirm = re.search(r"https?://\S+/account/confirm/\S+/", mail.outbox[0].body).group(0)
        assert Client().get(urlparse(confirm).path).status_code == 200
        assert Profile.objects.get(user=unconfirmed_member).is_confirmed

    def test_the_owner_gets_at_most_three_such_emails_an_hour(self, member):
        for n in range(5):
            response = Client(REMOTE_ADDR=f"10.0.0.{n}").post(SIGNUP, signup_data(email="maya@example.org"))
            assert response["Location"] == reverse("community:signup_sent")

        assert len(mail.outbox) == 3

    def test_both_answers_hash_the_password_the_same_number_of_times(self, member):
        def hashes_for(email):
            with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, return_value="md5$x$y") as encode:
                Client().post(SIGNUP, signup_data(email=email, display_name=f"Name {email[:4]}"))
            return encode.call_count

        assert hashes_for("rosa@example.org") == hashes_for("maya@example.org") == 1

    def test_the_sign_up_rate_limit_counts_addresses_with_accounts_too(self, client, member):
        for n in range(10):
            client.post(SIGNUP, signup_data(email=f"someone{n}@example.org", display_name=f"Someone {n}"))

        response = client.post(SIGNUP, signup_data(email="maya@example.org"))

        assert response.status_code == 429
        assert "too many sign-ups" in response.content.decode()

    def test_the_logs_name_member_ids_only(self, client, member, caplog):
        with caplog.at_level(logging.INFO):
            client.post(SIGNUP, signup_data(email="maya@example.org", display_name="Maya again"))
            client.post(SIGNUP, signup_data())

        assert f"sign-up tried with the address of member {member.pk}" in caplog.text
        assert "@" not in caplog.text


# Tokens ----------------------------------------------------------------------


class TestTokensNameNoAddress:
    def test_the_confirmation_link_carries_no_email_address(self, client):
        client.post(SIGNUP, signup_data(email="rosa.lee@example.org", display_name="Rosa"))

        token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[-1]
        readable = token_payload(token)
        assert "@" not in readable
        assert "rosa" not in readable.lower()
        user_id, state = json.loads(readable)
        assert user_id == User.objects.get().pk
        assert len(state) == 32

    def test_the_link_to_confirm_a_new_address_carries_no_email_address(self, client, member, password):
        client.force_login(member)
        client.post(CHANGE_EMAIL, {"email": "maya.new@example.org", "password": password})

        token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[-1]
        readable = token_payload(token)
        assert "@" not in readable
        assert "maya" not in readable.lower()

    def test_a_confirmation_token_made_the_old_way_no_longer_works(self, client, unconfirmed_member):
        old_style = signing.dumps(
            {"user": unconfirmed_member.pk, "email": unconfirmed_member.email}, salt="community.confirm_email"
        )

        assert client.get(reverse("community:confirm_email", kwargs={"token": old_style})).status_code == 400
        assert not Profile.objects.get(user=unconfirmed_member).is_confirmed


# Logs ------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    """The site under gunicorn with the repository's gunicorn.conf.py, on a database of its own.

    Yields (get, shell, log): fetch a path, run Python in the site's environment, and read the log.
    """
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    port = free_port()
    env |= {
        "SQLITE_PATH": str(tmp_path / "site.sqlite3"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)

    def shell(code):
        result = subprocess.run([*manage, "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    output = open(tmp_path / "gunicorn.out", "w")  # noqa: SIM115 (closed below)
    gunicorn_bin = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn_bin, "-c", "gunicorn.conf.py", "ibdmovement.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )

    def get(path):
        opener = urllib.request.build_opener(NoRedirects)
        try:
            response = opener.open(f"http://127.0.0.1:{port}{quote(path)}", timeout=10)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        return response.status, response.read().decode()

    def log():
        time.sleep(0.3)  # gunicorn writes the access line just after the response
        return (tmp_path / "access.log").read_text() + (tmp_path / "gunicorn.out").read_text()

    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.out").read_text()
            try:
                get("/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        yield get, shell, log
    finally:
        process.terminate()
        process.wait(timeout=10)
        output.close()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class TestTokensNeverReachTheLogs:
    def test_gunicorns_access_log_masks_every_account_link_that_carries_a_token(self, gunicorn):
        get, shell, log = gunicorn
        paths = shell(
            "from django.contrib.auth.models import User; "
            "from django.contrib.auth.tokens import default_token_generator as tokens; "
            "from django.urls import reverse; "
            "from django.utils.http import urlsafe_base64_encode as b64; "
            "from community.models import Profile; "
            "user = User.objects.create_user('maya', 'maya@example.org', 'a-long-test-password'); "
            "profile = Profile.objects.create(user=user, display_name='Maya'); "
            "confirm = reverse('community:confirm_email', args=[profile.make_confirmation_token()]); "
            "uid = b64(str(user.pk).encode()); "
            "reset = reverse('community:password_reset_confirm', args=[uid, tokens.make_token(user)]); "
            "profile.request_email_change('maya.new@example.org'); "
            "change = reverse('community:confirm_email_change', args=[profile.make_change_email_token()]); "
            "print(confirm, reset, change)"
        )
        confirm, reset, change = paths.split()

        assert get(confirm)[0] == 200
        assert get(reset)[0] == 302  # on to the form, with the token kept in the session
        assert get(change)[0] == 200
        assert get(reverse("community:password_reset_complete"))[0] == 200
        written = log()

        for path in (confirm, reset, change):
            token = path.rstrip("/").rsplit("/", 1)[-1]
            assert token not in written
        assert '"GET /account/confirm/…/" 200' in written
        assert '"GET /account/reset/…/…/" 302' in written
        assert '"GET /account/email/confirm/…/" 200' in written
        assert '"GET /account/reset/done/" 200' in written  # paths without a token are left as they are

    def test_a_reset_link_replayed_from_the_log_changes_no_password(self, gunicorn):
        get, shell, log = gunicorn
        reset = shell(
            "from django.contrib.auth.models import User; "
            "from django.contrib.auth.tokens import default_token_generator as tokens; "
            "from django.urls import reverse; "
            "from django.utils.http import urlsafe_base64_encode as b64; "
            "user = User.objects.create_user('maya', 'maya@example.org', 'a-long-test-password'); "
            "print(reverse('community:password_reset_confirm', args=[b64(str(user.pk).encode()), "
            "tokens.make_token(user)]))"
        )
        get(reset)
        logged = re.search(r'"GET (/account/reset/\S+)" 302', log()).group(1)

        status, page = get(logged)

        assert status == 200
        assert "This link has expired or has been used" in page

    def test_djangos_error_log_line_masks_the_token_too(self, client, unconfirmed_member):
        token = unconfirmed_member.profile.make_confirmation_token()
        stream = StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(OneLineFormatter("%(levelname)s %(name)s %(message)s"))
        request_logger = logging.getLogger("django.request")
        request_logger.addHandler(handler)
        client.raise_request_exception = False
        try:
            with mock.patch.object(Profile, "from_confirmation_token", side_effect=RuntimeError("boom")):
                response = client.get(reverse("community:confirm_email", kwargs={"token": token}))
        finally:
            request_logger.removeHandler(handler)

        assert response.status_code == 500
        line = stream.getvalue()
        assert "ERROR django.request Internal Server Error: /account/confirm/…/" in line
        assert token not in line

    @pytest.mark.parametrize(
        ("path", "masked"),
        [
            ("/account/confirm/abc:def:ghi/", "/account/confirm/…/"),
            ("/account/confirm/resend/", "/account/confirm/resend/"),
            ("/account/reset/MQ/c7x-0f2d9e8a/", "/account/reset/…/…/"),
            ("/account/reset/MQ/set-password/", "/account/reset/…/…/"),
            ("/account/reset/done/", "/account/reset/done/"),
            ("/account/email/confirm/abc:def/", "/account/email/confirm/…/"),
            ("/account/email/", "/account/email/"),
            ("/articles/account/confirm-your-diagnosis/", "/articles/account/confirm-your-diagnosis/"),
        ],
    )
    def test_only_the_tokens_are_masked(self, path, masked):
        assert mask_secret_paths(f'"GET {path}" 200') == f'"GET {masked}" 200'


# Changing the email address ---------------------------------------------------


@pytest.fixture
def asked(client, member, password):
    """Maya, logged in, has asked to move to maya.new@example.org; the outbox is emptied."""
    client.force_login(member)
    client.post(CHANGE_EMAIL, {"email": "maya.new@example.org", "password": password})
    link = link_in(next(message for message in mail.outbox if message.to == ["maya.new@example.org"]))
    mail.outbox.clear()
    return link


class TestChangeEmail:
    @pytest.mark.parametrize("who", ["member", "moderator", "editor"])
    def test_each_role_sees_the_form_for_their_own_address(self, client, request, who):
        user = request.getfixturevalue(who)
        client.force_login(user)

        content = client.get(CHANGE_EMAIL).content.decode()

        assert "Change your email address" in content
        assert f"You log in with {user.email}" in content
        assert 'name="password"' in content

    @pytest.mark.parametrize("who", ["member", "moderator", "editor"])
    def test_each_role_can_move_to_a_new_address_once_it_is_confirmed(self, client, request, who, password):
        user = request.getfixturevalue(who)
        old_email = user.email
        client.force_login(user)

        response = client.post(CHANGE_EMAIL, {"email": "New.Address@Example.org", "password": password})

        assert response["Location"] == reverse("community:profile")
        user.refresh_from_db()
        assert user.email == old_email
        assert Profile.objects.get(user=user).pending_email == "new.address@example.org"
        link = link_in(next(m for m in mail.outbox if m.to == ["new.address@example.org"]))
        assert client.post(link)["Location"] == reverse("community:profile")
        user.refresh_from_db()
        assert user.email == "new.address@example.org"

    def test_the_address_changes_only_when_the_button_on_the_link_is_pressed(self, client, member, asked):
        page = client.get(asked)
        assert page.status_code == 200
        assert "Log in with maya.new@example.org from now on?" in page.content.decode()
        member.refresh_from_db()
        assert member.email == "maya@example.org"  # a mail scanner that opens the link changes nothing

        response = client.post(asked, follow=True)

        member.refresh_from_db()
        profile = Profile.objects.get(user=member)
        assert member.email == "maya.new@example.org"
        assert profile.pending_email == "" and profile.pending_email_requested_at is None
        assert profile.is_confirmed
        assert "From now on, log in with maya.new@example.org" in response.content.decode()
        assert is_logged_in(client, member)

    def test_afterwards_the_old_address_no_longer_logs_in_and_the_new_one_does(self, client, member, password, asked):
        client.post(asked)
        client.logout()

        login = reverse("community:login")
        refused = client.post(login, {"username": "maya@example.org", "password": password})
        assert "don&#x27;t match an account" in refused.content.decode()
        client.post(login, {"username": "maya.new@example.org", "password": password})
        assert is_logged_in(client, member)

    def test_the_link_works_without_being_logged_in(self, member, asked):
        anonymous = Client()

        response = anonymous.post(asked)

        assert response["Location"] == reverse("community:login")
        member.refresh_from_db()
        assert member.email == "maya.new@example.org"

    def test_the_new_address_gets_a_link_and_the_old_one_a_notice(self, client, member, password, settings):
        settings.SITE_URL = "https://ibdmovement.example"
        client.force_login(member)

        client.post(CHANGE_EMAIL, {"email": "maya.new@example.org", "password": password})

        to_new, to_old = sorted(mail.outbox, key=lambda message: message.to != ["maya.new@example.org"])
        assert to_new.to == ["maya.new@example.org"]
        assert to_new.subject == "Confirm your new email address for IBD Movement"
        assert "https://ibdmovement.example/account/email/confirm/" in to_new.body
        assert "within 24 hours" in to_new.body
        assert to_old.to == ["maya@example.org"]
        assert to_old.subject == "Your IBD Movement email address is being changed"
        assert "If it wasn't you" in to_old.body
        assert "/account/email/confirm/" not in to_old.body
        assert f"https://ibdmovement.example{reverse('community:password_reset')}" in to_old.body

    def test_the_profile_shows_the_change_waiting_and_it_can_be_cancelled(self, client, member, asked):
        content = client.get(reverse("community:profile")).content.decode()
        assert "You asked to change it to maya.new@example.org" in content

        response = client.post(reverse("community:cancel_email_change"), follow=True)

        assert "The change is cancelled" in response.content.decode()
        assert Profile.objects.get(user=member).pending_email == ""
        assert client.post(asked).status_code == 400
        member.refresh_from_db()
        assert member.email == "maya@example.org"

    def test_cancel_rejects_get(self, client, member, asked):
        assert client.get(reverse("community:cancel_email_change")).status_code == 405
        assert Profile.objects.get(user=member).pending_email == "maya.new@example.org"

    def test_the_export_holds_the_address_waiting_for_confirmation(self, client, member, asked):
        data = json.loads(client.get(reverse("community:export_data")).content)

        assert data["account"]["pending_email"] == "maya.new@example.org"
        assert data["account"]["pending_email_requested_at"]

    def test_the_logs_name_member_ids_only(self, client, member, password, caplog):
        client.force_login(member)
        with caplog.at_level(logging.INFO):
            client.post(CHANGE_EMAIL, {"email": "maya.new@example.org", "password": password})
            client.post(link_in(next(m for m in mail.outbox if m.to == ["maya.new@example.org"])))

        assert f"member {member.pk} changed their email address" in caplog.text
        assert "@" not in caplog.text


class TestChangeEmailToAnAddressWithAnAccount:
    def test_the_member_gets_the_same_answer_as_for_a_free_address(self, member, second_member, password):
        answers = []
        for address in ("free@example.org", "sam@example.org"):
            client = Client()
            client.force_login(member)
            response = client.post(CHANGE_EMAIL, {"email": address, "password": password})
            answers.append(
                (response.status_code, response["Location"], [m.replace(address, "X") for m in messages_of(response)])
            )
            assert Profile.objects.get(user=member).pending_email == address

        assert answers[0] == answers[1]

    def test_the_owner_of_the_address_is_emailed_instead_of_a_link(self, client, member, second_member, password):
        client.force_login(member)

        client.post(CHANGE_EMAIL, {"email": "SAM@example.org", "password": password})

        to_owner = next(message for message in mail.outbox if message.to == ["sam@example.org"])
        assert "It already belongs to an account, so nothing has changed" in to_owner.body
        assert "/account/email/confirm/" not in to_owner.body
        assert "Maya" not in to_owner.body
        assert any(message.to == ["maya@example.org"] for message in mail.outbox)  # the notice, as always
        member.refresh_from_db()
        second_member.refresh_from_db()
        assert member.email == "maya@example.org"
        assert second_member.email == "sam@example.org"

    def test_an_address_taken_after_the_request_is_not_swapped_in(self, client, member, asked):
        User.objects.create_user("rival", "Maya.New@example.org", "another-password")

        response = client.post(asked)

        assert response.status_code == 409
        assert "That address now has an account of its own" in response.content.decode()
        member.refresh_from_db()
        assert member.email == "maya@example.org"
        assert Profile.objects.get(user=member).pending_email == ""


class TestChangeEmailLinks:
    def test_another_members_link_is_refused_while_logged_in(self, member, second_member, asked):
        sam = Client()
        sam.force_login(second_member)

        for response in (sam.get(asked), sam.post(asked)):
            assert response.status_code == 403
            assert "This link is for a different account" in response.content.decode()
        member.refresh_from_db()
        second_member.refresh_from_db()
        assert member.email == "maya@example.org"
        assert second_member.email == "sam@example.org"

    def test_a_used_link_does_nothing_the_second_time(self, client, member, asked):
        client.post(asked)

        again = client.post(asked)

        assert again.status_code == 400
        assert "This link has expired or isn't valid" in again.content.decode()
        member.refresh_from_db()
        assert member.email == "maya.new@example.org"

    def test_a_link_older_than_a_day_is_refused(self, client, member, password):
        client.force_login(member)
        a_day_ago = time.time() - 24 * 60 * 60 - 60
        with mock.patch("django.core.signing.time.time", return_value=a_day_ago):
            client.post(CHANGE_EMAIL, {"email": "maya.new@example.org", "password": password})
        link = link_in(next(m for m in mail.outbox if m.to == ["maya.new@example.org"]))

        assert client.post(link).status_code == 400
        member.refresh_from_db()
        assert member.email == "maya@example.org"

    def test_a_request_older_than_a_day_is_no_longer_waiting(self, client, member, asked):
        Profile.objects.filter(user=member).update(
            pending_email_requested_at=timezone.now() - timedelta(days=1, minutes=1)
        )

        assert client.post(asked).status_code == 400
        assert "You asked to change it" not in client.get(reverse("community:profile")).content.decode()

    def test_a_newer_request_replaces_the_older_link(self, client, member, password, asked):
        client.post(CHANGE_EMAIL, {"email": "maya.other@example.org", "password": password})

        assert client.post(asked).status_code == 400
        member.refresh_from_db()
        assert member.email == "maya@example.org"

    @pytest.mark.parametrize(
        "spoil",
        [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x" + t, str.upper, lambda t: "nonsense"],
    )
    def test_a_forged_link_is_refused(self, client, member, asked, spoil):
        token = asked.rstrip("/").rsplit("/", 1)[-1]

        response = client.post(reverse("community:confirm_email_change", kwargs={"token": spoil(token)}))

        assert response.status_code == 400
        member.refresh_from_db()
        assert member.email == "maya@example.org"

    def test_a_sign_up_confirmation_token_cannot_change_the_address(self, client, member, asked):
        token = member.profile.make_confirmation_token()

        assert client.post(reverse("community:confirm_email_change", kwargs={"token": token})).status_code == 400
        member.refresh_from_db()
        assert member.email == "maya@example.org"

    def test_a_link_made_for_another_address_state_is_refused(self, client, member, asked):
        # A token for the right member signed with the right salt, but over a state the account isn't in.
        from community.models.members import CHANGE_EMAIL_SALT, make_token

        forged = make_token(member.pk, ["maya@example.org", "thief@example.org", ""], salt=CHANGE_EMAIL_SALT)

        assert client.post(reverse("community:confirm_email_change", kwargs={"token": forged})).status_code == 400

    def test_other_methods_are_refused(self, client, asked):
        assert client.put(asked).status_code == 405


class TestChangeEmailBadInput:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"email": "", "password": "a-long-test-password"}, "Enter the new email address you want to use."),
            ({"email": "   ", "password": "a-long-test-password"}, "Enter the new email address you want to use."),
            ({"email": "maya-at-example", "password": "a-long-test-password"}, "Enter an email address in the right"),
            ({"email": "<script>@x", "password": "a-long-test-password"}, "Enter an email address in the right"),
            ({"email": "a" * 300 + "@example.org", "password": "a-long-test-password"}, "at most 254 characters"),
            ({"email": "maya@example.org", "password": "a-long-test-password"}, "already the address you log in"),
            ({"email": "MAYA@Example.org ", "password": "a-long-test-password"}, "already the address you log in"),
            ({"email": "maya.new@example.org", "password": ""}, "Enter your current password"),
            ({"email": "maya.new@example.org", "password": "not-my-password"}, "isn&#x27;t your password"),
            ({"email": "maya.new@example.org", "password": "x" * 5000}, "at most 4096 characters"),
            ({}, "Enter the new email address you want to use."),
        ],
    )
    def test_it_says_what_is_wrong_and_changes_nothing(self, client, member, data, message):
        client.force_login(member)

        response = client.post(CHANGE_EMAIL, data)

        assert response.status_code == 200
        assert message in response.content.decode()
        assert Profile.objects.get(user=member).pending_email == ""
        assert mail.outbox == []

    def test_hostile_input_is_shown_escaped(self, client, member):
        client.force_login(member)

        content = client.post(CHANGE_EMAIL, {"email": '"><script>alert(1)</script>', "password": "x"}).content.decode()

        assert "<script>alert(1)</script>" not in content

    def test_repeated_requests_are_slowed_down(self, client, member, password):
        client.force_login(member)
        for n in range(5):
            client.post(CHANGE_EMAIL, {"email": f"maya{n}@example.org", "password": password})

        response = client.post(CHANGE_EMAIL, {"email": "maya.last@example.org", "password": password})

        assert response.status_code == 429
        assert "several times in the last hour" in response.content.decode()
        assert Profile.objects.get(user=member).pending_email == "maya4@example.org"

    def test_one_new_address_gets_at_most_three_links_an_hour(self, make_member, password):
        for _ in range(5):
            client = Client()
            client.force_login(make_member())
            client.post(CHANGE_EMAIL, {"email": "target@example.org", "password": password})

        assert len([m for m in mail.outbox if m.to == ["target@example.org"]]) == 3
