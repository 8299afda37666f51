"""A hostile comment body is inert on every page that shows it, not only the article."""

import pytest
from django.test import Client

from community.models import Comment

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a>'


@pytest.fixture
def hostile(make_article, make_comment, member):
    return make_comment(make_article(), member, body=HOSTILE, status=Comment.Status.PENDING)


def assert_inert(html):
    """Shown as text, escaped: no live script, image handler or javascript: link."""
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert '<a href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_inert_in_the_moderation_queue(client, moderator, hostile):
    client.force_login(moderator)

    assert_inert(client.get("/moderation/").content.decode())


def test_inert_in_the_admin_list(client, moderator, hostile):
    client.force_login(moderator)

    assert_inert(client.get("/admin/community/comment/").content.decode())


def test_inert_on_the_community_page_and_in_reply_quotes(moderator, second_member, hostile):
    hostile.approve(by=moderator)
    assert_inert(Client().get("/community/").content.decode())
    replier = Client()
    replier.force_login(second_member)

    response = replier.get(f"/comments/{hostile.pk}/reply/")

    assert response.status_code == 200
    assert_inert(response.content.decode())
