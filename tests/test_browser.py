"""
Every page type in a real Chromium: axe finds no accessibility violations of
any impact, at a phone's and a laptop's width, for each kind of visitor the
page is for (signed out, the demo member "patient", the demo "moderator"),
and for key pages in dark mode too; nothing loads from another site, and no
script fails or is refused by the Content-Security-Policy. Each view is saved as a screenshot to look
at in tests/screenshots/ (git-ignored).

One test per page, so the demo site is seeded once for all its views. Run
alone with ``pytest -m browser``. Without /usr/bin/chromium these tests skip
with the reason printed, unless REQUIRE_BROWSER_TESTS is set (as CI does).
"""

from typing import NamedTuple

import pytest
from django.test import Client

from tests.browsing import SCREENSHOTS, WIDTHS, audit, check_page, session_cookie

# serialized_rollback keeps the topics and groups that data migrations made.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
EVERYONE = (None, "patient", "moderator")
# Pages whose content is the same for everyone: signed out, and a member to see the header they get.
READERS = (None, "patient")


class Page(NamedTuple):
    path: str
    visitors: tuple = EVERYONE  # None is a signed-out reader; the others are demo accounts from seed_demo
    status: int = 200
    dark: bool = False  # also check it in dark mode


PAGES = {
    "home": Page("/", dark=True),
    "article": Page(STOMP2, dark=True),
    "topic": Page("/topics/crohns-disease/"),
    "tag": Page("/tags/clinical-trials/", visitors=READERS),
    "author": Page("/authors/hannah-okafor/", visitors=READERS),
    "about": Page("/about/", visitors=READERS),
    "editorial-policy": Page("/editorial-policy/", visitors=READERS),
    "disclaimer": Page("/disclaimer/", visitors=READERS, dark=True),
    "contact": Page("/contact/", visitors=READERS),
    "privacy": Page("/privacy/", visitors=READERS),
    "guidelines": Page("/community/guidelines/", visitors=READERS),
    "community": Page("/community/", dark=True),
    "login": Page("/account/login/", visitors=(None,), dark=True),
    "signup": Page("/account/signup/", visitors=(None,)),
    "profile": Page("/account/", visitors=("patient", "moderator"), dark=True),
    "change-email": Page("/account/email/", visitors=("patient", "moderator")),
    "signup-sent": Page("/account/signup/sent/", visitors=(None,)),
    "reply": Page("/comments/{first_comment}/reply/", visitors=("patient", "moderator")),
    "moderation-queue": Page("/moderation/", visitors=("moderator",), dark=True),
    "moderation-member": Page("/moderation/members/{held_author}/", visitors=("moderator",)),
    "preview": Page("/articles/preparing-for-your-ibd-clinic-appointment/", visitors=("editor",)),
    "not-found": Page("/articles/no-such-article/", visitors=READERS, status=404, dark=True),
    "forbidden": Page("/moderation/", visitors=("patient",), status=403, dark=True),
}


def visits(page):
    """Each (visitor, colour scheme) the page is checked for, at every width."""
    schemes = ["light", "dark"] if page.dark else ["light"]
    return [(who, scheme) for who in page.visitors for scheme in schemes]


def screenshot_name(name, who, scheme):
    return "-".join([name] + ([f"as-{who}"] if who else []) + (["dark"] if scheme == "dark" else []))


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations_for_each_visitor_width_and_colour_scheme(demo_site, browser, name):
    from community.models import Comment

    page = PAGES[name]
    path = page.path.format(
        first_comment=Comment.objects.approved().order_by("pk").first().pk,
        held_author=Comment.objects.filter(status="pending").first().author_id,
    )
    # Each account logs in through a client of its own: logging a second user into one client ends the first session.
    cookies = {who: [session_cookie(Client(), demo_site.url, who)] for who in page.visitors if who}
    chromium = browser()

    problems = []
    for who, scheme in visits(page):
        screenshot = screenshot_name(name, who, scheme)
        for view in check_page(
            chromium, demo_site.url, path, screenshot, cookies=cookies.get(who, []), color_scheme=scheme
        ):
            problems += view.problems(f"{name} as {who or 'a signed-out reader'}, {scheme}", status=page.status)

    assert problems == [], "\n\n".join(problems)


def test_error_pages_rendered_without_a_request_have_no_axe_violations(demo_site, browser):
    """The CSRF failure page, reached as a reader would (their security cookie gone), and the 500 page."""
    from django.template.loader import render_to_string

    server_error = render_to_string("500.html")
    chromium = browser()

    problems = []
    for scheme in ("light", "dark"):
        for width in WIDTHS:
            context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            suffix = "-dark" if scheme == "dark" else ""

            page.goto(demo_site.url + "/account/login/")
            context.clear_cookies()
            page.get_by_label("Email address").fill("patient@example.org")
            page.get_by_label("Password").fill("not-sent-anyway")
            with page.expect_response(lambda response: response.request.method == "POST") as posted:
                page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
            if posted.value.status != 403 or "your form couldn't be sent" not in page.content():
                problems.append(f"csrf-failure, {scheme}, {width}px: status {posted.value.status}")
            results = audit(page, "csrf-failure" + suffix, width)
            if results.violations_count:
                problems.append(f"csrf-failure, {scheme}, {width}px:\n{results.generate_report()}")

            # Written into a page of the site, so the stylesheet loads from the live server as it would.
            page.set_content(server_error)
            results = audit(page, "server-error" + suffix, width)
            if results.violations_count:
                problems.append(f"server-error, {scheme}, {width}px:\n{results.generate_report()}")
            context.close()

    assert problems == [], "\n\n".join(problems)


def test_print_these_questions_prints_only_the_questions_under_the_title_and_address(demo_site, browser):
    context = browser().new_context(viewport={"width": 1280, "height": 900})
    # Headless Chromium has no print dialog: note what the page looks like when it asks to print.
    context.add_init_script("window.print = () => { window.printedWith = document.body.className; };")
    page = context.new_page()
    page.goto(demo_site.url + STOMP2)

    page.get_by_role("button", name="Print these questions").click()

    assert page.evaluate("window.printedWith") == "printing-questions"
    page.emulate_media(media="print")
    assert page.get_by_role("heading", level=1).is_visible()
    address = page.locator(".print-address")
    assert address.is_visible()
    assert address.inner_text() == f"IBD Movement · {demo_site.url}{STOMP2}"
    assert page.get_by_role("heading", name="Questions for your healthcare team").is_visible()
    for hidden in ("Study at a glance", "What this means for the IBD community", "Medical disclaimer", "Discussion"):
        assert not page.get_by_role("heading", name=hidden).is_visible(), hidden
    assert not page.get_by_text("First published").is_visible()
    assert not page.get_by_role("button", name="Print these questions").is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "article-print-questions.png", full_page=True)

    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("document.body.className") == ""


def test_printing_an_article_prints_the_article_without_header_footer_or_discussion(demo_site, browser):
    page = browser().new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(demo_site.url + STOMP2)

    page.emulate_media(media="print")

    for shown in ("Study at a glance", "What this means for the IBD community", "Questions for your healthcare team"):
        assert page.get_by_role("heading", name=shown).is_visible(), shown
    assert page.get_by_text("First published").is_visible()
    for landmark in ("banner", "contentinfo"):
        assert not page.get_by_role(landmark).is_visible(), landmark
    assert not page.get_by_role("heading", name="Discussion").is_visible()
    assert not page.get_by_role("button", name="Print these questions").is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "article-print.png", full_page=True)


def test_without_javascript_the_questions_are_there_and_no_print_button_is(demo_site, browser):
    page = browser().new_context(java_script_enabled=False).new_page()
    page.goto(demo_site.url + STOMP2)

    questions = page.get_by_role("region", name="Questions for your healthcare team")
    assert questions.get_by_role("listitem").count() == 4
    assert page.get_by_role("button", name="Print these questions").count() == 0
