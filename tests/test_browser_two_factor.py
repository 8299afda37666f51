"""
Staff's two-factor sign-in in a real Chromium: the demo moderator and editor set up an
authenticator app (the QR code is an image the Content-Security-Policy allows) and are shown their
recovery codes; a staff member with an app gives a code after their password. Every page has no axe
violations at a phone's and a laptop's width. Screenshots land in tests/screenshots/ as two-factor-*.png.
"""

import pytest
from django.test import Client
from django_otp.oath import totp

from tests.browsing import WIDTHS, audit, check_page, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SETUP = "/account/two-factor/setup/"
VERIFY = "/account/two-factor/"
RECOVERY = "/account/two-factor/recovery-codes/"
# Which demo account sets up at each width, and where they were going when they were asked to.
SET_UP_AT = {WIDTHS[0]: ("moderator", "/moderation/"), WIDTHS[1]: ("editor", "/admin/")}


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.STAFF_TWO_FACTOR = True


def axe_problems(results, seen):
    return [f"{seen}:\n{results.generate_report()}"] if results.violations_count else []


def code_for(key):
    return f"{totp(key):06d}"


def test_staff_set_up_an_app_and_see_their_recovery_codes(demo_site, browser):
    from django.contrib.auth.models import User

    from community.two_factor import pending_authenticator

    # The secret the setup page will show, made before the browser starts (it can't use the ORM after).
    accounts = {width: User.objects.get(username=name) for width, (name, _) in SET_UP_AT.items()}
    keys = {width: pending_authenticator(user).bin_key for width, user in accounts.items()}
    cookies = {width: session_cookie(Client(), demo_site.url, user.username) for width, user in accounts.items()}
    chromium = browser()

    problems, refused = [], []
    for width in WIDTHS:
        _, start = SET_UP_AT[width]
        context = chromium.new_context(viewport={"width": width, "height": 900})
        context.add_cookies([cookies[width]])
        page = context.new_page()
        page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

        page.goto(demo_site.url + start)
        assert page.url.startswith(demo_site.url + SETUP)
        assert page.get_by_role("img", name="QR code that adds your IBD Movement account").is_visible()
        problems += axe_problems(audit(page, "two-factor-setup", width), f"setup, {width}px")

        page.get_by_label("6-digit code from your authenticator app").fill("000000")
        page.get_by_role("button", name="Confirm and continue").click()
        assert "That code didn't match." in page.locator(".error-summary").inner_text()
        problems += axe_problems(audit(page, "two-factor-setup-error", width), f"setup with an error, {width}px")

        page.wait_for_timeout(1100)  # django-otp makes the try after a wrong code wait a second
        page.get_by_label("6-digit code from your authenticator app").fill(code_for(keys[width]))
        page.get_by_role("button", name="Confirm and continue").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
        assert page.locator(".recovery-codes li").count() == 10
        problems += axe_problems(audit(page, "two-factor-recovery-codes", width), f"new recovery codes, {width}px")

        page.get_by_role("link", name="I've saved my codes: continue").click()
        assert page.url == demo_site.url + start
        page.goto(demo_site.url + RECOVERY)
        assert "You have 10 left" in page.locator(".lede").inner_text()
        problems += axe_problems(audit(page, "two-factor-recovery-manage", width), f"recovery codes, {width}px")
        assert refused == []
        context.close()

    assert problems == [], "\n\n".join(problems)


def test_the_code_page_after_the_password(demo_site, browser):
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=User.objects.get(username="editor"), name="Authenticator app")
    cookies = [session_cookie(Client(), demo_site.url, "editor")]
    chromium = browser()

    problems = []
    for scheme in ["light", "dark"]:
        name = "two-factor-verify" + ("-dark" if scheme == "dark" else "")
        for view in check_page(chromium, demo_site.url, VERIFY, name, cookies=cookies, color_scheme=scheme):
            problems += view.problems(f"code page, {scheme}")

    context = chromium.new_context(viewport={"width": 390, "height": 900})
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(demo_site.url + "/admin/")
    assert page.url.startswith(demo_site.url + VERIFY)
    page.get_by_label("Sign-in code").fill("12")
    page.get_by_role("button", name="Continue").click()
    assert "or a recovery code of 8 letters and numbers" in page.locator(".error-summary").inner_text()
    problems += axe_problems(audit(page, "two-factor-verify-error", 390), "code page with an error")
    context.close()

    assert problems == [], "\n\n".join(problems)
