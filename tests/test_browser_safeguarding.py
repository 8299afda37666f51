"""
Safeguarding in a real Chromium: a member posts a comment whose words suggest they may be at risk
and lands on the kind message with the support contacts; a moderator sees the comment marked urgent
in the thread with the decisions. Both at 390 and 1280 px, with no axe violations.

Skips like the other browser tests when Chromium is missing (never in CI).
"""

import pytest
from django.test import Client

from tests.browsing import SCREENSHOTS, WIDTHS, audit, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
URGENT_TEXT = "The fistula pain is back and some nights I want to kill myself. I don't know what to do."


def test_the_authors_support_message_and_the_moderators_thread_controls(demo_site, browser):
    origin = demo_site.url
    patient = session_cookie(Client(), origin, "patient")
    moderator = session_cookie(Client(), origin, "moderator")
    chromium = browser()
    problems = []

    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 900})
        context.add_cookies([patient])
        page = context.new_page()
        page.goto(origin + STOMP2)
        page.get_by_label("Your comment").fill(URGENT_TEXT)
        page.get_by_role("button", name="Post comment").click()

        assert "A moderator will read your comment soon" in page.content()
        support = page.get_by_role("complementary", name="Support is here if you need it")
        assert support.is_visible()
        assert "Samaritans" in support.inner_text() and "116 123" in support.inner_text()
        results = audit(page, "safeguarding-message", width)
        # The whole page is long: the part the author lands on, kept too for reviewers.
        page.locator("article.comment", has=support).screenshot(
            path=SCREENSHOTS / f"safeguarding-message-{width}-comment.png"
        )
        landed = page.locator("article.comment", has=support).locator(".comment__landed")
        assert "A moderator will read your comment soon" in landed.inner_text()  # where the author lands
        if results.violations_count:
            problems.append(f"author at {width}px:\n{results.generate_report()}")
        context.close()

    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 900})
        context.add_cookies([moderator])
        page = context.new_page()
        page.goto(origin + STOMP2 + "#discussion")
        urgent = page.locator("article.comment--urgent")
        urgent.scroll_into_view_if_needed()
        assert URGENT_TEXT in urgent.inner_text()
        controls = urgent.get_by_role("group", name="Moderate the comment by Jordan")
        assert controls.get_by_role("button", name="Approve comment by Jordan").is_visible()
        assert controls.get_by_label("Reason for removing").is_visible()
        results = audit(page, "safeguarding-thread-controls", width)
        urgent.screenshot(path=SCREENSHOTS / f"safeguarding-thread-controls-{width}-comment.png")
        if results.violations_count:
            problems.append(f"moderator at {width}px:\n{results.generate_report()}")
        context.close()

    assert problems == [], "\n\n".join(problems)
