"""
Revision history, corrections and review dates (issue 6).

Every admin save keeps a revision of the article with its sections,
questions and study facts; editors (not superusers) see the history, compare
two revisions and restore one, and nobody else can. Corrections and updates
show on the page, newest first and dated, and the byline says when the
article was last corrected or updated. Review dates show on the page, and
editors can list the articles whose review is overdue.
"""

import io
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape
from reversion.models import Version

from articles.caching import article_version, current_versions
from articles.models import Article, ArticleCorrection, Question, Section, StudyFacts
from tests.test_article_pages import TestQueryCounts
from tests.test_editor_admin import article_form_data

ADD_URL = "/admin/articles/article/add/"
CHANGELIST_URL = "/admin/articles/article/"
DUE_URL = "/admin/articles/articledueforreview/"


@pytest.fixture
def author(make_contributor):
    return make_contributor(name="Priya Shah")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def with_rows(data, prefix, existing=(), new=()):
    """Inline rows as the change form posts them: rows already saved (with their id), then new ones."""
    data = dict(data)
    data[f"{prefix}-INITIAL_FORMS"] = len(existing)
    data[f"{prefix}-TOTAL_FORMS"] = len(existing) + len(new)
    for index, row in enumerate([*existing, *new]):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def section_row(section, **changes):
    return {"id": section.pk, "article": section.article_id, "heading": section.heading, "body": section.body,
            "position": section.position} | changes  # fmt: skip


def question_row(question, **changes):
    return {"id": question.pk, "article": question.article_id, "text": question.text, "position": question.position} | (
        changes
    )


def study_row(study, **changes):
    return {"id": study.pk, "article": study.article_id, "study_name": study.study_name,
            "participants": study.participants or "", "design": study.design} | changes  # fmt: skip


def answer_rows(article):
    """The review checklist rows the change form posts for answers already saved."""
    return [
        {"id": a.pk, "article": article.pk, "answer": a.answer, "note": a.note} for a in article.review_answers.all()
    ]


def current_data(article, **fields):
    """What the change form posts for the article as it is now, with ``fields`` changed."""
    now = {"kind": article.kind, "headline": article.headline, "slug": article.slug, "standfirst": article.standfirst,
           "opening": article.opening, "summary": article.summary, "tags": "Biologics",
           "published_at_0": f"{timezone.localtime(article.published_at):%Y-%m-%d}",
           "published_at_1": f"{timezone.localtime(article.published_at):%H:%M:%S}"}  # fmt: skip
    data = article_form_data(article.topic, article.author, **(now | fields))
    data = with_rows(data, "sections", [section_row(s) for s in article.sections.all()])
    data = with_rows(data, "questions", [question_row(q) for q in article.questions.all()])
    answers = [
        {"id": a.pk, "article": article.pk, "answer": a.answer, "note": a.note} for a in article.review_answers.all()
    ]
    if answers:  # the checklist as answered; article_form_data answers a new article's
        data = with_rows(data, "review_answers", answers)
    study = StudyFacts.objects.filter(article=article).first()
    return with_rows(data, "study", [study_row(study)] if study else [])


@pytest.fixture
def admin_article(editor_client, topic, author):
    """An article added by the editor in admin, with a section, a question and study facts: revision 1.

    A feature, so that its parts may be this few: research news would need three questions and a practical section.
    """
    data = article_form_data(topic, author, kind="feature", summary="The trial was **first** reported at a conference.")
    data = with_rows(data, "study", new=[{"study_name": "QUIET-UC", "participants": "812", "design": "Randomised"}])
    data = with_rows(data, "sections", existing=[], new=[{"heading": "What this may mean", "body": "It is *one* step.",
                                             "position": 1}])  # fmt: skip
    data = with_rows(data, "questions", new=[{"text": "Could this suit me?", "position": 1}])
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302
    return Article.objects.get()


@pytest.fixture
def changed_article(editor_client, admin_article):
    """The same article saved again with a new summary, a changed section, a new section, another
    question instead of the first and a larger study: revision 2."""
    article = admin_article
    section, question, study = article.sections.get(), article.questions.get(), article.study
    data = current_data(article, summary="The trial was **second** reported in a journal.")
    data = with_rows(
        data,
        "sections",
        [section_row(section, body="It is *two* steps.")],
        [{"heading": "What happens next", "body": "More trials.", "position": 2}],
    )
    data = with_rows(
        data, "questions", [question_row(question, DELETE="on")], [{"text": "What are the risks?", "position": 2}]
    )
    data = with_rows(data, "study", [study_row(study, participants="900")])
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def revisions_of(article):
    return list(Version.objects.get_for_object(article).select_related("revision").order_by("pk"))


def parts_of(version):
    """What a revision holds, as (model name, object_repr) pairs."""
    return sorted((v._model.__name__, v.object_repr) for v in version.revision.version_set.all())


# Revisions ------------------------------------------------------------------


def test_adding_an_article_in_admin_keeps_a_first_revision_with_its_parts(admin_article, editor):
    [version] = revisions_of(admin_article)

    assert version.revision.user == editor
    assert parts_of(version) == [
        ("Article", admin_article.headline),
        ("Question", "Could this suit me?"),
        ("Section", "What this may mean"),
        ("StudyFacts", "QUIET-UC"),
    ]


def test_each_save_in_admin_keeps_a_revision_with_the_inline_changes(changed_article):
    first, second = revisions_of(changed_article)

    assert "**first**" in first.field_dict["summary"]
    assert "**second**" in second.field_dict["summary"]
    assert parts_of(second) == [
        ("Article", changed_article.headline),
        ("Question", "What are the risks?"),
        ("Section", "What happens next"),
        ("Section", "What this may mean"),
        ("StudyFacts", "QUIET-UC"),
    ]
    bodies = [v.field_dict["body"] for v in second.revision.version_set.all() if v._model is Section]
    assert "It is *two* steps." in bodies


def test_saving_only_an_inline_change_keeps_a_revision(editor_client, admin_article):
    question = admin_article.questions.get()
    data = current_data(admin_article)
    data = with_rows(data, "questions", [question_row(question, text="Could this suit me, and when?")])

    editor_client.post(f"/admin/articles/article/{admin_article.pk}/change/", data)

    latest = revisions_of(admin_article)[-1]
    texts = [v.field_dict["text"] for v in latest.revision.version_set.all() if v._model is Question]
    assert texts == ["Could this suit me, and when?"]
    assert len(revisions_of(admin_article)) == 2


def test_publishing_from_the_list_keeps_a_revision(editor_client, make_article, answer_review_checklist):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    answer_review_checklist(article)

    editor_client.post(CHANGELIST_URL, {"action": "publish_selected", "_selected_action": [article.pk]})

    [version] = revisions_of(article)
    assert version.field_dict["status"] == "published"


def test_history_lists_each_revision_with_its_editor_and_a_compare_form(editor_client, changed_article):
    response = editor_client.get(f"/admin/articles/article/{changed_article.pk}/history/")

    content = response.content.decode()
    first, second = revisions_of(changed_article)
    assert response.status_code == 200
    assert content.count("<td>edie</td>") == 2
    assert f'action="/admin/articles/article/{changed_article.pk}/history/compare/"' in content
    assert f'name="old" value="{first.pk}"' in content
    assert f'href="/admin/articles/article/{changed_article.pk}/history/{first.pk}/"' in content
    assert content.index(f'value="{second.pk}"') < content.index(f'value="{first.pk}"')  # newest first


# Compare --------------------------------------------------------------------


def compare_url(article, old, new):
    return f"/admin/articles/article/{article.pk}/history/compare/?old={old}&new={new}"


def test_compare_shows_each_changed_field_of_the_article_and_its_parts(editor_client, changed_article):
    first, second = revisions_of(changed_article)

    response = editor_client.get(compare_url(changed_article, first.pk, second.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Summary</th>' in content
    assert "<del>first</del>" in content and "<ins>second</ins>" in content
    assert "Analysis section “What this may mean”" in content
    assert "<del>one</del>" in content and "<ins>two</ins>" in content
    assert "Analysis section “What happens next” (added)" in content
    assert "Question for your healthcare team (removed)" in content
    assert "Could this suit me?" in content and "What are the risks?" in content
    assert "Study at a glance" in content and "<del>812</del>" in content and "<ins>900</ins>" in content
    assert '<th scope="row">Headline</th>' not in content  # unchanged fields stay out
    assert "Summary html" not in content  # computed fields stay out


def test_compare_puts_the_older_revision_first_whichever_way_it_is_asked(editor_client, changed_article):
    first, second = revisions_of(changed_article)

    content = editor_client.get(compare_url(changed_article, second.pk, first.pk)).content.decode()

    assert "<del>first</del>" in content and "<ins>second</ins>" in content


def test_compare_ignores_line_endings_that_browsers_change(editor_client, admin_article):
    data = current_data(admin_article, opening="First line.\nSecond line.")
    data = with_rows(data, "sections", [section_row(admin_article.sections.get())])
    editor_client.post(f"/admin/articles/article/{admin_article.pk}/change/", data)
    data["opening"] = "First line.\r\nSecond line."
    editor_client.post(f"/admin/articles/article/{admin_article.pk}/change/", data)
    _, second, third = revisions_of(admin_article)

    response = editor_client.get(compare_url(admin_article, second.pk, third.pk))

    assert response.context["parts"] == []
    assert "Nothing an editor writes changed between these two revisions" in response.content.decode()


def test_compare_escapes_what_editors_typed(editor_client, admin_article):
    data = current_data(admin_article, standfirst='<script>alert("x")</script> & more')
    data = with_rows(data, "sections", [section_row(admin_article.sections.get())])
    editor_client.post(f"/admin/articles/article/{admin_article.pk}/change/", data)
    first, second = revisions_of(admin_article)

    content = editor_client.get(compare_url(admin_article, first.pk, second.pk)).content.decode()

    assert '<script>alert("x")</script>' not in content
    assert escape("<script>") in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose the earlier revision."),
        ("?old=1&new=abc", "That revision isn&#x27;t in this article&#x27;s history."),
        ("?old=999999&new=999998", "That revision isn&#x27;t in this article&#x27;s history."),
        ("?old={first}&new={first}", "Choose two different revisions to compare."),
        ("?old={first}&new=" + "9" * 10_000, "That revision isn&#x27;t in this article&#x27;s history."),
    ],
)
def test_compare_with_bad_input_goes_back_to_the_history_with_a_message(editor_client, changed_article, query, message):
    first, _ = revisions_of(changed_article)
    url = f"/admin/articles/article/{changed_article.pk}/history/compare/" + query.format(first=first.pk)

    response = editor_client.get(url, follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/articles/article/{changed_article.pk}/history/"
    assert message in response.content.decode()


def test_compare_refuses_a_revision_of_another_article(editor_client, changed_article, make_article):
    other = make_article()
    with_version = Version.objects.get_for_object(changed_article).first()
    editor_client.post(CHANGELIST_URL, {"action": "unpublish_selected", "_selected_action": [other.pk]})
    other_version = Version.objects.get_for_object(other).get()

    response = editor_client.get(compare_url(changed_article, other_version.pk, with_version.pk))

    assert response.status_code == 302
    assert any("isn't in this article's history" in str(m) for m in get_messages(response.wsgi_request))


def test_compare_of_an_unknown_article_is_a_404(editor_client, db):
    assert editor_client.get("/admin/articles/article/999999/history/compare/?old=1&new=2").status_code == 404


# Restore --------------------------------------------------------------------


def restore_url(article, version):
    return f"/admin/articles/article/{article.pk}/history/{version.pk}/"


def test_opening_an_old_revision_shows_it_in_the_form_and_changes_nothing(editor_client, changed_article):
    first, _ = revisions_of(changed_article)

    response = editor_client.get(restore_url(changed_article, first))

    content = response.content.decode()
    assert response.status_code == 200
    assert "The trial was **first** reported at a conference." in content
    assert "It is *one* step." in content
    changed_article.refresh_from_db()
    assert "**second**" in changed_article.summary
    assert changed_article.sections.count() == 2


def test_an_old_revision_opens_in_the_article_forms_own_order(editor_client, changed_article):
    first, _ = revisions_of(changed_article)

    content = editor_client.get(restore_url(changed_article, first)).content.decode()

    order = ["1. The source", "2. Summary", 'id="sections-group"', 'id="questions-group"', "6. Publish"]
    assert [content.index(part) for part in order] == sorted(content.index(part) for part in order)
    assert "Press the save button below to revert to this version" in content
    assert ">History</a>" in content


def test_restoring_brings_back_the_old_text_and_inlines_and_renders_them_again(
    editor_client, client, changed_article, make_comment, member
):
    first, _ = revisions_of(changed_article)
    make_comment(changed_article, member)
    ArticleCorrection.objects.create(article=changed_article, kind="update", text="We added a section.")
    # Stored HTML from an older renderer must not come back: the restore renders the Markdown again.
    for version in first.revision.version_set.all():
        version.serialized_data = version.serialized_data.replace("<em>one</em>", "stale").replace(
            "<strong>first</strong>", "stale"
        )
        version.save()
    assert "second" in client.get(changed_article.get_absolute_url()).content.decode()  # now in the page cache
    (version,) = current_versions([article_version(changed_article.slug)])

    # The form as the revision page shows it: django-reversion has put the old parts back by now.
    old_section = Section.objects.get(heading="What this may mean")
    old_question_pk = next(v.object_id for v in first.revision.version_set.all() if v._model is Question)
    data = article_form_data(
        changed_article.topic,
        changed_article.author,
        kind="feature",
        summary="The trial was **first** reported at a conference.",
    )
    data = with_rows(data, "sections", [section_row(old_section, body="It is *one* step.")])
    data = with_rows(data, "questions", [{"id": old_question_pk, "article": changed_article.pk,
                                          "text": "Could this suit me?", "position": 1}])  # fmt: skip
    data = with_rows(data, "study", [study_row(changed_article.study, participants="812")])
    data = with_rows(data, "review_answers", answer_rows(changed_article))
    response = editor_client.post(restore_url(changed_article, first), data)

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.summary_html == "<p>The trial was <strong>first</strong> reported at a conference.</p>"
    assert [(s.heading, s.body_html) for s in article.sections.all()] == [
        ("What this may mean", "<p>It is <em>one</em> step.</p>")
    ]
    assert [q.text for q in article.questions.all()] == ["Could this suit me?"]
    assert article.study.participants == 812
    assert article.comment_count == 1  # the live count, not the one stored with the revision
    assert article.corrections.count() == 1  # a restore never takes a correction away
    assert current_versions([article_version(article.slug)]) > [version]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>first</strong>" in page and "<strong>second</strong>" not in page
    assert len(revisions_of(article)) == 3
    assert "Reverted to previous version" in revisions_of(article)[-1].revision.comment


# Permissions ----------------------------------------------------------------


@pytest.fixture
def as_role(client, request):
    """The client signed in as the named role; "anonymous" stays signed out."""

    def as_role(role):
        client.logout()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return as_role


ROLES = ["anonymous", "member", "moderator", "editor"]


def expect(response, role):
    """Signed-out readers and members are sent to the admin login; moderators are refused; editors get in."""
    if role in ("anonymous", "member"):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    elif role == "moderator":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["history", "compare", "revision", "recover-list", "due-for-review"])
def test_only_editors_see_history_compare_revisions_and_the_review_list(as_role, changed_article, role, page):
    first, second = revisions_of(changed_article)
    url = {
        "history": f"/admin/articles/article/{changed_article.pk}/history/",
        "compare": compare_url(changed_article, first.pk, second.pk),
        "revision": restore_url(changed_article, first),
        "recover-list": "/admin/articles/article/recover/",
        "due-for-review": DUE_URL,
    }[page]
    expect(as_role(role).get(url), role)


@pytest.mark.parametrize("role", ["anonymous", "member", "moderator"])
def test_only_editors_can_restore(as_role, changed_article, role):
    first, _ = revisions_of(changed_article)
    response = as_role(role).post(restore_url(changed_article, first), current_data(changed_article))

    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"].startswith("/admin/login/")
    changed_article.refresh_from_db()
    assert "**second**" in changed_article.summary
    assert changed_article.sections.count() == 2


def test_moderators_cannot_add_corrections(as_role, admin_article):
    data = with_rows(
        current_data(admin_article),
        "corrections",
        new=[{"kind": "correction", "published_at_0": "2026-01-01", "published_at_1": "09:00", "text": "Not mine."}],
    )

    response = as_role("moderator").post(f"/admin/articles/article/{admin_article.pk}/change/", data)

    assert response.status_code == 403
    assert not ArticleCorrection.objects.exists()


def test_editors_have_what_history_corrections_and_reviews_need(editor, moderator):
    for permission in ["reversion.view_version", "reversion.view_revision", "articles.add_articlecorrection",
                       "articles.change_articlecorrection", "articles.view_articledueforreview"]:  # fmt: skip
        assert editor.has_perm(permission)
        assert not moderator.has_perm(permission)


# Corrections and updates on the page ------------------------------------------


def test_corrections_show_below_the_header_newest_first_with_dates(client, make_article):
    article = make_article(opening="Welcome to this article.")
    now = timezone.now()
    ArticleCorrection.objects.create(
        article=article, kind="correction", text="We said 100 people; it was **120**.",
        published_at=now - timedelta(days=10),
    )  # fmt: skip
    ArticleCorrection.objects.create(
        article=article,
        kind="update",
        text="We added the trial's registry number.",
        published_at=now - timedelta(days=2),
    )

    content = client.get(article.get_absolute_url()).content.decode()

    box = content.index('<h2 id="corrections-heading">Corrections and updates</h2>')
    assert content.index("</header>") < box < content.index("Welcome to this article.")
    assert content.index("We added the trial") < content.index("it was <strong>120</strong>")
    for kind, days_ago in [("Update", 2), ("Correction", 10)]:
        day = timezone.localtime(now - timedelta(days=days_ago)).strftime("%-d %B %Y")
        assert f"<strong>{kind}</strong> · <time datetime=" in content
        assert f">{day}</time></p>" in content


def test_the_byline_says_when_the_article_was_last_corrected_and_updated(client, make_article):
    article = make_article()
    ArticleCorrection.objects.create(article=article, kind="correction", text="Fixed a dose.",
                                     published_at=timezone.now() - timedelta(days=30))  # fmt: skip
    ArticleCorrection.objects.create(article=article, kind="correction", text="Fixed a date.",
                                     published_at=timezone.now() - timedelta(days=3))  # fmt: skip
    ArticleCorrection.objects.create(article=article, kind="update", text="Added a link.",
                                     published_at=timezone.now() - timedelta(days=5))  # fmt: skip

    content = client.get(article.get_absolute_url()).content.decode()

    def day(days_ago):
        return timezone.localtime(timezone.now() - timedelta(days=days_ago)).strftime("%-d %B %Y")

    assert '<a href="#corrections">Corrected on <time datetime="' in content
    assert f"{day(3)}</time></a>" in content
    assert f"{day(5)}</time></a>" in content
    assert content.count('<a href="#corrections">') == 2  # the latest of each kind only


def test_an_article_without_corrections_has_no_box(client, make_article):
    content = client.get(make_article().get_absolute_url()).content.decode()

    assert "Corrections and updates" not in content
    assert 'href="#corrections"' not in content


def test_correction_text_is_sanitised(client, make_article):
    article = make_article()
    ArticleCorrection.objects.create(
        article=article,
        text='<script>alert(1)</script><img src=x onerror="alert(2)"> [link](javascript:alert(3)) & <b>ok</b>',
    )

    content = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in content
    assert "onerror" not in content
    assert "javascript:" not in content
    assert "<b>ok</b>" in content


def test_a_correction_dated_in_the_future_is_refused(make_article):
    correction = ArticleCorrection(
        article=make_article(), text="Soon.", published_at=timezone.now() + timedelta(days=2)
    )

    with pytest.raises(ValidationError) as error:
        correction.full_clean()

    assert "can't be in the future" in str(error.value)


def test_an_editor_adds_a_correction_in_the_article_form_and_readers_see_it_at_once(
    editor_client, client, admin_article
):
    assert "Corrections and updates" not in client.get(admin_article.get_absolute_url()).content.decode()
    data = with_rows(
        current_data(admin_article),
        "corrections",
        new=[{"kind": "correction", "published_at_0": timezone.localdate().isoformat(), "published_at_1": "23:59",
              "text": "An earlier version gave the wrong trial size."}],
    )  # fmt: skip

    response = editor_client.post(f"/admin/articles/article/{admin_article.pk}/change/", data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][-1].formset.errors
    content = client.get(admin_article.get_absolute_url()).content.decode()
    assert "An earlier version gave the wrong trial size." in content
    assert "Corrected on" in content


def test_the_article_form_refuses_a_correction_dated_in_the_future(editor_client, admin_article):
    tomorrow = timezone.localdate() + timedelta(days=2)
    data = with_rows(
        current_data(admin_article),
        "corrections",
        new=[{"kind": "update", "published_at_0": tomorrow.isoformat(), "published_at_1": "09:00", "text": "Soon."}],
    )

    response = editor_client.post(f"/admin/articles/article/{admin_article.pk}/change/", data)

    assert response.status_code == 200
    assert "its date can&#x27;t be in the future" in response.content.decode()
    assert not ArticleCorrection.objects.exists()


def test_corrections_cost_one_query_however_many(client, django_assert_max_num_queries, make_article):
    article = make_article()
    for n in range(15):
        ArticleCorrection.objects.create(article=article, text=f"Note {n}.", published_at=timezone.now())

    with django_assert_max_num_queries(TestQueryCounts.ARTICLE_PAGE_QUERIES):
        response = client.get(article.get_absolute_url())

    assert response.content.decode().count('class="corrections__note"') == 15


# Review dates ---------------------------------------------------------------


def test_next_review_is_due_twelve_months_after_the_review_by_default(make_article, make_contributor):
    article = make_article(medical_reviewer=make_contributor(), reviewed_on=date(2026, 3, 15))

    assert article.next_review_due == date(2027, 3, 15)


def test_a_review_on_29_february_falls_due_on_28_february(make_article, make_contributor):
    article = make_article(medical_reviewer=make_contributor(), reviewed_on=date(2024, 2, 29))

    assert article.next_review_due == date(2025, 2, 28)


def test_an_editor_can_choose_another_next_review_date(make_article, make_contributor):
    article = make_article(
        medical_reviewer=make_contributor(), reviewed_on=date(2026, 3, 15), next_review_due=date(2026, 9, 1)
    )

    assert article.next_review_due == date(2026, 9, 1)


def test_the_next_review_cannot_be_before_the_last(build_article, make_contributor):
    article = build_article(
        medical_reviewer=make_contributor(), reviewed_on=date(2026, 3, 15), next_review_due=date(2026, 3, 14)
    )

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.message_dict["next_review_due"] == [
        "The next review can't be before the last one (15 March 2026). "
        "Leave it empty to set it to 12 months after the review."
    ]


def test_the_article_form_shows_the_review_date_error(editor_client, topic, author, make_contributor):
    reviewer = make_contributor()
    data = article_form_data(
        topic, author, medical_reviewer=reviewer.pk, reviewed_on="2026-03-15", next_review_due="2025-01-01"
    )

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "The next review can&#x27;t be before the last one" in response.content.decode()
    assert not Article.objects.exists()


def test_the_page_shows_last_reviewed_and_next_review_due(client, make_article, make_contributor):
    today = timezone.localdate()
    article = make_article(medical_reviewer=make_contributor(), reviewed_on=today - timedelta(days=30))

    content = client.get(article.get_absolute_url()).content.decode()

    assert f'Last reviewed <time datetime="{(today - timedelta(days=30)).isoformat()}">' in content
    assert f'Next review due <time datetime="{article.next_review_due.isoformat()}">' in content
    assert "due for review" not in content


def test_an_overdue_article_says_calmly_that_it_is_due_for_review(client, make_article, make_contributor):
    today = timezone.localdate()
    article = make_article(
        medical_reviewer=make_contributor(),
        reviewed_on=today - timedelta(days=400),
        next_review_due=today - timedelta(1),
    )

    content = client.get(article.get_absolute_url()).content.decode()

    assert "This article is due for review." in content
    assert "overdue" not in content.lower()
    assert "Next review due" not in content


def overdue_and_others(make_article, make_contributor):
    """An overdue article, one due soon, one not reviewed, and a draft past its date (not overdue: unpublished)."""
    today, reviewer = timezone.localdate(), make_contributor()
    reviewed = {"medical_reviewer": reviewer, "reviewed_on": today - timedelta(days=400)}
    return {
        "overdue": make_article(headline="Overdue article", next_review_due=today - timedelta(days=5), **reviewed),
        "long overdue": make_article(headline="Long overdue", next_review_due=today - timedelta(days=50), **reviewed),
        "soon": make_article(headline="Due soon article", next_review_due=today + timedelta(days=10), **reviewed),
        "unreviewed": make_article(headline="Unreviewed article"),
        "draft": make_article(
            headline="Draft article",
            status=Article.Status.DRAFT,
            published_at=None,
            next_review_due=today - timedelta(days=5),
            **reviewed,
        ),
    }


def test_only_published_articles_past_their_date_are_overdue(make_article, make_contributor):
    articles = overdue_and_others(make_article, make_contributor)

    assert set(Article.objects.review_overdue()) == {articles["overdue"], articles["long overdue"]}
    assert not articles["draft"].is_review_overdue
    assert not articles["soon"].is_review_overdue


def test_the_article_list_filters_and_marks_overdue_reviews(editor_client, make_article, make_contributor):
    overdue_and_others(make_article, make_contributor)

    response = editor_client.get(CHANGELIST_URL + "?review=overdue")

    content = response.content.decode()
    assert {a.headline for a in response.context["cl"].result_list} == {"Long overdue", "Overdue article"}
    assert "Review overdue" in content
    assert content.count('<td class="field-status_in_words">Due for review</td>') == 2
    soon = editor_client.get(CHANGELIST_URL + "?review=soon").context["cl"].result_list
    assert [a.headline for a in soon] == ["Due soon article"]


def test_an_unknown_review_filter_value_shows_every_article(editor_client, make_article, make_contributor):
    overdue_and_others(make_article, make_contributor)

    response = editor_client.get(CHANGELIST_URL + "?review=%3Cscript%3E")

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 5


def test_articles_due_for_review_are_listed_for_editors_longest_overdue_first(
    editor_client, make_article, make_contributor
):
    articles = overdue_and_others(make_article, make_contributor)

    index = editor_client.get("/admin/").content.decode()
    response = editor_client.get(DUE_URL)

    assert f'href="{DUE_URL}"' in index and "Articles due for review" in index
    assert [a.headline for a in response.context["cl"].result_list] == ["Long overdue", "Overdue article"]
    content = response.content.decode()
    assert f'href="/admin/articles/article/{articles["overdue"].pk}/change/"' in content
    assert "Add article due for review" not in content
    assert "<h1>Articles due for review</h1>" in content


def test_moderators_do_not_see_the_review_list_in_admin(client, moderator):
    client.force_login(moderator)

    assert DUE_URL not in client.get("/admin/").content.decode()


# Demo -----------------------------------------------------------------------


def test_demo_articles_start_with_one_revision_and_one_has_an_update_note(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_articles", stdout=io.StringIO())
    call_command("seed_articles", stdout=io.StringIO())  # again: nothing new

    for article in Article.objects.all():
        [version] = revisions_of(article)
        assert version.revision.comment == "Loaded with the demo content."
        assert {v._model.__name__ for v in version.revision.version_set.all()} >= {"Article", "Section", "Question"}
    [note] = ArticleCorrection.objects.all()
    assert note.kind == "update"
    assert note.article.slug == "fatigue-and-ibd-what-can-help"
    assert "still worth" in note.article.sections.get(heading="Things worth checking").body
