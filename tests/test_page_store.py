"""
What the page cache keeps and serves: the page's headers, its body gzip-compressed once, never a cookie.

The first request for a page draws it and stores it; the ones after are served
from the cache, compressed for readers whose browsers accept gzip.
"""

import gzip
import itertools

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import RequestFactory

from articles.caching import cache_for_readers
from articles.page_store import pack, unpack

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
_paths = itertools.count(1)


def vary(response):
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


def counting_view(make_response):
    """A view under the page cache that counts how often it is drawn, at a path no other test uses."""

    def view(request):
        view.calls += 1
        return make_response(request)

    view.calls = 0
    path = f"/page-store-test/{next(_paths)}/"
    return view, lambda **headers: cache_for_readers(view)(reader_get(path, **headers))


def reader_get(path="/", **headers):
    """A signed-out reader's request."""
    return RequestFactory().get(path, **headers)


@pytest.fixture
def article(make_article):
    return make_article(headline="A trial of a new pill for Crohn's disease")


def test_cached_page_is_served_gzipped_to_readers_who_accept_it(client, article):
    drawn = client.get(article.get_absolute_url(), **GZIP)
    cached = client.get(article.get_absolute_url(), **GZIP)

    assert "Content-Encoding" not in drawn
    assert cached["Content-Encoding"] == "gzip"
    assert gzip.decompress(cached.content) == drawn.content
    assert len(cached.content) < len(drawn.content) / 2
    assert {"accept-encoding", "cookie"} <= vary(cached)
    assert int(cached["Content-Length"]) == len(cached.content)


@pytest.mark.parametrize("accept_encoding", [None, "identity", "gzip;q=0, deflate", "br"])
def test_cached_page_is_served_plain_to_readers_who_dont_accept_gzip(client, article, accept_encoding):
    drawn = client.get(article.get_absolute_url(), **GZIP)
    headers = {"HTTP_ACCEPT_ENCODING": accept_encoding} if accept_encoding else {}

    cached = client.get(article.get_absolute_url(), **headers)

    assert "Content-Encoding" not in cached
    assert cached.content == drawn.content
    assert "accept-encoding" in vary(cached)


def test_any_coding_allowed_includes_gzip(client, article):
    client.get(article.get_absolute_url())

    assert client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="*")["Content-Encoding"] == "gzip"


def test_cached_page_keeps_the_headers_its_view_gave_it():
    def page(request):
        response = HttpResponse("<p>Welcome</p>" * 100, content_type="text/html; charset=utf-8")
        response["Content-Language"] = "en-GB"
        response["Link"] = '</static/css/site.css>; rel="preload"; as="style"'
        response["X-Robots-Tag"] = "noindex"
        response["Vary"] = "Accept-Language"
        return response

    view, get = counting_view(page)
    drawn = get(**GZIP)
    cached = get(**GZIP)

    assert view.calls == 1
    for header in ("Content-Type", "Content-Language", "Link", "X-Robots-Tag"):
        assert cached[header] == drawn[header]
    assert {"accept-language", "accept-encoding", "cookie"} <= vary(cached)


def test_short_page_is_stored_as_it_is():
    view, get = counting_view(lambda request: HttpResponse("ok", content_type="text/plain"))
    get(**GZIP)

    cached = get(**GZIP)

    assert view.calls == 1
    assert cached.content == b"ok"
    assert "Content-Encoding" not in cached
    assert "accept-encoding" not in vary(cached)


def feed_from_cache(client, django_assert_max_num_queries, **headers):
    with django_assert_max_num_queries(0):  # no query: the feed isn't drawn again
        return client.get("/feeds/articles.rss", **headers)


def test_feed_answers_if_none_match_with_304_from_the_cache(client, article, django_assert_max_num_queries):
    drawn = client.get("/feeds/articles.rss", **GZIP)
    compressed = feed_from_cache(client, django_assert_max_num_queries, **GZIP)

    assert drawn["ETag"].startswith('"')
    assert compressed["ETag"] == "W/" + drawn["ETag"]
    for etag in (drawn["ETag"], compressed["ETag"]):
        for headers in (GZIP, {}):
            response = feed_from_cache(client, django_assert_max_num_queries, HTTP_IF_NONE_MATCH=etag, **headers)
            assert response.status_code == 304
            assert response.content == b""
    changed = feed_from_cache(client, django_assert_max_num_queries, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


def test_feed_answers_if_modified_since_with_304_from_the_cache(client, article, django_assert_max_num_queries):
    drawn = client.get("/feeds/articles.rss")

    response = feed_from_cache(client, django_assert_max_num_queries, HTTP_IF_MODIFIED_SINCE=drawn["Last-Modified"])

    assert response.status_code == 304
    assert response["Last-Modified"] == drawn["Last-Modified"]
    long_ago = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert feed_from_cache(client, django_assert_max_num_queries, HTTP_IF_MODIFIED_SINCE=long_ago).status_code == 200


def test_page_that_sets_a_cookie_is_never_stored():
    def page(request):
        response = HttpResponse("<p>Hello</p>" * 100)
        response.set_cookie("seen", "yes")
        return response

    view, get = counting_view(page)
    first = get(**GZIP)
    second = get(**GZIP)

    assert view.calls == 2
    assert "seen" in first.cookies and "seen" in second.cookies
    assert "Content-Encoding" not in second


def test_what_is_stored_never_holds_a_cookie():
    response = HttpResponse("<p>Hello</p>" * 100)
    response.set_cookie("sessionid", "secret-session")
    response.headers["Set-Cookie"] = "sessionid=secret-session"

    stored = pack(response)

    assert "secret-session" not in repr(stored["headers"])
    served = unpack(stored, reader_get())
    assert not served.cookies and "Set-Cookie" not in served


def test_page_with_a_csrf_token_is_never_stored_or_compressed():
    form = engines["django"].from_string('<form method="post">{% csrf_token %}<button>Send</button></form>' * 20)
    view, get = counting_view(lambda request: HttpResponse(form.render({}, request)))

    responses = [get(**GZIP) for _ in range(2)]

    assert view.calls == 2
    for response in responses:
        assert "Content-Encoding" not in response
        assert b"csrfmiddlewaretoken" in response.content


def test_page_that_asked_for_a_csrf_token_is_never_stored():
    def page(request):
        get_token(request)  # e.g. for a form drawn by JavaScript
        return HttpResponse("<p>Hello</p>" * 100)

    view, get = counting_view(page)
    get(**GZIP)
    get(**GZIP)

    assert view.calls == 2


def test_what_an_older_release_stored_is_drawn_afresh():
    assert unpack((b"<p>old</p>", "text/html"), reader_get()) is None
    assert unpack(None, reader_get()) is None
