"""
The client's address behind reverse proxies (community.ratelimit.client_ip, through django-ipware).

With no trusted proxy, the default, the address that connected counts and
X-Forwarded-For is ignored: anyone can write it. Behind Caddy or nginx
(TRUSTED_PROXY_COUNT=1, or TRUSTED_PROXIES) each visitor counts by the address
the proxy saw, and entries a client forged in front of it count for nothing.
"""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from community.models import Comment, Report
from community.ratelimit import client_ip
from community.views import comments
from tests.test_accounts import is_logged_in, signup_data

LOGIN = reverse("community:login")
PROXY = "127.0.0.1"  # Caddy or nginx, on the same server as gunicorn
ALICE, BOB = "198.51.100.7", "203.0.113.9"


def via_proxy(client_address, forged=""):
    """What gunicorn receives when the proxy forwards a request: the proxy appends the address it saw."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def address_of(**meta):
    return client_ip(RequestFactory().get("/", **meta))


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


class TestClientAddress:
    def test_with_no_trusted_proxy_a_forged_header_is_ignored(self):
        assert address_of(REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR="1.2.3.4") == BOB

    def test_with_no_trusted_proxy_everyone_behind_a_proxy_shares_its_address(self):
        assert address_of(**via_proxy(ALICE)) == address_of(**via_proxy(BOB)) == PROXY

    def test_behind_one_proxy_it_is_the_address_the_proxy_saw(self, behind_one_proxy):
        assert address_of(**via_proxy(ALICE)) == ALICE

    def test_behind_one_proxy_forged_entries_count_for_nothing(self, behind_one_proxy):
        assert address_of(**via_proxy(BOB, forged="1.2.3.4, 5.6.7.8")) == BOB
        assert address_of(**via_proxy(BOB, forged="not-an-address")) == BOB

    def test_behind_one_proxy_a_request_without_the_header_is_the_proxys_own(self, behind_one_proxy):
        assert address_of(REMOTE_ADDR=PROXY) == PROXY

    def test_behind_two_proxies_it_is_the_address_the_first_one_saw(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        # A CDN saw Alice and added her; the nginx behind it saw the CDN (10.0.0.2) and added that.
        assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ALICE}, 10.0.0.2") == ALICE

    def test_listed_proxies_are_trusted_and_no_other_address(self, settings):
        settings.TRUSTED_PROXIES = [PROXY]
        assert address_of(**via_proxy(ALICE)) == ALICE
        # Someone reaching gunicorn directly, round the proxy, with a header of their own making.
        assert address_of(REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR=ALICE) == BOB

    def test_a_proxy_network_may_be_listed(self, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
        assert address_of(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=ALICE) == ALICE

    def test_ipv6_addresses_come_through(self, behind_one_proxy):
        assert address_of(REMOTE_ADDR="::1", HTTP_X_FORWARDED_FOR="2001:db8::7") == "2001:db8::7"


@pytest.mark.django_db
class TestForgedHeaders:
    def test_a_new_forged_header_each_time_doesnt_escape_the_sign_up_limit(self, client):
        for n in range(10):
            data = signup_data(email=f"bot{n}@example.org", website="x")
            client.post(reverse("community:signup"), data, REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

        response = client.post(reverse("community:signup"), signup_data(), REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR=ALICE)

        assert response.status_code == 429
        assert not User.objects.exists()

    def test_forged_entries_behind_the_proxy_dont_escape_the_login_lockout(self, client, behind_one_proxy, member):
        for n in range(30):
            data = {"username": f"someone{n}@example.org", "password": "guess"}
            client.post(LOGIN, data, **via_proxy(BOB, forged=f"10.0.0.{n}"))

        response = client.post(LOGIN, {"username": member.email, "password": "guess"}, **via_proxy(BOB, forged=ALICE))

        assert response.status_code == 429


@pytest.mark.django_db
class TestBehindOneProxy:
    """Each visitor is limited by their own address, not everyone by the proxy's."""

    def test_failed_logins_from_one_visitor_dont_lock_out_another_member(self, behind_one_proxy, member, password):
        # Before: 31 attempts with unknown emails through the proxy locked a member out, right password and all.
        attacker = Client()
        for n in range(31):
            attacker.post(LOGIN, {"username": f"someone{n}@example.org", "password": "guess"}, **via_proxy(BOB))

        visitor = Client()
        response = visitor.post(LOGIN, {"username": member.email, "password": password}, **via_proxy(ALICE))

        assert response.status_code == 302
        assert is_logged_in(visitor, member)
        blocked = attacker.post(LOGIN, {"username": member.email, "password": password}, **via_proxy(BOB))
        assert blocked.status_code == 429

    def test_sign_ups_are_limited_per_visitor(self, client, behind_one_proxy):
        for n in range(10):
            data = signup_data(email=f"bot{n}@example.org", website="x")
            client.post(reverse("community:signup"), data, **via_proxy(BOB))

        refused = client.post(reverse("community:signup"), signup_data(), **via_proxy(BOB))
        accepted = Client().post(reverse("community:signup"), signup_data(), **via_proxy(ALICE))

        assert refused.status_code == 429
        assert accepted.status_code == 302
        assert list(User.objects.values_list("email", flat=True)) == ["rosa@example.org"]

    def test_password_resets_are_limited_per_visitor(self, client, behind_one_proxy, member, make_member):
        for user in [make_member() for _ in range(10)]:
            client.post(reverse("community:password_reset"), {"email": user.email}, **via_proxy(BOB))

        Client().post(reverse("community:password_reset"), {"email": member.email}, **via_proxy(ALICE))

        assert len(mail.outbox) == 11
        assert mail.outbox[-1].to == [member.email]

    def test_comments_are_limited_per_visitor(self, settings, behind_one_proxy, member, second_member, make_article):
        settings.COMMENT_RATE_LIMITS = {"ip_limit": 2, "member_limit": 100}
        article = make_article()
        url = reverse("community:post_comment", kwargs={"slug": article.slug})
        first, second = Client(), Client()
        first.force_login(member)
        second.force_login(second_member)

        statuses = [first.post(url, {"body": f"Comment number {n}."}, **via_proxy(BOB)).status_code for n in range(3)]
        other = second.post(url, {"body": "My own comment."}, **via_proxy(ALICE))

        assert statuses == [302, 302, 429]
        assert other.status_code == 302
        assert Comment.objects.filter(author=second_member).count() == 1

    def test_reports_are_limited_per_visitor(
        self, monkeypatch, behind_one_proxy, member, second_member, third_member, make_article, make_comment
    ):
        monkeypatch.setitem(comments.REPORTING_LIMITS, "ip_limit", 2)
        article = make_article()
        written = [make_comment(article, third_member, body=f"Comment number {n}.") for n in range(4)]
        first, second = Client(), Client()
        first.force_login(member)
        second.force_login(second_member)

        def report(client, comment, address):
            url = reverse("community:report_comment", kwargs={"pk": comment.pk})
            return client.post(url, {"reason": Report.Reason.SPAM}, **via_proxy(address)).status_code

        statuses = [report(first, comment, BOB) for comment in written[:3]]

        assert statuses == [302, 302, 400]
        assert report(second, written[3], ALICE) == 302
        assert Report.objects.filter(reporter=second_member).count() == 1
