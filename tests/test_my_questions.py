"""
My questions: saving questions from articles, a reader's own questions, order,
the print and text pages, the list joining an account at log-in, and above all
that nobody can see or touch anyone else's list.
"""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from community.models import Profile, SavedQuestion
from community.models.questions import MAX_QUESTIONS, SESSION_KEY

LIST = "/my-questions/"
ADD = "/my-questions/add/"
PRINT = "/my-questions/print/"
DOWNLOAD = "/my-questions/my-questions.txt"


def save_url(question):
    return f"/my-questions/save/{question.pk}/"


def move(client, item_id, direction):
    return client.post(f"/my-questions/{item_id}/move/", {"direction": direction})


def remove(client, item_id):
    return client.post(f"/my-questions/{item_id}/remove/")


def session_items(client):
    return client.session.get(SESSION_KEY, {"items": []})["items"]


def listed_texts(response):
    """The questions in the list as the page shows them, in order."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'<p class="my-question__text">(.*?)</p>', response.content.decode(), re.S)
    ]


@pytest.fixture
def article(make_article, make_question):
    article = make_article(headline="Iron infusions ease tiredness in Crohn's")
    make_question(article, text="Should my iron be checked?", position=0)
    make_question(article, text="Could an infusion help me?", position=1)
    make_question(article, text="How often should bloods be taken?", position=2)
    return article


@pytest.fixture
def questions(article):
    return list(article.questions.all())


@pytest.fixture
def draft_question(make_article, make_question):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    return make_question(draft, text="A question nobody should see yet?")


def save_for(user, question, position=0):
    return SavedQuestion.objects.create(
        user=user,
        question=question,
        article=question.article,
        article_headline=question.article.headline,
        text=question.text,
        position=position,
    )


class TestArticlePage:
    def test_a_reader_without_a_session_gets_links_and_no_form(self, client, article, questions):
        content = client.get(article.get_absolute_url()).content.decode()

        for question in questions:
            assert f'href="{save_url(question)}"' in content
        assert "csrfmiddlewaretoken" not in content
        assert "sessionid" not in client.cookies

    def test_the_page_stays_cached_for_readers_without_a_session(self, client, article, django_assert_num_queries):
        client.get(article.get_absolute_url())

        with django_assert_num_queries(0):
            response = client.get(article.get_absolute_url())

        assert "Save to My questions" in response.content.decode()

    def test_a_member_gets_forms_and_sees_what_is_saved(self, client, member, article, questions):
        save_for(member, questions[1])
        client.force_login(member)

        content = client.get(article.get_absolute_url()).content.decode()

        assert f'action="{save_url(questions[0])}"' in content
        assert f'action="{save_url(questions[1])}"' not in content
        assert content.count("Saved to <a") == 1

    def test_a_reader_with_a_session_gets_forms_and_sees_what_is_saved(self, client, article, questions):
        client.post(save_url(questions[0]))

        content = client.get(article.get_absolute_url()).content.decode()

        assert f'action="{save_url(questions[1])}"' in content
        assert content.count("Saved to <a") == 1

    @pytest.mark.parametrize("count", [1, 20])
    def test_the_saved_state_costs_one_query_for_a_member_however_many_questions_then_none(
        self, client, member, make_article, make_question, django_assert_num_queries, count
    ):
        article = make_article()
        for n in range(count):
            save_for(member, make_question(article, text=f"Question {n}?", position=n), position=n)
        client.force_login(member)
        with CaptureQueriesContext(connection) as first:
            content = client.get(article.get_absolute_url()).content.decode()

        with django_assert_num_queries(MEMBER_ARTICLE_PAGE_QUERIES) as again:
            assert client.get(article.get_absolute_url()).content.decode().count("Saved to <a") == count

        assert content.count("Saved to <a") == count
        assert sum("community_savedquestion" in q["sql"] for q in first.captured_queries) == 1
        assert not any("community_savedquestion" in q["sql"] for q in again.captured_queries)

    def test_a_staff_preview_of_a_draft_has_no_save_control(self, client, editor, draft_question):
        client.force_login(editor)

        content = client.get(draft_question.article.get_absolute_url()).content.decode()

        assert draft_question.text in content
        assert "Save to My questions" not in content


# A member's article page, once the article is shared for its versions and their own parts are kept for
# their version (community.models.own_parts): the session (read from Redis when there is one:
# community.sessions), and the member with their profile.
MEMBER_ARTICLE_PAGE_QUERIES = 1 if settings.SESSION_ENGINE == "community.sessions" else 2


class TestSaving:
    def test_the_save_page_shows_the_question_and_a_form(self, client, questions):
        response = client.get(save_url(questions[0]))

        content = response.content.decode()
        assert response.status_code == 200
        assert "Should my iron be checked?" in content
        assert "Iron infusions ease tiredness in Crohn&#x27;s" in content
        assert 'method="post"' in content

    def test_a_reader_saves_a_question_in_their_session(self, client, article, questions):
        response = client.post(save_url(questions[0]))

        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#question-{questions[0].pk}"
        assert session_items(client) == [{"id": 1, "question": questions[0].pk}]
        assert not SavedQuestion.objects.exists()
        assert "Saved to My questions." in client.get(response["Location"]).content.decode()

    def test_a_member_saves_a_question_in_the_database(self, client, member, questions):
        client.force_login(member)

        client.post(save_url(questions[2]), {"next": "/my-questions/"})

        saved = SavedQuestion.objects.get(user=member)
        assert (saved.question, saved.text, saved.article_headline) == (
            questions[2],
            "How often should bloods be taken?",
            "Iron infusions ease tiredness in Crohn's",
        )

    @pytest.mark.parametrize("logged_in", [False, True])
    def test_saving_twice_keeps_one_copy(self, client, member, questions, logged_in):
        if logged_in:
            client.force_login(member)

        client.post(save_url(questions[0]))
        response = client.post(save_url(questions[0]), follow=True)

        assert "already in My questions" in response.content.decode()
        assert listed_texts(client.get(LIST)) == ["Should my iron be checked?"]

    def test_the_save_page_says_when_the_question_is_already_saved(self, client, questions):
        client.post(save_url(questions[0]))

        content = client.get(save_url(questions[0])).content.decode()

        assert "already in your list" in content
        assert 'method="post"' not in content

    def test_it_ignores_a_next_address_on_another_site(self, client, article, questions):
        response = client.post(save_url(questions[0]), {"next": "https://evil.example.com/"})

        assert response["Location"] == f"{article.get_absolute_url()}#question-{questions[0].pk}"

    @pytest.mark.parametrize("logged_in", [False, True])
    def test_a_question_of_a_draft_or_scheduled_article_cannot_be_saved(
        self, client, member, draft_question, make_article, make_question, logged_in
    ):
        if logged_in:
            client.force_login(member)
        scheduled = make_question(make_article(published_at=timezone.now() + timedelta(days=2)))

        for question in (draft_question, scheduled):
            assert client.get(save_url(question)).status_code == 404
            assert client.post(save_url(question)).status_code == 404
        assert not SavedQuestion.objects.exists()
        assert session_items(client) == []

    def test_an_unknown_question_is_not_found(self, client, db):
        assert client.post("/my-questions/save/999999/").status_code == 404
        assert client.get("/my-questions/save/99999999999999999999/").status_code == 404

    @pytest.mark.parametrize("logged_in", [False, True])
    def test_a_full_list_takes_no_more(self, client, member, make_article, make_question, logged_in):
        article = make_article()
        extra = [make_question(article, text=f"Question {n}?", position=n) for n in range(MAX_QUESTIONS + 1)]
        if logged_in:
            client.force_login(member)
        for question in extra[:MAX_QUESTIONS]:
            client.post(save_url(question))

        response = client.post(save_url(extra[-1]), follow=True)

        assert f"holds up to {MAX_QUESTIONS} questions" in response.content.decode()
        assert len(listed_texts(client.get(LIST))) == MAX_QUESTIONS

    def test_saving_needs_the_csrf_token(self, member, questions):
        for logged_in in (False, True):
            client = Client(enforce_csrf_checks=True)
            if logged_in:
                client.force_login(member)

            assert client.post(save_url(questions[0])).status_code == 403
            assert client.post(ADD, {"text": "Sneaky question?"}).status_code == 403
        assert not SavedQuestion.objects.exists()

    def test_the_form_on_the_save_page_works_with_its_token(self, questions):
        client = Client(enforce_csrf_checks=True)
        page = client.get(save_url(questions[0])).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

        response = client.post(save_url(questions[0]), {"csrfmiddlewaretoken": token})

        assert response.status_code == 302
        assert session_items(client) == [{"id": 1, "question": questions[0].pk}]


@pytest.fixture(params=["reader", "member"])
def reader(request, client, member):
    """The same behaviour for a reader's session list and a member's list in the database."""
    if request.param == "member":
        client.force_login(member)
    return client


def item_ids(client):
    """The ids of the items in the list page's forms, in order."""
    content = client.get(LIST).content.decode()
    return list(dict.fromkeys(int(n) for n in re.findall(r'id="item-(\d+)"', content)))


class TestOwnQuestions:
    def test_a_reader_adds_their_own_question(self, reader):
        response = reader.post(ADD, {"text": "  Can I   have my\nvitamin D checked? "}, follow=True)

        assert "added to the end of your list" in response.content.decode()
        assert listed_texts(response) == ["Can I have my vitamin D checked?"]
        assert "Your own question" in response.content.decode()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "Write your question before adding it."),
            ("   \n\t ", "Write your question before adding it."),
            ("x" * 301, "Questions can be up to 300 characters long. Yours is 301"),
            ("x" * 10_240, "Questions can be up to 300 characters long. Yours is 10240"),
        ],
    )
    def test_it_refuses_empty_or_long_questions_with_a_message(self, reader, text, message):
        response = reader.post(ADD, {"text": text})

        assert response.status_code == 400
        assert message in response.content.decode()
        assert listed_texts(reader.get(LIST)) == []

    def test_it_refuses_a_duplicate_whatever_its_capitals_and_spaces(self, reader):
        reader.post(ADD, {"text": "Is surgery an option for me?"})

        response = reader.post(ADD, {"text": "is  SURGERY an option for me?"})

        assert response.status_code == 400
        assert "already in your list" in response.content.decode()
        assert listed_texts(reader.get(LIST)) == ["Is surgery an option for me?"]

    def test_a_full_list_takes_no_more_of_your_own(self, reader):
        for n in range(MAX_QUESTIONS):
            reader.post(ADD, {"text": f"My question {n}?"})

        response = reader.post(ADD, {"text": "One too many?"})

        assert response.status_code == 400
        assert f"holds up to {MAX_QUESTIONS} questions" in response.content.decode()

    def test_html_in_a_question_is_shown_as_text_everywhere(self, reader):
        hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        reader.post(ADD, {"text": hostile})

        for url in (LIST, PRINT):
            content = reader.get(url).content.decode()
            assert "<script>alert" not in content
            assert "<img src=x" not in content
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
        assert hostile in reader.get(DOWNLOAD).content.decode()

    def test_adding_needs_post(self, reader):
        assert reader.get(ADD).status_code == 405


class TestOrderAndRemoval:
    @pytest.fixture
    def three(self, reader, questions):
        for question in questions:
            reader.post(save_url(question))
        return reader

    def test_a_question_moves_up_and_down(self, three):
        first, _, third = item_ids(three)

        move(three, third, "up")
        move(three, first, "down")

        assert listed_texts(three.get(LIST)) == [
            "How often should bloods be taken?",
            "Should my iron be checked?",
            "Could an infusion help me?",
        ]

    def test_moving_past_either_end_changes_nothing(self, three):
        first, _, third = item_ids(three)

        move(three, first, "up")
        move(three, third, "down")

        assert item_ids(three)[0] == first
        assert item_ids(three)[-1] == third

    def test_a_bad_direction_gets_a_message_not_an_error(self, three):
        response = move(three, item_ids(three)[0], "sideways")

        assert response.status_code == 302
        assert "Choose whether to move" in three.get(LIST).content.decode()

    def test_a_question_is_removed(self, three):
        first, second, third = item_ids(three)

        response = remove(three, second)

        assert response.status_code == 302
        assert item_ids(three) == [first, third]

    def test_an_unknown_item_is_not_found(self, three):
        assert move(three, 987654, "up").status_code == 404
        assert remove(three, 987654).status_code == 404
        assert len(item_ids(three)) == 3

    def test_changing_the_list_needs_post(self, three):
        item = item_ids(three)[0]

        assert three.get(f"/my-questions/{item}/move/?direction=up").status_code == 405
        assert three.get(f"/my-questions/{item}/remove/").status_code == 405


class TestPrivacy:
    """A list is only ever found through the visitor's own account or session."""

    @pytest.fixture
    def mayas_item(self, member, questions):
        return save_for(member, questions[0])

    @pytest.mark.parametrize("who", ["anonymous", "second_member", "moderator", "editor"])
    def test_nobody_else_can_move_or_remove_a_members_question(self, request, client, mayas_item, who):
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))

        assert move(client, mayas_item.pk, "down").status_code == 404
        assert remove(client, mayas_item.pk).status_code == 404
        assert SavedQuestion.objects.filter(pk=mayas_item.pk, user=mayas_item.user).exists()

    @pytest.mark.parametrize("who", ["anonymous", "second_member", "moderator", "editor"])
    def test_nobody_else_sees_a_members_list(self, request, client, mayas_item, member, who):
        SavedQuestion.objects.create(user=member, text="Maya's private worry?", is_own=True, position=1)
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))

        for url in (LIST, PRINT, DOWNLOAD):
            content = client.get(url).content.decode()
            assert "Maya&#x27;s private worry?" not in content
            assert "Maya's private worry?" not in content
            assert "Should my iron be checked?" not in content

    def test_a_readers_session_list_is_theirs_alone(self, member, questions):
        first, second = Client(), Client()
        first.post(ADD, {"text": "First reader's question?"})
        second.force_login(member)

        assert "First reader" not in second.get(LIST).content.decode()
        assert "First reader" not in Client().get(LIST).content.decode()

    def test_a_member_can_remove_their_own_item_by_its_id(self, client, member, mayas_item):
        client.force_login(member)

        remove(client, mayas_item.pk)

        assert not SavedQuestion.objects.exists()

    def test_list_pages_are_never_cached(self, reader):
        for url in (LIST, PRINT, DOWNLOAD):
            assert "no-cache" in reader.get(url)["Cache-Control"]


class TestLogIn:
    def log_in(self, client, user, password):
        return client.post("/account/login/", {"username": user.email, "password": password})

    def test_the_session_list_joins_the_account_without_duplicates_and_in_order(
        self, client, member, password, questions
    ):
        save_for(member, questions[1], position=0)
        SavedQuestion.objects.create(user=member, text="Is surgery an option?", is_own=True, position=1)
        client.post(save_url(questions[2]))
        client.post(save_url(questions[1]))
        client.post(ADD, {"text": "IS SURGERY an option?"})
        client.post(ADD, {"text": "Can I travel abroad on my treatment?"})
        client.post(save_url(questions[0]))

        response = self.log_in(client, member, password)

        assert response.status_code == 302
        assert listed_texts(client.get(LIST)) == [
            "Could an infusion help me?",
            "Is surgery an option?",
            "How often should bloods be taken?",
            "Can I travel abroad on my treatment?",
            "Should my iron be checked?",
        ]
        assert SESSION_KEY not in client.session

    def test_the_merged_list_stays_within_the_limit(self, client, member, password, make_article, make_question):
        article = make_article()
        for n in range(MAX_QUESTIONS - 1):
            SavedQuestion.objects.create(user=member, text=f"Mine {n}?", is_own=True, position=n)
        for n in range(3):
            client.post(save_url(make_question(article, text=f"From the article {n}?", position=n)))

        self.log_in(client, member, password)

        assert SavedQuestion.objects.filter(user=member).count() == MAX_QUESTIONS
        assert SavedQuestion.objects.filter(user=member).last().text == "From the article 0?"

    def test_logging_in_with_no_session_list_changes_nothing(self, client, member, password, questions):
        save_for(member, questions[0])

        self.log_in(client, member, password)

        assert listed_texts(client.get(LIST)) == ["Should my iron be checked?"]


class TestWhenArticlesChange:
    def test_an_edited_question_reads_as_editors_left_it(self, client, member, questions):
        save_for(member, questions[0])
        questions[0].text = "Should my iron and B12 be checked?"
        questions[0].save()
        client.force_login(member)

        assert listed_texts(client.get(LIST)) == ["Should my iron and B12 be checked?"]

    def test_a_deleted_question_still_reads_from_the_saved_copy(self, client, member, article, questions):
        save_for(member, questions[0])
        questions[0].delete()
        client.force_login(member)

        content = client.get(PRINT).content.decode()

        assert "Should my iron be checked?" in content
        assert f'href="{article.get_absolute_url()}"' in content

    def test_a_deleted_article_leaves_its_headline(self, client, member, article, questions):
        save_for(member, questions[0])
        article.delete()
        client.force_login(member)

        content = client.get(LIST).content.decode()

        assert "Should my iron be checked?" in content
        assert "From “Iron infusions ease tiredness in Crohn&#x27;s”, no longer on IBD Movement" in content

    def test_a_reader_loses_a_question_whose_article_is_unpublished(self, client, article, questions):
        client.post(save_url(questions[0]))
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

        assert listed_texts(client.get(LIST)) == []


class TestPrintAndDownload:
    @pytest.fixture
    def listed(self, reader, questions):
        reader.post(save_url(questions[1]))
        reader.post(ADD, {"text": "Can I travel abroad on my treatment?"})
        return reader

    def test_the_print_page_shows_each_question_with_its_source(self, listed, article):
        content = listed.get(PRINT).content.decode()

        assert "<h1>Questions for my appointment</h1>" in content
        assert (
            f'From <a href="{article.get_absolute_url()}">Iron infusions ease tiredness in Crohn&#x27;s</a>' in content
        )
        assert f"http://127.0.0.1:8000{article.get_absolute_url()}" in content
        assert "Your own question" in content
        assert content.index("Could an infusion help me?") < content.index("Can I travel abroad")

    def test_the_text_download_is_a_numbered_list(self, listed, article):
        response = listed.get(DOWNLOAD)

        text = response.content.decode()
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="my-questions.txt"'
        assert "1. Could an infusion help me?\n   From: Iron infusions ease tiredness in Crohn's\n" in text
        assert "2. Can I travel abroad on my treatment?\n   (my own question)" in text
        assert "&#x27;" not in text

    def test_an_empty_list_says_how_to_fill_it(self, client, db):
        content = client.get(LIST).content.decode()

        assert "Your list is empty" in content
        assert "Print my questions" not in content

    @pytest.mark.parametrize("url", [LIST, PRINT])
    def test_member_pages_cost_the_same_with_1_or_40_questions(
        self, client, member, make_article, make_question, django_assert_max_num_queries, url
    ):
        client.force_login(member)
        costs = []
        for count in (1, 40):
            SavedQuestion.objects.filter(user=member).delete()
            article = make_article()
            for n in range(count):
                save_for(member, make_question(article, text=f"Question {n}?", position=n), position=n)
            client.get(url)  # what every page shares (the topics, the member's own parts) is kept from here on
            with django_assert_max_num_queries(10) as captured:
                response = client.get(url)
            assert len(listed_texts(response)) == count
            costs.append(len(captured.captured_queries))

        assert costs[0] == costs[1]

    def test_a_readers_list_page_costs_the_same_with_1_or_40_questions(
        self, client, make_article, make_question, django_assert_max_num_queries
    ):
        article = make_article()
        costs = []
        for count in (1, 40):
            for n in range(len(session_items(client)), count):
                client.post(save_url(make_question(article, text=f"Question {n}?", position=n)))
            client.get(LIST)  # what every page shares (the topics) is kept from here on
            with django_assert_max_num_queries(6) as captured:
                response = client.get(LIST)
            assert len(listed_texts(response)) == count
            costs.append(len(captured.captured_queries))

        assert costs[0] == costs[1]


class TestAccountData:
    def test_the_data_download_includes_the_list(self, client, member, questions):
        save_for(member, questions[0])
        SavedQuestion.objects.create(user=member, text="Can I travel abroad?", is_own=True, position=1)
        client.force_login(member)

        data = client.get("/account/export/").json()

        assert [(q["question"], q["own_question"], q["article"]) for q in data["my_questions"]] == [
            ("Should my iron be checked?", False, "Iron infusions ease tiredness in Crohn's"),
            ("Can I travel abroad?", True, ""),
        ]

    def test_the_data_download_holds_no_one_elses_list(self, member, second_member, questions):
        save_for(second_member, questions[0])

        assert Profile.for_user(member).export_data()["my_questions"] == []

    def test_deleting_the_account_deletes_the_list(self, client, member, second_member, password, questions):
        save_for(member, questions[0])
        theirs = save_for(second_member, questions[0])
        client.force_login(member)

        client.post("/account/delete/", {"password": password})

        assert list(SavedQuestion.objects.all()) == [theirs]

    def test_the_account_navigation_links_my_questions_for_everyone(self, client, member):
        assert 'href="/my-questions/">My questions</a>' in client.get("/").content.decode()
        client.force_login(member)
        assert 'href="/my-questions/">My questions</a>' in client.get("/account/").content.decode()

    def test_the_privacy_notice_explains_the_list(self, client, db):
        content = client.get("/privacy/").content.decode()

        assert "Nobody but you can see your My questions list" in content


@pytest.mark.django_db
def test_the_demo_gives_the_patient_a_list_once(client, media_root):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    patient = Profile.objects.get(user__username="patient").user
    client.force_login(patient)
    response = client.get(LIST)
    assert len(listed_texts(response)) == 4
    assert "Your own question" in response.content.decode()
    assert all(item.article_url for item in patient.saved_questions.filter(is_own=False))
