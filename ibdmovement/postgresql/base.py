"""
PostgreSQL with a health check that costs no round trip: the ENGINE when DATABASE_URL is PostgreSQL.

gunicorn's workers keep their connection between requests (CONN_MAX_AGE), and PostgreSQL restarted ends it:
the first request to use it would fail. CONN_HEALTH_CHECKS has Django ask once a request whether the
connection still works, by default with a "SELECT 1": one more round trip to the server on every page. A
connection the server has ended has something to read at once (its last message, then the end of the
stream), while a live one says nothing between queries: a look at the socket tells them apart. A restart
ends every connection before the server takes new ones, so each is seen ended after it. (A connection ended
on its own in the very moment a request begins can fail that request, as one ended between Django's
SELECT 1 and the request's first query could.)
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # mid-transaction, or after an error: ask the server
        socket = select.poll()
        socket.register(connection.fileno(), select.POLLIN)
        return not socket.poll(0)  # anything to read, an error or a hang-up: ended
