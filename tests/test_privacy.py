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
