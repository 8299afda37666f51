"""Issue 12, the reader's page: a featured article editors choose, topic introductions, feed links in
plain words and a "Key points" box near the top of the article."""

import html
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from articles.models import Article, SiteSettings, Topic


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def featured_headline(client):
    content = client.get("/").content.decode()
    featured = re.search(r'<section aria-labelledby="featured-heading".*?</section>', content, re.S).group()
    return html.unescape(re.search(r"<h3[^>]*>.*?<a[^>]*>(.*?)</a>", featured, re.S).group(1).strip())


def feature(article):
    settings = SiteSettings.load()
    settings.featured_article = article
    settings.save()


# The featured article ------------------------------------------------------------------


class TestFeaturedArticle:
    def test_the_editors_choice_is_featured_even_when_a_newer_article_is_published(self, client, make_article):
        chosen = make_article(headline="The chosen one", published_at=days_ago(5))
        make_article(headline="An unreviewed test item", published_at=days_ago(1))
        feature(chosen)

        assert featured_headline(client) == "The chosen one"
        content = client.get("/").content.decode()
        assert content.count("The chosen one") == 1  # not repeated in the latest list below
        assert "An unreviewed test item" in content

    def test_with_no_choice_the_newest_published_article_is_featured(self, client, make_article):
        make_article(headline="Older", published_at=days_ago(5))
        make_article(headline="Newest", published_at=days_ago(1))

        assert featured_headline(client) == "Newest"

    @pytest.mark.parametrize(
        "change",
        [
            {"status": Article.Status.DRAFT, "published_at": None},
            {"status": Article.Status.IN_REVIEW, "published_at": None},
            {"published_at": timezone.now() + timedelta(days=3)},  # scheduled
        ],
        ids=["unpublished", "in-review", "scheduled"],
    )
    def test_a_choice_readers_cannot_see_falls_back_to_the_newest(self, client, make_article, change):
        chosen = make_article(headline="The chosen one", published_at=days_ago(5))
        make_article(headline="Newest", published_at=days_ago(1))
        feature(chosen)
        Article.objects.filter(pk=chosen.pk).update(**change)

        assert featured_headline(Client()) == "Newest"
        assert "The chosen one" not in Client().get("/").content.decode()

    def test_choosing_shows_at_once_to_signed_out_readers(self, client, make_article):
        chosen = make_article(headline="The chosen one", published_at=days_ago(5))
        make_article(headline="Newest", published_at=days_ago(1))
        assert featured_headline(client) == "Newest"

        feature(chosen)

        assert featured_headline(Client()) == "The chosen one"

    def test_deleting_the_chosen_article_clears_the_choice(self, make_article):
        chosen = make_article()
        feature(chosen)

        chosen.delete()

        assert SiteSettings.load().featured_article is None

    def test_admin_offers_only_published_articles(self, client, editor, make_article):
        make_article(headline="A draft", status=Article.Status.DRAFT, published_at=None)
        published = make_article(headline="Live")
        draft = Article.objects.get(headline="A draft")
        client.force_login(editor)
        form = client.get("/admin/articles/sitesettings/1/change/").content.decode()
        assert 'name="featured_article"' in form

        response = client.post(
            "/admin/articles/sitesettings/1/change/",
            {"medical_disclaimer": "Ask your doctor.", "reading_grade_target": 7, "featured_article": draft.pk},
        )

        assert response.status_code == 200  # the form again, with an error
        assert "featured_article" in response.context["adminform"].form.errors
        response = client.post(
            "/admin/articles/sitesettings/1/change/",
            {"medical_disclaimer": "Ask your doctor.", "reading_grade_target": 7, "featured_article": published.pk},
        )
        assert response.status_code == 302
        assert SiteSettings.load().featured_article == published


# Topic pages -------------------------------------------------------------------------


class TestTopicIntroduction:
    def test_the_topic_page_shows_the_editors_introduction_as_safe_html(self, client, db):
        topic = Topic.objects.get(slug="treatments")
        topic.introduction = "Some medicines **calm** the gut.\n\n<script>alert(1)</script>"
        topic.save()

        content = client.get("/topics/treatments/").content.decode()

        intro = re.search(r'<section class="prose topic-introduction".*?</section>', content, re.S).group()
        assert '<h2 id="topic-introduction-heading">About Treatments</h2>' in intro
        assert "<strong>calm</strong>" in intro
        assert "<script>" not in intro

    def test_editors_write_it_in_admin(self, client, editor):
        client.force_login(editor)

        form = client.get(f"/admin/articles/topic/{Topic.objects.get(slug='treatments').pk}/change/")

        assert 'name="introduction"' in form.content.decode()

    def test_a_topic_without_an_introduction_shows_no_box(self, client, db):
        Topic.objects.filter(slug="treatments").update(introduction="", introduction_html="")

        assert "topic-introduction" not in client.get("/topics/treatments/").content.decode()


# Feed links in plain words -------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/topics/treatments/", "/tags/biologics/"])
def test_feed_links_read_get_updates_with_a_line_saying_what_rss_is(client, make_article, url):
    make_article(tags=["Biologics"])

    content = client.get(url).content.decode()

    assert re.search(r'<a href="/feeds/[^"]+\.rss">Get updates \(RSS\)</a>', content)
    assert "RSS lets a news-reader app show you new articles" in content
    assert ">RSS feed<" not in content and ">Atom feed<" not in content


# Key points ---------------------------------------------------------------------------

POINTS = "More people healed on the new drug.\nSide effects were mild.\nIt is not approved yet."


class TestKeyPoints:
    @pytest.mark.parametrize("count", [3, 4, 5])
    def test_three_to_five_points_are_accepted(self, build_article, count):
        build_article(key_points="\n".join(f"Point {n}." for n in range(count))).full_clean()

    @pytest.mark.parametrize("text", ["One.\nTwo.", "1\n2\n3\n4\n5\n6", "- One\n\n- Two\n   \n"])
    def test_fewer_than_three_or_more_than_five_are_refused(self, build_article, text):
        with pytest.raises(ValidationError) as raised:
            build_article(key_points=text).full_clean()

        assert "3 to 5 key points" in raised.value.message_dict["key_points"][0]

    def test_they_are_optional(self, build_article):
        build_article(key_points="").full_clean()

    def test_they_show_as_a_list_after_on_this_page_and_before_the_opening(self, client, make_article, make_section):
        article = make_article(key_points=f"- {POINTS}", opening="A warm opening.")
        make_section(article)

        content = client.get(article.get_absolute_url()).content.decode()

        box = re.search(r'<section class="key-points".*?</section>', content, re.S).group()
        assert '<h2 id="key-points">Key points</h2>' in box
        assert re.findall(r"<li>(.*?)</li>", box) == [
            "More people healed on the new drug.",
            "Side effects were mild.",
            "It is not approved yet.",
        ]  # the typed bullet is not part of the point
        assert content.index("On this page") < content.index("Key points") < content.index("A warm opening.")

    def test_an_article_without_them_has_no_box(self, client, make_article):
        content = client.get(make_article().get_absolute_url()).content.decode()

        assert "key-points" not in content

    def test_the_plain_language_checks_read_them(self, make_article):
        from articles.models import HypeWord

        article = make_article(key_points="A miracle for colitis\nSide effects were mild\nAsk your team first")

        check = article.plain_language_check(7, HypeWord.objects.pairs())

        assert "Key points" in [label for label, _ in check.parts]
        assert ("miracle", "Key points") in [(match.word, match.where) for match in check.hype]
        assert "miracle" in Article.objects.get(pk=article.pk).hype_words


# The demo -----------------------------------------------------------------------------


def test_the_demo_features_stomp2_introduces_its_topics_and_gives_key_points(db, client):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())

    stomp2 = Article.objects.get(slug="stem-cell-therapy-perianal-fistulas-stomp2")
    assert SiteSettings.load().featured_article == stomp2
    assert len(stomp2.key_point_list) in range(3, 6)
    assert all(topic.introduction_html for topic in Topic.objects.all())
    assert featured_headline(client) == stomp2.headline
