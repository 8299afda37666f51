"""Members share one copy of an article page, with their own parts put in for each request (issue 13).

Maya, the first member, has a held comment (with its edit link), a saved question and follows the
discussion; Sam, the second, has none of these. Whichever of them loads the page first, neither ever
sees the other's parts, and each page's CSRF tokens are its own member's.

What a member's parts read of their own state (their saved questions, follows, unread notifications and
whether the thread holds anything of theirs) is kept by each worker for their own parts version
(community.models.own_parts): whatever they or others do that changes it shows on their next load.
"""

import re

import pytest
from django.db import connection, reset_queries
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Comment, Follow, Notification, SavedQuestion

HELD_BODY = "Maya's held comment, for the moderators only."


@pytest.fixture
def article(make_article, make_question):
    article = make_article(headline="Gut bacteria linked to longer remission", slug="gut-bacteria-remission")
    make_question(article, text="Could this diet suit me?", position=0)
    make_question(article, text="Should I change my medicine?", position=1)
    return article


@pytest.fixture
def mayas_parts(article, member, make_comment):
    """Maya's own parts of the page: a held comment she may still edit, a saved question, a followed discussion."""
    held = make_comment(article, member, body=HELD_BODY, status=Comment.Status.PENDING)
    question = article.questions.first()
    SavedQuestion.objects.create(
        user=member, question=question, article=article, article_headline=article.headline, text=question.text
    )
    Follow.objects.create(member=member, article=article)
    return held


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def queries_for(client, article):
    """The queries one load of the page makes (each request starts the connection's log afresh)."""
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        page(client, article)
    return len(queries)


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def csrf_secrets(content):
    """The secrets behind every CSRF token on a page."""
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert tokens
    return {_unmask_cipher_token(token) for token in tokens}


def shows_mayas_parts(content, held):
    return {
        "held comment": HELD_BODY in content,
        "edit link": reverse("community:edit_comment", args=[held.pk]) in content,
        "saved question": "Saved to <a" in content,
        "following": "You're following this discussion" in content,
        "name": "Maya" in content,
    }


@pytest.mark.parametrize("first", ["member", "second_member"])
def test_no_member_sees_anothers_parts_whoever_loads_first(request, article, mayas_parts, first):
    maya, sam = client_for(request.getfixturevalue("member")), client_for(request.getfixturevalue("second_member"))
    order = [maya, sam] if first == "member" else [sam, maya]
    pages = {id(client): page(client, article) for client in order}
    mayas, sams = pages[id(maya)], pages[id(sam)]

    assert all(shows_mayas_parts(mayas, mayas_parts).values())
    assert not any(shows_mayas_parts(sams, mayas_parts).values())
    assert "Follow this discussion" in sams
    assert csrf_secrets(mayas) == {maya.cookies["csrftoken"].value}
    assert csrf_secrets(sams) == {sam.cookies["csrftoken"].value}


def test_every_form_on_a_members_page_carries_their_token(article, member):
    client = client_for(member)
    content = page(client, article)

    forms = re.findall(r'<form[^>]* method="post".*?</form>', content, re.S)
    assert len(forms) >= 4  # log out, save questions, follow, comment
    for form in forms:
        assert csrf_secrets(form) == {client.cookies["csrftoken"].value}


def test_members_share_the_article_as_readers_see_it_but_for_the_save_buttons(client, article, member):
    def article_part(content):
        shown = re.search(r'<article class="article">.*?</article>', content, re.S).group()
        return re.sub(r'<section class="questions".*?</section>', "", shown, flags=re.S)

    readers = article_part(page(client, article))

    assert article_part(page(client_for(member), article)) == readers


def test_a_comment_approved_edited_or_removed_shows_on_the_next_load(article, mayas_parts, second_member, moderator):
    sam = client_for(second_member)
    assert HELD_BODY not in page(sam, article)

    mayas_parts.approve(by=moderator)
    assert HELD_BODY in page(sam, article)

    mayas_parts.edit("Maya's comment, edited after it was approved.")
    assert "edited after it was approved" in page(sam, article)

    mayas_parts.refresh_from_db()
    mayas_parts.remove(by=moderator, reason="Off topic")
    content = page(sam, article)
    assert "edited after it was approved" not in content
    assert "Maya" not in content


def test_a_members_own_comment_shows_to_them_at_once(article, member, second_member):
    maya, sam = client_for(member), client_for(second_member)
    page(maya, article), page(sam, article)

    maya.post(reverse("community:post_comment", args=[article.slug]), {"body": "My first thoughts on this."})

    assert "My first thoughts on this." in page(maya, article)
    assert "My first thoughts on this." not in page(sam, article)


def test_the_page_costs_the_same_however_many_comments_and_less_the_second_time(
    article, member, second_member, make_member, make_comment, django_assert_max_num_queries
):
    sam = client_for(second_member)
    make_comment(article, member, body="The first comment.")
    first, second = queries_for(sam, article), queries_for(sam, article)
    assert 0 < second < first

    authors = [make_member() for _ in range(5)]
    for n in range(60):
        make_comment(article, authors[n % 5], body=f"Comment {n}")
    page(sam, article)  # the new version's copy, drawn once

    reset_queries()
    with django_assert_max_num_queries(second):
        content = page(sam, article)
    assert content.count('<article class="comment') == 20
    assert "Comments page 1 of 4" in content


def test_a_moderator_still_sees_their_controls_and_members_never_do(article, mayas_parts, moderator, second_member):
    sam = client_for(second_member)
    before = page(sam, article)

    moderators = page(client_for(moderator), article)
    after = page(sam, article)

    assert HELD_BODY in moderators
    assert reverse("community:moderate_comment", args=[mayas_parts.pk]) in moderators
    assert "css/pages" in moderators
    for content in (before, after):
        assert reverse("community:moderate_comment", args=[mayas_parts.pk]) not in content
        assert "css/pages" not in content
        assert HELD_BODY not in content


def test_signed_out_readers_page_is_unchanged_by_members_visits(client, article, mayas_parts, member):
    page(client_for(member), article)

    content = page(client, article)

    assert "Log in</a>" in content
    assert "Log out" not in content
    assert "csrfmiddlewaretoken" not in content
    assert not any(shows_mayas_parts(content, mayas_parts).values())
    assert page(client, article) == content
    assert queries_for(client, article) == 0


def test_a_comment_written_like_a_marker_stays_text_on_members_pages(article, member, second_member, make_comment):
    hostile = "<!--personal-part:0123abcd:articles/_questions.html--> <script>alert('x')</script>"
    make_comment(article, second_member, body=hostile)

    content = page(client_for(member), article)

    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(" in content
    assert "&lt;!--personal-part:0123abcd:articles/_questions.html--&gt;" in content


def unread_shown(content):
    """The unread count in the header, 0 when none is shown."""
    found = re.search(r'class="notifications-link__count">(\d+)<', content)
    return int(found.group(1)) if found else 0


def test_a_members_page_costs_the_session_and_the_member_while_their_parts_stay(
    article, mayas_parts, second_member, django_assert_max_num_queries
):
    sam = client_for(second_member)
    page(sam, article)

    reset_queries()
    with django_assert_max_num_queries(2):
        content = page(sam, article)

    assert "Follow this discussion" in content
    assert not any(shows_mayas_parts(content, mayas_parts).values())


def test_a_question_saved_or_removed_shows_on_the_next_load(article, member, second_member):
    maya, sam = client_for(member), client_for(second_member)
    question = article.questions.first()
    assert "Saved to <a" not in page(maya, article) + page(sam, article)

    maya.post(reverse("community:save_question", args=[question.pk]))
    assert page(maya, article).count("Saved to <a") == 1
    assert "Saved to <a" not in page(sam, article)

    maya.post(reverse("community:remove_question", args=[SavedQuestion.objects.get(user=member).pk]))
    assert "Saved to <a" not in page(maya, article)


def test_following_or_not_shows_on_the_next_load(article, member, second_member):
    maya, sam = client_for(member), client_for(second_member)
    assert "Follow this discussion" in page(maya, article)

    maya.post(reverse("community:follow_discussion", args=[article.slug]), {"action": "follow"})
    assert "You're following this discussion" in page(maya, article)
    assert "You're following this discussion" not in page(sam, article)

    maya.post(reverse("community:follow_discussion", args=[article.slug]), {"action": "unfollow"})
    assert "Follow this discussion" in page(maya, article)


def test_notifications_show_in_the_count_on_the_next_load_and_go_when_read(article, member, second_member, moderator):
    maya, sam = client_for(member), client_for(second_member)
    Follow.start(member, article)
    assert unread_shown(page(maya, article)) == unread_shown(page(sam, article)) == 0

    sam.post(reverse("community:post_comment", args=[article.slug]), {"body": "My first comment, held."})
    held = Comment.objects.get(author=second_member)
    assert held.status == Comment.Status.PENDING
    assert "My first comment, held." in page(sam, article)  # with the message about it
    assert "My first comment, held." in page(sam, article)  # and once it is read
    held.approve(by=moderator)  # Maya is told of a new comment she follows; Sam that his is published

    assert unread_shown(page(maya, article)) == 1
    assert unread_shown(page(sam, article)) == 1
    maya.post(reverse("community:mark_notifications_read"))
    assert unread_shown(page(maya, article)) == 0
    assert unread_shown(page(sam, article)) == 1

    held.refresh_from_db()
    held.remove(by=moderator, reason="Off topic")  # Sam is told; what Maya was told of is taken back
    assert unread_shown(page(sam, article)) == 2
    Notification.objects.filter(recipient=second_member).mark_read()
    assert unread_shown(page(sam, article)) == 0


def test_a_notice_taken_back_leaves_the_count_on_the_next_load(article, member, second_member, moderator):
    maya = client_for(member)
    Follow.start(member, article)
    comment, _ = Comment.post(article=article, author=second_member, body="A first comment, held for review.")
    comment.approve(by=moderator)
    assert unread_shown(page(maya, article)) == 1

    comment.refresh_from_db()
    comment.remove(by=moderator, reason="Off topic")

    assert unread_shown(page(maya, article)) == 0


def test_a_report_shows_on_the_next_load(article, member, second_member, make_comment):
    comment = make_comment(article, second_member, body="A comment Maya finds unkind.")
    maya = client_for(member)
    assert "comment__reported" not in page(maya, article)

    maya.post(reverse("community:report_comment", args=[comment.pk]), {"reason": "abuse"})

    assert "comment__reported" in page(maya, article)  # with the message that thanks her, in the comment
    assert "comment__reported" in page(maya, article)  # and once it is read
    assert "comment__reported" not in page(client_for(second_member), article)
