"""
Reach: related articles, RSS and Atom feeds, the sitemap, robots.txt, and
what search engines and link previews read in the head of each page
(canonical links, Open Graph and Twitter meta, schema.org JSON-LD).

Feeds and the sitemap are parsed as XML; the JSON-LD is parsed from the page
and checked field by field against the article.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.feeds import FEED_LENGTH
from articles.models import Article, Topic
from tests.test_article_pages import TestQueryCounts

SITE_URL = "https://ibdmovement.example"
RSS = "/feeds/articles.rss"
ATOM = "/feeds/articles.atom"
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOSTILE = '</script><script>alert("x")</script> & <b>bold</b>'


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def topic(slug):
    return Topic.objects.get(slug=slug)


class Head(HTMLParser):
    """The <link> and <meta> elements of a page, and the text of its JSON-LD blocks."""

    def __init__(self, content):
        super().__init__()
        self.links, self.meta, self.json_ld, self.scripts = [], [], [], []
        self._in_json_ld = False
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.meta.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs)
            self._in_json_ld = attrs.get("type") == "application/ld+json"
            if self._in_json_ld:
                self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def property(self, name):
        """Every value of an Open Graph (property=) or Twitter (name=) meta element."""
        return [m["content"] for m in self.meta if name in (m.get("property"), m.get("name"))]

    def one(self, name):
        values = self.property(name)
        assert len(values) == 1, f"{name}: {values}"
        return values[0]

    def canonical(self):
        links = [link["href"] for link in self.links if link.get("rel") == "canonical"]
        assert len(links) <= 1, links
        return links[0] if links else None

    def alternates(self):
        return {(link["type"], link["href"]) for link in self.links if link.get("rel") == "alternate"}


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


# Related articles -----------------------------------------------------------


class TestRelatedArticles:
    def test_it_ranks_by_shared_tags_then_recency(self, make_article):
        article = make_article(tags=["Stem cells", "Fistula", "Trials"], topic=topic("crohns-disease"))
        one_tag_new = make_article(tags=["Trials"], published_at=days_ago(1), topic=topic("research"))
        two_tags_old = make_article(tags=["Fistula", "Trials"], published_at=days_ago(30), topic=topic("research"))
        one_tag_old = make_article(tags=["Stem cells"], published_at=days_ago(20), topic=topic("research"))
        make_article(tags=["Fistula"], published_at=days_ago(40), topic=topic("research"))  # fourth: left out

        assert article.related_articles() == [two_tags_old, one_tag_new, one_tag_old]

    def test_it_includes_articles_in_the_same_topic_without_shared_tags(self, make_article):
        article = make_article(tags=["Stem cells"], topic=topic("crohns-disease"))
        same_topic = make_article(topic=topic("crohns-disease"), published_at=days_ago(5))
        sharing_a_tag = make_article(tags=["Stem cells"], topic=topic("research"), published_at=days_ago(9))
        make_article(tags=["Fatigue"], topic=topic("living-with-ibd"))  # nothing in common

        assert article.related_articles() == [sharing_a_tag, same_topic]

    def test_it_works_for_an_article_without_tags(self, make_article):
        article = make_article(topic=topic("crohns-disease"))
        same_topic = make_article(topic=topic("crohns-disease"), tags=["Diet"])
        make_article(topic=topic("research"), tags=["Diet"])

        assert article.related_articles() == [same_topic]

    def test_it_leaves_out_itself_drafts_reviews_and_scheduled_articles(self, make_article):
        article = make_article(tags=["Trials"])
        make_article(tags=["Trials"], status=Article.Status.DRAFT)
        make_article(tags=["Trials"], status=Article.Status.IN_REVIEW)
        make_article(tags=["Trials"], published_at=timezone.now() + timedelta(days=1))

        assert article.related_articles() == []

    def test_each_related_article_is_counted_once(self, make_article):
        article = make_article(tags=["A", "B", "C"], topic=topic("research"))
        other = make_article(tags=["A", "B", "C"], topic=topic("research"))

        related = article.related_articles()

        assert related == [other]
        assert related[0].shared_tags == 3

    def test_the_page_shows_them_as_cards_after_the_article_and_before_the_discussion(self, client, make_article):
        article = make_article(tags=["Trials"])
        make_article(headline="A related trial", tags=["Trials"])

        content = client.get(article.get_absolute_url()).content.decode()

        related = re.search(r'<aside class="related".*?</aside>', content, re.S).group()
        assert '<h2 id="related-heading">Related articles</h2>' in related
        assert re.search(r'<h3 class="card__headline"><a href="/articles/[^"]+/">A related trial</a></h3>', related)
        assert content.index("</article>\n") < content.index('class="related"') < content.index('id="discussion"')

    def test_the_page_has_no_related_block_when_there_are_none(self, client, make_article):
        article = make_article(topic=topic("ulcerative-colitis"))

        content = client.get(article.get_absolute_url()).content.decode()

        assert "Related articles" not in content

    @pytest.mark.parametrize("count", [1, 20])
    def test_the_article_page_costs_the_same_with_1_or_20_related_articles(
        self, client, django_assert_max_num_queries, make_article, count
    ):
        article = make_article(tags=["Trials", "Fistula"])
        for n in range(count):
            make_article(tags=["Trials", f"tag {n}"], topic=topic("research"))

        with django_assert_max_num_queries(TestQueryCounts.ARTICLE_PAGE_QUERIES):
            response = client.get(article.get_absolute_url())

        assert response.content.decode().count('<h3 class="card__headline">') == min(count, 3)


# Feeds ----------------------------------------------------------------------


def rss(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel")


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root


class TestFeeds:
    def test_rss_gives_each_published_article_with_its_details(self, client, make_article, make_contributor):
        author = make_contributor(name="Priya Shah", slug="priya-shah")
        article = make_article(
            headline="Good news on fistulas", standfirst="A plain summary.", author=author, tags=["Trials", "Fistula"]
        )
        Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
        article.refresh_from_db()

        channel = rss(client, RSS)

        assert channel.findtext("title") == "IBD Movement"
        assert channel.findtext("link") == f"{SITE_URL}/"
        (item,) = channel.findall("item")
        assert item.findtext("title") == "Good news on fistulas"
        assert item.findtext("link") == f"{SITE_URL}{article.get_absolute_url()}"
        assert item.findtext("description") == "A plain summary."
        assert "Priya Shah" in item.findtext("{http://purl.org/dc/elements/1.1/}creator")
        assert sorted(c.text for c in item.findall("category")) == ["Fistula", "Trials"]
        pubdate = item.findtext("pubDate")
        assert article.published_at.strftime("%d %b %Y %H:%M:%S") in pubdate

    def test_rss_lists_the_newest_twenty_and_never_drafts_or_scheduled(self, client, make_article):
        for day in range(FEED_LENGTH + 2):
            make_article(headline=f"News from day {day:02d}", published_at=days_ago(day + 1))
        make_article(headline="Draft news", status=Article.Status.DRAFT, published_at=None)
        make_article(headline="Scheduled news", published_at=timezone.now() + timedelta(hours=1))

        titles = [item.findtext("title") for item in rss(client, RSS).findall("item")]

        assert titles == [f"News from day {day:02d}" for day in range(FEED_LENGTH)]

    def test_atom_gives_each_article_with_published_and_updated_times_and_categories(self, client, make_article):
        article = make_article(headline="Atom news", standfirst="In brief.", tags=["Trials"])

        feed = atom(client, ATOM)

        assert feed.find("atom:link[@rel='self']", ATOM_NS).get("href") == f"{SITE_URL}{ATOM}"
        (entry,) = feed.findall("atom:entry", ATOM_NS)
        assert entry.findtext("atom:title", namespaces=ATOM_NS) == "Atom news"
        assert entry.find("atom:link", ATOM_NS).get("href") == f"{SITE_URL}{article.get_absolute_url()}"
        assert entry.findtext("atom:summary", namespaces=ATOM_NS) == "In brief."
        assert entry.findtext("atom:author/atom:name", namespaces=ATOM_NS) == article.author.name
        assert entry.findtext("atom:author/atom:uri", namespaces=ATOM_NS) == (
            f"{SITE_URL}{article.author.get_absolute_url()}"
        )
        published = parse_datetime(entry.findtext("atom:published", namespaces=ATOM_NS))
        updated = parse_datetime(entry.findtext("atom:updated", namespaces=ATOM_NS))
        assert published == article.published_at
        assert updated == article.updated_at
        assert [c.get("term") for c in entry.findall("atom:category", ATOM_NS)] == ["Trials"]

    def test_a_hostile_headline_and_standfirst_stay_escaped_text(self, client, make_article):
        make_article(headline=HOSTILE, standfirst=HOSTILE)

        item = rss(client, RSS).find("item")
        entry = atom(client, ATOM).find("atom:entry", ATOM_NS)

        assert item.findtext("title") == HOSTILE
        # Descriptions are HTML to feed readers: the plain standfirst is escaped once more.
        assert item.findtext("description").startswith("&lt;/script&gt;&lt;script&gt;")
        assert entry.findtext("atom:summary", namespaces=ATOM_NS).startswith("&lt;/script&gt;")

    def test_topic_feeds_give_only_that_topics_articles(self, client, make_article):
        make_article(headline="About Crohn's", topic=topic("crohns-disease"))
        make_article(headline="About colitis", topic=topic("ulcerative-colitis"))

        channel = rss(client, "/feeds/topics/crohns-disease.rss")
        feed = atom(client, "/feeds/topics/crohns-disease.atom")

        assert channel.findtext("title") == "IBD Movement: Crohn's disease"
        assert channel.findtext("link") == f"{SITE_URL}/topics/crohns-disease/"
        assert [i.findtext("title") for i in channel.findall("item")] == ["About Crohn's"]
        assert [e.findtext("atom:title", namespaces=ATOM_NS) for e in feed.findall("atom:entry", ATOM_NS)] == [
            "About Crohn's"
        ]

    def test_tag_feeds_give_only_that_tags_published_articles(self, client, make_article):
        make_article(headline="Tagged", tags=["Stem cells"])
        make_article(headline="Tagged draft", tags=["Stem cells"], status=Article.Status.DRAFT)
        make_article(headline="Not tagged")

        channel = rss(client, "/feeds/tags/stem-cells.rss")
        feed = atom(client, "/feeds/tags/stem-cells.atom")

        assert channel.findtext("title") == "IBD Movement: articles tagged “Stem cells”"
        assert [i.findtext("title") for i in channel.findall("item")] == ["Tagged"]
        assert len(feed.findall("atom:entry", ATOM_NS)) == 1

    @pytest.mark.parametrize(
        "url",
        [
            "/feeds/topics/no-such-topic.rss",
            "/feeds/topics/no-such-topic.atom",
            "/feeds/tags/no-such-tag.rss",
            "/feeds/tags/no-such-tag.atom",
            "/feeds/tags/only-a-draft.rss",
            "/feeds/articles.json",
        ],
    )
    def test_unknown_topics_and_tags_are_404(self, client, make_article, url):
        make_article(tags=["Only a draft"], status=Article.Status.DRAFT)

        assert client.get(url).status_code == 404

    def test_an_empty_site_gives_a_valid_empty_feed(self, client, db):
        assert rss(client, RSS).findall("item") == []
        assert atom(client, ATOM).findall("atom:entry", ATOM_NS) == []

    def test_an_editor_signed_in_sees_no_drafts_either(self, client, editor, make_article):
        make_article(headline="Draft news", status=Article.Status.DRAFT)
        client.force_login(editor)

        assert rss(client, RSS).findall("item") == []

    def test_feeds_are_cached_for_signed_out_readers_until_content_changes(
        self, client, make_article, django_assert_num_queries
    ):
        make_article(headline="First")
        client.get(RSS)

        with django_assert_num_queries(0):
            cached = client.get(RSS)
        make_article(headline="Second")

        assert cached.content.count(b"<item>") == 1
        assert rss(client, RSS).findall("item")[0].findtext("title") == "Second"

    def test_every_page_links_the_site_feeds_in_its_head(self, client, db):
        alternates = head_of(client, "/about/").alternates()

        assert ("application/rss+xml", RSS) in alternates
        assert ("application/atom+xml", ATOM) in alternates

    def test_topic_and_tag_pages_also_link_their_own_feeds(self, client, make_article):
        make_article(tags=["Stem cells"])

        topic_links = head_of(client, "/topics/treatments/").alternates()
        tag_links = head_of(client, "/tags/stem-cells/").alternates()

        assert {("application/rss+xml", "/feeds/topics/treatments.rss"), ("application/rss+xml", RSS)} <= topic_links
        assert ("application/atom+xml", "/feeds/topics/treatments.atom") in topic_links
        assert ("application/rss+xml", "/feeds/tags/stem-cells.rss") in tag_links
        assert ("application/atom+xml", "/feeds/tags/stem-cells.atom") in tag_links

    def test_topic_and_tag_pages_offer_their_feeds_to_readers_too(self, client, make_article):
        make_article(tags=["Stem cells"])

        topic_page = client.get("/topics/treatments/").content.decode()
        tag_page = client.get("/tags/stem-cells/").content.decode()

        assert '<a href="/feeds/topics/treatments.rss">Get updates (RSS)</a>' in topic_page
        assert '<a href="/feeds/tags/stem-cells.rss">Get updates (RSS)</a>' in tag_page


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (RSS, 2),  # the articles with topic and author, their tags
        ("/feeds/tags/trials.atom", 2 + 2),  # and the tag, and whether it has a published article
        ("/sitemap.xml", 4 * 2),  # articles, topics, tags and authors: each counted, then listed
    ],
)
def test_feeds_and_sitemap_cost_the_same_with_1_or_20_articles(
    client, make_article, make_contributor, django_assert_max_num_queries, count, url, queries
):
    for n in range(count):
        make_article(tags=["Trials", f"tag {n}"], medical_reviewer=make_contributor(), reviewed_on=date(2025, 1, 1))

    with django_assert_max_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.count(b"/articles/") >= count


# Sitemap and robots.txt -----------------------------------------------------


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }


class TestSitemap:
    def test_it_lists_published_articles_with_when_they_last_changed(self, client, make_article):
        article = make_article()
        make_article(headline="Draft", slug="a-draft", status=Article.Status.DRAFT)
        make_article(headline="Soon", slug="scheduled", published_at=timezone.now() + timedelta(days=1))

        urls = sitemap(client)

        assert urls[f"{SITE_URL}{article.get_absolute_url()}"] == article.updated_at.date().isoformat()
        assert not any("a-draft" in url or "scheduled" in url for url in urls)

    def test_it_lists_topics_fixed_pages_and_authors_of_published_articles(
        self, client, make_article, make_contributor
    ):
        reviewer = make_contributor(slug="dr-reviewer")
        make_contributor(slug="no-published-work")
        article = make_article(medical_reviewer=reviewer, reviewed_on=date(2025, 1, 1))

        urls = sitemap(client)

        for topic_ in Topic.objects.all():
            assert f"{SITE_URL}{topic_.get_absolute_url()}" in urls
        for name in ["home", "about", "editorial_policy", "disclaimer", "contact"]:
            assert f"{SITE_URL}{reverse(f'articles:{name}')}" in urls
        for name in ["community", "guidelines", "privacy"]:
            assert f"{SITE_URL}{reverse(f'community:{name}')}" in urls
        assert f"{SITE_URL}{article.author.get_absolute_url()}" in urls
        assert f"{SITE_URL}/authors/dr-reviewer/" in urls
        assert f"{SITE_URL}/authors/no-published-work/" not in urls

    def test_it_lists_only_tags_with_a_published_article(self, client, make_article):
        make_article(tags=["Stem cells", "TNF-\N{GREEK SMALL LETTER ALPHA}"])
        make_article(tags=["Only a draft"], status=Article.Status.DRAFT)

        urls = sitemap(client)

        assert f"{SITE_URL}/tags/stem-cells/" in urls
        assert f"{SITE_URL}/tags/tnf-%CE%B1/" in urls
        assert not any("only-a-draft" in url for url in urls)
        for url in urls:  # every address in it is a page a reader can open
            assert Client().get(url.removeprefix(SITE_URL)).status_code == 200, url

    def test_an_editor_signed_in_sees_no_drafts_either(self, client, editor, make_article):
        make_article(slug="a-draft", status=Article.Status.DRAFT)
        client.force_login(editor)

        assert not any("a-draft" in url for url in sitemap(client))


class TestRobots:
    @pytest.fixture
    def robots(self, client, db):
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    def test_it_points_at_the_sitemap(self, robots):
        assert f"\nSitemap: {SITE_URL}/sitemap.xml\n" in robots

    def test_it_keeps_crawlers_out_of_admin_accounts_moderation_comment_forms_and_search(self, robots):
        disallowed = re.findall(r"^Disallow: (\S+)$", robots, re.M)

        assert robots.startswith("# ")
        assert "User-agent: *" in robots
        for url in [
            reverse("admin:index"),
            reverse("community:profile"),
            reverse("community:login"),
            reverse("community:signup"),
            reverse("community:moderation_queue"),
            reverse("community:reply", args=[1]),
            reverse("community:report_comment", args=[1]),
            "/search/",
        ]:
            assert any(url.startswith(prefix) for prefix in disallowed), url

    def test_it_leaves_reader_pages_open(self, robots, make_article):
        disallowed = re.findall(r"^Disallow: (\S+)$", robots, re.M)
        article = make_article()

        for url in ["/", article.get_absolute_url(), "/topics/treatments/", "/about/", "/community/", RSS]:
            assert not any(url.startswith(prefix) for prefix in disallowed), url


# Canonical links, Open Graph and Twitter meta -------------------------------


class TestArticleMeta:
    @pytest.fixture
    def article(self, make_article, make_image_upload):
        return make_article(
            headline="Stem cells & fistulas",
            standfirst="More healed with the new treatment.",
            hero_image=make_image_upload(1600, 900),
            hero_alt="A calm abstract picture",
            hero_credit="IBD Movement",
            tags=["Stem cells", "Trials"],
            topic=topic("crohns-disease"),
        )

    def test_it_has_a_canonical_link_and_open_graph_meta(self, client, article):
        head = head_of(client, article.get_absolute_url() + "?utm_source=newsletter")
        url = f"{SITE_URL}{article.get_absolute_url()}"

        assert head.canonical() == url
        assert head.one("og:url") == url
        assert head.one("og:type") == "article"
        assert head.one("og:site_name") == "IBD Movement"
        assert head.one("og:title") == "Stem cells & fistulas"
        assert head.one("og:description") == "More healed with the new treatment."
        assert head.one("article:section") == "Crohn's disease"
        assert sorted(head.property("article:tag")) == ["Stem cells", "Trials"]
        assert parse_datetime(head.one("article:published_time")) == article.published_at
        assert parse_datetime(head.one("article:modified_time")) == article.updated_at

    def test_it_shows_the_1200_wide_hero_rendition_as_a_large_card(self, client, article):
        head = head_of(client, article.get_absolute_url())
        rendition = next(r for r in article.hero_renditions if r["width"] == 1200)
        image_url = f"{SITE_URL}/media/{rendition['name']}"

        assert head.one("og:image") == image_url
        assert head.one("og:image:width") == "1200"
        assert head.one("og:image:height") == str(rendition["height"])
        assert head.one("og:image:alt") == "A calm abstract picture"
        assert head.one("twitter:card") == "summary_large_image"
        # Twitter falls back to the og: title, description and image: no second copy of each.
        assert head.property("twitter:image") == head.property("twitter:title") == []
        assert head.one("og:title") == "Stem cells & fistulas"
        assert default_storage.exists(rendition["name"])

    def test_without_a_hero_image_it_is_a_small_card_with_no_image(self, client, make_article):
        head = head_of(client, make_article().get_absolute_url())

        assert head.one("twitter:card") == "summary"
        assert head.property("og:image") == head.property("twitter:image") == []

    def test_hostile_text_stays_inside_its_attributes(self, client, make_article):
        head = head_of(client, make_article(headline=HOSTILE, standfirst=HOSTILE).get_absolute_url())

        assert head.one("og:title") == HOSTILE
        assert head.one("og:description") == HOSTILE


class TestOtherPagesMeta:
    @pytest.mark.parametrize("path", ["/", "/about/", "/community/", "/account/login/", "/topics/research/"])
    def test_each_page_has_its_canonical_address_and_basic_open_graph(self, client, db, path):
        head = head_of(client, path + "?utm_campaign=x")

        assert head.canonical() == f"{SITE_URL}{path}"
        assert head.one("og:url") == f"{SITE_URL}{path}"
        assert head.one("og:type") == "website"
        assert head.one("og:site_name") == "IBD Movement"
        assert head.one("twitter:card") == "summary"

    def test_topic_and_tag_pages_name_themselves(self, client, make_article):
        make_article(tags=["Stem cells"])

        assert head_of(client, "/topics/research/").one("og:title") == "Research"
        assert head_of(client, "/topics/research/").one("og:description") == topic("research").description
        assert head_of(client, "/tags/stem-cells/").one("og:title") == "Articles tagged “Stem cells”"
        assert head_of(client, "/").one("og:title") == "IBD Movement"

    def test_later_pages_of_a_list_keep_their_page_number(self, client, make_article):
        for _ in range(11):
            make_article()

        assert head_of(client, "/?page=2").canonical() == f"{SITE_URL}/?page=2"
        assert head_of(client, "/?page=1").canonical() == f"{SITE_URL}/"
        assert head_of(client, "/?page=x").canonical() == f"{SITE_URL}/"

    def test_a_missing_page_has_no_canonical_address(self, client, db):
        response = client.get("/articles/no-such-article/")

        assert response.status_code == 404
        assert Head(response.content.decode()).canonical() is None


# Structured data ------------------------------------------------------------


def json_ld(client, url):
    head = head_of(client, url)
    assert len(head.json_ld) == 1
    return json.loads(head.json_ld[0])


class TestStructuredData:
    @pytest.fixture
    def article(self, make_article, make_contributor, make_image_upload):
        article = make_article(
            headline="Stem-cell therapy shows promise for fistulas",
            standfirst="More people healed.",
            topic=topic("crohns-disease"),
            author=make_contributor(name="Hannah Okafor", slug="hannah-okafor", credentials="MSc, journalist"),
            medical_reviewer=make_contributor(name="Dr Rafael Mendes", slug="dr-rafael-mendes"),
            reviewed_on=date(2026, 11, 19),
            source_publisher="IBD Research Digest",
            source_headline="AU-101 meets primary endpoint",
            source_url="https://research-digest.example/news/au-101",
            source_published_on=date(2026, 11, 18),
            hero_image=make_image_upload(1600, 900),
            hero_alt="A picture",
            hero_credit="Us",
            tags=["Stem cells", "Clinical trials"],
        )
        article.refresh_from_db()
        return article

    def test_every_field_matches_the_article(self, client, article):
        data = json_ld(client, article.get_absolute_url())
        url = f"{SITE_URL}{article.get_absolute_url()}"

        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "MedicalWebPage"
        assert data["url"] == data["@id"] == url
        assert data["headline"] == data["name"] == "Stem-cell therapy shows promise for fistulas"
        assert data["description"] == "More people healed."
        assert data["about"] == {
            "@type": "MedicalCondition",
            "name": "Crohn's disease",
            "code": {"@type": "MedicalCode", "code": "K50", "codingSystem": "ICD-10"},
        }
        assert data["author"]["@type"] == "Person"
        assert data["author"]["name"] == "Hannah Okafor"
        assert data["author"]["url"] == f"{SITE_URL}/authors/hannah-okafor/"
        assert data["author"]["description"] == "MSc, journalist"
        assert data["reviewedBy"]["name"] == "Dr Rafael Mendes"
        assert data["reviewedBy"]["url"] == f"{SITE_URL}/authors/dr-rafael-mendes/"
        assert data["lastReviewed"] == "2026-11-19"
        # JSON dates carry milliseconds.
        assert abs(parse_datetime(data["datePublished"]) - article.published_at) < timedelta(milliseconds=1)
        assert abs(parse_datetime(data["dateModified"]) - article.updated_at) < timedelta(milliseconds=1)
        assert data["publisher"] == {"@type": "Organization", "name": "IBD Movement", "url": f"{SITE_URL}/"}
        assert data["image"]["url"] == f"{SITE_URL}{article.social_image['url']}"
        assert data["image"]["width"] == 1200
        assert sorted(data["keywords"]) == ["Clinical trials", "Stem cells"]
        assert data["citation"] == {
            "@type": "NewsArticle",
            "name": "AU-101 meets primary endpoint",
            "headline": "AU-101 meets primary endpoint",
            "url": "https://research-digest.example/news/au-101",
            "publisher": {"@type": "Organization", "name": "IBD Research Digest"},
            "datePublished": "2026-11-18",
        }

    @pytest.mark.parametrize(
        ("topic_slug", "tags", "condition"),
        [
            ("ulcerative-colitis", [], "Ulcerative colitis"),
            ("crohns-disease", ["Ulcerative colitis"], "Crohn's disease"),
            ("treatments", ["Crohn's disease"], "Crohn's disease"),
            ("research", ["Ulcerative colitis", "Trials"], "Ulcerative colitis"),
            ("research", ["Crohn's disease", "Ulcerative colitis"], "Inflammatory bowel disease"),
            ("living-with-ibd", ["Fatigue"], "Inflammatory bowel disease"),
        ],
    )
    def test_it_is_about_the_condition_the_topic_or_tags_name(self, client, make_article, topic_slug, tags, condition):
        article = make_article(topic=topic(topic_slug), tags=tags)

        assert json_ld(client, article.get_absolute_url())["about"]["name"] == condition

    def test_a_feature_without_source_or_reviewer_cites_nothing_and_claims_no_review(self, client, make_article):
        article = make_article(
            kind=Article.Kind.FEATURE, source_publisher="", source_headline="", source_url="", summary=""
        )

        data = json_ld(client, article.get_absolute_url())

        assert "citation" not in data
        assert "reviewedBy" not in data
        assert "lastReviewed" not in data
        assert "image" not in data

    def test_a_hostile_headline_stays_inert_data(self, client, make_article):
        article = make_article(headline=HOSTILE, standfirst=HOSTILE)
        content = client.get(article.get_absolute_url()).content.decode()

        assert "<script>alert" not in content
        assert content.count("</script>") == len(Head(content).scripts)
        data = json.loads(Head(content).json_ld[0])
        assert data["headline"] == data["description"] == HOSTILE

    def test_the_only_inline_script_element_is_the_json_ld_data_block(self, client, make_article, make_question):
        article = make_article()
        make_question(article)

        scripts = Head(client.get(article.get_absolute_url()).content.decode()).scripts

        inline = [script for script in scripts if "src" not in script]
        assert inline == [{"type": "application/ld+json"}]
