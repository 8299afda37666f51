"""
Readers on a phone (issue 12) in a real Chromium: the header's height at 390 by 844, search one tap away
without script, "On this page" and the key points at the top of the article, and the message where a member lands after
posting, at 390 and 1,280 px. axe finds nothing; the screenshots are saved to look at in tests/screenshots/.
"""

import pytest

from tests.browsing import SCREENSHOTS, audit, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
PHONE = {"width": 390, "height": 844}
# px of the phone's 844; it was 240. A member's account links (My questions, Notifications with its
# count, Your account, Log out) take a second short row.
HEADER_LIMIT = {"reader": 120, "member": 150}


def no_violations(results, seen):
    assert results.violations_count == 0, f"{seen}:\n{results.generate_report()}"


def test_the_header_is_compact_on_a_phone_and_search_is_one_tap_away(demo_site, client, browser):
    cookie = session_cookie(client, demo_site.url, "patient")
    chromium = browser()
    SCREENSHOTS.mkdir(exist_ok=True)
    for cookies in ([], [cookie]):  # a signed-out reader, and a member's header
        who = "member" if cookies else "reader"
        for script in (False, True):  # it works without script; axe needs script to run
            context = chromium.new_context(viewport=PHONE, java_script_enabled=script)
            context.add_cookies(cookies)
            page = context.new_page()
            page.goto(demo_site.url + "/")

            height = page.locator(".site-header").bounding_box()["height"]
            assert height <= HEADER_LIMIT[who], f"{who}: {height}px"
            search = page.get_by_role("searchbox", name="Search articles")
            assert not search.is_visible()
            page.screenshot(path=SCREENSHOTS / f"phone-header-{who}-view-390.png")
            page.locator(".site-header__search > summary").click()  # a <details> disclosure
            assert search.is_visible()
            if script:
                page.screenshot(path=SCREENSHOTS / f"phone-header-search-open-{who}-view-390.png")
                no_violations(audit(page, f"phone-header-search-open-{who}", 390), f"header, search open, {who}")
            context.close()


def test_the_search_box_is_always_shown_on_a_laptop(demo_site, browser):
    page = browser().new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo_site.url + "/")

    assert page.get_by_role("searchbox", name="Search articles").is_visible()
    assert not page.locator(".site-header__search > summary").is_visible()
    page.get_by_role("searchbox", name="Search articles").fill("fatigue")
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    assert "/search/?q=fatigue" in page.url


def test_on_this_page_jumps_to_each_part_without_script(demo_site, browser):
    chromium = browser()
    page = chromium.new_page(viewport=PHONE)
    page.goto(demo_site.url + STOMP2)
    SCREENSHOTS.mkdir(exist_ok=True)
    top = {"x": 0, "y": 0, "width": 390, "height": 2000}
    key_points = page.get_by_role("region", name="Key points").bounding_box()
    assert key_points["y"] + key_points["height"] < top["height"]  # the screenshot shows it whole
    page.screenshot(path=SCREENSHOTS / "phone-article-top-view-390.png", clip=top, full_page=True)
    no_violations(audit(page, "phone-article", 390), "article at 390px")

    page = chromium.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(demo_site.url + STOMP2)
    contents = page.get_by_role("navigation", name="On this page")
    assert contents.bounding_box()["y"] < 3 * PHONE["height"]  # near the top: it was 17 screens to the end
    names = contents.get_by_role("link").all_inner_texts()
    assert names[0] == "Summary of the reporting" and names[-1] == "Discussion"
    assert "Practical considerations for patients" in names
    for name in ("Practical considerations for patients", "Questions for your healthcare team", "Discussion"):
        page.goto(demo_site.url + STOMP2)
        contents.get_by_role("link", name=name, exact=True).click()
        target = page.locator(page.url[page.url.index("#") :])
        assert -1 < target.bounding_box()["y"] < 100, name  # a scroll lands on whole pixels, layout need not


@pytest.mark.parametrize("width", [390, 1280])
def test_after_posting_the_message_is_where_the_member_lands(demo_site, client, browser, width):
    cookie = session_cookie(client, demo_site.url, "patient")
    context = browser().new_context(viewport={"width": width, "height": 844})
    context.add_cookies([cookie])
    page = context.new_page()
    page.goto(demo_site.url + STOMP2)

    page.get_by_label("Your comment").fill("Thank you: I will take the questions to my next appointment.")
    page.get_by_role("button", name="Post comment").click()

    assert "#comment-" in page.url
    landed = page.locator(".comment--landed")
    message = landed.locator(".message")
    assert "Thank you: your comment" in message.inner_text()
    assert landed.locator(".comment__marker").inner_text() == "Just posted"
    box = message.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box  # in view, where the page jumped to
    assert page.locator(".wrap.messages").count() == 0  # not also at the top, out of view
    page.screenshot(path=SCREENSHOTS / f"landed-message-view-{width}.png")
    no_violations(audit(page, "landed-message", width), f"landed message at {width}px")
