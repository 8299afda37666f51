"""The community page (latest comments, most discussed articles, the guidelines) and the guidelines page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from community.models import Comment


def page_text(response):
    return response.content.decode()


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def section(content, heading_id):
    match = re.search(rf'<(section|aside)[^>]* aria-labelledby="{heading_id}".*?</\1>', content, re.S)
    assert match, f"no section labelled {heading_id}"
    return match.group()


def latest(client):
    return section(page_text(client.get("/community/")), "latest-heading")


def most_discussed(client):
    return section(page_text(client.get("/community/")), "active-heading")


@pytest.fixture
def article(make_article):
    return make_article(headline="Gut bacteria linked to longer remission", slug="gut-bacteria-remission")


class TestLatestComments:
    def test_it_shows_approved_comments_with_their_article_and_permalink(self, client, member, article, make_comment):
        comment = make_comment(article, member, body="This gives me hope.")

        listed = latest(client)

        assert "This gives me hope." in listed
        assert '<span class="comment__author">Maya</span>' in listed
        assert f'<a href="/articles/{article.slug}/">Gut bacteria linked to longer remission</a>' in listed
        assert f'href="/comments/{comment.pk}/"' in listed

    def test_its_permalinks_lead_to_the_comment(self, client, member, article, make_comment):
        comment = make_comment(article, member, body="This gives me hope.")

        response = client.get(f"/comments/{comment.pk}/", follow=True)

        assert response.redirect_chain == [(f"/articles/{article.slug}/#comment-{comment.pk}", 302)]
        assert "This gives me hope." in page_text(response)

    def test_it_lists_the_newest_first(self, client, member, article, make_comment):
        make_comment(article, member, body="Older thought.", created_at=days_ago(2))
        make_comment(article, member, body="Newer thought.", created_at=days_ago(1))

        listed = latest(client)

        assert listed.index("Newer thought.") < listed.index("Older thought.")

    def test_it_shows_fifteen_at_most(self, client, member, article, make_comment):
        for n in range(16):
            make_comment(article, member, body=f"Thought number {n:02d}.", created_at=days_ago(20 - n))

        listed = latest(client)

        assert listed.count("<li>") == 15
        assert "Thought number 15." in listed
        assert "Thought number 00." not in listed

    def test_it_leaves_out_comments_nobody_may_see(
        self, client, member, second_member, moderator, article, make_article, make_comment
    ):
        make_comment(article, member, body="Shown to everyone.")
        make_comment(article, member, body="Held for review.", status=Comment.Status.PENDING)
        make_comment(article, member, body="Removed by a moderator.", status=Comment.Status.REMOVED)
        deleted = make_comment(article, member, body="Deleted by its author.")
        make_comment(article, second_member, body="A reply keeps the marker.", parent=deleted)
        Comment.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
        draft = make_article(headline="Unpublished draft", status=Article.Status.DRAFT)
        make_comment(draft, member, body="On a draft.")
        scheduled = make_article(headline="Not yet out", published_at=timezone.now() + timedelta(days=1))
        make_comment(scheduled, member, body="On a scheduled article.")

        listed = latest(client)

        assert "Shown to everyone." in listed
        assert "A reply keeps the marker." in listed
        for hidden in [
            "Held for review.",
            "Removed by a moderator.",
            "Deleted by its author.",
            "On a draft.",
            "Unpublished draft",
            "On a scheduled article.",
            "Not yet out",
        ]:
            assert hidden not in listed
        assert listed.count("<li>") == 2

    def test_it_leaves_out_held_comments_even_for_their_author(self, client, member, article, make_comment):
        make_comment(article, member, body="Held for review.", status=Comment.Status.PENDING)
        client.force_login(member)

        assert "Held for review." not in latest(client)

    def test_comment_bodies_stay_inert(self, client, member, article, make_comment):
        make_comment(article, member, body="<script>alert(1)</script> see https://example.com/page")

        listed = latest(client)

        assert "<script>" not in listed
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed
        assert '<a href="https://example.com/page" rel="nofollow ugc noopener">' in listed

    def test_a_deleted_members_comment_is_credited_to_a_deleted_member(
        self, client, make_member, article, make_comment
    ):
        leaver = make_member()
        make_comment(article, leaver, body="Thanks for this.")
        leaver.delete()

        assert '<span class="comment__author">A deleted member</span>' in latest(client)

    def test_it_says_so_when_there_are_no_comments(self, client, db):
        assert "No comments yet. Pick an article and start the conversation." in latest(client)


class TestMostDiscussed:
    def test_it_ranks_articles_by_this_months_comments(self, client, member, make_article, make_comment):
        busy = make_article(headline="Busy discussion")
        quiet = make_article(headline="Quiet discussion")
        for _ in range(3):
            make_comment(busy, member, created_at=days_ago(2))
        make_comment(quiet, member, created_at=days_ago(2))

        listed = most_discussed(client)

        assert f'<a href="/articles/{busy.slug}/#discussion">Busy discussion</a>' in listed
        assert 'Busy discussion</a> <span class="count">(3 comments)</span>' in listed
        assert 'Quiet discussion</a> <span class="count">(1 comment)</span>' in listed
        assert listed.index("Busy discussion") < listed.index("Quiet discussion")

    def test_older_comments_do_not_count(self, client, member, make_article, make_comment):
        lively = make_article(headline="Lively this month")
        old_favourite = make_article(headline="Lively long ago")
        make_comment(lively, member, created_at=days_ago(3))
        for _ in range(5):
            make_comment(old_favourite, member, created_at=days_ago(40))
        make_comment(old_favourite, member, created_at=days_ago(10))

        listed = most_discussed(client)

        assert 'Lively long ago</a> <span class="count">(1 comment)</span>' in listed
        assert 'Lively this month</a> <span class="count">(1 comment)</span>' in listed

    def test_an_article_discussed_only_long_ago_is_left_out(self, client, member, make_article, make_comment):
        old_favourite = make_article(headline="Lively long ago")
        for _ in range(5):
            make_comment(old_favourite, member, created_at=days_ago(40))

        listed = most_discussed(client)

        assert "Lively long ago" not in listed
        assert "No discussions this month yet." in listed

    def test_only_visible_comments_count(self, client, member, make_article, make_comment):
        article = make_article(headline="Held back")
        make_comment(article, member, created_at=days_ago(1))
        for status in [Comment.Status.PENDING, Comment.Status.REMOVED]:
            make_comment(article, member, status=status, created_at=days_ago(1))
        make_comment(article, member, deleted_at=timezone.now(), body="", created_at=days_ago(1))

        assert 'Held back</a> <span class="count">(1 comment)</span>' in most_discussed(client)

    def test_unpublished_articles_are_left_out(self, client, member, make_article, make_comment):
        draft = make_article(headline="Unpublished draft", status=Article.Status.DRAFT)
        make_comment(draft, member, created_at=days_ago(1))

        assert "Unpublished draft" not in most_discussed(client)

    def test_it_shows_five_at_most(self, client, member, make_article, make_comment):
        for n in range(6):
            discussed = make_article(headline=f"Discussed article {n}")
            for _ in range(n + 1):
                make_comment(discussed, member, created_at=days_ago(1))

        listed = most_discussed(client)

        assert listed.count("<li>") == 5
        assert "Discussed article 5" in listed
        assert "Discussed article 0" not in listed


class TestGuidelines:
    RULES = [
        ('id="treatment"', "No advice to stop or change treatment"),
        ('id="personal"', "Keep personal details private"),
        ('id="kind"', "Be kind"),
        ('id="appeals"', "If your comment was removed"),
    ]

    def test_the_community_page_carries_the_guidelines(self, client, db):
        guidelines = section(page_text(client.get("/community/")), "guidelines-heading")

        for anchor, heading in self.RULES:
            assert f"<h3 {anchor}>{heading}</h3>" in guidelines
        assert 'href="/community/guidelines/"' in guidelines

    def test_the_guidelines_page_has_each_rule(self, client, db):
        response = client.get("/community/guidelines/")

        content = page_text(response)
        assert response.status_code == 200
        assert "<h1>Community guidelines</h1>" in content
        for anchor, heading in self.RULES:
            assert f"<h2 {anchor}>{heading}</h2>" in content

    def test_the_guidelines_say_how_to_appeal(self, client, settings, db):
        settings.CONTACT_EMAIL = "moderators@ibdmovement.org"

        content = page_text(client.get("/community/guidelines/"))

        appeals = content[content.index('id="appeals"') :]
        assert '<a href="mailto:moderators@ibdmovement.org">moderators@ibdmovement.org</a>' in appeals
        assert "A different moderator will look at it again" in appeals

    def test_the_guidelines_forbid_treatment_advice_and_personal_details(self, client, db):
        content = page_text(client.get("/community/guidelines/"))

        assert "please never tell anyone to stop, start or change a medicine" in content.lower()
        assert "hospital number" in content

    def test_the_comment_form_links_to_the_guidelines_and_the_community(self, client, member, article):
        client.force_login(member)

        content = page_text(client.get(article.get_absolute_url()))

        form = re.search(r'<div class="comment-form" id="comment-form">.*?</form>', content, re.S).group()
        assert 'href="/community/guidelines/"' in form
        assert 'href="/community/">Community</a>' in content

    def test_the_reply_form_links_to_the_guidelines_and_the_community(
        self, client, member, second_member, article, make_comment
    ):
        parent = make_comment(article, second_member)
        client.force_login(member)

        content = page_text(client.get(f"/comments/{parent.pk}/reply/"))

        form = re.search(r'<form method="post" action="/articles/[^"]+/comments/".*?</form>', content, re.S).group()
        assert 'href="/community/guidelines/"' in form
        assert 'href="/community/">Community</a>' in content

    def test_the_discussion_links_to_the_guidelines_for_everyone(self, client, article):
        content = page_text(Client().get(article.get_absolute_url()))

        intro = re.search(r'<p class="discussion__intro">.*?</p>', content, re.S).group()
        assert 'href="/community/guidelines/"' in intro


class TestQueryCount:
    def test_the_community_page_costs_the_same_however_many_comments(
        self, client, make_article, make_member, make_comment, django_assert_max_num_queries
    ):
        def add_comments(count):
            for _ in range(count):
                discussed = make_article()
                make_comment(discussed, make_member(), created_at=days_ago(1))

        add_comments(1)
        with CaptureQueriesContext(connection) as one:
            client.get("/community/")
        add_comments(20)

        with django_assert_max_num_queries(len(one)):
            response = client.get("/community/")

        assert section(page_text(response), "latest-heading").count("<li>") == 15
        assert section(page_text(response), "active-heading").count("<li>") == 5
