"""
PostgreSQL restarted while gunicorn keeps serving: no request after the restart fails.

A restart ends every connection the server holds. gunicorn's workers keep
theirs open between requests (CONN_MAX_AGE), so the first request after a
restart would meet a dead connection; CONN_HEALTH_CHECKS makes Django notice
and connect again before the request uses it. The test ends the workers'
connections the way a restart does (pg_terminate_backend), because stopping
the shared server would also end the connection the test suite itself holds.
"""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from tests.servers import get, gunicorn

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no server to restart"),
    # The site under gunicorn reads what this test commits; serialized_rollback puts back what data migrations made.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def site(tmp_path):
    """The site under gunicorn, with two workers, on the suite's own test database."""
    with gunicorn(tmp_path, name="restart") as base:
        yield base


def end_every_other_connection():
    """What a restart does to the site: every connection to the database is closed by the server, which goes on
    only once they have all gone (PostgreSQL 14's timeout argument, in ms, waits for that)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_no_request_fails_after_postgresql_restarts(site, make_article):
    article = make_article(headline="A trial of a new pill for Crohn's disease")
    pages = ["/", article.get_absolute_url(), "/healthz"]
    assert [get(site + page) for page in pages * 4] == [200] * 12

    assert end_every_other_connection() >= 1

    assert [get(site + page) for page in pages * 6] == [200] * 18


def test_the_health_check_tells_an_ended_connection_without_asking_the_server(monkeypatch):
    """ibdmovement.postgresql: the check made once a request looks at the socket; no "SELECT 1" round trip."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    other.ensure_connection()
    try:
        monkeypatch.setattr(other.connection, "execute", lambda *args, **kwargs: pytest.fail("asked the server"))
        assert other.is_usable()

        with connection.cursor() as cursor:  # wait until it has ended (PostgreSQL 14's timeout argument)
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [other.connection.info.backend_pid])

        assert not other.is_usable()
    finally:
        other.close()
