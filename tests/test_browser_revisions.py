"""
Corrections, updates and review dates in a real Chromium: the demo article
with an update note, given a correction and an overdue review, has no axe
violations at a phone's and a laptop's width, in light and dark; and the
editor's history, compare, restore and due-for-review pages in admin work
(screenshots in tests/screenshots/, no axe bar for Django's admin).

Skips like the other browser tests when Chromium is missing (never in CI).
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.browsing import WIDTHS, audit, check_page, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FATIGUE = "/articles/fatigue-and-ibd-what-can-help/"


@pytest.fixture
def corrected_overdue_article(demo_site):
    """The demo fatigue article (it has an update note) with a correction too, and its review overdue."""
    from articles.caching import article_changed
    from articles.models import Article, ArticleCorrection

    article = Article.objects.get(slug="fatigue-and-ibd-what-can-help")
    ArticleCorrection.objects.create(
        article=article,
        kind=ArticleCorrection.Kind.CORRECTION,
        text="An earlier version said iron infusions are *always* given in hospital. Some clinics give them in "
        "the community too.",
        published_at=timezone.now() - timedelta(days=1),
    )
    Article.objects.filter(pk=article.pk).update(next_review_due=timezone.localdate() - timedelta(days=3))
    article_changed(article.slug)
    return article


def test_an_article_with_corrections_and_an_overdue_review_has_no_axe_violations(
    demo_site, corrected_overdue_article, browser
):
    chromium = browser()

    problems = []
    for scheme in ("light", "dark"):
        name = "article-corrections" + ("-dark" if scheme == "dark" else "")
        for view in check_page(chromium, demo_site.url, FATIGUE, name, color_scheme=scheme):
            problems += view.problems(scheme)

    assert problems == [], "\n\n".join(problems)


def test_the_page_shows_the_notes_and_the_review_note_where_readers_look(demo_site, corrected_overdue_article, browser):
    page = browser().new_context(viewport={"width": 390, "height": 900}).new_page()
    page.goto(demo_site.url + FATIGUE)

    box = page.get_by_role("region", name="Corrections and updates")
    notes = box.get_by_role("listitem")
    assert notes.count() == 2
    assert notes.nth(0).inner_text().startswith("Correction")
    assert notes.nth(1).inner_text().startswith("Update")
    byline = page.locator(".byline")
    assert "Corrected on" in byline.inner_text()
    assert "Updated on" in byline.inner_text()
    assert "This article is due for review." in byline.inner_text()
    # Below the header, above the picture and the opening.
    header_bottom = page.locator(".article__header").bounding_box()
    box_top, hero_top = box.bounding_box(), page.locator(".hero").bounding_box()
    assert header_bottom["y"] + header_bottom["height"] <= box_top["y"] < hero_top["y"]
    page.get_by_role("link", name="Corrected on").click()
    assert page.url.endswith("#corrections")


def test_the_editor_sees_history_compares_and_opens_a_revision_in_admin(demo_site, corrected_overdue_article, browser):
    from articles.models import Article, Section

    article = Article.objects.get(slug="fatigue-and-ibd-what-can-help")
    cookie = session_cookie(Client(), demo_site.url, "editor")
    section = Section.objects.filter(article=article).first()
    chromium = browser()
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([cookie])
    page = context.new_page()

    # Save once in admin, changing a section, so there are two revisions to compare.
    page.goto(f"{demo_site.url}/admin/articles/article/{article.pk}/change/")
    body = page.locator(f"textarea[name='sections-{0}-body']")
    assert section.body.split()[0] in body.input_value()
    body.fill(body.input_value() + " Talking to your team helps.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    page.goto(f"{demo_site.url}/admin/articles/article/{article.pk}/history/")
    assert page.locator("#change-history tbody tr").count() == 2
    audit(page, "admin-article-history", 1280)
    page.get_by_role("button", name="Compare the selected revisions").click()
    page.wait_for_url("**/history/compare/**")
    assert page.locator("ins", has_text="Talking").count() == 1
    audit(page, "admin-article-compare", 1280)

    page.get_by_role("link", name="Restore the earlier revision").click()
    page.wait_for_url("**/history/*/")
    assert "Talking to your team helps." not in page.locator(f"textarea[name='sections-{0}-body']").input_value()
    audit(page, "admin-article-revision", 1280)

    page.goto(f"{demo_site.url}/admin/articles/articledueforreview/")
    assert page.get_by_role("heading", name="Articles due for review").count() == 1
    assert page.get_by_role("link", name=corrected_overdue_article.headline).count() == 1
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        audit(page, "admin-due-for-review", width)
    context.close()
