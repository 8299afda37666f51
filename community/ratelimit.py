"""
Rate limits that hold across every gunicorn worker and every app server, and the client's address they count by.

Each limit counts attempts in windows (ten minutes, an hour) aligned to the
clock, and weighs the window before by how much of it a window of that length
ending now still covers: 31 failed logins at 10:29:59 still count as about 31
at 10:30:01, when a new window has just begun, and fade out over the next
fifteen minutes. So a limit holds across a window's end, where fixed windows
let twice the limit through and lifted a lockout a second after it began.
Counts are kept where nothing else can
push them out: in Redis (INCR, the expiry set only when the key is new) when
REDIS_URL is set, otherwise, and whenever Redis doesn't answer, in the
RateLimitCounter table. Both count atomically, so with a limit of N, exactly N
of any number of parallel attempts get through. Keys hold a hash, so an IP
address or email is never stored in clear.
"""

import functools
import hashlib
import logging
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ipware import get_client_ip

from articles.caching import QuickToGiveUpPool
from community.models import RateLimitCounter

# The clock the windows follow, in seconds since the epoch.
clock = time.time
# Where Redis trouble is reported: the logging settings let one line through a minute.
redis_logger = logging.getLogger("ibdmovement.redis")


def client_ip(request):
    """The address of the client that sent the request, as far as the trusted proxies in front of us vouch for it.

    With no trusted proxy (the default), that is the address that connected to us
    (REMOTE_ADDR): X-Forwarded-For is ignored, as anyone can write it. Behind
    TRUSTED_PROXY_COUNT proxies, or the proxies at TRUSTED_PROXIES, it is the entry of
    X-Forwarded-For just before them; the nearest proxy is the address that connected
    to us, so it joins the end of the chain. A request that didn't come through them
    (too few hops, or from an address not listed) counts by the address that connected.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY_COUNT or settings.TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = HttpRequest()
        chain.META = {"HTTP_X_FORWARDED_FOR": f"{forwarded}, {remote}" if forwarded else remote}
        ip, _ = get_client_ip(
            chain,
            proxy_count=settings.TRUSTED_PROXY_COUNT or None,
            proxy_trusted_ips=settings.TRUSTED_PROXIES or None,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,  # entries a client forged sit left of the client's own: skip them, don't refuse the header
        )
        if ip:
            return ip
    ip, _ = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    return ip


@dataclass(frozen=True)
class Attempt:
    """One attempt as counted: its key, the end of its window (seconds since the epoch), and the count so far."""

    key: str
    window_ends: int
    count: int


def window_for(scope, identity, window, *, windows_back=0):
    """The key and end of the current window (or one before it) for this scope and identity.

    The key holds a hash, never the identity.
    """
    start = int(clock() // window * window) - windows_back * window
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{start}", start + window


def keys_for(scope, identity, window):
    """The keys of the current window and the one before, and the end of the current one."""
    key, window_ends = window_for(scope, identity, window)
    previous_key, _ = window_for(scope, identity, window, windows_back=1)
    return key, previous_key, window_ends


def with_carried_over(count, previous, window_ends, window):
    """The count, plus the previous window's weighed by the share of it that a window of this length ending now
    still covers; rounded up, so no attempt is forgotten early."""
    still_covered = max(0.0, window_ends - clock()) / window
    return count + (math.ceil(previous * still_covered - 1e-9) if previous else 0)


def count_attempt(scope, identity, *, window):
    """Count one more attempt; the Attempt says how many there have been in the last `window` seconds, this one too."""
    key, previous_key, window_ends = keys_for(scope, identity, window)
    # Kept a window longer than its own: the next window weighs it.
    counts = _in_redis("hit", key, window_ends + window, previous_key)
    if counts is None:
        counts = RateLimitCounter.hit(key, datetime.fromtimestamp(window_ends + window, UTC), previous_key)
    return Attempt(key, window_ends, with_carried_over(*counts, window_ends, window))


def give_back(attempt):
    """Uncount an attempt counted earlier: for attempts that turned out fine."""
    if _in_redis("give_back", attempt.key) is None:
        RateLimitCounter.give_back(attempt.key)


def attempts_so_far(scope, identity, *, window):
    """How many attempts the last `window` seconds hold, without counting one."""
    key, previous_key, window_ends = keys_for(scope, identity, window)
    counts = _in_redis("counts", key, previous_key)
    if counts is None:
        counts = RateLimitCounter.counts_for(key, previous_key)
    return with_carried_over(*counts, window_ends, window)


def clear_attempts(scope, identity, *, window):
    """Forget the attempts of this window and the one before, wherever they were counted."""
    keys = keys_for(scope, identity, window)[:2]
    _in_redis("clear", *keys)
    RateLimitCounter.objects.filter(key__in=keys).delete()


def is_limited(scope, identity, *, limit, window):
    """Count one more attempt; True once there have been more than `limit` in the current window of `window` seconds."""
    return count_attempt(scope, identity, window=window).count > limit


def any_limited(request, scope, *, member_limit, ip_limit, window):
    """Count an attempt against both the member (if logged in) and the IP address.

    Counted in the database (no REDIS_URL), the two counts share one transaction: on SQLite, one turn of its
    single writer lock instead of two; the caller's, if it is in one (a comment counts and is saved in one turn).
    """
    with nullcontext() if settings.REDIS_URL else transaction.atomic(savepoint=False):
        limited = is_limited(f"{scope}:ip", client_ip(request), limit=ip_limit, window=window)
        if request.user.is_authenticated:
            limited = is_limited(f"{scope}:member", request.user.pk, limit=member_limit, window=window) or limited
    return limited


# DECR only a count above zero, in one step on the server: DECR on a key that has expired would make it anew, at -1,
# with no expiry.
GIVE_BACK = "if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end return 0"


class RedisCounters:
    """The counters in Redis, on a connection of their own: the cache's swallows errors, and this one must not."""

    def __init__(self, url):
        pool = QuickToGiveUpPool.from_url(
            url, socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT, socket_timeout=settings.REDIS_TIMEOUT
        )
        self.client = redis.Redis(connection_pool=pool)
        # Beside the cache's keys, under the same prefix, so two sites can share one Redis.
        self.prefix = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:"

    def hit(self, key, expires, previous_key):
        """Count one more in `key`; its count, and the count in `previous_key`, in one round trip."""
        pipe = self.client.pipeline()  # MULTI ... EXEC: all or nothing
        pipe.set(self.prefix + key, 0, nx=True, exat=expires)  # the expiry is set only when the key is new
        pipe.incr(self.prefix + key)
        pipe.get(self.prefix + previous_key)
        _, count, previous = pipe.execute()
        return count, int(previous or 0)

    def give_back(self, key):
        self.client.eval(GIVE_BACK, 1, self.prefix + key)
        return 0

    def counts(self, *keys):
        return tuple(int(count or 0) for count in self.client.mget([self.prefix + key for key in keys]))

    def clear(self, *keys):
        return self.client.delete(*(self.prefix + key for key in keys))


@functools.cache
def redis_counters(url):
    return RedisCounters(url)


def _in_redis(operation, *args):
    """Run the operation on the Redis counters; None when REDIS_URL isn't set or Redis didn't answer."""
    if not settings.REDIS_URL:
        return None
    try:
        return getattr(redis_counters(settings.REDIS_URL), operation)(*args)
    except redis.RedisError as error:
        redis_logger.warning("Redis unreachable, rate limits counted in the database: %s", type(error).__name__)
        return None
