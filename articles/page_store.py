"""
What the page cache keeps of a response, and the response it serves from it.

A cached page keeps the headers its view gave it (Content-Type,
Content-Language, Last-Modified, Vary, Link, ...), never a cookie, and an ETag
for its body, so a feed reader's conditional request gets a 304 from the cache
(ConditionalGetMiddleware answers it). Its body is gzip-compressed once, when
it is stored: readers whose browsers accept gzip (nearly all) get those bytes
as they are, with ``Content-Encoding: gzip``; anyone else gets them
decompressed. Either way ``Vary: Accept-Encoding`` tells caches in between that
the two differ.

Compressing here is safe from BREACH: a cached page was drawn for a signed-out
reader and holds no secret, since ``cacheable()`` refuses a page that used a
CSRF token or set a cookie. The web server in front compresses the rest
(docs/deploy.md) and leaves these alone, as they already carry a
Content-Encoding. Only gzip: no Brotli library is installed.

Each worker also keeps its own copies of the pages it served last
(``page_memory``), under the same keys: a key carries the versions of what its
page shows, so a copy goes stale exactly when the shared one does, and it is
dropped when the shared one expires. It saves the shared cache's round trip
(on the database cache, a query) on each hit of a hot page, and decompresses
a page for clients that don't accept gzip once per worker, not on every hit.
"""

import gzip
import threading
import time
from collections import OrderedDict
from hashlib import md5

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag

# Headers that belong to one response, not to the page.
NOT_STORED = {"set-cookie", "content-length", "date", "x-page-cache"}
COMPRESSIBLE_TYPES = (
    "text/",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
    "image/svg+xml",
)
# Below this, gzip's header and checksum cost about what it saves.
MIN_COMPRESSIBLE_LENGTH = 200
# How many pages each worker keeps in its own memory: the hottest ones, 10 to 60 KB each.
MEMORY_PAGES = 100


def pack(response, seconds=None):
    """What the cache keeps of a rendered response, for ``seconds``: its headers, and its body compressed when
    that pays."""
    body = response.content
    headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED]
    if not response.has_header("ETag"):
        # The one ConditionalGetMiddleware gives the response served on a miss, so both match.
        headers.append(("ETag", quote_etag(md5(body, usedforsecurity=False).hexdigest())))
    encoding = None
    if len(body) >= MIN_COMPRESSIBLE_LENGTH and response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
        compressed = gzip.compress(body, compresslevel=9, mtime=0)
        if len(compressed) < len(body):
            body, encoding = compressed, "gzip"
    expires = None if seconds is None else time.time() + seconds
    return {"headers": headers, "body": body, "encoding": encoding, "expires": expires}


def unpack(stored, request):
    """The response to serve this request from what ``pack`` stored; None for nothing (or another release's format)."""
    if not isinstance(stored, dict):
        return None
    body, encoding = stored["body"], stored["encoding"]
    if encoding == "gzip" and not accepts_gzip(request):
        if "plain" not in stored:  # kept with a copy in this worker's memory: decompressed once
            stored["plain"] = gzip.decompress(body)
        body, encoding = stored["plain"], None
    response = HttpResponse(body)
    for name, value in stored["headers"]:
        response.headers[name] = value
    # Served only to requests without a session cookie (``cache_for_readers``), whichever encoding.
    patch_vary_headers(response, ("Cookie", "Accept-Encoding") if stored["encoding"] else ("Cookie",))
    if encoding:
        response.headers["Content-Encoding"] = encoding
        # The compressed bytes differ from the plain ones, so their ETag is weak (as GZipMiddleware makes it).
        if response.get("ETag", "").startswith('"'):
            response.headers["ETag"] = "W/" + response["ETag"]
    return response


def accepts_gzip(request):
    """Whether the request's Accept-Encoding allows gzip: named, or by ``*``, with a q above 0."""
    qualities = {}
    for coding in request.headers.get("Accept-Encoding", "").lower().split(","):
        name, _, params = coding.partition(";")
        try:
            qualities[name.strip()] = float(params.strip().removeprefix("q=")) if params.strip() else 1.0
        except ValueError:
            qualities[name.strip()] = 0.0
    return qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0.0))) > 0


class PageMemory:
    """This worker's own copies of the pages it served last, at most ``limit``, each until the shared copy expires."""

    def __init__(self, limit=MEMORY_PAGES):
        self.limit = limit
        self.lock = threading.Lock()  # for gunicorn's threaded workers (GUNICORN_THREADS)
        self.clear()

    def get(self, key):
        with self.lock:
            stored = self.pages.get(key)
            if stored is None:
                return None
            if stored["expires"] <= time.time():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return stored

    def keep(self, key, stored):
        """Keep what the shared cache held under ``key`` (nothing without an expiry: another release's)."""
        if not isinstance(stored, dict) or not stored.get("expires") or stored["expires"] <= time.time():
            return
        with self.lock:
            self.pages[key] = stored
            self.pages.move_to_end(key)
            while len(self.pages) > self.limit:
                self.pages.popitem(last=False)

    def clear(self):
        self.pages = OrderedDict()


page_memory = PageMemory()
