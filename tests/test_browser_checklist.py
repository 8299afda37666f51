"""
"How we checked this story" in a real Chromium: on the STOMP2 demo article,
opened with a click or the keyboard (no JavaScript of ours), axe finds nothing
at a phone's and a laptop's width, in light and dark mode. Screenshots land
in tests/screenshots/ (review-checklist-*.png), with the editor's checklist in
admin for a look.
"""

import pytest
from django.test import Client

from tests.browsing import SCREENSHOTS, WIDTHS, audit, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_panel_has_no_axe_violations_at_each_width(demo_site, browser, scheme):
    context = browser().new_context(viewport={"width": WIDTHS[0], "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(demo_site.url + STOMP2)
        panel = page.locator("section.review-checklist")
        assert panel.get_by_role("heading", level=2).inner_text() == "How we checked this story"
        assert not panel.locator("dl").is_visible()

        if width == WIDTHS[0]:
            panel.locator("summary").focus()
            page.keyboard.press("Enter")
        else:
            panel.locator("summary").click()

        assert panel.locator("dl").is_visible()
        assert panel.locator("dt").count() == 10
        assert "No." in panel.locator("dd").first.inner_text()
        results = audit(page, f"review-checklist-article{'-dark' if scheme == 'dark' else ''}", width)
        panel.screenshot(path=SCREENSHOTS / f"review-checklist-panel-{scheme}-{width}.png")
        assert results.violations_count == 0, results.generate_report()
    assert errors == []
    context.close()


def test_the_editor_sees_the_checklist_in_admin(demo_site, browser):
    from django.contrib.auth import get_user_model

    from articles.models import Article

    User = get_user_model()
    editor = User.objects.get(username="editor")
    assert not editor.is_superuser
    stomp2 = Article.objects.get(slug=STOMP2.split("/")[2])
    cookie = session_cookie(Client(), demo_site.url, "editor")
    context = browser().new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([cookie])
    page = context.new_page()

    page.goto(f"{demo_site.url}/admin/articles/article/{stomp2.pk}/change/")

    inline = page.locator("#review_answers-group")
    assert inline.locator("tr.form-row.has_original").count() == 10
    assert "Does the story say how big the benefit is, in numbers?" in inline.inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    inline.screenshot(path=SCREENSHOTS / "review-checklist-admin-1280.png")
    context.close()
