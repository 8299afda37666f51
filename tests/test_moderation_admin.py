"""
Moderation in admin: a moderator in the Moderators group, not a superuser,
decides on comments in bulk (logged and emailed like on the site), keeps the
word list and the rules, reads reports and the log, and never sees members'
email addresses or the user accounts.
"""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Comment, CommunitySettings, ModerationLog, ModerationWord, Report

COMMENTS_URL = "/admin/community/comment/"
WORDS_URL = "/admin/community/moderationword/"
SETTINGS_URL = "/admin/community/communitysettings/"
LOG_URL = "/admin/community/moderationlog/"
REPORTS_URL = "/admin/community/report/"
PROFILES_URL = "/admin/community/profile/"


@pytest.fixture
def article(make_article):
    return make_article(headline="Trial finds a new injection eases colitis")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def held_comments(article, member, second_member, make_comment):
    return [
        make_comment(article, member, "Held one.", status=Comment.Status.PENDING, hold_reason="new_member"),
        make_comment(article, second_member, "Held two.", status=Comment.Status.PENDING, hold_reason="links"),
    ]


def run_action(client, action, comments):
    return client.post(COMMENTS_URL, {"action": action, "_selected_action": [comment.pk for comment in comments]})


def statuses(comments):
    return [Comment.objects.get(pk=comment.pk).status for comment in comments]


class TestModeratorAccess:
    def test_a_moderator_is_staff_but_not_a_superuser(self, moderator):
        assert moderator.is_staff
        assert not moderator.is_superuser
        assert moderator.has_perm("community.moderate_comment")
        assert not moderator.has_perm("auth.view_user")

    def test_a_moderator_cannot_see_user_accounts(self, moderator_client):
        assert moderator_client.get("/admin/auth/user/").status_code == 403
        index = moderator_client.get("/admin/").content.decode()
        assert 'href="/admin/auth/user/"' not in index
        assert f'href="{COMMENTS_URL}"' in index
        assert f'href="{WORDS_URL}"' in index

    def test_members_are_sent_to_log_in(self, client, member):
        client.force_login(member)

        response = client.get(COMMENTS_URL)

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


class TestCommentAdmin:
    def test_it_lists_comments_by_the_authors_display_name_never_their_email(
        self, moderator_client, held_comments, member
    ):
        response = moderator_client.get(COMMENTS_URL)

        content = response.content.decode()
        assert response.status_code == 200
        assert "Held one." in content
        assert ">Maya</a>" in content
        assert "Pending review" in content
        assert "One of a new member&#x27;s first comments" in content
        assert member.email not in content
        assert ">maya<" not in content

    def test_it_offers_the_moderation_actions_and_not_delete(self, moderator_client, held_comments):
        content = moderator_client.get(COMMENTS_URL).content.decode()

        assert 'value="approve_selected"' in content
        assert 'value="remove_as_spam"' in content
        assert 'value="remove_as_breaking_guidelines"' in content
        assert 'value="delete_selected"' not in content

    def test_it_searches_the_text(self, moderator_client, held_comments):
        response = moderator_client.get(COMMENTS_URL, {"q": "two"})

        assert list(response.context["cl"].result_list) == [held_comments[1]]

    def test_it_filters_by_status(self, moderator_client, held_comments, article, member, make_comment):
        make_comment(article, member, "Approved one.")

        response = moderator_client.get(COMMENTS_URL, {"status__exact": "approved"})

        assert [comment.body for comment in response.context["cl"].result_list] == ["Approved one."]

    def test_its_queries_do_not_grow_with_the_list(
        self, moderator_client, article, make_member, make_comment, django_assert_max_num_queries
    ):
        make_comment(article, make_member(), status=Comment.Status.PENDING)
        with CaptureQueriesContext(connection) as one_row:
            moderator_client.get(COMMENTS_URL)
        for _ in range(29):
            make_comment(article, make_member(), status=Comment.Status.PENDING)

        with django_assert_max_num_queries(len(one_row)):
            moderator_client.get(COMMENTS_URL)

    def test_the_comment_page_is_read_only_and_shows_no_email(self, moderator_client, held_comments, member):
        url = f"{COMMENTS_URL}{held_comments[0].pk}/change/"

        response = moderator_client.get(url)

        content = response.content.decode()
        assert response.status_code == 200
        assert "<p>Held one.</p>" in content
        assert ">Maya</a>" in content
        assert member.email not in content
        assert 'name="_save"' not in content
        assert moderator_client.post(url, {"status": "approved"}).status_code == 403
        assert statuses(held_comments[:1]) == [Comment.Status.PENDING]

    def test_comments_cannot_be_added_or_deleted_in_admin(self, moderator_client, held_comments):
        assert moderator_client.get(f"{COMMENTS_URL}add/").status_code == 403
        assert moderator_client.post(f"{COMMENTS_URL}{held_comments[0].pk}/delete/").status_code == 403
        assert Comment.objects.count() == 2


class TestBulkActions:
    def test_approve_selected_approves_logs_and_emails(
        self, moderator_client, held_comments, moderator, member, second_member, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = run_action(moderator_client, "approve_selected", held_comments)

        assert response.status_code == 302
        assert statuses(held_comments) == [Comment.Status.APPROVED] * 2
        assert ModerationLog.objects.filter(action=ModerationLog.Action.APPROVED, actor=moderator).count() == 2
        # (Maya, following the discussion once her comment is published, is also told of Sam's.)
        decisions = [email.to[0] for email in mail.outbox if email.subject == "Your comment is now published"]
        assert sorted(decisions) == sorted([member.email, second_member.email])
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Approved 2 comments."]

    def test_remove_as_spam_removes_with_the_reason_logs_and_emails(
        self, moderator_client, held_comments, moderator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = run_action(moderator_client, "remove_as_spam", held_comments)

        assert statuses(held_comments) == [Comment.Status.REMOVED] * 2
        assert {c.decision_reason for c in Comment.objects.all()} == {"Spam"}
        assert list(ModerationLog.objects.order_by().values_list("action", "reason").distinct()) == [
            (ModerationLog.Action.REMOVED, "Spam")
        ]
        assert all("Why: Spam" in email.body for email in mail.outbox)
        assert len(mail.outbox) == 2
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Removed 2 comments: Spam."]

    def test_remove_as_breaking_the_guidelines_gives_that_reason(
        self, moderator_client, held_comments, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run_action(moderator_client, "remove_as_breaking_guidelines", held_comments[:1])

        comment = Comment.objects.get(pk=held_comments[0].pk)
        assert (comment.status, comment.decision_reason) == (
            Comment.Status.REMOVED,
            "Breaks the community guidelines",
        )
        assert ModerationLog.objects.get().reason == "Breaks the community guidelines"
        assert "community/guidelines/" in mail.outbox[0].body
        assert statuses(held_comments[1:]) == [Comment.Status.PENDING]

    def test_approving_resolves_open_reports(self, moderator_client, article, member, second_member, make_comment):
        comment = make_comment(article, second_member)
        comment.report(by=member, reason=Report.Reason.SPAM)

        run_action(moderator_client, "approve_selected", [comment])

        assert not Report.objects.filter(resolved_at__isnull=True).exists()

    def test_comments_already_decided_that_way_are_left_alone(
        self, moderator_client, held_comments, moderator, django_capture_on_commit_callbacks
    ):
        held_comments[0].remove(by=moderator, reason="Abuse or unkindness")

        with django_capture_on_commit_callbacks(execute=True):
            response = run_action(moderator_client, "remove_as_spam", held_comments)

        assert Comment.objects.get(pk=held_comments[0].pk).decision_reason == "Abuse or unkindness"
        assert ModerationLog.objects.count() == 2
        assert len(mail.outbox) == 1
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Removed 1 comment: Spam."]

    def test_staff_without_the_moderation_permission_cannot_run_them(self, client, editor, held_comments):
        client.force_login(editor)
        assert client.get(COMMENTS_URL).status_code == 200

        run_action(client, "approve_selected", held_comments)

        assert statuses(held_comments) == [Comment.Status.PENDING] * 2
        assert not ModerationLog.objects.exists()


class TestWordListAdmin:
    def test_a_moderator_changes_an_action_in_the_list(self, moderator_client):
        word = ModerationWord.objects.get(phrase="guaranteed")
        data = {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "form-0-id": word.pk,
            "form-0-action": ModerationWord.Action.BLOCK,
            "_save": "Save",
        }

        response = moderator_client.post(WORDS_URL, data)

        assert response.status_code == 302
        word.refresh_from_db()
        assert word.action == ModerationWord.Action.BLOCK

    def test_a_moderator_adds_a_phrase(self, moderator_client):
        response = moderator_client.post(
            f"{WORDS_URL}add/", {"phrase": " Wonder Pill", "action": "hold", "note": "Seen in spam"}
        )

        assert response.status_code == 302
        word = ModerationWord.objects.get(phrase="wonder pill")
        assert (word.action, word.note) == (ModerationWord.Action.HOLD, "Seen in spam")

    def test_a_moderator_deletes_a_phrase(self, moderator_client):
        word = ModerationWord.objects.get(phrase="guaranteed")

        moderator_client.post(f"{WORDS_URL}{word.pk}/delete/", {"post": "yes"})

        assert not ModerationWord.objects.filter(phrase="guaranteed").exists()


class TestCommunitySettingsAdmin:
    def test_a_moderator_changes_the_rules(self, moderator_client):
        data = {"hold_first_comments": 2, "max_links": 1, "report_threshold": 5, "max_comment_length": 2000}

        response = moderator_client.post(f"{SETTINGS_URL}1/change/", data)

        assert response.status_code == 302
        rules = CommunitySettings.load()
        assert (rules.hold_first_comments, rules.max_links, rules.report_threshold, rules.max_comment_length) == (
            2,
            1,
            5,
            2000,
        )

    def test_there_is_only_ever_one_row(self, moderator_client, admin_client):
        assert moderator_client.get(f"{SETTINGS_URL}add/").status_code == 403
        assert admin_client.get(f"{SETTINGS_URL}add/").status_code == 403
        assert admin_client.post(f"{SETTINGS_URL}1/delete/", {"post": "yes"}).status_code == 403
        assert CommunitySettings.objects.count() == 1

    def test_a_superuser_may_add_the_row_if_it_is_missing(self, admin_client):
        CommunitySettings.objects.all().delete()

        assert admin_client.get(f"{SETTINGS_URL}add/").status_code == 200


class TestRecordsAdmin:
    def test_the_log_is_readable_and_never_changed(self, moderator_client, held_comments, moderator, member):
        held_comments[0].remove(by=moderator, reason="Spam")
        entry = ModerationLog.objects.get()

        content = moderator_client.get(LOG_URL).content.decode()

        assert "Removed a comment" in content
        assert "Morgan" in content
        assert ">Maya</a>" in content
        assert member.email not in content
        assert moderator_client.get(f"{LOG_URL}add/").status_code == 403
        assert moderator_client.post(f"{LOG_URL}{entry.pk}/change/", {"reason": "Edited"}).status_code == 403
        assert moderator_client.post(f"{LOG_URL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        entry.refresh_from_db()
        assert entry.reason == "Spam"

    def test_even_a_superuser_cannot_change_the_log(self, admin_client, held_comments, moderator):
        held_comments[0].approve(by=moderator)
        entry = ModerationLog.objects.get()

        assert admin_client.post(f"{LOG_URL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        assert ModerationLog.objects.count() == 1

    def test_reports_are_read_only(self, moderator_client, article, member, second_member, make_comment):
        comment = make_comment(article, second_member)
        report = comment.report(by=member, reason=Report.Reason.ABUSE, note="Unkind to a newcomer")

        content = moderator_client.get(REPORTS_URL).content.decode()

        assert "Unkind to a newcomer" in content
        assert ">Maya</a>" in content
        assert member.email not in content
        assert moderator_client.post(f"{REPORTS_URL}{report.pk}/change/", {"note": "x"}).status_code == 403
        assert moderator_client.get(f"{REPORTS_URL}add/").status_code == 403


class TestProfileAdmin:
    def test_it_lists_members_by_display_name_without_emails(self, moderator_client, member, moderator):
        member.profile.suspend(by=moderator, reason="Spam")

        response = moderator_client.get(PROFILES_URL, {"q": "may"})

        content = response.content.decode()
        assert [profile.display_name for profile in response.context["cl"].result_list] == ["Maya"]
        assert 'alt="True"' in content
        assert member.email not in content

    def test_the_profile_page_shows_no_email_or_username_and_links_to_the_record(self, moderator_client, member):
        content = moderator_client.get(f"{PROFILES_URL}{member.profile.pk}/change/").content.decode()

        assert f"Account {member.pk}" in content
        assert f'href="/moderation/members/{member.pk}/"' in content
        assert member.email not in content
        assert ">maya<" not in content

    def test_a_moderator_cannot_change_a_profile(self, moderator_client, member):
        response = moderator_client.post(f"{PROFILES_URL}{member.profile.pk}/change/", {"display_name": "Hacked"})

        assert response.status_code == 403
        member.profile.refresh_from_db()
        assert member.profile.display_name == "Maya"

    def test_suspension_cannot_be_edited_by_hand(self, admin_client, member):
        content = admin_client.get(f"{PROFILES_URL}{member.profile.pk}/change/").content.decode()

        assert 'name="display_name"' in content
        assert 'name="suspended_reason"' not in content
        assert 'name="user"' not in content
