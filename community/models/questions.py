"""
My questions: a reader's own list of questions to take to their next appointment.

Questions come from any published article's "Questions for your healthcare
team", or the reader writes their own. A member's list lives in the database
(``SavedQuestion``); a reader without an account keeps theirs in the session
(``SessionQuestions``), and it joins their account when they log in. Both
lists answer to the same methods, so views never ask which one they hold.

A list is only ever found through ``request.user`` or ``request.session``:
no address carries an owner, and an item id from anyone else's list is simply
not found. Nothing here is shown to other people, so nothing here clears the
cached pages; what a member saves or removes moves their own parts of the
page instead (the "Saved" marks, community.models.own_parts).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article, Question

from .own_parts import own_parts_changed

MAX_QUESTIONS = 50
OWN_QUESTION_MAX_LENGTH = 300
SESSION_KEY = "my_questions"


class ListFull(Exception):
    """The list already holds MAX_QUESTIONS."""


class AlreadySaved(Exception):
    """The question is already in the list."""


def saveable_questions():
    """Questions readers may save: those of published articles, with their article for the list."""
    published = Article.objects.published()
    return Question.objects.filter(article__in=published).select_related("article")


def same_text(text):
    """How own questions are told apart: a question typed twice with other capitals is the same question."""
    return " ".join(text.split()).casefold()


class SavedQuestionQuerySet(models.QuerySet):
    def for_list(self):
        """Everything the list and print pages show, in one query."""
        return self.select_related("question", "article").order_by("position", "id")


class SavedQuestion(models.Model):
    """One question in a member's list: from an article, or the member's own."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_questions")
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the member's own questions, or if editors removed the question from its article.",
    )
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The article the question came from; kept if editors remove the question itself.",
    )
    article_headline = models.CharField(
        max_length=200, blank=True, help_text="A copy, so the list still says where a question came from."
    )
    text = models.CharField(
        max_length=400, help_text="The question as saved: a copy of the article's, or the member's own words."
    )
    is_own = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)

    objects = SavedQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["user", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], condition=Q(question__isnull=False), name="saved_question_once_per_member"
            ),
            models.UniqueConstraint(
                "user", Lower("text"), condition=Q(is_own=True), name="own_question_once_per_member"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def current_text(self):
        """The article's question as it reads now (editors may have corrected it), else the saved copy."""
        return self.question.text if self.question else self.text

    @property
    def headline(self):
        return self.article.headline if self.article else self.article_headline

    @property
    def article_url(self):
        """The article's address while readers can see it; None once it is gone or unpublished."""
        if self.article and self.article.is_published():
            return self.article.get_absolute_url()
        return None


class MemberQuestions:
    """A member's list, in the database."""

    def __init__(self, user):
        self.user = user

    def items(self):
        return list(self.user.saved_questions.for_list())

    def __len__(self):
        return self.user.saved_questions.count()

    def saved_question_ids(self):
        return set(self.user.saved_questions.filter(question__isnull=False).values_list("question_id", flat=True))

    def has_own(self, text):
        return any(same_text(t) == same_text(text) for t in self._own_texts())

    def _own_texts(self):
        return self.user.saved_questions.filter(is_own=True).values_list("text", flat=True)

    def save_question(self, question):
        if self.user.saved_questions.filter(question=question).exists():
            raise AlreadySaved
        self._add(
            question=question, article=question.article, article_headline=question.article.headline, text=question.text
        )

    def add_own(self, text):
        if self.has_own(text):
            raise AlreadySaved
        self._add(text=text, is_own=True)

    @transaction.atomic
    def _add(self, **fields):
        # Lock the member's rows (PostgreSQL refuses FOR UPDATE with COUNT or MAX, so read the positions).
        positions = list(self.user.saved_questions.select_for_update().values_list("position", flat=True))
        if len(positions) >= MAX_QUESTIONS:
            raise ListFull
        last = max(positions, default=None)
        try:
            with transaction.atomic():
                SavedQuestion.objects.create(user=self.user, position=0 if last is None else last + 1, **fields)
        except IntegrityError:  # saved a moment ago, from another tab
            raise AlreadySaved from None
        own_parts_changed(self.user.pk)

    def remove(self, item_id):
        """Remove one of the member's items. False if the member has no such item."""
        deleted, _ = self.user.saved_questions.filter(pk=item_id).delete()
        if deleted:
            own_parts_changed(self.user.pk)
        return bool(deleted)

    @transaction.atomic
    def move(self, item_id, step):
        """Swap an item with its neighbour (step -1 up, +1 down). False if the member has no such item."""
        items = list(self.user.saved_questions.select_for_update().order_by("position", "id"))
        index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
        if index is None:
            return False
        other = index + step
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            for position, item in enumerate(items):
                item.position = position
            SavedQuestion.objects.bulk_update(items, ["position"])
        return True

    def merge(self, session_questions):
        """Add a reader's session list to the end of this list, in its order, skipping what is already here."""
        with transaction.atomic():
            existing = self.items()
            question_ids = {item.question_id for item in existing if item.question_id}
            own = {same_text(item.text) for item in existing if item.is_own}
            position = existing[-1].position + 1 if existing else 0
            new = []
            for item in session_questions.items():
                if len(existing) + len(new) >= MAX_QUESTIONS:
                    break
                if item.question_id in question_ids or (item.is_own and same_text(item.text) in own):
                    continue
                item.pk, item.user, item.position = None, self.user, position
                new.append(item)
                position += 1
                question_ids.add(item.question_id)
                if item.is_own:
                    own.add(same_text(item.text))
            SavedQuestion.objects.bulk_create(new)
            if new:
                own_parts_changed(self.user.pk)
        return len(new)


class SessionQuestions:
    """A signed-out reader's list, in their session: question ids and own texts, with an id for each item.

    Items read as unsaved SavedQuestion objects, so pages show both kinds of list alike. A question whose
    article is no longer published drops out of the list when it is next read.
    """

    def __init__(self, session):
        self.session = session

    @property
    def _stored(self):
        return self.session.get(SESSION_KEY, {"next_id": 1, "items": []})

    def _store(self, stored):
        self.session[SESSION_KEY] = stored

    def items(self):
        stored = self._stored["items"]
        ids = [entry["question"] for entry in stored if "question" in entry]
        questions = saveable_questions().in_bulk(ids) if ids else {}
        items = []
        for position, entry in enumerate(stored):
            if "question" in entry:
                question = questions.get(entry["question"])
                if question is None:
                    continue
                item = SavedQuestion(
                    question=question,
                    article=question.article,
                    article_headline=question.article.headline,
                    text=question.text,
                )
            else:
                item = SavedQuestion(text=entry["text"], is_own=True)
            item.pk, item.position = entry["id"], position
            items.append(item)
        return items

    def __len__(self):
        return len(self._stored["items"])

    def saved_question_ids(self):
        return {entry["question"] for entry in self._stored["items"] if "question" in entry}

    def has_own(self, text):
        return any(same_text(entry.get("text", "")) == same_text(text) for entry in self._stored["items"])

    def save_question(self, question):
        if question.pk in self.saved_question_ids():
            raise AlreadySaved
        self._add({"question": question.pk})

    def add_own(self, text):
        if self.has_own(text):
            raise AlreadySaved
        self._add({"text": text})

    def _add(self, entry):
        stored = self._stored
        if len(stored["items"]) >= MAX_QUESTIONS:
            raise ListFull
        stored["items"].append({"id": stored["next_id"], **entry})
        stored["next_id"] += 1
        self._store(stored)

    def remove(self, item_id):
        stored = self._stored
        kept = [entry for entry in stored["items"] if entry["id"] != item_id]
        if len(kept) == len(stored["items"]):
            return False
        stored["items"] = kept
        self._store(stored)
        return True

    def move(self, item_id, step):
        stored = self._stored
        entries = stored["items"]
        index = next((i for i, entry in enumerate(entries) if entry["id"] == item_id), None)
        if index is None:
            return False
        other = index + step
        if 0 <= other < len(entries):
            entries[index], entries[other] = entries[other], entries[index]
            self._store(stored)
        return True

    def clear(self):
        self.session.pop(SESSION_KEY, None)


def questions_for(request):
    """The visitor's own list: the member's, or the session's. There is no other way to reach a list."""
    if request.user.is_authenticated:
        return MemberQuestions(request.user)
    return SessionQuestions(request.session)


@receiver(user_logged_in, dispatch_uid="community.merge_my_questions")
def merge_session_questions(sender, request, user, **kwargs):
    """Questions saved before logging in join the account, after those already there."""
    if request is None or not hasattr(request, "session"):
        return
    session_questions = SessionQuestions(request.session)
    if len(session_questions):
        MemberQuestions(user).merge(session_questions)
        session_questions.clear()
