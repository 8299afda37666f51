"""
PostgreSQL restarted while gunicorn keeps serving: no request after the restart fails.

A restart ends every connection the server holds. gunicorn's workers keep
theirs open between requests (CONN_MAX_AGE), so the first request after a
restart would meet a dead connection; CONN_HEALTH_CHECKS makes Django notice
and connect again before the request uses it. The test ends the workers'
connections the way a restart does (pg_terminate_backend), because stopping
the shared server would also end the connection the test suite itself holds.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no server to restart"),
    # The site under gunicorn reads what this test commits; serialized_rollback puts back what data migrations made.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn(tmp_path):
    """The site under gunicorn, with two workers, on the suite's own test database."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "CACHE_KEY_PREFIX": f"restart-{port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "ibdmovement.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if get(base + "/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 30 seconds")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def end_every_other_connection():
    """What a restart does to the site: every connection to the database is closed by the server."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_no_request_fails_after_postgresql_restarts(gunicorn, make_article):
    article = make_article(headline="A trial of a new pill for Crohn's disease")
    pages = ["/", article.get_absolute_url(), "/healthz"]
    assert [get(gunicorn + page) for page in pages * 4] == [200] * 12

    assert end_every_other_connection() >= 1

    assert [get(gunicorn + page) for page in pages * 6] == [200] * 18
