"""
Keyboard only, in a real Chromium: from the home page a member reaches an
article, logs in, posts a comment and replies to another member, pressing
nothing but Tab, Shift+Tab and Enter and typing text. Every element the
keyboard lands on must show that it has focus.

Skips like the other browser tests when Chromium is missing (never in CI).
"""

from urllib.parse import urlsplit

import pytest

ARTICLE = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "keyboard-only-password-77"
HEADLINE = "A therapy made from patients' own stem cells shows promise for Crohn's perianal fistulas"
COMMENT = "I use the keyboard because my hands are sore during a flare. Thank you for the list of questions."
REPLY = "Priya, I had a seton too. Asking about an MRI before deciding anything seemed sensible to me."

# What the keyboard is on: its visible text or its label, and whether it shows focus.
FOCUSED = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const words = (text) => (text || "").replace(/\s+/g, " ").trim();
  return {
    text: words(el.innerText || el.value),
    label: words(el.labels && el.labels.length ? el.labels[0].innerText : ""),
    tag: el.tagName.toLowerCase(),
    shows_focus: (style.outlineStyle !== "none" && style.outlineWidth !== "0px") || style.boxShadow !== "none",
  };
}"""


@pytest.fixture
def patient_email(demo_site):
    """The demo member "patient", with a password this test knows (set before the browser starts)."""
    from django.contrib.auth import get_user_model

    patient = get_user_model().objects.get(username="patient")
    patient.set_password(PASSWORD)
    patient.save()
    return patient.email


def wait_for_path(page, path):
    """Wait until the page has moved to this path (whatever its query string or fragment)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def press_until(page, key, wanted, limit=120):
    """Press the key until the focused element's text or label is the one wanted; fail if it never is."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["shows_focus"], f"no visible focus on {focused}"
        if wanted in (focused["text"], focused["label"]):
            return focused
        seen.append(focused["text"] or focused["label"])
    raise AssertionError(f"{key} never reached {wanted!r}; it went through {seen}")


def test_a_member_reads_logs_in_comments_and_replies_using_only_the_keyboard(demo_site, patient_email, browser):
    from playwright.sync_api import expect

    origin = demo_site.url
    page = browser().new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(origin + "/")

    # Home page to the featured article.
    press_until(page, "Tab", HEADLINE)
    page.keyboard.press("Enter")
    wait_for_path(page, ARTICLE)

    # "Log in" in the header brings the member back to the article afterwards.
    focused = press_until(page, "Tab", "Log in")
    assert focused["tag"] == "a"
    page.keyboard.press("Enter")
    wait_for_path(page, "/account/login/")

    press_until(page, "Tab", "Email address")
    page.keyboard.type(patient_email)
    press_until(page, "Tab", "Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    wait_for_path(page, ARTICLE)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Past the whole article to the comment form.
    press_until(page, "Tab", "Your comment")
    page.keyboard.type(COMMENT)
    press_until(page, "Tab", "Post comment")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your comment is published.")).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_be_visible()

    # Back up the page to reply to another member's comment.
    press_until(page, "Shift+Tab", "Reply to Priya")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Priya")

    press_until(page, "Tab", "Your comment")
    page.keyboard.type(REPLY)
    press_until(page, "Tab", "Post reply")
    page.keyboard.press("Enter")
    wait_for_path(page, ARTICLE)
    expect(page.get_by_text("Thank you: your comment is published.")).to_be_visible()
    expect(page.get_by_role("list", name="Replies to Priya").get_by_text(REPLY)).to_be_visible()
