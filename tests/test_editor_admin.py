"""
The editors' workplace: an editor in the Editors group, not a superuser, does
the whole job in admin, and admin refuses what would put a bad article or a
bad file in front of readers.
"""

import io
import re
import struct
import zlib
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from PIL import ExifTags, Image

from articles.models import Article, Contributor, Question, Section, SiteSettings, StudyFacts

ADD_URL = "/admin/articles/article/add/"
CHANGELIST_URL = "/admin/articles/article/"
INLINE_PREFIXES = {"study": 1, "sections": 1000, "questions": 1000, "review_answers": 10, "corrections": 1000}


READY_ANSWER = {"answer": "yes", "note": "The story covers this, as the editor checked."}
READY_QUESTIONS = [
    {"text": "Could this injection suit me?", "position": 1},
    {"text": "How does it compare with my treatment now?", "position": 2},
    {"text": "What side effects should I watch for?", "position": 3},
]
PRACTICAL_SECTION = {"heading": "Practical considerations for patients", "body": "Nothing changes yet.", "position": 9}


def reviewer():
    return Contributor.objects.get_or_create(
        slug="dr-ola-reviewer", defaults={"name": "Dr Ola Reviewer", "credentials": "MD, gastroenterologist"}
    )[0]


def article_form_data(topic, author, **fields):
    """What the add form posts for a complete research-news article: reviewed by a named clinician, with
    three questions, a practical section and its review checklist answered with reasons; no other rows."""
    data = {
        "kind": "research",
        "headline": "Injection helps people with colitis reach remission",
        "slug": "injection-helps-colitis-remission",
        "standfirst": "A large trial found more people reached remission on the new injection.",
        "hero_alt": "",
        "hero_credit": "",
        "opening": "If you live with colitis, this news may interest you.",
        "source_publisher": "Gut Health Weekly",
        "source_headline": "Injection trial meets its main goal",
        "source_url": "https://news.example.org/injection-trial",
        "source_published_on": "2025-02-20",
        "summary": "The trial's results were reported at a conference.",
        "evidence_stage": "randomised-trial",
        "closing": "",
        "topic": topic.pk,
        "tags": "Biologics, Clinical trials",
        "author": author.pk,
        "medical_reviewer": reviewer().pk,
        "reviewed_on": "2025-02-21",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "_save": "Save",
    }
    for prefix, max_num in INLINE_PREFIXES.items():
        data |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": max_num,
        }
    data = with_inline_rows(data, "review_answers", [READY_ANSWER] * 10)  # the rows admin pre-fills
    data = with_inline_rows(data, "questions", READY_QUESTIONS)
    data = with_inline_rows(data, "sections", [PRACTICAL_SECTION])
    return data | fields


def with_inline_rows(data, prefix, rows):
    """Add new inline rows to posted form data, as admin's "Add another" does."""
    data = dict(data)
    data[f"{prefix}-TOTAL_FORMS"] = len(rows)
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def png_with_claimed_size(width, height):
    """A tiny PNG whose header claims another size: a decompression bomb's signature."""
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    # The IHDR chunk follows the 8-byte signature: length, type, 13 bytes of data, CRC.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return SimpleUploadedFile("bomb.png", bytes(data), content_type="image/png")


def noisy_jpeg_bytes(width, height):
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def form_errors(response):
    return response.context["adminform"].form.errors


def assert_nothing_saved(media_root):
    assert not Article.objects.exists()
    assert not Section.objects.exists()
    assert not Question.objects.exists()
    assert not StudyFacts.objects.exists()
    stored_files = [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []
    assert stored_files == []


@pytest.fixture
def author(make_contributor):
    return make_contributor(name="Priya Shah")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_editor_logs_in_to_admin(client, editor, password):
    response = client.post("/admin/login/?next=/admin/", {"username": "edie", "password": password, "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    index = client.get("/admin/").content.decode()
    assert "IBD Movement editorial" in index
    assert 'href="/admin/articles/article/"' in index
    assert 'href="/admin/auth/user/"' not in index
    assert 'href="/admin/auth/group/"' not in index


def test_editor_is_not_a_superuser(editor):
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.has_perm("articles.add_article")
    assert editor.has_perm("articles.change_sitesettings")
    assert not editor.has_perm("auth.view_user")


def test_add_page_shows_the_inline_management_forms(editor_client):
    response = editor_client.get(ADD_URL)

    content = response.content.decode()
    assert response.status_code == 200
    for prefix in INLINE_PREFIXES:
        for name in ["TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"]:
            assert f'name="{prefix}-{name}"' in content
    assert 'name="hero_image"' in content
    assert 'name="published_at_0"' in content


def test_editor_publishes_a_complete_article(editor_client, topic, author, make_image_upload):
    data = article_form_data(
        topic,
        author,
        hero_image=make_image_upload(1000, 560),
        hero_alt="A nurse shows a patient how to use an injection pen",
        hero_credit="Photo: Example Hospital",
    )
    data = with_inline_rows(data, "study", [{"study_name": "QUIET-UC", "participants": "812", "design": "Randomised"}])
    data = with_inline_rows(
        data, "sections", [{"heading": "What this may mean", "body": "It's *early*.", "position": 1}, PRACTICAL_SECTION]
    )
    data = with_inline_rows(
        data,
        "questions",
        [
            {"text": "Could this suit me?", "position": 2},
            {"text": "What are the side effects?", "position": 1},
            {"text": "When could I get it?", "position": 3},
        ],
    )

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302, form_errors(response)
    assert response["Location"] == CHANGELIST_URL
    article = Article.objects.get()
    assert article.slug == "injection-helps-colitis-remission"
    assert article.is_published()
    assert article.published_at <= timezone.now()
    assert article.summary_html == "<p>The trial's results were reported at a conference.</p>"
    assert [r["width"] for r in article.hero_renditions] == [480, 800, 1000]
    assert all(default_storage.exists(r["name"]) for r in article.hero_renditions)
    assert default_storage.exists(article.hero_image.name)
    assert article.study.study_name == "QUIET-UC"
    assert article.study.participants == 812
    assert [(s.heading, s.body_html) for s in article.sections.all()] == [
        ("What this may mean", "<p>It's <em>early</em>.</p>"),
        ("Practical considerations for patients", "<p>Nothing changes yet.</p>"),
    ]
    assert [q.text for q in article.questions.all()] == [
        "What are the side effects?",
        "Could this suit me?",
        "When could I get it?",
    ]
    assert sorted(article.tags.names()) == ["Biologics", "Clinical trials"]


def test_published_article_from_admin_is_on_the_site(editor_client, client, topic, author):
    editor_client.post(ADD_URL, article_form_data(topic, author))
    editor_client.logout()

    response = client.get("/articles/injection-helps-colitis-remission/")

    assert response.status_code == 200
    assert "Summary of the reporting by Gut Health Weekly" in response.content.decode()


@pytest.mark.parametrize(
    "missing", ["source_publisher", "source_headline", "source_url", "source_published_on", "summary"]
)
def test_it_refuses_to_publish_research_news_missing_a_source_field(editor_client, topic, author, media_root, missing):
    data = article_form_data(topic, author, **{missing: ""})
    data = with_inline_rows(data, "sections", [{"heading": "What it means", "body": "Early days.", "position": 0}])

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert list(form_errors(response)) == [missing]
    assert "Research news can&#x27;t be published without it." in response.content.decode()
    assert_nothing_saved(media_root)


def test_it_refuses_to_publish_research_news_without_any_source(editor_client, topic, author, media_root):
    blank = dict.fromkeys(["source_publisher", "source_headline", "source_url", "source_published_on", "summary"], "")
    data = with_inline_rows(
        article_form_data(topic, author, **blank), "questions", [{"text": "Is it for me?", "position": 0}]
    )

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert set(form_errors(response)) >= set(blank)
    assert_nothing_saved(media_root)


def test_research_news_draft_may_be_saved_without_a_source(editor_client, topic, author):
    blank = dict.fromkeys(["source_publisher", "source_headline", "source_url", "source_published_on", "summary"], "")

    response = editor_client.post(ADD_URL, article_form_data(topic, author, status="draft", **blank))

    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


def test_it_requires_alt_text_and_credit_with_an_image(editor_client, topic, author, make_image_upload, media_root):
    data = article_form_data(topic, author, hero_image=make_image_upload(900, 500))

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert set(form_errors(response)) == {"hero_alt", "hero_credit"}
    assert_nothing_saved(media_root)


def gif_bytes(width, height):
    buffer = io.BytesIO()
    Image.new("P", (width, height)).save(buffer, "GIF")
    return buffer.getvalue()


UNREADABLE = "This file is not an image we can read, or it is damaged. Upload a JPEG, PNG or WebP picture."
TOO_MANY_PIXELS = "This image's dimensions are too large. Use one no more than 10,000 pixels on its longest side."
BAD_UPLOADS = {
    "text file renamed .jpg": (
        lambda: SimpleUploadedFile("photo.jpg", b"Meeting notes, not a picture.\n" * 50, content_type="image/jpeg"),
        UNREADABLE,
    ),
    "truncated jpeg": (
        lambda: SimpleUploadedFile("cut.jpg", noisy_jpeg_bytes(1000, 600)[:20_000], content_type="image/jpeg"),
        UNREADABLE,
    ),
    "png claiming 30000 x 30000": (lambda: png_with_claimed_size(30_000, 30_000), TOO_MANY_PIXELS),
    "png claiming 9000 x 9000": (lambda: png_with_claimed_size(9_000, 9_000), TOO_MANY_PIXELS),
    "png claiming 12000 x 100": (lambda: png_with_claimed_size(12_000, 100), TOO_MANY_PIXELS),
    "image 799 pixels wide": (
        lambda: SimpleUploadedFile("narrow.jpg", noisy_jpeg_bytes(799, 600), content_type="image/jpeg"),
        "This image is 799 pixels wide. Hero images need at least 800 so they stay sharp.",
    ),
    "gif": (
        lambda: SimpleUploadedFile("anim.gif", gif_bytes(1000, 500), content_type="image/gif"),
        "Upload a JPEG, PNG or WebP picture.",
    ),
}


@pytest.mark.parametrize(("make_upload", "message"), BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_it_refuses_a_bad_upload_with_a_clear_error(editor_client, topic, author, media_root, make_upload, message):
    data = article_form_data(topic, author, hero_image=make_upload(), hero_alt="A picture", hero_credit="Us")
    data = with_inline_rows(data, "sections", [{"heading": "What it means", "body": "Early days.", "position": 0}])

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert form_errors(response)["hero_image"] == [message]
    assert escape(message) in response.content.decode()
    assert_nothing_saved(media_root)


def test_it_measures_width_the_way_the_photo_is_shown(editor_client, topic, author, media_root):
    # A phone photo stored 1000 wide but turned upright by its EXIF orientation is 700 wide on the page.
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), "teal").save(buffer, "JPEG", exif=exif)
    upright = SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = editor_client.post(
        ADD_URL, article_form_data(topic, author, hero_image=upright, hero_alt="A", hero_credit="B")
    )

    assert response.status_code == 200
    assert form_errors(response)["hero_image"] == [
        "This image is 700 pixels wide. Hero images need at least 800 so they stay sharp."
    ]
    assert_nothing_saved(media_root)


def test_an_uploaded_photo_is_stored_without_its_gps_position_or_camera(editor_client, topic, author):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Examplecam"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 600), "teal").save(buffer, "JPEG", exif=exif)
    photo = SimpleUploadedFile("phone.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = editor_client.post(
        ADD_URL, article_form_data(topic, author, hero_image=photo, hero_alt="A", hero_credit="B")
    )

    assert response.status_code == 302, form_errors(response)
    with default_storage.open(Article.objects.get().hero_image.name) as stored, Image.open(stored) as original:
        assert not original.getexif()
        assert "exif" not in original.info


def test_it_accepts_an_upload_spooled_to_disk(editor_client, topic, author, settings, make_image_upload):
    # Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE arrive as temporary files, as a phone photo would.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    upload = make_image_upload(900, 500)
    assert upload.size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE

    response = editor_client.post(
        ADD_URL, article_form_data(topic, author, hero_image=upload, hero_alt="A", hero_credit="B")
    )

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert [r["width"] for r in article.hero_renditions] == [480, 800, 900]
    with default_storage.open(article.hero_image.name) as stored, Image.open(stored) as original:
        assert (original.format, original.size) == ("JPEG", (900, 500))  # stored re-encoded, without metadata


def test_editing_without_a_new_image_keeps_the_image_and_renditions(
    editor_client, topic, author, media_root, make_image_upload
):
    data = article_form_data(topic, author, hero_alt="A chart", hero_credit="Us")
    editor_client.post(ADD_URL, data | {"hero_image": make_image_upload(900, 500)})
    article = Article.objects.get()
    files_before = sorted(media_root.rglob("*"))

    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        data | {"headline": "A corrected headline", "review_answers-TOTAL_FORMS": 0},  # checklist untouched
    )

    assert response.status_code == 302, form_errors(response)
    edited = Article.objects.get()
    assert edited.headline == "A corrected headline"
    assert edited.hero_image.name == article.hero_image.name
    assert edited.hero_renditions == article.hero_renditions
    assert sorted(media_root.rglob("*")) == files_before


def test_it_refuses_a_file_over_the_size_limit(editor_client, topic, author, media_root, settings):
    settings.HERO_IMAGE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.jpg", noisy_jpeg_bytes(2000, 1500), content_type="image/jpeg")
    assert big.size > settings.HERO_IMAGE_MAX_BYTES

    response = editor_client.post(
        ADD_URL, article_form_data(topic, author, hero_image=big, hero_alt="A", hero_credit="B")
    )

    assert response.status_code == 200
    assert form_errors(response)["hero_image"] == ["This file is larger than 1 MB. Please upload a smaller image."]
    assert_nothing_saved(media_root)


class TestBulkActions:
    def post_action(self, client, action, articles):
        return client.post(
            CHANGELIST_URL,
            {"action": action, "_selected_action": [a.pk for a in articles], "index": 0},
            follow=True,
        )

    def test_publish_selected_publishes_drafts(self, editor_client, make_article, answer_review_checklist):
        drafts = [answer_review_checklist(make_article(status=Article.Status.DRAFT, published_at=None)) for _ in "ab"]

        response = self.post_action(editor_client, "publish_selected", drafts)

        assert response.status_code == 200
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Published 2 articles."]
        for draft in drafts:
            draft.refresh_from_db()
            assert draft.is_published()

    def test_publish_selected_refuses_an_article_missing_its_source(
        self, editor_client, make_article, answer_review_checklist
    ):
        complete = answer_review_checklist(make_article(status=Article.Status.DRAFT, published_at=None))
        sourceless = answer_review_checklist(
            make_article(headline="No source yet", status=Article.Status.DRAFT, source_url="", published_at=None)
        )

        response = self.post_action(editor_client, "publish_selected", [complete, sourceless])

        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert messages[0] == "Published 1 article."
        assert messages[1].startswith("Not published, because something required is missing")
        assert "No source yet" in messages[1]
        complete.refresh_from_db()
        sourceless.refresh_from_db()
        assert complete.status == Article.Status.PUBLISHED
        assert sourceless.status == Article.Status.DRAFT
        assert sourceless.published_at is None

    def test_publish_selected_keeps_a_scheduled_time(self, editor_client, make_article, answer_review_checklist):
        later = timezone.now() + timedelta(days=3)
        article = answer_review_checklist(make_article(status=Article.Status.DRAFT, published_at=later))

        self.post_action(editor_client, "publish_selected", [article])

        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at == later
        assert article.is_scheduled

    def test_unpublish_selected_returns_articles_to_draft(self, editor_client, client, make_article):
        published = [make_article(), make_article()]
        draft = make_article(status=Article.Status.DRAFT)

        response = self.post_action(editor_client, "unpublish_selected", [*published, draft])

        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Unpublished 2 articles."]
        assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DRAFT}
        assert not Article.objects.published().exists()
        client.logout()
        assert client.get(published[0].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_editor_cannot_manage_users_or_groups(editor_client, url):
    assert editor_client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/admin/", ADD_URL, "/admin/articles/sitesettings/1/change/"])
def test_member_is_sent_to_the_admin_login(client, member, url):
    client.force_login(member)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/admin/login/?next={url}")


def test_member_cannot_log_in_to_admin(client, member, password):
    response = client.post("/admin/login/", {"username": "maya", "password": password, "next": "/admin/"})

    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_member_cannot_publish_through_admin(client, member, topic, author):
    client.force_login(member)

    response = client.post(ADD_URL, article_form_data(topic, author))

    assert response.status_code == 302
    assert not Article.objects.exists()


def test_moderator_can_view_but_not_add_articles(client, moderator, make_article):
    article = make_article()
    client.force_login(moderator)

    assert client.get(CHANGELIST_URL).status_code == 200
    assert client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200
    assert client.get(ADD_URL).status_code == 403


class TestSiteSettings:
    URL = "/admin/articles/sitesettings/1/change/"

    def test_editor_changes_the_disclaimer_and_articles_show_it(self, editor_client, client, make_article):
        article = make_article()

        response = editor_client.post(
            self.URL, {"medical_disclaimer": "Talk to *your own* IBD team.", "reading_grade_target": 7, "_save": "Save"}
        )

        assert response.status_code == 302
        assert SiteSettings.load().medical_disclaimer == "Talk to *your own* IBD team."
        content = client.get(article.get_absolute_url()).content.decode()
        assert "<p>Talk to <em>your own</em> IBD team.</p>" in content
        assert "It is not a substitute for professional medical advice" not in content

    def test_there_is_only_ever_one_row(self, editor_client):
        assert editor_client.get("/admin/articles/sitesettings/add/").status_code == 403
        assert editor_client.get("/admin/articles/sitesettings/1/delete/").status_code == 403
        assert SiteSettings.objects.count() == 1


class TestScheduling:
    @pytest.fixture
    def scheduled(self, editor_client, topic, author):
        data = article_form_data(topic, author, published_at_0="2099-06-01", published_at_1="09:30:00")
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 302, form_errors(response)
        return Article.objects.get()

    def test_it_saves_a_future_publish_time(self, scheduled):
        assert scheduled.status == Article.Status.PUBLISHED
        assert scheduled.published_at == datetime(2099, 6, 1, 8, 30, tzinfo=UTC)  # 09:30 in London's summer
        assert scheduled.is_scheduled
        assert not Article.objects.published().exists()

    def test_scheduled_article_is_404_to_readers(self, scheduled, client):
        client.logout()

        assert client.get(scheduled.get_absolute_url()).status_code == 404
        assert scheduled.headline not in client.get("/").content.decode()

    def test_editor_sees_the_scheduled_preview(self, scheduled, editor_client):
        response = editor_client.get(scheduled.get_absolute_url())

        content = response.content.decode()
        assert response.status_code == 200
        assert "Preview, not published." in content
        assert "Scheduled to publish on 1 June 2099 at 09:30." in content
        assert f'href="/admin/articles/article/{scheduled.pk}/change/"' in content


# The form and list a charity editor works in ------------------------------------------------------------


class LabelledFields(HTMLParser):
    """The form fields a person fills in, and which of them have a name a screen reader announces."""

    def __init__(self):
        super().__init__()
        self.fields, self.labelled, self.skip_depth, self.depth = [], set(), None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("tr", "div") and "empty-form" in (attrs.get("class") or "").split():
            self.skip_depth = self.skip_depth or self.depth  # admin's template row, copied by its script
        if tag not in ("input", "meta", "br", "img", "link"):
            self.depth += 1
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if self.skip_depth or tag not in ("input", "select", "textarea"):
            return
        if attrs.get("type") in ("hidden", "submit") or "disabled" in attrs:
            return
        self.fields.append(attrs.get("id"))
        if attrs.get("aria-label"):
            self.labelled.add(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag not in ("input", "meta", "br", "img", "link"):
            self.depth -= 1
        if self.skip_depth is not None and self.depth <= self.skip_depth:
            self.skip_depth = None

    def unlabelled(self):
        return [field for field in self.fields if field not in self.labelled]


def unlabelled_fields(content):
    parser = LabelledFields()
    parser.feed(content)
    assert len(parser.fields) > 30
    return parser.unlabelled()


def test_the_add_form_follows_the_order_an_editor_works_in(editor_client):
    content = editor_client.get(ADD_URL).content.decode()

    headings = [
        "1. The source",
        "2. Summary",
        "3. Analysis and practical considerations",
        "4. Questions for your healthcare team",
        "5. Review checklist",
        "6. Publish",
    ]
    places = [content.index(heading) for heading in headings]
    assert places == sorted(places)
    assert content.index('name="source_url"') < content.index('name="summary"') < content.index("sections-0-body")


def test_every_box_in_the_add_form_has_a_label(editor_client):
    content = editor_client.get(ADD_URL).content.decode()

    assert unlabelled_fields(content) == []


def test_every_box_in_the_change_form_has_a_label(
    editor_client, make_article, make_section, make_question, answer_review_checklist
):
    article = answer_review_checklist(make_article())
    make_section(article)
    make_question(article)

    content = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()

    assert unlabelled_fields(content) == []


def test_the_add_form_speaks_plainly(editor_client):
    content = editor_client.get(ADD_URL).content.decode()

    assert "Web address" in content
    for jargon in ("Markdown", "Slug", "Position", "Taggit"):
        assert jargon not in content
    assert re.search(r'<input type="text" name="headline" class="wide-input"', content)
    # Admin's own script fills the web address in from the headline as the editor types.
    assert "&quot;#id_slug&quot;" in content and "&quot;#id_headline&quot;" in content


def test_a_failed_save_lists_every_problem_at_the_top_linked_to_its_field(editor_client, topic, author, media_root):
    data = article_form_data(topic, author, source_url="", headline="")
    data = with_inline_rows(data, "sections", [{"heading": "What it means", "body": "", "position": 1}])

    response = editor_client.post(ADD_URL, data)

    content = response.content.decode()
    assert response.status_code == 200
    summary = content[content.index('class="error-summary"') : content.index("</ul>", content.index("error-summary"))]
    assert content.index('class="error-summary"') < content.index('name="kind"')
    assert 'href="#id_headline">Headline: This field is required.</a>' in summary
    assert 'href="#id_source_url">Link to their article: Link to the original article.' in summary
    assert 'href="#id_sections-0-body">Section 1: Text: This field is required.</a>' in summary
    assert 'tabindex="-1"' in content.split('class="error-summary"')[1].split(">")[0]
    assert_nothing_saved(media_root)


def test_a_failed_save_names_the_checklist_question_with_a_problem(editor_client, topic, author):
    rows = [{"answer": "yes"}] * 9 + [{"answer": "no", "note": ""}]
    data = with_inline_rows(article_form_data(topic, author), "review_answers", rows)

    content = editor_client.post(ADD_URL, data).content.decode()

    assert 'href="#id_review_answers-9-note">Checklist, “More than a press release”: Note:' in content


def test_checklist_rows_have_no_delete_box_or_icon(editor_client, make_article, answer_review_checklist):
    article = answer_review_checklist(make_article())

    for url in (ADD_URL, f"/admin/articles/article/{article.pk}/change/"):
        content = editor_client.get(url).content.decode()
        checklist = content[content.index('id="review_answers-group"') - 200 : content.index('id="corrections-group"')]
        assert "review_answers-0-DELETE" not in checklist
        # Admin's inline script adds a delete icon to every new row; the checklist leaves the script out.
        assert "js-inline-admin-formset" not in checklist.split('id="review_answers-group"')[0].rsplit("<div", 1)[1]


def test_sections_and_questions_can_be_moved_up_and_down(editor_client):
    content = editor_client.get(ADD_URL).content.decode()

    assert "js/admin-reorder.js" in content
    assert content.count("reorderable") == 2  # sections and questions
    assert 'name="sections-0-position"' in content  # the fallback without the script


def test_the_article_list_says_each_status_in_words_in_seven_columns(editor_client, make_article):
    make_article(headline="Still a draft", status=Article.Status.DRAFT, published_at=None)
    make_article(headline="Out tomorrow", published_at=datetime(2099, 12, 3, 10, 0, tzinfo=UTC))
    make_article(headline="Out now", published_at=timezone.now() - timedelta(days=2))
    make_article(headline="Old news", published_at=timezone.now() - timedelta(days=800), reviewed_on=None,
                 next_review_due=timezone.localdate() - timedelta(days=1))  # fmt: skip

    response = editor_client.get(CHANGELIST_URL)

    content = response.content.decode()
    assert len(response.context["cl"].list_display) <= 1 + 7  # the tick box for actions, and seven columns
    statuses = {
        "Still a draft": "Draft",
        "Out tomorrow": "Scheduled for 3 Dec 10:00",
        "Out now": "Published",
        "Old news": "Due for review",
    }
    for headline, status in statuses.items():
        row = content[content.index(headline) : content.index("</tr>", content.index(headline))]
        assert f'<td class="field-status_in_words">{status}</td>' in row


def test_the_admin_menu_names_no_library(editor_client):
    content = editor_client.get("/admin/").content.decode()

    shown = re.sub(r"<[^>]+>", " ", content)  # what an editor reads, without the markup
    assert "taggit" not in shown.lower()
    assert ">Tags</a>" in content


@pytest.mark.parametrize("model", ["contributor", "topic", "glossaryterm"])
def test_every_web_address_is_called_so(editor_client, model):
    content = editor_client.get(f"/admin/articles/{model}/add/").content.decode()

    assert "Web address:" in content
    assert "Slug" not in content
