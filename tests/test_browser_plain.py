"""
The plain-language checks in a real Chromium: the demo draft's preview, with
the figures in its banner, has no axe violations in light and dark mode; the
admin form and article list are saved as screenshots to look at (admin's own
markup is Django's, so axe is not asked about it).
"""

import pytest
from django.test import Client

from tests.browsing import SCREENSHOTS, check_page, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DRAFT = "/articles/draft-new-pill-for-ulcerative-colitis/"


def test_preview_banner_figures_have_no_axe_violations(demo_site, browser):
    cookies = [session_cookie(Client(), demo_site.url, "editor")]
    chromium = browser()

    problems = []
    for scheme in ("light", "dark"):
        name = "plain-language-preview" + ("-dark" if scheme == "dark" else "")
        for view in check_page(chromium, demo_site.url, DRAFT, name, cookies=cookies, color_scheme=scheme):
            seen = f"{scheme}, {view.width}px"
            content = view.response.text()
            if "Plain-language check" not in content or "Breakthrough" not in content:
                problems.append(f"{seen}: the figures are missing")
            if view.results.violations_count:
                problems.append(f"{seen}:\n{view.results.generate_report()}")
            if view.errors:
                problems.append(f"{seen}: {view.errors}")

    assert problems == [], "\n\n".join(problems)


def test_screenshots_of_the_admin_form_and_list(demo_site, browser):
    from articles.models import Article

    draft = Article.objects.get(slug="draft-new-pill-for-ulcerative-colitis")
    cookie = session_cookie(Client(), demo_site.url, "editor")
    context = browser().new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([cookie])
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto(f"{demo_site.url}/admin/articles/article/{draft.pk}/change/")
    assert page.get_by_text("Hype words found").is_visible()
    page.screenshot(path=SCREENSHOTS / "plain-language-admin-form-1280.png", full_page=True)
    page.goto(f"{demo_site.url}/admin/articles/article/")
    assert page.get_by_text("above target").first.is_visible()
    page.screenshot(path=SCREENSHOTS / "plain-language-admin-list-1280.png", full_page=True)
    context.close()
