"""What readers see: home, article, topic, tag, author and the about pages."""

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, SiteSettings, Topic


def text_order(content, *texts):
    """Where each text first appears in content; fails if one is missing."""
    positions = []
    for text in texts:
        assert text in content, f"{text!r} is not on the page"
        positions.append(content.index(text))
    return positions


def days_ago(days):
    return timezone.now() - timedelta(days=days)


class TestHome:
    def test_it_lists_published_articles_newest_first(self, client, make_article):
        make_article(headline="Oldest news", published_at=days_ago(3))
        make_article(headline="Newest news", published_at=days_ago(1))
        make_article(headline="Middle news", published_at=days_ago(2))

        content = client.get("/").content.decode()

        first, second, third = text_order(content, "Newest news", "Middle news", "Oldest news")
        assert first < second < third

    def test_it_features_the_newest_article(self, client, make_article):
        make_article(headline="Older news", published_at=days_ago(2))
        make_article(headline="Newest news", published_at=days_ago(1))

        content = client.get("/").content.decode()

        featured = re.search(r'<section aria-labelledby="featured-heading".*?</section>', content, re.S).group()
        assert "card--featured" in featured
        assert "Newest news" in featured
        assert "Older news" not in featured
        assert content.count("card--featured") == 1

    def test_it_leaves_out_drafts_reviews_and_scheduled_articles(self, client, make_article):
        make_article(headline="Live news")
        make_article(headline="Draft news", status=Article.Status.DRAFT)
        make_article(headline="Review news", status=Article.Status.IN_REVIEW)
        make_article(headline="Scheduled news", published_at=timezone.now() + timedelta(hours=2))

        content = client.get("/").content.decode()

        assert "Live news" in content
        for headline in ["Draft news", "Review news", "Scheduled news"]:
            assert headline not in content

    def test_it_says_so_when_nothing_is_published(self, client, db):
        response = client.get("/")

        assert response.status_code == 200
        assert "No articles have been published yet" in response.content.decode()

    def test_it_paginates_ten_to_a_page(self, client, make_article):
        for day in range(12):
            make_article(headline=f"News from day {day:02d}", published_at=days_ago(day + 1))

        first = client.get("/")
        second = client.get("/", {"page": 2})

        assert [a.headline for a in first.context["page"]] == [f"News from day {d:02d}" for d in range(10)]
        assert [a.headline for a in second.context["page"]] == ["News from day 10", "News from day 11"]
        assert "Page 2 of 2" in second.content.decode()
        assert 'href="?page=1"' in second.content.decode()
        assert 'href="?page=2"' in first.content.decode()

    @pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("", 1), ("-1", 2), ("99", 2)])
    def test_a_bad_page_number_shows_the_first_or_last_page(self, client, make_article, page, shown):
        for day in range(12):
            make_article(published_at=days_ago(day + 1))

        response = client.get("/", {"page": page})

        assert response.status_code == 200
        assert response.context["page"].number == shown
        assert len(response.context["page"].object_list) == {1: 10, 2: 2}[shown]


class TestArticlePage:
    @pytest.fixture
    def article(self, make_article, make_contributor, make_section, make_question, make_study):
        author = make_contributor(name="Priya Shah", slug="priya-shah", credentials="RN, IBD nurse specialist")
        reviewer = make_contributor(name="Dr Tom Rana", slug="tom-rana", credentials="MB ChB, gastroenterologist")
        article = make_article(
            headline="New injection helps people with colitis reach remission",
            standfirst="A large trial found that more people reached remission on the new injection.",
            author=author,
            medical_reviewer=reviewer,
            reviewed_on=date(2025, 3, 1),
            source_publisher="Gut Health Weekly",
            source_headline="Injection trial meets its main goal",
            source_url="https://news.example.org/injection-trial",
            source_published_on=date(2025, 2, 20),
            summary="The trial's **results** were reported at a conference.",
            published_at=datetime(2025, 3, 4, 10, 0, tzinfo=UTC),
            tags=["Biologics", "Clinical trials"],
        )
        make_section(article, heading="Second section", position=2)
        make_section(article, heading="First section", position=1)
        make_section(article, heading="Third section", position=3)
        make_question(article, text="Would this suit me?", position=1)
        make_question(article, text="What are the side effects?", position=2)
        make_study(article)
        return article

    @pytest.fixture
    def content(self, client, article):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode()

    def test_it_shows_headline_and_standfirst(self, content):
        assert "<h1>New injection helps people with colitis reach remission</h1>" in content
        assert "A large trial found that more people reached remission on the new injection." in content

    def test_it_shows_the_byline_with_credentials(self, content):
        assert 'By <a href="/authors/priya-shah/">Priya Shah</a>, RN, IBD nurse specialist' in content

    def test_it_shows_the_medical_reviewer_and_review_date(self, content):
        assert (
            'Medically reviewed by <a href="/authors/tom-rana/">Dr Tom Rana</a>, MB ChB, gastroenterologist' in content
        )
        assert '<time datetime="2025-03-01">1 March 2025</time>' in content

    def test_it_shows_the_first_published_date(self, content):
        assert "First published" in content
        assert "4 March 2025</time>" in content

    def test_it_credits_the_source_publisher_and_links_to_the_original(self, content):
        assert "Summary of the reporting by Gut Health Weekly" in content
        assert "“Injection trial meets its main goal”, published by Gut Health Weekly" in content
        assert '<a href="https://news.example.org/injection-trial" rel="noopener">Read the original article' in content
        assert "The trial's <strong>results</strong> were reported" in content

    def test_link_text_never_stands_in_for_the_publisher(self, content):
        assert "Summary of the reporting by Read" not in content
        assert "published by Read" not in content

    def test_it_labels_our_analysis_apart_from_their_reporting(self, content):
        reporting, analysis = text_order(content, "Their reporting", "Our analysis")
        assert reporting < analysis
        assert "They are not part of Gut Health Weekly's reporting" in content

    def test_it_shows_sections_in_position_order(self, content):
        first, second, third = text_order(content, "First section", "Second section", "Third section")
        assert first < second < third

    def test_it_shows_questions_in_position_order(self, content):
        first, second = text_order(content, "Would this suit me?", "What are the side effects?")
        assert first < second

    def test_it_shows_the_study_at_a_glance(self, content):
        assert "Study at a glance" in content
        assert "<dt>Study</dt><dd>QUIET-UC</dd>" in content
        assert "<dt>Participants</dt><dd>1,234</dd>" in content
        assert "<dt>Measured at</dt><dd>Week 12</dd>" in content
        assert '<a href="https://clinicaltrials.gov/study/NCT01234567" rel="noopener">NCT01234567</a>' in content

    def test_it_links_tags_to_their_pages(self, content):
        assert '<a href="/tags/biologics/">Biologics</a>' in content
        assert '<a href="/tags/clinical-trials/">Clinical trials</a>' in content

    def test_it_shows_the_disclaimer_from_site_settings(self, client, article):
        site_settings = SiteSettings.load()
        site_settings.medical_disclaimer = "Ask *your own* IBD team before changing treatment."
        site_settings.save()

        content = client.get(article.get_absolute_url()).content.decode()

        assert "Ask <em>your own</em> IBD team before changing treatment." in content

    def test_it_shows_the_migrated_disclaimer_by_default(self, content):
        assert "It is not a substitute for professional medical advice" in content

    def test_feature_without_a_source_has_no_reporting_section(self, client, make_article, make_section):
        feature = make_article(
            kind=Article.Kind.FEATURE,
            source_publisher="",
            source_headline="",
            source_url="",
            source_published_on=None,
            summary="",
        )
        make_section(feature, heading="Living well")

        content = client.get(feature.get_absolute_url()).content.decode()

        assert "Summary of the reporting" not in content
        assert "Read the original article" not in content
        assert "Living well" in content

    def test_unknown_article_is_404(self, client, db):
        assert client.get("/articles/no-such-article/").status_code == 404


class TestUnpublishedArticles:
    UNPUBLISHED = {
        "draft": {"status": Article.Status.DRAFT},
        "in review": {"status": Article.Status.IN_REVIEW},
        "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
    }

    @pytest.fixture(params=UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
    def article(self, request, make_article):
        return make_article(headline="Not yet for readers", **request.param)

    def test_it_is_404_for_anonymous_readers(self, client, article):
        response = client.get(article.get_absolute_url())

        assert response.status_code == 404
        assert b"Not yet for readers" not in response.content

    def test_it_is_404_for_a_member(self, client, member, article):
        client.force_login(member)

        assert client.get(article.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("viewer", ["editor", "moderator"])
    def test_staff_with_view_permission_see_a_preview(self, client, request, article, viewer):
        client.force_login(request.getfixturevalue(viewer))

        response = client.get(article.get_absolute_url())

        content = response.content.decode()
        assert response.status_code == 200
        assert "Preview, not published." in content
        assert '<meta name="robots" content="noindex">' in content
        assert "Not yet for readers" in content

    def test_published_article_has_no_preview_banner_for_the_editor(self, client, editor, make_article):
        client.force_login(editor)

        content = client.get(make_article().get_absolute_url()).content.decode()

        assert "Preview, not published" not in content


def test_preview_of_a_scheduled_article_says_when_it_will_publish(client, editor, make_article):
    article = make_article(published_at=datetime(2099, 6, 1, 9, 30, tzinfo=UTC))
    client.force_login(editor)

    content = client.get(article.get_absolute_url()).content.decode()

    assert "Scheduled to publish on 1 June 2099 at 10:30." in content  # Europe/London is on summer time


def test_preview_of_a_draft_gives_its_status(client, editor, make_article):
    article = make_article(status=Article.Status.IN_REVIEW)
    client.force_login(editor)

    content = client.get(article.get_absolute_url()).content.decode()

    assert "Status: In review." in content


class TestTopicPage:
    def test_it_lists_only_the_topics_published_articles(self, client, make_article):
        crohns = Topic.objects.get(slug="crohns-disease")
        make_article(headline="Crohn's live", topic=crohns)
        make_article(headline="Crohn's draft", topic=crohns, status=Article.Status.DRAFT)
        make_article(headline="Colitis live", topic=Topic.objects.get(slug="ulcerative-colitis"))

        response = client.get(crohns.get_absolute_url())

        content = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Crohn&#x27;s disease</h1>" in content
        assert "Research and practical news about Crohn&#x27;s disease." in content
        assert [a.headline for a in response.context["page"]] == ["Crohn's live"]
        assert "Colitis live" not in content

    def test_empty_topic_says_so(self, client, db):
        content = client.get("/topics/living-with-ibd/").content.decode()

        assert "No articles have been published in this topic yet." in content

    def test_unknown_topic_is_404(self, client, db):
        assert client.get("/topics/no-such-topic/").status_code == 404


class TestTagPage:
    def test_it_lists_only_published_articles_with_the_tag(self, client, make_article):
        make_article(headline="Tagged live", tags=["Biologics"])
        make_article(headline="Tagged draft", tags=["Biologics"], status=Article.Status.DRAFT)
        make_article(headline="Other tag", tags=["Diet"])

        response = client.get("/tags/biologics/")

        content = response.content.decode()
        assert response.status_code == 200
        assert "Articles tagged “Biologics”" in content
        assert [a.headline for a in response.context["page"]] == ["Tagged live"]
        assert "Other tag" not in content

    def test_tag_used_only_by_a_draft_is_404(self, client, make_article):
        make_article(tags=["Secret plans"], status=Article.Status.DRAFT)

        assert client.get("/tags/secret-plans/").status_code == 404

    def test_unknown_tag_is_404(self, client, db):
        assert client.get("/tags/no-such-tag/").status_code == 404


ALPHA = "\N{GREEK SMALL LETTER ALPHA}"


def test_tags_with_greek_letters_work_on_the_article_and_tag_pages(client, make_article):
    # IBD drug targets are often written with Greek letters, as in anti-TNF-alpha.
    article = make_article(headline="Anti-TNF news", tags=[f"TNF-{ALPHA}"])
    tag_url = quote(f"/tags/tnf-{ALPHA}/")

    article_page = client.get(article.get_absolute_url())
    tag_page = client.get(tag_url)

    assert article_page.status_code == 200
    assert f'<a href="{tag_url}">TNF-{ALPHA}</a>' in article_page.content.decode()
    assert tag_page.status_code == 200
    assert "Anti-TNF news" in tag_page.content.decode()


class TestAuthorPage:
    def test_it_shows_bio_credentials_and_only_their_published_articles(self, client, make_article, make_contributor):
        author = make_contributor(
            name="Priya Shah",
            slug="priya-shah",
            credentials="RN, IBD nurse specialist",
            affiliation="St Example's Hospital",
            bio="Priya has cared for people with IBD for twelve years.",
        )
        make_article(headline="Priya's live article", author=author)
        make_article(headline="Priya's draft", author=author, status=Article.Status.DRAFT)
        make_article(headline="Someone else's article")

        response = client.get(author.get_absolute_url())

        content = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Priya Shah</h1>" in content
        assert "RN, IBD nurse specialist, St Example&#x27;s Hospital" in content
        assert "Priya has cared for people with IBD for twelve years." in content
        assert [a.headline for a in response.context["page"]] == ["Priya's live article"]
        assert "Priya&#x27;s draft" not in content
        assert "Someone else" not in content

    def test_it_lists_published_articles_they_reviewed(self, client, make_article, make_contributor):
        reviewer = make_contributor(name="Dr Tom Rana")
        reviewed = make_article(headline="Checked by Tom", medical_reviewer=reviewer, reviewed_on=date(2025, 1, 1))
        make_article(
            headline="Draft checked by Tom",
            medical_reviewer=reviewer,
            reviewed_on=date(2025, 1, 1),
            status=Article.Status.DRAFT,
        )

        content = client.get(reviewer.get_absolute_url()).content.decode()

        assert "Recently reviewed by Dr Tom Rana" in content
        assert f'<a href="{reviewed.get_absolute_url()}">Checked by Tom</a>' in content
        assert "Draft checked by Tom" not in content
        assert "No published articles yet." in content

    def test_unknown_author_is_404(self, client, db):
        assert client.get("/authors/nobody/").status_code == 404


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [("articles:about", "<h1>About IBD Movement</h1>"), ("articles:editorial_policy", "<h1>Editorial policy</h1>")],
)
def test_about_pages_show_their_heading(client, db, url_name, heading):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert heading in response.content.decode()


def test_every_page_links_the_topics_in_the_navigation(client, db):
    content = client.get("/").content.decode()

    for topic in Topic.objects.all():
        assert f'href="{topic.get_absolute_url()}">{escape(topic.name)}</a>' in content


def counts_in(queries):
    return sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


class TestQueryCounts:
    """Pages cost a fixed number of queries however much they show."""

    LIST_PAGE_QUERIES = 3  # topics in the navigation, the page's count, its articles
    HOME_PAGE_QUERIES = LIST_PAGE_QUERIES + 1  # and the featured article: the editors' choice, or the newest
    TOPIC_PAGE_QUERIES = LIST_PAGE_QUERIES + 1  # and the topic
    TAG_PAGE_QUERIES = LIST_PAGE_QUERIES + 1  # and the tag
    AUTHOR_PAGE_QUERIES = LIST_PAGE_QUERIES + 2  # and the author, and the articles they reviewed
    # navigation, the article with its byline and study, tags, sections, questions, corrections
    # (one prefetch however many), review checklist answers (one prefetch, issue 7), disclaimer;
    # the glossary terms, once, when the linked prose isn't cached yet (articles/glossary.py);
    # then the discussion: its count, a page of comments and their replies; then the related
    # articles, all in one query; and the count of visible comments for the discussion's heading,
    # read under the discussion's own version (the article is kept for the article's)
    ARTICLE_PAGE_QUERIES = 8 + 1 + 3 + 1 + 1

    @pytest.fixture
    def make_articles(self, make_article, make_contributor):
        author = make_contributor(slug="priya-shah")
        topic = Topic.objects.get(slug="research")

        def make_articles(count):
            for n in range(count):
                make_article(
                    author=author,
                    medical_reviewer=author,
                    reviewed_on=date(2025, 1, 1),
                    topic=topic,
                    tags=[f"tag {n}", "common"],
                )

        return make_articles

    @pytest.mark.parametrize("count", [1, 20])
    @pytest.mark.parametrize(
        ("url", "queries"),
        [
            ("/", HOME_PAGE_QUERIES),
            ("/topics/research/", TOPIC_PAGE_QUERIES),
            ("/tags/common/", TAG_PAGE_QUERIES),
            ("/authors/priya-shah/", AUTHOR_PAGE_QUERIES),
        ],
    )
    def test_list_pages_cost_the_same_with_1_or_20_articles(
        self, client, django_assert_max_num_queries, make_articles, count, url, queries
    ):
        make_articles(count)

        with django_assert_max_num_queries(queries):
            response = client.get(url)

        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(count, 10)

    @pytest.mark.parametrize("url", ["/", "/topics/research/", "/tags/common/"])
    def test_list_pages_count_their_articles_once_until_articles_change(self, client, member, make_articles, url):
        make_articles(1)
        client.force_login(member)  # drawn afresh each time: no whole-page cache for members
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        with CaptureQueriesContext(connection) as again:
            client.get(url)

        make_articles(10)

        # The articles, and the member's unread notifications (one of their own parts, kept for their version).
        assert counts_in(first) == 2
        assert counts_in(again) == 0
        assert "Page 1 of 2" in client.get(url).content.decode()

    @pytest.mark.parametrize("url", ["/", "/topics/research/", "/tags/common/", "/tags/common/?stage=randomised-trial"])
    def test_members_list_pages_read_no_articles_once_their_cards_are_drawn(self, client, member, make_articles, url):
        """Members' cards are drawn once per list version; nothing else on the page may read its articles,
        a query that grows with what is published (the stage filter asked whether the page had any)."""
        make_articles(3)
        client.force_login(member)  # drawn afresh each time: no whole-page cache for members
        client.get(url)
        with CaptureQueriesContext(connection) as again:
            response = client.get(url)

        assert response.status_code == 200
        assert url == "/" or 'class="stage-filter"' in response.content.decode()
        assert [query["sql"] for query in again.captured_queries if 'FROM "articles_article"' in query["sql"]] == []

    @pytest.mark.parametrize("count", [1, 20])
    def test_article_page_costs_the_same_with_1_or_20_parts(
        self, client, django_assert_max_num_queries, make_article, make_section, make_question, make_study, count
    ):
        article = make_article(tags=[f"tag {n}" for n in range(count)])
        make_study(article)
        for n in range(count):
            make_section(article, heading=f"Section {n}", position=n)
            make_question(article, text=f"Question {n}?", position=n)

        with django_assert_max_num_queries(self.ARTICLE_PAGE_QUERIES):
            response = client.get(article.get_absolute_url())

        content = response.content.decode()
        assert content.count('<h2 id="section-') == count
        assert f"Question {count - 1}?" in content
        assert f'href="/tags/tag-{count - 1}/"' in content
