"""
The yardsticks for trustworthy health websites in ../shared/HEALTH-CONTENT.md:
every article page meets the four JAMA benchmarks (authorship, attribution,
disclosure, currency), and the site's own pages carry what HONcode asks for
(who runs and funds the site, no advertising, privacy, a real contact address,
a disclaimer that sends readers to their own clinicians).

The articles checked are the demo ones, as editors would publish them.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article


@pytest.fixture
def articles(db):
    """Every published demo article."""
    call_command("seed_articles", stdout=io.StringIO())
    published = list(Article.objects.published().select_related("author", "medical_reviewer"))
    assert len(published) >= 3
    return published


def article_html(client, article):
    """The <article> element of the article's page: what the page itself says, apart from header and footer."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return re.search(r'<article class="article">.*</article>', response.content.decode(), re.S).group()


def test_each_article_names_its_author_with_credentials_and_links_their_page(client, articles):
    for article in articles:
        content = article_html(client, article)
        author = article.author
        assert author.credentials, f"{author.name} needs credentials"
        byline = f'By <a href="{author.get_absolute_url()}">{escape(author.name)}</a>, {escape(author.credentials)}'
        assert byline in content, article.slug
        assert escape(author.bio) in content, article.slug


def test_each_article_names_its_medical_reviewer_with_credentials(client, articles):
    for article in articles:
        content = article_html(client, article)
        reviewer = article.medical_reviewer
        assert reviewer is not None, f"{article.slug} has no medical reviewer"
        assert (
            f'Medically reviewed by <a href="{reviewer.get_absolute_url()}">{escape(reviewer.name)}</a>, '
            f"{escape(reviewer.credentials)}"
        ) in content, article.slug


def test_each_research_summary_names_and_links_its_source(client, articles):
    research = [article for article in articles if article.kind == Article.Kind.RESEARCH_NEWS]
    assert research
    for article in research:
        content = article_html(client, article)
        assert f"Summary of the reporting by {escape(article.source_publisher)}" in content
        assert f"“{escape(article.source_headline)}”, published by {escape(article.source_publisher)}" in content
        assert f'<a href="{article.source_url}" rel="noopener">Read the original article' in content
        assert f'<time datetime="{article.source_published_on:%Y-%m-%d}">' in content


def test_each_article_links_to_who_runs_and_funds_the_site(client, articles):
    disclosure = f'<a href="{reverse("articles:about")}#funding">Who runs and funds this site</a>'
    for article in articles:
        assert disclosure in article_html(client, article), article.slug


def test_each_article_shows_when_it_was_first_published_and_last_reviewed(client, articles):
    for article in articles:
        content = article_html(client, article)
        published = timezone.localtime(article.published_at)
        # Whole seconds: the W3C checker refuses a fraction in <time datetime> (issue 12).
        assert (
            f'First published <time datetime="{published:%Y-%m-%dT%H:%M:%S%z}">{published:%-d %B %Y}</time>' in content
        )
        assert (
            f'Last reviewed <time datetime="{article.reviewed_on:%Y-%m-%d}">{article.reviewed_on:%-d %B %Y}</time>'
        ) in content


def test_an_article_changed_on_a_later_day_says_when_it_was_last_updated(client, articles):
    article = articles[0]
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(days=30))

    content = article_html(client, article)

    assert f'Last updated <time datetime="{timezone.localtime(article.updated_at):%Y-%m-%dT%H:%M:%S%z}">' in content


def test_an_article_no_clinician_has_checked_says_so(client, make_article):
    article = make_article(medical_reviewer=None, reviewed_on=None)

    assert "Not yet medically reviewed" in article_html(client, article)


def test_each_article_ends_with_the_medical_disclaimer_and_links_the_full_one(client, articles):
    for article in articles:
        content = article_html(client, article)
        assert "not a substitute for professional medical advice" in content
        assert f'<a href="{reverse("articles:disclaimer")}">Read our full medical disclaimer</a>' in content


def test_each_article_gives_questions_to_take_to_the_healthcare_team(client, articles):
    for article in articles:
        content = article_html(client, article)
        assert "Questions for your healthcare team" in content, article.slug
        for question in article.questions.all():
            assert escape(question.text) in content


def test_the_about_page_says_who_runs_and_funds_the_site_and_that_it_carries_no_advertising(client, db):
    content = client.get(reverse("articles:about")).content.decode()

    assert '<h2 id="who-runs">Who runs the site</h2>' in content
    assert '<h2 id="funding">How the site is funded</h2>' in content
    assert "We take no money from pharmaceutical companies" in content
    assert "carries no advertising and no sponsored content" in content
    assert '<h2 id="conflicts">Conflicts of interest</h2>' in content


def test_the_contact_page_gives_the_editors_address(client, db, settings):
    settings.CONTACT_EMAIL = "team@example.org"

    content = client.get(reverse("articles:contact")).content.decode()

    assert "<h1>Contact us</h1>" in content
    assert '<a href="mailto:team@example.org">team@example.org</a>' in content


def test_the_disclaimer_page_sends_readers_to_their_clinicians_and_says_where_to_get_urgent_help(client, db):
    content = client.get(reverse("articles:disclaimer")).content.decode()

    assert "<h1>Medical disclaimer</h1>" in content
    assert "not a substitute for professional medical advice, diagnosis or treatment" in content
    assert "call <strong>999</strong>" in content
    assert "<strong>NHS 111</strong>" in content


@pytest.mark.parametrize(
    ("url_name", "link_text"),
    [
        ("articles:about", "About us"),
        ("articles:editorial_policy", "Editorial policy"),
        ("articles:disclaimer", "Medical disclaimer"),
        ("community:privacy", "Privacy"),
        ("articles:contact", "Contact us"),
        ("community:guidelines", "Community guidelines"),
    ],
)
def test_every_page_footer_links_the_pages_that_say_who_we_are(client, db, url_name, link_text):
    content = client.get("/").content.decode()
    footer = re.search(r'<footer class="site-footer">.*</footer>', content, re.S).group()

    assert f'<a href="{reverse(url_name)}">{link_text}</a>' in footer
    assert client.get(reverse(url_name)).status_code == 200
