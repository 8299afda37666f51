"""
Sessions kept in the database and read through the shared cache (SESSION_ENGINE when REDIS_URL is set).

A member's page then asks Redis for the session, not PostgreSQL: one round trip fewer to the database on
every page. The database stays the session's durable store: a session missing from the cache is read from
there (and put back), so Redis restarted empty, or away, signs nobody out.

Logging out deletes the row and the cached copy at once, so it takes effect on every server. While Redis is
away the cached copy can't be deleted, nor a changed session written over it: its key carries the site's
version (articles.caching), which moves when Redis answers again, so no copy cached before an outage is ever
read after it. A copy lives no longer than a cached page (PAGE_CACHE_SECONDS), so the copies left under an
old version soon go.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from articles.caching import SITE, current_versions, worker_versions


class SessionStore(cached_db.SessionStore):
    cache_key_prefix = "session:"

    @property
    def cache_key(self):
        return self.cache_key_for(self._get_or_create_session_key())

    def cache_key_for(self, session_key):
        (site_version,) = current_versions([SITE])
        return f"{self.cache_key_prefix}{site_version}:{session_key}"

    def load(self):
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        self.cache_changed(self._cache.set(self.cache_key, data, self.cache_seconds(expiry=row.expire_date)))
        return data

    def exists(self, session_key):
        # Only ever asked of a new key: the database, which holds every session, answers.
        return cached_db.DBStore.exists(self, session_key)

    def save(self, must_create=False):
        cached_db.DBStore.save(self, must_create)
        self.cache_changed(self._cache.set(self.cache_key, self._session, self.cache_seconds()))

    def delete(self, session_key=None):
        cached_db.DBStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is not None:
            self.cache_changed(self._cache.delete(self.cache_key_for(session_key)))

    def cache_seconds(self, **expiry):
        """Until the session expires (as the row says, when given), and no longer than a cached page."""
        return min(self.get_expiry_age(**expiry), settings.PAGE_CACHE_SECONDS)

    def cache_changed(self, answer):
        """The cache gives None for a write it gave up on (IGNORE_EXCEPTIONS): move the site's version when
        it answers again, so the copy it still holds is never read."""
        if answer is None:
            worker_versions.unreachable = True
