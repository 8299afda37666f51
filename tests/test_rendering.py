"""
Editors' Markdown becomes safe HTML when it is saved, whatever it contains.

Each hostile sample carries the marker "pwned" only inside what must be
removed (a script, an attribute, a URL), so finding the marker anywhere in the
saved HTML or on the page means something got through.
"""

import re

import pytest

from articles.models import SiteSettings

HOSTILE = {
    "script tag": "<script>pwned()</script>Before the trial.",
    "img onerror": '<img src="x.png" onerror="pwned()">',
    "markdown javascript link": "[Read more](javascript:pwned())",
    "markdown javascript link with spaces": "[Read more](  javascript:pwned())",
    "raw mixed-case javascript link": '<a href="JaVaScRiPt:pwned()">Read more</a>',
    "raw javascript link with tab entity": '<a href="java&#x09;script:pwned()">Read more</a>',
    "style attribute": '<p style="background: url(pwned)">Styled</p>',
    "style element": "<style>body { pwned: 1 }</style>Plain text.",
    "iframe": '<iframe src="https://evil.example/pwned"></iframe>',
    "markdown data url link": "[Open](data:text/html;base64,pwned)",
    "raw data url link": '<a href="data:text/html,pwned">Open</a>',
    "markdown image with data url": "![chart](data:image/svg+xml;pwned)",
    "event handler on an allowed tag": '<p onclick="pwned()">Click</p>',
    "event handler on an allowed link": '<a href="https://example.org" onmouseover="pwned()">Hover</a>',
    "svg onload": '<svg onload="pwned()"></svg>',
    "object": '<object data="https://evil.example/pwned"></object>',
    "vbscript link": '<a href="vbscript:pwned">Old</a>',
}
DANGEROUS_MARKUP = ["<script", "<style", "<iframe", "<img", "<svg", "<object", "javascript:", "data:", "style="]
EVENT_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)


def render_section_body(make_article, make_section, markdown):
    return make_section(make_article(), body=markdown).body_html


def render_article_summary(make_article, make_section, markdown):
    return make_article(summary=markdown).summary_html


def render_disclaimer(make_article, make_section, markdown):
    site_settings = SiteSettings.load()
    site_settings.medical_disclaimer = markdown
    site_settings.save()
    return SiteSettings.load().medical_disclaimer_html


@pytest.fixture(params=[render_section_body, render_article_summary, render_disclaimer])
def render(request, make_article, make_section):
    """Save Markdown through one of the models that render it, and return the stored HTML."""
    return lambda markdown: request.param(make_article, make_section, markdown)


def assert_harmless(html):
    assert "pwned" not in html
    for markup in DANGEROUS_MARKUP:
        assert markup not in html.lower(), f"{markup!r} survived in {html!r}"
    assert not EVENT_HANDLER.search(html)


@pytest.mark.parametrize("markdown", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_removed_when_saved(render, markdown):
    assert_harmless(render(markdown))


def test_it_keeps_the_text_around_removed_markup(render):
    html = render("<script>pwned()</script>Before the trial.")

    assert html == "<p>Before the trial.</p>"


def test_javascript_link_keeps_its_text_but_loses_its_address(render):
    html = render('<a href="JaVaScRiPt:pwned()">Read more</a>')

    assert ">Read more</a>" in html
    assert "href" not in html


def test_ordinary_markdown_still_works(render):
    html = render(
        "Some *emphasis* and **strong** words.\n\n"
        "- first point\n"
        "- second point\n\n"
        "1. step one\n\n"
        "### A sub-heading\n\n"
        "> A quote.\n\n"
        "See [the study](https://example.org/study)."
    )

    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<ul>\n<li>first point</li>\n<li>second point</li>\n</ul>" in html
    assert "<ol>\n<li>step one</li>\n</ol>" in html
    assert "<h3>A sub-heading</h3>" in html
    assert "<blockquote>" in html
    assert '<a href="https://example.org/study" rel="noopener noreferrer">the study</a>' in html


def test_markdown_tables_are_kept(render):
    html = render("| Week | Remission |\n| --- | --- |\n| 12 | 31% |")

    assert "<table>" in html
    assert "<td>31%</td>" in html


def test_mailto_links_are_kept(render):
    html = render("[Write to us](mailto:editors@example.org)")

    assert 'href="mailto:editors@example.org"' in html


def test_empty_markdown_renders_nothing(make_article):
    article = make_article(opening="   ", closing="")

    assert article.opening_html == ""
    assert article.closing_html == ""


def test_article_page_shows_none_of_the_hostile_content(client, make_article, make_section):
    hostile = "\n\n".join(HOSTILE.values())
    site_settings = SiteSettings.load()
    site_settings.medical_disclaimer = "Talk to your team.\n\n" + hostile
    site_settings.save()
    article = make_article(opening=hostile, summary="They found it.\n\n" + hostile, closing=hostile)
    make_section(article, heading="What it means", body=hostile)

    response = client.get(article.get_absolute_url())

    # The JSON-LD data block is the page's one <script>, never run; [^<]* shows nothing in it opens a tag.
    content, data_blocks = re.subn(r'<script type="application/ld\+json">[^<]*</script>', "", response.content.decode())
    assert data_blocks == 1
    assert response.status_code == 200
    assert "They found it." in content
    assert "What it means" in content
    assert "Talk to your team." in content
    assert "pwned" not in content
    for markup in ["<script", "<iframe", "<svg", "<object", "javascript:", "data:"]:
        assert markup not in content.lower()
    assert not EVENT_HANDLER.search(content)


def test_plain_text_fields_are_escaped_on_the_page(client, make_article, make_question):
    article = make_article(headline="<b>Bold</b> claims", standfirst='<script>pwned("standfirst")</script>')
    make_question(article, text="<img src=x onerror=pwned()>Is it for me?")

    content = client.get(article.get_absolute_url()).content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in content
    assert "<script>pwned" not in content
    assert "<img src=x onerror" not in content
    assert "&lt;img src=x onerror=pwned()&gt;Is it for me?" in content
