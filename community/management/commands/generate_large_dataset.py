"""
Load a large dataset for the benchmark (bench/run.py) and for checking that
pages keep their cost at scale: by default 2,000 published articles with
their sections, questions, tags, study facts and review checklists, 2,000
members, about 200,000 comments (mostly approved, some held, removed or
deleted, a third of them replies) and one heavy article, ``heavy-benchmark-article``: 8 sections of
about 1,500 words, 6 tags, a hero image with renditions and 300 approved
comments, the shape of the costliest page the site serves.

Rows go in with bulk_create, in batches, in one transaction; each distinct
text is rendered to HTML once, however many rows carry it. Running it again
once the heavy article is there changes nothing.
"""

import io
import math
import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.caching import site_changed
from articles.evidence import EvidenceStage
from articles.images import make_renditions
from articles.management.commands.seed_articles import demo_illustration
from articles.models import Article, Contributor, Question, ReviewAnswer, Section, StudyFacts, Topic
from articles.rendering import render_markdown
from community.management import large_dataset as words
from community.models import Comment, ModerationLog, Profile, Report, render_body

HEAVY_SLUG = "heavy-benchmark-article"
HEAVY_TAGS = ["Crohn's disease", "Clinical trials", "Stem cells", "Perianal fistula", "Biologics", "Surgery"]
BATCH_SIZE = 1000
ARTICLES_PER_CHUNK = 100  # comments are planned and inserted this many articles at a time
IMAGE_SEEDS = (2, 5, 9)

# Shares of comments, roughly as a moderated discussion settles: most approved.
ROOT_SHARE, FIRST_REPLY_SHARE = 0.6, 0.3  # the rest reply to replies
STATUS_WEIGHTS = {Comment.Status.APPROVED: 95, Comment.Status.REMOVED: 4, Comment.Status.PENDING: 1}
HOLD_REASONS = [Comment.HoldReason.NEW_MEMBER] * 7 + [Comment.HoldReason.LINKS] * 2 + [Comment.HoldReason.WORD_LIST]
DELETED_SHARE = 0.02  # of answered top-level comments, left as "deleted" markers
REPORTED_SHARE = 0.002  # of approved comments, with a report no moderator has dealt with


class Command(BaseCommand):
    help = "Load a large dataset for the benchmark. Does nothing if it is already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=2000, help="Published articles, the heavy one included.")
        parser.add_argument("--comments", type=int, default=200_000, help="Comments on the other articles.")
        parser.add_argument("--members", type=int, default=2000, help="Members with profiles who write them.")
        parser.add_argument("--heavy-comments", type=int, default=300, help="Approved comments on the heavy article.")
        parser.add_argument(
            "--hero-images", type=int, default=3, choices=range(1, 4), help="Hero pictures the articles share (1-3)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed for the random choices.")

    def handle(self, *args, **options):
        if Article.objects.filter(slug=HEAVY_SLUG).exists():
            self.stdout.write(f"The large dataset is already loaded ({HEAVY_SLUG} exists): nothing to do.")
            return
        if options["articles"] < 1 or options["members"] < 2:
            self.stderr.write("Generate at least 1 article (the heavy one) and 2 members.")
            return
        started = time.perf_counter()
        dataset = LargeDataset(random.Random(options["seed"]), self.step)
        with transaction.atomic():
            dataset.make_people(options["members"])
            dataset.make_articles(options["articles"] - 1, options["hero_images"])
            dataset.make_heavy_article()
            with self.step("search text and reading levels"):
                Article.objects.refresh_derived()
            dataset.make_comments(options["comments"], options["heavy_comments"])
            with self.step("comment counts, the moderation queue and members' records"):
                refresh_all_comment_counts()
                Comment.objects.refresh_needs_review()
                Profile.refresh_comment_records()
        with self.step("planner statistics"):
            # As after any bulk load: fresh statistics, so nothing measured races autovacuum (PostgreSQL)
            # or runs without any (SQLite). Production runs the same command nightly (docs/deploy.md).
            call_command("optimize_database", stdout=io.StringIO())
        site_changed()  # every page may show what was loaded
        counts = Comment.objects.status_counts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Large dataset loaded in {time.perf_counter() - started:.1f} s: "
                f"{Article.objects.count():,} articles, {get_user_model().objects.count():,} users, "
                f"{sum(counts.values()):,} comments ({', '.join(f'{n:,} {s}' for s, n in counts.items())}); "
                f"heavy article at /articles/{HEAVY_SLUG}/"
            )
        )

    def step(self, name):
        return Step(name, self.stdout)


class Step:
    """Times one stage and says how long it took."""

    def __init__(self, name, stdout):
        self.name, self.stdout = name, stdout

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.stdout.write(f"  {self.name}: {time.perf_counter() - self.started:.1f} s")


def refresh_all_comment_counts():
    """Every article's count of visible comments, in one UPDATE (what refresh_comment_count does for one)."""
    visible = (
        Comment.objects.filter(article=OuterRef("pk"), status=Comment.Status.APPROVED, deleted_at__isnull=True)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.update(comment_count=Coalesce(Subquery(visible), 0))


def bulk(model, objects):
    """Insert in batches; every object comes back with its primary key (PostgreSQL, SQLite 3.35+)."""
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    assert all(obj.pk for obj in objects), f"{model.__name__}: the database returned no primary keys"
    return objects


def paragraphs(rng, count, sentences=(4, 6)):
    return "\n\n".join(" ".join(rng.sample(words.ARTICLE_SENTENCES, rng.randint(*sentences))) for _ in range(count))


def markdown_section(rng, count, sentences=(4, 6)):
    """Some paragraphs, and now and then a short list, as editors write sections."""
    text = paragraphs(rng, count, sentences)
    if rng.random() < 0.4:
        points = rng.sample(words.ARTICLE_SENTENCES, 3)
        text += "\n\n" + "\n".join(f"- **Point {n}.** {point}" for n, point in enumerate(points, start=1))
    return text


class LargeDataset:
    def __init__(self, rng, step):
        self.rng = rng
        self.step = step
        self.now = timezone.now()
        texts = random.Random(rng.random())
        # Few distinct texts, each rendered once.
        self.openings = [paragraphs(texts, 1, (2, 3)) for _ in range(8)]
        self.summaries = [paragraphs(texts, 2) for _ in range(8)]
        self.closings = [paragraphs(texts, 1, (2, 3)) for _ in range(4)] + [""]
        self.section_bodies = [markdown_section(texts, texts.randint(1, 3)) for _ in range(16)]
        self.html = {}
        self.study_names = {}

    def markdown(self, text):
        if text not in self.html:
            self.html[text] = render_markdown(text)
        return self.html[text]

    def comment_html(self, text):
        key = ("comment", text)
        if key not in self.html:
            self.html[key] = render_body(text)
        return self.html[key]

    # People -----------------------------------------------------------------

    def make_people(self, count):
        with self.step(f"{count:,} members with profiles, a moderator and contributors"):
            User = get_user_model()
            unusable = make_password(None)
            self.moderator = User.objects.create(
                username="scale-moderator", email="scale-moderator@example.org", password=unusable, is_staff=True
            )
            self.moderator.groups.add(Group.objects.get(name="Moderators"))
            Profile.objects.create(user=self.moderator, display_name="Scale moderator", email_confirmed_at=self.now)
            users = bulk(
                User,
                [
                    User(
                        username=f"scale-member-{n}",
                        email=f"scale-member-{n}@example.org",
                        password=unusable,
                        date_joined=self.now - timedelta(days=self.rng.uniform(1, 1500)),
                    )
                    for n in range(1, count + 1)
                ],
            )
            profiles = []
            for n, user in enumerate(users, start=1):
                suspended = self.rng.random() < 0.003
                profiles.append(
                    Profile(
                        user=user,
                        display_name=f"{words.FIRST_NAMES[n % len(words.FIRST_NAMES)]} {n}",
                        email_confirmed_at=user.date_joined if self.rng.random() < 0.97 else None,
                        suspended_at=self.now if suspended else None,
                        suspended_reason="Repeated advice to stop prescribed treatment" if suspended else "",
                        suspended_by=self.moderator if suspended else None,
                    )
                )
            bulk(Profile, profiles)
            bulk(
                ModerationLog,
                [
                    ModerationLog(
                        actor=self.moderator,
                        action=ModerationLog.Action.SUSPENDED,
                        member_id=profile.user_id,
                        reason=profile.suspended_reason,
                    )
                    for profile in profiles
                    if profile.suspended_at
                ],
            )
            self.member_ids = [user.pk for user in users]
            # A few members write most comments, as on any forum.
            self.member_weights = list(
                self.cumulative([self.rng.paretovariate(1.2) for _ in self.member_ids]),
            )
            self.contributors = [
                Contributor.objects.get_or_create(
                    slug=f"scale-{slugify(name)}",
                    defaults={"name": name, "credentials": credentials, "affiliation": affiliation, "bio": name},
                )[0]
                for name, credentials, affiliation in words.CONTRIBUTORS
            ]
            self.reviewers = [c for c in self.contributors if c.name.startswith("Dr ")]

    @staticmethod
    def cumulative(weights):
        total = 0
        for weight in weights:
            total += weight
            yield total

    def authors(self, count):
        return self.rng.choices(self.member_ids, cum_weights=self.member_weights, k=count)

    # Articles ---------------------------------------------------------------

    def make_images(self, count):
        """A few hero pictures, each with its renditions made once and shared by many articles."""
        images = []
        for seed in IMAGE_SEEDS[:count]:
            picture = ContentFile(demo_illustration(seed))
            name = default_storage.save(f"articles/originals/scale/scale-{seed}.jpg", picture)
            article = Article(hero_image=name, hero_width=1600, hero_height=900)
            images.append({"name": name, "renditions": make_renditions(article.hero_image)})
        return images

    def make_articles(self, count, images):
        with self.step("hero images and renditions"):
            self.images = self.make_images(images)
            self.tags = self.ensure_tags(words.TAGS)
        with self.step(f"{count:,} articles with sections, questions, study facts, tags and checklists"):
            topics = list(Topic.objects.all())
            articles = [self.build_article(n, topics) for n in range(1, count + 1)]
            bulk(Article, articles)
            if articles:
                # Made today, but dated as published: no misleading "last updated" on every card.
                first, last = articles[0].pk, articles[-1].pk
                ids = (min(first, last), max(first, last))
                Article.objects.filter(pk__range=ids).update(updated_at=F("published_at"))
            self.add_parts(articles)
            self.articles = articles

    def build_article(self, n, topics):
        rng = self.rng
        research = rng.random() < 0.7
        subject, finding = rng.choice(words.HEADLINE_SUBJECTS), rng.choice(words.HEADLINE_FINDINGS)
        study = f"{rng.choice(['ORBIT', 'CALM', 'SERENE', 'VISTA', 'HARBOUR', 'LUMEN', 'EMBER'])}-{n}"
        headline = f"{subject} {finding}" + (f" ({study})" if research else "")
        published_at = self.now - timedelta(hours=3 + n * 17, minutes=rng.randint(0, 59))
        opening, summary, closing = (
            rng.choice(self.openings),
            rng.choice(self.summaries) if research else "",
            rng.choice(self.closings),
        )
        image = rng.choice(self.images) if rng.random() < 0.7 else None
        reviewer = rng.choice(self.reviewers) if rng.random() < 0.5 else None
        article = Article(
            kind=Article.Kind.RESEARCH_NEWS if research else Article.Kind.FEATURE,
            headline=headline,
            slug=f"{slugify(headline)[:180]}-{n}",
            standfirst=paragraphs(rng, 1, (2, 2)),
            opening=opening,
            opening_html=self.markdown(opening),
            summary=summary,
            summary_html=self.markdown(summary),
            closing=closing,
            closing_html=self.markdown(closing),
            topic=rng.choice(topics),
            author=rng.choice(self.contributors),
            medical_reviewer=reviewer,
            reviewed_on=(published_at - timedelta(days=1)).date() if reviewer else None,
            status=Article.Status.PUBLISHED,
            published_at=published_at,
            comments_open=rng.random() < 0.95,
        )
        if research:
            article.source_publisher = rng.choice(["IBD Research Digest", "Gut Health Weekly", "Colitis News"])
            article.source_headline = f"{study} trial reports results"
            article.source_url = f"https://research-news.example/{article.slug}"
            article.source_published_on = (published_at - timedelta(days=2)).date()
            article.evidence_stage = words.FINDING_STAGES[finding]
            self.study_names[article.slug] = study
        if image:
            article.hero_image = image["name"]
            article.hero_width, article.hero_height = 1600, 900
            article.hero_renditions = image["renditions"]
            article.hero_alt = "An abstract illustration of soft, overlapping circles."
            article.hero_credit = "Illustration: IBD Movement"
        return article

    def add_parts(self, articles):
        rng = self.rng
        sections, questions, studies, tagged, answers = [], [], [], [], []
        article_type = ContentType.objects.get_for_model(Article)
        trials = self.tags["Clinical trials"]
        for article in articles:
            headings = rng.sample(words.SECTION_HEADINGS, rng.randint(2, 5))
            article_sections = []
            for position, heading in enumerate(headings, start=1):
                body = rng.choice(self.section_bodies)
                html = self.markdown(body)
                article_sections.append(
                    Section(article=article, heading=heading, body=body, body_html=html, position=position)
                )
            article_questions = [
                Question(article=article, text=text, position=position)
                for position, text in enumerate(rng.sample(words.QUESTIONS, rng.randint(1, 4)), start=1)
            ]
            names = rng.sample(words.TAGS, rng.randint(1, 4))
            tags = {self.tags[name] for name in names}
            if article.kind == Article.Kind.RESEARCH_NEWS:
                tags.add(trials)
                if rng.random() < 0.4:
                    studies.append(self.study_facts(article, self.study_names[article.slug]))
                answers += self.review_answers(article)
            tagged += [TaggedItem(content_type=article_type, object_id=article.pk, tag=tag) for tag in tags]
            sections += article_sections
            questions += article_questions
        bulk(Section, sections)
        bulk(Question, questions)
        bulk(StudyFacts, studies)
        bulk(TaggedItem, tagged)
        bulk(ReviewAnswer, answers)

    def review_answers(self, article):
        """A complete review checklist, as every published research article has; a few "not applicable"."""
        not_applicable = self.rng.choice([None, None, None, *words.REVIEW_NOT_APPLICABLE])
        answers = []
        for criterion, (answer, note) in words.REVIEW_ANSWERS.items():
            if criterion == not_applicable:
                answer, note = ReviewAnswer.Answer.NOT_APPLICABLE, words.REVIEW_NOT_APPLICABLE[criterion]
            answers.append(ReviewAnswer(article=article, criterion=criterion, answer=answer, note=note))
        return answers

    def study_facts(self, article, name):
        number = self.rng.randint(10**7, 10**8 - 1)
        return StudyFacts(
            article=article,
            study_name=name,
            participants=self.rng.randint(40, 1200),
            registry_id=f"NCT{number}",
            registry_url=f"https://clinicaltrials.gov/study/NCT{number}",
            **words.STUDY_FACTS,
        )

    def ensure_tags(self, names):
        slugs = {name: Tag().slugify(name) for name in names}
        existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=slugs.values())}
        missing = [Tag(name=name, slug=slug) for name, slug in slugs.items() if slug not in existing]
        for tag in bulk(Tag, missing):
            existing[tag.slug] = tag
        return {name: existing[slug] for name, slug in slugs.items()}

    def make_heavy_article(self):
        """The costliest page: saved the way admin saves an article, so every rendering rule applies."""
        with self.step("the heavy article"):
            rng = random.Random(HEAVY_SLUG)
            image = self.images[0]
            reviewer = self.reviewers[0]
            article = Article(
                kind=Article.Kind.RESEARCH_NEWS,
                slug=HEAVY_SLUG,
                headline="A stem-cell therapy heals more perianal fistulas in a larger trial: what it means for you",
                standfirst=paragraphs(rng, 1, (2, 2)),
                opening=paragraphs(rng, 1, (4, 4)),
                summary=paragraphs(rng, 2, (5, 5)),
                closing=paragraphs(rng, 1, (3, 3)),
                source_publisher="IBD Research Digest",
                source_headline="Autologous stem-cell injection meets its primary endpoint in a phase 3 trial",
                source_url="https://research-news.example/heavy-benchmark-article",
                source_published_on=(self.now - timedelta(days=3)).date(),
                evidence_stage=EvidenceStage.RANDOMISED_TRIAL,
                topic=Topic.objects.get(slug="crohns-disease"),
                author=self.contributors[0],
                medical_reviewer=reviewer,
                reviewed_on=(self.now - timedelta(days=2)).date(),
                status=Article.Status.PUBLISHED,
                published_at=self.now - timedelta(hours=1),
                hero_image=image["name"],
                hero_width=1600,
                hero_height=900,
                hero_renditions=image["renditions"],
                hero_alt="An abstract illustration of soft, overlapping circles in teal and sand colours.",
                hero_credit="Illustration: IBD Movement",
            )
            article.full_clean()
            article.save()
            article.tags.add(*(self.tags[name] for name in HEAVY_TAGS))
            for position, heading in enumerate(words.SECTION_HEADINGS[:8], start=1):
                body = markdown_section(rng, 2, (5, 6))
                Section.objects.create(article=article, heading=heading, body=body, position=position)
            for position, text in enumerate(words.QUESTIONS[:5], start=1):
                Question.objects.create(article=article, text=text, position=position)
            self.study_facts(article, "STOMP3").save()
            bulk(ReviewAnswer, self.review_answers(article))
            # Made now but dated as published an hour ago: between midnight and one it would read as "updated".
            Article.objects.filter(pk=article.pk).update(updated_at=F("published_at"))
            self.heavy = article

    # Comments ---------------------------------------------------------------

    def make_comments(self, total, heavy_count):
        with self.step(f"{heavy_count:,} approved comments on the heavy article"):
            self.insert_discussions([(self.heavy, heavy_count)], all_approved=True)
        with self.step(f"{total:,} comments on {len(self.articles):,} articles, with reports and the log"):
            counts = self.spread(total, len(self.articles))
            plan = list(zip(self.articles, counts, strict=True))
            for start in range(0, len(plan), ARTICLES_PER_CHUNK):
                self.insert_discussions(plan[start : start + ARTICLES_PER_CHUNK])

    def spread(self, total, count):
        """Split `total` over `count` articles, a few much discussed, many barely."""
        if not count:
            return []
        weights = [self.rng.lognormvariate(0, 1.2) for _ in range(count)]
        scale = total / sum(weights)
        counts = [math.floor(w * scale) for w in weights]
        by_remainder = sorted(range(count), key=lambda i: weights[i] * scale - counts[i], reverse=True)
        for i in by_remainder[: total - sum(counts)]:
            counts[i] += 1
        return counts

    def insert_discussions(self, plan, *, all_approved=False):
        """Top-level comments, then replies to them, then replies to replies: each level in bulk."""
        roots, first_replies, second_replies = [], [], []
        for article, count in plan:
            if not count:
                continue
            n_roots = max(1, round(count * ROOT_SHARE))
            n_first = min(count - n_roots, round(count * FIRST_REPLY_SHARE))
            article_roots = [self.comment(article, None, all_approved) for _ in range(n_roots)]
            open_roots = [c for c in article_roots if c.status == Comment.Status.APPROVED] or article_roots
            article_first = [self.comment(article, self.rng.choice(open_roots), all_approved) for _ in range(n_first)]
            open_first = [c for c in article_first if c.status == Comment.Status.APPROVED] or open_roots
            article_second = [
                self.comment(article, self.rng.choice(open_first), all_approved)
                for _ in range(count - n_roots - n_first)
            ]
            roots += article_roots
            first_replies += article_first
            second_replies += article_second
        answered = {id(reply.parent) for reply in first_replies}
        for root in roots:
            if not all_approved and id(root) in answered and self.rng.random() < DELETED_SHARE:
                root.body, root.body_html = "", ""
                root.deleted_at = min(root.created_at + timedelta(days=1), self.now)
        for level in (roots, first_replies, second_replies):
            bulk(Comment, level)  # each level once the one it answers has its ids
        comments = roots + first_replies + second_replies
        self.add_reports_and_log(comments)

    def comment(self, article, parent, all_approved):
        rng = self.rng
        after = parent.created_at if parent else article.published_at
        created_at = min(after + timedelta(hours=rng.expovariate(1 / 30)), self.now - timedelta(seconds=1))
        status = Comment.Status.APPROVED
        if not all_approved:
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        body = rng.choice(words.COMMENT_BODIES)
        comment = Comment(
            article_id=article.pk,
            author_id=self.authors(1)[0],
            body=body,
            body_html=self.comment_html(body),
            status=status,
            created_at=created_at,
            parent=parent,
            thread=(parent.thread or parent) if parent else None,
        )
        if status == Comment.Status.PENDING:
            comment.hold_reason = rng.choice(HOLD_REASONS)
        elif status == Comment.Status.REMOVED:
            comment.decided_by = self.moderator
            comment.decided_at = created_at + timedelta(hours=2)
            comment.decision_reason = rng.choice(words.REMOVED_REASONS)
        return comment

    def add_reports_and_log(self, comments):
        rng = self.rng
        reports, log = [], []
        for comment in comments:
            if comment.status == Comment.Status.REMOVED:
                log.append(
                    ModerationLog(
                        actor=self.moderator,
                        action=ModerationLog.Action.REMOVED,
                        comment_id=comment.pk,
                        member_id=comment.author_id,
                        reason=comment.decision_reason,
                    )
                )
                if rng.random() < 0.3:
                    reports.append(self.report(comment, resolved_at=comment.decided_at))
            elif comment.status == Comment.Status.APPROVED and not comment.deleted_at and rng.random() < REPORTED_SHARE:
                reports.append(self.report(comment, resolved_at=None))
        bulk(Report, reports)
        bulk(ModerationLog, log)

    def report(self, comment, *, resolved_at):
        reporter = next(i for i in self.rng.sample(self.member_ids, 2) if i != comment.author_id)
        return Report(
            comment_id=comment.pk,
            reporter_id=reporter,
            reason=self.rng.choice(Report.Reason.values),
            resolved_at=resolved_at,
        )
