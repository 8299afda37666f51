"""
One line per log event, so a log shipper never splits an error from its
traceback. Messages name ids and paths only; comment bodies, emails and
passwords are never put into log messages anywhere in the site.
"""

import logging
import threading
import time


class OneLineFormatter(logging.Formatter):
    def format(self, record):
        line = super().format(record)
        return line.replace("\r", "").replace("\n", " | ")


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
