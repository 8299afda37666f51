"""
The editors' admin in a real Chromium at a laptop's 1,280 pixels: the demo editor (in the Editors group, not a
superuser) writes a research-news article, is shown what is missing in a summary at the top, fixes it through
the summary's links and publishes, all without scrolling sideways. The admin pages an editor uses have no
axe violations, WCAG 2.2's target size included. Screenshots land in tests/screenshots/ (admin-*.png): look
at the add form there.
"""

import pytest
from django.test import Client

from tests.browsing import SCREENSHOTS, audit, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LAPTOP = {"width": 1280, "height": 900}
STOMP2 = "stem-cell-therapy-perianal-fistulas-stomp2"


def editor_page(browser, problems, cookie):
    """A page signed in as the demo editor. The cookie is made first: no database work once the browser runs."""
    context = browser().new_context(viewport=LAPTOP)
    context.add_cookies([cookie])
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "response", lambda response: response.status >= 500 and problems.append(f"{response.url}: {response.status}")
    )
    return page


def small_targets(page):
    """Links and buttons too small or too close to hit (WCAG 2.2's target size), which axe leaves out by default."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["target-size"]})
    return results.generate_report() if results.violations_count else ""


# The widest overflow of the page or of any box on it that scrolls sideways (admin's table of results does).
SIDEWAYS = """Math.max(0, ...Array.from(document.querySelectorAll("*"))
    .filter((box) => box === document.documentElement || ["auto", "scroll"].includes(getComputedStyle(box).overflowX))
    .map((box) => box.scrollWidth - box.clientWidth))"""


def sideways_scroll(page):
    """How many pixels the page, or a part of it, is wider than its room: 0 when nobody has to scroll sideways."""
    return page.evaluate(SIDEWAYS)


def test_the_admin_pages_an_editor_uses_have_no_axe_violations_and_fit_1280(demo_site, browser):
    from articles.models import Article

    editor_pages = {
        "admin-article-list": "/admin/articles/article/",
        "admin-add-article": "/admin/articles/article/add/",
        "admin-change-article": f"/admin/articles/article/{Article.objects.get(slug=STOMP2).pk}/change/",
        "admin-due-for-review": "/admin/articles/articledueforreview/",
        "admin-preview": Article.objects.filter(status=Article.Status.DRAFT).first().get_absolute_url(),
    }
    cookie = session_cookie(Client(), demo_site.url, "editor")
    problems = []
    page = editor_page(browser, problems, cookie)

    for name, path in editor_pages.items():
        response = page.goto(demo_site.url + path)
        if response.status != 200:
            problems.append(f"{name}: status {response.status}")
        if overflow := sideways_scroll(page):
            problems.append(f"{name}: {overflow}px wider than the window")
        results = audit(page, name, LAPTOP["width"])
        if results.violations_count:
            problems.append(f"{name}:\n{results.generate_report()}")
        if report := small_targets(page):
            problems.append(f"{name}:\n{report}")

    assert problems == [], "\n\n".join(problems)


def test_an_editor_writes_fixes_the_listed_errors_and_publishes_research_news(demo_site, browser):
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.get(username="editor").is_superuser
    cookie = session_cookie(Client(), demo_site.url, "editor")
    problems = []
    page = editor_page(browser, problems, cookie)
    page.goto(demo_site.url + "/admin/articles/article/add/")

    # 1. The source, the link to it forgotten.
    page.get_by_label("Who published it:").fill("Gut Health Weekly")
    page.get_by_label("Their headline:").fill("Injection trial meets its main goal")
    page.get_by_label("Date they published it:").fill("2026-11-20")
    page.get_by_label("How far the research has come:").select_option(label="Larger randomised trial")
    # 2. The summary: the web address is made from the headline as it is typed.
    page.get_by_label("Headline:", exact=True).press_sequentially("Injection helps people with colitis")
    assert page.get_by_label("Web address:").input_value() == "injection-helps-people-with-colitis"
    page.get_by_label("Standfirst (the line under the headline):").fill("More people reached remission.")
    page.get_by_label("Summary of their reporting:").fill("The trial's results were reported at a conference.")
    # 3. Analysis: two sections, the second moved up to come first.
    page.locator("#id_sections-0-heading").fill("What this means for you")
    page.locator("#id_sections-0-body").fill("It is early, but the results are clear.")
    page.locator("#sections-group .add-row a").click()
    page.locator("#id_sections-1-heading").fill("Practical considerations for patients")
    page.locator("#id_sections-1-body").fill("Ask your team whether the trial is recruiting near you.")
    page.locator("#sections-1").get_by_role("button", name="Move up").click()
    assert (
        page.locator("#sections-group .inline-related[id^='sections-'] h3").first.inner_text().startswith("Section: #2")
    )
    assert not page.locator("#id_sections-0-position").is_visible()  # the number is the fallback without script
    # 4. Questions, the second one left empty by mistake.
    page.locator("#questions-group .add-row a").click()
    page.locator("#questions-group .add-row a").click()
    page.locator("#id_questions-0-text").fill("Could this injection suit me?")
    page.locator("#id_questions-2-text").fill("How would I know if it stopped working?")
    # 5. The review: every checklist question answered with a reason, and the clinician's check.
    checklist = page.locator("#review_answers-group")
    assert checklist.locator(".inline-deletelink").count() == 0
    for row in range(10):
        page.locator(f"#id_review_answers-{row}-answer_0").check()
        page.locator(f"#id_review_answers-{row}-note").fill("Checked against the trial report.")
    page.get_by_label("Checked by (clinician):").select_option(label="Dr Rafael Mendes")
    page.get_by_label("Date checked:").fill("2026-11-25")
    # 6. Publish.
    page.get_by_label("Topic:").select_option(label="Ulcerative colitis")
    page.get_by_label("Written by:").select_option(label="Hannah Okafor")
    page.get_by_label("Status:").select_option(label="Published")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-add-article-filled-1280.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = summary.get_by_role("link")
    assert links.count() == 2  # the missing source link, and a question too few for research news
    assert links.first.inner_text().startswith("Link to their article:")
    assert "at least 3 questions" in links.nth(1).inner_text()
    assert sideways_scroll(page) == 0
    results = audit(page, "admin-add-article-errors", LAPTOP["width"])
    assert results.violations_count == 0, results.generate_report()

    links.first.click()
    assert page.evaluate("document.activeElement.id") == "id_source_url"
    page.keyboard.type("https://news.example.org/injection-trial")
    links.nth(1).click()
    page.locator("#id_questions-1-text").fill("Where is the trial recruiting?")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()

    assert page.url.endswith("/admin/articles/article/")
    row = page.locator("#result_list tr", has_text="Injection helps people with colitis")
    assert row.locator("td.field-status_in_words").inner_text() == "Published"
    assert sideways_scroll(page) == 0
    page.screenshot(path=SCREENSHOTS / "admin-article-list-after-publishing-1280.png", full_page=True)

    page.goto(demo_site.url + "/articles/injection-helps-people-with-colitis/")
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Practical considerations for patients") < headings.index("What this means for you")
    assert problems == []


def test_without_javascript_sections_and_questions_are_ordered_by_number(demo_site, browser):
    cookie = session_cookie(Client(), demo_site.url, "editor")
    context = browser().new_context(viewport=LAPTOP, java_script_enabled=False)
    context.add_cookies([cookie])
    page = context.new_page()

    page.goto(demo_site.url + "/admin/articles/article/add/")

    assert page.get_by_label("Order").first.is_visible()
    assert page.locator("#id_questions-0-position").is_visible()
    assert page.get_by_role("button", name="Move up").count() == 0
    assert sideways_scroll(page) == 0
