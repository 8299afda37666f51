"""
The article page stays light for readers on slow phones: its HTML, CSS and
JavaScript together under 60 KB uncompressed (images aside), one stylesheet,
and no script that blocks rendering. And nothing inline, so a strict
Content-Security-Policy (no 'unsafe-inline') can't break a page.
"""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

BUDGET = 60 * 1024
STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


class Resources(HTMLParser):
    """The stylesheets and scripts a page loads, and any inline script or style it carries."""

    def __init__(self):
        super().__init__()
        self.stylesheets, self.scripts, self.inline = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        elif tag == "script" and "src" in attrs:
            self.scripts.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            pass  # structured data for search engines: never run, so not a script to CSP
        elif tag in ("script", "style"):
            self.inline.append(tag)
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append(f"{tag} with an inline style or event handler")


def static_size(url):
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} is not a static file"
    return Path(path).stat().st_size


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(params=["reader", "member"])
def article_page(request, demo, client):
    """The demo article with its discussion, as a signed-out reader and as a member (who also gets the form)."""
    if request.param == "member":
        from django.contrib.auth.models import User

        client.force_login(User.objects.get(username="patient"))
    response = client.get(STOMP2)
    assert response.status_code == 200
    resources = Resources()
    resources.feed(response.content.decode())
    return response.content, resources


def test_the_article_page_html_css_and_js_weigh_under_60_kb(article_page):
    html, resources = article_page

    total = len(html) + sum(static_size(url) for url in resources.stylesheets)
    total += sum(static_size(script["src"]) for script in resources.scripts)

    assert total < BUDGET, f"{total / 1024:.1f} KB"


def test_the_article_page_loads_exactly_one_stylesheet(article_page):
    _, resources = article_page

    assert resources.stylesheets == [f"{settings.STATIC_URL}css/site.css"]


def test_the_article_page_loads_its_script_without_blocking_rendering(article_page):
    _, resources = article_page

    assert [script["src"] for script in resources.scripts] == [f"{settings.STATIC_URL}js/print-questions.js"]
    for script in resources.scripts:
        assert "defer" in script or "async" in script or script.get("type") == "module", script


def test_the_article_page_has_no_inline_script_style_or_event_handler(article_page):
    _, resources = article_page

    assert resources.inline == []


def test_an_article_without_questions_loads_no_script(client, make_article):
    article = make_article()

    resources = Resources()
    resources.feed(client.get(article.get_absolute_url()).content.decode())

    assert resources.scripts == []


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_has_an_inline_script_or_style(template):
    source = template.read_text()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script> block"
    assert not re.search(r"<style[\s>]", source), "inline <style> block"
    assert not re.search(r"\sstyle=", source), 'inline style="" attribute'
    assert not re.search(r"\son[a-z]+=", source), "inline event handler"
