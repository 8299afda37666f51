"""
The glossary: terms editors keep in admin, the glossary page, and links from
the first use of each term in an article's prose to its definition.
"""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.glossary import link_terms
from articles.models import GlossaryTerm
from articles.rendering import render_markdown
from tests.test_article_pages import TestQueryCounts

TERM_LINK = re.compile(r'<a href="#define-([\w-]+)" class="term"[^>]*>(.*?)</a>', re.S)


@pytest.fixture
def make_term(db):
    def make_term(term, slug=None, also_matches="", definition=None):
        glossary_term = GlossaryTerm(
            term=term,
            slug=slug or re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-"),
            also_matches=also_matches,
            definition=definition or f"What *{term}* means, plainly.",
        )
        glossary_term.full_clean()
        glossary_term.save()
        return glossary_term

    return make_term


@pytest.fixture
def terms(make_term):
    return {
        "fistula": make_term("fistula", also_matches="fistulas, fistulae"),
        "stem cells": make_term("stem cells", also_matches="stem cell"),
        "msc": make_term("mesenchymal stem cells", also_matches="MSCs"),
        "placebo": make_term("placebo", also_matches="placebos"),
        "endpoint": make_term("endpoint"),
        "crohns": make_term("Crohn's disease", slug="crohns-disease"),
        "double-blind": make_term("double-blind"),
    }


def linked(markdown, terms):
    """One part of prose, rendered as saving renders it, then linked."""
    return link_terms([("part", render_markdown(markdown))], list(terms.values())).parts["part"]


def links_in(html):
    return TERM_LINK.findall(html)


def assert_sanitised_again(html):
    from articles.rendering import sanitise

    assert sanitise(html, allowed_classes={"a": {"term"}}) == html


# The model and its rules -----------------------------------------------------


class TestGlossaryTerm:
    def test_it_renders_its_definition_to_sanitised_html(self, make_term):
        term = make_term("placebo", definition="A *dummy* treatment.<script>pwned()</script>")

        assert term.definition_html == "<p>A <em>dummy</em> treatment.</p>"

    def test_it_refuses_a_term_already_there_in_other_capitals(self, make_term):
        make_term("Fistula")

        with pytest.raises(ValidationError) as error:
            make_term("  fistula ", slug="fistula-2")

        assert error.value.message_dict["term"] == ["The glossary already has “Fistula”."]

    def test_the_database_refuses_a_duplicate_term_in_other_capitals(self, make_term):
        make_term("Fistula")

        with pytest.raises(IntegrityError), transaction.atomic():
            GlossaryTerm.objects.create(term="FISTULA", slug="fistula-2", definition="Again.")

    def test_it_refuses_a_term_that_is_another_terms_alternative_form(self, make_term):
        make_term("fistula", also_matches="fistulas")

        with pytest.raises(ValidationError) as error:
            make_term("Fistulas")

        assert "already a form of “fistula”" in error.value.message_dict["term"][0]

    def test_it_refuses_alternative_forms_that_belong_to_other_terms(self, make_term):
        make_term("fistula", also_matches="fistulas")
        make_term("placebo")

        with pytest.raises(ValidationError) as error:
            make_term("abscess", also_matches="abscesses, Fistulas, PLACEBO")

        assert error.value.message_dict["also_matches"] == [
            "Each form can belong to one term only. Already used: “Fistulas” (in “fistula”), “PLACEBO” (in “placebo”)."
        ]

    def test_curly_and_straight_apostrophes_are_the_same_form(self, make_term):
        make_term("Crohn's disease")

        with pytest.raises(ValidationError):
            make_term("crohn\u2019s disease", slug="crohns-2")

    def test_it_may_keep_its_own_forms_when_edited(self, make_term):
        term = make_term("fistula", also_matches="fistulas")
        term.definition = "A tunnel."

        term.full_clean()  # its own forms are no collision

    def test_it_refuses_a_term_with_no_letters(self, make_term):
        with pytest.raises(ValidationError) as error:
            make_term("--", slug="dashes")

        assert error.value.message_dict["term"] == ["A term needs at least one letter or number."]

    def test_alternative_forms_are_tidied(self, make_term):
        term = make_term("fistula", also_matches=" fistulas ,, Fistula,  fistulae,fistulas ")

        assert term.alternative_forms == ["fistulas", "fistulae"]
        assert term.forms == ["fistula", "fistulas", "fistulae"]

    def test_its_address_is_its_anchor_on_the_glossary_page(self, make_term):
        assert make_term("placebo").get_absolute_url() == "/glossary/#term-placebo"


# Linking terms in prose -----------------------------------------------------------


class TestLinking:
    def test_it_links_a_term_to_its_definition_on_the_page(self, terms):
        html = linked("The fistula healed.", terms)

        assert html.startswith('<p>The <a href="#define-fistula" class="term"')
        assert links_in(html) == [("fistula", "fistula")]

    def test_it_links_only_the_first_use_of_each_term(self, terms):
        html = linked("A fistula. Another fistula. Two fistulas.", terms)

        assert links_in(html) == [("fistula", "fistula")]
        assert html.endswith("Another fistula. Two fistulas.</p>")

    def test_it_links_the_first_use_across_the_parts_in_page_order(self, terms):
        parts = [
            ("opening", render_markdown("Nothing here.")),
            ("summary", render_markdown("The placebo group.")),
            ("section-1", render_markdown("A placebo and a fistula.")),
            ("closing", render_markdown("The fistula again.")),
        ]

        prose = link_terms(parts, list(terms.values()))

        assert links_in(prose.parts["summary"]) == [("placebo", "placebo")]
        assert links_in(prose.parts["section-1"]) == [("fistula", "fistula")]
        assert links_in(prose.parts["closing"]) == []
        assert [entry["slug"] for entry in prose.terms] == ["fistula", "placebo"]

    def test_it_matches_whatever_the_capitals_and_keeps_the_writers_own(self, terms):
        html = linked("FISTULAS and Placebo.", terms)

        assert links_in(html) == [("fistula", "FISTULAS"), ("placebo", "Placebo")]

    def test_it_matches_whole_words_only(self, terms):
        html = linked("Endpoints, fistulated, placebos-ish, superplacebo and misendpoint.", terms)

        assert ("endpoint", "Endpoints") not in links_in(html)
        assert [slug for slug, _ in links_in(html)] == ["placebo"]  # "placebos" is a listed form; "-ish" a new word

    def test_a_term_next_to_punctuation_is_linked_without_it(self, terms):
        html = linked("(fistula), “placebo”; endpoint.", terms)

        assert links_in(html) == [("fistula", "fistula"), ("placebo", "placebo"), ("endpoint", "endpoint")]
        assert "(<a" in html and "</a>)," in html and "“<a" in html and "</a>”;" in html and "</a>.</p>" in html

    def test_the_longest_of_overlapping_terms_wins(self, terms):
        html = linked("Mesenchymal stem cells differ from other stem cells.", terms)

        assert links_in(html) == [("mesenchymal-stem-cells", "Mesenchymal stem cells"), ("stem-cells", "stem cells")]

    def test_a_shorter_term_inside_a_longer_term_already_linked_stays_unlinked(self, terms):
        html = linked("Mesenchymal stem cells. Then mesenchymal stem cells again.", terms)

        assert links_in(html) == [("mesenchymal-stem-cells", "Mesenchymal stem cells")]

    def test_a_term_may_span_a_line_break_and_a_curly_apostrophe(self, terms):
        html = linked("People with Crohn\u2019s\ndisease.", terms)

        assert links_in(html) == [("crohns-disease", "Crohn\u2019s\ndisease")]

    def test_a_hyphenated_term_is_linked_whole(self, terms):
        html = linked("A double-blind trial.", terms)

        assert links_in(html) == [("double-blind", "double-blind")]

    def test_it_never_links_inside_a_link(self, terms):
        html = linked("[Read about the fistula](https://example.org/fistula) then the fistula.", terms)

        assert '<a href="https://example.org/fistula" rel="noopener noreferrer">Read about the fistula</a>' in html
        assert links_in(html) == [("fistula", "fistula")]
        assert html.index('class="term"') > html.index("Read about the fistula")

    @pytest.mark.parametrize(
        "markdown",
        [
            "### Why the fistula matters",
            "#### Placebo and fistula",
            "Use `fistula` as the code",
            "    fistula in a code block",
            '<abbr title="fistula">fistula</abbr>',
        ],
    )
    def test_it_never_links_inside_headings_code_or_abbreviations(self, terms, markdown):
        html = linked(markdown + "\n\nThe fistula after.", terms)

        assert links_in(html) == [("fistula", "fistula")]
        assert html.index('class="term"') > html.index("</", html.index("fistula"))

    def test_it_never_touches_attributes(self, terms):
        html = linked('[Trial notes](https://example.org/placebo-fistula "fistula and placebo")', terms)

        assert links_in(html) == []
        assert 'href="https://example.org/placebo-fistula" title="fistula and placebo"' in html

    def test_html_entities_stay_escaped_text(self, terms):
        html = linked("Fistula &amp; placebo &lt;script&gt;alert(1)&lt;/script&gt; 1 < 2 & AT&T.", terms)

        assert "<script" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; 1 &lt; 2 &amp; AT&amp;T." in html
        assert links_in(html) == [("fistula", "Fistula"), ("placebo", "placebo")]
        assert_sanitised_again(html)

    def test_an_entity_can_not_be_split_by_a_term(self, make_term):
        # "amp" and "lt" as terms must never break "&amp;" or "&lt;".
        terms = {"amp": make_term("amp"), "lt": make_term("lt")}

        html = linked("Tom &amp; Jerry, 1 &lt; 2", terms)

        assert html == "<p>Tom &amp; Jerry, 1 &lt; 2</p>"

    def test_a_term_in_markup_is_still_linked_inside_emphasis_and_lists(self, terms):
        html = linked("- A **fistula** can\n- need a *placebo*", terms)

        assert '<strong><a href="#define-fistula"' in html
        assert '<em><a href="#define-placebo"' in html
        assert_sanitised_again(html)

    def test_nothing_changes_without_terms(self, db):
        original = render_markdown("A [fistula](https://example.org) &amp; a `placebo` 1 &lt; 2.")

        assert link_terms([("part", original)], []).parts["part"] == original

    def test_a_term_with_an_ampersand_matches_the_escaped_text(self, make_term):
        terms = {"att": make_term("AT&T", slug="att")}

        html = linked("Ask AT&T.", terms)

        assert html == '<p>Ask <a href="#define-att" class="term" rel="noopener noreferrer">AT&amp;T</a>.</p>'


# The article page --------------------------------------------------------------------


@pytest.fixture
def article(make_article, make_section, terms):
    article = make_article(
        opening="If you live with a fistula, this is for you.",
        summary="In a double-blind trial, more people healed than on placebo.",
        closing="Ask about the fistula and the endpoint.",
    )
    make_section(article, heading="What a placebo is", body="A placebo looks the same.", position=1)
    make_section(article, heading="Mesenchymal stem cells", body="Mesenchymal stem cells come from you.", position=2)
    return article


class TestArticlePage:
    def test_first_uses_link_to_the_words_used_in_this_article(self, client, article):
        content = client.get(article.get_absolute_url()).content.decode()

        assert [slug for slug, _ in links_in(content)] == [
            "fistula",
            "double-blind",
            "placebo",
            "mesenchymal-stem-cells",
            "endpoint",
        ]
        words = content[content.index('<section class="terms"') :]
        assert '<h2 id="terms-heading">Words used in this article</h2>' in words
        for slug in ["double-blind", "endpoint", "fistula", "mesenchymal-stem-cells", "placebo"]:
            assert f'id="define-{slug}"' in words
        assert "<dd><p>What <em>placebo</em> means, plainly.</p></dd>" in words
        assert 'href="/glossary/"' in words

    def test_the_words_are_listed_a_to_z(self, client, article):
        content = client.get(article.get_absolute_url()).content.decode()

        listed = re.findall(r'id="define-([\w-]+)"', content)
        assert listed == ["double-blind", "endpoint", "fistula", "mesenchymal-stem-cells", "placebo"]

    def test_headings_on_the_page_are_never_linked(self, client, article):
        content = client.get(article.get_absolute_url()).content.decode()

        assert re.search(r"<h2 id=\"section-\d+\">What a placebo is</h2>", content)
        assert re.search(r"<h2 id=\"section-\d+\">Mesenchymal stem cells</h2>", content)

    def test_a_term_that_looks_like_markup_stays_text_everywhere(self, client, make_article, make_term):
        make_term('<b onclick="pwned()">scope', slug="scope", definition="A camera on a tube.")
        article = make_article(opening='A &lt;b onclick="pwned()"&gt;scope was used.')

        content = client.get(article.get_absolute_url()).content.decode()

        assert "<b onclick" not in content
        assert links_in(content) == [("scope", '&lt;b onclick="pwned()"&gt;scope')]
        assert "<dt>&lt;b onclick=&quot;pwned()&quot;&gt;scope</dt>" in content

    def test_an_article_with_no_terms_has_no_words_list(self, client, make_article):
        article = make_article(opening="Nothing to explain.")

        content = client.get(article.get_absolute_url()).content.decode()

        assert "Words used in this article" not in content
        assert 'class="term"' not in content

    def test_editing_a_term_updates_the_cached_page(self, client, article, terms):
        client.get(article.get_absolute_url())  # cached for signed-out readers

        terms["placebo"].definition = "A dummy pill with nothing active in it."
        terms["placebo"].save()

        assert "A dummy pill with nothing active in it." in client.get(article.get_absolute_url()).content.decode()

    def test_adding_a_term_links_it_on_pages_already_cached(self, client, member, make_article, terms):
        article = make_article(opening="Your IBD nurse can help.")
        client.force_login(member)  # members' pages aren't cached whole, but their links are
        assert 'class="term"' not in client.get(article.get_absolute_url()).content.decode()

        term = GlossaryTerm(term="IBD nurse", slug="ibd-nurse", definition="A nurse who specialises in IBD.")
        term.full_clean()
        term.save()

        assert links_in(client.get(article.get_absolute_url()).content.decode()) == [("ibd-nurse", "IBD nurse")]

    def test_deleting_a_term_unlinks_it(self, client, article, terms):
        client.get(article.get_absolute_url())

        terms["fistula"].delete()

        content = client.get(article.get_absolute_url()).content.decode()
        assert "define-fistula" not in content

    def test_editing_the_article_relinks_it(self, client, article, terms):
        client.get(article.get_absolute_url())

        article.opening = "An endpoint first."
        article.save()
        article.refresh_derived()

        content = client.get(article.get_absolute_url()).content.decode()
        assert links_in(content)[0] == ("endpoint", "endpoint")

    def test_the_summary_is_not_searched_when_the_page_does_not_show_it(self, client, make_article, terms):
        article = make_article(
            kind="feature", source_publisher="", source_url="", summary="A hidden placebo.", opening="Plain."
        )

        content = client.get(article.get_absolute_url()).content.decode()

        assert "define-placebo" not in content

    def test_a_member_gets_the_links_from_the_cache_with_no_glossary_query(self, client, member, article):
        client.force_login(member)
        client.get(article.get_absolute_url())

        with CaptureQueriesContext(connection) as queries:
            content = client.get(article.get_absolute_url()).content.decode()

        assert glossary_queries(queries) == 0
        assert links_in(content)

    def test_a_page_rendered_afresh_asks_for_the_terms_once(self, client, member, article):
        client.force_login(member)

        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())

        assert glossary_queries(queries) == 1

    @pytest.mark.parametrize("count", [1, 20])
    def test_the_page_costs_the_same_however_many_terms_it_links(
        self, client, make_article, make_term, django_assert_max_num_queries, count
    ):
        words = [f"word{chr(ord('a') + n)}" for n in range(count)]
        for word in words:
            make_term(word)
        article = make_article(opening=" ".join(words), closing=" ".join(words))

        # As tests/test_article_pages.py counts it, the terms included.
        with django_assert_max_num_queries(TestQueryCounts.ARTICLE_PAGE_QUERIES):
            content = client.get(article.get_absolute_url()).content.decode()

        assert len(links_in(content)) == count
        assert content.count('class="terms__entry"') == count


def glossary_queries(queries):
    return sum("articles_glossaryterm" in query["sql"] for query in queries.captured_queries)


# The glossary page --------------------------------------------------------------------


class TestGlossaryPage:
    def test_it_lists_every_term_a_to_z_with_an_anchor(self, client, terms):
        content = client.get("/glossary/").content.decode()

        anchors = re.findall(r'id="term-([\w-]+)"', content)
        assert anchors == [
            "crohns-disease",
            "double-blind",
            "endpoint",
            "fistula",
            "mesenchymal-stem-cells",
            "placebo",
            "stem-cells",
        ]
        assert "<dd><p>What <em>fistula</em> means, plainly.</p>" in content
        assert "Also written: fistulas, fistulae" in content

    def test_letters_link_to_their_terms_and_empty_letters_are_not_links(self, client, terms):
        content = client.get("/glossary/").content.decode()

        nav = re.search(r'<nav class="glossary-letters".*?</nav>', content, re.S).group()
        assert re.findall(r'href="#letter-(\w+)"', nav) == ["c", "d", "e", "f", "m", "p", "s"]
        assert '<span class="glossary-letters__empty">A<span class="visually-hidden"> (no words)</span></span>' in nav
        assert '<h2 id="letter-f-heading">F</h2>' in content
        assert 'id="letter-a"' not in content

    def test_terms_not_starting_with_a_letter_come_last_under_a_hash(self, client, make_term):
        make_term("5-ASA", slug="5-asa")
        make_term("Ébauche", slug="ebauche")  # an accent files under its letter

        content = client.get("/glossary/").content.decode()

        assert '<h2 id="letter-other-heading">#</h2>' in content
        assert content.index('id="term-ebauche"') < content.index('id="term-5-asa"')
        assert re.search(r'id="letter-e".*id="term-ebauche"', content, re.S)

    def test_an_empty_glossary_says_so(self, client, db):
        content = client.get("/glossary/").content.decode()

        assert "There are no words in the glossary yet." in content
        assert "glossary-letters" not in content

    def test_every_page_links_the_glossary_in_the_footer(self, client, db):
        content = client.get("/").content.decode()

        footer = content[content.index('<footer class="site-footer">') :]
        assert '<a href="/glossary/">Glossary</a>' in footer

    def test_it_is_cached_for_signed_out_readers_until_a_term_changes(self, client, terms, django_assert_num_queries):
        client.get("/glossary/")
        with django_assert_num_queries(0):
            client.get("/glossary/")

        terms["fistula"].definition = "A small tunnel."
        terms["fistula"].save()

        assert "A small tunnel." in client.get("/glossary/").content.decode()

    def test_it_costs_two_queries_however_many_terms(self, client, make_term, django_assert_num_queries):
        for n in range(30):
            make_term(f"term {n}")

        with django_assert_num_queries(2):  # the topics in the navigation, and the terms
            response = client.get("/glossary/")

        assert response.content.decode().count('class="glossary__entry"') == 30


# Editors in admin --------------------------------------------------------------------------

ADD_URL = "/admin/articles/glossaryterm/add/"


def term_data(**fields):
    return {"term": "fistula", "slug": "fistula", "also_matches": "fistulas", "definition": "A tunnel."} | fields


class TestAdmin:
    def test_editor_adds_a_term_and_readers_see_it(self, client, editor, db):
        client.force_login(editor)

        response = client.post(ADD_URL, term_data())

        assert response.status_code == 302
        term = GlossaryTerm.objects.get()
        assert (term.term, term.also_matches, term.definition_html) == ("fistula", "fistulas", "<p>A tunnel.</p>")
        client.logout()
        assert 'id="term-fistula"' in client.get("/glossary/").content.decode()

    def test_editor_changes_and_deletes_a_term(self, client, editor, make_term):
        term = make_term("fistula")
        client.force_login(editor)

        client.post(f"/admin/articles/glossaryterm/{term.pk}/change/", term_data(definition="A small tunnel."))
        assert GlossaryTerm.objects.get().definition == "A small tunnel."

        client.post(f"/admin/articles/glossaryterm/{term.pk}/delete/", {"post": "yes"})
        assert not GlossaryTerm.objects.exists()

    def test_deleting_selected_terms_clears_cached_pages(self, client, editor, make_term):
        make_term("fistula")
        make_term("placebo")
        assert "placebo" in client.get("/glossary/").content.decode()
        client.force_login(editor)

        client.post(
            "/admin/articles/glossaryterm/",
            {
                "action": "delete_selected",
                "_selected_action": list(GlossaryTerm.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )

        assert not GlossaryTerm.objects.exists()
        client.logout()
        assert "There are no words in the glossary yet." in client.get("/glossary/").content.decode()

    def test_editor_gets_a_clear_error_for_a_form_another_term_has(self, client, editor, make_term):
        make_term("fistula", also_matches="fistulas")
        client.force_login(editor)

        response = client.post(ADD_URL, term_data(term="abscess", slug="abscess", also_matches="abscesses, Fistulas"))

        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["also_matches"] == [
            "Each form can belong to one term only. Already used: “Fistulas” (in “fistula”)."
        ]
        assert GlossaryTerm.objects.count() == 1

    def test_editor_gets_a_clear_error_for_a_duplicate_term(self, client, editor, make_term):
        make_term("Fistula")
        client.force_login(editor)

        response = client.post(ADD_URL, term_data(term="FISTULA", slug="fistula-again", also_matches=""))

        assert response.context["adminform"].form.errors["term"] == ["The glossary already has “Fistula”."]
        assert GlossaryTerm.objects.count() == 1

    def test_editor_searches_terms(self, client, editor, make_term):
        make_term("fistula", definition="A tunnel between two places.")
        make_term("placebo")
        client.force_login(editor)

        content = client.get("/admin/articles/glossaryterm/", {"q": "tunnel"}).content.decode()

        assert "fistula" in content
        assert "placebo" not in content

    def test_editor_is_not_a_superuser_but_has_every_glossary_permission(self, editor):
        assert not editor.is_superuser
        for action in ["add", "change", "delete", "view"]:
            assert editor.has_perm(f"articles.{action}_glossaryterm")

    @pytest.mark.parametrize("who", ["member", "moderator"])
    def test_members_and_moderators_cannot_add_terms(self, client, request, who):
        client.force_login(request.getfixturevalue(who))

        response = client.post(ADD_URL, term_data())

        assert response.status_code in (302, 403)
        assert not GlossaryTerm.objects.exists()

    def test_anonymous_visitors_are_sent_to_log_in(self, client, db):
        response = client.post(ADD_URL, term_data())

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert not GlossaryTerm.objects.exists()


# The demo ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_glossary_links_the_stomp2_article_and_loads_once(client):
    call_command("seed_demo", stdout=io.StringIO())
    first = list(GlossaryTerm.objects.values_list("slug", "updated_at").order_by("slug"))
    call_command("seed_demo", stdout=io.StringIO())

    assert list(GlossaryTerm.objects.values_list("slug", "updated_at").order_by("slug")) == first
    names = {slug for slug, _ in first}
    assert {"fistula", "mesenchymal-stem-cells", "placebo", "double-blind", "endpoint", "biologic"} <= names
    assert {"crohns-disease", "ulcerative-colitis", "remission", "randomised-controlled-trial", "perianal"} <= names
    content = client.get("/articles/stem-cell-therapy-perianal-fistulas-stomp2/").content.decode()
    linked_slugs = [slug for slug, _ in links_in(content)]
    assert {"perianal", "fistula", "mesenchymal-stem-cells", "placebo", "biologic"} <= set(linked_slugs)
    assert len(linked_slugs) == len(set(linked_slugs))
