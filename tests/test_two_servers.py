"""
Two app servers sharing PostgreSQL and Redis: an edit made through one is visible through the other within a second.

Two gunicorn instances, on ports of their own, share the test database and
one Redis (and key prefix), as app servers behind a load balancer do. Both
have served the article page and the community page to signed-out readers from
the page cache. A moderator approves a held comment through the first; from a
second later every request to the second shows it. (The home page's comment
counts follow the lists' own copy, not each comment: docs/performance.md.)
"""

import gzip
import time
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from bench.client import CSRF_FIELD, Visitor
from community.models import Comment
from tests.servers import free_port, gunicorn

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="Two app servers need PostgreSQL and Redis to share: set DATABASE_URL to PostgreSQL and REDIS_URL "
        "(CI's second pass, .ci/run, does)",
    ),
    # The servers read what this test commits; serialized_rollback puts back what data migrations made.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROMISED_SECONDS = 1.0
COMMENT = "The diary card from the trial helped me explain my flares to my nurse."


def read(url):
    """A signed-out reader's visit: the page's text, and whether it came compressed (from the page cache)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body, compressed = response.read(), response.headers.get("Content-Encoding") == "gzip"
    return (gzip.decompress(body) if compressed else body).decode(), compressed


@pytest.fixture
def two_servers(tmp_path):
    """Two gunicorn instances, two workers each, sharing the test database, Redis and the cache's key prefix."""
    shared = {
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": f"two-servers-{free_port()}",
        "STAFF_TWO_FACTOR": "0",
        # Visitor says it came through the TLS proxy; its forms' Origin is https.
        "BEHIND_TLS_PROXY": "1",
    }
    with gunicorn(tmp_path, name="one", **shared) as one, gunicorn(tmp_path, name="two", **shared) as two:
        yield one, two


def test_an_edit_through_one_server_is_visible_through_the_other_within_a_second(
    two_servers, make_article, make_comment, member, moderator, password
):
    one, two = two_servers
    article = make_article(headline="A diary card for flares")
    held = make_comment(article, member, COMMENT, status=Comment.Status.PENDING, hold_reason="first comment")
    # The servers check passwords with the site's own hashers, not the suite's fast one.
    hasher = PBKDF2PasswordHasher()
    moderator.password = hasher.encode(password, hasher.salt())
    moderator.save(update_fields=["password"])
    headline = article.headline
    pages = [article.get_absolute_url(), "/community/"]

    for server in (one, two):
        for page in pages:
            read(server + page)
            text, from_cache = read(server + page)
            assert from_cache, f"{server}{page} was not served from the page cache"
            assert COMMENT not in text
            assert headline not in text or page != "/community/"

    port = int(one.rsplit(":", 1)[1])
    moderator_visit = Visitor("127.0.0.1", port).log_in(moderator.email, password)
    queue = moderator_visit.get("/moderation/").text
    token = CSRF_FIELD.search(queue).group(1)
    decided = moderator_visit.request(
        "POST", f"/moderation/comments/{held.pk}/", {"csrfmiddlewaretoken": token, "decision": "approve", "next": "/"}
    )
    approved_at = time.monotonic()
    assert decided.status == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED

    for page, shows_it in [(article.get_absolute_url(), COMMENT), ("/community/", headline)]:
        while True:
            asked_at = time.monotonic()
            text, _ = read(two + page)
            if shows_it in text:
                break
            stale_for = asked_at - approved_at
            assert stale_for < PROMISED_SECONDS, f"{two}{page} still shows the old page {stale_for:.2f} s later"
            time.sleep(0.02)
        print(f"{page} fresh on the other server {asked_at - approved_at:.2f} s after the approval")


def test_logging_out_through_one_server_signs_the_session_out_on_the_other_at_once(
    two_servers, make_article, member, password
):
    """Sessions are read from Redis (community.sessions): logging out must delete that copy, not just the row."""
    one, two = two_servers
    article = make_article(headline="A diary card for flares")
    hasher = PBKDF2PasswordHasher()
    member.password = hasher.encode(password, hasher.salt())
    member.save(update_fields=["password"])
    through_one = Visitor("127.0.0.1", int(one.rsplit(":", 1)[1])).log_in(member.email, password)
    through_two = Visitor("127.0.0.1", int(two.rsplit(":", 1)[1]), cookies=dict(through_one.cookies))
    for _ in range(3):
        assert "Log out" in through_two.get(article.get_absolute_url()).text

    token = CSRF_FIELD.search(through_one.get(article.get_absolute_url()).text).group(1)
    assert through_one.request("POST", "/account/logout/", {"csrfmiddlewaretoken": token}).status == 302

    assert "Log out" not in through_two.get(article.get_absolute_url()).text
