"""
Members' sessions with Redis (community.sessions): read from the cache, kept in the database.

A member's page reads the session from Redis instead of PostgreSQL. The database stays the durable store, and
logging out takes effect at once: through the cache here, and after a Redis outage too.
"""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import caching
from articles.caching import QuickToGiveUpConnection
from community.ratelimit import redis_counters
from community.sessions import SessionStore
from tests.test_redis_down import own_redis, redis_log  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "community.sessions"


def session_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in queries if "django_session" in query["sql"]], response


def test_the_settings_read_sessions_through_redis_only_when_it_is_there():
    expected = "community.sessions" if settings.REDIS_URL else "django.contrib.sessions.backends.db"
    assert expected == settings.SESSION_ENGINE


@pytest.mark.skipif(not settings.REDIS_URL, reason="sessions are read from Redis: set REDIS_URL")
class TestWithRedis:
    def test_a_members_page_reads_the_session_from_redis(self, cached_sessions, member, make_article):
        article = make_article()
        client = Client()
        client.force_login(member)
        client.get(article.get_absolute_url())

        queries, page = session_queries(client, article.get_absolute_url())

        assert queries == []
        assert "Log out" in page.content.decode()

    def test_the_database_keeps_the_session(self, cached_sessions, member, make_article):
        client = Client()
        client.force_login(member)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert Session.objects.filter(session_key=key).exists()

        cache.clear()  # Redis restarted empty
        caching.forget_worker_state()

        queries, page = session_queries(client, make_article().get_absolute_url())
        assert len(queries) == 1  # read from the database, then cached again
        assert "Log out" in page.content.decode()

    def test_logging_in_gives_a_new_session_and_logging_out_ends_it(self, cached_sessions, member, password):
        client = Client()
        anonymous = client.session  # a visitor's session, with something in it, before logging in
        anonymous["my_questions"] = {"next_id": 1, "items": []}
        anonymous.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = anonymous.session_key

        login = client.post(reverse("community:login"), {"username": member.email, "password": password})

        assert login.status_code == 302
        signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert signed_in != anonymous.session_key
        assert not Session.objects.filter(session_key=anonymous.session_key).exists()
        old_cookie = Client()
        old_cookie.cookies[settings.SESSION_COOKIE_NAME] = anonymous.session_key
        assert "Log out" not in old_cookie.get("/").content.decode()
        other_browser = Client()
        other_browser.cookies[settings.SESSION_COOKIE_NAME] = signed_in
        assert "Log out" in other_browser.get("/").content.decode()

        assert client.post(reverse("community:logout")).status_code == 302

        assert "Log out" not in other_browser.get("/").content.decode()
        assert not Session.objects.filter(session_key=signed_in).exists()

    def test_a_cached_copy_outlives_neither_the_session_nor_a_cached_page(self, cached_sessions, settings):
        short = SessionStore()
        short["my_questions"] = {"next_id": 1, "items": []}
        short.set_expiry(120)
        short.save()
        usual = SessionStore()
        usual["my_questions"] = {"next_id": 1, "items": []}
        usual.save()

        assert 0 < cache.ttl(short.cache_key) <= 120
        assert 120 < cache.ttl(usual.cache_key) <= settings.PAGE_CACHE_SECONDS < settings.SESSION_COOKIE_AGE


def test_a_member_stays_signed_in_when_redis_stops(own_redis, cached_sessions, member, make_article):  # noqa: F811
    article = make_article()
    client = Client()
    client.force_login(member)
    assert "Log out" in client.get(article.get_absolute_url()).content.decode()

    own_redis.kill()
    own_redis.wait()

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "Log out" in page.content.decode()
    assert client.post(reverse("community:logout")).status_code == 302
    assert "Log out" not in client.get(article.get_absolute_url()).content.decode()


def test_a_session_ended_while_redis_was_away_is_not_read_from_it_after(
    own_redis,  # noqa: F811
    cached_sessions,
    member,
    make_article,
    monkeypatch,
):
    monkeypatch.setattr(QuickToGiveUpConnection, "pause_seconds", 1)
    article = make_article()
    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert "Log out" in client.get(article.get_absolute_url()).content.decode()
    # Redis keeps its data, the cached session included, but answers nobody for a while.
    redis_counters(settings.REDIS_URL).client.execute_command("CLIENT", "PAUSE", 1500, "ALL")
    paused_until = time.monotonic() + 1.5

    assert client.post(reverse("community:logout")).status_code == 302
    assert time.monotonic() < paused_until
    given_up_until = max(QuickToGiveUpConnection.unanswered_until.values())
    time.sleep(max(paused_until, given_up_until) - time.monotonic() + caching.LOCAL_VERSION_SECONDS + 0.1)

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert "Log out" not in stolen.get(article.get_absolute_url()).content.decode()
