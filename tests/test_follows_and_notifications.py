"""
Followed discussions and notifications on the site: members follow an
article's discussion and are told of new comments in it, by email at most
once a day and on their notifications page, with replies to them and
moderators' decisions on their comments. The header shows how many are
unread, for members only, at a fixed cost in queries.
"""

import json
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from community.models import Comment, Follow, Notification

pytestmark = pytest.mark.django_db

FOLLOWED_SUBJECT = "New comments in a discussion you follow on IBD Movement"


@pytest.fixture
def article(make_article):
    return make_article(headline="Trial finds a new injection eases colitis")


@pytest.fixture
def regular(make_article, make_comment):
    """Gives a member an approved comment elsewhere, so their next one shows at once."""
    elsewhere = make_article()

    def regular(user):
        make_comment(elsewhere, user, "An earlier comment.")
        return user

    return regular


@pytest.fixture
def following(article, member):
    """Maya follows the discussion."""
    Follow.start(member, article)
    return member


def post(article, author, body="Has anyone else tried this?", parent=None):
    return Comment.post(article=article, author=author, body=body, parent=parent)[0]


def follow_emails(to=None):
    return [email for email in mail.outbox if email.subject == FOLLOWED_SUBJECT and to in (None, *email.to)]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


class TestFollowing:
    def test_a_signed_out_reader_is_asked_to_log_in(self, client, article):
        response = client.post(reverse("community:follow_discussion", args=[article.slug]), {"action": "follow"})

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("community:login"))
        assert not Follow.objects.exists()

    @pytest.mark.parametrize("who", ["member", "moderator", "editor"])
    def test_anyone_signed_in_can_follow_and_stop(self, request, article, who):
        user = request.getfixturevalue(who)
        client = client_for(user)
        url = reverse("community:follow_discussion", args=[article.slug])

        response = client.post(url, {"action": "follow"})

        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#discussion"
        assert Follow.objects.filter(member=user, article=article).count() == 1

        client.post(url, {"action": "follow"})
        assert Follow.objects.filter(member=user, article=article).count() == 1

        client.post(url, {"action": "unfollow"})
        assert not Follow.objects.filter(member=user, article=article).exists()

    def test_the_article_page_offers_the_button_that_fits(self, client, member, article):
        client.force_login(member)
        assert "Follow this discussion" in client.get(article.get_absolute_url()).content.decode()

        Follow.start(member, article)

        page = client.get(article.get_absolute_url()).content.decode()
        assert "You're following this discussion." in page
        assert 'name="action" value="unfollow"' in page

    def test_signed_out_readers_see_no_button(self, client, article):
        assert "Follow this discussion" not in client.get(article.get_absolute_url()).content.decode()

    def test_it_needs_a_post(self, client, member, article):
        client.force_login(member)

        response = client.get(reverse("community:follow_discussion", args=[article.slug]))

        assert response.status_code == 405
        assert not Follow.objects.exists()

    def test_it_needs_the_csrf_token(self, member, article):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)

        response = client.post(reverse("community:follow_discussion", args=[article.slug]), {"action": "follow"})

        assert response.status_code == 403
        assert not Follow.objects.exists()

    @pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.IN_REVIEW])
    def test_an_article_readers_cannot_see_is_not_found(self, client, member, make_article, status):
        hidden = make_article(status=status)
        client.force_login(member)

        response = client.post(reverse("community:follow_discussion", args=[hidden.slug]), {"action": "follow"})

        assert response.status_code == 404
        assert not Follow.objects.exists()

    def test_a_made_up_address_is_not_found(self, client, member):
        client.force_login(member)

        response = client.post(reverse("community:follow_discussion", args=["no-such-article"]), {"action": "follow"})

        assert response.status_code == 404

    def test_a_forged_action_changes_nothing_and_says_so(self, client, member, article):
        client.force_login(member)

        response = client.post(
            reverse("community:follow_discussion", args=[article.slug]), {"action": "delete-everything"}, follow=True
        )

        assert response.status_code == 200
        assert "Choose to follow or stop following." in response.content.decode()
        assert not Follow.objects.exists()

    def test_a_member_follows_a_discussion_once_their_comment_is_published(self, member, regular, article):
        post(article, regular(member))

        assert Follow.objects.filter(member=member, article=article).exists()

    def test_a_held_comment_makes_its_author_follow_only_when_approved(self, member, moderator, article):
        comment = post(article, member)
        assert comment.status == Comment.Status.PENDING
        assert not Follow.objects.exists()

        comment.approve(by=moderator)

        assert Follow.objects.filter(member=member, article=article).exists()


class TestNewCommentsInAFollowedDiscussion:
    def test_a_follower_is_told_on_the_site_and_by_email(self, following, second_member, regular, article):
        comment = post(article, regular(second_member))

        notification = Notification.objects.get(recipient=following)
        assert (notification.kind, notification.comment, notification.article) == (
            Notification.Kind.NEW_COMMENT,
            comment,
            article,
        )
        [email] = follow_emails()
        assert email.to == [following.email]
        assert "Hello Maya," in email.body
        assert article.headline in email.body
        assert f"{article.get_absolute_url()}#discussion" in email.body
        assert comment.body not in email.body
        assert second_member.email not in email.body

    def test_the_author_is_not_told_of_their_own_comment(self, following, regular, article):
        post(article, regular(following))

        assert not Notification.objects.filter(recipient=following).exists()
        assert not follow_emails()

    def test_a_held_comment_tells_nobody_until_approved(self, following, second_member, moderator, article):
        comment = post(article, second_member)
        assert comment.status == Comment.Status.PENDING
        assert not Notification.objects.filter(recipient=following).exists()
        assert not follow_emails()

        comment.approve(by=moderator)

        assert Notification.objects.filter(recipient=following, kind=Notification.Kind.NEW_COMMENT).count() == 1
        assert len(follow_emails(following.email)) == 1

    def test_a_removed_comment_tells_no_follower(self, following, second_member, moderator, article):
        comment = post(article, second_member)

        comment.remove(by=moderator, reason="Spam")

        assert not Notification.objects.filter(recipient=following).exists()
        assert not follow_emails()

    def test_removing_a_published_comment_takes_back_the_notices_about_it(
        self, following, second_member, moderator, regular, article
    ):
        comment = post(article, regular(second_member))
        assert Notification.objects.filter(recipient=following).exists()

        comment.remove(by=moderator, reason="Misinformation")

        assert not Notification.objects.filter(recipient=following).exists()

    def test_a_comment_shown_again_is_not_announced_twice(self, following, second_member, moderator, regular, article):
        comment = post(article, regular(second_member))
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING, hold_reason="reports")
        comment.refresh_from_db()

        comment.approve(by=moderator)

        assert Notification.objects.filter(recipient=following, comment=comment).count() == 1
        assert len(follow_emails()) == 1

    def test_at_most_one_email_a_day_for_each_discussion(
        self, following, second_member, third_member, regular, article, make_article
    ):
        """Sam and Tess follow too once they comment: only Maya's emails are counted."""
        regular(second_member)
        regular(third_member)
        post(article, second_member, "First.")
        post(article, third_member, "Second.")
        assert len(follow_emails(following.email)) == 1
        assert Notification.objects.filter(recipient=following).count() == 2

        later = timezone.now() + timedelta(hours=23)
        with mock.patch("django.utils.timezone.now", return_value=later):
            post(article, second_member, "Third, within the day.")
        assert len(follow_emails(following.email)) == 1

        next_day = timezone.now() + timedelta(days=1, minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=next_day):
            post(article, third_member, "Fourth, a day on.")
        assert len(follow_emails(following.email)) == 2

        other = make_article()
        Follow.start(following, other)
        post(other, second_member, "Elsewhere.")
        assert len(follow_emails(following.email)) == 3

    def test_the_profile_choice_turns_the_emails_off_not_the_notices(self, following, second_member, regular, article):
        following.profile.notify_on_followed = False
        following.profile.save()

        post(article, regular(second_member))

        assert not follow_emails()
        assert Notification.objects.filter(recipient=following).count() == 1

    def test_an_unconfirmed_address_gets_no_email(self, unconfirmed_member, second_member, regular, article):
        Follow.start(unconfirmed_member, article)

        post(article, regular(second_member))

        assert not follow_emails()
        assert Notification.objects.filter(recipient=unconfirmed_member).count() == 1

    def test_a_reply_to_a_follower_is_told_as_a_reply_only(
        self, following, second_member, regular, article, make_comment
    ):
        mine = make_comment(article, following, "My experience.")

        reply = post(article, regular(second_member), "Thanks for sharing.", parent=mine)

        [notification] = Notification.objects.filter(recipient=following)
        assert (notification.kind, notification.comment) == (Notification.Kind.REPLY, reply)
        assert not follow_emails()

    def test_a_held_reply_is_told_to_the_member_replied_to_once_approved(
        self, member, second_member, moderator, article, make_comment
    ):
        mine = make_comment(article, member, "My experience.")
        reply = post(article, second_member, "Thanks for sharing.", parent=mine)
        assert not Notification.objects.filter(recipient=member).exists()

        reply.approve(by=moderator)

        assert Notification.objects.get(recipient=member).kind == Notification.Kind.REPLY

    def test_a_comment_its_author_deletes_leaves_no_notices(
        self, following, second_member, third_member, regular, article, make_comment
    ):
        comment = post(article, regular(second_member))
        make_comment(article, third_member, "A reply keeps a marker.", parent=comment)

        comment.delete_by_author()

        assert not Notification.objects.filter(recipient=following).exists()

    def test_a_member_who_stopped_following_is_not_told(self, following, second_member, regular, article):
        Follow.stop(following, article)

        post(article, regular(second_member))

        assert not Notification.objects.filter(recipient=following).exists()
        assert not follow_emails()


class TestModeratorsDecisions:
    def test_approving_a_held_comment_tells_its_author(self, member, moderator, article):
        comment = post(article, member)

        comment.approve(by=moderator)

        [notification] = Notification.objects.filter(recipient=member)
        assert notification.kind == Notification.Kind.APPROVED

    def test_removing_a_comment_tells_its_author(self, member, moderator, article):
        comment = post(article, member)

        comment.remove(by=moderator, reason="Names a doctor")

        [notification] = Notification.objects.filter(recipient=member)
        assert notification.kind == Notification.Kind.REMOVED

    def test_a_decision_in_the_moderation_queue_tells_the_author(self, client, member, moderator, article):
        comment = post(article, member)
        client.force_login(moderator)

        client.post(reverse("community:moderate_comment", args=[comment.pk]), {"decision": "approve"})

        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert Notification.objects.get(recipient=member).kind == Notification.Kind.APPROVED

    def test_a_moderator_is_not_told_of_their_own_decision(self, moderator, article):
        comment = post(article, moderator)

        comment.approve(by=moderator)

        assert not Notification.objects.filter(recipient=moderator, kind=Notification.Kind.APPROVED).exists()


@pytest.fixture
def three_kinds(member, second_member, moderator, regular, article, make_comment):
    """One of each kind for Maya, oldest first: a decision, a reply, a new comment where she follows."""
    held = post(article, member, "Held at first.")
    held.approve(by=moderator)
    regular(second_member)
    reply = post(article, second_member, "A reply to you.", parent=held)
    other = post(article, second_member, "Something new.")
    now = timezone.now()
    for minutes, comment in enumerate([held, reply, other]):
        Notification.objects.filter(recipient=member, comment=comment).update(
            created_at=now - timedelta(minutes=10 - minutes)
        )
    return Notification.objects.filter(recipient=member).order_by("created_at")


class TestNotificationsPage:
    url = reverse("community:notifications")

    def test_a_signed_out_reader_is_asked_to_log_in(self, client):
        response = client.get(self.url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("community:login"))

    def test_it_lists_all_three_kinds_newest_first(self, client, member, three_kinds):
        client.force_login(member)

        page = client.get(self.url).content.decode()

        new = page.index("Sam commented on “Trial finds a new injection eases colitis”, a discussion you follow")
        reply = page.index("Sam replied to your comment on")
        decision = page.index("A moderator published your comment on")
        assert new < reply < decision
        assert page.count('class="notification notification--unread"') == 3

    @pytest.mark.parametrize("who", ["second_member", "moderator", "editor"])
    def test_others_see_only_their_own(self, request, three_kinds, who):
        client = client_for(request.getfixturevalue(who))

        page = client.get(self.url).content.decode()

        assert "replied to your comment" not in page
        assert "published your comment" not in page

    def test_opening_one_marks_it_read_and_goes_to_the_comment(self, client, member, three_kinds):
        client.force_login(member)
        reply = three_kinds.get(kind=Notification.Kind.REPLY)

        response = client.get(reply.get_absolute_url())

        assert response.status_code == 302
        assert response["Location"] == reverse("community:comment", args=[reply.comment_id])
        reply.refresh_from_db()
        assert reply.read_at is not None
        assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 2

    @pytest.mark.parametrize("who", ["second_member", "moderator", "editor"])
    def test_another_members_notification_is_not_found(self, request, three_kinds, who):
        client = client_for(request.getfixturevalue(who))
        theirs = three_kinds.first()

        response = client.get(theirs.get_absolute_url())

        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_a_made_up_id_is_not_found(self, client, member):
        client.force_login(member)

        assert client.get(reverse("community:open_notification", args=[999999])).status_code == 404

    def test_mark_all_as_read(self, client, member, three_kinds):
        client.force_login(member)

        response = client.post(reverse("community:mark_notifications_read"))

        assert response.status_code == 302
        assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
        assert "notification--unread" not in client.get(self.url).content.decode()

    def test_marking_all_read_needs_a_post(self, client, member, three_kinds):
        client.force_login(member)

        assert client.get(reverse("community:mark_notifications_read")).status_code == 405
        assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 3

    def test_it_is_paginated(self, client, member, second_member, make_comment, article):
        comments = [make_comment(article, second_member, f"Comment {n}.") for n in range(25)]
        Notification.objects.bulk_create(
            Notification(recipient=member, kind=Notification.Kind.NEW_COMMENT, comment=comment, article=article)
            for comment in comments
        )
        client.force_login(member)

        first = client.get(self.url).content.decode()
        second = client.get(self.url, {"page": 2}).content.decode()

        assert first.count('class="notification ') == 20
        assert second.count('class="notification ') == 5
        assert "Older notifications" in first

    def test_notices_about_an_article_taken_down_are_not_listed(self, client, member, three_kinds, article):
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
        client.force_login(member)

        page = client.get(self.url).content.decode()

        assert article.headline not in page
        assert client.get(three_kinds.first().get_absolute_url()).status_code == 404

    def test_its_queries_do_not_grow_with_the_notifications(
        self, member, second_member, make_member, make_comment, article, django_assert_max_num_queries
    ):
        def add(count):
            for _ in range(count):
                author = make_member()
                comment = make_comment(article, author)
                Notification.objects.create(
                    recipient=member, kind=Notification.Kind.REPLY, comment=comment, article=article
                )

        client = client_for(member)
        add(1)
        with CaptureQueriesContext(connection) as one:
            client.get(self.url)
        add(19)

        with django_assert_max_num_queries(len(one)):
            response = client.get(self.url)

        assert response.content.decode().count('class="notification ') == 20

    def test_the_page_is_never_cached(self, client, member):
        client.force_login(member)

        assert "no-cache" in client.get(self.url)["Cache-Control"]


class TestHeaderCount:
    def test_members_see_their_unread_count(self, client, member, three_kinds):
        client.force_login(member)

        page = client.get(reverse("articles:home")).content.decode()
        assert 'class="notifications-link__count">3<span class="visually-hidden"> unread</span>' in page

        client.get(three_kinds.first().get_absolute_url())

        page = client.get(reverse("articles:home")).content.decode()
        assert 'class="notifications-link__count">2<span' in page

    def test_nothing_unread_shows_no_number(self, client, member):
        client.force_login(member)

        page = client.get(reverse("articles:home")).content.decode()

        assert ">Notifications</a>" in page
        assert "notifications-link__count" not in page

    def test_a_signed_out_readers_cached_page_carries_no_count(
        self, client, member, three_kinds, article, django_assert_num_queries
    ):
        first = client.get(article.get_absolute_url()).content.decode()
        with django_assert_num_queries(0):
            cached = client.get(article.get_absolute_url()).content.decode()

        assert cached == first
        assert "Notifications" not in cached
        assert "notifications-link__count" not in cached
        assert "Follow this discussion" not in cached

    def test_the_article_page_costs_the_same_however_many_notifications_and_follows(
        self, member, second_member, make_member, make_comment, make_article, article
    ):
        client = client_for(member)
        client.get(article.get_absolute_url())
        with CaptureQueriesContext(connection) as before:
            client.get(article.get_absolute_url())

        for _ in range(30):
            comment = make_comment(article, make_member())
            Notification.objects.create(
                recipient=member, kind=Notification.Kind.NEW_COMMENT, comment=comment, article=article
            )
            Follow.start(member, make_article())
        Follow.start(member, article)
        client.get(article.get_absolute_url())

        with CaptureQueriesContext(connection) as after:
            page = client.get(article.get_absolute_url()).content.decode()

        assert len(after) == len(before)
        assert 'class="notifications-link__count">30<span' in page
        assert "You're following this discussion." in page

    def test_the_count_is_one_query_on_the_unread_index(self, member, django_assert_num_queries):
        with django_assert_num_queries(1) as captured:
            Notification.unread_count(member)

        sql = captured.captured_queries[0]["sql"]
        assert "community_notification" in sql and "read_at" in sql and "JOIN" not in sql


class TestPrivacy:
    def test_the_export_holds_follows_and_notifications(self, client, member, three_kinds, article):
        client.force_login(member)

        data = json.loads(client.get(reverse("community:export_data")).content)

        assert [row["article"] for row in data["discussions_followed"]] == [article.headline]
        assert [row["kind"] for row in data["notifications"]] == [
            "Your comment was published",
            "Reply to your comment",
            "New comment in a discussion you follow",
        ]
        assert data["account"]["notify_on_followed"] is True

    def test_the_export_holds_nothing_of_anyone_elses(self, client, second_member, three_kinds):
        client.force_login(second_member)

        data = json.loads(client.get(reverse("community:export_data")).content)

        assert data["notifications"] == []

    def test_deleting_the_account_deletes_follows_and_notifications(self, client, member, three_kinds, password):
        client.force_login(member)

        client.post(reverse("community:delete_account"), {"password": password})

        assert not Follow.objects.filter(member_id=member.pk).exists()
        assert not Notification.objects.filter(recipient_id=member.pk).exists()

    def test_deleting_the_account_takes_its_comments_out_of_others_notifications(
        self, member, second_member, regular, article, password
    ):
        Follow.start(member, article)
        post(article, regular(second_member))
        assert Notification.objects.filter(recipient=member).exists()

        client_for(second_member).post(reverse("community:delete_account"), {"password": password})

        assert not Notification.objects.filter(recipient=member).exists()


class TestProfileChoice:
    def test_the_profile_offers_the_choice_on_by_default(self, client, member):
        client.force_login(member)

        page = client.get(reverse("community:profile")).content.decode()

        assert "Email me about new comments in discussions I follow" in page
        assert re.search(r'<input type="checkbox" name="notify_on_followed"[^>]* checked', page)

    def test_a_member_can_turn_it_off(self, client, member):
        client.force_login(member)

        client.post(
            reverse("community:profile"),
            {"display_name": "Maya", "bio": "", "notify_on_decision": "on", "notify_on_reply": "on"},
        )

        member.profile.refresh_from_db()
        assert member.profile.notify_on_followed is False
        assert member.profile.notify_on_reply is True
