"""
Helpers for the browser tests: Debian's Chromium through Playwright, axe
checks and screenshots. The fixtures that use them are in conftest.py.
"""

from pathlib import Path
from typing import NamedTuple

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = [390, 1280]


def audit(page, name, width):
    """Save a screenshot of the page as it is now, and run axe on it."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    return Axe().run(page)


class View(NamedTuple):
    width: int
    response: object
    results: object  # axe's results
    third_party: list  # requests to any other site
    errors: list  # scripts that failed, files that failed to load, anything the Content-Security-Policy refused

    def problems(self, seen, status=200):
        """What is wrong with the page as seen (``seen`` names it in the messages): [] when nothing is."""
        seen = f"{seen}, {self.width}px"
        found = []
        if self.response.status != status:
            found.append(f"{seen}: status {self.response.status}, expected {status}")
        if self.results.violations_count:
            found.append(f"{seen}:\n{self.results.generate_report()}")
        if self.third_party:
            found.append(f"{seen}: requests to other sites {self.third_party}")
        if self.errors:
            found.append(f"{seen}: {self.errors}")
        return found


def check_page(browser, origin, path, name, widths=WIDTHS, cookies=(), color_scheme="light"):
    """Open a page at each width in one browser context and audit it; yield a View for each width."""
    context = browser.new_context(viewport={"width": widths[0], "height": 900}, color_scheme=color_scheme)
    context.add_cookies(list(cookies))
    page = context.new_page()
    third_party, errors = [], []
    page.on("request", lambda request: request.url.startswith(origin) or third_party.append(request.url))
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    # ERR_ABORTED: a download cut short when the test moves on to the next width, not a fault of the page.
    page.on(
        "requestfailed",
        lambda request: (
            "ERR_ABORTED" in (request.failure or "")
            or errors.append(f"failed to load {request.url}: {request.failure}")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and errors.append(f"{response.status} for {response.url}")
        ),
    )
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(f"CSP: {message.text}"),
    )
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(origin + path)
            yield View(width, response, audit(page, name, width), list(third_party), list(errors))
            third_party.clear()
            errors.clear()
    finally:
        context.close()


def session_cookie(client, origin, username):
    """Log in through the test client and hand its session to the browser."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": origin}
