"""
Safeguarding: a comment whose words suggest its author may be at risk (self-harm, suicide, a medical
emergency) is held as urgent, goes to the top of the moderation queue, every moderator is emailed at
once, and its author sees the support contacts straight away. Moderators decide on it from the
article's thread as well as from the queue; nobody else ever sees those controls.
"""

import logging
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from community.models import Comment, CommunitySettings, ModerationLog, SafeguardingPhrase
from community.models.safeguarding import is_urgent

URGENT_TEXT = "Honestly some nights I want to kill myself, the pain never stops."
URGENT_MESSAGE = "Thank you for sharing this with us. A moderator will read your comment soon"
SUPPORT_HEADING = "Support is here if you need it"
QUEUE_URL = reverse("community:moderation_queue")
PHRASES_URL = "/admin/community/safeguardingphrase/"
SETTINGS_URL = "/admin/community/communitysettings/1/change/"


@pytest.fixture
def article(make_article):
    return make_article(headline="Gut bacteria linked to longer remission", slug="gut-bacteria-remission")


@pytest.fixture
def trusted(trusted_member):
    """Maya, whose next comments publish at once unless something holds them."""
    return trusted_member


@pytest.fixture
def as_trusted(client, trusted):
    client.force_login(trusted)
    return client


@pytest.fixture
def second_moderator(make_member):
    return make_member(is_staff=True, group="Moderators")


def post(client, article, body, follow=False, **data):
    return client.post(f"/articles/{article.slug}/comments/", {"body": body, **data}, follow=follow)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def urgent_comment(article, author, make_comment, body=URGENT_TEXT):
    return make_comment(article, author, body, status=Comment.Status.PENDING, hold_reason=Comment.HoldReason.URGENT)


def comment_block(content, comment):
    match = re.search(rf'<article class="comment[^"]*" id="comment-{comment.pk}".*?</article>', content, re.S)
    assert match, f"comment {comment.pk} is not on the page"
    return match.group()


# Matching


@pytest.mark.django_db
class TestMatching:
    @pytest.mark.parametrize(
        "text",
        [
            "I want to kill myself",
            "I WANT TO KILL MYSELF",
            "i could kil myself tonight",
            "some days I think I'll k1ll my self",
            "Feeling suicidal again",
            "feeling suicidel and alone",
            "having sucidal thoughts",
            "SÜICIDAL",
            "I've been self-harming again",
            "selfharm is back",
            "I just want to die",
            "Everyone would be better off without me.",
            "I don\u2019t want to live like this",
            "I can't go on anymore",
            "I took an overdose last night",
            "Heavy bleeding since this morning",
            "I'm bleeding heavily and dizzy",
            "the bleeding won't stop",
            "Severe abdominal pain and a high fever since yesterday",
            "high fever and severe pain",
            "I'm vomiting blood",
        ],
    )
    def test_it_finds_phrases_plain_misspelt_and_in_any_case(self, text):
        assert is_urgent(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Some bleeding again this week, my UC is flaring.",
            "Bleeding on and off, and cramps.",
            "I'm dying to try that recipe!",
            "Something to kill the pain would be nice.",
            "This pain is killing me.",
            "I'd kill for a decent night's sleep.",
            "I nearly died laughing at the nurse's joke.",
            "No heavy bleeding this time, thankfully.",
            "I'm not suicidal, just very tired.",
            "I hurt myself at the gym.",
            "I walked the kilometres myself.",
            "I can't go on holiday this year.",
            "Pain and fever last week, better now.",
            "Blood in my stool, bleeding, cramps: the usual flare.",
        ],
    )
    def test_common_ibd_talk_and_idioms_are_not_urgent(self, text):
        assert not is_urgent(text)

    def test_the_longest_comment_is_checked_in_well_under_a_second(self):
        text = " ".join(f"word{n} colitis bleeding flare" for n in range(200))[:3000]

        started = time.perf_counter()
        assert not is_urgent(text)
        assert time.perf_counter() - started < 0.5

    def test_a_phrase_a_moderator_adds_counts_at_once(self):
        assert not is_urgent("My stoma is bleeding a lot")

        SafeguardingPhrase.objects.create(phrase="Stoma  bleeding", kind=SafeguardingPhrase.Kind.MEDICAL)

        assert is_urgent("My stoma is bleeding a lot") is False  # words in between need words_between
        SafeguardingPhrase.objects.filter(phrase="stoma bleeding").update(words_between=1)
        assert is_urgent("My stoma is bleeding a lot")

    def test_a_word_ending_in_a_star_matches_any_ending(self):
        SafeguardingPhrase.objects.create(phrase="unbearabl*", kind=SafeguardingPhrase.Kind.MEDICAL)

        assert is_urgent("The pain is unbearably bad")
        assert not is_urgent("The pain is bearable")


# Holding


@pytest.mark.django_db
class TestHold:
    def test_a_matching_comment_is_held_as_urgent_even_from_a_trusted_member(self, as_trusted, article):
        post(as_trusted, article, URGENT_TEXT)

        comment = Comment.objects.get(article=article)
        assert comment.status == Comment.Status.PENDING
        assert comment.hold_reason == Comment.HoldReason.URGENT
        assert comment.get_hold_reason_display() == "Urgent: may need support"
        article.refresh_from_db()
        assert article.comment_count == 0

    def test_a_comment_without_a_phrase_still_publishes(self, as_trusted, article):
        post(as_trusted, article, "Some bleeding this week, but the new drug is helping.")

        assert Comment.objects.get(article=article).status == Comment.Status.APPROVED

    def test_a_matching_reply_is_held_as_urgent(self, as_trusted, article, second_member, make_comment):
        parent = make_comment(article, second_member, "How is everyone coping?")

        post(as_trusted, article, "Badly. I've been cutting myself again.", parent=parent.pk)

        reply = Comment.objects.get(parent=parent)
        assert (reply.status, reply.hold_reason) == (Comment.Status.PENDING, Comment.HoldReason.URGENT)

    def test_the_author_lands_on_a_kind_message_with_the_support_contacts(self, as_trusted, article):
        response = post(as_trusted, article, URGENT_TEXT, follow=True)

        content = response.content.decode()
        comment = Comment.objects.get(article=article)
        assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
        assert URGENT_MESSAGE in content
        block = comment_block(content, comment)
        assert SUPPORT_HEADING in block
        assert "A moderator will read your comment soon" in block
        for contact in ("999", "NHS 111", "Samaritans", "116 123", "24 hours"):
            assert contact in block

    def test_the_contacts_are_those_editors_keep_in_the_settings(self, as_trusted, article):
        rules = CommunitySettings.load()
        rules.support_contacts = "Call **Lifeline Test** on 0800 000 000."
        rules.save()

        content = post(as_trusted, article, URGENT_TEXT, follow=True).content.decode()

        assert "<strong>Lifeline Test</strong> on 0800 000 000" in content
        assert "Samaritans" not in content

    def test_only_the_author_sees_the_support_contacts(self, client, article, member, second_member, make_comment):
        comment = urgent_comment(article, member, make_comment)

        for viewer in (client, logged_in(second_member)):
            content = viewer.get(article.get_absolute_url()).content.decode()
            assert SUPPORT_HEADING not in content
            assert URGENT_TEXT not in content
        assert SUPPORT_HEADING in comment_block(
            logged_in(member).get(article.get_absolute_url()).content.decode(), comment
        )

    def test_a_comment_held_for_another_reason_shows_no_contacts(self, client, member, article):
        client.force_login(member)  # a new member: the first comment is held, but not as urgent

        response = post(client, article, "Has anyone tried this drug?", follow=True)

        assert Comment.objects.get(article=article).hold_reason == Comment.HoldReason.NEW_MEMBER
        assert SUPPORT_HEADING not in response.content.decode()
        assert URGENT_MESSAGE not in response.content.decode()

    def test_editing_a_comment_to_add_a_phrase_holds_it_as_urgent(
        self, as_trusted, trusted, article, make_comment, moderator
    ):
        comment = make_comment(article, trusted, "A rough week.")

        response = as_trusted.post(reverse("community:edit_comment", args=[comment.pk]), {"body": URGENT_TEXT})
        page = as_trusted.get(response["Location"]).content.decode()

        comment.refresh_from_db()
        assert (comment.status, comment.hold_reason) == (Comment.Status.PENDING, Comment.HoldReason.URGENT)
        assert URGENT_MESSAGE in page
        assert SUPPORT_HEADING in page
        assert [message.to for message in mail.outbox] == [[moderator.email]]

    def test_editing_a_comment_held_for_another_reason_makes_it_urgent(self, client, member, article, moderator):
        client.force_login(member)
        post(client, article, "Has anyone tried this drug?")
        comment = Comment.objects.get(article=article)

        client.post(reverse("community:edit_comment", args=[comment.pk]), {"body": "I feel suicidal."})

        comment.refresh_from_db()
        assert comment.hold_reason == Comment.HoldReason.URGENT
        assert len(mail.outbox) == 1

    def test_editing_an_urgent_comment_again_sends_no_second_alert(self, as_trusted, article, moderator):
        post(as_trusted, article, URGENT_TEXT)
        comment = Comment.objects.get(article=article)

        as_trusted.post(reverse("community:edit_comment", args=[comment.pk]), {"body": URGENT_TEXT + " Sorry."})

        comment.refresh_from_db()
        assert comment.is_urgent
        assert len(mail.outbox) == 1


# The moderation queue and the alert


@pytest.mark.django_db
class TestQueueAndAlert:
    def test_urgent_comments_come_first_in_the_queue_marked(
        self, article, member, second_member, make_comment, moderator
    ):
        older = make_comment(article, second_member, "Held first.", status=Comment.Status.PENDING, hold_reason="links")
        urgent = urgent_comment(article, member, make_comment)

        response = logged_in(moderator).get(QUEUE_URL)

        assert [comment for comment, _ in response.context["items"]] == [urgent, older]
        content = response.content.decode()
        assert f'class="queue-item queue-item--urgent" id="comment-{urgent.pk}"' in content
        assert "Urgent: may need support." in content
        assert f'class="queue-item" id="comment-{older.pk}"' in content

    def test_an_urgent_comment_once_approved_is_no_longer_marked(self, article, member, make_comment, moderator):
        comment = urgent_comment(article, member, make_comment)
        comment.approve(by=moderator)

        assert not comment.is_urgent

    def test_every_moderator_gets_one_email_with_a_link_and_no_text(
        self, settings, as_trusted, trusted, article, moderator, second_moderator, editor, second_member
    ):
        post(as_trusted, article, URGENT_TEXT)

        assert sorted(message.to[0] for message in mail.outbox) == sorted([moderator.email, second_moderator.email])
        for message in mail.outbox:
            assert message.subject == "Urgent: a comment may need support"
            assert f"{settings.SITE_URL.rstrip('/')}/moderation/" in message.body
            assert "kill" not in message.body.lower()
            assert URGENT_TEXT not in message.body
            assert "Maya" not in message.body
            assert trusted.email not in message.body

    def test_a_moderator_with_no_address_or_inactive_gets_nothing(self, as_trusted, article, moderator):
        moderator.is_active = False
        moderator.save()

        post(as_trusted, article, URGENT_TEXT)

        assert mail.outbox == []
        assert Comment.objects.get(article=article).is_urgent

    def test_nothing_but_the_comment_id_is_logged(self, as_trusted, trusted, article, moderator, caplog):
        with caplog.at_level(logging.DEBUG):
            post(as_trusted, article, URGENT_TEXT)

        comment = Comment.objects.get(article=article)
        assert f"comment {comment.pk} held as urgent" in caplog.text
        assert "kill" not in caplog.text.lower()
        assert "myself" not in caplog.text
        assert "@" not in caplog.text
        assert "Maya" not in caplog.text
        assert ModerationLog.objects.count() == 0


# Deciding from the article's thread


@pytest.mark.django_db
class TestThreadControls:
    @pytest.fixture
    def urgent(self, article, member, make_comment):
        return urgent_comment(article, member, make_comment)

    def test_a_moderator_sees_the_held_comment_with_the_decisions(self, article, urgent, moderator, member):
        content = logged_in(moderator).get(article.get_absolute_url()).content.decode()

        block = comment_block(content, urgent)
        assert URGENT_TEXT in block
        assert "Urgent" in block and "its author may need support" in block
        assert f'action="{reverse("community:moderate_comment", args=[urgent.pk])}"' in block
        assert 'value="approve"' in block and 'value="remove"' in block
        assert f'href="{reverse("community:moderation_member", args=[member.pk])}"' in block
        assert 'name="csrfmiddlewaretoken"' in block
        assert SUPPORT_HEADING not in block

    def test_approving_from_the_thread_publishes_it_and_returns_to_the_article(self, article, urgent, moderator):
        client = logged_in(moderator)
        next_url = f"{article.get_absolute_url()}#comment-{urgent.pk}"

        response = client.post(
            reverse("community:moderate_comment", args=[urgent.pk]), {"decision": "approve", "next": next_url}
        )

        assert response["Location"] == next_url
        urgent.refresh_from_db()
        assert urgent.status == Comment.Status.APPROVED
        assert URGENT_TEXT in Client().get(article.get_absolute_url()).content.decode()

    def test_removing_from_the_thread_keeps_the_reason(self, article, urgent, moderator):
        data = {"decision": "remove", "reason": "other", "note": "Moved to private support.", "next": "/"}

        logged_in(moderator).post(reverse("community:moderate_comment", args=[urgent.pk]), data)

        urgent.refresh_from_db()
        assert (urgent.status, urgent.decision_reason) == (Comment.Status.REMOVED, "Moved to private support.")

    def test_the_record_link_opens_the_members_record(self, article, urgent, moderator, member):
        response = logged_in(moderator).get(reverse("community:moderation_member", args=[member.pk]))

        assert response.status_code == 200
        assert response.context["member"] == member

    def test_approved_comments_carry_removal_and_the_record_for_moderators(
        self, article, second_member, make_comment, moderator
    ):
        comment = make_comment(article, second_member, "Approved words.")

        block = comment_block(logged_in(moderator).get(article.get_absolute_url()).content.decode(), comment)

        assert 'value="remove"' in block
        assert 'value="approve"' not in block

    @pytest.mark.parametrize("who", ["anonymous", "member", "second_member", "editor"])
    def test_nobody_else_sees_the_controls_or_the_held_text(self, request, article, urgent, second_member, who):
        make_comment = request.getfixturevalue("make_comment")
        approved = make_comment(article, second_member, "An approved comment.")
        client = Client() if who == "anonymous" else logged_in(request.getfixturevalue(who))

        content = client.get(article.get_absolute_url()).content.decode()

        assert "comment-moderation" not in content
        assert reverse("community:moderate_comment", args=[approved.pk]) not in content
        assert reverse("community:moderate_comment", args=[urgent.pk]) not in content
        if who != "member":
            assert URGENT_TEXT not in content

    @pytest.mark.parametrize("moderator_first", [True, False])
    def test_the_moderators_copy_never_reaches_the_shared_or_cached_pages(
        self, article, urgent, moderator, second_member, make_comment, moderator_first
    ):
        make_comment(article, second_member, "An approved comment.")
        url = article.get_absolute_url()
        if moderator_first:
            assert "comment-moderation" in logged_in(moderator).get(url).content.decode()
        reader, member = Client(), logged_in(second_member)
        for _ in range(2):  # the second time from the caches, if any
            for client in (reader, member):
                content = client.get(url).content.decode()
                assert "comment-moderation" not in content
                assert URGENT_TEXT not in content
        assert "comment-moderation" in logged_in(moderator).get(url).content.decode()
        for client in (reader, member):
            assert "comment-moderation" not in client.get(url).content.decode()

    def test_a_moderator_who_owes_the_second_factor_sees_no_controls(self, settings, article, urgent, moderator):
        settings.STAFF_TWO_FACTOR = True

        content = logged_in(moderator).get(article.get_absolute_url()).content.decode()

        assert "comment-moderation" not in content
        assert URGENT_TEXT not in content

    @pytest.mark.parametrize("who", ["member", "second_member", "editor"])
    def test_others_posting_a_decision_change_nothing(self, request, urgent, who):
        client = logged_in(request.getfixturevalue(who))

        response = client.post(reverse("community:moderate_comment", args=[urgent.pk]), {"decision": "approve"})

        assert response.status_code == 403
        urgent.refresh_from_db()
        assert urgent.is_urgent

    def test_anonymous_decisions_are_sent_to_log_in(self, client, urgent):
        response = client.post(reverse("community:moderate_comment", args=[urgent.pk]), {"decision": "approve"})

        assert response.status_code == 302
        assert "/account/login/" in response["Location"]
        urgent.refresh_from_db()
        assert urgent.is_urgent

    def test_a_forged_comment_id_is_404_and_a_forged_return_stays_on_the_site(self, urgent, moderator):
        client = logged_in(moderator)

        missing = client.post(reverse("community:moderate_comment", args=[urgent.pk + 1000]), {"decision": "approve"})
        offsite = client.post(
            reverse("community:moderate_comment", args=[urgent.pk]),
            {"decision": "approve", "next": "https://evil.example/"},
        )

        assert missing.status_code == 404
        assert offsite["Location"] == QUEUE_URL

    def test_a_forged_member_id_is_404(self, moderator, db):
        response = logged_in(moderator).get(reverse("community:moderation_member", args=[99999]))

        assert response.status_code == 404


# Admin


@pytest.mark.django_db
class TestAdmin:
    def test_the_migration_seeds_phrases_of_both_kinds(self):
        kinds = set(SafeguardingPhrase.objects.values_list("kind", flat=True))
        assert kinds == {SafeguardingPhrase.Kind.SELF_HARM, SafeguardingPhrase.Kind.MEDICAL}
        assert SafeguardingPhrase.objects.filter(phrase="heavy bleeding").exists()
        assert not SafeguardingPhrase.objects.filter(phrase="bleeding").exists()

    def test_a_moderator_without_superuser_rights_keeps_the_list(self, moderator):
        assert not moderator.is_superuser
        client = logged_in(moderator)

        assert client.get(PHRASES_URL).status_code == 200
        response = client.post(
            f"{PHRASES_URL}add/", {"phrase": "Stoma  Bleeding", "kind": "medical", "words_between": 2, "note": ""}
        )
        assert response.status_code == 302
        phrase = SafeguardingPhrase.objects.get(phrase="stoma bleeding")
        assert phrase.words_between == 2

        client.post(
            f"{PHRASES_URL}{phrase.pk}/change/",
            {"phrase": "stoma bleeding", "kind": "medical", "words_between": 1, "note": "Seen in the forum."},
        )
        phrase.refresh_from_db()
        assert (phrase.words_between, phrase.note) == (1, "Seen in the forum.")

        client.post(f"{PHRASES_URL}{phrase.pk}/delete/", {"post": "yes"})
        assert not SafeguardingPhrase.objects.filter(pk=phrase.pk).exists()

    def test_more_words_between_than_five_are_refused(self, moderator):
        response = logged_in(moderator).post(
            f"{PHRASES_URL}add/", {"phrase": "x y", "kind": "medical", "words_between": 9}
        )

        assert response.status_code == 200
        assert not SafeguardingPhrase.objects.filter(phrase="x y").exists()

    def test_members_and_editors_cannot_change_the_list(self, member, editor):
        assert logged_in(member).get(PHRASES_URL).status_code == 302
        assert logged_in(editor).get(PHRASES_URL).status_code == 403
        assert logged_in(editor).post(f"{PHRASES_URL}add/", {"phrase": "x", "kind": "medical"}).status_code == 403

    def test_editors_keep_the_support_contacts_but_not_the_rules(self, editor):
        client = logged_in(editor)
        data = {"support_contacts": "Call **111**.", "hold_first_comments": 9, "max_links": 9}

        response = client.post(SETTINGS_URL, data)

        assert response.status_code == 302
        rules = CommunitySettings.load()
        assert rules.support_contacts_html == "<p>Call <strong>111</strong>.</p>"
        assert (rules.hold_first_comments, rules.max_links) == (1, 2)

    def test_the_seeded_contacts_are_rendered(self):
        html = CommunitySettings.load().support_contacts_html
        assert "Samaritans" in html and "116 123" in html and "NHS 111" in html and "999" in html

    def test_empty_contacts_fall_back_to_the_uk_ones(self):
        rules = CommunitySettings.load()
        rules.support_contacts = ""
        rules.save()

        assert "Samaritans" in CommunitySettings.load().support_contacts_html

    def test_moderators_group_has_the_rights_from_the_migration(self):
        codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
        assert {"add_safeguardingphrase", "change_safeguardingphrase", "delete_safeguardingphrase"} <= codenames
