"""
Email updates by topic: who asked for news of which topics, and which articles each has been sent.

Anyone may subscribe with an address alone; a member's subscription hangs on
their account and goes to the address they log in with. Nothing is sent until
the address is confirmed by a link that expires, and one address asking again
changes nothing until the new link is followed. Each (subscriber, article)
pair is recorded when its email is queued, under a unique constraint, so an
article re-saved, re-published or announced by two timers at once still goes
to each subscriber once.

Links name no address: the unsubscribe link carries a random secret kept on
the row, the confirmation link a signed, dated token of the row's id, the
topics asked for and a hash of the row's state.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from articles.models import Article, Topic

SUBSCRIBE_SALT = "community.updates.confirm"
SUBSCRIBE_MAX_AGE = timedelta(days=3)
# Articles older than this are never announced: not to someone who confirms today, nor when the feature starts.
ANNOUNCE_WITHIN = timedelta(days=8)
# A second weekly run within this time sends no second digest.
DIGEST_INTERVAL = timedelta(days=6)


def new_secret():
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Those who may be sent updates: confirmed and, for members, still active with a confirmed address."""
        return self.filter(confirmed_at__isnull=False).filter(
            Q(user__isnull=True) | Q(user__is_active=True, user__profile__email_confirmed_at__isnull=False)
        )

    def never_confirmed(self, now=None):
        """Readers' addresses whose link expired unused: kept no longer than the link worked."""
        cutoff = (now or timezone.now()) - SUBSCRIBE_MAX_AGE
        return self.filter(
            user__isnull=True, confirmed_at__isnull=True, unsubscribed_at__isnull=True, last_asked_at__lt=cutoff
        )

    def for_topic(self, topic):
        return self.filter(Q(all_topics=True) | Q(topics=topic)).distinct()


class Subscriber(models.Model):
    """An address that asked for email about new articles, with its topics and how often."""

    class Frequency(models.TextChoices):
        EACH_ARTICLE = "each", "An email for each new article"
        WEEKLY = "weekly", "One email a week with the new articles"

    email = models.EmailField(blank=True, help_text="A reader's address. Empty for a member: theirs is on the account.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="topic_updates",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers")
    all_topics = models.BooleanField(default=False, help_text="Every topic, including ones added later.")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.EACH_ARTICLE)
    secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_asked_at = models.DateTimeField(default=timezone.now, help_text="When a confirmation link was last sent.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=Q(user__isnull=True), name="one_reader_subscriber_per_address"
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(email=""), name="subscriber_has_an_address"),
        ]

    def __str__(self):
        return f"Subscriber {self.pk}"

    @property
    def address(self):
        return self.user.email if self.user_id else self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def topic_names(self):
        return "every topic" if self.all_topics else ", ".join(t.name for t in self.topics.all()) or "no topics"

    def get_unsubscribe_url(self):
        return reverse("community:unsubscribe", kwargs={"secret": self.secret})

    # Confirming: the link carries what was asked for, and changes nothing until it is followed.

    def _link_state(self):
        stamps = (self.confirmed_at, self.unsubscribed_at)
        return "|".join([self.secret, *(stamp.isoformat() if stamp else "" for stamp in stamps)])

    def _state_hash(self):
        return salted_hmac(SUBSCRIBE_SALT, self._link_state(), algorithm="sha256").hexdigest()[:32]

    def make_confirmation_token(self, *, topic=None, frequency=Frequency.EACH_ARTICLE):
        """Good for 3 days; stops working once the subscriber unsubscribes. ``topic`` None asks for all."""
        return signing.dumps([self.pk, self._state_hash(), topic.pk if topic else 0, frequency], salt=SUBSCRIBE_SALT)

    @classmethod
    def from_confirmation_token(cls, token):
        """(subscriber, topic or None for all, frequency) a token asks for; None if it is no good."""
        try:
            data = signing.loads(token[:500], salt=SUBSCRIBE_SALT, max_age=SUBSCRIBE_MAX_AGE)
        except signing.BadSignature:
            return None
        if not (isinstance(data, list) and len(data) == 4 and all(type(data[i]) is int for i in (0, 2))):
            return None
        pk, state_hash, topic_id, frequency = data
        subscriber = cls.objects.filter(pk=pk).first()
        if subscriber is None or not constant_time_compare(str(state_hash), subscriber._state_hash()):
            return None
        if frequency not in cls.Frequency.values:
            return None
        topic = Topic.objects.filter(pk=topic_id).first() if topic_id else None
        if topic_id and topic is None:
            return None
        return subscriber, topic, frequency

    def confirm(self, *, topic, frequency):
        """Follow the link: start sending, for the topic asked for (added to any already chosen)."""
        if topic is None:
            self.all_topics = True
        else:
            self.topics.add(topic)
        self.frequency = frequency
        if self.confirmed_at is None:
            self.confirmed_at = timezone.now()
        self.unsubscribed_at = None
        self.save(update_fields=["all_topics", "frequency", "confirmed_at", "unsubscribed_at"])

    def unsubscribe(self):
        """Stop every email at once. Links sent before no longer confirm anything."""
        self.topics.clear()
        self.all_topics = False
        self.confirmed_at = None
        self.unsubscribed_at = timezone.now()
        self.save(update_fields=["all_topics", "confirmed_at", "unsubscribed_at"])

    # What to send.

    def articles_due(self, now=None):
        """Published articles in this subscriber's topics, since they confirmed, not yet sent to them."""
        now = now or timezone.now()
        since = max(self.confirmed_at, now - ANNOUNCE_WITHIN)
        articles = Article.objects.published().filter(published_at__gte=since).exclude(announcements__subscriber=self)
        if not self.all_topics:
            articles = articles.filter(topic__in=self.topics.all())
        return articles.select_related("topic").order_by("published_at", "id")

    def export(self):
        return {
            "topics": self.topic_names(),
            "frequency": self.get_frequency_display(),
            "confirmed_at": self.confirmed_at,
            "subscribed_at": self.created_at,
        }


class ArticleAnnouncement(models.Model):
    """One article queued to one subscriber, alone or in a digest: never twice."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="announcements")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="announcements")
    in_digest = models.BooleanField(default=False)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "article"], name="one_announcement_per_subscriber"),
        ]

    def __str__(self):
        return f"Article {self.article_id} to subscriber {self.subscriber_id}"


class TopicSubscriberCount(Topic):
    """Topics as editors see them in admin under email updates: a count of confirmed subscribers, no addresses."""

    class Meta:
        proxy = True
        verbose_name = "subscriber count by topic"
        verbose_name_plural = "subscriber counts by topic"


class ArticleEmailPreview(Article):
    """Articles as editors see them in admin under email updates: the email subscribers will get."""

    class Meta:
        proxy = True
        verbose_name = "article email preview"
        verbose_name_plural = "article email previews"
