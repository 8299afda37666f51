"""
Jobs that run outside requests, on Django's Tasks API: the django-tasks
backport on Django 5.2, ``django.tasks`` from Django 6 (only the import
changes).

Every email goes out here. A request renders the message and enqueues it; a
worker (``manage.py db_worker``) sends it. When the mail server refuses, hangs
past ``EMAIL_TIMEOUT`` or drops the connection, the job enqueues itself again
for later, waiting twice as long each time, so an outage of a few hours loses
nothing and no request ever waits on the mail server.

Logs name the job, what the email is about (a comment's or member's id) and
the error's class: never the address, the subject or the body, which SMTP
errors may quote.
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# The first retry a minute after the first failure, each wait twice the last: the eleventh and last
# attempt comes about 17 hours after the first, so a mail server down overnight loses nothing.
MAX_ATTEMPTS = 11
FIRST_RETRY_AFTER = timedelta(minutes=1)


class EmailNotSent(Exception):
    """A job gave up. Its message names the error's class only: the job's record and the log keep it."""


def retry_after(attempt):
    """How long to wait after the given failed attempt (1 for the first) before the next."""
    return FIRST_RETRY_AFTER * 2 ** (attempt - 1)


def refused_for_good(error):
    """The server said this address will never take mail (5xx to every recipient): trying again won't help."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )


@task(takes_context=True)
def send_email(context, *, to, subject, body, about="", attempt=1, headers=None):
    """Send one plain-text email, rendered before it was enqueued; on a mail server fault, try again later.

    ``headers``: extra header lines, such as List-Unsubscribe. Jobs queued before it existed run without.
    """
    job = f"email job {context.task_result.id}" + (f" ({about})" if about else "")
    try:
        EmailMessage(subject, body, None, [to], headers=headers or None).send()
    except OSError as error:  # SMTPException, refused connections and timeouts alike
        failure = error
    except Exception as error:  # a message the mail library can't send will never go: say so, without its text
        logger.error("%s can't be sent: %s", job, type(error).__name__)
        raise EmailNotSent(f"can't be sent: {type(error).__name__}") from None
    else:
        logger.info("%s sent on attempt %d", job, attempt)
        return "sent"
    # Out of the except block, so nothing raised from here on carries the SMTP error (and its address) along.
    kind = type(failure).__name__
    if refused_for_good(failure):
        logger.warning("%s not sent: the mail server refused the address (%s)", job, kind)
        return "refused"
    if attempt >= MAX_ATTEMPTS or not send_email.get_backend().supports_defer:
        logger.error("%s gave up after %d attempts: %s", job, attempt, kind)
        raise EmailNotSent(f"gave up after {attempt} attempts: {kind}")
    wait = retry_after(attempt)
    send_email.using(run_after=timezone.now() + wait).enqueue(
        to=to, subject=subject, body=body, about=about, attempt=attempt + 1, headers=headers
    )
    logger.warning("%s attempt %d failed: %s; trying again in %d min", job, attempt, kind, wait.total_seconds() // 60)
    return "retrying"


def forget_emails_to(addresses):
    """Delete the email jobs, waiting or done, addressed to any of these: they hold the address and the text."""
    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.filter(task_path=f"{__name__}.send_email", args_kwargs__kwargs__to__in=addresses)
    return jobs.delete()[0]


@task()
def email_followers(*, comment_id):
    """Tell the people a newly published comment concerns: a notice on the site for the member replied to and
    each follower of the discussion, then an email to the followers who want one. One job per comment.

    Run as a job because a discussion may have many followers: the request that published the comment only
    enqueues this, in its own transaction. Each email is a job of its own (``send_email``), with its own retries.
    """
    from django.db import transaction

    from .models import Comment, Notification
    from .notifications import notify_followers

    with transaction.atomic():
        comment = Comment.objects.select_related("parent").filter(pk=comment_id).first()
        if comment is None or comment.status != Comment.Status.APPROVED or comment.is_deleted:
            return 0
        Notification.tell_about(comment)
        return notify_followers(comment_id)
