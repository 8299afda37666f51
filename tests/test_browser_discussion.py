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
