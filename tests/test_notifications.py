"""
Emails to members: a moderator's decision on their comment, and replies to
them. Each goes out once the decision is committed, only to someone who
wants it, and never carries another member's email address.
"""

import pytest
from django.core import mail
from django.urls import reverse

from community.models import Comment, Report

SITE_URL = "https://ibdmovement.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def article(make_article):
    return make_article(headline="Trial finds a new injection eases colitis")


@pytest.fixture
def held_comment(article, member, make_comment):
    return make_comment(
        article, member, "Has anyone tried this?", status=Comment.Status.PENDING, hold_reason="new_member"
    )


@pytest.fixture
def regular(article, make_comment):
    """Gives a member an approved comment, so their next one shows at once."""

    def regular(user):
        make_comment(article, user, "An earlier comment.")
        return user

    return regular


def set_choice(user, **choices):
    for name, value in choices.items():
        setattr(user.profile, name, value)
    user.profile.save()


class TestDecisionEmails:
    def test_approving_a_held_comment_emails_its_author(
        self, held_comment, member, moderator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            held_comment.approve(by=moderator)

        [email] = mail.outbox
        assert email.to == [member.email]
        assert email.subject == "Your comment is now published"
        assert "Hello Maya," in email.body
        assert "Trial finds a new injection eases colitis" in email.body
        assert f"{SITE_URL}{reverse('community:comment', args=[held_comment.pk])}" in email.body
        assert f"{SITE_URL}{reverse('community:profile')}" in email.body

    def test_removing_a_comment_emails_the_reason_and_the_guidelines(
        self, held_comment, member, moderator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            held_comment.remove(by=moderator, reason="Medical misinformation. Steroids are not poison.")

        [email] = mail.outbox
        assert email.to == [member.email]
        assert email.subject == "Your comment was removed"
        assert "Why: Medical misinformation. Steroids are not poison." in email.body
        assert f"{SITE_URL}{reverse('community:guidelines')}" in email.body
        assert "Has anyone tried this?" not in email.body

    def test_a_removal_from_the_queue_emails_the_readable_reason(
        self, client, held_comment, member, moderator, django_capture_on_commit_callbacks
    ):
        client.force_login(moderator)
        data = {"decision": "remove", "reason": "treatment", "note": "Please talk to your IBD team first."}

        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("community:moderate_comment", args=[held_comment.pk]), data)

        [email] = mail.outbox
        assert email.to == [member.email]
        assert "Why: Advice to stop or change treatment. Please talk to your IBD team first." in email.body

    def test_emails_wait_for_the_decision_to_be_committed(
        self, held_comment, moderator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            held_comment.approve(by=moderator)

        assert mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
        assert len(mail.outbox) == 1

    def test_no_email_when_the_member_turned_them_off(
        self, held_comment, member, moderator, django_capture_on_commit_callbacks
    ):
        set_choice(member, notify_on_decision=False)

        with django_capture_on_commit_callbacks(execute=True):
            held_comment.approve(by=moderator)

        assert mail.outbox == []

    def test_no_email_for_a_deleted_account(self, article, moderator, make_comment, django_capture_on_commit_callbacks):
        comment = make_comment(article, None, "Orphaned.", status=Comment.Status.PENDING)

        with django_capture_on_commit_callbacks(execute=True):
            comment.remove(by=moderator, reason="Spam")

        assert mail.outbox == []

    def test_no_email_for_a_deactivated_account(
        self, held_comment, member, moderator, django_capture_on_commit_callbacks
    ):
        member.is_active = False
        member.save()

        with django_capture_on_commit_callbacks(execute=True):
            held_comment.approve(by=moderator)

        assert mail.outbox == []

    def test_approving_a_visible_reported_comment_sends_nothing(
        self, article, member, second_member, moderator, make_comment, django_capture_on_commit_callbacks
    ):
        comment = make_comment(article, member)
        comment.report(by=second_member, reason=Report.Reason.SPAM)

        with django_capture_on_commit_callbacks(execute=True):
            comment.approve(by=moderator)

        assert mail.outbox == []


class TestReplyEmails:
    def test_a_visible_reply_emails_the_author_of_the_comment_replied_to(
        self, article, member, second_member, regular, make_comment, django_capture_on_commit_callbacks
    ):
        parent = make_comment(article, member, "Has anyone tried this?")

        with django_capture_on_commit_callbacks(execute=True):
            reply, _ = Comment.post(
                article=article, author=regular(second_member), body="Yes, it helped.", parent=parent
            )

        [email] = mail.outbox
        assert email.to == [member.email]
        assert email.subject == "New reply to your comment on IBD Movement"
        assert f"{SITE_URL}{reverse('community:comment', args=[reply.pk])}" in email.body
        assert second_member.email not in email.body
        assert "Sam" in email.body

    def test_the_subject_never_carries_the_repliers_display_name(
        self, article, member, second_member, regular, make_comment, django_capture_on_commit_callbacks
    ):
        second_member.profile.display_name = "Visit cure-ibd.example"
        second_member.profile.save()
        parent = make_comment(article, member, "Has anyone tried this?")

        with django_capture_on_commit_callbacks(execute=True):
            Comment.post(article=article, author=regular(second_member), body="Yes, it helped.", parent=parent)

        [email] = mail.outbox
        assert email.subject == "New reply to your comment on IBD Movement"
        assert "cure-ibd.example" not in email.subject

    def test_a_held_reply_emails_only_once_approved(
        self, article, member, second_member, moderator, make_comment, django_capture_on_commit_callbacks
    ):
        parent = make_comment(article, member, "Has anyone tried this?")
        with django_capture_on_commit_callbacks(execute=True):
            reply, _ = Comment.post(article=article, author=second_member, body="Yes, it helped.", parent=parent)
        assert reply.status == Comment.Status.PENDING
        assert mail.outbox == []

        with django_capture_on_commit_callbacks(execute=True):
            reply.approve(by=moderator)

        assert sorted((email.to[0], email.subject) for email in mail.outbox) == [
            (member.email, "New reply to your comment on IBD Movement"),
            (second_member.email, "Your comment is now published"),
        ]

    def test_no_email_for_replying_to_yourself(
        self, article, member, regular, make_comment, django_capture_on_commit_callbacks
    ):
        parent = make_comment(article, regular(member), "Has anyone tried this?")

        with django_capture_on_commit_callbacks(execute=True):
            Comment.post(article=article, author=member, body="Update: it worked for me.", parent=parent)

        assert mail.outbox == []

    def test_no_email_when_the_member_turned_them_off(
        self, article, member, second_member, regular, make_comment, django_capture_on_commit_callbacks
    ):
        set_choice(member, notify_on_reply=False)
        parent = make_comment(article, member, "Has anyone tried this?")

        with django_capture_on_commit_callbacks(execute=True):
            Comment.post(article=article, author=regular(second_member), body="Yes, it helped.", parent=parent)

        assert mail.outbox == []

    def test_no_email_when_the_comment_replied_to_has_no_author(
        self, article, second_member, regular, make_comment, django_capture_on_commit_callbacks
    ):
        parent = make_comment(article, None, "From an account since deleted.")

        with django_capture_on_commit_callbacks(execute=True):
            Comment.post(article=article, author=regular(second_member), body="Yes, it helped.", parent=parent)

        assert mail.outbox == []

    def test_a_removed_reply_emails_only_its_author(
        self, article, member, second_member, moderator, make_comment, django_capture_on_commit_callbacks
    ):
        parent = make_comment(article, member, "Has anyone tried this?")
        reply = make_comment(article, second_member, "Buy my cure.", parent=parent, status=Comment.Status.PENDING)

        with django_capture_on_commit_callbacks(execute=True):
            reply.remove(by=moderator, reason="Spam")

        assert [email.to for email in mail.outbox] == [[second_member.email]]
