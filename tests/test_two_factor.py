"""
Staff sign in with a second factor: after their password, editors, moderators and superusers set up
an authenticator app (once) or type its code, or a recovery code. Until they have, admin, the
moderation pages and draft previews stay shut to them; members notice nothing. The codes here are
real TOTP codes, computed from the device's key as the phone would.
"""

import html
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from community.models import Comment, Profile
from community.two_factor import replace_recovery_codes

ROOT = Path(__file__).resolve().parent.parent
LOGIN = reverse("community:login")
VERIFY = reverse("community:two_factor")
SETUP = reverse("community:two_factor_setup")
RECOVERY = reverse("community:two_factor_recovery_codes")
QUEUE = reverse("community:moderation_queue")
NEW_VIEWS = [VERIFY, SETUP, RECOVERY]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.STAFF_TWO_FACTOR = True


@pytest.fixture
def superuser(db, password):
    user = User.objects.create_superuser("sol", "sol@example.org", password)
    Profile.objects.create(user=user, display_name="Sol")
    return user


@pytest.fixture
def staff(request):
    """Each kind of staff member in turn: parametrize with the fixture's name."""
    return request.getfixturevalue(request.param)


def give_app(user):
    """An authenticator app the staff member set up earlier."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def app_code(device, ahead=0):
    """The code the phone shows now (or ``ahead`` steps of 30 seconds later: each code works once)."""
    return f"{totp(device.bin_key, drift=ahead):06d}"


def log_in(client, user, password, next_url=""):
    return client.post(LOGIN, {"username": user.email, "password": password, "next": next_url})


def verify(client, user, device=None):
    """Sign the client in as the staff member, with their second factor given."""
    device = device or TOTPDevice.objects.filter(user=user, confirmed=True).first() or give_app(user)
    client.force_login(user)
    response = client.post(VERIFY, {"code": app_code(device)})
    assert response.status_code == 302, response.content.decode()
    return device


def is_verified(client):
    """Whether this session has given its second factor: the admin index opens."""
    return client.get("/admin/").status_code == 200


def page_text(response):
    return " ".join(html.unescape(response.content.decode()).split())


# The setting -----------------------------------------------------------------


def test_it_is_on_when_the_environment_does_not_set_it():
    env = {key: value for key, value in os.environ.items() if key != "STAFF_TWO_FACTOR"}
    code = "from django.conf import settings; print(settings.STAFF_TWO_FACTOR)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_check_deploy_warns_when_production_turns_it_off(settings):
    settings.DEBUG = False
    settings.STAFF_TWO_FACTOR = False

    assert "community.W001" in [issue.id for issue in run_checks(include_deployment_checks=True)]


def test_check_deploy_is_quiet_when_it_is_on(settings):
    settings.DEBUG = False

    assert "community.W001" not in [issue.id for issue in run_checks(include_deployment_checks=True)]


def test_with_it_off_staff_sign_in_with_their_password_alone(settings, client, moderator, password):
    settings.STAFF_TWO_FACTOR = False
    give_app(moderator)

    response = log_in(client, moderator, password, next_url=QUEUE)

    assert response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200
    assert client.get("/admin/").status_code == 200
    for url in NEW_VIEWS:
        assert client.get(url).status_code == 404


# Setting up an authenticator app ---------------------------------------------


def test_staff_without_an_app_are_sent_to_set_one_up_after_their_password(client, moderator, password):
    response = log_in(client, moderator, password, next_url=QUEUE)

    assert response["Location"] == f"{VERIFY}?next=%2Fmoderation%2F"
    response = client.get(response["Location"])
    assert response["Location"] == f"{SETUP}?next=%2Fmoderation%2F"
    page = client.get(response["Location"])
    device = TOTPDevice.objects.get(user=moderator)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in page.content.decode()
    assert "".join(page.context["manual_key"].split()) in device.config_url
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_setup_page_keeps_its_secret_until_confirmed(client, editor):
    client.force_login(editor)

    first = client.get(SETUP).context["manual_key"]
    second = client.get(SETUP).context["manual_key"]

    assert first == second
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_a_real_code_confirms_the_app_and_shows_ten_recovery_codes_once(client, moderator):
    client.force_login(moderator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=moderator)

    response = client.post(SETUP, {"code": app_code(device), "next": QUEUE})

    assert response["Location"] == f"{RECOVERY}?next=%2Fmoderation%2F"
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(response["Location"])
    codes = ["".join(code.split()) for code in shown.context["codes"]]
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=moderator).values_list("token", flat=True))
    assert "we won't show them again" in page_text(shown)
    assert f'href="{QUEUE}"' in shown.content.decode()
    again = client.get(RECOVERY)
    assert "codes" not in again.context
    assert "You have <strong>10</strong> left" in again.content.decode()
    assert client.get(QUEUE).status_code == 200


def test_a_wrong_code_during_setup_confirms_nothing(client, moderator):
    client.force_login(moderator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=moderator)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 200
    assert "That code didn't match." in page_text(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()
    assert not is_verified(client)


def test_setup_refuses_letters_and_short_codes_with_a_clear_message(client, moderator):
    client.force_login(moderator)

    for bad in ["12345", "abcdef", "1234567", ""]:
        response = client.post(SETUP, {"code": bad})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_staff_who_have_an_app_cannot_set_up_another_without_an_administrator(client, moderator):
    give_app(moderator)
    client.force_login(moderator)

    response = client.get(SETUP)

    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=moderator).count() == 1


# Verifying after the password ------------------------------------------------


def test_staff_with_an_app_give_its_code_and_go_where_they_were_going(client, moderator, password):
    device = give_app(moderator)

    response = log_in(client, moderator, password, next_url=QUEUE)
    assert response["Location"] == f"{VERIFY}?next=%2Fmoderation%2F"
    page = client.get(response["Location"])
    assert "Type your sign-in code" in page_text(page)
    response = client.post(VERIFY, {"code": app_code(device), "next": QUEUE})

    assert response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client, editor):
    device = give_app(editor)
    client.force_login(editor)
    wrong = f"{(int(app_code(device)) + 500_000) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 200
    assert "That code didn't work." in page_text(response)
    assert not is_verified(client)


def test_a_code_works_only_once(client, editor):
    device = give_app(editor)
    code = app_code(device)
    client.force_login(editor)
    client.post(VERIFY, {"code": code})
    client.logout()
    client.force_login(editor)

    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert not is_verified(client)


def test_a_recovery_code_works_once(client, editor):
    give_app(editor)
    codes = replace_recovery_codes(editor)
    client.force_login(editor)

    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 302
    assert is_verified(client)
    assert StaticToken.objects.filter(device__user=editor).count() == 9
    client.logout()
    client.force_login(editor)
    response = client.post(VERIFY, {"code": codes[0]})

    assert response.status_code == 200
    assert "That code didn't work." in page_text(response)
    assert not is_verified(client)


def test_a_recovery_code_may_be_typed_with_spaces_and_capitals(client, editor):
    give_app(editor)
    code = replace_recovery_codes(editor)[3]
    client.force_login(editor)

    client.post(VERIFY, {"code": f" {code[:4].upper()} {code[4:]} "}, follow=True)

    assert is_verified(client)
    assert not StaticToken.objects.filter(token=code).exists()


def test_staff_are_told_how_many_recovery_codes_are_left_after_using_one(client, editor):
    give_app(editor)
    code = replace_recovery_codes(editor)[0]
    client.force_login(editor)

    response = client.post(VERIFY, {"code": code}, follow=True)

    assert "You used a recovery code: it won't work again. 9 left." in page_text(response)


def test_five_wrong_codes_in_fifteen_minutes_stop_even_the_right_one(client, editor):
    device = give_app(editor)
    client.force_login(editor)
    right = app_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    for _ in range(5):
        assert client.post(VERIFY, {"code": wrong}).status_code == 200
    response = client.post(VERIFY, {"code": right})

    assert response.status_code == 429
    assert "Too many codes tried. For your safety, please wait 15 minutes" in page_text(response)
    assert not is_verified(client)


def test_recovery_codes_count_towards_the_same_limit(client, editor):
    give_app(editor)
    code = replace_recovery_codes(editor)[0]
    client.force_login(editor)

    for _ in range(5):
        client.post(VERIFY, {"code": "aaaaaaaa"})
    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 429
    assert StaticToken.objects.filter(token=code).exists()


def test_the_limit_is_each_staff_members_own(client, editor, moderator):
    give_app(editor)
    client.force_login(editor)
    for _ in range(6):
        client.post(VERIFY, {"code": "000000"})

    verify(client, moderator)

    assert is_verified(client)


def test_a_code_from_another_staff_members_app_is_refused(client, editor, moderator):
    give_app(editor)
    their_device = give_app(moderator)
    client.force_login(editor)

    response = client.post(VERIFY, {"code": app_code(their_device)})

    assert response.status_code == 200
    assert not is_verified(client)


def test_another_staff_members_recovery_code_is_refused(client, editor, moderator):
    give_app(editor)
    their_code = replace_recovery_codes(moderator)[0]
    client.force_login(editor)

    response = client.post(VERIFY, {"code": their_code})

    assert response.status_code == 200
    assert StaticToken.objects.filter(token=their_code).exists()


def test_next_pointing_at_another_site_is_not_followed(client, editor):
    device = give_app(editor)
    client.force_login(editor)

    response = client.post(VERIFY, {"code": app_code(device), "next": "https://evil.example/"})

    assert response["Location"] == reverse("articles:home")


def test_a_verified_staff_member_is_sent_straight_on(client, editor):
    verify(client, editor)

    response = client.get(f"{VERIFY}?next=/admin/")

    assert response["Location"] == "/admin/"


# Admin -----------------------------------------------------------------------


@pytest.mark.parametrize("staff", ["editor", "moderator", "superuser"], indirect=True)
def test_admin_is_out_of_reach_until_the_second_factor(client, staff):
    device = give_app(staff)
    client.force_login(staff)

    response = client.get("/admin/")
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get(response["Location"])
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/admin/articles/article/").status_code == 302
    response = client.post(VERIFY, {"code": app_code(device), "next": "/admin/"})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_form_leads_to_the_second_step(client, editor, password):
    give_app(editor)

    response = client.post("/admin/login/?next=/admin/", {"username": "edie", "password": password, "next": "/admin/"})
    response = client.get(response["Location"], follow=True)

    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fadmin%2F"
    assert "Type your sign-in code" in page_text(response)


@pytest.mark.parametrize("url", ["/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"])
def test_editors_cannot_see_anyones_devices_in_admin(client, editor, moderator, url):
    give_app(moderator)
    replace_recovery_codes(moderator)
    verify(client, editor)

    assert client.get(url).status_code == 403
    index = client.get("/admin/").content.decode()
    assert "otp_totp" not in index
    assert "otp_static" not in index


def test_editors_cannot_open_a_device_by_its_id(client, editor, moderator):
    theirs = give_app(moderator)
    verify(client, editor)

    for url in [
        f"/admin/otp_totp/totpdevice/{theirs.pk}/change/",
        f"/admin/otp_totp/totpdevice/{theirs.pk}/delete/",
        f"/admin/otp_totp/totpdevice/{theirs.pk}/config/",
        f"/admin/otp_totp/totpdevice/{theirs.pk}/qrcode/",
        "/admin/otp_totp/totpdevice/987654/config/",
    ]:
        assert client.get(url).status_code in (302, 403), url
    assert client.post(f"/admin/otp_totp/totpdevice/{theirs.pk}/delete/", {"post": "yes"}).status_code == 403
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_a_superuser_resets_a_staff_members_app_in_admin(client, superuser, editor, password):
    theirs = give_app(editor)
    replace_recovery_codes(editor)
    verify(client, superuser)

    listing = client.get("/admin/otp_totp/totpdevice/")
    detail = client.get(f"/admin/otp_totp/totpdevice/{theirs.pk}/change/")
    response = client.post(f"/admin/otp_totp/totpdevice/{theirs.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert theirs.key not in detail.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{theirs.pk}/config/").status_code == 403
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    client.logout()
    response = log_in(client, editor, password)
    assert client.get(response["Location"])["Location"].startswith(SETUP)


def test_nobody_adds_a_device_for_someone_else_in_admin(client, superuser):
    verify(client, superuser)

    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


# The moderation pages and previews -------------------------------------------


def test_the_moderation_queue_waits_for_the_second_factor(client, moderator):
    device = give_app(moderator)
    client.force_login(moderator)

    response = client.get(QUEUE)

    assert response["Location"] == f"{VERIFY}?next=%2Fmoderation%2F"
    assert client.post(VERIFY, {"code": app_code(device), "next": QUEUE})["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_a_decision_posted_before_the_second_factor_changes_nothing(
    client, moderator, member, make_article, make_comment
):
    comment = make_comment(make_article(), member, status=Comment.Status.PENDING)
    give_app(moderator)
    client.force_login(moderator)

    response = client.post(reverse("community:moderate_comment", args=[comment.pk]), {"decision": "approve"})

    assert response["Location"] == VERIFY
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_members_moderation_record_waits_for_the_second_factor(client, moderator, member):
    give_app(moderator)
    client.force_login(moderator)

    response = client.get(reverse("community:moderation_member", args=[member.pk]))

    assert response["Location"].startswith(VERIFY)


def test_the_header_link_to_moderation_leads_through_the_second_step_not_to_a_dead_end(client, moderator, password):
    device = give_app(moderator)
    log_in(client, moderator, password)

    home = client.get("/")
    assert f'href="{QUEUE}"' in home.content.decode()
    response = client.get(QUEUE, follow=True)

    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fmoderation%2F"
    assert client.post(VERIFY, {"code": app_code(device), "next": QUEUE}, follow=True).status_code == 200


def test_a_draft_preview_waits_for_the_second_factor(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    device = give_app(editor)
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": app_code(device)})
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_published_article_needs_no_second_factor(client, editor, make_article):
    article = make_article()
    give_app(editor)
    client.force_login(editor)

    assert client.get(article.get_absolute_url()).status_code == 200


# Members ---------------------------------------------------------------------


def test_members_sign_in_with_their_password_alone(client, member, password):
    response = log_in(client, member, password, next_url="/my-questions/")

    assert response["Location"] == "/my-questions/"
    assert not TOTPDevice.objects.exists()
    profile = client.get(reverse("community:profile"))
    assert "Two-factor sign-in" not in profile.content.decode()


def test_members_read_and_comment_as_before(client, member, make_article):
    article = make_article()
    client.force_login(member)

    client.post(reverse("community:post_comment", args=[article.slug]), {"body": "This helped me a lot, thank you."})

    assert client.get(article.get_absolute_url()).status_code == 200
    assert Comment.objects.filter(author=member).exists()


def test_unverified_staff_still_read_the_site_as_members(client, moderator, make_article):
    article = make_article()
    give_app(moderator)
    client.force_login(moderator)

    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(reverse("community:profile")).status_code == 200


# Recovery codes ----------------------------------------------------------------


def test_staff_see_on_their_account_page_how_many_recovery_codes_are_left(client, editor):
    give_app(editor)
    replace_recovery_codes(editor)
    verify(client, editor)

    profile = page_text(client.get(reverse("community:profile")))

    assert "You have 10 recovery codes left" in profile
    assert f"{RECOVERY}?next=/account/" in profile


def test_new_recovery_codes_need_a_fresh_code_from_the_app(client, editor):
    device = give_app(editor)
    old = replace_recovery_codes(editor)
    verify(client, editor, device)

    reused = client.post(RECOVERY, {"code": app_code(device)})  # the code that just signed in
    none = client.post(RECOVERY, {"code": ""})

    assert reused.status_code == none.status_code == 200
    assert "That code didn't work." in page_text(reused)
    assert "This field is required." in page_text(none)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(old)


def test_a_recovery_code_cannot_make_new_recovery_codes(client, editor):
    device = give_app(editor)
    old = replace_recovery_codes(editor)
    verify(client, editor, device)

    response = client.post(RECOVERY, {"code": old[0]})

    assert response.status_code == 200
    assert StaticToken.objects.count() == 10


def test_a_fresh_code_makes_new_recovery_codes_shown_once(client, editor):
    device = give_app(editor)
    old = replace_recovery_codes(editor)
    verify(client, editor, device)

    response = client.post(RECOVERY, {"code": app_code(device, ahead=1), "next": "/account/"})

    assert response["Location"] == f"{RECOVERY}?next=%2Faccount%2F"
    shown = client.get(response["Location"])
    new = ["".join(code.split()) for code in shown.context["codes"]]
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
    assert not set(new) & set(old)
    assert StaticDevice.objects.filter(user=editor).count() == 1
    assert 'href="/account/"' in shown.content.decode()
    assert "codes" not in client.get(RECOVERY).context


def test_a_wrong_code_makes_the_next_try_wait_a_moment(client, editor):
    device = give_app(editor)
    client.force_login(editor)
    right = app_code(device)

    client.post(VERIFY, {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    response = client.post(VERIFY, {"code": right})

    assert "Please wait a moment, then type the newest code" in page_text(response)
    assert not is_verified(client)


# Who may use each new page ---------------------------------------------------


@pytest.mark.parametrize("url", NEW_VIEWS)
def test_anonymous_visitors_are_asked_to_log_in(client, url):
    response = client.get(url)

    assert response["Location"].startswith(f"{LOGIN}?next=")


@pytest.mark.parametrize("url", NEW_VIEWS)
def test_members_are_told_the_pages_are_for_the_team(client, member, url):
    client.force_login(member)

    get = client.get(url)
    post = client.post(url, {"code": "123456"})

    assert get.status_code == post.status_code == 403
    assert "Two-factor sign-in is for the IBD Movement team." in page_text(get)
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("staff", ["moderator", "editor"], indirect=True)
def test_staff_use_each_page(client, staff):
    client.force_login(staff)
    assert client.get(VERIFY)["Location"] == f"{SETUP}?next=%2F"
    assert client.get(SETUP).status_code == 200
    assert client.get(RECOVERY)["Location"].startswith(VERIFY)

    device = TOTPDevice.objects.get(user=staff)
    client.post(SETUP, {"code": app_code(device)})

    assert client.get(RECOVERY).status_code == 200
    assert client.get(VERIFY)["Location"] == "/"


@pytest.mark.parametrize("staff", ["moderator", "editor"], indirect=True)
def test_staff_in_a_group_without_is_staff_still_need_the_second_factor(client, staff):
    staff.is_staff = False
    staff.save()
    give_app(staff)
    client.force_login(staff)

    assert client.get(VERIFY).status_code == 200


# Resetting from the server ---------------------------------------------------


def test_a_locked_out_superuser_is_reset_from_the_command_line(client, superuser, password):
    give_app(superuser)
    replace_recovery_codes(superuser)
    out = io.StringIO()

    call_command("reset_two_factor", "sol@example.org", stdout=out)

    assert not TOTPDevice.objects.filter(user=superuser).exists()
    assert not StaticDevice.objects.filter(user=superuser).exists()
    assert f"Reset two-factor sign-in for account {superuser.pk}" in out.getvalue()
    response = log_in(client, superuser, password)
    assert client.get(response["Location"])["Location"].startswith(SETUP)


def test_the_reset_command_names_an_unknown_account_clearly():
    with pytest.raises(CommandError, match=r"No account has that username or email address\."):
        call_command("reset_two_factor", "nobody")
