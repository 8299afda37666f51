"""
gunicorn settings for IBD Movement: `gunicorn -c gunicorn.conf.py ibdmovement.wsgi`.

Each can be overridden from the environment (GUNICORN_WORKERS, ...), so the
same file serves a laptop, one small server and a row of app servers.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

# gunicorn puts the project directory on sys.path before it reads this file.
from articles.logformat import SecretPathFilter

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core, plus one: the usual rule for a site that mostly waits on its database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Restart workers now and then, so a slow leak never grows into an outage.
max_requests = 20000
max_requests_jitter = 2000

# The access log carries the method, the path without its query string, the
# status, size and time: no query strings (they can hold search terms), no
# client addresses, no user agents. The tokens in account links (confirm an
# address, reset a password) are masked, in the error log too: a token read
# from a log could be replayed.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class MaskedLogger(Logger):
    """gunicorn's own logger, writing account links with their tokens masked (/account/confirm/…/)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, SecretPathFilter) for existing in log.filters):
                log.addFilter(SecretPathFilter())


logger_class = MaskedLogger

# gunicorn's control socket (for gunicornc) defaults to one path per system user, which two
# instances on one machine (the site and the benchmark's floor, or two sites) would fight over.
# Off unless a path of its own is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
