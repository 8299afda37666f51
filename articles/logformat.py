"""
One line per log event, so a log shipper never splits an error from its
traceback. Messages name ids and paths only; comment bodies, emails and
passwords are never put into log messages anywhere in the site.

Some paths are secrets themselves: the links in account emails carry tokens
that confirm an address or reset a password. Every line is masked before it
is written, here for Django's logs and through the same function for
gunicorn's access log (gunicorn.conf.py).
"""

import logging
import re
import threading
import time

MASK = "…"

# The account links that carry a token; a masked line keeps their shape, so it still says what was asked for.
SECRET_PATHS = [
    (re.compile(r"(/account/confirm/)(?!resend/)[^/\s\"?#]+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/account/email/confirm/)[^/\s\"?#]+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/account/reset/)(?!done/)[^/\s\"?#]+/[^/\s\"?#]+"), rf"\g<1>{MASK}/{MASK}"),
]


def mask_secret_paths(text):
    """The text with the tokens in account links replaced by an ellipsis."""
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class OneLineFormatter(logging.Formatter):
    def format(self, record):
        line = mask_secret_paths(super().format(record))
        return line.replace("\r", "").replace("\n", " | ")


class SecretPathFilter(logging.Filter):
    """Masks the tokens in account links in every record a handler writes (gunicorn's logs use it)."""

    def filter(self, record):
        record.msg = mask_secret_paths(record.getMessage())
        record.args = ()
        return True


class OncePerMinute(logging.Filter):
    """Let one record through a minute, per process, and drop the rest.

    For a fault that would otherwise be logged on every request, such as Redis
    not answering. The record let through keeps its exception's one-line
    summary instead of the traceback, which says nothing a minute's worth of
    the same error wouldn't.
    """

    seconds = 60

    def __init__(self, name=""):
        super().__init__(name)
        self.lock = threading.Lock()
        self.quiet_until = 0.0

    def filter(self, record):
        with self.lock:
            now = time.monotonic()
            if now < self.quiet_until:
                return False
            self.quiet_until = now + self.seconds
        if record.exc_info and record.exc_info[1] is not None:
            record.msg, record.args = f"{record.getMessage()}: {record.exc_info[1]}", ()
            record.exc_info = record.exc_text = None
        return True
