"""The publishing rules that live on Article and its QuerySet, and what saving an image makes."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article

SOURCE_FIELDS = ["source_publisher", "source_headline", "source_url", "source_published_on", "summary"]
BLANK = {"source_published_on": None}


def blank_value(field):
    return BLANK.get(field, "")


def test_the_default_factory_article_is_valid_and_published(build_article):
    article = build_article()
    article.full_clean()
    article.save()

    assert article.is_published()
    assert list(Article.objects.published()) == [article]


@pytest.mark.parametrize("field", SOURCE_FIELDS)
def test_research_news_cannot_be_published_without_each_source_field(build_article, field):
    article = build_article(**{field: blank_value(field)})

    with pytest.raises(ValidationError) as raised:
        article.full_clean()

    assert field in raised.value.message_dict
    assert "can't be published without it" in raised.value.message_dict[field][0]


@pytest.mark.parametrize("field", SOURCE_FIELDS)
def test_database_refuses_published_research_news_without_each_source_field(build_article, field):
    article = build_article(**{field: blank_value(field)})

    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()

    assert not Article.objects.exists()


@pytest.mark.parametrize("field", SOURCE_FIELDS)
def test_research_news_draft_may_lack_its_source(build_article, field):
    article = build_article(status=Article.Status.DRAFT, **{field: blank_value(field)})

    article.full_clean()
    article.save()

    assert Article.objects.filter(pk=article.pk, status="draft").exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi", "news.example.org/story"])
def test_source_url_must_be_a_web_address(build_article, url):
    with pytest.raises(ValidationError) as raised:
        build_article(source_url=url).full_clean()

    assert "source_url" in raised.value.message_dict


def test_feature_can_be_published_without_a_source(build_article):
    article = build_article(
        kind=Article.Kind.FEATURE,
        source_publisher="",
        source_headline="",
        source_url="",
        source_published_on=None,
        summary="",
    )

    article.full_clean()
    article.save()

    assert list(Article.objects.published()) == [article]


def test_publishing_without_a_publish_time_sets_it_to_now(build_article):
    article = build_article(published_at=None)
    before = timezone.now()

    article.full_clean()

    assert before <= article.published_at <= timezone.now()


def test_database_refuses_published_article_without_publish_time(build_article):
    article = build_article(published_at=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()

    assert not Article.objects.exists()


def test_draft_keeps_an_empty_publish_time(build_article):
    article = build_article(status=Article.Status.DRAFT, published_at=None)

    article.full_clean()

    assert article.published_at is None


def test_published_excludes_drafts_in_review_and_scheduled(make_article):
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.IN_REVIEW)
    make_article(published_at=timezone.now() + timedelta(hours=1))

    assert list(Article.objects.published()) == [live]


def test_scheduled_article_is_published_once_its_time_passes(make_article):
    publish_at = timezone.now() + timedelta(hours=1)
    scheduled = make_article(published_at=publish_at)
    assert scheduled.is_scheduled
    assert not Article.objects.published().exists()

    with mock.patch("django.utils.timezone.now", return_value=publish_at + timedelta(seconds=1)):
        assert list(Article.objects.published()) == [scheduled]
        assert scheduled.is_published()
        assert not scheduled.is_scheduled


def test_scheduled_article_is_published_when_its_time_is_moved_to_the_past(make_article):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=2))

    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(minutes=1))

    assert list(Article.objects.published()) == [scheduled]


def test_published_lists_newest_first(make_article):
    older = make_article(published_at=timezone.now() - timedelta(days=3))
    newer = make_article(published_at=timezone.now() - timedelta(days=1))

    assert list(Article.objects.published()) == [newer, older]


def test_slug_is_unique_in_the_database(make_article, build_article):
    make_article(slug="same-address")

    with pytest.raises(IntegrityError), transaction.atomic():
        build_article(slug="same-address").save()

    assert Article.objects.filter(slug="same-address").count() == 1


def test_slug_is_unique_in_validation(make_article, build_article):
    make_article(slug="same-address")

    with pytest.raises(ValidationError) as raised:
        build_article(slug="same-address").full_clean()

    assert "slug" in raised.value.message_dict


def test_hero_image_requires_alt_text_and_credit(build_article, make_image_upload):
    article = build_article(hero_image=make_image_upload(), hero_alt="  ", hero_credit="")

    with pytest.raises(ValidationError) as raised:
        article.full_clean()

    assert set(raised.value.message_dict) >= {"hero_alt", "hero_credit"}


def test_medical_reviewer_requires_a_review_date(build_article, make_contributor):
    article = build_article(medical_reviewer=make_contributor(name="Dr Rana"), reviewed_on=None)

    with pytest.raises(ValidationError) as raised:
        article.full_clean()

    assert list(raised.value.message_dict) == ["reviewed_on"]


def test_medical_reviewer_with_a_review_date_is_valid(build_article, make_contributor):
    article = build_article(medical_reviewer=make_contributor(), reviewed_on=date(2025, 2, 1))

    article.full_clean()


def test_markdown_fields_are_rendered_when_saved(make_article):
    article = make_article(opening="Hello *reader*.", summary="They **found** it.", closing="Take care.")

    assert article.opening_html == "<p>Hello <em>reader</em>.</p>"
    assert article.summary_html == "<p>They <strong>found</strong> it.</p>"
    assert article.closing_html == "<p>Take care.</p>"


class TestHeroRenditions:
    @pytest.fixture
    def article(self, make_article, make_image_upload):
        return make_article(
            hero_image=make_image_upload(1000, 600),
            hero_alt="A nurse talks with a patient",
            hero_credit="Photo: Example Hospital",
        )

    def test_saving_an_image_makes_webp_renditions_no_wider_than_the_original(self, article):
        renditions = article.hero_renditions

        assert [r["width"] for r in renditions] == [480, 800, 1000]
        for rendition in renditions:
            assert rendition["name"].endswith(".webp")
            assert rendition["width"] <= article.hero_width == 1000
            assert rendition["height"] == round(600 * rendition["width"] / 1000)
            assert default_storage.exists(rendition["name"])

    def test_renditions_are_stored_on_the_row(self, article):
        article.refresh_from_db()

        assert len(article.hero_renditions) == 3
        assert (article.hero_width, article.hero_height) == (1000, 600)

    def test_an_image_wider_than_the_largest_rendition_is_capped(self, make_article, make_image_upload):
        article = make_article(hero_image=make_image_upload(1700, 400), hero_alt="A chart", hero_credit="Us")

        assert [r["width"] for r in article.hero_renditions] == [480, 800, 1200, 1600]

    def test_saving_again_without_a_new_image_keeps_the_renditions(self, article):
        renditions = article.hero_renditions

        article.headline = "A new headline"
        article.save()
        article.refresh_from_db()

        assert article.hero_renditions == renditions

    def test_removing_the_image_clears_the_renditions(self, article):
        article.hero_image = None
        article.hero_alt = article.hero_credit = ""
        article.save()
        article.refresh_from_db()

        assert article.hero_renditions == []

    def test_article_page_serves_renditions_never_the_original(self, client, article):
        original = article.hero_image.name
        assert original.startswith("articles/originals/")

        response = client.get(article.get_absolute_url())

        content = response.content.decode()
        assert original not in content
        assert "articles/originals/" not in content
        for rendition in article.hero_renditions:
            assert f"/media/{rendition['name']} {rendition['width']}w" in content
        assert 'alt="A nurse talks with a patient"' in content
        assert "Photo: Example Hospital" in content
