"""
Safeguarding: phrases that can signal a risk to life, and the alert when a comment carries one.

A comment that matches is held as urgent (``Comment.HoldReason.URGENT``): it goes to the top of
the moderation queue, every moderator is emailed at once, and its author is shown the support
contacts kept in ``CommunitySettings``.

Matching thinks in phrases, not words: "bleeding" alone is everyday talk with colitis, "heavy
bleeding" may not be. Text and phrases are read the same way (``words``): case, accents,
punctuation and spacing are ignored, letters typed twice count once ("kil myself"), digits inside
words read as the letters they stand for ("k1ll"), and a long word may be one slip of the keyboard
away ("suicidel"). A phrase word ending in ``*`` matches any word starting so ("suicid*"), and a
phrase may allow a few words in between (``words_between``). A phrase just after "not" or "don't"
doesn't count: "I'm not suicidal".

Nothing about a match is logged or stored but that the comment is urgent: not the phrase, not the text.
"""

import logging
import re
import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

logger = logging.getLogger(__name__)

# Words before a phrase that turn it around ("not suicidal", "no heavy bleeding").
NEGATIONS = {"no", "not", "never", "dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "without", "hardly"}
# Digits typed in place of letters, read only inside words that also have letters ("k1ll", "d3ad").
DIGITS_AS_LETTERS = str.maketrans("013457", "oieast")
# Words at least this long may differ from the phrase's by one slip: a letter missed, added, changed or swapped.
FUZZY_FROM = 6


def words(text, *, stems=False):
    """The text as a list of plain lowercase words, spelt the way matching compares them.

    With ``stems`` (for phrases), a word may end in "*" and each item is (word, is_stem).
    """
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['\u2018\u2019`\u00b4]", "", text)  # straight and curly apostrophes: don't -> dont
    found = []
    for token in re.findall(r"[^\W_]+\*?" if stems else r"[^\W_]+", text):
        stem = token.endswith("*")
        token = token.rstrip("*")
        if not (token.isalpha() or token.isdigit()):
            token = token.translate(DIGITS_AS_LETTERS)
        token = squeeze(token)
        found.append((token, stem) if stems else token)
    return found


def squeeze(word):
    """Letters repeated in a row count once: "kill", "kil" and "killll" read alike."""
    return re.sub(r"(.)\1+", r"\1", word)


def one_slip_apart(a, b):
    """True when b is a, or a with one letter missed, added, changed, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differ) == 1:
            return True
        i = differ[0]
        return len(differ) == 2 and differ[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(shorter)) if shorter[i] != longer[i]), len(shorter))
    return shorter[i:] == longer[i + 1 :]


def word_matches(word, stem, token):
    """Whether a word of the text stands for a word of a phrase."""
    if token == word or (stem and token.startswith(word)):
        return True
    if len(word) < FUZZY_FROM or len(token) < 2:
        return False
    # One slip leaves the first letter in place, or moves it by one: a cheap test that rules out most words.
    if word[0] not in token[:2] and token[0] != word[1] and token[1] != word[1]:
        return False
    if not stem:
        return one_slip_apart(word, token)
    return any(one_slip_apart(word, token[:n]) for n in (len(word) - 1, len(word), len(word) + 1) if n <= len(token))


class Text:
    """A comment's words, read once, then asked about each phrase.

    Each phrase word is compared with each different word of the text once, not at every place the
    text uses it: a long comment repeats its words, and most phrases' first word is nowhere in it.
    """

    def __init__(self, text):
        self.tokens = words(text)
        # Each word run together with the next, for a phrase word written as two ("my self").
        self.pairs = [squeeze(a + b) for a, b in zip(self.tokens, self.tokens[1:], strict=False)]
        self.places = {}
        for i, token in enumerate(self.tokens):
            self.places.setdefault(("one", token), []).append(i)
        for i, pair in enumerate(self.pairs):
            self.places.setdefault(("two", pair), []).append(i)
        self.by_length = {}
        for key in self.places:
            self.by_length.setdefault(len(key[1]), []).append(key)
        self.found = {}

    def where(self, word, stem):
        """Where the word matches: {place: how many of the text's words it may take there, {1}, {2} or {1, 2}}."""
        key = (word, stem)
        if key not in self.found:
            found = {}
            for width, token in self.candidates(word, stem):
                if word_matches(word, stem, token):
                    for i in self.places[width, token]:
                        found.setdefault(i, set()).add(1 if width == "one" else 2)
            self.found[key] = found
        return self.found[key]

    def candidates(self, word, stem):
        """The text's words that could match: only the same word, unless a slip or an ending may differ."""
        if not stem and len(word) < FUZZY_FROM:
            return [key for key in (("one", word), ("two", word)) if key in self.places]
        shortest = len(word) - 1 if len(word) >= FUZZY_FROM else len(word)
        longest = max(self.by_length) if stem else len(word) + 1
        return [key for length in range(shortest, longest + 1) for key in self.by_length.get(length, ())]

    def holds(self, phrase, gap=0):
        """Whether the phrase's words (from ``words(stems=True)``) are here, in order, not just after a negation."""
        if not phrase:
            return False
        starts = set(self.where(*phrase[0]))
        if len(phrase) > 1:  # the phrase's first two words written as one ("selfharm")
            starts |= set(self.where(squeeze(phrase[0][0] + phrase[1][0]), phrase[1][1]))
        return any(
            self.holds_at(phrase, 0, i, gap) and not (i > 0 and self.tokens[i - 1] in NEGATIONS) for i in sorted(starts)
        )

    def holds_at(self, phrase, k, i, gap):
        """Whether the phrase's words from the k-th on are here from the text's i-th word on."""
        steps = [(k + 1, i + taken) for taken in self.where(*phrase[k]).get(i, ())]
        if k + 1 < len(phrase) and i in self.where(squeeze(phrase[k][0] + phrase[k + 1][0]), phrase[k + 1][1]):
            steps.append((k + 2, i + 1))
        for next_k, next_i in steps:
            if next_k == len(phrase):
                return True
            if any(self.holds_at(phrase, next_k, next_i + skipped, gap) for skipped in range(gap + 1)):
                return True
        return False


class SafeguardingPhraseQuerySet(models.QuerySet):
    def first_match(self, text):
        """The first phrase the text holds, or None."""
        text = Text(text)
        if not text.tokens:
            return None
        for phrase in self:
            if text.holds(words(phrase.phrase, stems=True), phrase.words_between):
                return phrase
        return None


class SafeguardingPhrase(models.Model):
    """A phrase that may mean a member's life is at risk: a comment holding it is held as urgent."""

    class Kind(models.TextChoices):
        SELF_HARM = "self_harm", "Self-harm or suicide"
        MEDICAL = "medical", "Medical emergency"

    phrase = models.CharField(
        max_length=100,
        unique=True,
        help_text=(
            "Whole words, in any case, with or without punctuation and accents; one typing slip in a long word "
            "still matches. End a word with * to match any ending: suicid* matches suicide and suicidal. "
            "Prefer phrases to single words: “bleeding” alone is common in colitis, “heavy bleeding” less so."
        ),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    words_between = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(5)],
        help_text="How many other words may come between the phrase's words: 0 for the phrase exactly as written.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list, for other moderators.")

    objects = SafeguardingPhraseQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "phrase"]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        self.phrase = " ".join(self.phrase.split()).lower()
        super().save(*args, **kwargs)


def is_urgent(text):
    """Whether the text holds any phrase on the safeguarding list."""
    return SafeguardingPhrase.objects.first_match(text) is not None


def moderators():
    """Active accounts that may moderate, through their group or their own permission."""
    permission = Permission.objects.filter(content_type__app_label="community", codename="moderate_comment")
    return (
        get_user_model()
        .objects.filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission), is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def alert_moderators(comment):
    """Email every moderator (one email each) that a comment is held as urgent: a link to the queue, no text."""
    from ..notifications import absolute, send

    queue_url = absolute(reverse("community:moderation_queue"))
    sent = 0
    for moderator in moderators().exclude(pk=comment.author_id):
        send(
            moderator,
            "Urgent: a comment may need support",
            "community/email/urgent_hold.txt",
            {"moderator": moderator, "queue_url": queue_url},
            about=f"urgent comment {comment.pk}",
        )
        sent += 1
    logger.info("comment %s held as urgent; %d moderators alerted", comment.pk, sent)
