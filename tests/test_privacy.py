"""The privacy notice: public, plain, and true to what the site does."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(client):
    response = client.get(reverse("community:privacy"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_is_linked_from_every_page(client):
    assert f'href="{reverse("community:privacy")}"' in client.get(reverse("articles:home")).content.decode()


def test_it_has_one_heading_and_a_lede(content):
    assert content.count("<h1") == 1
    assert 'class="lede"' in content


def test_it_says_what_we_keep(content):
    for item in ["email address", "display name", "bio", "comments"]:
        assert item in content


def test_it_says_the_email_address_is_never_shown(content):
    assert "never see your email address" in content


def test_it_says_ip_addresses_are_not_stored(content):
    assert "We don't store IP addresses" in content or "We don&#x27;t store IP addresses" in content
    assert "salted hash" in content
    assert "an hour at most" in content


def test_it_names_the_only_cookies_and_rules_out_tracking(content):
    assert "session cookie" in content
    assert "CSRF" in content
    assert "no analytics" in content


def test_it_explains_download_and_deletion(content):
    assert "Download my data" in content
    assert "Delete my account" in content
    assert "nobody has replied to are deleted" in content
    assert "replaced by a" in content


def test_it_gives_the_contact_address_from_settings(client, settings):
    settings.CONTACT_EMAIL = "privacy@ibdmovement.example"
    content = client.get(reverse("community:privacy")).content.decode()
    assert 'href="mailto:privacy@ibdmovement.example"' in content


@pytest.mark.django_db
def test_flash_messages_set_no_cookie_of_their_own(client, member):
    client.force_login(member)

    response = client.post(reverse("community:profile"), {"display_name": "Maya Q", "bio": ""})

    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "saved" in client.get(response.url).content.decode().lower()


def test_moderators_records_no_longer_point_to_a_member_who_deleted_their_account(
    client, member, second_member, moderator, password, make_article, make_comment
):
    from community.models import Comment, ModerationLog, ModerationWord, Profile, Report
    from community.models.members import SCRUBBED_NOTE

    article = make_article()
    removed = make_comment(article, member, body="Call me on 07700 900123")
    answered = make_comment(article, member, body="Has anyone tried this?")
    make_comment(article, second_member, body="Yes, it helped me.", parent=answered)
    removed.remove(by=moderator, reason="Maya (maya@example.org) posted her phone number again")
    answered.report(by=second_member, reason=Report.Reason.OTHER, note="Maya is my neighbour, she is ill")
    member.profile.suspend(by=moderator, reason="MAYA keeps posting her number; username maya")
    sams = make_comment(article, second_member, body="An advert.")
    sams.remove(by=moderator, reason="Same advert as Maya's, see maya@example.org. Mayan calendar is fine.")
    second_member.profile.suspend(by=moderator, reason="Sock puppet of Maya")
    ModerationWord.objects.create(phrase="07700", note="Added after Maya posted numbers")
    entries = ModerationLog.objects.count()

    client.force_login(member)
    client.post(reverse("community:delete_account"), {"password": password})

    assert ModerationLog.objects.count() == entries  # the records stay...
    notes = [
        *ModerationLog.objects.values_list("reason", flat=True),
        *Comment.objects.values_list("decision_reason", flat=True),
        *Report.objects.values_list("note", flat=True),
        *Profile.objects.values_list("suspended_reason", flat=True),
        *ModerationWord.objects.values_list("note", flat=True),
    ]
    for note in notes:  # ...but none of them points to her
        assert "maya" not in note.lower().replace("mayan", ""), note
    assert ModerationLog.objects.filter(action="suspended", reason=SCRUBBED_NOTE, member=None).exists()
    assert Report.objects.get(comment=answered).note == SCRUBBED_NOTE
    assert Comment.objects.get(pk=sams.pk).decision_reason == (
        "Same advert as [a former member]'s, see [a former member]. Mayan calendar is fine."
    )
    assert Profile.objects.get(user=second_member).suspended_reason == "Sock puppet of [a former member]"
    assert ModerationWord.objects.get(phrase="07700").note == "Added after [a former member] posted numbers"


def test_it_promises_that_moderators_notes_no_longer_point_to_a_deleted_member(content):
    assert "notes about you and your comments are removed" in content


def test_it_says_a_new_address_is_kept_only_until_the_change_is_confirmed(content):
    assert "the new address until you confirm the change" in content
