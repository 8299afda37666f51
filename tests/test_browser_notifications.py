"""
Following a discussion and the notifications page in a real Chromium: a member
with JavaScript off follows a discussion and stops; the notifications page and
the header's unread count have no axe violations at a phone's and a laptop's
width, light and dark. Screenshots land in tests/screenshots/ as notifications-*.png.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from community.models import Comment, Follow, Notification
from tests.browsing import SCREENSHOTS, check_page, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"


def give_patient_notifications():
    """One of each kind for the demo patient, about comments by others in the demo discussions."""
    patient = get_user_model().objects.get(username="patient")
    others = Comment.objects.approved().exclude(author=patient).exclude(author=None).select_related("article")
    kinds = [Notification.Kind.NEW_COMMENT, Notification.Kind.REPLY, Notification.Kind.NEW_COMMENT]
    for kind, comment in zip(kinds, others[:3], strict=True):
        Notification.objects.create(recipient=patient, kind=kind, comment=comment, article=comment.article)
        Follow.start(patient, comment.article)
    mine = Comment.objects.filter(author=patient).select_related("article").first()
    if mine:
        Notification.objects.create(
            recipient=patient, kind=Notification.Kind.APPROVED, comment=mine, article=mine.article
        )
    return Notification.objects.filter(recipient=patient).count()


def test_the_notifications_page_and_header_count_have_no_axe_violations(demo_site, browser):
    unread = give_patient_notifications()
    cookies = [session_cookie(Client(), demo_site.url, "patient")]
    chromium = browser()

    problems = []
    for path, name in [("/account/notifications/", "notifications"), (STOMP2, "notifications-article-header")]:
        for scheme in ("light", "dark"):
            shot = name + ("-dark" if scheme == "dark" else "")
            for view in check_page(chromium, demo_site.url, path, shot, cookies=cookies, color_scheme=scheme):
                problems += view.problems(f"{name}, {scheme}")
    assert problems == [], "\n\n".join(problems)

    context = chromium.new_context(viewport={"width": 390, "height": 900})
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(demo_site.url + "/account/notifications/")
    link = page.get_by_role("navigation", name="Your account").get_by_role("link", name="Notifications")
    assert link.inner_text().split() == ["Notifications", str(unread), "unread"]
    page.locator(".notification a").first.click()
    page.goto(demo_site.url + "/account/notifications/")
    assert page.locator(".notification--unread").count() == unread - 1
    context.close()


def test_a_member_without_javascript_follows_and_stops_following(demo_site, browser):
    cookies = [session_cookie(Client(), demo_site.url, "patient")]
    context = browser().new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(demo_site.url + STOMP2)
    discussion = page.locator("#discussion")
    if discussion.get_by_role("button", name="Stop following").count():
        discussion.get_by_role("button", name="Stop following").click()

    discussion.get_by_role("button", name="Follow this discussion").click()

    assert "#discussion" in page.url
    assert "You're following this discussion." in page.locator(".messages").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "notifications-following-nojs-390.png", full_page=True)
    discussion.get_by_role("button", name="Stop following").click()
    assert "You've stopped following this discussion." in page.locator(".messages").inner_text()
    assert discussion.get_by_role("button", name="Follow this discussion").is_visible()
    context.close()
