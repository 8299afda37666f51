"""
The site under gunicorn, as production runs it, on the test suite's own PostgreSQL database.

For tests that need real processes: a restarted database, two app servers.
Their tests commit what the servers should read (``transaction=True``).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The address of the test database the suite is using, for the servers to share it."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@contextmanager
def gunicorn(log_dir, name="gunicorn", workers=2, **env):
    """Run the site under gunicorn until the block ends; yields its base address once /healthz answers."""
    port = free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": database_url(),
            "CACHE_KEY_PREFIX": f"{name}-{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": str(log_dir / f"{name}-access.log"),
        }
        | env
        | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    )
    log = (log_dir / f"{name}.log").open("w")
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
                pass
            time.sleep(0.1)
        else:
            pytest.fail(f"{name} did not answer within 30 seconds")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
