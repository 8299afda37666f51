"""
Email on the real job queue: requests enqueue, the worker (``manage.py
db_worker``) sends through a real SMTP server that these tests start
(aiosmtpd), and while that server refuses, hangs or is down, requests still
answer at once, nothing is lost and no log line carries an address.

These tests commit (transactional_db), as production does: an email's job
is saved in the request's own transaction, and the worker, in this process
or in its own, reads the same test database.
"""

import io
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from community import notifications, tasks
from community.models import Comment, Profile

ROOT = Path(__file__).resolve().parent.parent
EMAIL_TIMEOUT = 2

# serialized_rollback keeps the topics and groups that data migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# A mail server, and the ways it fails ------------------------------------------------


class Inbox:
    """aiosmtpd handler: keeps what it's given, or answers each recipient with ``rcpt_reply``."""

    def __init__(self):
        self.messages = []
        self.rcpt_reply = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def subjects_for(self, address):
        return [
            line.removeprefix("Subject: ")
            for envelope in self.messages
            if address in envelope.rcpt_tos
            for line in envelope.content.decode().splitlines()
            if line.startswith("Subject: ")
        ]


class MailServer:
    """A real SMTP server on the port the site sends to, started and stopped as a test needs."""

    def __init__(self, port):
        self.port = port
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def queue(settings):
    """The real queue: each email is a row in the database until a worker sends it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def smtp_port(settings, queue):
    """The site sends by SMTP to this port, where nothing listens until a test starts something."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = EMAIL_TIMEOUT
    return port


@pytest.fixture
def mail_server(smtp_port):
    server = MailServer(smtp_port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hanging_mail_server(smtp_port):
    """Accepts connections and never says a word: the kernel completes the handshake, nobody answers."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", smtp_port))
        listener.listen(8)
        yield listener


def run_worker():
    """The real worker, in this process, until no job is due: ``manage.py db_worker --batch``."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
        )
    finally:  # the worker takes over Ctrl-C for a clean stop; give it back to pytest
        for number, handler in handlers.items():
            signal.signal(number, handler)


def email_jobs(**filters):
    return list(DBTaskResult.objects.filter(task_path="community.tasks.send_email", **filters).order_by("enqueued_at"))


def waiting_jobs():
    return email_jobs(status=TaskResultStatus.READY)


def site_log(caplog):
    """What the site logged, tracebacks included; the test SMTP server's own log ("mail.log") left out."""
    return "\n".join(caplog.handler.format(record) for record in caplog.records if record.name != "mail.log")


def time_passes():
    """Each job waiting to retry comes due, as it would a few minutes later."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


# The cast ------------------------------------------------------------------------------


SIGNUP = {
    "email": "rosa@example.org",
    "display_name": "Rosa",
    "password1": "plum-harbour-lantern-42",
    "password2": "plum-harbour-lantern-42",
    "website": "",
}


@pytest.fixture
def article(make_article):
    return make_article(headline="Trial finds a new injection eases colitis")


@pytest.fixture
def held_comment(article, member, make_comment):
    return make_comment(article, member, "Has anyone tried this?", status=Comment.Status.PENDING)


def approve(client, moderator, comment):
    client.force_login(moderator)
    return client.post(reverse("community:moderate_comment", args=[comment.pk]), {"decision": "approve"})


def reply(client, author, parent, make_comment):
    make_comment(parent.article, author, "An earlier comment, so the next shows at once.")
    client.force_login(author)
    data = {"body": "Yes, it helped me.", "parent": parent.pk}
    return client.post(reverse("community:post_comment", args=[parent.article.slug]), data)


# Delivery -------------------------------------------------------------------------------


class TestDelivery:
    def test_a_sign_up_is_answered_before_its_email_goes_and_the_worker_delivers_it(self, client, mail_server):
        response = client.post(reverse("community:signup"), SIGNUP)

        assert response.status_code == 302
        assert mail_server.inbox.messages == []
        [job] = waiting_jobs()
        assert job.args_kwargs["kwargs"]["to"] == "rosa@example.org"

        run_worker()

        assert mail_server.inbox.subjects_for("rosa@example.org") == ["Confirm your email address for IBD Movement"]
        assert email_jobs(status=TaskResultStatus.SUCCESSFUL)[0].return_value == "sent"

    def test_the_delivered_link_confirms_the_address(self, client, mail_server):
        client.post(reverse("community:signup"), SIGNUP)
        run_worker()

        body = mail_server.inbox.messages[0].content.decode()
        path = "/account/confirm/" + body.split("/account/confirm/")[1].split("/")[0] + "/"
        client.get(path)

        assert Profile.objects.get(user__email="rosa@example.org").is_confirmed

    def test_a_password_reset_is_enqueued_and_delivered(self, client, member, mail_server):
        response = client.post(reverse("community:password_reset"), {"email": member.email})

        assert response["Location"] == reverse("community:password_reset_done")
        assert mail_server.inbox.messages == []
        run_worker()
        assert mail_server.inbox.subjects_for(member.email) == ["Reset your IBD Movement password"]

    def test_a_decision_and_a_reply_are_delivered(
        self, client, held_comment, member, second_member, moderator, make_comment, mail_server
    ):
        approve(client, moderator, held_comment)
        reply(client, second_member, held_comment, make_comment)
        run_worker()

        assert sorted(mail_server.inbox.subjects_for(member.email)) == [
            "New reply to your comment on IBD Movement",
            "Your comment is now published",
        ]

    def test_a_rolled_back_transaction_sends_nothing(self, member, queue):
        context = {"profile": member.profile}
        with pytest.raises(RuntimeError), transaction.atomic():
            notifications.send(member, "Rolled back", "community/email/confirm_email.txt", context)
            raise RuntimeError("the request failed after it asked for the email")
        with transaction.atomic():
            notifications.send(member, "Committed", "community/email/confirm_email.txt", context)

        run_worker()
        assert [email.subject for email in mail.outbox] == ["Committed"]


# A mail server that refuses connections ---------------------------------------------------


class TestMailServerRefusing:
    def test_a_moderators_approve_answers_a_redirect_and_is_saved(self, client, held_comment, moderator, smtp_port):
        response = approve(client, moderator, held_comment)

        assert response.status_code == 302
        held_comment.refresh_from_db()
        assert held_comment.status == Comment.Status.APPROVED
        assert len(waiting_jobs()) == 1

    def test_a_reply_answers_a_redirect_and_is_saved(
        self, client, article, member, second_member, make_comment, smtp_port
    ):
        parent = make_comment(article, member, "Has anyone tried this?")

        response = reply(client, second_member, parent, make_comment)

        assert response.status_code == 302
        assert Comment.objects.filter(parent=parent, status=Comment.Status.APPROVED).count() == 1
        assert len(waiting_jobs()) == 1

    def test_the_worker_tries_again_later_and_logs_no_address(
        self, client, held_comment, member, moderator, smtp_port, caplog
    ):
        approve(client, moderator, held_comment)
        before = timezone.now()

        run_worker()

        [first] = email_jobs(status=TaskResultStatus.SUCCESSFUL)
        assert first.return_value == "retrying"
        [retry] = waiting_jobs()
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after >= before + tasks.retry_after(1)
        assert f"decision on comment {held_comment.pk}) attempt 1 failed: ConnectionRefusedError" in site_log(caplog)
        assert member.email not in site_log(caplog)
        assert "example.org" not in site_log(caplog)

    def test_a_server_refusing_the_recipient_puts_the_address_in_no_log_line(
        self, client, held_comment, member, moderator, smtp_port, caplog
    ):
        mail_server = MailServer(smtp_port)
        mail_server.inbox.rcpt_reply = "450 Mailbox busy, try later"  # SMTPRecipientsRefused quotes the address
        mail_server.start()
        try:
            response = approve(client, moderator, held_comment)
            run_worker()
        finally:
            mail_server.stop()

        assert response.status_code == 302
        assert "attempt 1 failed: SMTPRecipientsRefused" in site_log(caplog)
        assert member.email not in site_log(caplog)
        assert len(waiting_jobs()) == 1

    def test_each_retry_waits_twice_as_long_as_the_last(self):
        waits = [tasks.retry_after(attempt).total_seconds() for attempt in range(1, tasks.MAX_ATTEMPTS)]

        assert waits[:3] == [60, 120, 240]
        assert 12 * 3600 < sum(waits) < 24 * 3600

    def test_after_the_last_attempt_the_job_fails_without_the_address_in_its_record(
        self, client, member, smtp_port, caplog
    ):
        mail_server = MailServer(smtp_port)
        mail_server.inbox.rcpt_reply = "450 Mailbox busy, try later"  # SMTPRecipientsRefused quotes the address
        mail_server.start()
        try:
            tasks.send_email.enqueue(
                to=member.email, subject="Hello", body="Hi Maya", about="test", attempt=tasks.MAX_ATTEMPTS
            )
            run_worker()
        finally:
            mail_server.stop()

        [job] = email_jobs(status=TaskResultStatus.FAILED)
        assert job.exception_class_path == "community.tasks.EmailNotSent"
        assert "SMTPRecipientsRefused" in job.traceback
        assert member.email not in job.traceback
        assert waiting_jobs() == []
        assert f"gave up after {tasks.MAX_ATTEMPTS} attempts: SMTPRecipientsRefused" in site_log(caplog)
        assert member.email not in site_log(caplog)

    def test_an_address_refused_for_good_is_not_tried_again(self, member, smtp_port, caplog):
        mail_server = MailServer(smtp_port)
        mail_server.inbox.rcpt_reply = "550 No such user here"
        mail_server.start()
        try:
            tasks.send_email.enqueue(to=member.email, subject="Hello", body="Hi Maya", about="test")
            run_worker()
        finally:
            mail_server.stop()

        [job] = email_jobs()
        assert job.return_value == "refused"
        assert waiting_jobs() == []
        assert member.email not in site_log(caplog)


# A mail server that accepts the connection and never answers -------------------------------


class TestMailServerHanging:
    def test_sign_up_answers_at_once_and_says_to_check_your_email(self, client, hanging_mail_server):
        started = time.monotonic()
        response = client.post(reverse("community:signup"), SIGNUP, follow=True)

        assert time.monotonic() - started < EMAIL_TIMEOUT / 2
        content = response.content.decode()
        assert "Check your email" in content
        assert "couldn&#x27;t send" not in content
        assert len(waiting_jobs()) == 1

    def test_resend_answers_at_once_and_says_a_link_is_on_its_way(
        self, client, unconfirmed_member, hanging_mail_server
    ):
        client.force_login(unconfirmed_member)
        started = time.monotonic()
        response = client.post(reverse("community:resend_confirmation"), follow=True)

        assert time.monotonic() - started < EMAIL_TIMEOUT / 2
        assert "We&#x27;ve sent a new link" in response.content.decode()

    def test_the_worker_gives_up_within_the_timeout_and_tries_again_later(self, client, hanging_mail_server, caplog):
        client.post(reverse("community:signup"), SIGNUP)

        started = time.monotonic()
        run_worker()

        assert time.monotonic() - started < EMAIL_TIMEOUT + 2
        [retry] = waiting_jobs()
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after > timezone.now()
        assert "attempt 1 failed: SMTPServerDisconnected" in site_log(caplog)
        assert "rosa@example.org" not in site_log(caplog)


# A mail server that was down and comes back --------------------------------------------------


class TestMailServerComingBack:
    def test_mail_sent_while_it_was_down_arrives_once_it_is_back(
        self, client, held_comment, member, moderator, smtp_port
    ):
        approve(client, moderator, held_comment)
        run_worker()  # the server is down: the email waits to retry
        assert len(waiting_jobs()) == 1

        mail_server = MailServer(smtp_port)
        mail_server.start()
        try:
            run_worker()  # not yet due: nothing is sent early
            assert mail_server.inbox.messages == []
            time_passes()
            run_worker()
        finally:
            mail_server.stop()

        assert mail_server.inbox.subjects_for(member.email) == ["Your comment is now published"]
        assert waiting_jobs() == []
        assert [job.return_value for job in email_jobs()] == ["retrying", "sent"]


# The worker as its own process, as `make run` and systemd start it ----------------------------


def database_url():
    """The test database, as the worker process reads it from DATABASE_URL (settings.py)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user, password = quote(database["USER"] or ""), quote(database["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture
def worker_process(smtp_port, tmp_path):
    """``manage.py db_worker`` in a process of its own, reading the test database; stopped with SIGTERM."""
    assert connection.vendor == "postgresql" or Path(connection.settings_dict["NAME"]).is_file(), (
        "the SQLite test database must be a file for another process to see it (tests/conftest.py)"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": str(EMAIL_TIMEOUT),
        "PYTHONWARNINGS": "ignore",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process, log
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


class TestWorkerProcess:
    def test_it_delivers_what_a_request_enqueued_and_stops_cleanly(self, client, mail_server, worker_process):
        process, log = worker_process

        client.post(reverse("community:signup"), SIGNUP)

        assert wait_for(lambda: mail_server.inbox.messages), log.read_text()
        assert mail_server.inbox.subjects_for("rosa@example.org") == ["Confirm your email address for IBD Movement"]
        assert wait_for(lambda: email_jobs(status=TaskResultStatus.SUCCESSFUL))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        output = log.read_text()
        assert "email job" in output and "sent on attempt 1" in output
        assert "rosa@example.org" not in output


# What /healthz and /healthz/queue say about the queue -------------------------------------------


@pytest.mark.django_db
class TestQueueHealth:
    @pytest.fixture
    def enqueue(self, queue, member):
        """An email job, as old as a test needs, in the state a test needs."""

        def enqueue(minutes_ago=0, **fields):
            result = tasks.send_email.enqueue(to=member.email, subject="Hello", body="Hi Maya", about="test")
            when = timezone.now() - timedelta(minutes=minutes_ago)
            DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=when, **fields)

        return enqueue

    def test_an_empty_queue_is_ok(self, client, queue):
        response = client.get("/healthz/queue")

        assert response.status_code == 200
        assert response.content == b"ok\n0 ready, 0 waiting to retry, 0 running, 0 failed in the last hour\n"

    def test_a_job_just_enqueued_is_ok(self, client, enqueue):
        enqueue(minutes_ago=1)

        response = client.get("/healthz/queue")

        assert response.status_code == 200
        assert b"1 ready" in response.content

    def test_a_job_waiting_past_the_threshold_means_no_worker(self, client, enqueue, settings):
        settings.QUEUE_STUCK_SECONDS = 600
        enqueue(minutes_ago=11)

        response = client.get("/healthz/queue")

        assert response.status_code == 503
        assert b"1 waited over 600 s to start (is a worker running?)" in response.content

    def test_the_web_servers_health_stays_ok_and_names_the_stuck_queue(self, client, enqueue):
        enqueue(minutes_ago=11)

        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.content.startswith(b"ok\nqueue needs attention: 1 waited over 600 s to start")

    def test_a_retry_waiting_for_its_time_is_ok(self, client, enqueue):
        enqueue(minutes_ago=30, run_after=timezone.now() + timedelta(minutes=30))

        response = client.get("/healthz/queue")

        assert response.status_code == 200
        assert b"0 ready, 1 waiting to retry" in response.content

    def test_a_retry_due_long_ago_and_not_run_is_stuck(self, client, enqueue):
        enqueue(minutes_ago=60, run_after=timezone.now() - timedelta(minutes=11))

        assert client.get("/healthz/queue").status_code == 503

    def test_a_job_running_past_the_threshold_lost_its_worker(self, client, enqueue):
        started = timezone.now() - timedelta(minutes=11)
        enqueue(minutes_ago=12, status=TaskResultStatus.RUNNING, started_at=started)

        response = client.get("/healthz/queue")

        assert response.status_code == 503
        assert b"1 running for over 600 s" in response.content

    def test_a_job_failed_in_the_last_hour_needs_attention(self, client, enqueue):
        finished = timezone.now() - timedelta(minutes=50)
        enqueue(minutes_ago=55, status=TaskResultStatus.FAILED, finished_at=finished)

        response = client.get("/healthz/queue")

        assert response.status_code == 503
        assert b"1 failed in the last hour" in response.content

    def test_a_failure_over_an_hour_old_is_no_longer_reported(self, client, enqueue):
        finished = timezone.now() - timedelta(minutes=61)
        enqueue(minutes_ago=70, status=TaskResultStatus.FAILED, finished_at=finished)

        assert client.get("/healthz/queue").status_code == 200

    def test_it_answers_503_when_the_database_does_not(self, client, queue):
        with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
            response = client.get("/healthz/queue")

        assert response.status_code == 503

    @pytest.mark.parametrize("who", [None, "member", "moderator", "editor"])
    def test_everyone_gets_the_same_counts_and_nothing_about_the_emails(self, client, enqueue, request, who):
        if who:
            client.force_login(request.getfixturevalue(who))
        enqueue(minutes_ago=11)

        for path in ("/healthz", "/healthz/queue"):
            content = client.get(path).content.decode()
            assert "maya" not in content.lower() and "Hello" not in content, path

    def test_it_is_never_redirected_to_https(self, client, queue, settings):
        settings.SECURE_SSL_REDIRECT = True

        assert client.get("/healthz/queue").status_code == 200


class TestDeletedAccounts:
    def test_deleting_an_account_takes_its_emails_off_the_queue(self, client, member, second_member, queue, password):
        context = {"profile": member.profile}
        notifications.send(member, "Waiting", "community/email/confirm_email.txt", context)
        notifications.send(second_member, "For someone else", "community/email/confirm_email.txt", context)
        client.force_login(member)

        client.post(reverse("community:delete_account"), {"password": password})

        assert [job.args_kwargs["kwargs"]["subject"] for job in email_jobs()] == ["For someone else"]
