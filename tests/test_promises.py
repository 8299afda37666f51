"""
Promises the About page, the editorial policy, the privacy page and the
community guidelines make (issue 12): one test each, named after the promise.
docs/promises.md quotes each sentence and names its test, here or elsewhere.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils import timezone

from articles.forms import ReviewAnswerForm, ReviewAnswerFormSet
from articles.models import Article, ArticleCorrection, HypeWord, ReviewAnswer
from tests.test_editor_admin import (
    ADD_URL,
    CHANGELIST_URL,
    READY_QUESTIONS,
    article_form_data,
    form_errors,
    with_inline_rows,
)

Criterion, Answer = ReviewAnswer.Criterion, ReviewAnswer.Answer


@pytest.fixture
def author(make_contributor):
    return make_contributor(name="Priya Shah", credentials="MSc, health journalist")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def page(client, article):
    return client.get(article.get_absolute_url()).content.decode()


def publish_action(client, articles):
    response = client.post(
        CHANGELIST_URL,
        {"action": "publish_selected", "_selected_action": [a.pk for a in articles], "index": 0},
        follow=True,
    )
    return [str(m) for m in get_messages(response.wsgi_request)]


def loaded_from_elsewhere(content):
    """What a page loads from another site: scripts, images, frames, styles (a canonical link loads nothing)."""
    loaded = re.findall(r'<(?:script|img|iframe|source)[^>]+src="((?:https?:)?//[^"]+)"', content)
    loaded += re.findall(r'<link(?![^>]*rel="(?:canonical|alternate)")[^>]+href="((?:https?:)?//[^"]+)"', content)
    return [address for address in loaded if not re.match(r"(https?:)?//testserver/", address)]


def assert_nothing_saved():
    assert not Article.objects.exists()
    assert not ReviewAnswer.objects.exists()


# About page and editorial policy: who checks ---------------------------------------------------------------------


def test_promise_research_news_is_checked_by_a_named_clinician_before_publishing(editor_client, topic, author):
    response = editor_client.post(ADD_URL, article_form_data(topic, author, medical_reviewer="", reviewed_on=""))

    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["medical_reviewer"] == [
        "Name the clinician who checked this article. Research news can't be published without it."
    ]
    assert errors["reviewed_on"] == [
        "Give the date the medical reviewer checked the article. Research news can't be published without it."
    ]
    assert "Name the clinician who checked this article." in response.content.decode()
    assert_nothing_saved()


def test_promise_research_news_is_checked_by_a_named_clinician_in_the_model_too(build_article):
    article = build_article(medical_reviewer=None, reviewed_on=None)

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert {"medical_reviewer", "reviewed_on"} <= set(error.value.message_dict)
    build_article(medical_reviewer=None, reviewed_on=None, status=Article.Status.DRAFT).full_clean()  # drafts may wait


def test_promise_we_show_the_clinician_and_the_date_they_last_reviewed_it(client, make_article, make_contributor):
    reviewer = make_contributor(name="Dr Rana Iqbal", credentials="MD, gastroenterologist")
    article = make_article(medical_reviewer=reviewer, reviewed_on=timezone.localdate() - timedelta(days=3))

    content = page(client, article)

    assert "Medically reviewed by" in content and "Dr Rana Iqbal" in content
    assert f'Last reviewed <time datetime="{article.reviewed_on:%Y-%m-%d}">' in content


def test_promise_each_article_names_its_author_with_their_background_and_links_their_page(client, make_article, author):
    content = page(client, make_article(author=author))

    assert "Priya Shah" in content and "MSc, health journalist" in content
    assert f'href="{author.get_absolute_url()}"' in content


# What research news must hold before it is published ------------------------------------------------------------


def test_promise_research_news_gives_at_least_three_questions_for_your_healthcare_team(editor_client, topic, author):
    data = with_inline_rows(article_form_data(topic, author), "questions", READY_QUESTIONS[:2])

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Research news needs at least 3 questions for your healthcare team" in response.content.decode()
    assert "this one has 2" in response.content.decode()
    assert_nothing_saved()


def test_promise_research_news_says_what_the_news_means_in_practice(editor_client, topic, author):
    data = with_inline_rows(
        article_form_data(topic, author), "sections", [{"heading": "What it means", "body": "Early.", "position": 1}]
    )

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Research news needs an analysis section headed “Practical considerations…”" in response.content.decode()
    assert_nothing_saved()


def test_promise_a_complete_research_story_is_published(editor_client, client, topic, author):
    response = editor_client.post(ADD_URL, article_form_data(topic, author))

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert article.is_published()
    content = page(client, article)
    assert "Practical considerations for patients" in content
    assert "Questions for your healthcare team" in content


def test_promise_a_draft_may_be_saved_before_it_is_complete(editor_client, topic, author):
    data = article_form_data(topic, author, status="draft", medical_reviewer="", reviewed_on="")
    data = with_inline_rows(data, "questions", [])
    data = with_inline_rows(data, "sections", [])

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


def test_promise_the_publish_action_keeps_every_rule(editor_client, make_article, answer_review_checklist):
    ready = answer_review_checklist(make_article(status=Article.Status.DRAFT, published_at=None))
    bare = make_article(
        headline="Bare trial news", status=Article.Status.DRAFT, published_at=None, medical_reviewer=None
    )
    for criterion in Criterion:
        ReviewAnswer.objects.create(article=bare, criterion=criterion, answer=Answer.YES, note="Covered.")

    messages = publish_action(editor_client, [ready, bare])

    assert messages[0] == "Published 1 article."
    assert messages[1].startswith("Not published, because something required is missing: “Bare trial news” (")
    for reason in ["Name the clinician", "at least 3 questions", "Practical considerations"]:
        assert reason in messages[1]
    bare.refresh_from_db()
    assert bare.status == Article.Status.DRAFT


def test_promise_scheduled_research_news_keeps_every_rule(editor_client, topic, author):
    later = timezone.localtime() + timedelta(days=2)
    data = article_form_data(
        topic, author, published_at_0=f"{later:%Y-%m-%d}", published_at_1="09:00:00", medical_reviewer=""
    )
    data = with_inline_rows(data, "questions", READY_QUESTIONS[:1])

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "medical_reviewer" in form_errors(response)
    assert "at least 3 questions" in response.content.decode()
    assert_nothing_saved()


# The review checklist --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["yes", "no", "n/a"])
def test_promise_every_checklist_answer_has_a_note_saying_why(editor_client, topic, author, answer):
    data = article_form_data(topic, author)
    data = with_inline_rows(
        data, "review_answers", [{"answer": answer, "note": ""}] + [{"answer": "yes", "note": "Covered."}] * 9
    )

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "every answer needs one, “Yes” included" in response.content.decode()
    assert_nothing_saved()


def test_promise_a_story_cant_be_published_with_a_question_left_unanswered(editor_client, topic, author):
    data = with_inline_rows(article_form_data(topic, author), "review_answers", [{"answer": "yes", "note": "Ok."}] * 9)

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Still to answer: More than a press release." in response.content.decode()
    assert_nothing_saved()


def test_promise_a_research_storys_checklist_answers_cannot_be_deleted(make_article, answer_review_checklist):
    article = answer_review_checklist(make_article(status=Article.Status.DRAFT))
    # Admin's inline offers no delete box; a form that did (or a forged post) is still refused.
    formset_class = inlineformset_factory(
        Article, ReviewAnswer, form=ReviewAnswerForm, formset=ReviewAnswerFormSet, can_delete=True, extra=0
    )
    answers = list(article.review_answers.all())
    data = {"review_answers-TOTAL_FORMS": len(answers), "review_answers-INITIAL_FORMS": len(answers)}
    for index, answer in enumerate(answers):
        data |= {
            f"review_answers-{index}-id": answer.pk,
            f"review_answers-{index}-answer": answer.answer,
            f"review_answers-{index}-note": answer.note,
        }
    data["review_answers-0-DELETE"] = "on"

    formset = formset_class(data, instance=article, prefix="review_answers")

    assert not formset.is_valid()
    assert "checklist answers can't be deleted" in formset.non_form_errors()[0]


def test_promise_readers_see_every_answer_under_how_we_checked_this_story(
    client, make_article, answer_review_checklist
):
    article = answer_review_checklist(make_article(), note="The story gives the remission figures.")

    content = page(client, article)

    assert "How we checked this story" in content
    assert content.count("The story gives the remission figures.") == len(Criterion)


# Editorial policy: sources, evidence, words, dates, corrections, independence -------------------------------------


@pytest.mark.parametrize("field", ["source_publisher", "source_headline", "source_url", "source_published_on"])
def test_promise_research_news_names_the_publisher_headline_date_and_links_the_original(build_article, field):
    with pytest.raises(ValidationError) as error:
        build_article(**{field: None if field == "source_published_on" else ""}).full_clean()

    assert field in error.value.message_dict


def test_promise_their_reporting_and_our_analysis_are_labelled_apart(client, make_article, make_section):
    article = make_article()
    make_section(article, heading="Practical considerations for patients")

    content = page(client, article)

    summary = content.index("Summary of the reporting by Gut Health Weekly")
    assert summary < content.index("Our analysis") < content.rindex("Practical considerations for patients")


def test_promise_we_say_when_a_treatment_is_still_being_tested(build_article):
    with pytest.raises(ValidationError) as error:
        build_article(evidence_stage="").full_clean()

    assert "evidence_stage" in error.value.message_dict


def test_promise_words_like_breakthrough_are_flagged_before_publishing(make_article):
    HypeWord.objects.get_or_create(word="breakthrough")

    article = make_article(standfirst="A breakthrough for colitis, the company says.")

    assert "breakthrough" in article.hype_words


def test_promise_a_medical_review_falls_due_twelve_months_after_the_last(make_article):
    article = make_article(reviewed_on=timezone.localdate().replace(day=1) - timedelta(days=1), next_review_due=None)

    due = article.next_review_due
    assert (due.year - article.reviewed_on.year) * 12 + due.month - article.reviewed_on.month == 12


def test_promise_an_article_past_its_review_date_says_it_is_due_for_review(client, make_article):
    today = timezone.localdate()
    article = make_article(reviewed_on=today - timedelta(days=400), next_review_due=today - timedelta(days=1))

    assert "This article is due for review." in page(client, article)


def test_promise_corrections_are_shown_on_the_article_with_their_date(client, make_article):
    article = make_article()
    correction = ArticleCorrection.objects.create(
        article=article, kind="correction", text="We gave the wrong trial size: it was 812 people."
    )

    content = page(client, article)

    assert "We gave the wrong trial size: it was 812 people." in content
    assert f"{timezone.localtime(correction.published_at):%-d %B %Y}" in content


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.IN_REVIEW])
def test_promise_no_company_sees_an_article_before_it_is_published(client, member, make_article, status):
    article = make_article(status=status)
    later = make_article(published_at=timezone.now() + timedelta(days=1))  # scheduled

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(later.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("url_name", ["articles:about", "articles:editorial_policy", "community:privacy"])
def test_promise_pages_load_nothing_from_other_websites(client, db, url_name):
    content = client.get(reverse(url_name)).content.decode()

    assert loaded_from_elsewhere(content) == []


def test_promise_article_pages_load_nothing_from_other_websites(client, make_article):
    content = page(client, make_article())

    assert loaded_from_elsewhere(content) == []


# The demo site keeps the rules ------------------------------------------------------------------------------------


def test_promise_the_demo_research_news_meets_every_publishing_rule(db, media_root):
    call_command("seed_articles", verbosity=0)

    published = Article.objects.filter(status=Article.Status.PUBLISHED, kind=Article.Kind.RESEARCH_NEWS)
    assert published.exists()
    for article in published.prefetch_related("questions", "sections", "review_answers"):
        article.full_clean()
        assert article.parts_missing_for_publishing() == [], article.slug
        assert article.unanswered_review_criteria() == [], article.slug
        assert all(answer.note.strip() for answer in article.review_answers.all()), article.slug


# Added so the page keeps saying what the tests check ------------------------------------------------------------


def test_promise_the_about_page_says_research_news_is_checked_by_a_named_clinician(client, db):
    content = client.get(reverse("articles:about")).content.decode()

    assert "research news is checked by a named clinician before it is published" in content


def test_promise_the_editorial_policy_says_every_answer_has_a_note_saying_why(client, db):
    content = client.get(reverse("articles:editorial_policy")).content.decode()

    assert "with a note saying why, whatever the answer" in content
    assert "at least three questions" in content
