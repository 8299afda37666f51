"""Writing in the discussion: posting, replying, how bodies render, editing, deleting and reporting comments."""

import re
import unicodedata
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from community.models import Comment, CommunitySettings, ModerationLog, ModerationWord, Report

HELD_MESSAGE = "Thank you: your comment will appear once a moderator has read it."
PUBLISHED_MESSAGE = "Thank you: your comment is published."
BAD_PARENT = "The comment you are replying to is no longer available."


@pytest.fixture
def article(make_article):
    return make_article(headline="Gut bacteria linked to longer remission", slug="gut-bacteria-remission")


@pytest.fixture
def other_article(make_article):
    return make_article(headline="A new blood test for Crohn's", slug="blood-test-crohns")


@pytest.fixture
def trusted(member, make_article, make_comment):
    """Maya, with an approved comment elsewhere, so her next comments publish at once."""
    make_comment(make_article(headline="An older discussion"), member, body="My first comment, approved.")
    return member


@pytest.fixture
def as_member(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def as_trusted(client, trusted):
    client.force_login(trusted)
    return client


def post(client, article, body="Thank you for explaining this so clearly.", follow=False, **data):
    return client.post(f"/articles/{article.slug}/comments/", {"body": body, **data}, follow=follow)


def page_text(response):
    return response.content.decode()


def comment_block(content, comment):
    """The <article> that shows one comment on a page."""
    match = re.search(rf'<article class="comment[^"]*" id="comment-{comment.pk}".*?</article>', content, re.S)
    assert match, f"comment {comment.pk} is not on the page"
    return match.group()


class TestPosting:
    def test_it_publishes_a_comment_and_returns_to_it(self, as_trusted, trusted, article):
        response = post(as_trusted, article, "Thank you for explaining this so clearly.")

        comment = Comment.objects.get(article=article)
        assert comment.author == trusted
        assert comment.body == "Thank you for explaining this so clearly."
        assert comment.status == Comment.Status.APPROVED
        assert comment.hold_reason == ""
        assert comment.parent is None and comment.thread is None
        assert response.status_code == 302
        assert response.url == f"/articles/gut-bacteria-remission/?posted={comment.pk}#comment-{comment.pk}"
        article.refresh_from_db()
        assert article.comment_count == 1

    def test_it_shows_the_comment_and_a_thank_you_after_the_redirect(self, as_trusted, article):
        response = post(as_trusted, article, "Thank you for explaining this so clearly.", follow=True)

        content = page_text(response)
        comment = Comment.objects.get(article=article)
        assert PUBLISHED_MESSAGE in content
        assert "Thank you for explaining this so clearly." in comment_block(content, comment)

    def test_it_holds_a_new_members_first_comment(self, as_member, article):
        response = post(as_member, article, follow=True)

        comment = Comment.objects.get(article=article)
        assert comment.status == Comment.Status.PENDING
        assert comment.hold_reason == Comment.HoldReason.NEW_MEMBER
        assert HELD_MESSAGE in page_text(response)
        article.refresh_from_db()
        assert article.comment_count == 0

    def test_a_held_comment_shows_only_to_its_author(self, as_member, second_member, article):
        post(as_member, article, "Waiting for a moderator to read this.")
        comment = Comment.objects.get(article=article)

        own = page_text(as_member.get(article.get_absolute_url()))
        anonymous = page_text(Client().get(article.get_absolute_url()))
        other = Client()
        other.force_login(second_member)
        others = page_text(other.get(article.get_absolute_url()))

        assert "Only you can see this comment until a moderator has read it." in comment_block(own, comment)
        assert "Waiting for a moderator to read this." in own
        for content in [anonymous, others]:
            assert "Waiting for a moderator to read this." not in content
            assert f'id="comment-{comment.pk}"' not in content

    def test_the_hold_on_first_comments_follows_the_setting(self, as_member, article):
        CommunitySettings.objects.update(hold_first_comments=0)

        post(as_member, article)

        assert Comment.objects.get(article=article).status == Comment.Status.APPROVED

    def test_it_publishes_a_comment_with_two_links(self, as_trusted, article):
        post(as_trusted, article, "See https://crohnsandcolitis.org.uk and https://www.nhs.uk/conditions/")

        assert Comment.objects.get(article=article).status == Comment.Status.APPROVED

    def test_it_holds_a_comment_with_more_than_two_links(self, as_trusted, article):
        response = post(
            as_trusted, article, "Try https://a.example.com, https://b.example.com and www.c.example.org", follow=True
        )

        comment = Comment.objects.get(article=article)
        assert comment.status == Comment.Status.PENDING
        assert comment.hold_reason == Comment.HoldReason.LINKS
        assert HELD_MESSAGE in page_text(response)

    def test_it_holds_a_comment_matching_a_hold_word(self, as_trusted, article):
        ModerationWord.objects.create(phrase="Secret Remedy", action=ModerationWord.Action.HOLD)

        post(as_trusted, article, "My aunt swears by a SECRET REMEDY from the market.")

        comment = Comment.objects.get(article=article)
        assert comment.status == Comment.Status.PENDING
        assert comment.hold_reason == Comment.HoldReason.WORD_LIST

    def test_a_hold_word_only_matches_whole_words(self, as_trusted, article):
        ModerationWord.objects.create(phrase="remedy", action=ModerationWord.Action.HOLD)

        post(as_trusted, article, "Remedying the flare took three weeks.")

        assert Comment.objects.get(article=article).status == Comment.Status.APPROVED

    def test_it_refuses_a_comment_matching_a_blocked_word(self, as_trusted, article):
        ModerationWord.objects.create(phrase="cheap pills", action=ModerationWord.Action.BLOCK)

        response = post(as_trusted, article, "Get CHEAP PILLS at my shop.")

        assert response.status_code == 400
        assert escape("Your comment contains words we don't allow here.") in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    @pytest.mark.parametrize("body", ["", "   ", "\n\n\t \r\n", "\u200b\u200b"])
    def test_it_refuses_an_empty_comment(self, as_trusted, article, body):
        response = post(as_trusted, article, body)

        assert response.status_code == 400
        assert "Write your comment before posting it." in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_it_refuses_a_comment_over_the_length_limit(self, as_trusted, article):
        response = post(as_trusted, article, "a" * 3001)

        assert response.status_code == 400
        assert "Comments can be up to 3,000 characters long. Yours is 3,001" in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_it_accepts_a_comment_at_the_length_limit(self, as_trusted, article):
        post(as_trusted, article, "a" * 3000)

        assert len(Comment.objects.get(article=article).body) == 3000

    def test_the_length_limit_follows_the_setting(self, as_trusted, article):
        CommunitySettings.objects.update(max_comment_length=20)

        response = post(as_trusted, article, "This is longer than twenty characters.")

        assert response.status_code == 400
        assert "Comments can be up to 20 characters long." in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_it_refuses_nul_bytes(self, as_trusted, article):
        response = post(as_trusted, article, "Hello\x00world")

        assert response.status_code == 400
        assert "Null characters are not allowed." in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_it_strips_invisible_and_direction_characters(self, as_trusted, article):
        post(as_trusted, article, "Zero\u200bwidth\u200d and \u202egnirts desrever\u202c here\ufeff")

        assert Comment.objects.get(article=article).body == "Zerowidth and gnirts desrever here"

    def test_it_normalises_unicode(self, as_trusted, article):
        decomposed = "Cafe\u0301 au lait helped my cro\u0302nes"

        post(as_trusted, article, decomposed)

        body = Comment.objects.get(article=article).body
        assert body == unicodedata.normalize("NFC", decomposed)
        assert "Café" in body

    def test_it_tidies_whitespace(self, as_trusted, article):
        post(as_trusted, article, "  First line   \r\nSecond line\r\n\r\n\r\n\r\nLast line  ")

        assert Comment.objects.get(article=article).body == "First line\nSecond line\n\nLast line"

    def test_old_style_line_breaks_are_kept(self, as_trusted, article):
        post(as_trusted, article, "First line\rSecond line")

        assert Comment.objects.get(article=article).body == "First line\nSecond line"

    def test_invisible_characters_cannot_slip_past_the_blocked_words(self, as_trusted, article):
        ModerationWord.objects.create(phrase="cheap pills", action=ModerationWord.Action.BLOCK)

        response = post(as_trusted, article, "Get che\u200bap pi\u2060lls here.")

        assert response.status_code == 400
        assert not Comment.objects.filter(article=article).exists()

    def test_the_same_comment_posted_twice_makes_one(self, as_trusted, article):
        first = post(as_trusted, article, "Double-clicked by accident.")
        second = post(as_trusted, article, "Double-clicked by accident.")

        comment = Comment.objects.get(article=article)
        assert first.url == second.url == f"/articles/gut-bacteria-remission/?posted={comment.pk}#comment-{comment.pk}"
        article.refresh_from_db()
        assert article.comment_count == 1

    def test_a_held_comment_posted_twice_makes_one(self, as_member, article):
        post(as_member, article, "Double-clicked while held.")
        post(as_member, article, "Double-clicked while held.")

        assert Comment.objects.filter(article=article).count() == 1

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": Article.Status.DRAFT},
            {"status": Article.Status.IN_REVIEW},
            {"published_at": timezone.now() + timedelta(days=2)},
        ],
        ids=["draft", "in review", "scheduled"],
    )
    def test_it_refuses_unpublished_articles(self, as_trusted, make_article, fields):
        article = make_article(**fields)

        response = post(as_trusted, article)

        assert response.status_code == 404
        assert not Comment.objects.filter(article=article).exists()

    def test_it_refuses_a_missing_article(self, as_trusted, db):
        count = Comment.objects.count()

        response = as_trusted.post("/articles/no-such-article/comments/", {"body": "Hello?"})

        assert response.status_code == 404
        assert Comment.objects.count() == count

    def test_it_refuses_a_closed_discussion(self, as_trusted, make_article):
        article = make_article(comments_open=False)

        response = post(as_trusted, article, follow=True)

        assert response.redirect_chain == [(article.get_absolute_url(), 302)]
        assert "Comments are closed on this article." in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_a_closed_discussion_has_no_form(self, as_trusted, make_article):
        article = make_article(comments_open=False)

        content = page_text(as_trusted.get(article.get_absolute_url()))

        assert "Comments are closed on this article." in content
        assert f'action="/articles/{article.slug}/comments/"' not in content

    def test_it_refuses_an_unconfirmed_member(self, client, unconfirmed_member, article):
        client.force_login(unconfirmed_member)

        response = post(client, article, follow=True)

        assert "Please confirm your email address before you post" in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_the_discussion_tells_an_unconfirmed_member_why_they_cannot_post(self, client, unconfirmed_member, article):
        client.force_login(unconfirmed_member)

        content = page_text(client.get(article.get_absolute_url()))

        assert "Please confirm your email address before you post" in content
        assert 'href="/account/"' in content
        assert f'action="/articles/{article.slug}/comments/"' not in content

    def test_it_refuses_a_suspended_member(self, as_trusted, trusted, article):
        trusted.profile.suspended_at = timezone.now()
        trusted.profile.save()

        response = post(as_trusted, article, follow=True)

        assert "Your account is suspended" in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_it_sends_anonymous_posts_to_log_in(self, client, article):
        response = post(client, article)

        assert response.status_code == 302
        assert response.url.startswith("/account/login/?next=")
        assert not Comment.objects.exists()

    def test_it_rejects_get(self, client, as_trusted, article):
        assert Client().get(f"/articles/{article.slug}/comments/").status_code == 405
        assert as_trusted.get(f"/articles/{article.slug}/comments/").status_code == 405

    def test_it_needs_a_csrf_token(self, trusted, article):
        client = Client(enforce_csrf_checks=True)
        client.force_login(trusted)

        response = post(client, article)

        assert response.status_code == 403
        assert not Comment.objects.filter(article=article).exists()

    def test_it_refuses_a_filled_in_honeypot(self, as_trusted, article):
        response = post(as_trusted, article, website="https://spam.example.com")

        assert response.status_code == 400
        assert "Something went wrong. Please try again." in page_text(response)
        assert not Comment.objects.filter(article=article).exists()

    def test_the_honeypot_is_hidden_from_people(self, as_trusted, article):
        content = page_text(as_trusted.get(article.get_absolute_url()))

        assert re.search(r'<div class="honeypot-field" hidden>.*?name="website"', content, re.S)

    def test_a_refused_comment_keeps_what_was_written(self, as_trusted, article):
        CommunitySettings.objects.update(max_comment_length=10)

        response = post(as_trusted, article, "Keep my words, please.")

        assert "Keep my words, please." in page_text(response)
        assert "Error: Add a comment" in page_text(response)


class TestReplying:
    def test_it_replies_to_a_comment(self, as_trusted, second_member, article, make_comment):
        root = make_comment(article, second_member, body="Has anyone tried this?")

        response = post(as_trusted, article, "Yes, it helped me.", parent=root.pk)

        reply = Comment.objects.get(body="Yes, it helped me.")
        assert reply.parent == root
        assert reply.thread == root
        assert reply.article == article
        assert reply.status == Comment.Status.APPROVED
        assert response.url == f"/articles/gut-bacteria-remission/?posted={reply.pk}#comment-{reply.pk}"

    def test_a_reply_to_a_reply_stays_in_the_first_comments_thread(
        self, as_trusted, second_member, third_member, article, make_comment
    ):
        root = make_comment(article, second_member, body="Has anyone tried this?")
        answer = make_comment(article, third_member, body="I did.", parent=root)

        post(as_trusted, article, "How long did it take to work?", parent=answer.pk)

        reply = Comment.objects.get(body="How long did it take to work?")
        assert reply.parent == answer
        assert reply.thread == root

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": Comment.Status.REMOVED},
            {"status": Comment.Status.PENDING},
            {"deleted_at": timezone.now(), "body": ""},
        ],
        ids=["removed", "pending", "deleted"],
    )
    def test_it_refuses_a_reply_to_a_comment_that_is_not_shown(
        self, as_trusted, second_member, article, make_comment, fields
    ):
        parent = make_comment(article, second_member, **fields)
        count = Comment.objects.count()

        response = post(as_trusted, article, "Replying anyway.", parent=parent.pk)

        assert response.status_code == 400
        assert BAD_PARENT in page_text(response)
        assert Comment.objects.count() == count

    def test_it_refuses_a_reply_to_a_comment_on_another_article(
        self, as_trusted, second_member, article, other_article, make_comment
    ):
        elsewhere = make_comment(other_article, second_member)
        count = Comment.objects.count()

        response = post(as_trusted, article, "Replying across articles.", parent=elsewhere.pk)

        assert response.status_code == 400
        assert BAD_PARENT in page_text(response)
        assert Comment.objects.count() == count

    @pytest.mark.parametrize("parent", ["999999", "-1", "0"])
    def test_it_refuses_a_forged_parent(self, as_trusted, article, parent):
        count = Comment.objects.count()

        response = post(as_trusted, article, "Replying to nothing.", parent=parent)

        assert response.status_code == 400
        assert BAD_PARENT in page_text(response)
        assert Comment.objects.count() == count

    def test_it_refuses_a_parent_that_is_not_a_number(self, as_trusted, article):
        count = Comment.objects.count()

        response = post(as_trusted, article, "Replying to nothing.", parent="1 OR 1=1")

        assert response.status_code == 400
        assert Comment.objects.count() == count

    def test_the_reply_page_quotes_the_comment(self, as_trusted, second_member, article, make_comment):
        parent = make_comment(article, second_member, body="Has anyone tried <this> diet?\nIt looks hard.")

        response = as_trusted.get(f"/comments/{parent.pk}/reply/")

        content = page_text(response)
        assert response.status_code == 200
        assert "<h1>Reply to Sam</h1>" in content
        quote = re.search(r'<blockquote class="comment-quote">.*?</blockquote>', content, re.S).group()
        assert "Sam wrote:" in quote
        assert "Has anyone tried &lt;this&gt; diet?<br>It looks hard." in quote
        assert f'<input type="hidden" name="parent" value="{parent.pk}"' in content
        assert f'action="/articles/{article.slug}/comments/"' in content
        assert "Post reply" in content

    def test_the_reply_page_turns_away_a_comment_that_cannot_be_replied_to(
        self, as_trusted, second_member, article, make_comment
    ):
        held = make_comment(article, second_member, body="Still with a moderator.", status=Comment.Status.PENDING)

        response = as_trusted.get(f"/comments/{held.pk}/reply/", follow=True)

        content = page_text(response)
        assert response.redirect_chain == [(article.get_absolute_url(), 302)]
        assert escape("That comment can't be replied to any more.") in content
        assert "Still with a moderator." not in content

    @pytest.mark.parametrize("obstacle", ["closed", "suspended", "unconfirmed"])
    def test_the_reply_page_says_why_a_member_cannot_reply(
        self, client, trusted, unconfirmed_member, second_member, article, make_comment, obstacle
    ):
        parent = make_comment(article, second_member, body="Has anyone tried this?")
        replier = unconfirmed_member if obstacle == "unconfirmed" else trusted
        if obstacle == "closed":
            Article.objects.filter(pk=article.pk).update(comments_open=False)
        if obstacle == "suspended":
            trusted.profile.suspended_at = timezone.now()
            trusted.profile.save()
        client.force_login(replier)

        response = client.get(f"/comments/{parent.pk}/reply/", follow=True)

        content = page_text(response)
        reason = {
            "closed": "Comments are closed on this article.",
            "suspended": "Your account is suspended",
            "unconfirmed": "Please confirm your email address before you post",
        }[obstacle]
        assert reason in content
        assert 'name="body"' not in content

    def test_the_reply_page_needs_a_published_article(self, as_trusted, second_member, make_article, make_comment):
        draft = make_article(status=Article.Status.DRAFT)
        parent = make_comment(draft, second_member)

        assert as_trusted.get(f"/comments/{parent.pk}/reply/").status_code == 404

    def test_the_reply_page_needs_a_login(self, client, second_member, article, make_comment):
        parent = make_comment(article, second_member)

        response = client.get(f"/comments/{parent.pk}/reply/")

        assert response.status_code == 302
        assert response.url.startswith("/account/login/?next=")

    def test_a_refused_reply_shows_the_quote_again(self, as_trusted, second_member, article, make_comment):
        parent = make_comment(article, second_member, body="Has anyone tried this?")

        response = post(as_trusted, article, "   ", parent=parent.pk)

        assert response.status_code == 400
        assert "Sam wrote:" in page_text(response)
        assert f'name="parent" value="{parent.pk}"' in page_text(response)


class TestRendering:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("<script>alert('x')</script>", "&lt;script&gt;alert('x')&lt;/script&gt;"),
            ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
            ("<a href=javascript:alert(1)>click</a>", "&lt;a href=javascript:alert(1)&gt;click&lt;/a&gt;"),
            ("javascript:alert(1)", "javascript:alert(1)"),
            (
                "&lt;b&gt;bold&lt;/b&gt; &amp; &#60;i&#62;",
                "&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; &amp;amp; &amp;#60;i&amp;#62;",
            ),
            (
                '<p style="color:red" onclick="x()">styled</p>',
                '&lt;p style="color:red" onclick="x()"&gt;styled&lt;/p&gt;',
            ),
        ],
        ids=["script", "img onerror", "a javascript", "bare javascript", "entities", "attributes"],
    )
    def test_hostile_bodies_render_as_text(self, client, member, article, make_comment, body, expected):
        comment = make_comment(article, member, body=body)

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        body_html = re.search(r'<div class="comment__body">(.*?)</div>', block, re.S).group(1)
        assert expected in body_html
        assert re.findall(r"<(\w+)", body_html) == ["p"]
        assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', block))

    def test_display_names_are_escaped(self, client, member, article, make_comment):
        member.profile.display_name = "<b onmouseover=x()>Maya</b>"
        member.profile.save()
        comment = make_comment(article, member)

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert "&lt;b onmouseover=x()&gt;Maya&lt;/b&gt;" in block
        assert "<b " not in block

    def test_it_links_addresses_safely(self, client, member, article, make_comment):
        comment = make_comment(article, member, body="See https://www.crohnsandcolitis.org.uk/about for more.")

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert (
            '<a href="https://www.crohnsandcolitis.org.uk/about" rel="nofollow ugc noopener">'
            "https://www.crohnsandcolitis.org.uk/about</a>"
        ) in block

    def test_a_link_cannot_break_out_of_its_attribute(self, client, member, article, make_comment):
        comment = make_comment(article, member, body='http://example.com/"onmouseover="alert(1)')

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert not re.search(r"<[^>]*onmouseover", block)
        assert '<a href="http://example.com/" rel="nofollow ugc noopener">' in block

    def test_it_keeps_line_breaks_and_paragraphs(self, client, member, article, make_comment):
        comment = make_comment(article, member, body="First line\nsecond line\n\nA new paragraph")

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert "<p>First line<br>second line</p>" in block
        assert "<p>A new paragraph</p>" in block


@pytest.fixture
def fresh_comment(trusted, article, make_comment):
    """Maya's comment, posted a minute ago: still editable."""
    return make_comment(
        article, trusted, body="I was diagnosed in 2019.", created_at=timezone.now() - timedelta(minutes=1)
    )


def make_old(comment, minutes=20):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


class TestEditing:
    def test_the_author_sees_the_form_with_their_words(self, as_trusted, fresh_comment):
        response = as_trusted.get(f"/comments/{fresh_comment.pk}/edit/")

        assert response.status_code == 200
        assert "I was diagnosed in 2019.</textarea>" in page_text(response)

    def test_the_author_edits_within_fifteen_minutes(self, as_trusted, fresh_comment, article):
        response = as_trusted.post(f"/comments/{fresh_comment.pk}/edit/", {"body": "I was diagnosed in 2018."})

        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2018."
        assert fresh_comment.body_html == "<p>I was diagnosed in 2018.</p>"
        assert fresh_comment.edited_at is not None
        assert fresh_comment.status == Comment.Status.APPROVED
        assert response.url == f"/articles/{article.slug}/#comment-{fresh_comment.pk}"

    def test_a_suspended_member_cannot_edit(self, as_trusted, trusted, fresh_comment, moderator):
        trusted.profile.suspend(by=moderator, reason="Repeated advice to stop treatment")

        response = as_trusted.post(f"/comments/{fresh_comment.pk}/edit/", {"body": "Changed while suspended."})

        fresh_comment.refresh_from_db()
        assert response.status_code == 302
        assert fresh_comment.body == "I was diagnosed in 2019."
        assert fresh_comment.edited_at is None

    def test_readers_see_that_it_was_edited(self, as_trusted, fresh_comment, article):
        response = as_trusted.post(
            f"/comments/{fresh_comment.pk}/edit/", {"body": "I was diagnosed in 2018."}, follow=True
        )

        assert "Your comment is updated." in page_text(response)
        block = comment_block(page_text(Client().get(article.get_absolute_url())), fresh_comment)
        assert "· edited" in block
        assert "I was diagnosed in 2018." in block

    def test_the_page_offers_edit_only_within_the_window(self, as_trusted, fresh_comment, article):
        edit_link = f'href="/comments/{fresh_comment.pk}/edit/"'
        assert edit_link in page_text(as_trusted.get(article.get_absolute_url()))

        make_old(fresh_comment)

        assert edit_link not in page_text(as_trusted.get(article.get_absolute_url()))

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_the_author_cannot_edit_after_fifteen_minutes(self, as_trusted, fresh_comment, method):
        make_old(fresh_comment)

        response = getattr(as_trusted, method)(
            f"/comments/{fresh_comment.pk}/edit/", {"body": "Too late."}, follow=True
        )

        assert "Comments can only be edited for 15 minutes after posting." in page_text(response)
        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2019."
        assert fresh_comment.edited_at is None

    def test_another_member_cannot_edit(self, client, second_member, fresh_comment):
        client.force_login(second_member)

        response = client.post(f"/comments/{fresh_comment.pk}/edit/", {"body": "Hijacked."})

        assert response.status_code == 403
        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2019."
        assert fresh_comment.edited_at is None

    def test_a_moderator_cannot_edit(self, client, moderator, fresh_comment):
        client.force_login(moderator)

        assert client.post(f"/comments/{fresh_comment.pk}/edit/", {"body": "Tidied."}).status_code == 403
        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2019."

    def test_anonymous_readers_are_sent_to_log_in(self, client, fresh_comment):
        response = client.post(f"/comments/{fresh_comment.pk}/edit/", {"body": "Anonymous."})

        assert response.url.startswith("/account/login/?next=")
        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2019."

    def test_an_edit_adding_links_holds_the_comment_again(self, as_trusted, fresh_comment, article):
        response = as_trusted.post(
            f"/comments/{fresh_comment.pk}/edit/",
            {"body": "Buy at https://a.example.com https://b.example.com https://c.example.com"},
            follow=True,
        )

        fresh_comment.refresh_from_db()
        assert fresh_comment.status == Comment.Status.PENDING
        assert fresh_comment.hold_reason == Comment.HoldReason.LINKS
        assert "A moderator will read it before it appears again." in page_text(response)
        article.refresh_from_db()
        assert article.comment_count == 0
        assert "https://a.example.com" not in page_text(Client().get(article.get_absolute_url()))

    def test_an_edit_is_checked_like_a_new_comment(self, as_trusted, fresh_comment):
        response = as_trusted.post(f"/comments/{fresh_comment.pk}/edit/", {"body": " \u200b "})

        assert response.status_code == 400
        assert "Write your comment before posting it." in page_text(response)
        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2019."

    def test_an_edit_cannot_use_a_blocked_word(self, as_trusted, fresh_comment):
        ModerationWord.objects.create(phrase="cheap pills", action=ModerationWord.Action.BLOCK)

        response = as_trusted.post(f"/comments/{fresh_comment.pk}/edit/", {"body": "Cheap pills here."})

        assert response.status_code == 400
        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2019."

    def test_a_removed_comment_cannot_be_edited(self, as_trusted, fresh_comment, moderator):
        fresh_comment.remove(by=moderator, reason="Advice to stop treatment.")

        as_trusted.post(f"/comments/{fresh_comment.pk}/edit/", {"body": "Sneaking it back."})

        fresh_comment.refresh_from_db()
        assert fresh_comment.body == "I was diagnosed in 2019."
        assert fresh_comment.status == Comment.Status.REMOVED


class TestDeleting:
    def test_it_asks_first(self, as_trusted, fresh_comment):
        response = as_trusted.get(f"/comments/{fresh_comment.pk}/delete/")

        content = page_text(response)
        assert response.status_code == 200
        assert "Delete your comment?" in content
        assert "I was diagnosed in 2019." in content
        assert Comment.objects.filter(pk=fresh_comment.pk).exists()

    def test_the_author_deletes_a_comment_nobody_answered(self, as_trusted, fresh_comment, article):
        response = as_trusted.post(f"/comments/{fresh_comment.pk}/delete/", follow=True)

        assert not Comment.objects.filter(pk=fresh_comment.pk).exists()
        assert response.redirect_chain == [(f"/articles/{article.slug}/#discussion", 302)]
        assert "Your comment is deleted." in page_text(response)
        assert "I was diagnosed in 2019." not in page_text(response)
        article.refresh_from_db()
        assert article.comment_count == 0

    def test_a_comment_with_replies_leaves_a_marker(
        self, as_trusted, fresh_comment, second_member, article, make_comment
    ):
        reply = make_comment(article, second_member, body="Same year as me!", parent=fresh_comment)

        as_trusted.post(f"/comments/{fresh_comment.pk}/delete/")

        fresh_comment.refresh_from_db()
        assert fresh_comment.deleted_at is not None
        assert fresh_comment.body == ""
        article.refresh_from_db()
        assert article.comment_count == 1
        content = page_text(Client().get(article.get_absolute_url()))
        marker = comment_block(content, fresh_comment)
        assert "This comment was deleted by its author." in marker
        assert "Deleted comment" in marker
        assert "Maya" not in marker
        assert "I was diagnosed in 2019." not in content
        assert "Same year as me!" in comment_block(content, reply)

    def test_a_deleted_comment_cannot_be_deleted_again(
        self, as_trusted, fresh_comment, second_member, article, make_comment
    ):
        make_comment(article, second_member, body="Same year as me!", parent=fresh_comment)
        as_trusted.post(f"/comments/{fresh_comment.pk}/delete/")

        assert as_trusted.post(f"/comments/{fresh_comment.pk}/delete/").status_code == 403

    def test_it_needs_a_csrf_token(self, trusted, fresh_comment):
        client = Client(enforce_csrf_checks=True)
        client.force_login(trusted)

        assert client.post(f"/comments/{fresh_comment.pk}/delete/").status_code == 403
        assert Comment.objects.filter(pk=fresh_comment.pk).exists()

    def test_another_member_cannot_delete(self, client, second_member, fresh_comment):
        client.force_login(second_member)

        assert client.get(f"/comments/{fresh_comment.pk}/delete/").status_code == 403
        assert client.post(f"/comments/{fresh_comment.pk}/delete/").status_code == 403
        fresh_comment.refresh_from_db()
        assert fresh_comment.deleted_at is None

    def test_a_moderator_cannot_delete_someone_elses_comment(self, client, moderator, fresh_comment):
        client.force_login(moderator)

        assert client.post(f"/comments/{fresh_comment.pk}/delete/").status_code == 403
        fresh_comment.refresh_from_db()
        assert fresh_comment.deleted_at is None

    def test_anonymous_readers_are_sent_to_log_in(self, client, fresh_comment):
        response = client.post(f"/comments/{fresh_comment.pk}/delete/")

        assert response.url.startswith("/account/login/?next=")
        assert Comment.objects.filter(pk=fresh_comment.pk, deleted_at__isnull=True).exists()

    def test_the_author_can_delete_after_the_edit_window(self, as_trusted, fresh_comment):
        make_old(fresh_comment, minutes=60 * 24)

        as_trusted.post(f"/comments/{fresh_comment.pk}/delete/")

        assert not Comment.objects.filter(pk=fresh_comment.pk).exists()


@pytest.fixture
def sams_comment(second_member, article, make_comment):
    return make_comment(article, second_member, body="This trial changed my mind about biologics.")


def report(client, comment, reason="misinformation", note=""):
    return client.post(f"/comments/{comment.pk}/report/", {"reason": reason, "note": note})


class TestReporting:
    def test_it_shows_the_report_form(self, as_member, sams_comment):
        response = as_member.get(f"/comments/{sams_comment.pk}/report/")

        content = page_text(response)
        assert response.status_code == 200
        assert "This trial changed my mind about biologics." in content
        assert 'value="misinformation"' in content

    def test_a_member_reports_a_comment(self, as_member, member, sams_comment, article):
        response = report(as_member, sams_comment, "abuse", "Rude to another member.")

        saved = Report.objects.get(comment=sams_comment)
        assert saved.reporter == member
        assert saved.reason == Report.Reason.ABUSE
        assert saved.note == "Rude to another member."
        assert saved.resolved_at is None
        assert response.url == f"/articles/{article.slug}/#comment-{sams_comment.pk}"  # where the thanks are shown
        sams_comment.refresh_from_db()
        assert sams_comment.status == Comment.Status.APPROVED

    def test_the_reporter_is_thanked_and_sees_it_reported(self, as_member, sams_comment, article):
        response = as_member.post(f"/comments/{sams_comment.pk}/report/", {"reason": "spam"}, follow=True)

        content = page_text(response)
        assert "Thank you for your report." in content
        block = comment_block(content, sams_comment)
        assert '<li class="comment__reported">Reported</li>' in block
        assert f"/comments/{sams_comment.pk}/report/" not in block

    def test_a_member_cannot_report_their_own_comment(self, client, second_member, sams_comment):
        client.force_login(second_member)

        response = client.post(f"/comments/{sams_comment.pk}/report/", {"reason": "spam"}, follow=True)

        assert escape("You can't report your own comment.") in page_text(response)
        assert not Report.objects.exists()

    def test_a_member_cannot_report_twice(self, as_member, sams_comment):
        report(as_member, sams_comment, "spam")

        response = as_member.post(f"/comments/{sams_comment.pk}/report/", {"reason": "abuse"}, follow=True)

        assert "You have already reported this comment." in page_text(response)
        assert list(Report.objects.values_list("reason", flat=True)) == ["spam"]

    def test_two_reports_leave_the_comment_up(self, client, member, third_member, sams_comment):
        for reporter in [member, third_member]:
            client.force_login(reporter)
            report(client, sams_comment)

        sams_comment.refresh_from_db()
        assert sams_comment.status == Comment.Status.APPROVED
        assert Report.objects.filter(comment=sams_comment).count() == 2

    def test_three_members_reporting_hides_the_comment(
        self, client, member, third_member, make_member, sams_comment, article, make_comment
    ):
        reply = make_comment(article, member, body="I disagree, politely.", parent=sams_comment)
        for reporter in [member, third_member, make_member()]:
            client.force_login(reporter)
            report(client, sams_comment)

        sams_comment.refresh_from_db()
        assert sams_comment.status == Comment.Status.PENDING
        assert sams_comment.hold_reason == Comment.HoldReason.REPORTS
        assert ModerationLog.objects.filter(
            action=ModerationLog.Action.HIDDEN, comment=sams_comment, actor=None
        ).exists()
        article.refresh_from_db()
        assert article.comment_count == 1

        content = page_text(Client().get(article.get_absolute_url()))
        assert "This trial changed my mind about biologics." not in content
        assert "This comment is hidden while a moderator reviews it." in comment_block(content, sams_comment)
        assert "I disagree, politely." in comment_block(content, reply)

    def test_a_hidden_comment_without_replies_disappears(
        self, client, member, third_member, make_member, sams_comment, article
    ):
        for reporter in [member, third_member, make_member()]:
            client.force_login(reporter)
            report(client, sams_comment)

        content = page_text(Client().get(article.get_absolute_url()))

        assert f'id="comment-{sams_comment.pk}"' not in content

    def test_the_threshold_follows_the_setting(self, as_member, sams_comment):
        CommunitySettings.objects.update(report_threshold=1)

        report(as_member, sams_comment)

        sams_comment.refresh_from_db()
        assert sams_comment.status == Comment.Status.PENDING

    def test_it_needs_a_csrf_token(self, member, sams_comment):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)

        assert report(client, sams_comment).status_code == 403
        assert not Report.objects.exists()

    def test_anonymous_readers_are_sent_to_log_in(self, client, sams_comment):
        response = report(client, sams_comment)

        assert response.url.startswith("/account/login/?next=")
        assert not Report.objects.exists()

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({"reason": "boring"}, "Select a valid choice. boring is not one of the available choices."),
            ({"reason": ""}, "Choose what is wrong with the comment."),
            ({"reason": "spam", "note": "x" * 501}, "Ensure this value has at most 500 characters (it has 501)."),
        ],
        ids=["unknown reason", "no reason", "long note"],
    )
    def test_it_refuses_a_bad_report(self, as_member, sams_comment, data, error):
        response = as_member.post(f"/comments/{sams_comment.pk}/report/", data)

        assert response.status_code == 400
        assert error in page_text(response)
        assert not Report.objects.exists()

    def test_only_shown_comments_can_be_reported(self, as_member, second_member, article, make_comment):
        held = make_comment(article, second_member, status=Comment.Status.PENDING)

        assert report(as_member, held).status_code == 404
        assert not Report.objects.exists()

    def test_a_comment_its_author_deleted_cannot_be_reported(
        self, as_member, second_member, third_member, article, make_comment
    ):
        deleted = make_comment(article, second_member, body="", deleted_at=timezone.now())
        make_comment(article, third_member, parent=deleted)

        assert report(as_member, deleted).status_code == 404
        assert not Report.objects.exists()


class TestPostingLimits:
    def test_it_refuses_an_eleventh_comment_within_ten_minutes(self, as_trusted, trusted, article):
        for n in range(10):
            assert post(as_trusted, article, f"Comment number {n}.").status_code == 302

        response = post(as_trusted, article, "One too many.")

        assert response.status_code == 429
        assert "You have posted a lot in a short time." in page_text(response)
        assert Comment.objects.filter(article=article, author=trusted).count() == 10

    def test_the_limits_follow_the_setting(self, settings, as_trusted, trusted, article):
        settings.COMMENT_RATE_LIMITS = {"member_limit": 2}

        statuses = [post(as_trusted, article, f"Comment number {n}.").status_code for n in range(3)]

        assert statuses == [302, 302, 429]
        assert Comment.objects.filter(article=article, author=trusted).count() == 2
