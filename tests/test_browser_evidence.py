"""
The evidence stage in a real Chromium, on the demo site: the STOMP2 article with its badge, the Crohn's
disease topic filtered by stage (with a result, and with none) and the research stages page, each with
no axe violations at a phone's and a laptop's width, in light and dark mode; and the filter chosen with
the keyboard and the submit button, with JavaScript off. Screenshots land in tests/screenshots/.
"""

import pytest

from tests.browsing import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
PAGES = {
    "evidence-article": STOMP2,
    "evidence-topic-filtered": "/topics/crohns-disease/?stage=randomised-trial",
    "evidence-topic-filtered-empty": "/topics/crohns-disease/?stage=laboratory",
    "evidence-topic-unknown-stage": "/topics/crohns-disease/?stage=miracle",
    "research-stages": "/research-stages/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_evidence_pages_have_no_axe_violations_at_either_width_or_colour_scheme(demo_site, browser, name):
    chromium = browser()
    problems = []
    for scheme in ("light", "dark"):
        screenshot = name + ("-dark" if scheme == "dark" else "")
        for view in check_page(chromium, demo_site.url, PAGES[name], screenshot, color_scheme=scheme):
            problems += view.problems(f"{name}, {scheme}")

    assert problems == [], "\n\n".join(problems)


def test_a_reader_filters_a_topic_by_stage_without_javascript(demo_site, browser):
    page = browser().new_context(java_script_enabled=False, viewport={"width": 390, "height": 900}).new_page()
    page.goto(demo_site.url + "/topics/crohns-disease/")

    page.get_by_label("Show articles at one evidence stage").select_option(label="Laboratory or animal study")
    page.get_by_role("button", name="Show articles").click()

    assert page.url.endswith("/topics/crohns-disease/?stage=laboratory")
    assert page.get_by_text("No articles here are at the stage “Laboratory or animal study” yet.").is_visible()
    page.get_by_role("link", name="Show articles at every stage").click()
    assert page.url.endswith("/topics/crohns-disease/")
    assert page.get_by_role("heading", name="A therapy made from patients' own stem cells", exact=False).is_visible()


def test_the_badge_links_to_the_stage_on_the_research_stages_page(demo_site, browser):
    page = browser().new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(demo_site.url + STOMP2)

    header = page.locator(".article__header")
    assert "Evidence stage: Larger randomised trial" in header.inner_text()
    header.get_by_role("link", name="Understanding research stages").click()

    assert page.url.endswith("/research-stages/#stage-randomised-trial")
    assert page.get_by_role("heading", name="Larger randomised trial").is_visible()
