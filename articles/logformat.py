"""
One line per log event, so a log shipper never splits an error from its
traceback. Messages name ids and paths only; comment bodies, emails and
passwords are never put into log messages anywhere in the site.
"""

import logging


class OneLineFormatter(logging.Formatter):
    def format(self, record):
        line = super().format(record)
        return line.replace("\r", "").replace("\n", " | ")
