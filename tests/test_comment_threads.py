"""How a discussion reads: threads, pages of comments, permalinks, notices for removed and deleted comments,
what it costs in queries, and what it never shows about members."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from community.models import Comment, Report


@pytest.fixture
def article(make_article):
    return make_article(headline="Gut bacteria linked to longer remission", slug="gut-bacteria-remission")


def page_text(response):
    return response.content.decode()


def comment_block(content, comment):
    """The <article> that shows one comment on a page."""
    match = re.search(rf'<article class="comment[^"]*" id="comment-{comment.pk}".*?</article>', content, re.S)
    assert match, f"comment {comment.pk} is not on the page"
    return match.group()


def replies_list(content, root):
    """The list of replies inside a top-level comment's thread."""
    thread = re.search(
        rf'<li class="comments__thread">\s*<article[^>]* id="comment-{root.pk}".*?</article>\s*'
        r'<ol class="comments comments--replies"[^>]*>(.*?)</ol>',
        content,
        re.S,
    )
    assert thread, f"comment {root.pk} has no replies on the page"
    return thread.group(1)


def minutes_ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


class TestThreads:
    def test_replies_show_inside_their_thread(self, client, member, second_member, third_member, article, make_comment):
        first = make_comment(article, second_member, body="Has anyone tried this diet?")
        second = make_comment(article, member, body="A separate question about dosing.")
        reply = make_comment(article, third_member, body="I tried it for six weeks.", parent=first)

        content = page_text(client.get(article.get_absolute_url()))

        replies = replies_list(content, first)
        assert f'id="comment-{reply.pk}"' in replies
        assert "I tried it for six weeks." in replies
        assert 'aria-label="Replies to Sam"' in content
        assert "comment--reply" in comment_block(content, reply)
        assert content.index(f'id="comment-{first.pk}"') < content.index(f'id="comment-{reply.pk}"')
        assert content.index(f'id="comment-{reply.pk}"') < content.index(f'id="comment-{second.pk}"')

    def test_a_reply_to_a_reply_says_who_it_answers(
        self, client, member, second_member, third_member, article, make_comment
    ):
        root = make_comment(article, second_member, body="Has anyone tried this diet?")
        answer = make_comment(article, third_member, body="I did.", parent=root)
        follow_up = make_comment(article, member, body="Did it help?", parent=answer)

        content = page_text(client.get(article.get_absolute_url()))

        assert "replying to Tess" in comment_block(content, follow_up)
        assert "replying to" not in comment_block(content, answer)
        replies = replies_list(content, root)
        assert replies.index(f'id="comment-{answer.pk}"') < replies.index(f'id="comment-{follow_up.pk}"')

    def test_a_reply_to_a_deleted_comment_says_so(
        self, client, member, second_member, third_member, article, make_comment
    ):
        root = make_comment(article, second_member)
        answer = make_comment(article, third_member, body="", parent=root, deleted_at=timezone.now())
        follow_up = make_comment(article, member, body="What did you say?", parent=answer)

        content = page_text(client.get(article.get_absolute_url()))

        assert "replying to a deleted comment" in comment_block(content, follow_up)
        assert "This comment was deleted by its author." in comment_block(content, answer)

    def test_readers_can_reply_only_when_logged_in(self, client, member, second_member, article, make_comment):
        comment = make_comment(article, second_member)
        reply_link = f'href="/comments/{comment.pk}/reply/"'

        anonymous = page_text(client.get(article.get_absolute_url()))
        client.force_login(member)
        logged_in = page_text(client.get(article.get_absolute_url()))

        assert reply_link not in anonymous
        assert "Log in</a> or" in anonymous
        assert reply_link in comment_block(logged_in, comment)

    def test_a_closed_discussion_shows_its_comments_without_reply_links(
        self, client, member, second_member, make_article, make_comment
    ):
        article = make_article(comments_open=False)
        comment = make_comment(article, second_member, body="Posted before it closed.")
        client.force_login(member)

        content = page_text(client.get(article.get_absolute_url()))

        assert "Posted before it closed." in comment_block(content, comment)
        assert f"/comments/{comment.pk}/reply/" not in content

    def test_the_heading_counts_visible_comments(self, client, member, second_member, article, make_comment):
        make_comment(article, member)
        make_comment(article, second_member)
        make_comment(article, second_member, body="Held.", status=Comment.Status.PENDING)

        content = page_text(client.get(article.get_absolute_url()))

        assert '<span class="count">(2 comments)</span>' in content

    def test_an_empty_discussion_invites_the_first_comment(self, client, article):
        content = page_text(client.get(article.get_absolute_url()))

        assert "No comments yet. You could start the conversation." in content


@pytest.fixture
def long_discussion(article, member, second_member, make_comment):
    """25 top-level comments a minute apart, oldest first, each with one reply."""
    roots = []
    for n in range(25):
        root = make_comment(
            article, second_member, body=f"Top-level comment {n + 1:02d}.", created_at=minutes_ago(200 - n)
        )
        make_comment(
            article, member, body=f"Reply to comment {n + 1:02d}.", parent=root, created_at=minutes_ago(100 - n)
        )
        roots.append(root)
    return roots


class TestPages:
    def test_the_first_page_shows_twenty_threads(self, client, article, long_discussion):
        content = page_text(client.get(article.get_absolute_url()))

        assert content.count('<li class="comments__thread">') == 20
        assert "Top-level comment 20." in content
        assert "Reply to comment 20." in content
        assert "Top-level comment 21." not in content
        assert "Comments page 1 of 2" in content
        assert '<a href="?comments=2#discussion">Later comments</a>' in content

    def test_the_second_page_works_without_javascript(self, client, article, long_discussion):
        content = page_text(client.get(article.get_absolute_url(), {"comments": 2}))

        assert content.count('<li class="comments__thread">') == 5
        assert "Top-level comment 21." in content
        assert "Reply to comment 25." in content
        assert "Top-level comment 20." not in content
        assert "Comments page 2 of 2" in content
        assert '<a href="?comments=1#discussion">Earlier comments</a>' in content

    @pytest.mark.parametrize(("number", "first_shown"), [("abc", "01"), ("0", "21"), ("99", "21")])
    def test_an_odd_page_number_shows_a_real_page(self, client, article, long_discussion, number, first_shown):
        response = client.get(article.get_absolute_url(), {"comments": number})

        assert response.status_code == 200
        assert f"Top-level comment {first_shown}." in page_text(response)

    def test_twenty_threads_need_no_pages(self, client, article, long_discussion):
        Comment.objects.filter(pk__in=[root.pk for root in long_discussion[20:]]).delete()

        content = page_text(client.get(article.get_absolute_url()))

        assert "Comments page" not in content
        assert "?comments=" not in content


class TestPermalink:
    def test_it_sends_readers_to_the_page_and_anchor(self, client, article, long_discussion):
        late = long_discussion[21]

        response = client.get(f"/comments/{late.pk}/")

        assert response.status_code == 302
        assert response.url == f"/articles/{article.slug}/?comments=2#comment-{late.pk}"
        assert "Top-level comment 22." in page_text(client.get(response.url))

    def test_a_reply_is_found_on_its_threads_page(self, client, article, long_discussion):
        reply = long_discussion[24].replies.get()

        response = client.get(f"/comments/{reply.pk}/")

        assert response.url == f"/articles/{article.slug}/?comments=2#comment-{reply.pk}"

    def test_a_comment_on_the_first_page_needs_no_page_number(self, client, article, long_discussion):
        early = long_discussion[19]

        assert client.get(f"/comments/{early.pk}/").url == f"/articles/{article.slug}/#comment-{early.pk}"

    def test_it_counts_only_what_the_reader_sees(self, client, article, long_discussion):
        Comment.objects.filter(pk=long_discussion[0].pk).update(status=Comment.Status.REMOVED)
        Comment.objects.filter(pk=long_discussion[0].pk).get().replies.all().delete()
        twenty_first = long_discussion[20]

        response = client.get(f"/comments/{twenty_first.pk}/")

        assert response.url == f"/articles/{article.slug}/#comment-{twenty_first.pk}"
        assert "Top-level comment 21." in page_text(client.get(response.url))

    def test_comments_posted_at_the_same_moment_are_found_on_their_page(
        self, client, article, second_member, make_comment
    ):
        # Imported or seeded comments can share a timestamp; the page orders them by id after time.
        moment = minutes_ago(30)
        comments = [
            make_comment(article, second_member, body=f"Same moment {n}.", created_at=moment) for n in range(21)
        ]
        last = comments[-1]

        response = client.get(f"/comments/{last.pk}/")

        assert response.url == f"/articles/{article.slug}/?comments=2#comment-{last.pk}"

    def test_a_comment_the_reader_cannot_see_goes_to_the_article(self, client, article, second_member, make_comment):
        held = make_comment(article, second_member, status=Comment.Status.PENDING)

        assert client.get(f"/comments/{held.pk}/").url == f"/articles/{article.slug}/"

    def test_the_author_is_taken_to_their_held_comment(self, client, article, second_member, make_comment):
        held = make_comment(article, second_member, status=Comment.Status.PENDING)
        client.force_login(second_member)

        assert client.get(f"/comments/{held.pk}/").url == f"/articles/{article.slug}/#comment-{held.pk}"

    @pytest.mark.parametrize(
        "fields",
        [{"status": Article.Status.DRAFT}, {"published_at": timezone.now() + timedelta(days=1)}],
        ids=["draft", "scheduled"],
    )
    def test_it_hides_comments_on_unpublished_articles(self, client, second_member, make_article, make_comment, fields):
        comment = make_comment(make_article(**fields), second_member)

        assert client.get(f"/comments/{comment.pk}/").status_code == 404

    def test_it_is_404_for_a_missing_comment(self, client, db):
        assert client.get("/comments/999999/").status_code == 404


class TestNotices:
    @pytest.fixture
    def removed(self, article, member, moderator, make_comment):
        comment = make_comment(article, member, body="Stop your steroids, they are poison.")
        comment.remove(by=moderator, reason="Advice to stop a treatment")
        return comment

    def test_the_author_sees_why_their_comment_was_removed(self, client, member, article, removed):
        client.force_login(member)

        block = comment_block(page_text(client.get(article.get_absolute_url())), removed)

        assert "A moderator removed your comment: Advice to stop a treatment." in block
        assert "Only you can see this notice." in block
        assert 'href="/community/guidelines/#appeals"' in block
        assert "Stop your steroids" not in block

    def test_others_see_nothing_of_a_removed_comment_without_replies(self, client, second_member, article, removed):
        anonymous = page_text(client.get(article.get_absolute_url()))
        client.force_login(second_member)
        other = page_text(client.get(article.get_absolute_url()))

        for content in [anonymous, other]:
            assert f'id="comment-{removed.pk}"' not in content
            assert "Stop your steroids" not in content
            assert "A moderator removed" not in content

    def test_others_see_a_generic_notice_above_replies(
        self, client, second_member, third_member, article, removed, make_comment
    ):
        reply = make_comment(article, third_member, body="Please talk to your IBD nurse first.", parent=removed)
        anonymous = page_text(client.get(article.get_absolute_url()))
        client.force_login(second_member)
        other = page_text(client.get(article.get_absolute_url()))

        for content in [anonymous, other]:
            block = comment_block(content, removed)
            assert "A moderator removed this comment because it broke our" in block
            assert 'href="/community/guidelines/"' in block
            assert "Advice to stop a treatment" not in content
            assert "Stop your steroids" not in content
            assert "Please talk to your IBD nurse first." in comment_block(content, reply)

    def test_a_deleted_members_comment_says_so(self, client, make_member, article, make_comment):
        leaver = make_member()
        comment = make_comment(article, leaver, body="Thanks for the clear write-up.")
        leaver.delete()

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert '">A deleted member</p>' in block
        assert "Thanks for the clear write-up." in block

    def test_a_reply_to_a_deleted_members_comment_is_offered_to_members(
        self, client, member, make_member, article, make_comment
    ):
        leaver = make_member()
        comment = make_comment(article, leaver)
        leaver.delete()
        client.force_login(member)

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert f'href="/comments/{comment.pk}/reply/"' in block
        assert 'Reply<span class="visually-hidden"> to a deleted member</span>' in block

    def test_a_removed_comment_by_a_deleted_member_shows_readers_the_generic_notice(
        self, client, make_member, second_member, moderator, article, make_comment
    ):
        leaver = make_member()
        comment = make_comment(article, leaver, body="Stop your steroids, they are poison.")
        make_comment(article, second_member, body="Please don't.", parent=comment)
        comment.remove(by=moderator, reason="Advice to stop a treatment")
        leaver.delete()

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert "A moderator removed this comment because it broke our" in block
        assert "removed your comment" not in block
        assert "Advice to stop a treatment" not in block

    def test_a_hidden_comment_by_a_deleted_member_stays_hidden_from_readers(
        self, client, make_member, second_member, article, make_comment
    ):
        leaver = make_member()
        comment = make_comment(
            article,
            leaver,
            body="Message me for a miracle cure.",
            status=Comment.Status.PENDING,
            hold_reason=Comment.HoldReason.REPORTS,
        )
        make_comment(article, second_member, body="Reported this.", parent=comment)
        leaver.delete()

        block = comment_block(page_text(client.get(article.get_absolute_url())), comment)

        assert "This comment is hidden while a moderator reviews it." in block
        assert "miracle cure" not in block
        assert "Only you can see this" not in block


class TestQueryCounts:
    """The article page costs the same however long the discussion, for readers and members alike."""

    @pytest.fixture
    def grow_discussion(self, article, make_member, moderator, make_comment):
        """Add comments in threads of four: a top-level comment, two replies and a reply to a reply,
        by a rotating cast, with the viewer's own comments, their reports, removed and deleted ones mixed in."""
        authors = [make_member() for _ in range(6)]
        made = []

        def grow_discussion(count, viewer=None):
            for _ in range(count):
                n = len(made)
                author = viewer if viewer and n % 7 == 3 else authors[n % len(authors)]
                fields = {"created_at": minutes_ago(10_000 - n)}
                if n % 4 == 0:
                    fields["status"] = (
                        Comment.Status.PENDING if viewer and author == viewer else Comment.Status.APPROVED
                    )
                    comment = make_comment(article, author, body=f"Comment {n}", **fields)
                else:
                    root = made[n - n % 4]
                    parent = made[-1] if n % 4 == 3 else root
                    if not parent.can_be_replied_to():
                        parent = root
                    comment = make_comment(article, author, body=f"Reply {n}", parent=parent, **fields)
                if n % 9 == 5:
                    comment.remove(by=moderator, reason="Off topic")
                elif n % 11 == 2:
                    comment.body, comment.deleted_at = "", timezone.now()
                    comment.save()
                if viewer and author != viewer and n % 5 == 1:
                    Report.objects.create(comment=comment, reporter=viewer, reason=Report.Reason.SPAM)
                made.append(comment)
            return made

        return grow_discussion

    @pytest.mark.parametrize("viewer", [None, "member"])
    def test_the_article_page_costs_the_same_with_5_or_200_comments(
        self, client, request, article, grow_discussion, django_assert_max_num_queries, viewer
    ):
        user = request.getfixturevalue(viewer) if viewer else None
        if user:
            client.force_login(user)
        grow_discussion(5, viewer=user)
        with CaptureQueriesContext(connection) as five:
            small = client.get(article.get_absolute_url())
        assert small.status_code == 200
        assert page_text(small).count('<article class="comment') >= 4

        grow_discussion(195, viewer=user)
        with django_assert_max_num_queries(len(five)):
            response = client.get(article.get_absolute_url())

        content = page_text(response)
        assert content.count('<li class="comments__thread">') == 20
        assert content.count('<article class="comment') > 60
        assert "replying to" in content
        assert "Comments page 1 of" in content
        if user:
            assert '<li class="comment__reported">Reported</li>' in content
            assert "Only you can see this comment" in content

    def test_home_page_comment_counts_cost_no_queries_per_article(
        self, client, make_article, member, make_comment, django_assert_max_num_queries
    ):
        def add_discussed_article(n):
            discussed = make_article(headline=f"Discussed article {n}")
            for _ in range(3):
                make_comment(discussed, member)

        add_discussed_article(0)
        with CaptureQueriesContext(connection) as one:
            client.get("/")
        for n in range(1, 10):
            add_discussed_article(n)

        with django_assert_max_num_queries(len(one)):
            response = client.get("/")

        assert page_text(response).count("3 comments<span") == 10

    def test_cards_read_the_stored_count(self, client, make_article):
        article = make_article(headline="Much discussed")
        Article.objects.filter(pk=article.pk).update(comment_count=7)

        content = page_text(client.get("/"))

        assert f'<a href="/articles/{article.slug}/#discussion">7 comments<span' in content


class TestPrivacy:
    """Members appear under their display name only: never a username or an email address."""

    @pytest.fixture
    def discussion(self, article, member, second_member, third_member, make_comment):
        for user, name in [(member, "Quiet Otter"), (second_member, "River Fox"), (third_member, "Kind Heron")]:
            user.profile.display_name = name
            user.profile.save()
        root = make_comment(article, member, body="My first flare was in 2015.")
        reply = make_comment(article, second_member, body="Mine too.", parent=root)
        make_comment(article, third_member, body="Same here.", parent=reply)
        make_comment(article, third_member, body="Waiting for review.", status=Comment.Status.PENDING)
        return root

    def assert_private(self, content, *, names_shown=True):
        assert ("Quiet Otter" in content) is names_shown
        assert "@example.org" not in content
        for username in ["maya", "sam", "tess"]:
            assert not re.search(rf"\b{username}\b", content, re.I), f"{username!r} is on the page"

    @pytest.mark.parametrize("viewer", [None, "member", "second_member", "third_member", "moderator"])
    def test_the_article_page_shows_no_usernames_or_emails(self, client, request, article, discussion, viewer):
        if viewer:
            client.force_login(request.getfixturevalue(viewer))

        self.assert_private(page_text(client.get(article.get_absolute_url())))

    def test_the_reply_page_shows_no_usernames_or_emails(self, client, second_member, discussion):
        client.force_login(second_member)

        self.assert_private(page_text(client.get(f"/comments/{discussion.pk}/reply/")))

    def test_the_community_page_shows_no_usernames_or_emails(self, client, discussion):
        self.assert_private(page_text(client.get("/community/")))

    def test_the_edit_delete_and_report_pages_show_no_usernames_or_emails(
        self, client, member, second_member, discussion
    ):
        client.force_login(member)
        self.assert_private(page_text(client.get(f"/comments/{discussion.pk}/edit/")), names_shown=False)
        self.assert_private(page_text(client.get(f"/comments/{discussion.pk}/delete/")))
        client.force_login(second_member)
        self.assert_private(page_text(client.get(f"/comments/{discussion.pk}/report/")))
