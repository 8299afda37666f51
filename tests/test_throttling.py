"""
Logins that can't be brute-forced, through every door, and rate limits kept where they hold.

Failed logins lock an account, or an address, out of the site's login and the
admin's alike (community.lockout, through django-axes). The rate limits for
sign-up, comments, reports and password resets count in sliding windows, in a
table of their own (or Redis), atomically: parallel attempts at a limit of N
let exactly N through, and no flood of cached pages can evict a count.
"""

import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from community import ratelimit
from community.models import Comment, RateLimitCounter, Report
from community.ratelimit import is_limited, redis_counters, window_for
from tests.test_accounts import NEW_PASSWORD, is_logged_in, link_in, signup_data

LOGIN = reverse("community:login")
ADMIN_LOGIN = reverse("admin:login")
TOO_MANY = "Too many attempts to log in"


def fail_logins(client, email, times, **extra):
    for n in range(times):
        client.post(LOGIN, {"username": email, "password": f"guess-{n}"}, **extra)


def in_parallel(count, attempt):
    """Run attempt(n) for n in range(count), all at the same moment, each thread with its own connection."""
    start = threading.Barrier(count)

    def run(n):
        start.wait()
        try:
            return attempt(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def database_for_threads(transactional_db, tmp_path):
    """A database that parallel requests can share as the site's does: on SQLite, a file like the site's.

    The test database is in memory, where SQLite refuses a second writer at once ("database table
    is locked") instead of waiting its turn as it does in a file (WAL, busy timeout). So the test
    runs on a file copy of it, and the in-memory one is left as it was.
    """
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict = connections.settings["default"]
    in_memory = settings_dict["NAME"]
    keep_alive = sqlite3.connect(in_memory, uri=True)  # the in-memory database lives while a connection does
    copy = sqlite3.connect(tmp_path / "db.sqlite3")
    keep_alive.backup(copy)
    copy.close()
    settings_dict["NAME"] = str(tmp_path / "db.sqlite3")
    connections.close_all()  # now that it names a file, the connection really closes and opens the file next
    try:
        yield
    finally:
        connections.close_all()
        settings_dict["NAME"] = in_memory
        connection.ensure_connection()  # holds the in-memory database from here, as before
        keep_alive.close()


@pytest.fixture
def password_checks(monkeypatch):
    """How many passwords have been checked against a stored hash."""
    checks = []
    check_password = AbstractBaseUser.check_password

    def counted(user, raw_password):
        checks.append(user.pk)
        return check_password(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counted)
    return checks


@pytest.fixture
def clock(monkeypatch):
    """The rate limits' clock, held still at the start of a window and moved by hand."""

    class Clock:
        now = 1_800_000_000.0  # a multiple of every window used here

        def __call__(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(ratelimit, "clock", clock, raising=False)
    return clock


@pytest.fixture
def database_cache(db, settings):
    """The cache a single server runs with (no REDIS_URL): a database table that keeps 300 entries."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    }
    call_command("createcachetable")  # already there, unless the suite runs with Redis
    caches["default"].clear()


class TestLoginLockout:
    def test_ten_failures_lock_the_account_out_even_with_the_right_password(self, client, member, password):
        for n in range(10):
            client.post(LOGIN, {"username": member.email, "password": f"guess-{n}"}, REMOTE_ADDR=f"10.0.0.{n}")

        response = client.post(LOGIN, {"username": member.email.upper(), "password": password})

        assert response.status_code == 429
        assert TOO_MANY in response.content.decode()
        assert not is_logged_in(client, member)

    def test_the_tenth_failure_already_says_to_wait(self, client, member):
        fail_logins(client, member.email, 9)
        ninth = client.post(LOGIN, {"username": member.email, "password": "guess"})
        assert ninth.status_code == 429
        assert TOO_MANY in ninth.content.decode()

    def test_nine_failures_still_let_the_owner_in(self, client, member, password):
        fail_logins(client, member.email, 9)
        client.post(LOGIN, {"username": member.email, "password": password})
        assert is_logged_in(client, member)

    def test_the_lockout_page_is_the_login_page_with_the_plain_message(self, client, member):
        fail_logins(client, member.email, 10)

        response = client.post(f"{LOGIN}?next=/about/", {"username": member.email, "password": "guess"})

        content = response.content.decode()
        assert response.status_code == 429
        assert "<h1>Log in</h1>" in content
        assert "please wait 15 minutes and try again, or reset your password" in content
        assert 'name="next" value="/about/"' in content
        assert "Account locked" not in content  # not axes' own page

    def test_a_locked_account_is_refused_without_checking_the_password(self, client, member, password_checks):
        fail_logins(client, member.email, 10)
        checked = len(password_checks)

        client.post(LOGIN, {"username": member.email, "password": "another-guess"})

        assert len(password_checks) == checked

    def test_failures_from_one_address_lock_that_address_not_others(self, client, member, password):
        for n in range(30):
            client.post(LOGIN, {"username": f"someone{n}@example.org", "password": "guess"}, REMOTE_ADDR="10.9.9.9")

        there = client.post(LOGIN, {"username": member.email, "password": password}, REMOTE_ADDR="10.9.9.9")
        assert there.status_code == 429
        elsewhere = Client().post(LOGIN, {"username": member.email, "password": password}, REMOTE_ADDR="10.1.1.1")
        assert elsewhere.status_code == 302

    def test_failures_at_other_accounts_dont_count_against_a_member(self, client, member, password):
        for n in range(29):
            client.post(LOGIN, {"username": f"someone{n}@example.org", "password": "guess"}, REMOTE_ADDR="10.9.9.9")
        client.post(LOGIN, {"username": member.email, "password": password}, REMOTE_ADDR="10.1.1.1")
        assert is_logged_in(client, member)

    def test_logins_that_succeed_count_against_nobody(self, member, second_member, password):
        # The old throttle counted every attempt: 31 members logging in through one address locked the 32nd out.
        for _ in range(20):
            for user in (member, second_member):
                client = Client()
                client.post(LOGIN, {"username": user.email, "password": password})
                assert is_logged_in(client, user)
        late = Client()
        late.post(LOGIN, {"username": member.email, "password": password})
        assert is_logged_in(late, member)

    def test_a_staff_username_and_email_share_one_count(self, client, editor, password):
        fail_logins(client, "edie", 5)
        fail_logins(client, "EDIE@example.org", 5)

        response = client.post(LOGIN, {"username": "edie", "password": password})

        assert response.status_code == 429
        assert not is_logged_in(client, editor)

    def test_the_lockout_holds_when_a_new_window_begins(self, client, member, password, clock):
        clock.now += 15 * 60 - 1
        fail_logins(client, member.email, 10)
        clock.now += 2

        response = client.post(LOGIN, {"username": member.email, "password": password})

        assert response.status_code == 429
        assert not is_logged_in(client, member)

    def test_the_lockout_ends_when_the_failures_are_a_window_old(self, client, member, password, clock):
        fail_logins(client, member.email, 10)
        clock.now += 2 * 15 * 60

        client.post(LOGIN, {"username": member.email, "password": password})

        assert is_logged_in(client, member)

    def test_failures_keep_no_email_or_address_in_clear(self, client, member, settings):
        fail_logins(client, member.email, 3, REMOTE_ADDR="10.7.7.7")

        keys = " ".join(RateLimitCounter.objects.values_list("key", flat=True))
        if settings.REDIS_URL:
            keys += " ".join(key.decode() for key in redis_counters(settings.REDIS_URL).client.keys("*ratelimit*"))
        assert keys
        assert "maya" not in keys
        assert "10.7.7.7" not in keys

    def test_failures_log_no_email_or_address(self, client, member, caplog):
        fail_logins(client, member.email, 11, REMOTE_ADDR="10.7.7.7")

        assert "login locked out" in caplog.text
        assert "maya" not in caplog.text
        assert "10.7.7.7" not in caplog.text


class TestAdminLogin:
    def test_sixty_wrong_passwords_then_the_right_one_doesnt_get_in(self, client, editor, password):
        for n in range(60):
            client.post(ADMIN_LOGIN, {"username": "edie", "password": f"guess-{n}"})

        response = client.post(ADMIN_LOGIN, {"username": "edie", "password": password})

        assert response.status_code == 429
        assert not is_logged_in(client, editor)
        assert client.get(reverse("admin:index")).status_code == 302

    def test_a_moderator_locked_out_on_the_site_is_locked_out_of_the_admin(self, client, moderator, password):
        fail_logins(client, moderator.email, 10)

        response = Client().post(ADMIN_LOGIN, {"username": "morgan", "password": password}, REMOTE_ADDR="10.2.2.2")

        assert response.status_code == 429
        assert "_auth_user_id" not in response.client.session

    def test_the_admin_lockout_is_our_login_page_with_the_plain_message(self, client, editor):
        for n in range(11):
            response = client.post(f"{ADMIN_LOGIN}?next=/admin/", {"username": "edie", "password": f"guess-{n}"})

        content = response.content.decode()
        assert response.status_code == 429
        assert TOO_MANY in content
        assert f'action="{LOGIN}"' in content
        assert 'name="next" value="/admin/"' in content

    def test_an_editor_still_logs_in_through_the_admin(self, client, editor, password):
        fail_logins(client, editor.email, 5)
        response = client.post(ADMIN_LOGIN, {"username": "edie", "password": password, "next": "/admin/"})
        assert response["Location"] == "/admin/"
        assert is_logged_in(client, editor)


class TestPasswordReset:
    def reset_password(self, client, member):
        client.post(reverse("community:password_reset"), {"email": member.email})
        form_page = client.get(link_in(mail.outbox[-1]), follow=True)
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        return client.post(form_page.redirect_chain[-1][0], data)

    def test_a_completed_reset_unlocks_the_account(self, client, member):
        fail_logins(Client(), member.email, 10, REMOTE_ADDR="10.6.6.6")

        self.reset_password(Client(), member)
        client.post(LOGIN, {"username": member.email, "password": NEW_PASSWORD})

        assert is_logged_in(client, member)

    def test_a_completed_reset_leaves_the_guessing_address_locked(self, client, member, second_member, password):
        for n in range(30):
            client.post(LOGIN, {"username": f"someone{n}@example.org", "password": "guess"}, REMOTE_ADDR="10.6.6.6")

        self.reset_password(Client(), member)
        response = client.post(LOGIN, {"username": second_member.email, "password": password}, REMOTE_ADDR="10.6.6.6")

        assert response.status_code == 429

    def test_only_the_account_reset_is_unlocked(self, client, member, second_member, password):
        fail_logins(Client(), second_member.email, 10)

        self.reset_password(Client(), member)
        response = client.post(LOGIN, {"username": second_member.email, "password": password}, REMOTE_ADDR="10.5.5.5")

        assert response.status_code == 429

    def test_requests_from_one_address_send_at_most_ten_emails_an_hour(self, client, make_member):
        members = [make_member() for _ in range(12)]

        for user in members:
            response = client.post(reverse("community:password_reset"), {"email": user.email})
            assert response["Location"] == reverse("community:password_reset_done")

        assert [message.to[0] for message in mail.outbox] == [user.email for user in members[:10]]

    def test_requests_for_one_account_send_at_most_three_emails_an_hour_from_anywhere(self, client, member):
        for n in range(5):
            client.post(reverse("community:password_reset"), {"email": member.email}, REMOTE_ADDR=f"10.4.4.{n}")
        assert len(mail.outbox) == 3


class TestWindows:
    def test_limit_n_lets_n_through_in_a_window(self, db, clock):
        results = [is_limited("test", "member-1", limit=3, window=60) for _ in range(5)]
        assert results == [False, False, False, True, True]

    def test_hits_dont_push_the_end_of_the_window_away(self, db, clock):
        for _ in range(3):
            is_limited("test", "member-1", limit=3, window=60)
        clock.now += 59
        assert is_limited("test", "member-1", limit=3, window=60)  # still this window, and it hit again

        clock.now += 61  # two windows on: the first is out of reach
        assert not is_limited("test", "member-1", limit=3, window=60)

    def test_a_limit_holds_across_the_end_of_a_window(self, db, clock):
        clock.now += 59
        for _ in range(3):
            is_limited("test", "member-1", limit=3, window=60)
        clock.now += 2  # a new window, a second old

        assert is_limited("test", "member-1", limit=3, window=60)

    def test_the_window_before_weighs_by_how_much_of_it_is_still_in_reach(self, db, clock):
        for _ in range(4):
            is_limited("test", "member-1", limit=4, window=60)
        clock.now += 60 + 30  # half of the last window is in reach: its 4 attempts count as 2

        results = [is_limited("test", "member-1", limit=4, window=60) for _ in range(3)]

        assert results == [False, False, True]

    def test_half_the_limit_either_side_of_a_window_end_is_all_it_allows(self, db, clock):
        clock.now += 50
        before = [is_limited("test", "member-1", limit=6, window=60) for _ in range(3)]
        clock.now += 20  # 10 s into the next window: the last one counts 5/6 of its 3, rounded up
        after = [is_limited("test", "member-1", limit=6, window=60) for _ in range(6)]

        assert before == [False] * 3
        assert after == [False, False, False, True, True, True]

    def test_counts_are_kept_apart_by_scope_and_identity(self, db, clock):
        for _ in range(3):
            is_limited("test", "member-1", limit=3, window=60)
        assert is_limited("test", "member-1", limit=3, window=60)
        assert not is_limited("test", "member-2", limit=3, window=60)
        assert not is_limited("other", "member-1", limit=3, window=60)

    def test_windows_that_ended_are_deleted_from_the_table(self, db, clock, settings):
        settings.REDIS_URL = ""
        is_limited("test", "member-1", limit=3, window=60)
        RateLimitCounter.objects.update(expires_at="2000-01-01T00:00Z")

        is_limited("test", "member-2", limit=3, window=60)

        assert RateLimitCounter.objects.count() == 1

    @pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="counts in Redis only when REDIS_URL is set")
    def test_in_redis_a_count_expires_with_its_window(self, db, clock, settings):
        for _ in range(3):
            is_limited("test", "member-1", limit=3, window=60)

        key, window_ends = window_for("test", "member-1", 60)
        counters = redis_counters(settings.REDIS_URL)
        assert counters.client.get(counters.prefix + key) == b"3"
        assert counters.client.expiretime(counters.prefix + key) == window_ends + 60  # the next window weighs it
        assert not RateLimitCounter.objects.exists()


@pytest.fixture(params=["table", "redis"])
def counted_in(request, settings):
    """Each parallel test runs with the counts in the table, and again in Redis when REDIS_URL is set.

    In Redis, these tests are about counting at the same moment, not about a slow Redis: forty threads on a
    busy machine can keep one waiting past the half-second timeout, and the counts would then move to the
    table (tests/test_redis_down.py covers that). So the timeouts are generous here, and the counters start
    empty, whatever an earlier test left.
    """
    if request.param == "table":
        settings.REDIS_URL = ""
    elif not settings.REDIS_URL:
        pytest.skip("counts in Redis only when REDIS_URL is set")
    else:
        settings.REDIS_CONNECT_TIMEOUT = settings.REDIS_TIMEOUT = 10
        redis_counters.cache_clear()
        counters = redis_counters(settings.REDIS_URL)
        for key in counters.client.scan_iter(counters.prefix + "*"):
            counters.client.delete(key)
    yield request.param
    redis_counters.cache_clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the topics the migrations made
@pytest.mark.usefixtures("database_cache", "database_for_threads", "counted_in")
class TestParallelAttempts:
    """Every attempt here arrives at the same moment; exactly the limit get through."""

    def test_forty_parallel_logins_from_forty_addresses_check_ten_passwords(self, member, password_checks, counted_in):
        def guess(n):
            data = {"username": member.email, "password": f"guess-{n}"}
            return Client().post(LOGIN, data, REMOTE_ADDR=f"10.40.0.{n}").status_code

        statuses = in_parallel(40, guess)
        checked_in_the_burst = len(password_checks)
        right_password = Client().post(LOGIN, {"username": member.email, "password": "a-long-test-password"})

        assert checked_in_the_burst == 10
        assert statuses.count(429) == 31  # the 30 turned away, and the tenth failure, which used the limit up
        assert right_password.status_code == 429

    def test_forty_parallel_logins_from_one_address_check_ten_passwords_in_all(
        self, member, password_checks, counted_in
    ):
        # The address's limit (30) refuses some attempts that had already taken one of the account's 10; a refused
        # attempt gives its count back, so in Redis, where the two counts aren't taken in one step, the burst may
        # check fewer than 10. Those it didn't check are left to the next attempts: never more than 10 in all.
        statuses = in_parallel(
            40, lambda n: Client().post(LOGIN, {"username": member.email, "password": f"guess-{n}"}).status_code
        )
        checked_in_the_burst = len(password_checks)
        for n in range(10):
            Client().post(LOGIN, {"username": member.email, "password": f"later-{n}"}, REMOTE_ADDR=f"10.41.0.{n}")

        assert 1 <= checked_in_the_burst <= 10
        assert statuses.count(429) >= 30
        assert len(password_checks) == 10

    def test_twenty_parallel_sign_ups_from_one_address_make_ten_accounts(self):
        def sign_up(n):
            data = signup_data(email=f"rosa{n}@example.org", display_name=f"Rosa {n}")
            return Client().post(reverse("community:signup"), data).status_code

        statuses = in_parallel(20, sign_up)

        assert User.objects.count() == 10
        assert sorted(statuses) == [302] * 10 + [429] * 10

    def test_thirty_parallel_reports_by_one_member_make_twenty(
        self, member, second_member, make_article, make_comment, password
    ):
        article = make_article()
        comments = [make_comment(article, second_member, body=f"Comment number {n}.") for n in range(30)]
        clients = [Client() for _ in comments]
        for client in clients:
            client.force_login(member)

        def report(n):
            url = reverse("community:report_comment", kwargs={"pk": comments[n].pk})
            return clients[n].post(url, {"reason": Report.Reason.SPAM}).status_code

        statuses = in_parallel(30, report)

        assert Report.objects.filter(reporter=member).count() == 20
        assert sorted(statuses) == [302] * 20 + [400] * 10
        assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 30


class TestCacheFlood:
    """330 pages in the database cache, which keeps 300 entries: no count goes with the pages it pushes out."""

    def flood(self, article):
        for n in range(330):
            assert Client().get(f"{article.get_absolute_url()}?comments={n}").status_code == 200

    def test_a_locked_out_login_still_fails_after_the_flood(
        self, database_cache, client, member, password, make_article
    ):
        article = make_article()
        fail_logins(client, member.email, 10)

        self.flood(article)
        response = client.post(LOGIN, {"username": member.email, "password": password})

        assert response.status_code == 429
        assert not is_logged_in(client, member)

    def test_sign_ups_over_the_limit_stay_refused_after_the_flood(self, database_cache, client, make_article):
        article = make_article()
        for n in range(10):
            client.post(reverse("community:signup"), signup_data(email=f"bot{n}@example.org", website="x"))

        self.flood(article)
        response = client.post(reverse("community:signup"), signup_data())

        assert response.status_code == 429
        assert not User.objects.exists()
