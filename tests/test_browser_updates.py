"""
Email updates by topic in a real Chromium, on the demo site: the form on a topic page and the home page, a
reader subscribing with it, the confirmation page, and the unsubscribe page before and after, each with no
axe violations at a phone's and a laptop's width. Screenshots land in tests/screenshots/.
"""

import re

import pytest
from django.core import mail

from community.models import Subscriber
from tests.browsing import WIDTHS, audit, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {
    "updates-topic-form": "/topics/crohns-disease/",
    "updates-home-form": "/",
    "updates-subscribe": "/updates/?topic=crohns-disease",
    "updates-sent": "/updates/sent/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_update_pages_have_no_axe_violations(demo_site, browser, name):
    problems = []
    for view in check_page(browser(), demo_site.url, PAGES[name], name):
        problems += view.problems(name)
    assert problems == [], "\n\n".join(problems)


def test_a_reader_subscribes_confirms_and_unsubscribes(demo_site, browser):
    subscriber = Subscriber.objects.create(email="left@example.org")
    subscriber.confirm(topic=None, frequency=Subscriber.Frequency.WEEKLY)
    chromium = browser()
    problems = []

    def check(page, name, width):
        results = audit(page, name, width)
        if results.violations_count:
            problems.append(f"{name} at {width}px:\n{results.generate_report()}")

    for width in WIDTHS:
        mail.outbox.clear()
        context = chromium.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(demo_site.url + "/topics/crohns-disease/")
        page.get_by_label("Your email address").fill(f"reader{width}@example.org")
        page.get_by_role("button", name="Subscribe").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

        [message] = mail.outbox
        link = re.search(r"/updates/confirm/\S+/", message.body).group(0)
        page.goto(demo_site.url + link)
        check(page, "updates-confirm", width)
        page.get_by_role("button", name="Start my updates").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Your email updates have started"
        check(page, "updates-confirmed", width)

        page.goto(demo_site.url + subscriber.get_unsubscribe_url())
        check(page, "updates-unsubscribe", width)
        page.get_by_role("button", name="Unsubscribe").click()
        assert page.get_by_role("heading", level=1).inner_text() == "You're unsubscribed"
        check(page, "updates-unsubscribed", width)
        context.close()

    assert problems == [], "\n\n".join(problems)
