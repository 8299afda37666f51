"""Site search: what it finds, in what order, how it shows the words found, and what bad input gets.

Runs on SQLite (the fallback ranking) and on PostgreSQL (full-text search) alike:
DATABASE_URL=postgres://... runs the same tests against the other engine.
"""

import importlib
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import search
from articles.models import Article, Topic


def headlines(response):
    return [article.headline for article in response.context["page"].object_list]


@pytest.fixture
def fistula_articles(make_article, make_section):
    """One article with the word in its headline, one with it only deep in a section."""
    in_body = make_article(headline="What a new trial means for people with Crohn's disease")
    make_section(in_body, heading="Looking closer", body="Some people in the trial also had a perianal fistula.")
    in_headline = make_article(headline="A fistula treatment passes its first big test")
    return in_headline, in_body


class TestFindingArticles:
    def test_a_headline_match_ranks_above_a_body_match(self, client, fistula_articles):
        in_headline, in_body = fistula_articles

        response = client.get("/search/", {"q": "fistula"})

        assert headlines(response) == [in_headline.headline, in_body.headline]

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": Article.Status.DRAFT},
            {"status": Article.Status.IN_REVIEW},
            {"published_at": timezone.now() + timedelta(hours=2)},
        ],
        ids=["draft", "in review", "scheduled"],
    )
    def test_it_never_finds_unpublished_articles(self, client, make_article, fields):
        make_article(headline="Published news about fistulas")
        make_article(headline="Secret news about fistulas", **fields)

        response = client.get("/search/", {"q": "fistulas"})

        assert headlines(response) == ["Published news about fistulas"]
        assert "Secret" not in response.content.decode()

    @pytest.mark.parametrize(
        ("where", "query"),
        [
            ("standfirst", "vedolizumab"),
            ("summary", "ustekinumab"),
            ("opening", "welcome"),
            ("closing", "goodbye"),
            ("section heading", "expectations"),
            ("section body", "calprotectin"),
            ("question", "colonoscopy"),
            ("tag", "biosimilars"),
            ("topic", "treatments"),
        ],
    )
    def test_it_looks_in_every_part_readers_can_read(
        self, client, make_article, make_section, make_question, where, query
    ):
        article = make_article(
            headline="A plain headline",
            standfirst="More people reached remission on vedolizumab.",
            summary="The study compared ustekinumab with a dummy drug.",
            opening="A warm welcome to this week's news.",
            closing="That's all; goodbye for now.",
            tags=["Biosimilars"],
        )
        make_section(article, heading="Managing expectations", body="Ask about a faecal calprotectin test.")
        make_question(article, text="Do I need another colonoscopy?")
        make_article(
            headline="Another article about nothing in particular",
            standfirst="Nothing here.",
            topic=Topic.objects.get(slug="research"),
            tags=["X"],
        )

        response = client.get("/search/", {"q": query})

        assert headlines(response) == ["A plain headline"], where

    def test_every_word_must_be_found(self, client, make_article):
        make_article(headline="Fatigue and anaemia")
        make_article(headline="Fatigue at work")

        response = client.get("/search/", {"q": "fatigue anaemia"})

        assert headlines(response) == ["Fatigue and anaemia"]

    def test_a_word_after_a_minus_sign_is_left_out(self, client, make_article):
        make_article(headline="Fatigue and anaemia")
        make_article(headline="Fatigue at work")

        response = client.get("/search/", {"q": "fatigue -anaemia"})

        assert headlines(response) == ["Fatigue at work"]

    def test_only_words_left_out_find_nothing(self, client, make_article):
        make_article(headline="Fatigue at work")

        response = client.get("/search/", {"q": "-fatigue"})

        assert headlines(response) == []
        assert "No articles match" in response.content.decode()

    def test_it_finds_other_forms_of_a_word(self, client, make_article):
        make_article(headline="Fistulas healed in more people")

        response = client.get("/search/", {"q": "fistula healing"})

        assert headlines(response) == ["Fistulas healed in more people"]


class TestKeepingTheTextUpToDate:
    """Search reads a denormalised document: every way a part changes must rebuild it.

    Admin rebuilds it once the article and its parts are saved; code that changes parts
    outside admin calls ``refresh_derived()``, as these tests do.
    """

    def found(self, client, query):
        return headlines(client.get("/search/", {"q": query}))

    def test_a_section_saved_later_is_found(self, client, make_article, make_section):
        article = make_article(headline="Diet news")
        make_section(article, body="A low-residue diet before a scan.")

        assert self.found(client, "residue") == ["Diet news"]

    def test_a_deleted_section_is_no_longer_found(self, client, make_article, make_section):
        article = make_article(headline="Diet news")
        section = make_section(article, body="A low-residue diet before a scan.")

        section.delete()
        article.refresh_derived()

        assert self.found(client, "residue") == []

    def test_tags_added_and_removed_are_followed(self, client, make_article):
        article = make_article(headline="Diet news")
        article.tags.add("Nutrition")
        article.refresh_derived()
        assert self.found(client, "nutrition") == ["Diet news"]

        article.tags.remove("Nutrition")
        article.refresh_derived()

        assert self.found(client, "nutrition") == []

    def test_a_renamed_topic_is_followed(self, client, make_article, topic):
        make_article(headline="Diet news", topic=topic)

        topic.name = "Medicines and surgery"
        topic.save()

        assert self.found(client, "medicines") == ["Diet news"]

    def test_an_edited_headline_is_followed(self, client, make_article):
        article = make_article(headline="Diet news")

        article.headline = "Exercise news"
        article.save()
        article.refresh_derived()  # the search vector weighs the headline (PostgreSQL)

        assert self.found(client, "exercise") == ["Exercise news"]
        assert self.found(client, "diet") == []

    def test_admin_saves_rebuild_it_after_the_inlines_and_tags(self, client, editor, make_contributor, topic):
        author = make_contributor()
        client.force_login(editor)
        data = {
            "kind": "feature",
            "headline": "Travelling with IBD",
            "slug": "travelling-with-ibd",
            "standfirst": "Plan ahead for toilets and medicines.",
            "topic": topic.pk,
            "tags": "Holidays",
            "author": author.pk,
            "status": "published",
            "published_at_0": "2025-01-01",
            "published_at_1": "09:00",
            "comments_open": "on",
            "study-TOTAL_FORMS": "0",
            "study-INITIAL_FORMS": "0",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-heading": "Insurance",
            "sections-0-body": "Declare your condition to the insurer.",
            "sections-0-position": "1",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-text": "Should I carry a letter about my stoma?",
            "questions-0-position": "1",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "review_answers-TOTAL_FORMS": "0",
            "review_answers-INITIAL_FORMS": "0",
        }

        response = client.post("/admin/articles/article/add/", data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        document = Article.objects.get(slug="travelling-with-ibd").search_document
        for words in ["Holidays", "Insurance", "insurer", "stoma"]:
            assert words in document
        client.logout()
        assert self.found(client, "stoma insurer holidays") == ["Travelling with IBD"]

    def test_the_migration_fills_in_articles_already_there(self, client, make_article, make_section, make_question):
        migration = importlib.import_module("articles.migrations.0007_search_document")
        article = make_article(headline="Diet news", tags=["Nutrition"])
        make_section(article, body="Low-residue food.")
        make_question(article, text="Should I see a dietitian?")
        expected = Article.objects.get(pk=article.pk).search_document
        Article.objects.update(search_document="")

        migration.fill_search_documents(django_apps, SimpleNamespace(connection=connection))

        assert Article.objects.get(pk=article.pk).search_document == expected
        assert self.found(client, "nutrition residue dietitian") == ["Diet news"]

    def test_many_can_be_rebuilt_at_once(self, client, make_article, make_section):
        article = make_article(headline="Diet news")
        make_section(article, body="Low-residue food.")
        Article.objects.update(search_document="")

        Article.objects.all().rebuild_search_documents()

        assert self.found(client, "residue") == ["Diet news"]


class TestSnippets:
    def test_it_marks_the_words_found_in_context(self, client, make_article, make_section):
        article = make_article(headline="Trial news", standfirst="A study of adults.")
        make_section(article, body="After a year, the fistula had closed in most people who took the drug.")

        content = client.get("/search/", {"q": "fistula"}).content.decode()

        assert "the <mark>fistula</mark> had closed" in content

    def test_it_marks_the_headline_too(self, client, make_article):
        make_article(headline="Fistula news")

        content = client.get("/search/", {"q": "fistula"}).content.decode()

        assert "<mark>Fistula</mark> news</a>" in content

    def test_hostile_text_in_an_article_stays_inert(self, client, make_article, make_question):
        article = make_article(headline="Trial <b>news</b>", standfirst="Plain.")
        make_question(article, text='Is <script>alert("x")</script> fistula & <img src=x onerror=alert(1)> safe?')

        content = client.get("/search/", {"q": "fistula"}).content.decode()

        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>fistula</mark> &amp; &lt;img" in content
        assert "Trial &lt;b&gt;news&lt;/b&gt;" in content

    def test_marking_never_splits_an_escaped_character(self):
        # "amp" and "quot" are words a reader could type; they must not be marked inside &amp; or &quot;.
        html = search.highlight('Fish & "chips" ampoule', ["amp", "quot"])

        assert html == "Fish &amp; &quot;chips&quot; <mark>ampoule</mark>"

    def test_a_long_text_is_cut_around_the_first_word_found(self):
        text = "Opening words. " * 40 + "The fistula closed. " + "Closing words. " * 40

        passage = search.snippet([text], ["fistula"])

        assert passage.startswith("… ") and passage.endswith(" …")
        assert "<mark>fistula</mark>" in passage
        assert len(re.sub("<[^>]+>", "", passage)) <= search.SNIPPET_LENGTH + 4

    def test_a_snippet_is_the_matching_sentence_not_the_topic_and_tag_names(self, client, make_article):
        # Issue 12: snippets read "Living with IBD Anaemia Everyday life Fatigue Fatigue with IBD is…".
        article = make_article(
            headline="Tiredness and IBD",
            standfirst="What helps on the hard days.",
            tags=["Anaemia", "Everyday life", "Fatigue"],
            opening="Many readers wrote to us. Fatigue with IBD is common, even in remission. It can be treated.",
        )

        snippet = client.get("/search/", {"q": "fatigue"}).context["page"].object_list[0].snippet

        assert snippet.startswith("… <mark>Fatigue</mark> with IBD is common, even in remission. It can be treated. ")
        assert article.topic.name not in snippet and "Anaemia" not in snippet
        assert "Everyday life" in Article.objects.get(pk=article.pk).search_document  # still found by its tags

    def test_a_word_found_only_in_a_name_shows_the_standfirst(self, client, make_article):
        make_article(headline="Plain news", standfirst="What helps on the hard days.", tags=["Biosimilars"])

        content = client.get("/search/", {"q": "biosimilars"}).content.decode()

        assert '<p class="search-result__snippet">What helps on the hard days.</p>' in content

    def test_a_section_heading_is_found_but_not_quoted(self, client, make_article, make_section):
        article = make_article(headline="Plain news", standfirst="A plain standfirst.")
        make_section(article, heading="Expectations of the trial", body="Nothing more to say here.")

        response = client.get("/search/", {"q": "expectations"})

        assert headlines(response) == ["Plain news"]
        assert response.context["page"].object_list[0].snippet == ""

    def test_a_document_saved_before_the_names_moved_is_taken_whole(self):
        assert search.prose("Topic\nTags\nSome prose.") == "Topic\nTags\nSome prose."
        assert search.prose("Some prose.\n\nTopic · Tag") == "Some prose."


class TestBadInput:
    @pytest.mark.parametrize("query", [None, "", "   "])
    def test_an_empty_query_says_what_to_type(self, client, make_article, query):
        make_article()

        response = client.get("/search/", {} if query is None else {"q": query})

        assert response.status_code == 200
        assert response.context["page"] is None
        content = response.content.decode()
        assert "Type a word or two" in content
        assert 'class="search-result"' not in content

    def test_a_10_kb_query_is_cut_with_a_note(self, client, make_article):
        make_article(headline="Fistula news")

        response = client.get("/search/", {"q": "fistula " + "x" * 10_000})

        assert response.status_code == 200
        assert len(response.context["query"]) <= search.MAX_QUERY_LENGTH
        assert "Your search was very long" in response.content.decode()
        assert headlines(response) == ["Fistula news"]

    def test_the_search_boxes_stop_at_the_length_the_server_keeps(self, client, db):
        # Browsers then cut pasted text themselves, well inside what gunicorn accepts in a request line.
        content = client.get("/search/", {"q": "fistula"}).content.decode()

        assert content.count(f'maxlength="{search.MAX_QUERY_LENGTH}"') == 2

    def test_a_10_kb_query_of_many_words_is_cut_too(self, client, make_article):
        make_article(headline="Fistula news")

        response = client.get("/search/", {"q": "fistula " * 1300})

        assert response.status_code == 200
        assert headlines(response) == ["Fistula news"]

    @pytest.mark.parametrize(
        "query",
        [
            "!!!???",
            "&&& ||| !!",
            '"""',
            "'",
            "-",
            "*:*",
            "the and of",
            "fistula & !(",
            '"unterminated phrase',
            "-fistula",
            "fistula OR OR OR",
            "' OR 1=1; DROP TABLE articles_article; --",
            "<script>alert(1)</script>",
            "\\",
            "%_%",
            "😀 🚀",
        ],
    )
    def test_odd_queries_get_a_clear_answer(self, client, make_article, query):
        make_article(headline="Fistula news")

        response = client.get("/search/", {"q": query})

        assert response.status_code == 200
        content = response.content.decode()
        assert "<script>alert(1)" not in content
        if not headlines(response):
            assert "No articles match" in content
        assert Article.objects.filter(headline="Fistula news").exists()

    def test_a_query_with_no_words_says_so(self, client, make_article):
        make_article()

        content = client.get("/search/", {"q": "!!!"}).content.decode()

        assert "no words in your search that we could look for" in content

    def test_a_script_tag_is_shown_escaped(self, client, db):
        content = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()

        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content

    def test_a_null_character_gets_a_message_not_an_error(self, client, db):
        response = client.get("/search/", {"q": "fistula\x00"})

        assert response.status_code == 200
        assert "Null characters are not allowed" in response.content.decode()

    @pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("999", 2), ("-1", 2), ("0", 2)])
    def test_odd_page_numbers_are_handled_like_the_other_lists(self, client, make_article, page, shown):
        for n in range(12):
            make_article(headline=f"Fistula news {n}")

        response = client.get("/search/", {"q": "fistula", "page": page})

        assert response.status_code == 200
        assert response.context["page"].number == shown


class TestThePage:
    def test_it_paginates_ten_to_a_page_and_keeps_the_query(self, client, make_article):
        for n in range(12):
            make_article(headline=f"Fistula news {n:02d}", published_at=timezone.now() - timedelta(days=n + 1))

        first = client.get("/search/", {"q": "fistula"})
        second = client.get("/search/", {"q": "fistula", "page": 2})

        assert len(headlines(first)) == 10
        assert len(headlines(second)) == 2
        assert set(headlines(first)).isdisjoint(headlines(second))
        assert 'href="?q=fistula&amp;page=2"' in first.content.decode()
        assert 'href="?q=fistula&amp;page=1"' in second.content.decode()
        assert "12 articles match" in first.content.decode()

    def test_it_is_not_indexed_by_search_engines(self, client, db):
        content = client.get("/search/", {"q": "fistula"}).content.decode()

        assert '<meta name="robots" content="noindex">' in content

    def test_every_page_has_a_search_box(self, client, make_article):
        article = make_article()

        for url in ["/", article.get_absolute_url(), "/about/", "/community/", "/account/login/"]:
            content = client.get(url).content.decode()
            form = re.search(r'<form class="site-search" role="search"[^>]*>.*?</form>', content, re.S)
            assert form, url
            assert 'method="get"' in form.group() and 'action="/search/"' in form.group()
            assert 'for="site-search-q"' in form.group() and 'id="site-search-q"' in form.group()
            assert "csrfmiddlewaretoken" not in form.group()

    def test_it_is_cached_for_signed_out_readers(self, client, make_article, django_assert_num_queries):
        make_article(headline="Fistula news")
        client.get("/search/", {"q": "fistula"})

        with django_assert_num_queries(0):
            response = client.get("/search/", {"q": "fistula"})

        assert "<mark>Fistula</mark> news" in response.content.decode()

    def test_a_new_article_is_found_at_once_despite_the_cache(self, client, make_article):
        make_article(headline="Fistula news")
        client.get("/search/", {"q": "fistula"})

        make_article(headline="More fistula news")

        assert len(headlines(client.get("/search/", {"q": "fistula"}))) == 2

    @pytest.mark.parametrize("viewer", ["anonymous", "member", "moderator", "editor"])
    def test_everyone_sees_the_same_published_results(self, client, request, make_article, viewer):
        make_article(headline="Fistula news")
        make_article(headline="Fistula draft", status=Article.Status.DRAFT)
        if viewer != "anonymous":
            client.force_login(request.getfixturevalue(viewer))

        response = client.get("/search/", {"q": "fistula"})

        assert headlines(response) == ["Fistula news"]

    SEARCH_PAGE_QUERIES = 3  # topics in the navigation, the count of results, a page of them

    @pytest.mark.parametrize("count", [1, 25])
    def test_it_costs_the_same_with_1_or_25_results(
        self, client, make_article, make_section, make_question, django_assert_max_num_queries, count
    ):
        topic = Topic.objects.get(slug="research")
        for n in range(count):
            article = make_article(headline=f"Fistula news {n}", topic=topic, tags=[f"tag {n}"])
            make_section(article, body="The fistula closed.")
            make_question(article, text="Is a fistula serious?")

        with django_assert_max_num_queries(self.SEARCH_PAGE_QUERIES):
            response = client.get("/search/", {"q": "fistula"})

        assert len(response.context["page"].object_list) == min(count, 10)


class TestDatabase:
    def test_postgresql_keeps_a_gin_index_on_the_vector(self, db):
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL only: SQLite searches the text itself")
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector'")
            (definition,) = cursor.fetchone()

        assert "USING gin (search_vector)" in definition

    def test_the_large_dataset_is_searchable(self, client, db, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        call_command(
            "generate_large_dataset",
            articles=30,
            comments=20,
            members=5,
            heavy_comments=2,
            stdout=io.StringIO(),
        )

        assert not Article.objects.filter(search_document="").exists()
        response = client.get("/search/", {"q": "fistulas"})
        assert "A stem-cell therapy heals more perianal fistulas" in headlines(response)[0]
