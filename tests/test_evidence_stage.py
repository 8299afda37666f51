"""The evidence stage of a research story: the publishing rule, the badge readers see, the research
stages page, and the stage filter on topic and tag lists."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

import tests.test_article_pages as article_pages
from articles.evidence import STAGES, EvidenceStage
from articles.models import Article, Topic
from tests.test_editor_admin import ADD_URL, CHANGELIST_URL, article_form_data, form_errors

RANDOMISED = EvidenceStage.RANDOMISED_TRIAL
EARLY = EvidenceStage.EARLY_TRIAL


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def days_ago(days):
    return timezone.now() - timedelta(days=days)


# The stages themselves -------------------------------------------------------


def test_every_stage_has_a_label_a_sentence_for_readers_and_an_explanation():
    assert list(STAGES) == list(EvidenceStage.values)
    for choice in EvidenceStage:
        stage = STAGES[choice.value]
        assert stage.label == choice.label
        assert stage.meaning.endswith(".") and len(stage.meaning.split()) < 40
        assert len(stage.explanation) > len(stage.meaning)


@pytest.mark.parametrize("stage", list(STAGES))
def test_no_stage_sentence_claims_a_treatment_is_unavailable_unless_the_stage_is_about_a_new_one(stage):
    """Issue 12: a vitamin D trial was told vitamin D "is not yet approved or available from your doctor".

    Only the stages of a new treatment's road may say it can't be had yet; the trial and early stages are
    picked for studies of treatments in use too, so their sentences must not say so.
    """
    meaning = STAGES[stage].meaning.lower()
    for claim in ["not yet approved", "not available", "not yet available", "can't prescribe", "cannot prescribe"]:
        assert claim not in meaning


def test_a_trial_of_a_treatment_already_available_has_its_own_stage_that_says_so():
    stage = STAGES[EvidenceStage.AVAILABLE_TREATMENT]

    assert stage.label == "New evidence about a treatment already available"
    assert "already get" in stage.meaning
    assert "team" in stage.meaning  # don't change anything on your own


# The publishing rule -----------------------------------------------------------


def test_research_news_cannot_be_published_without_a_stage(build_article):
    article = build_article(evidence_stage="")

    with pytest.raises(ValidationError) as raised:
        article.full_clean()

    assert raised.value.message_dict["evidence_stage"] == [
        "Choose the stage of the evidence this article reports. Research news can't be published without it."
    ]


def test_database_refuses_published_research_news_without_a_stage(build_article):
    article = build_article(evidence_stage="")

    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()

    assert not Article.objects.exists()


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.IN_REVIEW])
def test_research_news_may_wait_for_its_stage_until_it_is_published(build_article, status):
    article = build_article(evidence_stage="", status=status)

    article.full_clean()
    article.save()

    assert Article.objects.get(pk=article.pk).evidence_stage == ""


def test_a_feature_is_published_without_a_stage(build_article):
    article = build_article(kind=Article.Kind.FEATURE, evidence_stage="")

    article.full_clean()
    article.save()

    assert list(Article.objects.published()) == [article]


def test_an_unknown_stage_is_refused(build_article):
    with pytest.raises(ValidationError) as raised:
        build_article(evidence_stage="miracle").full_clean()

    assert "evidence_stage" in raised.value.message_dict


class TestAdmin:
    def test_the_editor_sees_the_stage_beside_the_source_with_its_help(self, editor_client):
        content = editor_client.get(ADD_URL).content.decode()

        assert content.index('name="source_published_on"') < content.index('name="evidence_stage"')
        assert content.index('name="evidence_stage"') < content.index('name="closing"')
        assert "Required before research news can be published" in content
        assert '<option value="randomised-trial">Larger randomised trial</option>' in content
        assert 'href="/research-stages/"' in content

    def test_the_editor_publishes_research_news_with_its_stage(self, editor_client, topic, make_contributor):
        data = article_form_data(topic, make_contributor(), evidence_stage="early-trial")

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 302
        article = Article.objects.get()
        assert article.evidence_stage == "early-trial"
        assert article.is_published()

    def test_it_refuses_to_publish_research_news_without_a_stage(self, editor_client, topic, make_contributor):
        response = editor_client.post(ADD_URL, article_form_data(topic, make_contributor(), evidence_stage=""))

        assert response.status_code == 200
        assert form_errors(response)["evidence_stage"] == [
            "Choose the stage of the evidence this article reports. Research news can't be published without it."
        ]
        assert not Article.objects.exists()

    def test_a_draft_is_saved_without_a_stage(self, editor_client, topic, make_contributor):
        data = article_form_data(topic, make_contributor(), evidence_stage="", status="draft")

        editor_client.post(ADD_URL, data)

        assert Article.objects.get().evidence_stage == ""

    def test_the_bulk_publish_action_refuses_an_article_without_a_stage(
        self, editor_client, make_article, answer_review_checklist
    ):
        staged = make_article(status=Article.Status.DRAFT, published_at=None)
        unstaged = make_article(
            headline="Stage not chosen", status=Article.Status.DRAFT, published_at=None, evidence_stage=""
        )
        for article in (staged, unstaged):
            answer_review_checklist(article)

        response = editor_client.post(
            CHANGELIST_URL,
            {"action": "publish_selected", "_selected_action": [staged.pk, unstaged.pk], "index": 0},
            follow=True,
        )

        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert messages[0] == "Published 1 article."
        assert messages[1].startswith("Not published, because something required is missing")
        assert "Stage not chosen" in messages[1]
        staged.refresh_from_db()
        unstaged.refresh_from_db()
        assert staged.status == Article.Status.PUBLISHED
        assert unstaged.status == Article.Status.DRAFT

    def test_the_article_list_shows_and_filters_by_stage(self, editor_client, make_article):
        make_article(headline="An early one", evidence_stage=EARLY)
        make_article(headline="A randomised one", evidence_stage=RANDOMISED)

        content = editor_client.get(CHANGELIST_URL, {"evidence_stage__exact": "early-trial"}).content.decode()

        assert "An early one" in content
        assert "A randomised one" not in content

    def test_a_moderator_cannot_change_the_stage(self, client, moderator, make_article):
        article = make_article(evidence_stage=EARLY)
        client.force_login(moderator)

        response = client.post(f"/admin/articles/article/{article.pk}/change/", {"evidence_stage": "approved"})

        assert response.status_code == 403
        article.refresh_from_db()
        assert article.evidence_stage == EARLY

    def test_a_member_is_sent_to_the_admin_login(self, client, member, make_article):
        article = make_article(evidence_stage=EARLY)
        client.force_login(member)

        response = client.post(f"/admin/articles/article/{article.pk}/change/", {"evidence_stage": "approved"})

        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        article.refresh_from_db()
        assert article.evidence_stage == EARLY


# What readers see ---------------------------------------------------------------


class TestBadge:
    def test_the_article_page_shows_the_stage_and_what_it_means_by_the_headline(self, client, make_article):
        article = make_article(headline="A careful trial result", evidence_stage=EARLY)

        content = client.get(article.get_absolute_url()).content.decode()

        header = re.search(r'<header class="article__header">.*?</header>', content, re.S).group()
        assert "Evidence stage: <strong>Early human trial</strong>" in header
        assert escape(STAGES["early-trial"].meaning) in header
        assert header.index("<h1>") < header.index("Evidence stage:") < header.index('class="standfirst"')
        assert 'href="/research-stages/#stage-early-trial">Understanding research stages' in header

    def test_an_article_without_a_stage_shows_no_badge(self, client, make_article):
        article = make_article(kind=Article.Kind.FEATURE, evidence_stage="")

        content = client.get(article.get_absolute_url()).content.decode()

        assert "Evidence stage" not in content

    @pytest.mark.parametrize("url", ["/", "/topics/treatments/", "/tags/biologics/"])
    def test_every_card_shows_a_compact_badge(self, client, make_article, url):
        make_article(evidence_stage=EARLY, tags=["Biologics"])
        make_article(evidence_stage=EvidenceStage.APPROVED, tags=["Biologics"])
        make_article(kind=Article.Kind.FEATURE, evidence_stage="", tags=["Biologics"])

        content = client.get(url).content.decode()

        badge = '<p class="card__stage stage-badge"><span class="visually-hidden">Evidence </span>Stage: {}</p>'
        assert badge.format("Early human trial") in content
        assert badge.format("Approved for use") in content
        assert content.count('class="card__stage') == 2

    def test_a_changed_stage_shows_at_once_to_signed_out_readers(self, client, make_article):
        article = make_article(evidence_stage=EARLY)
        client.get(article.get_absolute_url())

        article.evidence_stage = EvidenceStage.REGULATORY_REVIEW
        article.save()

        assert "Under regulatory review" in Client().get(article.get_absolute_url()).content.decode()


class TestResearchStagesPage:
    def test_it_explains_every_stage_under_its_own_anchor(self, client, db):
        content = client.get("/research-stages/").content.decode()

        assert "<h1>Understanding research stages</h1>" in content
        for stage in STAGES.values():
            assert f'<section id="stage-{stage.value}"' in content
            assert f'<a href="#stage-{stage.value}">{stage.label}</a>' in content
            assert escape(stage.meaning) in content
            assert escape(stage.explanation) in content

    def test_every_page_links_to_it_from_the_footer(self, client, make_article):
        article = make_article()

        for url in ["/", article.get_absolute_url(), "/about/"]:
            assert '<a href="/research-stages/">Understanding research stages</a>' in client.get(url).content.decode()

    def test_it_is_cached_for_signed_out_readers(self, client, db, django_assert_num_queries):
        first = client.get("/research-stages/")

        with django_assert_num_queries(0):
            second = Client().get("/research-stages/")

        assert first.status_code == second.status_code == 200
        assert second.content == first.content


# The stage filter on topic and tag lists ---------------------------------------------


@pytest.fixture
def mixed(make_article):
    """Two early trials and one randomised trial, about treatments and tagged "Biologics"."""
    make_article(headline="Early news one", evidence_stage=EARLY, tags=["Biologics"], published_at=days_ago(1))
    make_article(headline="Early news two", evidence_stage=EARLY, tags=["Biologics"], published_at=days_ago(2))
    make_article(headline="Randomised news", evidence_stage=RANDOMISED, tags=["Biologics"], published_at=days_ago(3))


LISTS = ["/topics/treatments/", "/tags/biologics/"]


class TestStageFilter:
    @pytest.mark.parametrize("url", LISTS)
    def test_it_shows_only_articles_at_the_chosen_stage(self, client, mixed, url):
        response = client.get(url, {"stage": "early-trial"})

        assert [a.headline for a in response.context["page"]] == ["Early news one", "Early news two"]
        content = response.content.decode()
        assert '<option value="early-trial" selected>Early human trial</option>' in content
        assert "Showing 2 articles at the stage “Early human trial”." in content
        assert f'<a href="{url}">Show every stage</a>' in content

    @pytest.mark.parametrize("url", LISTS)
    def test_it_is_a_get_form_that_works_without_javascript(self, client, mixed, url):
        content = client.get(url).content.decode()

        form = re.search(r'<form method="get" action="[^"]+" class="stage-filter">.*?</form>', content, re.S).group()
        assert f'action="{url}"' in form
        assert '<label for="id_stage">Show articles at one evidence stage</label>' in form
        assert '<select name="stage" id="id_stage">' in form
        assert '<option value="" selected>All stages</option>' in form
        assert '<button type="submit" class="button button--secondary">Show articles</button>' in form
        assert "csrfmiddlewaretoken" not in content

    @pytest.mark.parametrize("url", LISTS)
    @pytest.mark.parametrize("bad", ["miracle", "<script>", "RANDOMISED-TRIAL", "early-trial\x00"])
    def test_an_unknown_stage_shows_every_article_and_says_so(self, client, mixed, url, bad):
        response = client.get(url, {"stage": bad})

        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 3
        content = response.content.decode()
        assert "We don't recognise that evidence stage, so articles at every stage are shown." in content
        assert "<script>" not in content.split("<main", 1)[1]

    def test_an_empty_result_says_so_and_offers_to_clear_the_filter(self, client, mixed):
        response = client.get("/topics/treatments/", {"stage": "approved"})

        assert response.status_code == 200
        content = response.content.decode()
        assert "No articles here are at the stage “Approved for use” yet." in content
        assert '<a href="/topics/treatments/">Show articles at every stage</a>' in content
        assert "No articles have been published in this topic yet" not in content

    def test_an_empty_result_on_a_tag_page_is_not_a_404(self, client, mixed):
        response = client.get("/tags/biologics/", {"stage": "approved"})

        assert response.status_code == 200
        assert "No articles here are at the stage “Approved for use” yet." in response.content.decode()

    def test_a_tag_with_no_published_articles_is_still_404_when_filtered(self, client, make_article):
        make_article(status=Article.Status.DRAFT, tags=["Unpublished"])

        assert client.get("/tags/unpublished/", {"stage": "early-trial"}).status_code == 404

    def test_it_leaves_out_drafts_at_the_chosen_stage(self, client, mixed, make_article):
        make_article(headline="Early draft", evidence_stage=EARLY, status=Article.Status.DRAFT)

        response = client.get("/topics/treatments/", {"stage": "early-trial"})

        assert "Early draft" not in response.content.decode()

    @pytest.mark.parametrize("url", LISTS)
    def test_pagination_keeps_the_filter(self, client, make_article, url):
        for day in range(12):
            make_article(
                headline=f"Early {day:02d}", evidence_stage=EARLY, tags=["Biologics"], published_at=days_ago(day + 1)
            )
        make_article(headline="Randomised", evidence_stage=RANDOMISED, tags=["Biologics"])

        first = client.get(url, {"stage": "early-trial"})
        second = client.get(url, {"stage": "early-trial", "page": 2})

        assert 'href="?stage=early-trial&amp;page=2"' in first.content.decode()
        assert 'href="?stage=early-trial&amp;page=1"' in second.content.decode()
        assert [a.headline for a in second.context["page"]] == ["Early 10", "Early 11"]
        assert "Page 2 of 2" in second.content.decode()

    def test_unfiltered_pagination_links_are_unchanged(self, client, make_article):
        for day in range(12):
            make_article(published_at=days_ago(day + 1))

        assert 'href="?page=2"' in client.get("/topics/treatments/").content.decode()

    def test_each_filter_is_cached_apart_for_signed_out_readers(self, client, mixed, django_assert_num_queries):
        early = client.get("/topics/treatments/", {"stage": "early-trial"})
        randomised = client.get("/topics/treatments/", {"stage": "randomised-trial"})

        with django_assert_num_queries(0):
            again = Client().get("/topics/treatments/", {"stage": "early-trial"})

        assert again.content == early.content
        assert "Randomised news" in randomised.content.decode()
        assert "Randomised news" not in early.content.decode()

    @pytest.mark.parametrize("count", [1, 20])
    @pytest.mark.parametrize(
        ("url", "queries"),
        [
            ("/topics/research/?stage=early-trial", article_pages.TestQueryCounts.TOPIC_PAGE_QUERIES),
            ("/tags/common/?stage=early-trial", article_pages.TestQueryCounts.TAG_PAGE_QUERIES),
        ],
    )
    def test_filtered_lists_cost_the_same_with_1_or_20_articles(
        self, client, make_article, make_contributor, django_assert_max_num_queries, count, url, queries
    ):
        author = make_contributor()
        topic = Topic.objects.get(slug="research")
        for n in range(count):
            stage = EARLY if n % 2 == 0 else RANDOMISED
            make_article(author=author, topic=topic, evidence_stage=stage, tags=[f"tag {n}", "common"])

        with django_assert_max_num_queries(queries):
            response = client.get(url)

        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min((count + 1) // 2, 10)

    def test_an_empty_filtered_tag_page_costs_one_query_more_at_most(
        self, client, mixed, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(article_pages.TestQueryCounts.TAG_PAGE_QUERIES + 1):
            response = client.get("/tags/biologics/?stage=approved")

        assert response.status_code == 200


# Demo content and the large dataset --------------------------------------------------


def test_the_demo_gives_stomp2_its_stage_and_every_research_article_one(client, db):
    call_command("seed_articles", stdout=io.StringIO())

    stomp2 = Article.objects.get(slug="stem-cell-therapy-perianal-fistulas-stomp2")
    assert stomp2.evidence_stage == RANDOMISED
    assert not Article.objects.filter(kind=Article.Kind.RESEARCH_NEWS, evidence_stage="").exists()
    assert (
        "Evidence stage: <strong>Larger randomised trial</strong>"
        in client.get(stomp2.get_absolute_url()).content.decode()
    )


def test_the_large_dataset_gives_every_research_article_a_stage_to_filter_by(client, db):
    call_command("generate_large_dataset", articles=30, comments=20, members=3, heavy_comments=2, hero_images=1,
                 stdout=io.StringIO())  # fmt: skip

    research = Article.objects.filter(kind=Article.Kind.RESEARCH_NEWS)
    assert research.count() > 10
    assert not research.filter(evidence_stage="").exists()
    assert research.values("evidence_stage").distinct().count() >= 3
    topic = research.exclude(slug="heavy-benchmark-article").first().topic
    stage = research.filter(topic=topic).first().evidence_stage
    response = client.get(topic.get_absolute_url(), {"stage": stage})
    assert response.context["page"].object_list
    assert {a.evidence_stage for a in response.context["page"]} == {stage}


# The migration --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_known_stages_and_holds_back_published_research_it_cannot_judge():
    """Articles published before stages existed: the demo's gets its stage, any other goes back to review."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    # Just before this migration, whatever the migrations before it are called once branches are merged.
    parents = executor.loader.graph.node_map[("articles", "0008_evidence_stage")].parents
    before = [parent.key for parent in parents if parent.key[0] == "articles"]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldArticle, OldContributor, OldTopic = (
        old.get_model("articles", name) for name in ["Article", "Contributor", "Topic"]
    )
    author = OldContributor.objects.create(name="Alex", slug="alex", bio="Writes.")
    common = {
        "topic": OldTopic.objects.first(),
        "author": author,
        "standfirst": "News.",
        "published_at": timezone.now(),
    }
    source = {"source_publisher": "P", "source_headline": "H", "source_url": "https://x.example/", "summary": "S"}
    source["source_published_on"] = timezone.now().date()
    for slug, kind, status in [
        ("stem-cell-therapy-perianal-fistulas-stomp2", "research", "published"),
        ("other-published-research", "research", "published"),
        ("a-research-draft", "research", "draft"),
        ("a-feature", "feature", "published"),
    ]:
        OldArticle.objects.create(slug=slug, headline=slug, kind=kind, status=status, **common, **source)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = dict(Article.objects.values_list("slug", "status"))
    stages = dict(Article.objects.values_list("slug", "evidence_stage"))
    assert rows == {
        "stem-cell-therapy-perianal-fistulas-stomp2": "published",
        "other-published-research": "review",
        "a-research-draft": "draft",
        "a-feature": "published",
    }
    assert stages["stem-cell-therapy-perianal-fistulas-stomp2"] == "randomised-trial"
    assert stages["other-published-research"] == ""


# The editor's own sentence for one article (issue 12) ------------------------------------

ADJUSTED = "This trial compared two medicines you can already get, to see which suits more people."


class TestAdjustedSentence:
    def test_an_adjusted_sentence_replaces_the_stages_own_beside_the_badge(self, client, make_article):
        article = make_article(evidence_stage=RANDOMISED, evidence_sentence=ADJUSTED)

        content = client.get(article.get_absolute_url()).content.decode()

        header = re.search(r'<header class="article__header">.*?</header>', content, re.S).group()
        assert "Evidence stage: <strong>Larger randomised trial</strong>" in header
        assert escape(ADJUSTED) in header
        assert escape(STAGES["randomised-trial"].meaning) not in content

    def test_a_blank_sentence_shows_the_stages_own(self, client, make_article):
        article = make_article(evidence_stage=RANDOMISED, evidence_sentence="   ")

        content = client.get(article.get_absolute_url()).content.decode()

        assert escape(STAGES["randomised-trial"].meaning) in content

    def test_the_preview_shows_the_adjusted_sentence(self, client, editor, make_article):
        article = make_article(status=Article.Status.DRAFT, published_at=None, evidence_sentence=ADJUSTED)
        client.force_login(editor)

        content = client.get(article.get_absolute_url()).content.decode()

        assert "Preview, not published." in content
        assert escape(ADJUSTED) in content

    def test_a_sentence_without_a_stage_is_refused(self, build_article):
        article = build_article(kind=Article.Kind.FEATURE, evidence_stage="", evidence_sentence=ADJUSTED)

        with pytest.raises(ValidationError) as raised:
            article.full_clean()

        assert "evidence_sentence" in raised.value.message_dict

    def test_the_change_form_offers_the_stages_own_sentence_first(self, editor_client, make_article):
        article = make_article(evidence_stage=EARLY)

        content = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()

        field = re.search(r'<textarea name="evidence_sentence"[^>]*>', content).group()
        assert f'placeholder="{escape(STAGES["early-trial"].meaning)}"' in field
        assert f"own sentence: “{STAGES['early-trial'].meaning}”" in content  # in the help under the box

    def test_the_plain_language_checks_read_the_adjusted_sentence(self, make_article):
        from articles.models import HypeWord

        article = make_article(evidence_sentence="A breakthrough that doctors can already offer.")

        check = article.plain_language_check(7, HypeWord.objects.pairs())

        assert "Evidence stage sentence" in [label for label, _ in check.parts]
        assert [(match.word, match.where) for match in check.hype] == [("breakthrough", "Evidence stage sentence")]
        assert Article.objects.get(pk=article.pk).hype_words == "breakthrough"


def test_the_research_stages_page_explains_the_stage_for_treatments_already_available(client, db):
    content = client.get("/research-stages/").content.decode()

    stage = STAGES["available-treatment"]
    assert '<section id="stage-available-treatment"' in content
    assert escape(stage.explanation) in content
    assert "editors adjust it on that article" in content


def test_existing_articles_keep_their_stage_through_the_migration(make_article):
    article = make_article(evidence_stage=RANDOMISED)

    assert Article.objects.get(pk=article.pk).evidence_stage == "randomised-trial"
    assert "available-treatment" in EvidenceStage.values
