"""The demo content: complete, and loading it twice changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Contributor, Question, Section, SiteSettings, StudyFacts
from community.models import Comment

STOMP2_SLUG = "stem-cell-therapy-perianal-fistulas-stomp2"


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    User = get_user_model()
    return {
        "articles": list(Article.objects.values_list("slug", "updated_at", "hero_renditions").order_by("slug")),
        "sections": Section.objects.count(),
        "questions": Question.objects.count(),
        "studies": StudyFacts.objects.count(),
        "contributors": Contributor.objects.count(),
        "users": list(User.objects.values_list("username", "password").order_by("username")),
        "comments": list(Comment.objects.values_list("pk", "status", "body").order_by("pk")),
        "comment_counts": list(Article.objects.values_list("slug", "comment_count").order_by("slug")),
    }


@pytest.mark.django_db
def test_it_loads_the_stomp2_article_with_every_part():
    seed()

    article = Article.objects.get(slug=STOMP2_SLUG)
    assert article.is_published()
    assert article.source_publisher and article.source_headline and article.source_url
    assert article.source_published_on and article.summary_html
    assert article.medical_reviewer and article.reviewed_on
    assert article.hero_renditions and article.hero_alt and article.hero_credit
    assert article.sections.count() == 4
    assert article.questions.count() == 4
    assert article.study.participants == 109
    assert article.study.time_point == "24 weeks"
    assert set(article.tags.names()) >= {"Stem cells", "Clinical trials"}


@pytest.mark.django_db
def test_it_schedules_one_article_for_the_future():
    seed()

    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == 4
    assert Article.objects.published().count() == 3


@pytest.mark.django_db
def test_it_makes_an_editor_a_moderator_and_a_patient_and_prints_passwords_once():
    first = seed()

    User = get_user_model()
    editor = User.objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="Editors").exists()
    assert User.objects.get(username="moderator").groups.filter(name="Moderators").exists()
    patient = User.objects.get(username="patient")
    assert not patient.is_staff and not patient.groups.exists()
    assert first.count("with password") == 3

    second = seed()
    assert "with password" not in second


@pytest.mark.django_db
def test_running_it_twice_changes_nothing():
    seed()
    before = snapshot()

    seed()

    assert snapshot() == before


@pytest.mark.django_db
def test_the_demo_editor_can_log_in_with_the_printed_password(client):
    output = seed()
    line = next(line for line in output.splitlines() if "'editor'" in line)
    password = line.split("password '")[1].split("'")[0]

    response = client.post("/account/login/", {"username": "editor", "password": password})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="editor").pk)


@pytest.mark.django_db
def test_it_starts_a_discussion_with_one_comment_waiting_for_moderators():
    seed()

    article = Article.objects.get(slug=STOMP2_SLUG)
    approved = article.comments.filter(status=Comment.Status.APPROVED)
    assert approved.count() >= 3
    assert approved.filter(parent__isnull=False).exists()
    assert article.comment_count == approved.count()
    assert list(Comment.objects.awaiting_review().values_list("hold_reason", flat=True)) == ["new_member"]


@pytest.mark.django_db
def test_every_demo_account_has_a_confirmed_profile_and_no_email_as_its_name():
    seed()

    for user in get_user_model().objects.all():
        assert user.profile.is_confirmed
        assert "@" not in user.profile.display_name


@pytest.mark.django_db
def test_every_demo_article_meets_the_sites_own_reading_target():
    seed()

    target = SiteSettings.load().reading_grade_target
    # The draft is left dense and hyped on purpose, to show editors the warnings (tests/test_plain_language.py).
    grades = dict(Article.objects.exclude(status=Article.Status.DRAFT).values_list("slug", "reading_grade"))
    assert len(grades) == 4 and STOMP2_SLUG in grades
    assert {slug: grade for slug, grade in grades.items() if grade is None or grade > target} == {}
