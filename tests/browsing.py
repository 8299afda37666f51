"""
Helpers for the browser tests: Debian's Chromium through Playwright, axe
checks and screenshots. The fixtures that use them are in conftest.py.
"""

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = [390, 1280]


def audit(page, name, width):
    """Save a screenshot of the page as it is now, and run axe on it."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    return Axe().run(page)


def check_page(browser, origin, path, name, width, cookies=()):
    """Open a page, audit it, and note any request that leaves the site."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(list(cookies))
    page = context.new_page()
    third_party = []
    page.on("request", lambda request: request.url.startswith(origin) or third_party.append(request.url))
    response = page.goto(origin + path)
    results = audit(page, name, width)
    context.close()
    return response, results, third_party


def session_cookie(client, origin, username):
    """Log in through the test client and hand its session to the browser."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": origin}
