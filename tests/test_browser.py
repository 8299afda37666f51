"""
Pages in a real Chromium: axe finds no accessibility violations, at a phone's
and a laptop's width, and each page is saved as a screenshot to look at in
tests/screenshots/.

Run alone with ``pytest -m browser``. Without /usr/bin/chromium these tests
skip with the reason printed, unless REQUIRE_BROWSER_TESTS is set (as CI does).
"""

import pytest

from tests.browsing import WIDTHS, check_page, session_cookie

# serialized_rollback keeps the topics and groups that data migrations made.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
# name: (path, who is logged in, expected status). Demo accounts come from seed_demo.
PAGES = {
    "home": ("/", None, 200),
    "article": (STOMP2, None, 200),
    "article-as-member": (STOMP2, "patient", 200),
    "topic": ("/topics/crohns-disease/", None, 200),
    "tag": ("/tags/clinical-trials/", None, 200),
    "author": ("/authors/hannah-okafor/", None, 200),
    "about": ("/about/", None, 200),
    "editorial-policy": ("/editorial-policy/", None, 200),
    "community": ("/community/", None, 200),
    "guidelines": ("/community/guidelines/", None, 200),
    "privacy": ("/privacy/", None, 200),
    "login": ("/account/login/", None, 200),
    "signup": ("/account/signup/", None, 200),
    "not-found": ("/articles/no-such-article/", None, 404),
    "preview": ("/articles/preparing-for-your-ibd-clinic-appointment/", "editor", 200),
    "profile": ("/account/", "patient", 200),
    "reply": ("/comments/{first_comment}/reply/", "patient", 200),
    "moderation-queue": ("/moderation/", "moderator", 200),
    "moderation-member": ("/moderation/members/{held_author}/", "moderator", 200),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_have_no_axe_violations_at_phone_and_laptop_widths(demo_site, client, browser, name):
    from community.models import Comment

    path, who, status = PAGES[name]
    path = path.format(
        first_comment=Comment.objects.approved().order_by("pk").first().pk,
        held_author=Comment.objects.filter(status="pending").first().author_id,
    )
    cookies = [session_cookie(client, demo_site.url, who)] if who else []
    chromium = browser()

    for width in WIDTHS:
        response, results, third_party = check_page(chromium, demo_site.url, path, name, width, cookies)

        assert response.status == status
        assert results.violations_count == 0, results.generate_report()
        assert third_party == []
