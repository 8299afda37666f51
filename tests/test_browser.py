"""
Pages in a real Chromium: axe finds no accessibility violations, at a phone's
and a laptop's width, and each page is saved as a screenshot to look at in
tests/screenshots/.

Run alone with ``pytest -m browser``. Without /usr/bin/chromium these tests
skip with the reason printed, unless REQUIRE_BROWSER_TESTS is set (as CI does).
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

# serialized_rollback keeps the topics and groups that data migrations made.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = [390, 1280]
READER_PAGES = {
    "home": "/",
    "article": "/articles/stem-cell-therapy-perianal-fistulas-stomp2/",
    "topic": "/topics/crohns-disease/",
    "tag": "/tags/clinical-trials/",
    "author": "/authors/hannah-okafor/",
    "about": "/about/",
    "editorial-policy": "/editorial-policy/",
    "not-found": "/articles/no-such-article/",
}


@pytest.fixture
def browser():
    """A fresh Chromium for each test.

    Playwright's sync API runs an event loop in this thread, and while it runs
    Django hands out different database connections; so tests do their ORM
    work before the browser starts, and each browser stops with its test.
    """
    if not os.path.exists(CHROMIUM):
        message = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    def launch():
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        started.append(playwright)
        return browser

    started = []
    yield launch
    for playwright in started:
        playwright.stop()


@pytest.fixture
def demo_site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    return live_server


def check_page(browser, origin, path, name, width, cookies=()):
    """Open a page, save its screenshot, run axe; note any request that leaves the site."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(list(cookies))
    page = context.new_page()
    third_party = []
    page.on("request", lambda request: request.url.startswith(origin) or third_party.append(request.url))
    response = page.goto(origin + path)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    results = Axe().run(page)
    context.close()
    return response, results, third_party


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(READER_PAGES))
def test_reader_pages_have_no_axe_violations(browser, demo_site, name, width):
    response, results, third_party = check_page(browser(), demo_site.url, READER_PAGES[name], name, width)

    assert response.status == (404 if name == "not-found" else 200)
    assert results.violations_count == 0, results.generate_report()
    assert third_party == []


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_preview_of_a_scheduled_article_has_no_axe_violations(demo_site, client, browser, width):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="editor"))
    session_cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": demo_site.url}
    path = "/articles/preparing-for-your-ibd-clinic-appointment/"

    response, results, _ = check_page(browser(), demo_site.url, path, "preview", width, cookies=[session_cookie])

    assert response.status == 200
    assert results.violations_count == 0, results.generate_report()
