"""
Serving for real: production settings, security headers, the health check,
one-line logs, and the page and thread caches with their invalidation.
"""

import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import caching
from articles.logformat import OneLineFormatter
from community.models import Comment
from community.ratelimit import is_limited

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 10 + secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "ibdmovement.org",
}


def manage(*args, env):
    clean = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


class TestProductionSettings:
    def test_check_deploy_reports_nothing(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_a_secret_key_is_required_when_debug_is_off(self):
        result = manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "ibdmovement.org"})

        assert result.returncode != 0
        assert "Set SECRET_KEY when DEBUG is off." in result.stderr

    def test_production_cookies_are_secure_and_https_is_enforced(self):
        code = (
            "from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER, s.DEBUG)"
        )
        result = manage("shell", "-c", code, env=PRODUCTION_ENV)

        assert (
            result.stdout.strip().splitlines()[-1]
            == "True True True True True ('HTTP_X_FORWARDED_PROTO', 'https') False"
        )


class TestSecurityHeaders:
    @pytest.fixture
    def response(self, client, make_article):
        return client.get(make_article().get_absolute_url())

    def test_content_security_policy_allows_nothing_inline_or_from_elsewhere(self, response):
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))

        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]

    def test_the_other_headers(self, response):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"

    def test_permissions_policy_turns_off_what_the_site_never_uses(self, response):
        policy = response["Permissions-Policy"]

        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy

    def test_hsts_is_sent_over_https_in_production(self, client, make_article, settings):
        settings.SECURE_HSTS_SECONDS = 31536000
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

        response = client.get(make_article().get_absolute_url(), secure=True)

        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    def test_no_template_holds_inline_script_or_style(self):
        templates = (ROOT / "templates").rglob("*.html")
        for template in templates:
            text = template.read_text()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
            assert "<style" not in text, template
            assert not re.search(r"\sstyle=", text), template


class TestHealthCheck:
    def test_it_says_ok_while_the_database_answers(self, client, db):
        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.content == b"ok\nqueue ok\n"

    def test_it_says_unavailable_when_the_database_does_not(self, client, db):
        with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
            response = client.get("/healthz")

        assert response.status_code == 503


class TestLogs:
    def test_an_error_and_its_traceback_make_one_line(self):
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.LogRecord(
                "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",), sys.exc_info()
            )

        line = OneLineFormatter("%(levelname)s %(message)s").format(record)

        assert "\n" not in line
        assert line.startswith("ERROR Internal Server Error: /x/ | Traceback")
        assert "ValueError: boom" in line

    def test_posting_a_comment_logs_no_body_and_no_email(self, client, member, make_article, make_comment, caplog):
        article = make_article()
        make_comment(article, member)
        client.force_login(member)

        with caplog.at_level(logging.INFO):
            client.post(f"/articles/{article.slug}/comments/", {"body": "My private health story, not for logs."})

        assert Comment.objects.filter(body="My private health story, not for logs.").exists()
        assert "private health story" not in caplog.text
        assert member.email not in caplog.text


class TestPageCache:
    def test_a_second_reader_gets_the_page_without_touching_the_database(
        self, client, make_article, django_assert_num_queries
    ):
        article = make_article()
        first = client.get(article.get_absolute_url())

        with django_assert_num_queries(0):
            second = Client().get(article.get_absolute_url())

        assert second.content == first.content

    def test_the_benchmark_can_count_readers_pages_found_in_the_cache(self, client, make_article, settings):
        article = make_article()
        assert "X-Page-Cache" not in client.get(article.get_absolute_url())  # never said outside the benchmark

        settings.PAGE_CACHE_HEADER = True
        article.save()  # the page is drawn afresh, then found
        first, second = Client().get(article.get_absolute_url()), Client().get(article.get_absolute_url())

        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert second.content == first.content

    def test_an_edited_article_is_shown_at_once(self, client, make_article):
        article = make_article(headline="Before the correction")
        client.get(article.get_absolute_url())

        article.headline = "After the correction"
        article.save()

        assert "After the correction" in Client().get(article.get_absolute_url()).content.decode()

    def test_a_newly_published_article_appears_on_the_home_page(self, client, make_article):
        make_article(headline="Already out")
        client.get("/")
        draft = make_article(headline="Just published", status="draft")

        draft.status = "published"
        draft.published_at = timezone.now()
        draft.save()

        assert "Just published" in Client().get("/").content.decode()

    def test_approving_removing_and_hiding_comments_show_at_once(
        self, make_article, make_comment, member, second_member, third_member, make_member, moderator
    ):
        article = make_article()
        url = article.get_absolute_url()
        held = make_comment(article, member, body="Waiting for a moderator.", status="pending")
        assert "Waiting for a moderator." not in Client().get(url).content.decode()

        held.approve(by=moderator)
        assert "Waiting for a moderator." in Client().get(url).content.decode()

        held.remove(by=moderator, reason="Spam")
        assert "Waiting for a moderator." not in Client().get(url).content.decode()

        shown = make_comment(article, second_member, body="Reported three times.")
        assert "Reported three times." in Client().get(url).content.decode()
        for reporter in (member, third_member, make_member()):
            shown.report(by=reporter, reason="spam")
        assert "Reported three times." not in Client().get(url).content.decode()

    def test_a_member_never_gets_a_page_cached_for_someone_else(self, client, member, make_article, make_comment):
        article = make_article()
        anonymous = Client().get(article.get_absolute_url()).content.decode()
        assert "Log in" in anonymous
        client.force_login(member)

        page = client.get(article.get_absolute_url()).content.decode()

        assert "Your account" in page
        assert "Add a comment" in page

    def test_a_members_own_notices_never_reach_another_member(
        self, client, member, second_member, make_article, make_comment
    ):
        article = make_article()
        make_comment(article, member, body="Only Maya may see this yet.", status="pending")
        client.force_login(member)
        assert "Only Maya may see this yet." in client.get(article.get_absolute_url()).content.decode()

        other = Client()
        other.force_login(second_member)
        page = other.get(article.get_absolute_url()).content.decode()

        assert "Only Maya may see this yet." not in page

    def test_cached_pages_hold_no_csrf_token_and_members_get_a_working_one(self, member, make_article, make_comment):
        article = make_article()
        make_comment(article, member)
        assert "csrfmiddlewaretoken" not in Client().get(article.get_absolute_url()).content.decode()
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(member)
        browser.get(article.get_absolute_url())

        page = browser.get(article.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = browser.post(
            f"/articles/{article.slug}/comments/",
            {"body": "Posted with the page's token.", "csrfmiddlewaretoken": token},
        )

        assert response.status_code == 302
        assert Comment.objects.filter(body="Posted with the page's token.").exists()

    def test_members_share_the_cached_thread_until_it_changes(
        self, member, second_member, third_member, make_article, make_comment, django_assert_max_num_queries
    ):
        article = make_article()
        for _ in range(30):
            make_comment(article, third_member)
        first, second = Client(), Client()
        first.force_login(member)
        second.force_login(second_member)
        first.get(article.get_absolute_url())

        # The session, the member, and their own parts read once (community.models.own_parts): no thread.
        with django_assert_max_num_queries(5) as captured:
            second.get(article.get_absolute_url())

        assert not any("community_comment" in q["sql"] and "LIMIT 20" in q["sql"] for q in captured.captured_queries)


class TestMemberPages:
    """No whole-page cache for members, but what isn't personal is shared for the page's versions."""

    def test_a_second_member_pays_only_for_who_they_are(
        self, member, second_member, third_member, make_article, make_section, make_question, make_comment
    ):
        article = make_article()
        for position in range(8):
            make_section(article, position=position)
            make_question(article, position=position)
        for _ in range(30):
            make_comment(article, third_member)
        first, second = Client(), Client()
        first.force_login(member)
        second.force_login(second_member)
        first.get(article.get_absolute_url())

        with CaptureQueriesContext(connection) as captured:
            response = second.get(article.get_absolute_url())
        with CaptureQueriesContext(connection) as again:
            second.get(article.get_absolute_url())

        assert response.status_code == 200
        tables = " ".join(q["sql"] for q in captured.captured_queries)
        # The session, the member with their profile, their own parts (community.models.own_parts): their
        # unread notifications, the questions they saved with the discussions they follow, whether this
        # thread holds anything of theirs. Then only the session and the member, while their parts stay.
        # With Redis the session is read from there (community.sessions).
        session = 0 if settings.SESSION_ENGINE == "community.sessions" else 1
        assert len(captured.captured_queries) == 4 + session, tables
        assert len(again.captured_queries) == 1 + session, [q["sql"] for q in again.captured_queries]
        for shared in ("articles_article", "articles_section", "articles_topic", "auth_permission"):
            assert shared not in tables

    def test_a_member_sees_an_edit_at_once(self, client, member, make_article, make_section):
        article = make_article()
        section = make_section(article, heading="What the trial found")
        client.force_login(member)
        assert "What the trial found" in client.get(article.get_absolute_url()).content.decode()

        section.heading = "What the trial found, corrected"
        section.save()
        topic = article.topic
        topic.name = "Renamed topic"
        topic.save()

        page = client.get(article.get_absolute_url()).content.decode()
        assert "What the trial found, corrected" in page
        assert "Renamed topic" in page

    def test_what_workers_keep_for_a_version_expires_with_the_page_cache(self, settings):
        memo = caching.VersionMemo()
        computed = []

        def compute():
            computed.append(1)
            return len(computed)

        assert memo.get((1,), "key", compute) == memo.get((1,), "key", compute) == 1
        assert memo.get((2,), "key", compute) == 2  # a new version
        settings.PAGE_CACHE_SECONDS = 0
        memo.clear()
        assert memo.get((2,), "key", compute) == 3
        assert memo.get((2,), "key", compute) == 4  # expired at once

    def test_the_shared_parts_of_the_page_hold_nothing_personal(
        self, member, second_member, make_article, make_question, make_comment
    ):
        article = make_article()
        question = make_question(article, text="What should I ask about fistula care?")
        make_comment(article, member, body="My own comment, which only I can edit.")
        first, second = Client(), Client()
        first.force_login(member)
        second.force_login(second_member)
        first.post(f"/my-questions/save/{question.pk}/")

        mine = first.get(article.get_absolute_url()).content.decode()
        theirs = second.get(article.get_absolute_url()).content.decode()

        assert "Saved to" in mine and "Saved to" not in theirs
        assert 'formaction="/my-questions/save/' in theirs
        assert "My own comment, which only I can edit." in theirs  # the shared thread, with no edit link
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', theirs).group(1)
        assert token not in mine

    def test_a_change_through_another_worker_reaches_this_one_within_a_second(self, monkeypatch):
        (seen,) = caching.current_versions([caching.SITE])
        cache.set("version:site", seen + 10, timeout=None)  # as another worker's change does

        assert caching.current_versions([caching.SITE]) == [seen]  # this worker's copy, for up to a second
        expires = caching.worker_versions.values[caching.SITE][1]
        monkeypatch.setattr(caching.time, "monotonic", lambda: expires)
        assert caching.current_versions([caching.SITE]) == [seen + 10]

    def test_a_change_here_moves_on_from_the_shared_version_not_this_workers_copy(self):
        (seen,) = caching.current_versions([caching.SITE])
        cache.set("version:site", seen + 10, timeout=None)

        caching.move_versions([caching.SITE])

        assert caching.current_versions([caching.SITE]) == [cache.get("version:site")] == [seen + 11]

    def test_only_moderators_get_the_moderation_link(self, client, member, moderator, editor, password):
        for user, shown in ((member, False), (editor, False), (moderator, True)):
            client.post("/account/login/", {"username": user.email, "password": password})
            page = client.get("/").content.decode()
            assert ("Moderation</a>" in page) is shown, user
            assert "Your account" in page
            client.post("/account/logout/")


@pytest.mark.django_db
def test_rate_limits_hold_in_the_shared_database_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    }
    call_command("createcachetable")  # already there, unless the suite runs with Redis
    caches["default"].clear()

    results = [is_limited("test", "member-1", limit=3, window=60) for _ in range(5)]

    assert results == [False, False, False, True, True]


@pytest.mark.parametrize("path", ["/about/", "/contact/", "/community/", "/community/guidelines/", "/privacy/"])
def test_fixed_pages_are_cached_for_signed_out_readers(client, db, path, django_assert_num_queries):
    first = client.get(path)

    with django_assert_num_queries(0):
        second = Client().get(path)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content


class TestGunicornConfig:
    """gunicorn.conf.py is read by gunicorn itself: load it the way gunicorn does."""

    def load(self, monkeypatch, **environ):
        import runpy

        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))

    def test_access_log_holds_no_addresses_or_query_strings(self, monkeypatch):
        config = self.load(monkeypatch)
        for field in ("%(h)s", "%(q)s", "%(r)s", "%(a)s", "%(U)s%(q)s"):
            assert field not in config["access_log_format"]

    def test_control_socket_is_off_unless_given_a_path(self, monkeypatch):
        assert self.load(monkeypatch)["control_socket_disable"] is True
        given = self.load(monkeypatch, GUNICORN_CONTROL_SOCKET="/run/ibdmovement/gunicorn.ctl")
        assert given["control_socket_disable"] is False
        assert given["control_socket"] == "/run/ibdmovement/gunicorn.ctl"

    def test_workers_follow_the_environment(self, monkeypatch):
        assert self.load(monkeypatch, GUNICORN_WORKERS="3")["workers"] == 3
