"""
What search engines and link previews read about a page: absolute addresses,
and the schema.org JSON-LD that describes an article as a medical web page.

Addresses are built from ``settings.SITE_URL``, never from the request's Host
header: pages, feeds and the sitemap are cached by path alone, so a copy made
for one host name must hold the same links for every reader.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

SITE_NAME = "IBD Movement"

# The condition a page is "about", from the article's topic or, failing that, its tags.
# ICD-10 codes K50 and K51 are the WHO's codes for Crohn's disease and ulcerative colitis.
CONDITIONS = {
    "crohns": {"name": "Crohn's disease", "code": "K50"},
    "colitis": {"name": "Ulcerative colitis", "code": "K51"},
    "ibd": {"name": "Inflammatory bowel disease", "alternateName": "IBD"},
}
CONDITION_BY_TOPIC = {"crohns-disease": "crohns", "ulcerative-colitis": "colitis"}
CONDITION_BY_TAG = {"crohn's disease": "crohns", "crohns disease": "crohns", "ulcerative colitis": "colitis"}

# JSON inside an HTML element must not be able to close it: the escapes json_script uses.
JSON_IN_HTML_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path):
    """The public address of a path on this site."""
    return settings.SITE_URL.rstrip("/") + path


def to_json_for_html(data):
    """JSON text that is safe to place inside a <script> data block."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).translate(
        JSON_IN_HTML_ESCAPES
    )


def condition_for(article):
    """The schema.org MedicalCondition an article is about: Crohn's, colitis, or IBD in general.

    Reads ``article.tags.all()``, so pass an article with its tags prefetched.
    """
    key = CONDITION_BY_TOPIC.get(article.topic.slug)
    if key is None:
        named = {CONDITION_BY_TAG.get(tag.name.lower()) for tag in article.tags.all()} - {None}
        key = named.pop() if len(named) == 1 else "ibd"
    condition = CONDITIONS[key]
    data = {"@type": "MedicalCondition", "name": condition["name"]}
    if "alternateName" in condition:
        data["alternateName"] = condition["alternateName"]
    if "code" in condition:
        data["code"] = {"@type": "MedicalCode", "code": condition["code"], "codingSystem": "ICD-10"}
    return data


def person(contributor):
    data = {"@type": "Person", "name": contributor.name, "url": absolute_url(contributor.get_absolute_url())}
    if contributor.credentials:
        data["description"] = contributor.credentials
    if contributor.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": contributor.affiliation}
    return data


def publisher():
    return {"@type": "Organization", "name": SITE_NAME, "url": absolute_url(reverse("articles:home"))}


def article_json_ld(article):
    """The article as a schema.org MedicalWebPage, as a dict ready for JSON.

    Research news cites the reporting it summarises; the page names its
    reviewer and the date of the last medical review when it has them.
    """
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": article.headline,
        "headline": article.headline,
        "description": article.standfirst,
        "inLanguage": "en-GB",
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "about": condition_for(article),
        "author": person(article.author),
        "publisher": publisher(),
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": absolute_url(reverse("articles:home"))},
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.medical_reviewer:
        data["reviewedBy"] = person(article.medical_reviewer)
    if article.reviewed_on:
        data["lastReviewed"] = article.reviewed_on
    if article.social_image:
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute_url(article.social_image["url"]),
            "width": article.social_image["width"],
            "height": article.social_image["height"],
        }
    if article.kind == article.Kind.RESEARCH_NEWS and article.has_source:
        data["citation"] = {
            "@type": "NewsArticle",
            "name": article.source_headline,
            "headline": article.source_headline,
            "url": article.source_url,
            "publisher": {"@type": "Organization", "name": article.source_publisher},
            "datePublished": article.source_published_on,
        }
    # A preview of a draft has no publish time yet: leave it out rather than say null.
    return {key: value for key, value in data.items() if value is not None}
