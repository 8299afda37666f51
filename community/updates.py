"""
Email updates by topic: the emails, and the run that finds what to send.

Articles may be scheduled, so no save happens when one goes live: instead
``manage.py send_digests`` runs from a timer every few minutes
(docs/deploy.md). It asks each confirmed subscriber's ``articles_due()``, and
for every article found records an ArticleAnnouncement and queues the email
in one transaction (one unique row per subscriber and article), so whatever
runs twice, an email goes once. Weekly subscribers wait for the weekly run
(``--weekly``), which sends them one digest of everything new.

Each email is plain text with the headline, the evidence stage in words and
the key points, links to this site only (built from SITE_URL), and the
one-click unsubscribe headers of RFC 8058. Logs name subscribers and articles
by id, never by address.
"""

import logging

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import ArticleAnnouncement, Subscriber
from .models.updates import DIGEST_INTERVAL
from .notifications import absolute, send_to_address

logger = logging.getLogger(__name__)


def unsubscribe_headers(subscriber):
    """RFC 8058: a mail client's "unsubscribe" button POSTs to this address, and it takes effect at once."""
    return {
        "List-Unsubscribe": f"<{absolute(subscriber.get_unsubscribe_url())}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def article_context(article):
    """What an email says of one article: headline, the stage of the evidence in words, key points, link."""
    return {
        "article": article,
        "evidence": article.evidence,
        "key_points": article.standfirst,
        "article_url": absolute(article.get_absolute_url()),
        "topic_url": absolute(article.topic.get_absolute_url()),
    }


def subscriber_context(subscriber):
    manage = reverse("community:manage_updates") if subscriber.user_id else reverse("community:subscribe")
    return {
        "unsubscribe_url": absolute(subscriber.get_unsubscribe_url()),
        "manage_url": absolute(manage),
        "topics": subscriber.topic_names(),
    }


def render_article_email(article, subscriber=None):
    """(subject, body) of the email for one article; without a subscriber, as an editor's preview shows it."""
    item = article_context(article)
    context = {"item": item, **item}
    if subscriber is None:
        example = Subscriber(secret="example")
        context |= {"unsubscribe_url": absolute(example.get_unsubscribe_url()), "manage_url": "", "topics": "(example)"}
    else:
        context |= subscriber_context(subscriber)
    body = render_to_string("community/email/topic_update.txt", context)
    return f"New on IBD Movement: {article.headline}", body


def send_confirmation(subscriber, *, topic, frequency):
    token = subscriber.make_confirmation_token(topic=topic, frequency=frequency)
    context = {
        "topic": topic,
        "frequency": Subscriber.Frequency(frequency).label,
        "confirm_url": absolute(reverse("community:confirm_updates", kwargs={"token": token})),
    }
    subject = "Confirm your email updates from IBD Movement"
    send_to_address(
        subscriber.address, subject, "community/email/updates_confirm.txt", context, about=f"subscriber {subscriber.pk}"
    )
    logger.info("update confirmation queued for subscriber %s", subscriber.pk)


def record(subscriber, articles, *, in_digest):
    """Claim these articles for this subscriber; the ones another run claimed first are left out."""
    claimed = []
    for article in articles:
        try:
            with transaction.atomic():
                ArticleAnnouncement.objects.create(subscriber=subscriber, article=article, in_digest=in_digest)
        except IntegrityError:
            continue
        claimed.append(article)
    return claimed


@transaction.atomic
def announce_to(subscriber, now=None):
    """Queue one email per new article to a subscriber who wants each one; how many."""
    sent = 0
    for article in record(subscriber, subscriber.articles_due(now), in_digest=False):
        subject, body = render_article_email(article, subscriber)
        send_body(subscriber, subject, body, about=f"article {article.pk} to subscriber {subscriber.pk}")
        sent += 1
    return sent


@transaction.atomic
def send_digest_to(subscriber, now=None):
    """Queue one email with every new article for a weekly subscriber; True if there was anything to send."""
    now = now or timezone.now()
    articles = record(subscriber, subscriber.articles_due(now), in_digest=True)
    Subscriber.objects.filter(pk=subscriber.pk).update(last_digest_at=now)
    if not articles:
        return False
    context = {"articles": [article_context(article) for article in articles], **subscriber_context(subscriber)}
    body = render_to_string("community/email/topic_digest.txt", context)
    count = len(articles)
    subject = f"This week on IBD Movement: {count} new article{'s' if count > 1 else ''}"
    send_body(subscriber, subject, body, about=f"digest to subscriber {subscriber.pk}")
    return True


def send_body(subscriber, subject, body, *, about):
    # send_to_address renders a template; these emails are rendered already, so pass the text through.
    send_to_address(
        subscriber.address,
        subject,
        "community/email/rendered.txt",
        {"body": body},
        about=about,
        headers=unsubscribe_headers(subscriber),
    )


@transaction.atomic
def forget_subscriber(subscriber):
    """Delete a subscriber, what they were sent, and their emails on the job queue, waiting or done."""
    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.filter(
        task_path="community.tasks.send_email",
        args_kwargs__kwargs__to=subscriber.address,
        args_kwargs__kwargs__about__regex=rf"(^| )subscriber {subscriber.pk}$",
    )
    jobs.delete()
    subscriber.delete()


def announce_new_articles(now=None):
    """Every per-article email due now; returns how many were queued."""
    subscribers = Subscriber.objects.confirmed().filter(frequency=Subscriber.Frequency.EACH_ARTICLE)
    sent = sum(announce_to(subscriber, now) for subscriber in subscribers.select_related("user"))
    logger.info("topic updates: %d article emails queued", sent)
    return sent


def send_weekly_digests(now=None):
    """A digest to every weekly subscriber with something new who had none in the last six days."""
    now = now or timezone.now()
    subscribers = (
        Subscriber.objects.confirmed()
        .filter(frequency=Subscriber.Frequency.WEEKLY)
        .exclude(last_digest_at__gt=now - DIGEST_INTERVAL)
        .select_related("user")
    )
    sent = sum(send_digest_to(subscriber, now) for subscriber in subscribers)
    logger.info("topic updates: %d weekly digests queued", sent)
    return sent
