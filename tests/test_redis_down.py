"""
Redis is optional at run time: with REDIS_URL set and Redis not answering, the site
serves every page uncached (slower, not broken), members post, the rate limits and
the login lockout count in the database, and one line a minute says what is wrong.

Two ways down: a port nobody listens on, and a throwaway redis-server of the test's
own (port 6391) that it stops, or pauses, while the site is serving.
"""

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from articles import caching
from articles.caching import QuickToGiveUpConnection
from articles.logformat import OncePerMinute
from community.models import Comment, RateLimitCounter
from community.ratelimit import redis_counters
from tests.test_accounts import signup_data

LOGIN = reverse("community:login")


def closed_port():
    """A port on this machine that nothing listens on: bound a moment ago by us, then let go."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_redis(settings, url):
    """Point the cache and the rate limits at this Redis, as REDIS_URL does in ibdmovement/settings.py."""
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "ibdm",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": settings.REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": settings.REDIS_TIMEOUT,
                "CONNECTION_POOL_CLASS": "articles.caching.QuickToGiveUpPool",
            },
        }
    }
    caching.forget_worker_state()
    caching.QuickToGiveUpConnection.unanswered_until.clear()


@pytest.fixture
def redis_log():
    """The lines the Redis logger lets through, starting from a quiet minute."""
    logger = logging.getLogger("ibdmovement.redis")
    for once in logger.filters:
        if isinstance(once, OncePerMinute):
            once.quiet_until = 0.0
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(handler.format(record))
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


@pytest.fixture
def redis_down(settings, redis_log):
    use_redis(settings, f"redis://127.0.0.1:{closed_port()}/0")
    return redis_log


@pytest.fixture
def article(make_article, make_comment, second_member):
    article = make_article(headline="Gut bacteria linked to longer remission")
    make_comment(article, second_member, body="This gives me hope, thank you.")
    return article


def sign_up(n, name="rosa"):
    data = signup_data(email=f"{name}{n}@example.org", display_name=f"{name.capitalize()} {n}")
    return Client().post(reverse("community:signup"), data).status_code


def post_comment(client, article, body):
    return client.post(reverse("community:post_comment", kwargs={"slug": article.slug}), {"body": body})


class TestRedisUnreachable:
    def test_the_home_page_is_served(self, client, redis_down, article):
        for _ in range(2):
            response = client.get("/")
            assert response.status_code == 200
            assert "Gut bacteria linked to longer remission" in response.content.decode()

    def test_an_article_page_is_served_with_its_discussion(self, client, redis_down, article):
        response = client.get(article.get_absolute_url())

        assert response.status_code == 200
        assert "This gives me hope, thank you." in response.content.decode()

    def test_a_member_can_post_and_readers_see_the_comment_at_once(self, client, redis_down, article, trusted_member):
        Client().get(article.get_absolute_url())
        client.force_login(trusted_member)

        response = post_comment(client, article, "Posted while the cache was away.")

        assert response.status_code == 302
        assert Comment.objects.filter(author=trusted_member, body="Posted while the cache was away.").exists()
        assert "Posted while the cache was away." in Client().get(article.get_absolute_url()).content.decode()

    def test_sign_up_works_and_its_limit_counts_in_the_database(self, db, redis_down):
        statuses = [sign_up(n) for n in range(11)]

        assert statuses == [302] * 10 + [429]
        assert User.objects.count() == 10
        assert RateLimitCounter.objects.get(key__startswith="ratelimit:signup:ip:").count == 11

    def test_a_locked_out_login_stays_locked_out(self, client, redis_down, member, password):
        for n in range(10):
            client.post(LOGIN, {"username": member.email, "password": f"guess-{n}"})

        response = client.post(LOGIN, {"username": member.email, "password": password})

        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_members_still_log_in(self, client, redis_down, member, password):
        response = client.post(LOGIN, {"username": member.email, "password": password})
        assert response.status_code == 302

    def test_the_failure_is_logged_once_not_on_every_request(self, client, redis_down, article, member, password):
        for _ in range(5):
            client.get("/")
            client.get(article.get_absolute_url())
        client.post(reverse("community:signup"), signup_data())
        Client().post(LOGIN, {"username": member.email, "password": password})

        assert len(redis_down) == 1
        assert "Redis" in redis_down[0]
        assert "Traceback" not in redis_down[0]


def test_the_settings_make_redis_optional():
    """ibdmovement/settings.py itself, with REDIS_URL set and nothing listening: a cache miss, not an error."""
    code = (
        "import time; from django.core.cache import cache; "
        "started = time.monotonic(); "
        "print(cache.get('anything'), cache.set('anything', 1), cache.add('new', 1), cache.get_many(['a', 'b']), "
        "round(time.monotonic() - started, 1))"
    )
    environ = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL"}}
    environ["REDIS_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=environ,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "None None None {} 0.0"
    assert result.stdout.count("Redis ConnectionError") == 1  # logged once, not for each call


class NeverAnswers:
    """A server that takes connections and never says a word: Redis hung, or a firewall that drops replies."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(100)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


def test_no_request_waits_long_on_a_redis_that_never_answers(client, settings, redis_log, article):
    hung = NeverAnswers()
    try:
        use_redis(settings, f"redis://127.0.0.1:{hung.port}/0")
        started = time.monotonic()
        home = client.get("/")
        page = client.get(article.get_absolute_url())
        took = time.monotonic() - started
    finally:
        hung.close()

    assert home.status_code == page.status_code == 200
    assert took < 3  # one timeout (0.5 s), then the cache gives up at once; seven seconds before it did


def free_port():
    """A port nothing listens on now: another suite on this machine may run a throwaway Redis of its own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(settings, redis_log):
    """A throwaway redis-server of this test's own, on a port nobody else uses, never the shared one on 6379."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (apt-get install -y redis-server)")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.2)
        if server.poll() is not None:  # it exits at once when the port is taken
            pytest.fail(f"redis-server couldn't start on port {port}: is another one there?")
        use_redis(settings, f"redis://127.0.0.1:{port}/0")
        cache.clear()
        yield server
    finally:
        server.kill()
        server.wait()


class TestRedisStoppedMidRun:
    def test_the_site_carries_on_when_redis_stops(
        self, own_redis, redis_log, article, trusted_member, django_assert_max_num_queries
    ):
        reader = Client()
        assert reader.get("/").status_code == 200
        with django_assert_max_num_queries(0):
            assert reader.get("/").status_code == 200  # from Redis
        for n in range(3):
            sign_up(n)
        assert not RateLimitCounter.objects.exists()  # counted in Redis

        own_redis.kill()
        own_redis.wait()

        assert reader.get("/").status_code == 200
        assert reader.get(article.get_absolute_url()).status_code == 200
        member = Client()
        member.force_login(trusted_member)
        assert post_comment(member, article, "Posted after Redis stopped.").status_code == 302
        assert "Posted after Redis stopped." in reader.get(article.get_absolute_url()).content.decode()
        statuses = [sign_up(n, name="sam") for n in range(11)]
        assert statuses == [302] * 10 + [429]  # counted afresh in the database
        assert len(redis_log) == 1

    def test_pages_cached_before_an_outage_are_not_served_after_it(
        self, own_redis, settings, article, trusted_member, monkeypatch
    ):
        monkeypatch.setattr(QuickToGiveUpConnection, "pause_seconds", 1)
        reader = Client()
        assert "Waited out the outage." not in reader.get(article.get_absolute_url()).content.decode()
        # Redis keeps its data, the cached page included, but answers nobody for a while: the change
        # made meanwhile can't move the shared versions on.
        redis_counters(settings.REDIS_URL).client.execute_command("CLIENT", "PAUSE", 1500, "ALL")
        paused_until = time.monotonic() + 1.5

        member = Client()
        member.force_login(trusted_member)
        assert post_comment(member, article, "Waited out the outage.").status_code == 302
        assert time.monotonic() < paused_until
        given_up_until = max(QuickToGiveUpConnection.unanswered_until.values())
        time.sleep(max(paused_until, given_up_until) - time.monotonic() + caching.LOCAL_VERSION_SECONDS + 0.1)

        assert "Waited out the outage." in reader.get(article.get_absolute_url()).content.decode()
