"""
The related articles, feed links and the head's structured data in a real
Chromium: axe finds nothing on the article, topic and tag pages at a phone's
and a laptop's width, the
JSON-LD block is not refused by the Content-Security-Policy (it is data, never
run), and the related-articles block is saved as a screenshot at each width.
Run alone with ``pytest -m browser tests/test_browser_related.py``.
"""

import json

import pytest

from tests.browsing import SCREENSHOTS, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"


@pytest.mark.parametrize(
    ("path", "name", "scheme"),
    [
        (STOMP2, "article-related", "light"),
        (STOMP2, "article-related-dark", "dark"),
        ("/topics/crohns-disease/", "topic-feeds", "light"),
        ("/tags/clinical-trials/", "tag-feeds", "light"),
    ],
)
def test_pages_with_related_articles_and_feed_links_pass_axe_and_run_no_script_from_their_data(
    demo_site, browser, path, name, scheme
):
    chromium = browser()

    problems = []
    for view in check_page(chromium, demo_site.url, path, name, color_scheme=scheme):
        problems += view.problems(f"{path}, {scheme}")
    assert problems == [], "\n\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_related_articles_block_looks_finished(demo_site, browser, width):
    page = browser().new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(demo_site.url + STOMP2)

    related = page.get_by_role("complementary", name="Related articles")
    related.scroll_into_view_if_needed()
    assert related.get_by_role("heading", level=3).count() >= 1
    assert related.get_by_role("link", name="Randomised, double-blind, placebo-controlled").first.is_visible()
    box = related.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # nothing runs off the screen
    SCREENSHOTS.mkdir(exist_ok=True)
    related.screenshot(path=SCREENSHOTS / f"related-articles-{width}.png")

    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "MedicalWebPage"
    assert data["about"]["name"] == "Crohn's disease"
