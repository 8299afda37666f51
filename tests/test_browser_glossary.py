"""
The glossary in a real Chromium: axe finds nothing on the glossary page or on
an article with linked terms, at a phone's and a laptop's width, in light and
dark; and a term's link takes a reader to its definition with JavaScript off.
Screenshots land in tests/screenshots/ (git-ignored).
"""

import pytest

from tests.browsing import SCREENSHOTS, check_page

# serialized_rollback keeps the topics and groups that data migrations made.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
TRIAL_WORDS = "/articles/randomised-double-blind-placebo-controlled-explained/"


@pytest.mark.parametrize(
    ("name", "path"),
    [("glossary", "/glossary/"), ("glossary-article", STOMP2), ("glossary-trial-words", TRIAL_WORDS)],
)
def test_glossary_pages_have_no_axe_violations(demo_site, browser, name, path):
    chromium = browser()
    problems = []
    for scheme in ("light", "dark"):
        screenshot = name + ("-dark" if scheme == "dark" else "")
        for view in check_page(chromium, demo_site.url, path, screenshot, color_scheme=scheme):
            problems += view.problems(f"{name}, {scheme}")

    assert problems == [], "\n\n".join(problems)


def test_a_term_link_leads_to_its_definition_without_javascript(demo_site, browser):
    page = browser().new_context(viewport={"width": 390, "height": 900}, java_script_enabled=False).new_page()
    page.goto(demo_site.url + STOMP2)

    page.locator("a.term", has_text="fistula").first.click()

    assert page.url.endswith("#define-fistula")
    entry = page.locator("#define-fistula")
    assert entry.is_visible()
    assert "tunnel" in entry.inner_text()
    # The entry the reader jumped to is marked (by :target, not by script).
    assert entry.evaluate("element => element.matches(':target')")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "glossary-article-definition-390.png")

    page.get_by_role("link", name="More plain-language explanations in our glossary").click()
    page.get_by_role("link", name="F", exact=True).click()

    assert page.url.endswith("/glossary/#letter-f")
    assert page.locator("#term-fistula").is_visible()


def test_term_links_come_in_reading_order_and_take_keyboard_focus(demo_site, browser):
    page = browser().new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(demo_site.url + STOMP2)

    links = page.locator(".prose a.term")

    assert [text.lower() for text in links.all_inner_texts()] == [
        "perianal",
        "fistula",
        "crohn's",
        "double-blind",
        "placebo",
        "mesenchymal stem cells",
        "biologic medicines",
    ]
    links.first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#define-fistula"
