"""
My questions in a real Chromium: a reader with JavaScript off saves questions
from an article, adds their own, puts them in order and prints them; and every
My questions page has no axe violations at a phone's and a laptop's width.
Screenshots land in tests/screenshots/ as my-questions-*.png.
"""

import pytest
from django.test import Client

from tests.browsing import SCREENSHOTS, WIDTHS, audit, check_page, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
FATIGUE = "/articles/fatigue-and-ibd-what-can-help/"


def axe_problems(results, seen):
    return [f"{seen}:\n{results.generate_report()}"] if results.violations_count else []


def screenshot(page, name):
    """axe needs JavaScript, so pages seen with it off are only photographed; the test below audits them."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def listed(page):
    return [text.strip() for text in page.locator(".my-question__text").all_inner_texts()]


def test_a_reader_without_javascript_saves_orders_and_prints_their_questions(demo_site, browser):
    origin = demo_site.url
    context = browser().new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()

    # No session yet: the article comes from the cache, so each question has a link to a page with the form.
    page.goto(origin + STOMP2)
    questions = page.get_by_role("region", name="Questions for your healthcare team")
    first = questions.get_by_role("listitem").first
    first_text = first.inner_text().split("\n")[0].strip()
    first.get_by_role("link", name="Save to My questions").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Save this question to My questions"
    screenshot(page, "my-questions-nojs-save-390")
    page.get_by_role("button", name="Save to My questions").click()

    # Back on the article, with a session now: a message, "Saved", and forms for the other questions.
    assert STOMP2 + "#question-" in page.url
    assert "Saved to My questions." in page.locator(".messages").inner_text()
    assert questions.get_by_role("listitem").first.get_by_text("Saved to").is_visible()
    questions.get_by_role("listitem").nth(2).get_by_role("button", name="Save to My questions").click()
    screenshot(page, "my-questions-nojs-article-saved-390")

    page.get_by_role("navigation", name="Your account").get_by_role("link", name="My questions").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My questions"
    page.get_by_role("button", name="Add to my list").click()  # nothing written: a clear error, no 500
    assert "Write your question before adding it." in page.locator(".error-summary").inner_text()
    page.get_by_label("Add a question of your own").fill("Can I keep working full time during treatment?")
    page.get_by_role("button", name="Add to my list").click()
    assert len(listed(page)) == 3

    page.locator(".my-question").nth(2).get_by_role("button", name="Move up").click()
    page.locator(".my-question").nth(1).get_by_role("button", name="Move up").click()
    order = listed(page)
    assert order[0] == "Can I keep working full time during treatment?"
    assert order[1] == first_text
    page.locator(".my-question").nth(2).get_by_role("button", name="Remove").click()
    assert len(listed(page)) == 2
    screenshot(page, "my-questions-nojs-list-390")

    page.get_by_role("link", name="Print my questions").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Questions for my appointment"
    assert page.get_by_text("Your own question").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_role("banner").is_visible()
    assert not page.get_by_role("link", name="Back to My questions").is_visible()
    assert not page.get_by_text("use your browser's Print command").is_visible()
    assert page.get_by_text(first_text).is_visible()
    assert page.locator(".my-question__notes").first.is_visible()
    screenshot(page, "my-questions-print-paper")
    context.close()


PAGES = {
    "my-questions-list": "/my-questions/",
    "my-questions-print": "/my-questions/print/",
    "my-questions-article": FATIGUE,
    "my-questions-save": "/my-questions/save/{question}/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_my_questions_pages_have_no_axe_violations_for_a_member_or_a_new_reader(demo_site, browser, name):
    """The demo patient has a list of four; a signed-out reader sees the empty list and the article's links."""
    from articles.models import Question

    path = PAGES[name].format(question=Question.objects.filter(article__slug=STOMP2.split("/")[2]).first().pk)
    cookies = {"patient": [session_cookie(Client(), demo_site.url, "patient")], None: []}
    chromium = browser()

    problems = []
    for who, scheme in [("patient", "light"), ("patient", "dark"), (None, "light")]:
        shot = "-".join([name] + ([f"as-{who}"] if who else []) + (["dark"] if scheme == "dark" else []))
        for view in check_page(chromium, demo_site.url, path, shot, cookies=cookies[who], color_scheme=scheme):
            seen = f"{name} as {who or 'a signed-out reader'}, {scheme}, {view.width}px"
            if view.response.status != 200:
                problems.append(f"{seen}: status {view.response.status}")
            problems += axe_problems(view.results, seen)
            if view.third_party or view.errors:
                problems.append(f"{seen}: {view.third_party} {view.errors}")

    assert problems == [], "\n\n".join(problems)


def test_the_list_with_an_error_has_no_axe_violations(demo_site, browser):
    page = browser().new_context().new_page()
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(demo_site.url + "/my-questions/")
        page.get_by_label("Add a question of your own").fill("   ")
        page.get_by_role("button", name="Add to my list").click()
        assert "Write your question" in page.locator(".error-summary").inner_text()
        problems += axe_problems(audit(page, "my-questions-error", width), f"list with an error, {width}px")

    assert problems == [], "\n\n".join(problems)
