"""
Email updates by topic: subscribing with an address (double opt-in), what is sent when an article goes
live (each article, or a weekly digest), leaving in one click, privacy, and the editors' side in admin.
"""

import email
import email.policy
import io
import re
import signal
import socket
from datetime import timedelta
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic
from community.models import ArticleAnnouncement, Profile, Subscriber
from community.updates import announce_new_articles, send_weekly_digests

pytestmark = pytest.mark.django_db

READER = "rosa@example.org"
SUBSCRIBE = reverse("community:subscribe")


@pytest.fixture
def other_topic(db):
    return Topic.objects.exclude(slug="treatments").first()


def subscribe(client, email=READER, topic="treatments", **extra):
    data = {"email": email, "topic": topic, **extra}
    return client.post(SUBSCRIBE, data, REMOTE_ADDR=extra.pop("ip", "203.0.113.5"))


def confirm_link(message):
    return re.search(r"https?://\S+/updates/confirm/(\S+)/", message.body).group(0).removeprefix(settings.SITE_URL)


def confirmed_reader(topic=None, *, email=READER, frequency=Subscriber.Frequency.EACH_ARTICLE, since=None):
    subscriber = Subscriber.objects.create(email=email)
    subscriber.confirm(topic=topic, frequency=frequency)
    if since:
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=since)
        subscriber.refresh_from_db()
    return subscriber


def an_hour_ago():
    return timezone.now() - timedelta(hours=1)


# Subscribing ----------------------------------------------------------------------------


class TestTheForm:
    def test_topic_page_offers_the_form_for_its_topic_without_a_csrf_token(self, client, topic):
        response = client.get(topic.get_absolute_url())
        html = response.content.decode()
        assert f'action="{SUBSCRIBE}"' in html
        assert f'name="topic" value="{topic.slug}"' in html
        assert "csrfmiddlewaretoken" not in html

    def test_home_page_offers_every_topic_or_one(self, client, make_article):
        make_article()
        html = client.get("/").content.decode()
        assert '<option value="">Every topic</option>' in html
        assert '<option value="treatments">' in html

    def test_the_form_works_from_a_cached_page_without_a_csrf_cookie(self, topic):
        reader = Client(enforce_csrf_checks=True)
        reader.get(topic.get_absolute_url())  # cached for the next reader
        other_reader = Client(enforce_csrf_checks=True)
        other_reader.get(topic.get_absolute_url())
        response = other_reader.post(SUBSCRIBE, {"email": READER, "topic": topic.slug})
        assert response.status_code == 302
        assert len(mail.outbox) == 1

    def test_a_post_from_another_site_is_refused(self, client):
        response = client.post(SUBSCRIBE, {"email": READER}, HTTP_SEC_FETCH_SITE="cross-site")
        assert response.status_code == 403
        assert mail.outbox == []

    @pytest.mark.parametrize("who", [None, "member", "moderator", "editor"])
    def test_anyone_may_open_the_full_form(self, client, request, who):
        if who:
            client.force_login(request.getfixturevalue(who))
        response = client.get(SUBSCRIBE + "?topic=treatments")
        assert response.status_code == 200
        assert 'value="treatments" selected' in response.content.decode()


class TestDoubleOptIn:
    def test_subscribing_sends_a_link_and_nothing_else_until_it_is_followed(self, client, topic, make_article):
        response = subscribe(client)
        assert response.status_code == 302 and response.url == reverse("community:subscribe_sent")
        [message] = mail.outbox
        assert message.to == [READER]
        assert "Treatments" in message.body
        subscriber = Subscriber.objects.get(email=READER)
        assert not subscriber.is_confirmed and not subscriber.topics.exists()

        make_article(topic=topic)
        assert announce_new_articles() == 0
        assert len(mail.outbox) == 1

    def test_the_link_names_no_address(self, client):
        subscribe(client)
        token = confirm_link(mail.outbox[0]).split("/")[3]
        subscriber_id, state_hash, topic_id, frequency = signing.loads(token, salt="community.updates.confirm")
        assert subscriber_id == Subscriber.objects.get().pk and frequency == "each"
        assert topic_id == Topic.objects.get(slug="treatments").pk
        assert "rosa" not in token and "rosa" not in state_hash

    def test_following_the_link_shows_a_button_and_the_button_starts_the_updates(self, client, topic):
        subscribe(client)
        link = confirm_link(mail.outbox[0])

        page = client.get(link)  # a mail scanner following the link starts nothing
        assert page.status_code == 200 and b"Start my updates" in page.content
        assert not Subscriber.objects.get(email=READER).is_confirmed

        response = client.post(link)
        subscriber = Subscriber.objects.get(email=READER)
        assert response.status_code == 200
        assert subscriber.is_confirmed
        assert list(subscriber.topics.all()) == [topic]
        assert not subscriber.all_topics

    def test_every_topic_and_a_weekly_digest_can_be_chosen(self, client):
        subscribe(client, topic="", frequency="weekly")
        client.post(confirm_link(mail.outbox[0]))
        subscriber = Subscriber.objects.get(email=READER)
        assert subscriber.all_topics and subscriber.frequency == Subscriber.Frequency.WEEKLY

    def test_the_link_expires_after_three_days(self, client):
        subscribe(client)
        link = confirm_link(mail.outbox[0])
        later = timezone.now().timestamp() + timedelta(days=3, minutes=1).total_seconds()
        with mock.patch("django.core.signing.time.time", return_value=later):
            response = client.post(link)
        assert response.status_code == 400
        assert b"expired" in response.content
        assert not Subscriber.objects.get(email=READER).is_confirmed

    def test_a_link_sent_before_unsubscribing_no_longer_works(self, client, topic):
        subscribe(client)
        link = confirm_link(mail.outbox[0])
        client.post(link)
        Subscriber.objects.get(email=READER).unsubscribe()
        assert client.post(link).status_code == 400
        assert not Subscriber.objects.get(email=READER).is_confirmed

    @pytest.mark.parametrize(
        "token",
        ["nonsense", "x" * 5000, signing.dumps([1, "0" * 32, 0, "each"], salt="community.updates.confirm")],
    )
    def test_forged_links_confirm_nothing(self, client, token):
        Subscriber.objects.create(email=READER)
        response = client.post(reverse("community:confirm_updates", args=[token]))
        assert response.status_code == 400
        assert not Subscriber.objects.filter(confirmed_at__isnull=False).exists()


class TestSameAnswer:
    def test_a_subscribed_address_gets_the_same_answer_and_nothing_changes_until_its_link(
        self, client, topic, other_topic
    ):
        fresh = subscribe(client, email="new@example.org")
        confirmed_reader(topic)
        again = subscribe(client, topic=other_topic.slug)

        assert (again.status_code, again.url) == (fresh.status_code, fresh.url)
        assert client.get(again.url).content == client.get(fresh.url).content
        subscriber = Subscriber.objects.get(email=READER)
        assert list(subscriber.topics.all()) == [topic]  # a stranger can't change someone's topics
        client.post(confirm_link(mail.outbox[-1]))
        assert set(subscriber.topics.all()) == {topic, other_topic}

    def test_the_address_is_matched_whatever_its_case(self, client):
        subscribe(client)
        subscribe(client, email="Rosa@Example.org")
        assert Subscriber.objects.count() == 1


class TestRateLimits:
    def test_sign_ups_from_one_connection_are_limited(self, client):
        for n in range(10):
            subscribe(client, email=f"reader{n}@example.org")
        response = subscribe(client, email="one-more@example.org")
        assert response.status_code == 429
        assert b"too many requests" in response.content
        assert len(mail.outbox) == 10

    def test_one_address_gets_at_most_three_links_an_hour_with_the_same_answer(self, client):
        answers = {subscribe(client, ip=f"203.0.113.{n}").url for n in range(5)}
        assert answers == {reverse("community:subscribe_sent")}
        assert len(mail.outbox) == 3


class TestHostileInput:
    @pytest.mark.parametrize(
        ("email", "message"),
        [
            ("not-an-address", "Enter an email address like name@example.org."),
            ("a@" + "b" * 300 + ".org", "That email address is too long."),
            ("rosa@example.org\r\nBcc: x@example.org", "Enter an email address like name@example.org."),
            ("", "Enter your email address."),
            ("ro\x00sa@example.org", "Null characters are not allowed."),
        ],
    )
    def test_bad_addresses_get_a_clear_message(self, client, email, message):
        response = subscribe(client, email=email)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert mail.outbox == [] and not Subscriber.objects.exists()

    def test_an_unknown_topic_gets_a_clear_message(self, client):
        response = subscribe(client, topic="<script>")
        assert response.status_code == 400
        assert "Choose a topic from the list." in response.content.decode()

    def test_a_huge_body_is_refused_politely(self, client):
        response = client.post(SUBSCRIBE, {"email": "a" * 100_000, "frequency": "x" * 1000})
        assert response.status_code == 400


# What is sent ---------------------------------------------------------------------------


class TestEachArticle:
    def test_a_published_article_goes_once_to_its_topics_subscribers(self, topic, other_topic, make_article):
        subscriber = confirmed_reader(topic, since=an_hour_ago())
        confirmed_reader(other_topic, email="other@example.org", since=an_hour_ago())
        article = make_article(topic=topic, published_at=timezone.now() - timedelta(minutes=5))

        assert announce_new_articles() == 1
        [message] = mail.outbox
        assert message.to == [READER]
        assert message.subject == f"New on IBD Movement: {article.headline}"
        assert "Larger randomised trial" in message.body  # the evidence stage in words
        assert article.evidence.meaning in message.body
        assert article.standfirst in message.body  # the key points
        assert settings.SITE_URL + article.get_absolute_url() in message.body
        assert ArticleAnnouncement.objects.filter(subscriber=subscriber, article=article).exists()

        assert announce_new_articles() == 0
        assert len(mail.outbox) == 1

    def test_links_go_to_this_site_only_and_there_is_no_html(self, topic, make_article):
        confirmed_reader(topic, since=an_hour_ago())
        make_article(topic=topic, published_at=timezone.now())
        announce_new_articles()
        [message] = mail.outbox
        links = re.findall(r"https?://\S+", message.body)
        assert links and all(link.startswith(settings.SITE_URL) for link in links)
        assert "<img" not in message.body and "<html" not in message.body

    def test_a_scheduled_article_goes_when_its_time_comes(self, topic, make_article):
        confirmed_reader(topic, since=an_hour_ago())
        publish_at = timezone.now() + timedelta(hours=2)
        make_article(topic=topic, published_at=publish_at)
        assert announce_new_articles() == 0

        with mock.patch("django.utils.timezone.now", return_value=publish_at + timedelta(minutes=5)):
            assert announce_new_articles() == 1
        assert len(mail.outbox) == 1

    def test_an_article_resaved_or_republished_never_goes_twice(self, topic, make_article):
        confirmed_reader(topic, since=an_hour_ago())
        article = make_article(topic=topic, published_at=timezone.now())
        announce_new_articles()

        article.headline = "An updated headline"
        article.save()
        article.status = Article.Status.DRAFT
        article.save()
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now()
        article.save()
        call_command("send_digests", stdout=mock.Mock())
        assert len(mail.outbox) == 1

    def test_articles_published_before_confirming_are_not_sent(self, topic, make_article):
        make_article(topic=topic, published_at=timezone.now() - timedelta(days=1))
        confirmed_reader(topic)
        assert announce_new_articles() == 0

    def test_drafts_and_unconfirmed_subscribers_get_nothing(self, topic, make_article):
        make_article(topic=topic, status=Article.Status.DRAFT, published_at=None)
        Subscriber.objects.create(email=READER).topics.add(topic)
        confirmed_reader(topic, email="two@example.org", since=an_hour_ago())
        assert announce_new_articles() == 0

    def test_every_topic_subscribers_get_every_topic(self, other_topic, make_article):
        confirmed_reader(None, since=an_hour_ago())
        make_article(topic=other_topic, published_at=timezone.now())
        assert announce_new_articles() == 1


class TestWeeklyDigest:
    def test_weekly_subscribers_get_one_email_with_the_weeks_articles(self, topic, other_topic, make_article):
        confirmed_reader(topic, frequency=Subscriber.Frequency.WEEKLY, since=timezone.now() - timedelta(days=7))
        first = make_article(topic=topic, published_at=timezone.now() - timedelta(days=3))
        second = make_article(topic=topic, published_at=timezone.now() - timedelta(days=1))
        make_article(topic=other_topic, headline="Elsewhere", published_at=timezone.now())

        assert announce_new_articles() == 0  # they wait for the week
        call_command("send_digests", "--weekly", stdout=mock.Mock())
        [digest] = mail.outbox
        assert digest.subject == "This week on IBD Movement: 2 new articles"
        assert digest.body.index(first.headline) < digest.body.index(second.headline)
        assert "Elsewhere" not in digest.body
        assert "List-Unsubscribe" in digest.extra_headers

        call_command("send_digests", "--weekly", stdout=mock.Mock())
        assert len(mail.outbox) == 1

    def test_nothing_new_sends_no_digest(self, topic):
        confirmed_reader(topic, frequency=Subscriber.Frequency.WEEKLY, since=an_hour_ago())
        assert send_weekly_digests() == 0
        assert mail.outbox == []

    def test_a_second_run_in_the_same_week_sends_no_second_digest(self, topic, make_article):
        confirmed_reader(topic, frequency=Subscriber.Frequency.WEEKLY, since=an_hour_ago())
        make_article(topic=topic, published_at=timezone.now())
        send_weekly_digests()
        make_article(topic=topic, published_at=timezone.now())
        assert send_weekly_digests() == 0
        assert len(mail.outbox) == 1


# Leaving ----------------------------------------------------------------------------------


@pytest.fixture
def sent_update(topic, make_article):
    subscriber = confirmed_reader(topic, since=an_hour_ago())
    make_article(topic=topic, published_at=timezone.now())
    announce_new_articles()
    return subscriber, mail.outbox[0]


class TestUnsubscribe:
    def test_every_email_carries_the_rfc_8058_headers_and_a_plain_link(self, sent_update):
        subscriber, message = sent_update
        url = settings.SITE_URL + reverse("community:unsubscribe", args=[subscriber.secret])
        assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"Unsubscribe: {url}" in message.body
        assert READER not in url

    def test_one_click_unsubscribes_at_once_without_login_or_csrf_token(self, sent_update, topic, make_article):
        subscriber, message = sent_update
        url = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(settings.SITE_URL)
        mail_client = Client(enforce_csrf_checks=True)
        response = mail_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        subscriber.refresh_from_db()
        assert not subscriber.is_confirmed and not subscriber.topics.exists()

        make_article(topic=topic, published_at=timezone.now())
        assert announce_new_articles() == 0

    def test_following_the_link_only_shows_a_button(self, client, sent_update):
        subscriber, _ = sent_update
        response = client.get(subscriber.get_unsubscribe_url())
        assert response.status_code == 200
        assert b"Unsubscribe</button>" in response.content
        subscriber.refresh_from_db()
        assert subscriber.is_confirmed

    def test_a_reader_can_delete_their_address(self, sent_update):
        subscriber, _ = sent_update
        response = Client(enforce_csrf_checks=True).post(subscriber.get_unsubscribe_url(), {"delete": "yes"})
        assert response.status_code == 200
        assert not Subscriber.objects.filter(email=READER).exists()
        assert not ArticleAnnouncement.objects.exists()

    def test_deleting_the_address_takes_its_emails_off_the_queue(self, client, settings, topic, make_article):
        from django_tasks_db.models import DBTaskResult

        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        subscriber = confirmed_reader(topic, since=an_hour_ago())
        make_article(topic=topic, published_at=timezone.now())
        announce_new_articles()
        subscribe(client, email="someone-else@example.org")
        assert DBTaskResult.objects.count() == 2

        client.post(subscriber.get_unsubscribe_url(), {"delete": "yes"})
        [left] = DBTaskResult.objects.all()
        assert left.args_kwargs["kwargs"]["to"] == "someone-else@example.org"

    @pytest.mark.parametrize("secret", ["nope", "x" * 3000, "%00", "a%00b"])
    def test_forged_unsubscribe_links_change_nothing(self, client, sent_update, secret):
        response = client.post(f"/updates/unsubscribe/{secret}/")
        assert response.status_code == 404
        assert Subscriber.objects.get(email=READER).is_confirmed


# Members ----------------------------------------------------------------------------------

MANAGE = reverse("community:manage_updates")


class TestMembers:
    def test_anonymous_readers_are_sent_to_log_in(self, client):
        response = client.get(MANAGE)
        assert response.status_code == 302 and reverse("community:login") in response.url

    @pytest.mark.parametrize("who", ["member", "moderator", "editor"])
    def test_members_and_staff_choose_their_own(self, client, request, who, topic):
        user = request.getfixturevalue(who)
        client.force_login(user)
        assert client.get(MANAGE).status_code == 200
        response = client.post(MANAGE, {"topics": [topic.pk], "frequency": "weekly"})
        assert response.status_code == 302
        subscriber = Subscriber.objects.get(user=user)
        assert subscriber.is_confirmed and list(subscriber.topics.all()) == [topic]
        assert subscriber.frequency == Subscriber.Frequency.WEEKLY

    def test_the_profile_links_to_them(self, client, member):
        client.force_login(member)
        assert MANAGE in client.get(reverse("community:profile")).content.decode()

    def test_a_member_gets_updates_at_their_login_address(self, client, member, topic, make_article):
        client.force_login(member)
        client.post(MANAGE, {"topics": [topic.pk], "frequency": "each"})
        make_article(topic=topic, published_at=timezone.now() + timedelta(seconds=1))
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=1)):
            assert announce_new_articles() == 1
        assert mail.outbox[0].to == [member.email]

    def test_an_unconfirmed_member_gets_nothing_yet(self, client, unconfirmed_member, topic, make_article):
        client.force_login(unconfirmed_member)
        response = client.post(MANAGE, {"all_topics": "on", "frequency": "each"}, follow=True)
        assert b"once you confirm your email address" in response.content
        make_article(topic=topic, published_at=timezone.now() + timedelta(seconds=1))
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=1)):
            assert announce_new_articles() == 0

    def test_unticking_everything_stops_them(self, client, member, topic):
        client.force_login(member)
        client.post(MANAGE, {"topics": [topic.pk], "frequency": "each"})
        client.post(MANAGE, {"frequency": "each"})
        assert not Subscriber.objects.get(user=member).is_confirmed


class TestPrivacy:
    def test_the_export_has_the_members_updates(self, member, topic):
        subscriber = Subscriber.objects.create(user=member)
        subscriber.confirm(topic=topic, frequency=Subscriber.Frequency.WEEKLY)
        [exported] = Profile.for_user(member).export_data()["email_updates"]
        assert exported["topics"] == "Treatments"
        assert exported["frequency"] == "One email a week with the new articles"

    def test_deleting_the_account_deletes_them_and_any_with_the_same_address(self, member, topic):
        Subscriber.objects.create(user=member).confirm(topic=topic, frequency="each")
        confirmed_reader(topic, email=member.email.upper())
        confirmed_reader(topic, email="someone-else@example.org")
        Profile.for_user(member).delete_account()
        assert list(Subscriber.objects.values_list("email", flat=True)) == ["someone-else@example.org"]

    def test_an_address_never_confirmed_is_forgotten_when_its_link_expires(self, client, topic):
        subscribe(client)
        confirmed_reader(topic, email="kept@example.org")
        call_command("send_digests", stdout=io.StringIO())
        assert Subscriber.objects.count() == 2
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=3, minutes=1)):
            call_command("send_digests", stdout=io.StringIO())
        assert list(Subscriber.objects.values_list("email", flat=True)) == ["kept@example.org"]

    def test_asking_again_keeps_the_address_while_the_new_link_works(self, client):
        subscribe(client)
        two_days_on = timezone.now() + timedelta(days=2)
        with mock.patch("django.utils.timezone.now", return_value=two_days_on):
            subscribe(client)
        with mock.patch("django.utils.timezone.now", return_value=two_days_on + timedelta(days=2)):
            call_command("send_digests", stdout=io.StringIO())
        assert Subscriber.objects.filter(email=READER).exists()

    def test_no_address_is_ever_logged(self, client, caplog, topic, make_article):
        caplog.set_level("DEBUG")
        subscribe(client)
        client.post(confirm_link(mail.outbox[0]))
        make_article(topic=topic, published_at=timezone.now() + timedelta(seconds=1))
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=1)):
            call_command("send_digests", "--weekly", stdout=mock.Mock())
        subscriber = Subscriber.objects.get(email=READER)
        client.post(subscriber.get_unsubscribe_url())
        client.post(subscriber.get_unsubscribe_url(), {"delete": "yes"})
        assert len(mail.outbox) == 2
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert "subscriber" in logged
        assert "rosa" not in logged.lower() and subscriber.secret not in logged


# Editors ----------------------------------------------------------------------------------

COUNTS = reverse("admin:community_topicsubscribercount_changelist")


class TestAdmin:
    def test_editors_see_counts_per_topic_and_no_address(self, client, editor, topic, other_topic):
        confirmed_reader(topic)
        confirmed_reader(topic, email="two@example.org")
        confirmed_reader(None, email="all@example.org")
        Subscriber.objects.create(email="waiting@example.org").topics.add(topic)
        client.force_login(editor)
        response = client.get(COUNTS)
        assert response.status_code == 200
        html = response.content.decode()
        [row] = [row for row in html.split("<tr") if f">{topic.name}<" in row]
        assert re.findall(r">(\d+)</td>", row) == ["2", "3"]
        assert "@example.org" not in html

    @pytest.mark.parametrize("who", [None, "member", "moderator"])
    def test_others_see_no_counts(self, client, request, who):
        if who:
            client.force_login(request.getfixturevalue(who))
        response = client.get(COUNTS)
        assert response.status_code in (302, 403)

    def test_editors_preview_the_email_of_an_unpublished_article(self, client, editor, make_article):
        article = make_article(status=Article.Status.DRAFT, published_at=None, headline="Coming soon: a new trial")
        client.force_login(editor)
        response = client.get(reverse("admin:community_articleemailpreview_change", args=[article.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "New on IBD Movement: Coming soon: a new trial" in html
        assert "List-Unsubscribe-Post" in html
        assert "Larger randomised trial" in html
        assert mail.outbox == [] and not ArticleAnnouncement.objects.exists()

    @pytest.mark.parametrize(("who", "allowed"), [(None, False), ("member", False), ("moderator", True)])
    def test_preview_permissions(self, client, request, who, allowed, make_article):
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        if who:
            client.force_login(request.getfixturevalue(who))
        response = client.get(reverse("admin:community_articleemailpreview_change", args=[article.pk]))
        assert (response.status_code == 200) is allowed
        if not allowed:
            assert response.status_code in (302, 403)


# Through the real queue and a real mail server ----------------------------------------------


class Inbox:
    """aiosmtpd handler that keeps every message (as tests/test_mail_queue.py does)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings):
    """The real job queue (rows in the database), sending by SMTP to a server the test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()


def run_worker():
    """``manage.py db_worker --batch`` in this process, until no job is due."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_update_reaches_a_real_mail_server_with_its_unsubscribe_headers(smtp_inbox, client, make_article):
    topic = Topic.objects.get(slug="treatments")
    subscribe(client)
    run_worker()
    [confirmation] = smtp_inbox.messages
    link = re.search(rb"/updates/confirm/[^/\s]+/", confirmation.content).group(0).decode()
    client.post(link)

    article = make_article(topic=topic, published_at=timezone.now() + timedelta(seconds=1))
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=1)):
        call_command("send_digests", stdout=io.StringIO())
    assert len(smtp_inbox.messages) == 1  # queued, not sent, until the worker runs
    run_worker()

    [_, update] = smtp_inbox.messages
    assert update.rcpt_tos == [READER]
    message = email.message_from_bytes(update.content, policy=email.policy.default)
    subscriber = Subscriber.objects.get(email=READER)
    assert message["Subject"] == f"New on IBD Movement: {article.headline}"
    # Long enough that it is folded onto a second line; unfolded, it is the one address.
    assert message["List-Unsubscribe"].strip() == f"<{settings.SITE_URL}/updates/unsubscribe/{subscriber.secret}/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert article.standfirst in message.get_content()
