"""
Load the demo articles: contributors and five articles, one of them scheduled and one a draft,
and the demo glossary their words link to.

Safe to run again: an article already there is left exactly as it is.
Each new article gets its first revision, so its history starts with the demo.
``seed_demo`` (in the community app) runs this, then adds accounts and comments.
"""

import io
import random
from datetime import timedelta

import reversion
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from articles.management.demo_content import ARTICLES, CONTRIBUTORS, FEATURED, GLOSSARY, TOPIC_INTRODUCTIONS
from articles.models import (
    Article,
    ArticleCorrection,
    Contributor,
    GlossaryTerm,
    Question,
    ReviewAnswer,
    Section,
    SiteSettings,
    StudyFacts,
    Topic,
)

PALETTES = {
    2: [(0, 90, 91), (224, 200, 160), (127, 209, 207), (246, 241, 232)],
    5: [(40, 70, 110), (150, 170, 190), (210, 220, 230), (245, 246, 248)],
    9: [(0, 90, 91), (200, 205, 210), (127, 209, 207), (240, 243, 245)],
}


class Command(BaseCommand):
    help = "Load demo articles. Running it again changes nothing."

    def handle(self, *args, **options):
        contributors = {c["slug"]: self.ensure_contributor(c) for c in CONTRIBUTORS}
        for data in ARTICLES:
            self.ensure_article(data, contributors)
        for term, slug, also_matches, definition in GLOSSARY:
            self.ensure_term(term, slug, also_matches, definition)
        for slug, introduction in TOPIC_INTRODUCTIONS.items():
            self.ensure_topic_introduction(slug, introduction)
        self.ensure_featured(FEATURED)

    def ensure_topic_introduction(self, slug, introduction):
        """Introduce a topic that has no introduction yet; an editor's own is left alone."""
        topic = Topic.objects.filter(slug=slug, introduction="").first()
        if topic is not None:
            topic.introduction = introduction
            topic.save()

    def ensure_featured(self, slug):
        """Feature the demo's main article, unless editors already chose one."""
        settings = SiteSettings.load()
        if settings.featured_article_id is None:
            settings.featured_article = Article.objects.get(slug=slug)
            settings.save()

    def ensure_contributor(self, data):
        contributor, _ = Contributor.objects.get_or_create(slug=data["slug"], defaults=data)
        return contributor

    def ensure_term(self, term, slug, also_matches, definition):
        """Add a glossary term unless one with its slug is there already (perhaps edited: leave it)."""
        if GlossaryTerm.objects.filter(slug=slug).exists():
            return
        glossary_term = GlossaryTerm(term=term, slug=slug, also_matches=also_matches, definition=definition)
        glossary_term.full_clean()
        glossary_term.save()
        self.stdout.write(self.style.SUCCESS(f"Added glossary term: {term}"))

    @transaction.atomic
    def ensure_article(self, data, contributors):
        if Article.objects.filter(slug=data["slug"]).exists():
            self.stdout.write(f"Article already present: {data['headline']}")
            return
        with reversion.create_revision():
            reversion.set_comment("Loaded with the demo content.")
            article = self.create_article(data, contributors)
        self.stdout.write(self.style.SUCCESS(f"Added article: {article.headline}"))

    def create_article(self, data, contributors):
        published_at = data.get("published_at") or timezone.now() + timedelta(days=data["published_in_days"])
        status = data.get("status", Article.Status.PUBLISHED)
        article = Article(
            slug=data["slug"],
            kind=data["kind"],
            headline=data["headline"],
            standfirst=data["standfirst"],
            opening=data["opening"],
            closing=data["closing"],
            topic=Topic.objects.get(slug=data["topic"]),
            author=contributors[data["author"]],
            medical_reviewer=contributors.get(data["medical_reviewer"]),
            reviewed_on=data["reviewed_on"],
            status=status,
            published_at=published_at if status == Article.Status.PUBLISHED else None,
            hero_alt=data["hero_alt"],
            hero_credit=data["hero_credit"],
            **{key: data.get(key, "") for key in ("source_publisher", "source_headline", "source_url", "summary")},
            source_published_on=data.get("source_published_on"),
            evidence_stage=data.get("evidence_stage", ""),
            evidence_sentence=data.get("evidence_sentence", ""),
            key_points=data.get("key_points", ""),
        )
        if data["hero_seed"] is not None:
            article.hero_image.save(
                f"{data['slug']}.jpg", ContentFile(demo_illustration(data["hero_seed"])), save=False
            )
        article.full_clean()
        article.save()
        # Written "today" but dated as the demo says: no misleading "last updated".
        Article.objects.filter(pk=article.pk).update(updated_at=min(published_at, timezone.now()))
        article.tags.add(*data["tags"])
        for position, (heading, body) in enumerate(data["sections"], start=1):
            Section.objects.create(article=article, heading=heading, body=body, position=position)
        for position, text in enumerate(data["questions"], start=1):
            Question.objects.create(article=article, text=text, position=position)
        if "study" in data:
            StudyFacts.objects.create(article=article, **data["study"])
        for criterion, (answer, note) in data.get("review", {}).items():
            ReviewAnswer.objects.create(
                article=article, criterion=ReviewAnswer.Criterion[criterion], answer=answer, note=note
            )
        for kind, days_after, text in data.get("corrections", []):
            ArticleCorrection.objects.create(
                article=article,
                kind=kind,
                text=text,
                published_at=min(published_at + timedelta(days=days_after), timezone.now()),
            )
        article.refresh_derived()  # the parts are all saved: render, index and check the article once
        return article


def demo_illustration(seed, size=(1600, 900)):
    """A calm abstract picture, drawn here so the demo needs no downloaded images."""
    rng = random.Random(seed)
    dark, warm, light, paper = PALETTES.get(seed, PALETTES[2])
    image = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        mix = y / size[1]
        draw.line(
            [(0, y), (size[0], y)],
            fill=tuple(round(p * (1 - mix) + w * mix) for p, w in zip(paper, light, strict=True)),
        )
    for _ in range(14):
        radius = rng.randint(60, 260)
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        colour = rng.choice([dark, warm, light])
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
