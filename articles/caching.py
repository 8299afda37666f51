"""
Whole pages cached for signed-out readers, and the one number that clears them.

Every change to what readers see (an article or its parts saved, a comment
posted or decided, a display name changed) moves the content generation on.
Cache keys carry the generation, so stale pages are never asked for again and
simply expire. A request with a session cookie (a member, or anyone with a
message waiting) is never served from, or stored in, the page cache. Each
worker reads the generation from the shared cache at most once a second, so a
change made through one worker reaches the others' readers within a second.

When the shared cache doesn't answer (Redis down), a worker can't learn or
share the generation. It then uses a stand-in of its own that it never uses
again, a new one each second: nothing is found under it, so every page is drawn
afresh, and a change shows at once. When the cache answers again, the first
worker to notice moves the generation on, since nothing could move it while
the cache was away. Meanwhile each cache call gives up at once
(QuickToGiveUpConnection), so a page costs no more than drawing it afresh.

Pages drawn afresh for members still share what isn't personal: the article
with its parts, the topics and the site settings are kept in each worker's
memory for the current generation (``for_this_generation``), so a member's
page costs no query for them.
"""

import hashlib
import time
import uuid
from functools import wraps

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .page_store import pack, unpack

GENERATION_KEY = "content-generation"
# How long a worker trusts the generation it last read before asking the shared cache again.
# A change made in this worker moves its own copy at once; one made in another worker shows
# here within this many seconds. It saves a round trip to the cache on nearly every request.
LOCAL_GENERATION_SECONDS = 1.0


class WorkerGeneration:
    """This worker's copy of the generation, read from the shared cache at most once a second."""

    def __init__(self):
        self.forget()

    def get(self):
        now = time.monotonic()
        if self.value is None or now >= self.expires:
            generation = shared_generation()
            if generation is None:
                self.unreachable = True
                generation = unshared_generation()
            elif self.unreachable:
                self.unreachable = False
                generation = bump_generation()
            self.remember(generation)
        return self.value

    def remember(self, value):
        self.value, self.expires = value, time.monotonic() + LOCAL_GENERATION_SECONDS

    def forget(self):
        self.value, self.expires = None, 0.0
        self.unreachable = False


worker_generation = WorkerGeneration()


def content_generation(request=None):
    """The current generation; looked up once per request when the request is given."""
    if request is not None:
        if not hasattr(request, "_content_generation"):
            request._content_generation = worker_generation.get()
        return request._content_generation
    return worker_generation.get()


def shared_generation():
    """The generation every worker shares; None while the shared cache doesn't answer."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, never from 1, so a generation lost from the cache can't come back.
        cache.add(GENERATION_KEY, time.time_ns() // 1_000_000, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def content_changed():
    """Call after any change readers could see: every cached page and thread is stale from now on.

    The generation moves on at once and again when the transaction commits, so a page rendered
    from the old data in between is never kept. It is set, not incremented, so that no cache
    backend gives it an expiry.
    """
    bump_generation()
    transaction.on_commit(bump_generation)


def unshared_generation():
    """A stand-in for the generation while the shared cache is away: never the same twice, so nothing matches it."""
    return f"unshared-{uuid.uuid4().hex}"


def bump_generation():
    # From the shared value, never this worker's copy, which may be a second behind.
    generation = shared_generation()
    if generation is None:  # the shared cache is away: this worker stops using what it drew before the change
        worker_generation.unreachable = True
        generation = unshared_generation()
    else:
        generation += 1
        cache.set(GENERATION_KEY, generation, timeout=None)
    worker_generation.remember(generation)
    return generation


def forget_worker_state():
    """Drop what this worker keeps in memory (its generation and what it computed for it): for tests."""
    worker_generation.forget()
    memo.clear()
    QuickToGiveUpConnection.unanswered_until.clear()


class GenerationMemo:
    """What this worker has computed for one content generation, dropped whole when it moves on.

    Each worker keeps its own copy: the generation, shared through the cache, says when they are
    all stale, and holding the objects in memory saves the cache round trip as well as the queries.
    Only one generation is held, at most ``limit`` entries of it, and none for longer than the page
    cache keeps a page, so what depends on the clock (a scheduled article going live) shows as soon.
    """

    def __init__(self, limit=500):
        self.limit = limit
        self.clear()

    def get(self, generation, key, compute):
        now = time.monotonic()
        if generation != self.generation or now >= self.expires:
            self.clear()
            self.generation = generation
            self.expires = now + settings.PAGE_CACHE_SECONDS
        try:
            return self.entries[key]
        except KeyError:
            pass
        value = compute()
        if len(self.entries) >= self.limit:
            self.entries.clear()
        self.entries[key] = value
        return value

    def clear(self):
        self.generation = None
        self.expires = 0
        self.entries = {}


memo = GenerationMemo()


def for_this_generation(request, key, compute):
    """``compute()`` once per worker and content generation; readers must treat the value as read-only."""
    return memo.get(content_generation(request), key, compute)


def cache_for_readers(view):
    """Serve signed-out readers a cached copy of the page; render it afresh for everyone else."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        path_digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{content_generation(request)}:{path_digest}"
        cached = unpack(cache.get(key), request)
        if cached is not None:
            return said_from_cache(cached, "hit")
        response = said_from_cache(view(request, *args, **kwargs), "miss")

        def store(rendered):
            if cacheable(request, rendered):
                cache.set(key, pack(rendered), settings.PAGE_CACHE_SECONDS)

        if getattr(response, "is_rendered", True):
            store(response)
        else:  # a TemplateResponse: what it holds is known once it is rendered
            response.add_post_render_callback(store)
        return response

    return cached_view


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
