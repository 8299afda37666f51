"""
The discussion end to end in a real Chromium: a new member signs up,
confirms their email, logs in and comments; the comment waits in the queue; a
moderator approves it; an anonymous reader then sees it.

Skips like the other browser tests when Chromium is missing (never in CI).
"""

import re

import pytest
from django.core import mail

from tests.browsing import WIDTHS, audit, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
COMMENT = "My fistula came back twice after surgery. I will ask my nurse whether a trial like this is open."


@pytest.fixture
def moderator_password(demo_site):
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.get(username="moderator")
    moderator.set_password("moderator-test-password")
    moderator.save()
    return "moderator-test-password"


def test_a_new_members_comment_is_approved_by_a_moderator_and_then_seen_by_readers(
    demo_site, moderator_password, browser
):
    origin = demo_site.url
    chromium = browser()

    member = chromium.new_context(viewport={"width": 390, "height": 900}).new_page()
    member.goto(origin + "/account/signup/")
    member.get_by_label("Email address").fill("alex@example.org")
    member.get_by_label("Display name").fill("Alex")
    member.get_by_label("Password", exact=True).fill("slow-river-lantern-42")
    member.get_by_label("Confirm password").fill("slow-river-lantern-42")
    member.get_by_role("button", name="Create my account").click()
    assert member.get_by_role("heading", level=1).inner_text() == "Check your email"

    link = re.search(r"https?://\S+/account/confirm/\S+/", mail.outbox[-1].body).group(0)
    member.goto(origin + link[link.index("/account/") :])
    assert "confirmed" in member.get_by_role("heading", level=1).inner_text()
    # Signing up doesn't log in (that would tell who already has an account): the new member logs in now.
    member.get_by_role("link", name="Log in", exact=True).last.click()
    member.get_by_label("Email address").fill("alex@example.org")
    member.get_by_label("Password").fill("slow-river-lantern-42")
    member.get_by_role("button", name="Log in").click()

    member.goto(origin + STOMP2)
    member.get_by_label("Your comment").fill(COMMENT)
    member.get_by_role("button", name="Post comment").click()
    assert "once a moderator has read it" in member.content()
    assert "Only you can see this comment" in member.content()

    reader = chromium.new_context().new_page()
    reader.goto(origin + STOMP2)
    assert COMMENT not in reader.content()

    moderator = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    moderator.goto(origin + "/account/login/")
    moderator.get_by_label("Email address").fill("moderator@example.org")
    moderator.get_by_label("Password").fill(moderator_password)
    moderator.get_by_role("button", name="Log in").click()
    moderator.goto(origin + "/moderation/")
    assert COMMENT in moderator.content()
    moderator.get_by_role("button", name=re.compile(r"^Approve comment by Alex")).click()
    assert COMMENT not in moderator.content()

    reader.goto(origin + STOMP2)
    assert COMMENT in reader.content()
    assert "alex@example.org" not in reader.content()


def test_the_comment_form_with_an_error_has_no_axe_violations_in_light_or_dark(demo_site, client, browser):
    cookie = session_cookie(client, demo_site.url, "patient")
    chromium = browser()

    for scheme in ("light", "dark"):
        for width in WIDTHS:
            context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(demo_site.url + STOMP2)
            page.get_by_label("Your comment").fill("   ")
            page.get_by_role("button", name="Post comment").click()

            assert "Write your comment before posting it." in page.content()
            results = audit(page, "comment-error" + ("-dark" if scheme == "dark" else ""), width)
            assert results.violations_count == 0, results.generate_report()
            context.close()


def test_the_account_pages_for_a_new_or_changed_address_have_no_axe_violations(demo_site, browser):
    """Check your email after signing up, and each step of changing an address, at both widths."""
    from django.contrib.auth import get_user_model

    patient = get_user_model().objects.get(username="patient")
    patient.set_password("patient-test-password")
    patient.save()
    origin = demo_site.url
    chromium = browser()
    problems = []
    address = "patient@example.org"

    def check(page, name, width):
        results = audit(page, name, width)
        if results.violations_count:
            problems.append(f"{name} at {width}px:\n{results.generate_report()}")

    for width in WIDTHS:
        mail.outbox.clear()
        visitor = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
        visitor.goto(origin + "/account/signup/")
        visitor.get_by_label("Email address").fill(address)  # has an account: the same page follows
        visitor.get_by_label("Display name").fill(f"Someone {width}")
        visitor.get_by_label("Password", exact=True).fill("slow-river-lantern-42")
        visitor.get_by_label("Confirm password").fill("slow-river-lantern-42")
        visitor.get_by_role("button", name="Create my account").click()
        assert visitor.get_by_role("heading", level=1).inner_text() == "Check your email"
        assert address in visitor.content()
        check(visitor, "signup-sent-after-form", width)

        member = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
        member.goto(origin + "/account/login/")
        member.get_by_label("Email address").fill(address)
        member.get_by_label("Password").fill("patient-test-password")
        member.get_by_role("button", name="Log in").click()
        member.goto(origin + "/account/email/")
        member.get_by_label("New email address").fill("not an address")
        member.get_by_role("button", name="Send the link").click()
        assert "Enter an email address in the right form" in member.content()
        check(member, "change-email-error", width)

        member.get_by_label("New email address").fill(f"jordan.{width}@example.org")
        member.get_by_label("Your current password").fill("patient-test-password")
        member.get_by_role("button", name="Send the link").click()
        assert f"You asked to change it to jordan.{width}@example.org" in member.content()
        check(member, "profile-email-change-waiting", width)

        address = f"jordan.{width}@example.org"
        to_new = next(message for message in mail.outbox if message.to == [address])
        link = re.search(r"https?://\S+/account/email/confirm/\S+/", to_new.body).group(0)
        member.goto(origin + link[link.index("/account/") :])
        check(member, "change-email-confirm", width)
        member.get_by_role("button", name="Use this address").click()
        assert f"log in with {address}" in member.content()
        member.goto(origin + link[link.index("/account/") :])
        check(member, "change-email-invalid", width)

        member.context.close()
        visitor.context.close()

    assert problems == [], "\n\n".join(problems)
