"""
Who may report, what counts toward hiding a comment, comments of unpublished articles, and display names
that pass for staff or carry a web address.
"""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from community.forms.accounts import ProfileForm
from community.models import Comment, CommunitySettings, ModerationLog, Profile, Report

BODY = "This trial changed my mind about biologics."
HEADLINE = "Gut bacteria linked to longer remission"
UNCONFIRMED = "Please confirm your email address before you report a comment"
SUSPENDED = "Your account is suspended, so you can&#x27;t report comments at the moment."


@pytest.fixture
def article(make_article):
    return make_article(headline=HEADLINE, slug="gut-bacteria-remission")


@pytest.fixture
def comment(article, second_member, make_comment):
    return make_comment(article, second_member, body=BODY)


def report(client, comment, reason="misinformation", **kwargs):
    return client.post(f"/comments/{comment.pk}/report/", {"reason": reason, "note": ""}, **kwargs)


def text(response):
    return response.content.decode()


def suspend(user, moderator):
    Profile.for_user(user).suspend(by=moderator, reason="Brigading reports")


# Who may report


class TestWhoMayReport:
    def test_three_unconfirmed_sign_ups_cannot_hide_a_comment(self, client, make_member, comment, article):
        # The repro: three throwaway sign-ups that never confirmed their email hid a comment.
        for _ in range(3):
            client.force_login(make_member(confirmed=False))
            response = report(client, comment, follow=True)
            assert UNCONFIRMED in text(response)

        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert not Report.objects.exists()
        assert not ModerationLog.objects.filter(action=ModerationLog.Action.HIDDEN).exists()
        assert BODY in text(client.get(article.get_absolute_url()))

    def test_an_unconfirmed_member_is_told_why_on_the_report_page(self, client, unconfirmed_member, comment):
        client.force_login(unconfirmed_member)

        response = client.get(f"/comments/{comment.pk}/report/", follow=True)

        assert response.redirect_chain[0][0].endswith(f"#comment-{comment.pk}")
        assert UNCONFIRMED in text(response)
        assert 'name="reason"' not in text(response)

    def test_a_suspended_member_cannot_report(self, client, member, moderator, comment):
        suspend(member, moderator)
        client.force_login(member)

        response = report(client, comment, follow=True)

        assert response.status_code == 200
        assert SUSPENDED in text(response)
        assert not Report.objects.exists()

    def test_a_confirmed_member_in_good_standing_still_reports(self, client, member, comment):
        client.force_login(member)

        report(client, comment)

        assert Report.objects.get().reporter == member

    @pytest.mark.parametrize("role", ["moderator", "editor"])
    def test_staff_report_like_members(self, client, request, role, comment):
        client.force_login(request.getfixturevalue(role))

        report(client, comment)

        assert Report.objects.filter(comment=comment).count() == 1

    def test_anonymous_readers_are_sent_to_log_in(self, client, comment):
        assert report(client, comment).url.startswith("/account/login/?next=")
        assert not Report.objects.exists()


class TestWhatCountsTowardHiding:
    def test_reports_from_unconfirmed_members_do_not_count(
        self, article, member, third_member, make_member, make_comment
    ):
        comment = make_comment(article, make_member())
        # Reports left by members who never confirmed (before the rule, say) stay on record but hide nothing.
        for _ in range(2):
            Report.objects.create(comment=comment, reporter=make_member(confirmed=False), reason="spam")

        comment.report(by=member, reason=Report.Reason.SPAM)

        assert comment.status == Comment.Status.APPROVED
        assert comment.reports.count() == 3

    def test_reports_by_a_member_suspended_later_stop_counting(
        self, article, member, third_member, moderator, make_member, make_comment
    ):
        comment = make_comment(article, make_member())
        comment.report(by=member, reason=Report.Reason.SPAM)
        comment.report(by=third_member, reason=Report.Reason.SPAM)
        suspend(member, moderator)

        comment.report(by=make_member(), reason=Report.Reason.SPAM)
        assert comment.status == Comment.Status.APPROVED

        comment.report(by=make_member(), reason=Report.Reason.SPAM)
        assert comment.status == Comment.Status.PENDING
        assert ModerationLog.objects.get(action=ModerationLog.Action.HIDDEN).reason == "3 reports"

    def test_suspending_a_reporter_leaves_a_hidden_comment_for_a_moderator(
        self, article, member, third_member, moderator, make_member, make_comment
    ):
        # Decided: suspension doesn't show a hidden comment again on its own. The other reports may be
        # right (medical misinformation stays hidden); the comment waits in the queue for a moderator.
        comment = make_comment(article, make_member())
        for reporter in [member, third_member, make_member()]:
            comment.report(by=reporter, reason=Report.Reason.MISINFORMATION)

        suspend(member, moderator)

        comment.refresh_from_db()
        assert (comment.status, comment.hold_reason) == (Comment.Status.PENDING, Comment.HoldReason.REPORTS)
        assert comment in Comment.objects.awaiting_review()
        assert comment.reports.filter(resolved_at__isnull=True).count() == 3

    def test_a_stale_copy_of_the_comment_reads_its_status_again(self, article, member, moderator, make_comment):
        CommunitySettings.objects.update(report_threshold=1)
        comment = make_comment(article, moderator)
        stale = Comment.objects.get(pk=comment.pk)
        comment.remove(by=moderator, reason="Spam")

        stale.report(by=member, reason=Report.Reason.SPAM)

        stale.refresh_from_db()
        assert stale.status == Comment.Status.REMOVED
        assert not ModerationLog.objects.filter(action=ModerationLog.Action.HIDDEN).exists()


# Nothing of unpublished articles


def unpublish(article, state):
    if state == "draft":
        article.status = Article.Status.DRAFT
    elif state == "in review":
        article.status = Article.Status.IN_REVIEW
    else:  # scheduled: published, but its time hasn't come
        article.published_at = timezone.now() + timedelta(days=3)
    article.save()


STATES = ["draft", "in review", "scheduled"]


class TestUnpublishedArticles:
    def test_the_report_page_shows_nothing_once_the_article_goes_back_to_draft(self, client, member, comment, article):
        # The repro: the report page showed the comment and its headline after the article went to draft.
        client.force_login(member)
        assert HEADLINE in text(client.get(f"/comments/{comment.pk}/report/"))

        unpublish(article, "draft")
        response = client.get(f"/comments/{comment.pk}/report/")

        assert response.status_code == 404
        assert HEADLINE not in text(response)
        assert BODY not in text(response)

    @pytest.mark.parametrize("state", STATES)
    @pytest.mark.parametrize("role", ["member", "moderator", "editor"])
    def test_no_comment_view_shows_anything(self, client, request, state, role, comment, article, make_comment):
        own = make_comment(article, request.getfixturevalue(role), body="My own words on this.")
        unpublish(article, state)
        client.force_login(request.getfixturevalue(role))

        for url in [
            f"/comments/{comment.pk}/",
            f"/comments/{comment.pk}/reply/",
            f"/comments/{comment.pk}/report/",
            f"/comments/{own.pk}/",
            f"/comments/{own.pk}/edit/",
            f"/comments/{own.pk}/delete/",
        ]:
            response = client.get(url)
            assert response.status_code == 404, url
            assert HEADLINE not in text(response)

    @pytest.mark.parametrize("state", STATES)
    def test_nothing_is_changed_through_them(self, client, member, state, comment, article, make_comment):
        own = make_comment(article, member, body="My own words on this.")
        unpublish(article, state)
        client.force_login(member)

        assert report(client, comment).status_code == 404
        assert client.post(f"/comments/{own.pk}/edit/", {"body": "Changed."}).status_code == 404
        assert client.post(f"/comments/{own.pk}/delete/").status_code == 404
        assert (
            client.post(f"/articles/{article.slug}/comments/", {"body": "Hello", "parent": comment.pk}).status_code
            == 404
        )

        assert not Report.objects.exists()
        own.refresh_from_db()
        assert (own.body, own.deleted_at) == ("My own words on this.", None)
        assert Comment.objects.filter(article=article).count() == 2

    @pytest.mark.parametrize("state", STATES)
    def test_anonymous_readers_get_nothing_either(self, client, state, comment, article):
        unpublish(article, state)

        response = client.get(f"/comments/{comment.pk}/")

        assert response.status_code == 404
        assert HEADLINE not in text(response)
        for action in ["reply", "edit", "delete", "report"]:
            assert client.get(f"/comments/{comment.pk}/{action}/").url.startswith("/account/login/")

    def test_the_community_page_leaves_them_out(self, client, comment, article):
        unpublish(article, "draft")

        content = text(client.get("/community/"))

        assert HEADLINE not in content
        assert BODY not in content

    def test_moderators_still_decide_on_them_in_the_queue(
        self, client, moderator, member, third_member, make_member, comment, article
    ):
        for reporter in [member, third_member, make_member()]:
            comment.report(by=reporter, reason=Report.Reason.ABUSE)
        unpublish(article, "draft")
        client.force_login(moderator)

        assert BODY in text(client.get("/moderation/"))
        client.post(f"/moderation/comments/{comment.pk}/", {"decision": "approve", "reason": ""})

        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert comment.decided_by == moderator

    def test_comments_of_published_articles_are_reached_as_before(self, client, member, comment, article):
        client.force_login(member)

        assert client.get(f"/comments/{comment.pk}/").url == f"/articles/{article.slug}/#comment-{comment.pk}"
        assert client.get(f"/comments/{comment.pk}/reply/").status_code == 200
        assert client.get(f"/comments/{comment.pk}/report/").status_code == 200

    def test_the_rule_lives_on_the_queryset(self, article, make_article, member, make_comment):
        shown = make_comment(article, member)
        hidden = make_comment(make_article(status=Article.Status.DRAFT), member)

        assert list(Comment.objects.on_published_articles()) == [shown]
        assert hidden not in Comment.objects.on_published_articles()


# Display names


def name_errors(display_name, member=None):
    profile = Profile.for_user(member) if member else Profile(display_name="Someone new")
    form = ProfileForm({"display_name": display_name, "bio": ""}, instance=profile)
    form.is_valid()
    return form.errors.get("display_name", [])


STAFF = "kept for the site"
WEB = "can't be or contain a web address"
LOOKALIKE = "can't mix alphabets with letters that look alike"
CYRILLIC_EM, CYRILLIC_O, CYRILLIC_A, CYRILLIC_DZE = "\u041c", "\u043e", "\u0430", "\u0455"


@pytest.mark.django_db
class TestDisplayNames:
    @pytest.mark.parametrize(
        "display_name",
        [
            "Moderator Team",
            "moderator",
            "MODERATORS",
            "Mod Team",
            "mod-team",
            "The Mods",
            "M.o.d.e.r.a.t.o.r",
            "M o d e r a t o r",
            "M0DERAT0R",
            "rnoderator",
            "M\u00f6d\u00e9r\u00e4t\u00f6r",
            "\uff2doderator",  # full-width M
            "\U0001d40coderator",  # mathematical bold M
            "MayaModerator",
            "mayamoderator",
            "Moder ator",
            "Admin",
            "Adm1n",
            "ADM|N",
            "Site Administrator",
            "Staff",
            "Maya (staff)",
            "The Editor",
            "Editors Desk",
            "IBD Movement",
            "IBDMovement",
            "ibd_movement",
            "Official Maya",
            "Support Team",
            "SupportTeam",
            "Webmaster",
        ],
    )
    def test_it_refuses_staff_words(self, display_name):
        assert any(STAFF in error for error in name_errors(display_name)), display_name

    @pytest.mark.parametrize(
        "display_name",
        [
            f"{CYRILLIC_EM}oderator",  # the example, with a Cyrillic capital Em
            f"M{CYRILLIC_O}derator Team",
            f"M{CYRILLIC_A}ya",
            f"{CYRILLIC_DZE}taff",
            f"Maya {CYRILLIC_EM}",
        ],
    )
    def test_it_refuses_look_alike_letters_from_another_alphabet(self, display_name):
        assert any(LOOKALIKE in error for error in name_errors(display_name)), display_name

    @pytest.mark.parametrize(
        "display_name",
        [
            "maya.com",
            "Maya.Com",
            "bit.ly/x",
            "ibdmovement.org",
            "www.maya",
            "Maya www",
            "http maya",
            "https://example.org",
            "Maya dot com",
            "maya . com",
            "maya\u3002com",  # ideographic full stop
            "\uff4d\uff41\uff59\uff41\uff0e\uff43\uff4f\uff4d",  # full-width "maya.com"
            f"m{CYRILLIC_A}ya.com",
        ],
    )
    def test_it_refuses_web_addresses(self, display_name):
        errors = name_errors(display_name)
        assert any(WEB in error or LOOKALIKE in error for error in errors), display_name

    @pytest.mark.parametrize(
        "display_name",
        [
            "Maya",
            "Modesty",
            "Moderate Mo",
            "Editorial Eddie",
            "Admiral Ann",
            "Badminton Fan",
            "Staffordshire Sam",
            "Unofficial Maya",
            "IBD Warrior",
            "Crohn's Fighter",
            "Team Maya",
            "Support group Sue",
            "Dr. Who",
            "J.R.R. Tolkien",
            "St. Louis Sue",
            "Dot Cotton",
            "Zo\u00eb",
            "Jos\u00e9 Mar\u00eda",
            "Nguy\u1ec5n Th\u1ecb Minh",
            "O'Brien",
            "Anna-Lena",
            "\u041c\u0430\u0440\u0438\u044f",  # Мария
            "\u041c\u0430\u0440\u0438\u044f \u0418\u0432\u0430\u043d\u043e\u0432\u0430",
            "\u674e\u660e",  # 李明
            "\u7530\u4e2d\u3055\u3093",  # 田中さん: two Japanese scripts, neither looks Latin
            "Maya \u674e",
            "\uae40\ubbfc\uc900",  # 김민준
            "\u0395\u03bb\u03ad\u03bd\u03b7",  # Ελένη
            "\u0645\u062d\u0645\u062f",  # محمد
            "\u0930\u093e\u0939\u0941\u0932",  # राहुल
        ],
    )
    def test_ordinary_names_in_any_one_alphabet_still_pass(self, display_name):
        assert name_errors(display_name) == []

    def test_a_member_can_choose_one_on_their_profile_page(self, client, member):
        client.force_login(member)

        client.post("/account/", {"display_name": "Zo\u00eb", "bio": ""})

        assert Profile.objects.get(user=member).display_name == "Zo\u00eb"

    def test_the_profile_page_says_why_and_keeps_the_old_name(self, client, member):
        client.force_login(member)

        response = client.post("/account/", {"display_name": "Moderator Team", "bio": ""})

        assert response.status_code == 200
        assert escape("those are kept for the site and its team") in text(response)
        assert Profile.objects.get(user=member).display_name == "Maya"

    def test_full_width_letters_cannot_pass_for_another_members_name(self, member, second_member):
        errors = name_errors("\uff33\uff41\uff4d", member)  # full-width "Sam"

        assert errors == ["That display name is taken. Please choose another."]

    def test_names_are_kept_in_their_plain_form(self, client, member):
        client.force_login(member)

        client.post("/account/", {"display_name": "\uff2d\uff41\uff59\uff41 R", "bio": ""})

        assert Profile.objects.get(user=member).display_name == "Maya R"

    def test_a_name_that_grows_past_40_characters_when_tidied_is_refused(self, client, member):
        # U+FDFA is one character that spells out as 18 in NFKC: it must be refused, not saved too long.
        client.force_login(member)

        response = client.post("/account/", {"display_name": "\ufdfa" * 3, "bio": ""})

        assert response.status_code == 200
        assert "A display name can have at most 40 characters." in text(response)
        assert Profile.objects.get(user=member).display_name == "Maya"


class TestExistingDisplayNames:
    def test_the_command_lists_names_that_break_todays_rules(self, member, make_member):
        offenders = [make_member(), make_member(), make_member()]
        for user, name in zip(offenders, ["Moderator Team", "maya.com", f"{CYRILLIC_EM}oderator"], strict=True):
            Profile.objects.filter(user=user).update(display_name=name)
        out = StringIO()

        call_command("check_display_names", stdout=out)

        report = out.getvalue()
        for user in offenders:
            assert f"Account {user.pk}:" in report
        assert f"Account {member.pk}:" not in report
        assert "/admin/community/profile/" in report
        assert "3 display name(s) to change." in report
        assert "@example.org" not in report

    def test_it_changes_nothing(self, member):
        Profile.objects.filter(user=member).update(display_name="Admin")

        call_command("check_display_names", stdout=StringIO())

        assert Profile.objects.get(user=member).display_name == "Admin"
        assert User.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's IMMEDIATE transactions run writers one at a time; its shared in-memory test database can't "
    "hold several at once to show it",
)
def test_reports_sent_at_the_same_moment_all_count(article, make_member, make_comment):
    # Each report counts the others in its own transaction: without taking turns on the comment,
    # three at once on PostgreSQL could each see fewer than three, and none would hide it.
    comment = make_comment(article, make_member())
    reporters = [make_member() for _ in range(3)]
    start = threading.Barrier(len(reporters))

    def send(reporter):
        start.wait()
        try:
            Comment.objects.get(pk=comment.pk).report(by=reporter, reason=Report.Reason.SPAM)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(reporter,)) for reporter in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    comment.refresh_from_db()
    assert comment.reports.count() == 3
    assert comment.status == Comment.Status.PENDING
    assert ModerationLog.objects.filter(action=ModerationLog.Action.HIDDEN, comment=comment).count() == 1
