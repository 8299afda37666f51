"""
Signed-out readers' cached pages served early (ReadersPageMiddleware) and from each worker's own memory.

A page found in the page cache is served before sessions, CSRF, authentication and the URL resolver, with
every header it gets when its view serves it; each worker keeps the pages it served last, under the same
versioned keys as the shared cache, so a change shows there as soon as in the shared cache.
"""

import gzip

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory

from articles import caching, page_store
from articles.caching import cache_for_readers, readers_pages
from articles.page_store import PageMemory, page_memory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
HEAVY_ENOUGH = "<p>A page long enough to be kept compressed.</p>" * 50


@pytest.fixture
def article(make_article):
    return make_article(headline="A trial of a new pill for Crohn's disease")


def served_early(response):
    """Whether the page was served before the URL was resolved and the member middleware ran."""
    request = response.wsgi_request
    return request.resolver_match is None and not hasattr(request, "user")


def headers(response):
    return {name.lower(): value for name, value in response.items()}


def hit_served_late_then_early(url, **extra):
    """The same cached page, served once through its view and once early."""
    Client().get(url, **extra)  # drawn and stored
    readers_pages.clear()  # as in a worker that has not served it yet
    late = Client().get(url, **extra)
    early = Client().get(url, **extra)
    assert not served_early(late) and served_early(early)
    return late, early


@pytest.mark.parametrize("extra", [GZIP, {}], ids=["gzip", "plain"])
def test_a_page_served_early_has_every_header_and_byte_of_one_served_by_its_view(
    db, settings, article, extra, django_assert_num_queries
):
    settings.PAGE_CACHE_HEADER = True
    late, early = hit_served_late_then_early(article.get_absolute_url(), **extra)

    assert headers(early) == headers(late)
    assert early.content == late.content
    assert early["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Referrer-Policy", "ETag"):
        assert early[header]
    with django_assert_num_queries(0):
        assert Client().get(article.get_absolute_url(), **extra).status_code == 200


@pytest.mark.parametrize("path", ["/", "/feeds/articles.rss", "/about/"])
def test_lists_feeds_and_fixed_pages_are_served_early_with_the_same_headers(db, article, path):
    late, early = hit_served_late_then_early(path, **GZIP)

    assert headers(early) == headers(late)
    assert early.content == late.content


def test_a_page_served_early_answers_conditional_requests_with_304(db, article):
    url = article.get_absolute_url()
    late, _ = hit_served_late_then_early(url, **GZIP)
    late_304 = Client().get(url, HTTP_IF_NONE_MATCH=late["ETag"], **GZIP)
    readers_pages.clear()
    Client().get(url, **GZIP)  # learned again
    early_304 = Client().get(url, HTTP_IF_NONE_MATCH=late["ETag"], **GZIP)

    assert early_304.status_code == 304 and served_early(early_304)
    assert headers(early_304) == headers(late_304)


def test_a_member_with_a_session_cookie_never_gets_a_cached_page(client, member, article):
    url = article.get_absolute_url()
    Client().get(url)
    assert served_early(Client().get(url))
    client.force_login(member)

    page = client.get(url)

    assert not served_early(page)
    assert "Your account" in page.content.decode()


@pytest.mark.parametrize("query", ["?utm_source=mail", "?comments=abc"])
def test_a_query_the_page_doesnt_read_goes_to_the_view(db, article, query):
    url = article.get_absolute_url()
    Client().get(url)

    assert not served_early(Client().get(url + query))


def test_a_post_goes_to_the_view(client, member, article):
    url = article.get_absolute_url()
    Client().get(url)

    response = Client().post(url + "comments/", {"body": "Not signed in."})

    assert not served_early(response)


def test_a_change_shows_at_once_on_a_page_served_early(db, article, make_section):
    url = article.get_absolute_url()
    Client().get(url)
    assert served_early(Client().get(url))

    make_section(article, heading="What the new trial found")
    page = Client().get(url)

    assert "What the new trial found" in page.content.decode()


def counting_view():
    def view(request):
        view.calls += 1
        return HttpResponse(HEAVY_ENOUGH)

    view.calls = 0
    cached = cache_for_readers(view)
    return view, lambda **headers: cached(RequestFactory().get("/worker-memory-test/", **headers))


def test_a_worker_serves_a_page_it_found_once_from_its_own_memory(db):
    view, get = counting_view()
    get()
    get()  # found in the shared cache, and kept
    cache.clear()  # only to show the copy comes from the worker's memory

    assert get(**GZIP).status_code == 200
    assert view.calls == 1


def test_a_version_moved_by_another_worker_reaches_the_worker_memory_within_a_second(db, monkeypatch):
    view, get = counting_view()
    get()
    get()
    (seen,) = caching.current_versions([caching.SITE])
    cache.set("version:site", seen + 10, timeout=None)  # as another worker's change does

    get()
    assert view.calls == 1  # this worker trusts its versions for up to a second
    expires = caching.worker_versions.values[caching.SITE][1]
    monkeypatch.setattr(caching.time, "monotonic", lambda: expires)
    get()
    assert view.calls == 2


def test_the_worker_memory_drops_a_page_when_the_shared_copy_expires(db, settings):
    view, get = counting_view()
    settings.PAGE_CACHE_SECONDS = 0
    get()
    get()

    assert view.calls == 2
    assert not page_memory.pages


def test_the_worker_memory_keeps_the_pages_served_last():
    memory = PageMemory(limit=2)
    stored = {name: page_store.pack(HttpResponse(HEAVY_ENOUGH), 60) for name in "abc"}
    memory.keep("a", stored["a"])
    memory.keep("b", stored["b"])
    memory.get("a")

    memory.keep("c", stored["c"])

    assert list(memory.pages) == ["a", "c"]
    memory.keep("old", {"headers": [], "body": b"", "encoding": None})  # another release's: no expiry
    assert "old" not in memory.pages


def test_a_page_in_the_worker_memory_is_decompressed_once_for_readers_without_gzip(db, monkeypatch):
    _, get = counting_view()
    get(**GZIP)
    get(**GZIP)
    decompressed = []
    real = gzip.decompress
    monkeypatch.setattr(page_store.gzip, "decompress", lambda data: decompressed.append(1) or real(data))

    pages = [get().content for _ in range(3)]

    assert pages == [HEAVY_ENOUGH.encode()] * 3
    assert len(decompressed) == 1


def test_what_is_stored_never_says_whether_it_was_found(db, settings):
    settings.PAGE_CACHE_HEADER = True
    response = HttpResponse(HEAVY_ENOUGH)
    response["X-Page-Cache"] = "miss"

    assert "X-Page-Cache" not in dict(page_store.pack(response, 60)["headers"])
