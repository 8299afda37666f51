"""
Plain-language checks for editors: reading levels against a target, long
sentences, medical terms, and hype words with what to say instead. All of it
warns; none of it stops a save.
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from articles import readability
from articles.models import Article, HypeWord, SiteSettings
from tests.test_editor_admin import (
    ADD_URL,
    CHANGELIST_URL,
    PRACTICAL_SECTION,
    READY_QUESTIONS,
    article_form_data,
    with_inline_rows,
)

SIMPLE = (
    "Tom has a red cat. The cat likes to sleep in the sun. Tom gives the cat some milk. "
    "Then they both go to bed. It is a good day."
)
DENSE = (
    "Inflammatory bowel disease pathophysiology encompasses dysregulated mucosal immunological responses to "
    "commensal microbiota in genetically susceptible individuals, culminating in chronic relapsing transmural "
    "inflammation with considerable heterogeneity in phenotypic presentation. Consequently, individualised "
    "therapeutic stratification necessitates comprehensive evaluation of endoscopic, histological and "
    "biochemical parameters."
)
LONG_SENTENCE = (
    "People who took part in the study were asked to keep a diary of their symptoms every single day for "
    "twelve weeks so that the team could see how often flares happened."
)  # 33 words
HYPE = [
    ("breakthrough", "Say what was found."),
    ("cure", "IBD has no cure yet."),
    ("game-changer", "Say what might change."),
    ("wonder drug", "Name the medicine."),
]


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


# Reading level -----------------------------------------------------------------


def test_simple_text_reads_at_a_low_grade():
    figures = readability.measure(SIMPLE)

    assert 0 <= figures.grade < 4
    assert figures.long_sentences == ()
    assert figures.word_count == 30


def test_dense_academic_text_reads_far_above_the_target():
    figures = readability.measure(DENSE)

    assert figures.grade > 16
    assert figures.above(7)
    assert not readability.measure(SIMPLE).above(7)


def test_it_finds_sentences_over_25_words_and_quotes_their_opening():
    figures = readability.measure(f"A short one. {LONG_SENTENCE} Another short one.")

    assert figures.long_sentences == (LONG_SENTENCE,)
    assert figures.long_sentence_openings == ["People who took part in the study were asked to keep a …"]


def test_a_sentence_of_exactly_25_words_is_not_long():
    sentence = " ".join(["word"] * 25) + "."

    assert readability.measure(sentence).long_sentences == ()


def test_markdown_and_link_addresses_are_not_counted():
    figures = readability.measure(
        "**Bold** and *soft* words [with a link](https://example.org/an-extraordinarily-long-address)."
    )

    assert figures.word_count == 7  # Bold and soft words with a link.
    assert readability.plain_text("**Bold** [link](https://example.org/x)") == "Bold link."


def test_list_items_and_headings_end_sentences():
    # Thirty items with no full stops are thirty short sentences, not one long one.
    markdown = "\n".join(f"- item number {n} is a list item that goes on for a while" for n in range(30))

    assert readability.measure(markdown).long_sentences == ()
    assert readability.sentences(readability.plain_text("### Heading\n\nText here")) == ["Heading.", "Text here."]


# What the grade measures: running prose only -------------------------------------

NOT_PROSE = {
    "a heading": "## Adalimumab, infliximab, ustekinumab and vedolizumab compared",
    "a top-level heading": "# Immunosuppressive anti-inflammatory medications",
    "a list of trial names": "- STOMP2\n- ADMIRE-CD (phase 3)\n- UNITI-2 maintenance extension",
    "a list of medicines": "1. Adalimumab\n2. Infliximab\n3. Ustekinumab\n4. Vedolizumab",
    "a list of glossary terms": "- **Mesenchymal stem cells**\n- **Autologous**\n- **Perianal fistula**",
    "a table": "| Medicine | Given |\n| --- | --- |\n| Infliximab | Intravenous infusion every eight weeks |",
    "a web address": "https://research-digest.example/news/au-101-stomp2-perianal-fistula-investigational",
    "a web address as a link": "<https://research-digest.example/news/au-101-stomp2-perianal-fistula>",
    "an email address": "editorial.team@ibdmovement.example",
    "code": "    immunosuppressive_anti_inflammatory_medication()",
}


@pytest.mark.parametrize("extra", NOT_PROSE.values(), ids=NOT_PROSE.keys())
def test_the_grade_leaves_out_what_is_not_prose(extra):
    with_extra = readability.measure(f"{SIMPLE}\n\n{extra}\n\n{SIMPLE}")
    simple = readability.measure(f"{SIMPLE}\n\n{SIMPLE}")

    assert (with_extra.grade, with_extra.word_count) == (simple.grade, simple.word_count)
    assert readability.measure(extra) is None  # nothing to measure: no warning either


def test_a_link_counts_by_its_words_not_its_address():
    figures = readability.measure("Read [the report](https://example.org/x) or go to www.example.org today.")

    assert figures.word_count == 7  # Read the report or go to today.


@pytest.mark.parametrize(
    "item",
    [
        "Fistulas can close for a while and then open again.",  # ends like a sentence
        "Could this suit me?",
        "a list item that runs on for more than ten words without a full stop",
    ],
)
def test_list_items_that_are_sentences_still_count(item):
    figures = readability.measure(f"- {item}")

    assert figures is not None
    assert figures.word_count == len(readability.words(item))


def test_hard_list_items_written_as_sentences_raise_the_grade():
    hard = (
        "- Immunosuppressive medications necessitate comprehensive monitoring.\n"
        "- Vedolizumab is administered intravenously."
    )

    assert readability.measure(f"{SIMPLE}\n\n{hard}").grade > readability.measure(SIMPLE).grade + 3


def test_wrapped_lines_are_one_sentence_and_a_line_break_ends_one():
    assert readability.sentences(readability.prose_text("One sentence\nwrapped over two lines.")) == [
        "One sentence wrapped over two lines."
    ]
    assert readability.sentences(readability.prose_text("First line  \nsecond line")) == [
        "First line.",
        "second line.",
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "<div><p>Tom has a red cat.",  # never closed
        "</li></ul></p>Tom has a red cat.</table>",  # closed, never opened
        "Tom has a red cat.<script>var hospitalisation = 'immunosuppression';</script><style>p{}</style>",
    ],
)
def test_broken_or_hostile_html_is_measured_by_its_prose_alone(markdown):
    assert readability.prose_text(markdown) == "Tom has a red cat."


def test_names_and_headings_still_count_for_hype_and_medical_terms():
    text = "## A breakthrough\n\n- Colectomy\n\nTom has a red cat."

    assert [match.found for match in readability.find_hype(text, HYPE)] == ["breakthrough"]
    assert readability.unknown_medical_terms(text, known_terms=set()) == ["colectomy"]


def test_a_section_of_prose_and_a_list_of_medicines_is_within_target(make_article, make_section):
    article = make_article(standfirst=SIMPLE, summary=SIMPLE)
    make_section(article, body=f"### Medicines used today\n\n{SIMPLE}\n\n- Adalimumab\n- Ustekinumab\n- Vedolizumab")

    article.refresh_from_db()
    assert article.reading_grade < 7


# Sentences to shorten first -------------------------------------------------------


def test_the_sentences_to_shorten_are_those_that_raise_the_grade_most():
    long_and_hard = (
        "The trial compared the injection with a placebo in adults whose colitis had not responded to other medicines."
    )
    short_with_one_long_word = "Immunosuppression matters."
    figures = readability.measure(f"{SIMPLE} {short_with_one_long_word} {long_and_hard}")

    hardest = figures.sentences_to_shorten(7)

    assert [sentence.text for sentence in hardest] == [long_and_hard, short_with_one_long_word]
    assert hardest[1].grade > hardest[0].grade > 7  # the short one is harder, but shortening it helps less
    assert hardest[0].word_count == 18
    assert figures.sentences_to_shorten(30) == []
    assert len(readability.measure(DENSE * 3).sentences_to_shorten(7)) == 3


def test_html_in_markdown_is_read_as_text():
    assert readability.plain_text("<b>Bold</b> &amp; <script>alert(1)</script>plain") == "Bold & plain."


@pytest.mark.parametrize("text", ["", "   ", "**", None])
def test_there_are_no_figures_without_words(text):
    assert readability.measure(text) is None


# Medical terms -----------------------------------------------------------------


def test_it_lists_medical_terms_the_glossary_does_not_explain():
    text = "Fistulas healed after **ustekinumab**; a Colectomy was avoided. Placebo and proctitis, and colitis."

    terms = readability.unknown_medical_terms(text, known_terms={"placebo", "USTEKINUMAB"})

    assert terms == ["fistula", "colectomy", "proctitis"]


def test_no_terms_in_everyday_words():
    assert readability.unknown_medical_terms(SIMPLE, known_terms=set()) == []


# Hype words ----------------------------------------------------------------------


def found(text, hype=HYPE):
    return [match.found for match in readability.find_hype(text, hype)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A BREAKTHROUGH for colitis", ["BREAKTHROUGH"]),
        ("A **Breakthrough** at last", ["Breakthrough"]),
        ("It is [a cure](https://example.org/news) for some", ["cure"]),
        ("Two breakthroughs this year", ["breakthroughs"]),
        ("Nobody was cured, but it cures nothing", ["cured"]),
        ("Hopes of curing colitis", ["curing"]),
        ("A game changer", ["game changer"]),
        ("A Game-Changer", ["Game-Changer"]),
        ("A game\u2011changer", ["game\u2011changer"]),
        ("Called a wonder\n drug by the press", ["wonder  drug"]),  # a line break inside a paragraph
    ],
)
def test_hype_is_found_without_case_inside_markdown_and_in_phrases(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A secure way to procure a curettage",
        "A curette, curated and curious",
        "Read [the trial](https://example.org/cure-breakthrough)",
        "The game was a change of pace",
        "A wonderful drug trial",
    ],
)
def test_hype_words_are_not_found_inside_longer_words_or_link_addresses(text):
    assert found(text) == []


def test_each_match_carries_its_suggestion_and_place():
    [match] = readability.find_hype("A miracle", [("miracle", "Give numbers.")], where="Summary")

    assert match == readability.HypeMatch("miracle", "miracle", "Give numbers.", "Summary")


@pytest.mark.django_db
def test_the_migration_seeds_the_issues_words_with_suggestions():
    words = dict(HypeWord.objects.values_list("word", "suggestion"))

    assert {"breakthrough", "miracle", "cure", "game-changer", "revolutionary"} <= set(words)
    assert all(suggestion.strip() for suggestion in words.values())


# Stored on save ------------------------------------------------------------------


def test_saving_stores_the_worst_grade_and_the_hype_words(make_article, make_section):
    article = make_article(headline="A breakthrough for colitis", standfirst=SIMPLE, summary="It may **cure** some.")
    simple_grade = Article.objects.get(pk=article.pk).reading_grade

    make_section(article, body=DENSE)

    article.refresh_from_db()
    assert article.hype_words == "breakthrough, cure"
    assert article.reading_grade > 16 > simple_grade


def test_deleting_the_hard_section_lowers_the_stored_grade(make_article, make_section):
    article = make_article(standfirst=SIMPLE, summary=SIMPLE)
    section = make_section(article, body=DENSE)

    section.delete()
    article.refresh_derived()  # as admin does once the inlines are saved

    article.refresh_from_db()
    assert article.reading_grade < 7


def test_changing_the_list_checks_articles_again(make_article):
    article = make_article(headline="A landmark result")
    in_summary = make_article(summary="The trial was *a [landmark](https://example.org/)*.")
    assert Article.objects.get(pk=article.pk).hype_words == ""

    word = HypeWord.objects.create(word="Landmark", suggestion="Say what was found.")
    assert Article.objects.get(pk=article.pk).hype_words == "Landmark"
    assert Article.objects.get(pk=in_summary.pk).hype_words == "Landmark"

    word.delete()
    assert Article.objects.get(pk=article.pk).hype_words == ""


def test_hype_words_in_analysis_sections_are_not_flagged(make_article, make_section):
    article = make_article()
    make_section(article, body="Some call it a miracle. We don't.")

    assert Article.objects.get(pk=article.pk).hype_words == ""


# Admin: the article form ---------------------------------------------------------


def test_editor_sees_figures_under_each_text_field(editor_client, make_article, make_section, make_question):
    article = make_article(standfirst=SIMPLE, summary=f"{DENSE}\n\n{LONG_SENTENCE}", opening="", closing=SIMPLE)
    make_section(article, heading="What it means", body=DENSE)
    make_question(article, text="Could this suit me?")

    response = editor_client.get(change_url(article))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<strong>Above target:</strong>") == 2  # the summary and the section
    assert content.count("<strong>Within target:</strong>") == 3  # standfirst, closing, the question
    assert "Nothing to measure yet." in content  # the empty opening, and the blank rows
    assert "target 7 or below" in content
    assert "“People who took part in the study were asked to keep a …”" in content
    assert "Medical terms with no glossary entry:</strong> mucosal, histological." in content


HARD_SENTENCE = (
    "The trial compared the injection with a placebo in adults whose colitis had not responded to other medicines."
)


def test_editor_sees_which_sentences_to_shorten_under_a_field_above_target(editor_client, make_article):
    article = make_article(standfirst=SIMPLE, summary=f"Tom has a red cat. {HARD_SENTENCE} Immunosuppression matters.")

    content = editor_client.get(change_url(article)).content.decode()

    shorten = content.split("<strong>Shorten these first</strong>")
    assert len(shorten) == 2  # only under the summary: the standfirst is within target
    listed = shorten[1].split("</ol>")[0]
    assert listed.index(HARD_SENTENCE) < listed.index("Immunosuppression matters.")
    assert "Tom has a red cat." not in listed
    assert "18 words)" in listed


def test_editor_sees_the_articles_hardest_sentences_with_their_parts(
    editor_client, make_article, make_section, make_question
):
    article = make_article(standfirst=SIMPLE, summary=SIMPLE, opening=SIMPLE, closing=SIMPLE)
    make_section(article, heading="What it means", body=f"{HARD_SENTENCE} Tom has a red cat.")
    make_question(article, text="Could immunosuppressive medication necessitate hospitalisation?")

    content = editor_client.get(change_url(article)).content.decode()

    listed = content.split("Sentences to shorten first")[1].split("</ol>")[0]
    assert f"Section “What it means”: “{HARD_SENTENCE}”" in listed
    assert "Questions: “Could immunosuppressive medication necessitate hospitalisation?”" in listed
    assert "Tom has a red cat." not in listed


def test_editor_is_told_when_no_sentence_needs_shortening(editor_client, make_article):
    content = editor_client.get(change_url(make_article(standfirst=SIMPLE, summary=SIMPLE))).content.decode()

    assert "None: every part is at or below the target of 7." in content


def test_the_add_form_has_nothing_to_shorten_yet(editor_client):
    content = editor_client.get(ADD_URL).content.decode()

    assert "Sentences to shorten first" in content
    assert "None: every part" not in content


def test_editor_sees_hype_words_with_suggestions_in_the_form(editor_client, make_article):
    article = make_article(headline="A Breakthrough in colitis care", summary="Called a *game changer*.")

    content = editor_client.get(change_url(article)).content.decode()

    assert "Hype words found" in content
    suggestion = HypeWord.objects.get(word="breakthrough").suggestion
    assert f"“Breakthrough” in the headline. {escape(suggestion)}" in content
    assert "“game changer” in the summary." in content


def test_form_says_when_no_hype_words_are_found(editor_client, make_article):
    content = editor_client.get(change_url(make_article())).content.decode()

    nothing_found = (
        "No hype words in the headline, evidence stage sentence, standfirst, key points, opening or summary."
    )
    assert nothing_found in content


def test_the_target_setting_moves_the_flags(editor_client, make_article):
    # About grade 12: above the default target of 7, within a target of 14.
    summary = (
        "The trial compared the injection with a placebo in adults whose colitis had not responded to other medicines."
    )
    article = make_article(standfirst=SIMPLE, summary=summary)
    assert "<strong>Above target:</strong>" in editor_client.get(change_url(article)).content.decode()
    settings = SiteSettings.load()
    settings.reading_grade_target = 14
    settings.save()

    content = editor_client.get(change_url(article)).content.decode()

    assert "<strong>Above target:</strong>" not in content
    assert "target 14 or below" in content


def test_saving_hype_and_hard_text_is_never_blocked(editor_client, topic, make_contributor):
    data = article_form_data(
        topic, make_contributor(), headline="Miracle cure for colitis", summary=DENSE, status="published"
    )
    data = with_inline_rows(data, "sections", [{"heading": "Why", "body": DENSE, "position": 1}, PRACTICAL_SECTION])
    data = with_inline_rows(data, "questions", [{"text": "Is it a wonder drug?", "position": 1}, *READY_QUESTIONS[1:]])

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    article = Article.objects.get(headline="Miracle cure for colitis")
    assert article.status == Article.Status.PUBLISHED
    assert article.hype_words == "cure, miracle"
    assert article.reading_grade > 16
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "above the target of 7" in warnings[0]
    assert "hype words: cure, miracle" in warnings[0]


def test_a_plain_article_saves_without_a_warning(editor_client, topic, make_contributor):
    data = article_form_data(topic, make_contributor(), standfirst=SIMPLE, opening=SIMPLE, summary=SIMPLE)

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    assert [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"] == []


# Admin: the article list ---------------------------------------------------------


def test_changelist_shows_reading_level_and_hype_words(editor_client, make_article, make_section):
    hard = make_article(headline="A breakthrough, explained")
    make_section(hard, body=DENSE)
    make_article(headline="Plain news", standfirst=SIMPLE, summary=SIMPLE)

    content = editor_client.get(CHANGELIST_URL).content.decode()

    assert "Reading level" in content and "Hype words" in content
    assert content.count("<strong>above target</strong>") == 1
    assert '<td class="field-hype_words_found">breakthrough</td>' in content
    assert '<td class="field-hype_words_found">None</td>' in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reading=above", {"Hard"}),
        ("reading=within", {"Plain", "Hyped"}),
        ("hype=found", {"Hyped"}),
        ("hype=none", {"Hard", "Plain"}),
    ],
)
def test_changelist_filters_by_reading_level_and_hype(editor_client, make_article, make_section, query, expected):
    make_section(make_article(headline="Hard", slug="hard"), body=DENSE)
    make_article(headline="Plain", slug="plain", standfirst=SIMPLE, summary=SIMPLE)
    make_article(headline="Hyped", slug="hyped", standfirst=SIMPLE, summary=f"{SIMPLE} Some say it is a miracle.")

    response = editor_client.get(f"{CHANGELIST_URL}?{query}")

    assert {article.headline for article in response.context["cl"].result_list} == expected


def test_changelist_respects_the_target(editor_client, make_article, make_section):
    make_section(make_article(headline="Hard"), body=DENSE)
    SiteSettings.objects.filter(pk=1).update(reading_grade_target=18)

    # The dense text is far above grade 18 too; a simple-ish one is not.
    content = editor_client.get(f"{CHANGELIST_URL}?reading=above").content.decode()
    assert "<strong>above target</strong>" in content
    SiteSettings.objects.filter(pk=1).update(reading_grade_target=60)
    response = editor_client.get(f"{CHANGELIST_URL}?reading=above")
    assert list(response.context["cl"].result_list) == []


def test_changelist_costs_the_same_with_1_or_10_articles(editor_client, make_article, make_section):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(CHANGELIST_URL).status_code == 200
        return len(captured)

    make_section(make_article(), body=DENSE)
    one = queries_for_list()
    for _ in range(9):
        make_section(make_article(), body=DENSE)

    assert queries_for_list() == one


# The hype word list: who may change it -------------------------------------------

HYPE_ADD_URL = "/admin/articles/hypeword/add/"


@pytest.mark.parametrize("who", ["editor", "moderator"])
def test_editors_and_moderators_add_hype_words(client, request, who, make_article):
    article = make_article(standfirst="A landmark trial.")
    client.force_login(request.getfixturevalue(who))

    response = client.post(HYPE_ADD_URL, {"word": "landmark", "suggestion": "Say what it found.", "_save": "Save"})

    assert response.status_code == 302
    assert HypeWord.objects.filter(word="landmark").exists()
    assert Article.objects.get(pk=article.pk).hype_words == "landmark"


@pytest.mark.parametrize("who", ["editor", "moderator"])
def test_editors_and_moderators_change_and_delete_hype_words(client, request, who):
    client.force_login(request.getfixturevalue(who))
    word = HypeWord.objects.get(word="miracle")

    changed = client.post(
        f"/admin/articles/hypeword/{word.pk}/change/", {"word": "miracle", "suggestion": "Numbers, please."}
    )
    deleted = client.post(f"/admin/articles/hypeword/{word.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (302, 302)
    assert not HypeWord.objects.filter(word="miracle").exists()


def test_a_word_already_on_the_list_is_refused_whatever_its_case(editor_client):
    response = editor_client.post(HYPE_ADD_URL, {"word": "Miracle", "suggestion": "Again."})

    assert response.status_code == 200
    assert "That word is already on the list." in response.content.decode()
    assert HypeWord.objects.filter(word__iexact="miracle").count() == 1


def test_a_word_without_letters_is_refused(editor_client):
    response = editor_client.post(HYPE_ADD_URL, {"word": " -- ", "suggestion": "Nothing."})

    assert response.status_code == 200
    assert "Give a word or phrase with letters in it." in response.content.decode()


def test_member_cannot_see_or_change_the_list(client, member):
    client.force_login(member)

    response = client.post(HYPE_ADD_URL, {"word": "landmark", "suggestion": "No."})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not HypeWord.objects.filter(word="landmark").exists()


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/admin/articles/hypeword/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_both_groups_hold_the_hype_word_permissions(db):
    for name in ["Editors", "Moderators"]:
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_hypeword", "change_hypeword", "delete_hypeword", "view_hypeword"} <= codenames


def test_moderator_cannot_change_the_reading_target(client, moderator):
    client.force_login(moderator)

    response = client.post("/admin/articles/sitesettings/1/change/", {"reading_grade_target": 12})

    assert response.status_code == 403
    assert SiteSettings.load().reading_grade_target == 7


def test_editor_changes_the_reading_target(editor_client):
    response = editor_client.post(
        "/admin/articles/sitesettings/1/change/",
        {"medical_disclaimer": SiteSettings.load().medical_disclaimer, "reading_grade_target": 9},
    )

    assert response.status_code == 302
    assert SiteSettings.load().reading_grade_target == 9


def test_a_target_out_of_range_gets_a_clear_message(editor_client):
    response = editor_client.post(
        "/admin/articles/sitesettings/1/change/",
        {"medical_disclaimer": SiteSettings.load().medical_disclaimer, "reading_grade_target": 40},
    )

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 18." in response.content.decode()


# The preview banner --------------------------------------------------------------


def test_preview_banner_shows_the_whole_articles_figures_to_staff(client, editor, make_article, make_section):
    article = make_article(status=Article.Status.DRAFT, headline="A breakthrough?", summary=SIMPLE)
    make_section(article, heading="The science", body=DENSE)
    client.force_login(editor)

    content = client.get(article.get_absolute_url()).content.decode()

    assert "Plain-language check" in content
    assert "Whole article: reading grade" in content
    assert "Section “The science”: grade" in content
    assert "<strong>Shorten these first:</strong>" in content
    assert "Section “The science”: “Inflammatory bowel disease pathophysiology" in content
    assert "Medical terms with no glossary entry:</strong> remission, mucosal, histological." in content
    assert "“breakthrough” in the headline." in content


def test_published_page_has_no_figures_for_staff_or_readers(client, editor, make_article, make_section):
    article = make_article(headline="A breakthrough?")
    make_section(article, body=DENSE)

    anonymous = client.get(article.get_absolute_url()).content.decode()
    client.force_login(editor)
    staff = client.get(article.get_absolute_url()).content.decode()

    assert "Plain-language check" not in anonymous
    assert "Plain-language check" not in staff


def test_readers_never_see_a_preview(client, member, make_article):
    article = make_article(status=Article.Status.DRAFT, headline="A breakthrough?")

    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(article.get_absolute_url()).status_code == 404


# Demo content --------------------------------------------------------------------


def test_the_demo_draft_shows_the_checks_and_the_published_demo_has_no_hype(db):
    call_command("seed_demo", stdout=io.StringIO())

    draft = Article.objects.get(slug="draft-new-pill-for-ulcerative-colitis")
    assert draft.status == Article.Status.DRAFT
    assert draft.hype_words == "breakthrough, cure, game-changer, revolutionary"
    assert draft.reading_grade > 7
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    assert list(published.exclude(hype_words="")) == []
    assert not published.filter(reading_grade__isnull=True).exists()


def test_preview_figures_cost_the_same_with_1_or_20_parts(client, editor, make_article, make_section, make_question):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)

    def queries_for_preview():
        with CaptureQueriesContext(connection) as captured:
            assert "Plain-language check" in client.get(article.get_absolute_url()).content.decode()
        return len(captured)

    queries_for_preview()  # what every page shares (topics, settings) is kept from here on
    make_section(article, heading="Section 0")
    make_question(article, text="Question 0?")
    one = queries_for_preview()
    for n in range(1, 20):
        make_section(article, heading=f"Section {n}", position=n)
        make_question(article, text=f"Question {n}?", position=n)

    assert queries_for_preview() == one
