"""Readers' cached pages go stale only when what they show changed (issue 13).

A page served from the page cache costs no query and stores nothing; a stale one is drawn afresh and
stored under its new versions: that is how these tests tell them apart.
"""

import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from articles import caching, shared_pages
from articles.models import Article, GlossaryTerm, SiteSettings
from community.models import Comment


def served_from_cache(url):
    """Whether a signed-out reader's request for the page was answered from the page cache."""
    before = page_entries()
    with override_settings(PAGE_CACHE_HEADER=True):  # says "hit" only for a copy found in the page cache
        response = Client().get(url)
    assert response.status_code == 200, url
    return response.get("X-Page-Cache") == "hit" and page_entries() == before


def drawn_afresh(url):
    """Whether a signed-out reader's request for the page drew it afresh and kept the new copy."""
    before = page_entries()
    assert Client().get(url).status_code == 200, url
    return page_entries() == before + 1


def warm(*urls):
    """Put the pages in the page cache, as readers' visits do."""
    for url in urls:
        assert Client().get(url).status_code == 200, url
        assert served_from_cache(url), url


def page_entries():
    """How many pages the page cache holds."""
    if hasattr(cache, "keys"):  # django-redis
        return len(cache.keys("page:*"))
    return sum(1 for key in cache._cache if ":page:" in key)


@pytest.fixture
def articles(make_article):
    """Two published articles on one tag and topic: A is discussed, B isn't."""
    first = make_article(headline="Article A", tags=["diet"])
    second = make_article(headline="Article B", tags=["diet"])
    return first, second


@pytest.fixture
def lists():
    return ["/", "/tags/diet/", "/feeds/articles.rss", "/sitemap.xml"]


@pytest.fixture
def trusted_member(member, make_article, make_comment):
    """Maya, with an approved comment elsewhere, so her next comments publish at once."""
    make_comment(make_article(headline="An older discussion", status="draft"), member, body="My first comment.")
    return member


def test_a_comment_on_one_article_leaves_other_articles_and_lists_cached(articles, lists, trusted_member):
    first, second = articles
    warm(first.get_absolute_url(), second.get_absolute_url(), *lists)
    member = Client()
    member.force_login(trusted_member)

    response = member.post(reverse("community:post_comment", kwargs={"slug": first.slug}), {"body": "Posted on A."})

    assert response.status_code == 302
    assert Comment.objects.get(body="Posted on A.").status == Comment.Status.APPROVED
    assert drawn_afresh(first.get_absolute_url())
    assert "Posted on A." in Client().get(first.get_absolute_url()).content.decode()
    assert served_from_cache(second.get_absolute_url())
    for url in lists:
        assert served_from_cache(url), url


def test_approving_removing_and_hiding_a_comment_move_only_its_article(
    articles, lists, make_comment, member, second_member, third_member, make_member, moderator
):
    first, second = articles
    held = make_comment(first, member, body="Waiting for a moderator.", status="pending")
    decisions = [
        lambda: held.approve(by=moderator),
        lambda: held.remove(by=moderator, reason="Spam"),
        lambda: held.approve(by=moderator),
        lambda: held.report(by=second_member, reason="spam"),
        lambda: held.report(by=third_member, reason="spam"),
        lambda: held.report(by=make_member(), reason="spam"),  # the third report hides it
    ]
    shown_after = [True, False, True, True, True, False]

    for decide, shown in zip(decisions, shown_after, strict=True):
        warm(first.get_absolute_url(), second.get_absolute_url(), *lists)
        decide()
        held.refresh_from_db()
        assert served_from_cache(second.get_absolute_url())
        for url in lists:
            assert served_from_cache(url), url
        page = Client().get(first.get_absolute_url()).content.decode()
        assert ("Waiting for a moderator." in page) is shown


def test_a_report_that_hides_nothing_invalidates_nothing(articles, make_comment, member, second_member):
    first, _ = articles
    comment = make_comment(first, member, body="Still here after one report.")
    warm(first.get_absolute_url(), "/")

    comment.report(by=second_member, reason="spam")

    assert served_from_cache(first.get_absolute_url())
    assert served_from_cache("/")


def test_a_members_email_choices_and_my_questions_invalidate_nothing(articles, make_question, member):
    first, second = articles
    question = make_question(first, text="What should I ask?")
    warm(first.get_absolute_url(), second.get_absolute_url(), "/")
    client = Client()
    client.force_login(member)
    profile = member.profile

    response = client.post(
        reverse("community:profile"),
        {"display_name": profile.display_name, "bio": profile.bio, "notify_on_decision": "on"},
    )
    client.post(reverse("community:save_question", args=[question.pk]))

    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.notify_on_reply
    assert member.saved_questions.count() == 1
    for url in (first.get_absolute_url(), second.get_absolute_url(), "/"):
        assert served_from_cache(url), url


def test_a_new_display_name_reaches_the_pages_showing_their_comments(articles, make_comment, member):
    first, second = articles
    make_comment(first, member, body="Signed with my name.")
    warm(first.get_absolute_url(), second.get_absolute_url(), "/")
    client = Client()
    client.force_login(member)

    response = client.post(reverse("community:profile"), {"display_name": "Maya Renamed", "bio": ""})

    assert response.status_code == 302
    assert "Maya Renamed" in Client().get(first.get_absolute_url()).content.decode()
    assert served_from_cache(second.get_absolute_url())
    assert served_from_cache("/")


def discussion_heading(content):
    """The discussion's heading with its count of comments, as the page shows it."""
    return re.search(r'<h2 id="discussion-heading">(.*?)</h2>', content, re.S).group(1)


def test_a_comment_posted_approved_or_removed_shows_at_once_to_readers_and_members(
    articles, trusted_member, second_member, make_comment, member, moderator
):
    first, _ = articles
    held = make_comment(first, member, body="Held for a moderator.", status="pending")
    sam = Client()
    sam.force_login(second_member)  # no comment of his own here: the thread members share
    warm(first.get_absolute_url())
    sam.get(first.get_absolute_url())
    maya = Client()
    maya.force_login(trusted_member)

    maya.post(reverse("community:post_comment", kwargs={"slug": first.slug}), {"body": "Posted on A."})
    for content in (
        Client().get(first.get_absolute_url()).content.decode(),
        sam.get(first.get_absolute_url()).content.decode(),
    ):
        assert "Posted on A." in content
        assert "(1 comment)" in discussion_heading(content)

    held.approve(by=moderator)
    for content in (
        Client().get(first.get_absolute_url()).content.decode(),
        sam.get(first.get_absolute_url()).content.decode(),
    ):
        assert "Held for a moderator." in content
        assert "(2 comments)" in discussion_heading(content)

    held.refresh_from_db()
    held.remove(by=moderator, reason="Spam")
    for content in (
        Client().get(first.get_absolute_url()).content.decode(),
        sam.get(first.get_absolute_url()).content.decode(),
    ):
        assert "Held for a moderator." not in content
        assert "(1 comment)" in discussion_heading(content)


def test_a_comment_leaves_the_copy_members_share_as_it_was_drawn(articles, trusted_member, second_member, monkeypatch):
    first, _ = articles
    drawn = []
    draw = shared_pages.draw_shared_copy
    monkeypatch.setattr(shared_pages, "draw_shared_copy", lambda *args: drawn.append(1) or draw(*args))
    sam = Client()
    sam.force_login(second_member)
    sam.get(first.get_absolute_url())
    maya = Client()
    maya.force_login(trusted_member)

    maya.post(reverse("community:post_comment", kwargs={"slug": first.slug}), {"body": "Posted on A."})
    content = sam.get(first.get_absolute_url()).content.decode()

    assert "Posted on A." in content
    assert len(drawn) == 1
    first.standfirst = "An editor's new standfirst."
    first.save()
    assert "An editor's new standfirst." in sam.get(first.get_absolute_url()).content.decode()
    assert len(drawn) == 2


def test_an_article_edit_shows_to_readers_and_members(articles, second_member):
    first, _ = articles
    sam = Client()
    sam.force_login(second_member)
    warm(first.get_absolute_url())
    sam.get(first.get_absolute_url())

    first.standfirst = "An editor's new standfirst."
    first.save()

    assert "An editor's new standfirst." in Client().get(first.get_absolute_url()).content.decode()
    assert "An editor's new standfirst." in sam.get(first.get_absolute_url()).content.decode()


def test_closing_comments_reaches_the_thread_readers_and_members_see(articles, make_comment, member, second_member):
    first, _ = articles
    make_comment(first, member, body="Replies welcome.")
    reply = reverse("community:reply", args=[first.comments.get().pk])
    sam = Client()
    sam.force_login(second_member)
    warm(first.get_absolute_url())
    assert reply in sam.get(first.get_absolute_url()).content.decode()

    first.comments_open = False
    first.save()

    for content in (
        Client().get(first.get_absolute_url()).content.decode(),
        sam.get(first.get_absolute_url()).content.decode(),
    ):
        assert "Replies welcome." in content
        assert reply not in content


@pytest.mark.parametrize("change", ["topic", "glossary", "settings"])
def test_a_topic_glossary_or_settings_change_reaches_every_page(articles, lists, change):
    first, second = articles
    pages = [first.get_absolute_url(), second.get_absolute_url(), "/about/", "/glossary/", *lists]
    warm(*pages)

    if change == "topic":
        topic = first.topic
        topic.name = "Renamed topic"
        topic.save()
    elif change == "glossary":
        GlossaryTerm.objects.create(term="Colitis", slug="colitis", definition="Inflammation of the colon.")
    else:
        settings = SiteSettings.load()
        settings.medical_disclaimer = "A new disclaimer for every article."
        settings.save()

    for url in pages:
        assert drawn_afresh(url), url
    shown = {
        "topic": (first.get_absolute_url(), "Renamed topic"),
        "glossary": ("/glossary/", "Inflammation of the colon."),
        "settings": (second.get_absolute_url(), "A new disclaimer for every article."),
    }
    url, text = shown[change]
    assert text in Client().get(url).content.decode()


def test_publishing_an_article_reaches_the_lists(articles, lists, make_article):
    draft = make_article(headline="Just published", status="draft", tags=["diet"])
    warm(*lists)

    draft.status = "published"
    draft.save()

    assert "Just published" in Client().get("/").content.decode()
    assert "Just published" in Client().get("/tags/diet/").content.decode()
    assert "Just published" in Client().get("/feeds/articles.rss").content.decode()


def test_saving_a_draft_leaves_the_lists_cached(articles, lists, make_article):
    draft = make_article(headline="Still a draft", status="draft")
    warm(*lists)

    draft.standfirst = "Edited, not published."
    draft.save()

    for url in lists:
        assert served_from_cache(url), url


def test_deleting_selected_articles_in_admin_moves_their_versions_and_the_lists(client, editor, articles, lists):
    first, second = articles
    warm(first.get_absolute_url(), second.get_absolute_url(), *lists)
    client.force_login(editor)

    client.post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [first.pk], "post": "yes"}
    )

    assert not Article.objects.filter(pk=first.pk).exists()
    assert Client().get(first.get_absolute_url()).status_code == 404
    assert "Article A" not in Client().get("/").content.decode()


def test_deleting_selected_glossary_terms_in_admin_reaches_the_glossary(client, editor, db):
    term = GlossaryTerm.objects.create(term="Fistula", slug="fistula", definition="A tunnel between two places.")
    warm("/glossary/")
    client.force_login(editor)

    client.post(
        "/admin/articles/glossaryterm/", {"action": "delete_selected", "_selected_action": [term.pk], "post": "yes"}
    )

    assert not GlossaryTerm.objects.exists()
    assert "Fistula" not in Client().get("/glossary/").content.decode()


def test_rebuilding_every_articles_derived_data_reaches_every_page(articles, lists):
    first, _ = articles
    warm(first.get_absolute_url(), *lists)
    Article.objects.filter(pk=first.pk).update(opening="Rebuilt **opening**.")

    Article.objects.refresh_derived()

    assert "Rebuilt <strong>opening</strong>." in Client().get(first.get_absolute_url()).content.decode()


def test_a_new_slug_stops_the_old_address_showing_the_article(articles):
    first, _ = articles
    old_url = first.get_absolute_url()
    warm(old_url)

    first.slug = "article-a-renamed"
    first.save()

    assert Client().get(old_url).status_code == 404
    assert Client().get(first.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "query", ["?utm_source=newsletter", "?page=1&page=1", "?page=99", "?page=01", "?page=x", "?q=%3Cscript%3E"]
)
def test_unknown_or_odd_query_strings_are_never_kept(articles, query):
    warm("/")
    kept = page_entries()

    for _ in range(2):
        assert not served_from_cache("/" + query)  # the home page costs queries when drawn
        assert Client().get("/search/" + query).status_code == 200

    assert page_entries() == kept


@pytest.mark.parametrize("query", ["?comments=abc", "?comments=7", "?comments=1&extra=1"])
def test_odd_comment_pages_are_never_kept(articles, query):
    first, _ = articles
    warm(first.get_absolute_url())
    kept = page_entries()

    for _ in range(2):
        assert Client().get(first.get_absolute_url() + query).status_code == 200
    assert page_entries() == kept


def test_the_pages_own_parameters_are_kept(articles):
    warm(  # warm() asserts the second visit is served from the cache
        "/search/?q=iron infusion", "/tags/diet/?stage=early-trial", "/?page=1"
    )


@pytest.mark.django_db
class TestVersionsInTheDatabaseCache:
    """With the cache a table in the site's database, a change moves its versions in its own transaction: they
    move when it commits (on SQLite, one turn of the writer lock for both), and not at all when it rolls back."""

    @pytest.fixture(autouse=True)
    def database_cache(self, settings):
        from django.core.management import call_command

        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
        }
        call_command("createcachetable")
        cache.clear()
        caching.forget_worker_state()

    def test_a_change_moves_them_once_when_it_commits(self, django_capture_on_commit_callbacks):
        (before,) = caching.current_versions([caching.DISCUSSIONS])

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            caching.discussion_changed("some-article")
            assert caching.current_versions([caching.DISCUSSIONS]) == [before]  # this worker: not yet

        assert caching.current_versions([caching.DISCUSSIONS]) == [before + 1] == [cache.get("version:discussions")]

    def test_a_change_rolled_back_moves_nothing(self, django_capture_on_commit_callbacks):
        (before,) = caching.current_versions([caching.DISCUSSIONS])

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
            caching.discussion_changed("some-article")
            raise RuntimeError("the change failed")

        assert cache.get("version:discussions") == before
        assert caching.current_versions([caching.DISCUSSIONS]) == [before]
