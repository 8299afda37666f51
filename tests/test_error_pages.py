"""
The designed error pages: each says what happened in plain words, and offers a
way back. The 500 page renders without a request, so it must need nothing
from the database or the context processors.
"""

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.defaults import server_error

from articles.models import Topic


def test_an_unknown_address_gets_the_designed_404_with_topics_to_browse(client, db):
    response = client.get("/articles/no-such-article/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "<h1>We can't find that page</h1>" in content
    assert '<a href="/">Go to the latest articles</a>' in content
    for topic in Topic.objects.all():
        assert f'href="{topic.get_absolute_url()}"' in content
    assert '<meta name="robots" content="noindex">' in content


def test_a_member_refused_a_team_page_gets_the_designed_403_with_a_way_back(client, member):
    client.force_login(member)

    response = client.get("/moderation/")

    content = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Sorry, you can't see this page</h1>" in content
    assert "only for the IBD Movement team" in content
    assert '<a href="/">Go to the latest articles</a>' in content


def test_the_403_page_gives_the_reason_when_there_is_one(client, member, second_member, make_article, make_comment):
    comment = make_comment(make_article(), second_member)
    client.force_login(member)

    response = client.get(f"/comments/{comment.pk}/edit/")

    assert response.status_code == 403
    assert "You can only edit your own comments." in response.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_the_designed_csrf_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/account/login/", {"username": "maya@example.org", "password": "whatever"})

    content = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Sorry, your form couldn't be sent</h1>" in content
    assert "copy it somewhere safe first" in content
    assert "reload it" in content
    assert '<a href="/">Go to the latest articles</a>' in content
    assert '<a href="/account/login/">Log in again</a>' in content


def test_the_500_page_renders_without_the_database_and_offers_a_way_back(db):
    request = RequestFactory().get("/")

    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)

    content = response.content.decode()
    assert response.status_code == 500
    assert len(queries) == 0
    assert "<h1>Sorry, something went wrong on our side</h1>" in content
    assert '<a href="/">Go to the latest articles</a>' in content
    assert '<a href="/contact/">Contact us</a>' in content


@pytest.mark.parametrize("path", ["/articles/no-such-article/", "/moderation/"])
def test_error_pages_have_one_h1_and_the_skip_link(client, member, path):
    client.force_login(member)

    content = client.get(path).content.decode()

    assert content.count("<h1") == 1
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in content
