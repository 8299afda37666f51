"""
The large dataset the benchmark runs on (``generate_large_dataset``, here in
miniature): what it makes, that it makes it once, and that with it loaded the
pages cost no more queries than the page tests allow.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext

import tests.test_article_pages as article_pages
from articles import caching
from articles.models import Article
from community.models import Comment, Profile

SIZES = {"articles": 12, "comments": 300, "members": 15, "heavy_comments": 45, "hero_images": 1}
HEAVY_SLUG = "heavy-benchmark-article"
HEAVY_URL = f"/articles/{HEAVY_SLUG}/"
QUEUE_URL = "/moderation/"


def generate(**sizes):
    out = io.StringIO()
    call_command("generate_large_dataset", **(SIZES | sizes), stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "articles": list(Article.objects.values_list("slug", "comment_count", "updated_at").order_by("slug")),
        "users": get_user_model().objects.count(),
        "comments": list(Comment.objects.values_list("pk", "status").order_by("pk")),
    }


def queries_for(client, url):
    """The queries a page costs when nothing about it is cached yet."""
    cache.clear()
    caching.forget_worker_state()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def dataset(db):
    return generate()


@pytest.fixture
def heavy(dataset):
    return Article.objects.get(slug=HEAVY_SLUG)


class TestWhatItMakes:
    def test_it_makes_the_articles_members_and_comments_asked_for(self, dataset):
        assert Article.objects.published().count() == 12
        assert get_user_model().objects.filter(username__startswith="scale-member-").count() == 15
        assert Profile.objects.filter(user__username__startswith="scale-member-").count() == 15
        assert Comment.objects.count() == 300 + 45
        assert "Large dataset loaded" in dataset

    def test_most_comments_are_approved_and_some_wait_or_were_removed(self, dataset):
        counts = Comment.objects.status_counts()

        assert counts["approved"] > 0.8 * Comment.objects.count()
        assert counts["pending"] + counts["removed"] > 0
        assert Comment.objects.filter(parent__isnull=False).count() > 0.3 * Comment.objects.count()

    def test_replies_sit_in_the_thread_of_what_they_answer(self, dataset):
        replies = Comment.objects.filter(parent__isnull=False)

        assert not replies.exclude(article=F("parent__article")).exists()
        assert not replies.filter(parent__thread__isnull=True).exclude(thread=F("parent")).exists()
        assert not replies.filter(parent__thread__isnull=False).exclude(thread=F("parent__thread")).exists()
        assert not replies.exclude(parent__status=Comment.Status.APPROVED).exists()
        assert not replies.filter(created_at__lt=F("parent__created_at")).exists()

    def test_every_article_counts_its_visible_comments(self, dataset):
        visible = Q(comments__status=Comment.Status.APPROVED, comments__deleted_at__isnull=True)
        articles = Article.objects.annotate(visible=Count("comments", filter=visible))

        assert [a.comment_count for a in articles] == [a.visible for a in articles]
        assert sum(a.comment_count for a in articles) > 0

    def test_articles_are_not_marked_as_updated(self, dataset):
        assert not [article for article in Article.objects.all() if article.was_updated]


class TestTheHeavyArticle:
    def test_it_has_eight_sections_of_about_1500_words_in_all(self, heavy):
        texts = [heavy.opening, heavy.summary, heavy.closing, *heavy.sections.values_list("body", flat=True)]

        assert heavy.sections.count() == 8
        assert 1300 <= len(re.findall(r"\w+", " ".join(texts))) <= 1800
        assert all(section.body_html.startswith("<p>") for section in heavy.sections.all())

    def test_it_has_six_tags_a_study_and_questions(self, heavy):
        assert heavy.tags.count() == 6
        assert heavy.study.participants
        assert heavy.questions.count() == 5

    def test_it_has_a_hero_image_with_renditions(self, heavy):
        assert [r["width"] for r in heavy.hero_renditions] == [480, 800, 1200, 1600]
        assert all(default_storage.exists(r["name"]) for r in heavy.hero_renditions)
        assert heavy.hero_alt and heavy.hero_credit

    def test_its_comments_are_all_approved_with_replies(self, heavy):
        comments = heavy.comments.all()

        assert heavy.comment_count == comments.count() == 45
        assert comments.filter(status=Comment.Status.APPROVED).count() == 45
        assert comments.filter(thread__isnull=True).count() > 20  # more than one page of threads
        assert comments.filter(parent__isnull=False).exists()

    def test_readers_see_it(self, client, heavy):
        content = client.get(HEAVY_URL).content.decode()

        assert content.count('<h2 id="section-') == 8
        assert "Comments page 1 of 2" in content


class TestRunningItAgain:
    def test_it_changes_nothing(self, dataset):
        before = snapshot()

        output = generate(articles=50, comments=1000)

        assert "already loaded" in output
        assert snapshot() == before


class TestQueryCounts:
    """With the dataset loaded, pages cost what tests/test_article_pages.py and the thread and queue tests allow."""

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            ("/", article_pages.TestQueryCounts.HOME_PAGE_QUERIES),
            ("/topics/crohns-disease/", article_pages.TestQueryCounts.TOPIC_PAGE_QUERIES),
            ("/tags/clinical-trials/", article_pages.TestQueryCounts.TAG_PAGE_QUERIES),
            (HEAVY_URL, article_pages.TestQueryCounts.ARTICLE_PAGE_QUERIES),
        ],
    )
    def test_pages_for_readers(self, client, dataset, url, allowed):
        assert queries_for(client, url) <= allowed

    def test_the_heavy_article_for_a_member_costs_what_a_quiet_one_does(
        self, client, member, second_member, make_article, make_comment, make_question, dataset
    ):
        quiet = make_article(headline="A quiet discussion")
        make_question(quiet)  # like the heavy one: each question has a "Save to My questions" control
        make_comment(quiet, second_member)
        client.force_login(member)
        one_comment = queries_for(client, quiet.get_absolute_url())

        assert queries_for(client, HEAVY_URL) <= one_comment

    def test_the_heavy_article_for_one_of_its_commenters_costs_what_a_quiet_one_does(
        self, client, make_article, make_comment, make_question, heavy
    ):
        commenter = heavy.comments.filter(thread__isnull=True).first().author
        quiet = make_article(headline="A quiet discussion")
        make_question(quiet)  # like the heavy one: each question has a "Save to My questions" control
        make_comment(quiet, commenter)
        client.force_login(commenter)
        one_comment = queries_for(client, quiet.get_absolute_url())

        assert queries_for(client, HEAVY_URL) <= one_comment

    def test_the_moderation_queue_costs_what_it_does_with_one_item(
        self, client, moderator, member, make_article, make_comment
    ):
        make_comment(make_article(), member, "Held.", status=Comment.Status.PENDING)
        client.force_login(moderator)
        one_item = queries_for(client, QUEUE_URL)

        generate(comments=3000)

        assert Comment.objects.awaiting_review().count() > 25  # more than a page
        assert queries_for(client, QUEUE_URL) <= one_item


@pytest.mark.django_db
def test_the_queue_reads_only_the_comments_waiting():
    """The queue's flag has an index of its own, holding only the comments waiting: no database reads
    every comment, or every open report, to find them."""
    generate(comments=3000)

    call_command("optimize_database", stdout=io.StringIO())

    assert "comment_needs_review" in Comment.objects.awaiting_review().for_moderation().explain()
