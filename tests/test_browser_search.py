"""
Search in a real Chromium, on the demo site: the results page with results,
with none, and with nothing typed passes axe at a phone's and a laptop's
width, in light and dark, signed out and as the demo member; and a reader
can search from the header of any page with the keyboard alone, no
JavaScript needed. Screenshots land in tests/screenshots/.
"""

import pytest
from django.test import Client

from tests.browsing import SCREENSHOTS, check_page, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {
    "search-results": "/search/?q=fistula",
    "search-no-results": "/search/?q=zebra",
    "search-no-words": "/search/?q=%21%21%21",
    "search-empty": "/search/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_search_pages_have_no_axe_violations(demo_site, browser, name):
    cookies = {None: [], "patient": [session_cookie(Client(), demo_site.url, "patient")]}
    chromium = browser()

    problems = []
    for who, scheme in [(None, "light"), (None, "dark"), ("patient", "light")]:
        screenshot = "-".join([name] + ([f"as-{who}"] if who else []) + (["dark"] if scheme == "dark" else []))
        for view in check_page(
            chromium, demo_site.url, PAGES[name], screenshot, cookies=cookies[who], color_scheme=scheme
        ):
            problems += view.problems(f"{name} as {who or 'a signed-out reader'}, {scheme}")

    assert problems == [], "\n\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_reader_searches_from_the_header_without_javascript(demo_site, browser, width):
    context = browser().new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site.url + "/about/")
    if width < 768:  # on a phone the box is one tap away, behind "Search" (a <details>: no script needed)
        page.locator(".site-header__search > summary").click()

    search_box = page.get_by_role("search", name="Site").get_by_label("Search articles")
    search_box.fill("stem cells")
    search_box.press("Enter")

    page.wait_for_url("**/search/?q=stem+cells")
    results = page.locator(".search-result")
    assert results.count() >= 1
    assert "perianal fistulas" in results.first.get_by_role("heading").inner_text()
    assert page.locator(".search-result mark").count() >= 1
    assert page.get_by_label("Words to look for").input_value() == "stem cells"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"search-from-header-{width}.png", full_page=True)
    context.close()
