"""
Readers on a phone (issue 12): "On this page" on the article, a compact header whose search box is
labelled and one tap away without script, messages shown where the reader lands after posting,
replying or reporting, and the details a real site has (a logo and favicon, valid <time> values).
The header's height and the screenshots are in tests/test_browser_phone.py.
"""

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management import call_command

from articles.caching import discussion_versions, version_tag
from articles.models import Article
from community.models import Comment
from community.views.comments import COMMENTS_PER_PAGE

STOMP2 = "/articles/stem-cell-therapy-perianal-fistulas-stomp2/"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def on_this_page(content):
    """The links of the "On this page" list, or None when there is none."""
    found = re.search(r'<nav class="on-this-page".*?</nav>', content, re.S)
    if found is None:
        return None
    return re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', found.group())


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


class TestOnThisPage:
    def test_the_flagship_article_lists_its_parts_in_page_order(self, client, demo):
        article = Article.objects.get(slug="stem-cell-therapy-perianal-fistulas-stomp2")

        content = client.get(STOMP2).content.decode()

        sections = [(f"#section-{s.pk}", s.heading.replace("'", "&#x27;")) for s in article.sections.all()]
        assert on_this_page(content) == [
            ("#summary", "Summary of the reporting"),
            *sections,
            ("#questions", "Questions for your healthcare team"),
            ("#discussion", "Discussion"),
        ]
        assert [heading for _, heading in sections][:2] == [
            "What this means for the IBD community",
            "Practical considerations for patients",
        ]

    def test_every_link_has_its_target_on_the_page_after_the_list(self, client, demo):
        content = client.get(STOMP2).content.decode()

        list_at = content.index('class="on-this-page"')
        for anchor, _ in on_this_page(content):
            assert content.index(f'id="{anchor[1:]}"') > list_at, anchor

    def test_it_lists_only_the_parts_an_article_has(self, client, make_article, make_question):
        article = make_article(
            kind=Article.Kind.FEATURE, source_publisher="", source_headline="", source_url="", summary=""
        )
        make_question(article)

        links = on_this_page(client.get(article.get_absolute_url()).content.decode())

        assert links == [("#questions", "Questions for your healthcare team"), ("#discussion", "Discussion")]

    def test_an_article_with_only_a_discussion_has_no_list(self, client, make_article):
        article = make_article(
            kind=Article.Kind.FEATURE, source_publisher="", source_headline="", source_url="", summary=""
        )

        assert on_this_page(client.get(article.get_absolute_url()).content.decode()) is None

    def test_the_preview_has_no_link_to_a_discussion_it_doesnt_show(self, client, editor, make_article, make_section):
        article = make_article(status=Article.Status.DRAFT)
        make_section(article)
        client.force_login(editor)

        content = client.get(article.get_absolute_url()).content.decode()

        assert "Preview, not published." in content

        assert ("#discussion", "Discussion") not in on_this_page(content)


class TestHeader:
    def test_the_search_box_is_labelled_and_one_tap_away_without_script(self, client, db):
        content = client.get("/").content.decode()

        header = content[content.index('<header class="site-header">') : content.index("</header>")]
        details = header[header.index('<details class="site-header__search">') : header.index("</details>")]
        assert "<summary>Search</summary>" in details
        assert '<label class="visually-hidden" for="site-search-q">Search articles</label>' in details
        assert 'id="site-search-q" name="q"' in details

    def test_it_shows_our_logo_and_favicon(self, client, db):
        content = client.get("/").content.decode()

        assert re.search(r'<link rel="icon" href="/static/img/favicon\.svg" type="image/svg\+xml">', content)
        assert re.search(r'<img class="site-logo" src="/static/img/logo\.svg" alt="" width="32" height="32">', content)

    @pytest.mark.parametrize("name", ["img/logo.svg", "img/favicon.svg"])
    def test_the_images_are_ours_and_valid_svg(self, name):
        root = ET.parse(finders.find(name)).getroot()

        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "http" not in Path(finders.find(name)).read_text().replace("http://www.w3.org/2000/svg", "")

    def test_the_page_for_a_broken_site_shows_them_too(self):
        source = (TEMPLATES / "_standalone.html").read_text()

        assert 'href="/static/img/favicon.svg"' in source and 'src="/static/img/logo.svg"' in source


def post(client, article, body="Thank you for explaining this so clearly.", parent=None):
    data = {"body": body} | ({"parent": parent.pk} if parent else {})
    return client.post(f"/articles/{article.slug}/comments/", data, follow=True)


def landed_comment(content):
    """The comment the reader landed on, marked with their message, or None."""
    found = re.search(r'<article class="comment[^"]*comment--landed".*?</article>', content, re.S)
    return found.group() if found else None


def top_messages(content):
    """The messages at the top of the page, above <main>."""
    top = content[: content.index('<main id="main"')]
    return re.findall(r'<p class="message[^"]*">([^<]*)</p>', top)


@pytest.fixture
def sams_comment(article, second_member, make_comment):
    return make_comment(article, second_member, body="This trial changed my mind about biologics.")


@pytest.fixture
def article(make_article):
    return make_article()


class TestMessagesWhereTheReaderLands:
    def test_after_posting_the_message_is_in_the_new_comment_and_marks_it(self, client, member, article):
        client.force_login(member)

        response = post(client, article)

        comment = Comment.objects.get(author=member)
        assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
        content = response.content.decode()
        landed = landed_comment(content)
        assert f'id="comment-{comment.pk}"' in landed
        assert '<p class="comment__marker">Just posted</p>' in landed
        assert "Thank you: your comment" in landed
        assert top_messages(content) == []

    def test_after_replying_the_reply_is_marked(self, client, member, article, sams_comment):
        client.force_login(member)

        content = post(client, article, body="Same here, thank you.", parent=sams_comment).content.decode()

        reply = Comment.objects.get(author=member)
        landed = landed_comment(content)
        assert f'id="comment-{reply.pk}"' in landed and "Just posted" in landed
        assert "Thank you: your comment" in landed
        assert "Thank you: your comment" not in content.replace(landed, "")

    def test_after_reporting_the_thanks_are_at_the_comment_reported(self, client, member, article, sams_comment):
        client.force_login(member)

        response = client.post(f"/comments/{sams_comment.pk}/report/", {"reason": "abuse", "note": ""}, follow=True)

        assert response.redirect_chain[-1][0].endswith(f"#comment-{sams_comment.pk}")
        landed = landed_comment(response.content.decode())
        assert f'id="comment-{sams_comment.pk}"' in landed
        assert "Thank you for your report." in landed
        assert "Just posted" not in landed

    def test_after_editing_the_comment_is_marked_as_edited(self, client, member, article, make_comment):
        comment = make_comment(article, member)
        client.force_login(member)

        response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Edited: thank you."}, follow=True)

        landed = landed_comment(response.content.decode())
        assert "Just edited" in landed and "Your comment is updated." in landed

    def test_the_message_and_marker_show_once(self, client, member, article):
        client.force_login(member)
        post(client, article)

        content = client.get(article.get_absolute_url()).content.decode()

        assert landed_comment(content) is None
        assert "Just posted" not in content and "Thank you: your comment" not in content

    def test_other_messages_stay_at_the_top(self, client, member, make_article):
        closed = make_article(comments_open=False)
        client.force_login(member)

        content = post(client, closed).content.decode()

        assert top_messages(content) == ["Comments are closed on this article."]
        assert landed_comment(content) is None

    def test_a_message_for_a_comment_not_on_the_page_shows_above_the_thread(
        self, client, member, second_member, article, make_comment
    ):
        for n in range(COMMENTS_PER_PAGE):
            make_comment(article, second_member, body=f"Comment {n}")
        client.force_login(member)
        response = client.post(f"/articles/{article.slug}/comments/", {"body": "Thank you for explaining this."})
        assert "comments=2" in response.url  # the new comment is on the second page

        content = client.get(response.url.replace("comments=2&", "")).content.decode()  # the first, with ?posted=

        discussion = content[content.index('id="discussion"') :]
        assert re.search(
            r'<div class="messages" role="status"><p class="message[^"]*">Thank you: your comment', discussion
        )

    def test_the_address_tells_only_its_author_of_a_comment_posted(self, client, member, second_member, article):
        client.force_login(member)
        landing = client.post(f"/articles/{article.slug}/comments/", {"body": "Thank you for explaining this."}).url
        assert "?posted=" in landing

        client.force_login(second_member)
        content = client.get(landing).content.decode()

        assert landed_comment(content) is None
        assert "Just posted" not in content and "Thank you: your comment" not in content

    def test_neither_is_ever_in_a_shared_or_cached_thread(self, client, member, third_member, article, sams_comment):
        client.force_login(member)
        post(client, article)

        versions = version_tag(discussion_versions(article.slug))
        keys = [f"thread:{versions}:{article.pk}:1:{viewer}" for viewer in ("member", "reader")]
        for html, _ in cache.get_many(keys).values():
            assert "Just posted" not in html and "comment--landed" not in html and "Thank you" not in html
        client.logout()
        reader_page = client.get(article.get_absolute_url()).content.decode()
        assert "Just posted" not in reader_page and "comment--landed" not in reader_page
        client.force_login(third_member)  # nothing of their own here: the shared copy for members
        members_page = client.get(article.get_absolute_url()).content.decode()
        assert "Just posted" not in members_page and "comment--landed" not in members_page
        for html in cache.get_many(keys).values():
            assert "Just posted" not in html and "comment--landed" not in html and "Thank you" not in html


class TestTimes:
    def test_no_page_writes_a_datetime_with_a_fraction_of_a_second(
        self, client, moderator, member, article, make_comment
    ):
        comment = make_comment(article, member, status=Comment.Status.PENDING)
        make_comment(article, member)
        assert comment.created_at.microsecond  # a real comment's time has them
        client.force_login(moderator)

        pages = [article.get_absolute_url(), "/", "/community/", "/moderation/", f"/moderation/members/{member.pk}/"]
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            content = response.content.decode()
            values = re.findall(r'datetime="([^"]*)"', content)
            assert values, path
            for value in values:
                assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d{4})?", value), (path, value)

    @pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
    def test_every_template_writes_datetimes_in_one_format(self, template):
        for value in re.findall(r'datetime="\{\{ [^}]*\}\}"', template.read_text()):
            assert re.search(r"\|date:'(Y-m-d|Y-m-d\\TH:i:sO)' \}\}", value), value
