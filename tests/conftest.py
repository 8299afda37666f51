"""
Shared fixtures: a small cast of named users and factories for what editors publish.

The cast leans on the data migration: the "Editors" and "Moderators" groups
and the starting topics come from ``articles/migrations/0002``, so the tests
exercise the permissions the site really ships with.
"""

import io
import itertools
import os
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from articles import caching
from articles.evidence import EvidenceStage
from articles.models import Article, Contributor, Question, ReviewAnswer, Section, StudyFacts, Topic
from community.models import Comment, Profile, refresh_comment_count
from community.templatetags.community import comment_memo
from tests import browsing

PASSWORD = "a-long-test-password"

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads and renditions to its own empty folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def static_root(settings, tmp_path):
    # WhiteNoise warns (an error here) when STATIC_ROOT is missing, and tests
    # shouldn't need collectstatic: give it an empty folder of its own.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture(autouse=True)
def london_time(settings):
    # Pages show dates and times in the site's zone; pin it so an exported
    # TIME_ZONE can't move the dates the tests expect.
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test starts with an empty cache: in memory, or the Redis server when REDIS_URL is set (CI)."""
    if not settings.REDIS_URL:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Rolled-back rows leave ids and versions to be used again: forget what this worker kept.
    caching.forget_worker_state()
    comment_memo.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, not memory, so that a worker started as a process of its own
    (tests/test_mail_queue.py) reads and writes the same tables as the tests."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def jobs_run_when_enqueued(settings):
    """Jobs (every email) run in the test's own thread as soon as they are enqueued, so mail.outbox holds what
    the worker would send. tests/test_mail_queue.py runs the real queue, worker and SMTP server instead."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def staff_two_factor_off(settings):
    """Staff sign in with their password alone here; tests of the second factor (test_two_factor.py) turn it on."""
    settings.STAFF_TWO_FACTOR = False


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The default hasher is slow on purpose; tests log in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username, *, group=None, confirmed=True, **fields):
    """A user with a community profile: display name is the username capitalised, email confirmed."""
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    Profile.objects.create(
        user=user, display_name=username.capitalize(), email_confirmed_at=timezone.now() if confirmed else None
    )
    return user


@pytest.fixture
def password():
    """Every user in the cast logs in with this."""
    return PASSWORD


@pytest.fixture
def member(db):
    """A reader with an account and no special rights."""
    return _user("maya")


@pytest.fixture
def second_member(db):
    return _user("sam")


@pytest.fixture
def third_member(db):
    return _user("tess")


@pytest.fixture
def unconfirmed_member(db):
    """Signed up, but has not yet followed the link in the confirmation email."""
    return _user("nina", confirmed=False)


@pytest.fixture
def make_member(db):
    """More members when a test needs a crowd: member_1, member_2, ..."""

    def make_member(**fields):
        return _user(f"member{next(_sequence)}", **fields)

    return make_member


@pytest.fixture
def make_comment(db):
    """A comment as it is after the rules ran: approved unless told otherwise."""

    def make_comment(article, author, body="I found this really helpful, thank you.", **fields):
        fields.setdefault("status", Comment.Status.APPROVED)
        parent = fields.get("parent")
        if parent is not None:
            fields.setdefault("thread", parent.thread or parent)
        comment = Comment.objects.create(article=article, author=author, body=body, **fields)
        refresh_comment_count(article.pk)
        caching.discussion_changed(article.slug)  # as Comment.post() does
        return comment

    return make_comment


@pytest.fixture
def trusted_member(member, make_article, make_comment):
    """Maya, with an approved comment elsewhere, so her next comments publish at once."""
    make_comment(make_article(headline="An older discussion"), member, body="My first comment, approved.")
    return member


@pytest.fixture
def moderator(db):
    """Staff in the Moderators group: may view unpublished articles, not edit them."""
    return _user("morgan", is_staff=True, group="Moderators")


@pytest.fixture
def editor(db):
    """Staff in the Editors group, deliberately not a superuser."""
    return _user("edie", is_staff=True, group="Editors")


@pytest.fixture
def topic(db):
    return Topic.objects.get(slug="treatments")


@pytest.fixture
def make_contributor(db):
    def make_contributor(**fields):
        n = next(_sequence)
        values = {
            "name": f"Alex Writer {n}",
            "slug": f"alex-writer-{n}",
            "credentials": "RN, IBD nurse specialist",
            "affiliation": "Example Hospital",
            "bio": "Alex has looked after people with Crohn's and colitis for ten years.",
        }
        return Contributor.objects.create(**(values | fields))

    return make_contributor


@pytest.fixture
def build_article(db, make_contributor):
    """An unsaved, valid, published research-news article; keyword arguments override the defaults."""

    def build_article(**fields):
        n = next(_sequence)
        values = {
            "kind": Article.Kind.RESEARCH_NEWS,
            "headline": f"Trial {n} finds a new treatment eases colitis",
            "slug": f"trial-{n}-new-treatment",
            "standfirst": "A study of adults with ulcerative colitis found more reached remission on the new drug.",
            "source_publisher": "Gut Health Weekly",
            "source_headline": f"New drug brings remission in trial {n}",
            "source_url": f"https://news.example.org/trials/{n}",
            "source_published_on": date(2025, 1, 10),
            "summary": "The trial found that **more people** reached remission.",
            "evidence_stage": EvidenceStage.RANDOMISED_TRIAL,
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(days=1),
        }
        values |= fields
        if "topic" not in values:
            values["topic"] = Topic.objects.get(slug="treatments")
        if "author" not in values:
            values["author"] = make_contributor()
        if values["kind"] == Article.Kind.RESEARCH_NEWS and "medical_reviewer" not in values:
            # Research news is checked by a named clinician, on a given date, before it is published.
            values["medical_reviewer"] = make_contributor(
                name=f"Dr Imogen Vale {n}", slug=f"dr-imogen-vale-{n}", credentials="MD, gastroenterologist"
            )
            values.setdefault("reviewed_on", timezone.localdate() - timedelta(days=2))
        return Article(**values)

    return build_article


@pytest.fixture
def make_article(build_article):
    """A saved article, valid and published by default; pass ``tags=[...]`` to tag it."""

    def make_article(*, tags=(), **fields):
        article = build_article(**fields)
        article.save()
        if tags:
            article.tags.add(*tags)
        article.refresh_derived()
        return article

    return make_article


@pytest.fixture
def make_section(db):
    def make_section(article, **fields):
        values = {"heading": "What this could mean for you", "body": "It is *early* news.", "position": 0}
        section = Section.objects.create(article=article, **(values | fields))
        article.refresh_derived()  # as admin does once the parts are saved
        section.refresh_from_db()
        return section

    return make_section


@pytest.fixture
def make_question(db):
    def make_question(article, **fields):
        values = {"text": "Could this treatment suit me?", "position": 0}
        question = Question.objects.create(article=article, **(values | fields))
        article.refresh_derived()
        return question

    return make_question


@pytest.fixture
def make_study(db):
    def make_study(article, **fields):
        values = {
            "study_name": "QUIET-UC",
            "intervention": "Examplimab injections",
            "condition": "Moderate to severe ulcerative colitis",
            "design": "Randomised, double-blind, placebo-controlled",
            "participants": 1234,
            "primary_endpoint": "Clinical remission",
            "time_point": "Week 12",
            "registry_id": "NCT01234567",
            "registry_url": "https://clinicaltrials.gov/study/NCT01234567",
        }
        return StudyFacts.objects.create(article=article, **(values | fields))

    return make_study


READY_QUESTIONS = [
    "Could this treatment suit me, if it is approved?",
    "How does it compare with what I take now?",
    "Should I change anything while we wait for more results?",
]


def add_parts_for_publishing(article):
    """The parts research news needs before it is published, where missing: three questions and a practical section."""
    for position, text in enumerate(READY_QUESTIONS[article.questions.count() :], start=50):
        Question.objects.create(article=article, text=text, position=position)
    if article.no_practical_section():
        Section.objects.create(
            article=article,
            heading="Practical considerations for patients",
            body="Nothing changes for you today: keep taking your treatment and talk to your team.",
            position=50,
        )
    article.refresh_derived()
    return article


@pytest.fixture
def answer_review_checklist(db):
    """Answer every question on an article's review checklist, and add the questions and practical section
    research news also needs, so the article is ready to publish."""

    def answer_review_checklist(article, answer=ReviewAnswer.Answer.YES, note="Checked by the editor."):
        for criterion in ReviewAnswer.Criterion:
            ReviewAnswer.objects.create(article=article, criterion=criterion, answer=answer, note=note)
        return add_parts_for_publishing(article)

    return answer_review_checklist


def image_bytes(width=800, height=450, image_format="JPEG", mode="RGB"):
    """An encoded picture of the given size; solid colour keeps it small and quick."""
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "teal" if mode in ("RGB", "RGBA") else 1).save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture
def make_image_upload():
    """An in-memory upload, as a browser would send it, of a picture of the given size and format."""

    def make_image_upload(width=800, height=450, image_format="JPEG", name=None, mode="RGB"):
        extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[image_format]
        return SimpleUploadedFile(
            name or f"hero.{extension}",
            image_bytes(width, height, image_format, mode),
            content_type=f"image/{extension.replace('jpg', 'jpeg')}",
        )

    return make_image_upload


# Browser tests --------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that empty the database when they finish (transactional ones, browser tests last of all)
    run after every other test, including those that reach the database only through
    request.getfixturevalue(), which pytest-django can't see."""

    def empties_database(item):
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction", False)
        return bool(transactional or {"transactional_db", "live_server"} & set(item.fixturenames))

    items.sort(key=lambda item: (empties_database(item), item.get_closest_marker("browser") is not None))


@pytest.fixture
def browser():
    """A fresh Chromium for each test.

    Playwright's sync API runs an event loop in this thread, and while it runs
    Django hands out different database connections; so tests do their ORM
    work before the browser starts, and each browser stops with its test.
    """
    if not os.path.exists(browsing.CHROMIUM):
        message = f"browser tests need Debian's chromium at {browsing.CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    def launch():
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=browsing.CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        started.append(playwright)
        return browser

    started = []
    yield launch
    for playwright in started:
        playwright.stop()


@pytest.fixture
def demo_site(live_server, settings, tmp_path):
    """The live server with the demo content loaded."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    return live_server
