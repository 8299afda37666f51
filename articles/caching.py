"""
Whole pages cached for signed-out readers, and the versions that say when they are stale.

What readers see is covered by a few versions, each moved by the code that changes it:

- ``article_changed(slug)``: one article's page (the article and its parts). Its discussion is keyed by it
  too, so what the thread reads of the article (comments open or closed, the article gone) shows at once.
- ``discussion_changed(*slugs)``: a comment on it posted, edited, decided or hidden, or a commenter renamed;
  moves the discussion's own version (``discussion:<slug>``) and the community page's (``DISCUSSIONS``),
  never the article's: members' shared copy of the article page is not drawn again for a comment.
- ``published_list_changed()``: which articles are published, or what their cards show (home, topic, tag
  and author lists, feeds, the sitemap, search and every article's related list).
- ``site_changed()``: navigation topics, bylines, the glossary, hype words and the site settings; every
  page depends on it.

A page says what it depends on (``cache_for_readers(depends_on=...)``), and its key carries those
versions: a stale page is never asked for again and simply expires, as does everything held for a
version that moved on. ``grep -rn "_changed("`` finds every place a version moves. A scheduled article
going live moves nothing: lists catch up when their copy expires (PAGE_CACHE_SECONDS).

A request with a session cookie (a member, or anyone with a message waiting) is never served from, or
stored in, the page cache, nor is one with a query the page doesn't use, or a page number past the last:
keys come from the path and the page's own parameters only, so odd addresses can't fill the cache.

Once a worker has served an address from the page cache, ``ReadersPageMiddleware`` serves it from there
before the middleware and the view that only matter to members; each worker also keeps the pages it served
last in its own memory (``page_store.page_memory``), under the same keys, so a hit of a hot page costs no
round trip to the shared cache.

Each worker trusts the versions it last read for a second (LOCAL_VERSION_SECONDS), and reads the ones a
page needs in one round trip (``cache.get_many``), so a change made through one worker reaches the
others' readers within a second. A change moves its versions at once and again when the transaction
commits, so a page drawn from the old data in between is never kept.

When the shared cache doesn't answer (Redis down), a worker can't learn or share versions. It then uses
stand-ins of its own that it never uses again, new ones each second: nothing is found under them, so
every page is drawn afresh, and a change shows at once. When the cache answers again, the first worker
to notice moves the site version on (every page depends on it), since nothing could move versions while
the cache was away. Meanwhile each cache call gives up at once (QuickToGiveUpConnection), so a page
costs no more than drawing it afresh.

Pages drawn afresh for members still share what isn't personal: the article with its parts is kept in
each worker's memory for the page's versions (``for_this_page``), the topics and the site settings for
the site version (``for_this_site``), so a member's page costs no query for them. A page's discussion
(``DISCUSSION`` in ``depends_on``) is in its cached copy's key, but not in those versions: the thread is a
personal part, drawn under its own (community/templatetags/community.py), so a comment leaves the rest.
"""

import hashlib
import re
import time
import uuid
import weakref
from contextlib import nullcontext
from functools import partial, wraps

import redis
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction

from .page_store import pack, page_memory, unpack

SITE = "site"
PUBLISHED = "published"
DISCUSSIONS = "discussions"
ARTICLE = "article"  # in a page's depends_on: the article its address names by slug
DISCUSSION = "discussion"  # in a page's depends_on: that article's discussion (the page cache's key only)
LIST_PAGE = (SITE, PUBLISHED)
# The published list too: the page shows related articles.
ARTICLE_PAGE = (SITE, PUBLISHED, ARTICLE, DISCUSSION)

# How long a worker trusts the versions it last read before asking the shared cache again.
# A change made in this worker moves its own copy at once; one made in another worker shows
# here within this many seconds. It saves a round trip to the cache on nearly every request.
LOCAL_VERSION_SECONDS = 1.0
# A query parameter's value a cached page may be kept for: short and plain (a search of a few words, a
# stage); views say if it is a real one. Anything else is drawn afresh and never kept.
PLAIN_VALUE = re.compile(r"[\w-]+( [\w-]+){0,4}")
PLAIN_VALUE_LENGTH = 60
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def article_version(slug):
    """The name of one article's version."""
    return f"{ARTICLE}:{slug}"


def discussion_version(slug):
    """The name of the version of one article's discussion."""
    return f"{DISCUSSION}:{slug}"


def discussion_versions(slug):
    """What a discussion shown under an article is keyed by: the site, the article (it reads whether comments
    are open) and the discussion's own version."""
    return (SITE, article_version(slug), discussion_version(slug))


def article_changed(*slugs):
    """Call when what an article's page shows changed: the article or one of its parts (its discussion follows)."""
    versions_changed(*(article_version(slug) for slug in slugs if slug))


def discussion_changed(*slugs):
    """Call when readers see a different discussion under these articles: the threads and the community page.

    The articles' own versions stay, so what members share of their pages is not drawn again."""
    versions_changed(*(discussion_version(slug) for slug in slugs if slug), DISCUSSIONS)


def published_list_changed():
    """Call when which articles are published, or what lists show of one, changed."""
    versions_changed(PUBLISHED)


def site_changed():
    """Call when something every page may show changed: topics, bylines, the glossary, settings."""
    versions_changed(SITE)


def versions_changed(*names):
    """Move these versions on at once, and again when the transaction commits.

    The database cache writes in the change's own transaction: the move shows when the change does, and no
    sooner, so it is made once, there. On SQLite a transaction of its own at the commit would be one more turn
    of the one writer lock. This worker trusts the new versions once they are committed.
    """
    if not names:
        return
    if in_database_cache() and transaction.get_connection().in_atomic_block:
        moved = move_versions(names, remember=False)
        transaction.on_commit(partial(worker_versions.remember, moved))
        return
    move_versions(names)
    transaction.on_commit(partial(move_versions, names))


def in_database_cache():
    """The shared cache is a table in the site's database (no REDIS_URL)."""
    return isinstance(caches[DEFAULT_CACHE_ALIAS], DatabaseCache)


class WorkerVersions:
    """This worker's copy of the versions it has read, each trusted for a second."""

    def __init__(self):
        self.forget()

    def get_many(self, names):
        now = time.monotonic()
        found = {name: self.values[name][0] for name in names if name in self.values and now < self.values[name][1]}
        wanted = [name for name in names if name not in found]
        if wanted:
            shared = shared_versions(wanted)
            if shared is None:
                self.unreachable = True
                shared = {name: unshared_version() for name in wanted}
            elif self.unreachable:
                self.unreachable = False
                shared |= move_versions([SITE])
            self.remember(shared)
            found |= shared
        return [found[name] for name in names]

    def remember(self, values):
        if len(self.values) > 10_000:  # articles come and go: forget them all now and then
            self.values = {}
        expires = time.monotonic() + LOCAL_VERSION_SECONDS
        self.values.update((name, (value, expires)) for name, value in values.items())

    def forget(self):
        self.values = {}
        self.unreachable = False


worker_versions = WorkerVersions()


def current_versions(names, request=None):
    """The versions named, in order; looked up once per request when the request is given."""
    if request is None:
        return worker_versions.get_many(names)
    seen = request.__dict__.setdefault("_versions", {})
    missing = [name for name in names if name not in seen]
    if missing:
        seen.update(zip(missing, worker_versions.get_many(missing), strict=True))
    return [seen[name] for name in names]


def version_tag(names, request=None):
    """The versions named, as one string for a key."""
    return ".".join(str(value) for value in current_versions(names, request))


def shared_versions(names):
    """The versions every worker shares, by name; None while the shared cache doesn't answer."""
    keys = {f"version:{name}": name for name in names}
    found = cache.get_many(keys)
    absent = [key for key in keys if key not in found]
    if absent:
        # Start from the clock, never from 1, so a version lost from the cache can't come back.
        start = time.time_ns() // 1_000_000
        for key in absent:
            cache.add(key, start, timeout=None)
        found |= cache.get_many(absent)
        if len(found) < len(keys):
            return None
    return {keys[key]: value for key, value in found.items()}


def unshared_version():
    """A stand-in for a version while the shared cache is away: never the same twice, so nothing matches it."""
    return f"unshared-{uuid.uuid4().hex}"


def move_versions(names, *, remember=True):
    """Move each version on by one from the shared value (never this worker's copy, which may be behind).

    It is set, not incremented, so that no cache backend gives it an expiry. ``remember=False``: this worker
    goes on with the versions it had (the move is in a transaction yet to commit).
    """
    shared = shared_versions(names)
    if shared is None:  # the shared cache is away: this worker stops using what it drew before the change
        worker_versions.unreachable = True
        moved = {name: unshared_version() for name in names}
    else:
        moved = {name: value + 1 for name, value in shared.items()}
        # The database cache writes each key in a transaction of its own: one for them all instead.
        with transaction.atomic() if in_database_cache() else nullcontext():
            cache.set_many({f"version:{name}": value for name, value in moved.items()}, timeout=None)
    if remember:
        worker_versions.remember(moved)
    return moved


def forget_worker_state():
    """Drop what this worker keeps in memory (its versions and what it computed for them): for tests."""
    worker_versions.forget()
    for kept in VersionMemo.every_memo:
        kept.clear()
    page_memory.clear()
    readers_pages.clear()
    QuickToGiveUpConnection.unanswered_until.clear()


class VersionMemo:
    """What this worker has computed, each value under the versions it was computed for.

    Each worker keeps its own copy: the versions, shared through the cache, say when a value is
    stale, and holding the objects in memory saves the cache round trip as well as the queries.
    At most ``limit`` values are held (all are dropped when it is reached: stale ones are never asked
    for again), none for longer than the page cache keeps a page, so what depends on the clock (a
    scheduled article going live) shows as soon, or for ``seconds`` if given.
    """

    every_memo = weakref.WeakSet()  # for forget_worker_state

    def __init__(self, limit=500, seconds=None):
        self.limit, self.seconds = limit, seconds
        self.clear()
        VersionMemo.every_memo.add(self)

    def get(self, versions, key, compute):
        now = time.monotonic()
        entry = self.entries.get((versions, key))
        if entry is not None and now < entry[1]:
            return entry[0]
        value = compute()
        if len(self.entries) >= self.limit:
            self.entries.clear()
        self.entries[(versions, key)] = (value, now + (self.seconds or settings.PAGE_CACHE_SECONDS))
        return value

    def clear(self):
        self.entries = {}


memo = VersionMemo()


def for_these_versions(request, names, key, compute):
    """``compute()`` once per worker while the versions named stay; readers must treat the value as read-only."""
    return memo.get(tuple(current_versions(names, request)), key, compute)


def for_this_page(request, key, compute):
    """``compute()`` once per worker for the versions the page depends on (those of ``cache_for_readers``)."""
    return for_these_versions(request, getattr(request, "page_depends_on", (SITE,)), key, compute)


def for_this_site(request, key, compute):
    """``compute()`` once per worker for the site version: topics, settings."""
    return for_these_versions(request, (SITE,), key, compute)


def mark_not_canonical(request):
    """The address asks for something the page corrected (a page number past the last): don't keep this copy."""
    if request is not None:
        request.page_is_canonical = False


def cache_for_readers(view=None, *, depends_on=(SITE,), query=()):
    """Serve signed-out readers a cached copy of the page; render it afresh for everyone else.

    ``depends_on`` names the versions the page shows (the site's always); ``query`` the parameters it
    reads, the only ones a kept copy may have ("page", "comments" and "p" are page numbers).
    """
    if view is None:
        return partial(cache_for_readers, depends_on=depends_on, query=query)
    depends_on = (SITE, *(name for name in depends_on if name != SITE))

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        slug = kwargs.get("slug")
        placeholders = {ARTICLE: article_version(slug), DISCUSSION: discussion_version(slug)}
        names = tuple(placeholders.get(name, name) for name in depends_on)
        # What the view keeps per page version leaves the discussion out: the thread is keyed by it itself.
        request.page_depends_on = tuple(placeholders.get(name, name) for name in depends_on if name != DISCUSSION)
        key = reader_page_key(request, names, query)
        if key is None:
            return view(request, *args, **kwargs)
        if key != getattr(request, "page_cache_missed", None):  # not looked for already (ReadersPageMiddleware)
            stored = unpack(cached_page(key), request)
            if stored is not None:
                readers_pages.learn(request.path_info, names, query)
                return said_from_cache(stored, "hit")
        response = said_from_cache(view(request, *args, **kwargs), "miss")

        def store(rendered):
            if cacheable(request, rendered):
                cache.set(key, pack(rendered, settings.PAGE_CACHE_SECONDS), settings.PAGE_CACHE_SECONDS)
                readers_pages.learn(request.path_info, names, query)

        if getattr(response, "is_rendered", True):
            store(response)
        else:  # a TemplateResponse: what it holds is known once it is rendered
            response.add_post_render_callback(store)
        return response

    return cached_view


def reader_page_key(request, names, query):
    """The key of the copy of this page kept for signed-out readers; None for a request never served one.

    Members (a session cookie), anything but GET and HEAD, and a query the page doesn't use get none.
    """
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    kept_query = page_query(request, query)
    if kept_query is None:
        return None
    address = hashlib.sha256(f"{request.path}?{kept_query}".encode()).hexdigest()
    return f"page:{version_tag(names, request)}:{address}"


def cached_page(key):
    """What the page cache holds under this key: this worker's own copy, else the shared one (then kept here)."""
    stored = page_memory.get(key)
    if stored is None:
        stored = cache.get(key)
        page_memory.keep(key, stored)
    return stored


class ReadersPages:
    """The addresses this worker has served from the page cache, with what their pages depend on.

    ``ReadersPageMiddleware`` serves these before the middleware only members need and before the URL is
    resolved; an address not here yet goes the whole way, once.
    """

    def __init__(self, limit=10_000):
        self.limit = limit
        self.pages = {}

    def learn(self, path, names, query):
        if len(self.pages) >= self.limit and path not in self.pages:
            self.pages = {}
        self.pages[path] = (names, query)

    def get(self, path):
        return self.pages.get(path)

    def clear(self):
        self.pages = {}


readers_pages = ReadersPages()


class ReadersPageMiddleware:
    """Serve a signed-out reader's page from the page cache early: before CSRF, authentication, two-factor,
    messages, lockouts, the URL resolver and the view, none of which a cached page needs.

    The middleware above it in settings.MIDDLEWARE (security headers, CSP, permissions policy,
    X-Frame-Options, sessions, ETags and 304s, Content-Length) treat the page exactly as when the view
    serves it. Only addresses this worker has served from the page cache before are looked for here
    (``readers_pages``); a miss is not looked for again by the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = readers_pages.get(request.path_info)
        key = page and reader_page_key(request, *page)
        if key:
            response = unpack(cached_page(key), request)
            if response is not None:
                return said_from_cache(response, "hit")
            request.page_cache_missed = key
        return self.get_response(request)


def page_query(request, allowed):
    """The query a cached copy is kept under, sorted; None if it has a parameter or value the page doesn't use."""
    kept = []
    for name, values in request.GET.lists():
        if name not in allowed or len(values) != 1:
            return None
        number = name in ("page", "comments", "p")
        if not (PAGE_NUMBER if number else PLAIN_VALUE).fullmatch(values[0]) or len(values[0]) > PLAIN_VALUE_LENGTH:
            return None
        kept.append(f"{name}={values[0]}")
    return "&".join(sorted(kept))


def said_from_cache(response, found):
    """With PAGE_CACHE_HEADER (the benchmark), tell whether the page came from the page cache."""
    if settings.PAGE_CACHE_HEADER:
        response["X-Page-Cache"] = found
    return response


def cacheable(request, response):
    """Only plain, successful pages that hold nothing personal: no cookie set, no CSRF token used.

    Cached pages are stored compressed (``page_store``): what holds a CSRF token must never be.
    """
    return (
        response.status_code == 200
        and getattr(request, "page_is_canonical", True)
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
        and not response.has_header("Content-Encoding")
    )


class QuickToGiveUpConnection(redis.Connection):
    """A connection to Redis that, once Redis failed to answer, fails at once for the next few seconds.

    Otherwise each call to a Redis that is down waits for its timeout, and a page makes several:
    a Redis that hangs would cost every request seconds. Every connection this process holds to one
    server waits out the same pause.
    """

    pause_seconds = 5
    unanswered_until = {}  # (host, port): time.monotonic() until which nobody asks

    def send_packed_command(self, command, check_health=True):
        if time.monotonic() < self.unanswered_until.get((self.host, self.port), 0.0):
            raise redis.ConnectionError(f"Redis at {self.host}:{self.port} didn't answer a moment ago")
        try:
            return super().send_packed_command(command, check_health)
        except (redis.ConnectionError, redis.TimeoutError):
            self.give_up_for_a_while()
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            self.give_up_for_a_while()
            raise

    def give_up_for_a_while(self):
        self.unanswered_until[(self.host, self.port)] = time.monotonic() + self.pause_seconds


class QuickToGiveUpPool(redis.ConnectionPool):
    """Connections to redis:// addresses that give up quickly (rediss:// and unix:// keep their own kind).

    The cache's CONNECTION_POOL_CLASS, and the rate limits' pool.
    """

    def __init__(self, connection_class=QuickToGiveUpConnection, **kwargs):
        super().__init__(connection_class=connection_class, **kwargs)
