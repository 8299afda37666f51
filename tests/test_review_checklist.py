"""
The review checklist (issue 7): ten questions health-news reviewers ask of a
research story, answered in admin by an editor who is not a superuser,
required before research news is published, and shown to readers as "How we
checked this story".
"""

import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext

from articles import caching
from articles.models import Article, ReviewAnswer
from tests.test_editor_admin import ADD_URL, CHANGELIST_URL, article_form_data, with_inline_rows

Criterion, Answer = ReviewAnswer.Criterion, ReviewAnswer.Answer
PREFIX = "review_answers"
YES = {"answer": "yes", "note": "The story covers this."}


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def answers_of(article):
    return {a.criterion: (a.answer, a.note) for a in ReviewAnswer.objects.filter(article=article)}


def with_checklist(data, rows):
    """Form data with the checklist's pre-filled rows posted as ``rows`` (an empty dict: a row left blank)."""
    data = {key: value for key, value in data.items() if not re.match(rf"{PREFIX}-\d", key)}
    return with_inline_rows(data, PREFIX, rows)


def checklist_rows(rows, initial=0):
    """Posted checklist rows: ``rows`` fill the pre-filled blank rows in order; ``initial`` saved rows come first."""
    return {f"{PREFIX}-INITIAL_FORMS": initial} | {
        f"{PREFIX}-{initial + index}-{name}": value for index, row in enumerate(rows) for name, value in row.items()
    }


@pytest.fixture
def author(make_contributor):
    return make_contributor(name="Priya Shah")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


class TestTheModelRule:
    def test_research_news_starts_with_every_criterion_unanswered(self, make_article):
        article = make_article(status=Article.Status.DRAFT)

        assert article.unanswered_review_criteria() == list(Criterion)

    def test_answered_criteria_drop_off_the_list(self, make_article):
        article = make_article(status=Article.Status.DRAFT)
        ReviewAnswer.objects.create(article=article, criterion=Criterion.HARMS, answer=Answer.YES)
        ReviewAnswer.objects.create(
            article=article, criterion=Criterion.COSTS, answer=Answer.NOT_APPLICABLE, note="Not a product."
        )

        assert Criterion.HARMS not in article.unanswered_review_criteria()
        assert Criterion.COSTS not in article.unanswered_review_criteria()
        assert len(article.unanswered_review_criteria()) == 8

    def test_a_complete_checklist_leaves_nothing_unanswered(self, make_article, answer_review_checklist):
        article = answer_review_checklist(make_article(status=Article.Status.DRAFT))

        assert article.unanswered_review_criteria() == []

    def test_features_are_exempt(self, make_article):
        feature = make_article(kind=Article.Kind.FEATURE, status=Article.Status.DRAFT)

        assert feature.unanswered_review_criteria() == []

    def test_an_unsaved_article_has_everything_unanswered(self, build_article):
        assert len(build_article().unanswered_review_criteria()) == 10

    @pytest.mark.parametrize("answer", [Answer.NO, Answer.NOT_APPLICABLE])
    def test_no_or_not_applicable_needs_a_note(self, make_article, answer):
        review = ReviewAnswer(article=make_article(), criterion=Criterion.COSTS, answer=answer, note="  ")

        with pytest.raises(ValidationError) as error:
            review.full_clean()

        assert "readers see this note" in error.value.message_dict["note"][0]

    @pytest.mark.parametrize("note", ["", "   "])
    def test_yes_needs_a_note_too(self, make_article, note):
        with pytest.raises(ValidationError) as error:
            ReviewAnswer(article=make_article(), criterion=Criterion.COSTS, answer=Answer.YES, note=note).full_clean()

        assert "“Yes” included" in error.value.message_dict["note"][0]

    def test_each_criterion_is_answered_once_per_article(self, make_article):
        article = make_article()
        ReviewAnswer.objects.create(article=article, criterion=Criterion.HARMS, answer=Answer.YES)

        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewAnswer.objects.create(article=article, criterion=Criterion.HARMS, answer=Answer.NO, note="x")

    def test_an_answer_saved_makes_the_articles_cached_page_stale(self, make_article):
        article = make_article()
        before = caching.current_versions([caching.article_version(article.slug)])

        ReviewAnswer.objects.create(article=article, criterion=Criterion.HARMS, answer=Answer.YES)

        assert caching.current_versions([caching.article_version(article.slug)]) > before


class TestTheAdminForm:
    def test_the_add_form_offers_all_ten_questions_with_hints(self, editor_client):
        content = editor_client.get(ADD_URL).content.decode()

        assert f'name="{PREFIX}-TOTAL_FORMS" value="10"' in content
        for criterion in Criterion:
            question, hint = ReviewAnswer.QUESTIONS[criterion]
            assert question.replace("'", "&#x27;") in content
            assert f"Good: {hint}".replace("'", "&#x27;") in content
        assert content.count(f'name="{PREFIX}-0-answer"') == 3  # yes, no, not applicable

    def test_the_change_form_shows_saved_answers_then_the_questions_left(self, editor_client, make_article):
        article = make_article(status=Article.Status.DRAFT)
        ReviewAnswer.objects.create(article=article, criterion=Criterion.NOVELTY, answer=Answer.YES)

        response = editor_client.get(change_url(article))

        formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == PREFIX)
        assert [form.initial["criterion"] for form in formset.forms] == [
            Criterion.NOVELTY,
            *[c for c in Criterion if c != Criterion.NOVELTY],
        ]

    def test_editor_publishes_research_news_with_every_question_answered(self, editor, editor_client, topic, author):
        rows = [YES] * 9 + [{"answer": "n/a", "note": "Our source was the journal paper itself."}]
        data = with_checklist(article_form_data(topic, author), rows)

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 302
        article = Article.objects.get()
        assert article.is_published()
        assert article.unanswered_review_criteria() == []
        assert answers_of(article)[Criterion.BEYOND_PRESS_RELEASE] == (
            "n/a",
            "Our source was the journal paper itself.",
        )
        assert set(ReviewAnswer.objects.values_list("answered_by", flat=True)) == {editor.pk}

    def test_an_unanswered_question_blocks_publishing(self, editor_client, topic, author):
        rows = [YES] * 4 + [{}] + [YES] * 5  # the fifth left blank
        data = with_checklist(article_form_data(topic, author), rows)

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 200
        content = response.content.decode()
        assert "can&#x27;t be published until every question on the review checklist is answered" in content
        assert "Still to answer: Alternatives compared." in content
        assert not Article.objects.exists()
        assert not ReviewAnswer.objects.exists()

    def test_an_empty_checklist_names_every_question(self, editor_client, topic, author):
        data = with_checklist(article_form_data(topic, author), [{}] * 10)

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 200
        assert "Still to answer: Benefits given in numbers; Harms covered;" in response.content.decode()
        assert not Article.objects.exists()

    def test_a_draft_saves_with_the_checklist_half_done(self, editor_client, topic, author):
        rows = [YES, {"answer": "no", "note": "No figures were reported."}]
        data = with_checklist(article_form_data(topic, author, status="draft"), rows)
        data[f"{PREFIX}-TOTAL_FORMS"] = 10

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 302
        article = Article.objects.get()
        assert answers_of(article) == {1: ("yes", "The story covers this."), 2: ("no", "No figures were reported.")}
        assert len(article.unanswered_review_criteria()) == 8

    @pytest.mark.parametrize("answer", ["yes", "no", "n/a"])
    def test_any_answer_without_a_note_is_refused(self, editor_client, topic, author, answer):
        rows = [YES] * 3 + [{"answer": answer, "note": ""}] + [YES] * 6
        data = with_checklist(article_form_data(topic, author), rows)

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 200
        assert "readers see this note" in response.content.decode()
        assert not Article.objects.exists()

    def test_an_answer_outside_the_choices_is_refused_without_a_500(self, editor_client, topic, author):
        rows = [{"answer": "maybe"}] + [YES] * 9
        data = with_checklist(article_form_data(topic, author), rows)

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not Article.objects.exists()

    def test_a_posted_criterion_is_ignored(self, editor_client, topic, author):
        rows = [YES | {"criterion": str(Criterion.HARMS)}] + [YES] * 9
        data = with_checklist(article_form_data(topic, author), rows)

        editor_client.post(ADD_URL, data)

        assert sorted(answers_of(Article.objects.get())) == list(Criterion)

    def test_a_feature_publishes_with_no_checklist(self, editor_client, topic, author):
        data = with_checklist(article_form_data(topic, author, kind="feature"), [{}] * 10)

        response = editor_client.post(ADD_URL, data)

        assert response.status_code == 302
        assert Article.objects.get().is_published()
        assert not ReviewAnswer.objects.exists()

    def test_editor_finishes_the_checklist_and_publishes_a_draft(self, editor_client, topic, author, make_article):
        article = make_article(status=Article.Status.DRAFT, topic=topic, author=author)
        for criterion in list(Criterion)[:7]:
            ReviewAnswer.objects.create(article=article, criterion=criterion, answer=Answer.YES)
        data = with_checklist(article_form_data(topic, author, slug=article.slug, headline=article.headline), [])
        saved = {
            f"{PREFIX}-{index}-{name}": value
            for index, answer in enumerate(article.review_answers.all())
            for name, value in {"id": answer.pk, "article": article.pk, "answer": "yes", "note": "Covered."}.items()
        }
        new = checklist_rows(
            [YES, {"answer": "no", "note": "We quote the company's word “landmark”."}, YES],
            initial=7,
        )
        data |= saved | new | {f"{PREFIX}-TOTAL_FORMS": 10}

        response = editor_client.post(change_url(article), data)

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.is_published()
        assert answers_of(article)[Criterion.NO_UNJUSTIFIED_LANGUAGE] == (
            "no",
            "We quote the company's word “landmark”.",
        )
        assert article.unanswered_review_criteria() == []

    def test_a_moderator_may_not_change_answers(self, client, moderator, make_article, topic, author):
        article = make_article(status=Article.Status.DRAFT)
        client.force_login(moderator)
        data = with_inline_rows(article_form_data(topic, author, slug=article.slug), PREFIX, [YES] * 10)

        response = client.post(change_url(article), data)

        assert response.status_code == 403
        assert not ReviewAnswer.objects.exists()

    def test_a_member_is_sent_to_the_admin_login(self, client, member, make_article, topic, author):
        article = make_article(status=Article.Status.DRAFT)
        client.force_login(member)

        response = client.post(change_url(article), article_form_data(topic, author))

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert not ReviewAnswer.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_the_admin_login(self, client, make_article, topic, author):
        article = make_article(status=Article.Status.DRAFT)

        response = client.post(change_url(article), article_form_data(topic, author))

        assert response["Location"].startswith("/admin/login/")
        assert not ReviewAnswer.objects.exists()

    def test_the_editor_is_not_a_superuser_but_holds_the_permissions(self, editor):
        assert not editor.is_superuser
        for action in ["add", "change", "delete", "view"]:
            assert editor.has_perm(f"articles.{action}_reviewanswer")


class TestTheBulkPublishAction:
    def post_publish(self, client, articles):
        return client.post(
            CHANGELIST_URL,
            {"action": "publish_selected", "_selected_action": [a.pk for a in articles], "index": 0},
            follow=True,
        )

    def test_it_refuses_research_news_with_unanswered_questions_naming_what_is_missing(
        self, editor_client, make_article, answer_review_checklist
    ):
        checked = answer_review_checklist(make_article(status=Article.Status.DRAFT, published_at=None))
        unchecked = make_article(headline="Unchecked trial news", status=Article.Status.DRAFT, published_at=None)
        for criterion in list(Criterion)[:8]:
            ReviewAnswer.objects.create(article=unchecked, criterion=criterion, answer=Answer.YES)

        response = self.post_publish(editor_client, [checked, unchecked])

        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert messages == [
            "Published 1 article.",
            "Not published, because the review checklist has unanswered questions: "
            "“Unchecked trial news” (No unjustified language, More than a press release)",
        ]
        checked.refresh_from_db()
        unchecked.refresh_from_db()
        assert checked.is_published()
        assert unchecked.status == Article.Status.DRAFT

    def test_it_publishes_a_feature_with_no_checklist(self, editor_client, make_article):
        feature = make_article(kind=Article.Kind.FEATURE, status=Article.Status.DRAFT, published_at=None)

        response = self.post_publish(editor_client, [feature])

        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Published 1 article."]
        feature.refresh_from_db()
        assert feature.is_published()

    def test_its_queries_do_not_grow_with_the_articles_selected(
        self, editor_client, make_article, answer_review_checklist
    ):
        from django.db import connection

        def publish(count):
            articles = [
                answer_review_checklist(make_article(status=Article.Status.DRAFT, published_at=None))
                for _ in range(count)
            ]
            with CaptureQueriesContext(connection) as queries:
                self.post_publish(editor_client, articles)
            return [q["sql"] for q in queries if "reviewanswer" in q["sql"]]

        assert len(publish(1)) == len(publish(3)) == 1


class TestThePanel:
    def panel(self, client, article):
        content = client.get(article.get_absolute_url()).content.decode()
        match = re.search(r'<section class="review-checklist".*?</section>', content, re.S)
        return match.group() if match else None

    def test_readers_see_each_question_with_its_answer_in_words_and_the_note(
        self, client, make_article, answer_review_checklist
    ):
        article = answer_review_checklist(make_article())
        ReviewAnswer.objects.filter(article=article, criterion=Criterion.BENEFITS).update(
            answer=Answer.NO, note="No healing rates were reported."
        )
        ReviewAnswer.objects.filter(article=article, criterion=Criterion.COSTS).update(
            answer=Answer.NOT_APPLICABLE, note="It is a diet, not a product."
        )
        caching.article_changed(article.slug)

        panel = self.panel(client, article)

        assert '<h2 id="review-checklist-heading">How we checked this story</h2>' in panel
        assert "Our answers: 8 yes, 1 no, 1 not applicable." in panel
        assert "<summary>See each question, our answer and why</summary>" in panel
        assert panel.count("<dt>") == 10
        assert '<strong class="review-checklist__answer">No.</strong> No healing rates were reported.' in panel
        assert '<strong class="review-checklist__answer">Not applicable.</strong> It is a diet' in panel
        questions = re.findall(r"<dt>(.*?)</dt>", panel)
        assert questions[0] == "Does the story say how big the benefit is, in numbers?"
        assert questions[-1] == "Does the story go further than a press release?"

    def test_notes_are_escaped(self, client, make_article):
        article = make_article()
        ReviewAnswer.objects.create(
            article=article, criterion=Criterion.HARMS, answer=Answer.NO, note='<script>alert("x")</script> & more'
        )

        panel = self.panel(client, article)

        assert "<script>" not in panel
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in panel

    def test_a_partly_answered_checklist_says_how_many_were_answered(self, client, make_article):
        article = make_article()
        ReviewAnswer.objects.create(article=article, criterion=Criterion.HARMS, answer=Answer.YES)

        assert "We answered 1 of them." in self.panel(client, article)

    def test_there_is_no_panel_without_answers(self, client, make_article):
        assert self.panel(client, make_article()) is None

    def test_there_is_no_panel_on_features(self, client, make_article, answer_review_checklist):
        feature = answer_review_checklist(make_article(kind=Article.Kind.FEATURE))

        assert self.panel(client, feature) is None

    def test_the_panel_costs_one_query_however_many_answers(self, client, make_article, answer_review_checklist):
        from django.db import connection

        def queries_for(article):
            caching.site_changed()  # drawn wholly afresh each time, the site's parts too
            with CaptureQueriesContext(connection) as queries:
                client.get(article.get_absolute_url())
            return [q["sql"] for q in queries]

        queries_for(make_article())  # what the process keeps once (content types) is kept from here on
        bare = queries_for(make_article())
        one = make_article()
        ReviewAnswer.objects.create(article=one, criterion=Criterion.HARMS, answer=Answer.YES)
        ten = answer_review_checklist(make_article())

        assert len(queries_for(one)) == len(queries_for(ten)) == len(bare)
        assert len([sql for sql in queries_for(ten) if "articles_reviewanswer" in sql]) == 1

    def test_the_editorial_policy_describes_the_checklist(self, client, db):
        content = client.get("/editorial-policy/").content.decode()

        assert '<h2 id="review-checklist">A checklist on every research story</h2>' in content
        assert "How we checked this story" in content


class TestTheDemoAndTheLargeDataset:
    def test_the_stomp2_demo_article_has_all_ten_answers_and_shows_them(self, client, db):
        call_command("seed_articles", stdout=io.StringIO())
        stomp2 = Article.objects.get(slug="stem-cell-therapy-perianal-fistulas-stomp2")

        assert stomp2.unanswered_review_criteria() == []
        assert all(a.note for a in stomp2.review_answers.all())
        assert answers_of(stomp2)[Criterion.BENEFITS][0] == "no"  # the report gave no healing rates
        content = client.get(stomp2.get_absolute_url()).content.decode()
        assert "How we checked this story" in content
        assert "A randomised, double-blind, placebo-controlled trial in 109 people" in content

    def test_every_published_demo_research_article_is_fully_answered(self, db):
        call_command("seed_articles", stdout=io.StringIO())

        research = Article.objects.filter(kind=Article.Kind.RESEARCH_NEWS)
        for article in research.exclude(status=Article.Status.DRAFT):
            assert article.unanswered_review_criteria() == [], article.headline
        # The demo's draft is a first pass editors still have to check: it can't be published yet.
        [draft] = research.filter(status=Article.Status.DRAFT)
        assert draft.unanswered_review_criteria()

    def test_every_generated_research_article_has_a_complete_checklist(self, db):
        sizes = {"articles": 12, "comments": 20, "members": 3, "heavy_comments": 3, "hero_images": 1}
        call_command("generate_large_dataset", **sizes, stdout=io.StringIO())

        research = (
            Article.objects.published().filter(kind=Article.Kind.RESEARCH_NEWS).prefetch_related("review_answers")
        )
        assert research.count() > 1
        assert [a.slug for a in research if a.unanswered_review_criteria()] == []
        assert not ReviewAnswer.objects.filter(answer__in=[Answer.NO, Answer.NOT_APPLICABLE], note="").exists()
