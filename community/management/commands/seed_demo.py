"""
Load the whole demo: the articles (``seed_articles``), three accounts to log
in with (an editor, a moderator and a patient), a few members' comments,
one comment held for the moderation queue, and the patient's My questions.

Safe to run again: whatever already exists is left exactly as it is, and
passwords are printed only when an account is first made.
"""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Contributor
from community.models import Comment, Profile, SavedQuestion, refresh_comment_count

# username, email, display name, group, is_staff, contributor slug
LOGIN_ACCOUNTS = [
    ("editor", "editor@example.org", "Hannah (editor)", "Editors", True, "hannah-okafor"),
    ("moderator", "moderator@example.org", "Morgan (moderator)", "Moderators", True, None),
    ("patient", "patient@example.org", "Jordan", None, False, None),
]
# Members whose comments fill the demo discussion; they have no password to log in with.
VOICES = [("priya", "Priya"), ("tom", "Tom W"), ("ruth", "Ruth"), ("dee", "Dee")]

STOMP2 = "stem-cell-therapy-perianal-fistulas-stomp2"
FATIGUE = "fatigue-and-ibd-what-can-help"
# key, article, author, reply to, body, status, hours after the article was published
COMMENTS = [
    (
        "priya-seton",
        STOMP2,
        "priya",
        None,
        "I've had a seton in for nearly two years and two rounds of biologics. Reading that healing was checked "
        "on MRI as well as by examination makes me take this more seriously than most headlines.",
        "approved",
        20,
    ),
    (
        "tom-reply",
        STOMP2,
        "tom",
        "priya-seton",
        "Same here, Priya. My surgeon once said a fistula can look closed when it isn't, so the MRI part matters. "
        "I'm going to ask about trials at my next appointment.",
        "approved",
        26,
    ),
    (
        "ruth-timeline",
        STOMP2,
        "ruth",
        None,
        "Does anyone know how long regulatory review usually takes? I'm trying not to get my hopes up too early.",
        "approved",
        40,
    ),
    (
        "jordan-reply",
        STOMP2,
        "patient",
        "ruth-timeline",
        "It often takes a year or more after the submission, and sometimes more studies are asked for. The "
        "article's section on managing expectations helped me think about it.",
        "approved",
        44,
    ),
    (
        "dee-first",
        STOMP2,
        "dee",
        None,
        "Has anyone asked their IBD nurse whether this would be offered on the NHS? I had no idea trials like this "
        "were happening.",
        "pending",
        70,
    ),
    (
        "ruth-fatigue",
        FATIGUE,
        "ruth",
        None,
        "My iron was low for months before anyone checked. After an infusion the tiredness eased a lot. Worth asking "
        "for a blood test if you haven't had one in a while.",
        "approved",
        30,
    ),
]

# The patient's My questions: (article slug, the question's place in the article), or their own words.
MY_QUESTIONS = [
    (FATIGUE, 0),
    (STOMP2, 0),
    (None, "My last flare started after a course of antibiotics. Should I take anything alongside them next time?"),
    (FATIGUE, 1),
]


class Command(BaseCommand):
    help = "Load the demo articles, accounts and discussion. Running it again changes nothing."

    def handle(self, *args, **options):
        call_command("seed_articles", stdout=self.stdout)
        users = {}
        for username, email, display_name, group, is_staff, contributor in LOGIN_ACCOUNTS:
            users[username] = self.ensure_account(username, email, display_name, group, is_staff, contributor)
        for username, display_name in VOICES:
            users[username] = self.ensure_voice(username, display_name)
        self.ensure_comments(users)
        self.ensure_my_questions(users["patient"])

    def ensure_account(self, username, email, display_name, group_name, is_staff, contributor_slug):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user:
            self.stdout.write(f"Account already present: {username} (password unchanged)")
            return user
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password, is_staff=is_staff)
            Profile.objects.create(user=user, display_name=display_name, email_confirmed_at=timezone.now())
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            if contributor_slug:
                Contributor.objects.filter(slug=contributor_slug, user__isnull=True).update(user=user)
        self.stdout.write(
            self.style.SUCCESS(f"Added account {username!r} ({email}) with password {password!r} (shown once)")
        )
        return user

    def ensure_voice(self, username, display_name):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=f"demo-{username}")
        if created:
            user.set_unusable_password()
            user.save()
            Profile.objects.create(user=user, display_name=display_name, email_confirmed_at=timezone.now())
        return user

    @transaction.atomic
    def ensure_comments(self, users):
        articles = {a.slug: a for a in Article.objects.filter(slug__in={c[1] for c in COMMENTS})}
        made = {}
        for key, slug, author, reply_to, body, status, hours in COMMENTS:
            article = articles[slug]
            parent = made.get(reply_to)
            comment, _ = Comment.objects.get_or_create(
                article=article,
                author=users[author],
                body=body,
                defaults={
                    "parent": parent,
                    "thread": (parent.thread or parent) if parent else None,
                    "status": status,
                    "hold_reason": Comment.HoldReason.NEW_MEMBER if status == "pending" else "",
                    "created_at": min(published(article) + timedelta(hours=hours), timezone.now()),
                },
            )
            made[key] = comment
        for article in articles.values():
            refresh_comment_count(article.pk)
        pending = Comment.objects.filter(status=Comment.Status.PENDING).count()
        self.stdout.write(f"Demo discussion ready; {pending} comment(s) wait in the moderation queue.")

    @transaction.atomic
    def ensure_my_questions(self, user):
        """A list to show on /my-questions/, made once: a list the member has changed is left alone."""
        if user.saved_questions.exists():
            return
        questions = {
            (q.article.slug, index): q
            for article in Article.objects.filter(slug__in={FATIGUE, STOMP2}).prefetch_related("questions")
            for index, q in enumerate(article.questions.all())
        }
        for position, (slug, which) in enumerate(MY_QUESTIONS):
            if slug is None:
                SavedQuestion.objects.create(user=user, text=which, is_own=True, position=position)
                continue
            question = questions[(slug, which)]
            SavedQuestion.objects.create(
                user=user,
                question=question,
                article=question.article,
                article_headline=question.article.headline,
                text=question.text,
                position=position,
            )
        self.stdout.write(f"Demo My questions ready: {len(MY_QUESTIONS)} saved for {user.username}.")


def published(article) -> datetime:
    return article.published_at or timezone.now()
