"""What posting a comment costs the database: a fixed number of queries, and a write transaction kept short.

On SQLite every write transaction holds the one writer lock from its start (IMMEDIATE), so members posting at
once take turns: what a post reads before it writes must be read before the transaction begins.
"""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from community.models import Comment, Follow, Notification
from community.tasks import email_followers

# Session, member, article; settings and block list for the form; the safeguarding list, the member's record and
# the hold list (the settings read once); then one transaction: the two rate-limit counters (an UPDATE and a read
# each), the duplicate check, the comment, the member's record, the article's count, following, the job that tells
# the followers (a row in production, none here: the notices are written by the job); then where the comment lands.
# No session write: the confirmation is in the address. The same however many followers and comments it has.
POSTING_QUERIES = 20


@pytest.fixture
def article(make_article):
    return make_article(headline="Gut bacteria linked to longer remission", slug="gut-bacteria-remission")


@pytest.fixture
def busy_discussion(article, make_member, make_comment):
    """Eight members who commented and follow the discussion, and a thread with a reply."""
    members = [make_member() for _ in range(8)]
    for n, other in enumerate(members):
        make_comment(article, other, body=f"Comment {n}")
        Follow.start(other, article)
    root = Comment.objects.filter(article=article).first()
    make_comment(article, members[1], body="A reply", parent=root)
    return members


@pytest.fixture
def jobs_wait_in_the_queue(settings):
    """Jobs are only enqueued, as in production (a worker runs them later), not run in the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def post(client, article, body="Thank you for explaining this so clearly.", **data):
    return client.post(f"/articles/{article.slug}/comments/", {"body": body, "parent": "", "website": "", **data})


@pytest.mark.usefixtures("jobs_wait_in_the_queue", "busy_discussion")
class TestPostingCost:
    def test_posting_a_comment_stays_within_its_query_budget(
        self, client, trusted_member, article, django_assert_max_num_queries
    ):
        client.force_login(trusted_member)
        post(client, article, "A first comment, to start following.")

        with django_assert_max_num_queries(POSTING_QUERIES):
            response = post(client, article)

        assert response.status_code == 302
        assert Comment.objects.filter(article=article, author=trusted_member).count() == 2

    def test_a_reply_stays_within_the_same_budget(self, client, trusted_member, article, django_assert_max_num_queries):
        client.force_login(trusted_member)
        post(client, article, "A first comment, to start following.")
        root = Comment.objects.filter(article=article, thread__isnull=True).first()

        with django_assert_max_num_queries(POSTING_QUERIES + 1):  # the comment replied to
            response = post(client, article, "I agree with you.", parent=root.pk)

        assert response.status_code == 302
        assert Comment.objects.get(article=article, author=trusted_member, body="I agree with you.").parent == root

    def test_the_rules_are_read_before_the_write_transaction_begins(self, client, trusted_member, article):
        client.force_login(trusted_member)

        with CaptureQueriesContext(connection) as queries:
            post(client, article)

        statements = [query["sql"] for query in queries.captured_queries]
        insert = next(n for n, sql in enumerate(statements) if sql.startswith('INSERT INTO "community_comment"'))
        began = max(n for n, sql in enumerate(statements[:insert]) if sql.startswith(("SAVEPOINT", "BEGIN")))
        ended = next(n for n, sql in enumerate(statements) if n > insert and sql.startswith(("RELEASE", "COMMIT")))
        in_transaction = " ".join(statements[began:ended])
        for table in ("community_safeguardingphrase", "community_communitysettings", "community_moderationword"):
            assert table not in in_transaction
        # Neither the member's record nor the article's comments are counted: the article's count goes up by one.
        assert 'COUNT(*) AS "__count" FROM "community_comment"' not in in_transaction
        article.refresh_from_db()
        assert article.comment_count == 10


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner; PostgreSQL plans by statistics")
class TestArticleThreadIndex:
    """Left to itself SQLite reads an article's top-level comments (thread null) through the thread index: every
    top-level comment on the site. The article's own index holds just the article's."""

    @pytest.mark.usefixtures("busy_discussion")
    def test_the_duplicate_check_reads_the_articles_own_comments(self, trusted_member, article):
        from datetime import timedelta

        from django.utils import timezone

        recent = timezone.now() - timedelta(minutes=10)
        duplicate = Comment.objects.filter(
            article=article, author=trusted_member, parent=None, thread=None, body="x", created_at__gte=recent
        )

        assert "comment_article_thread" in duplicate[:1].explain()

    @pytest.mark.usefixtures("busy_discussion")
    def test_where_a_comment_lands_counts_from_the_articles_own_comments(self, trusted_member, article):
        from django.db.models import Q

        root = Comment.objects.filter(article=article, thread__isnull=True).last()
        earlier = Comment.objects.filter(
            Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk),
            article_id=article.pk,
            thread__isnull=True,
        ).visible_to(trusted_member)

        assert "comment_article_thread" in earlier.explain()


@pytest.mark.usefixtures("jobs_wait_in_the_queue", "busy_discussion")
class TestWhatPostingLeavesToOthers:
    def test_posting_writes_no_session(self, client, trusted_member, article):
        client.force_login(trusted_member)

        with CaptureQueriesContext(connection) as queries:
            response = post(client, article)

        assert not [
            query
            for query in queries.captured_queries
            if "django_session" in query["sql"].split("WHERE")[0] and not query["sql"].startswith("SELECT")
        ]
        assert "?posted=" in response.url

    def test_followers_are_told_by_the_job_not_the_request(self, client, trusted_member, article, busy_discussion):
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            client.force_login(trusted_member)
            post(client, article)
            comment = Comment.objects.get(article=article, author=trusted_member)

            assert not Notification.objects.filter(comment=comment).exists()
            job = DBTaskResult.objects.get(task_path="community.tasks.email_followers")
            assert job.args_kwargs["kwargs"] == {"comment_id": comment.pk}

        email_followers.call(comment_id=comment.pk)  # as the worker does

        told = set(Notification.objects.filter(comment=comment).values_list("recipient_id", flat=True))
        assert told == {member.pk for member in busy_discussion}
