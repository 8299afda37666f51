"""
Rate limits that hold across every gunicorn worker, kept in the shared cache.

Keys are hashed, so an IP address or email never sits in the cache in clear.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "")


def _key(scope, identity):
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def is_limited(scope, identity, *, limit, window):
    """Count one more attempt; True once there have been more than `limit` within `window` seconds."""
    key = _key(scope, identity)
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit


def any_limited(request, scope, *, member_limit, ip_limit, window):
    """Count an attempt against both the member (if logged in) and the IP address."""
    limited = is_limited(f"{scope}:ip", client_ip(request), limit=ip_limit, window=window)
    if request.user.is_authenticated:
        limited = is_limited(f"{scope}:member", request.user.pk, limit=member_limit, window=window) or limited
    return limited
