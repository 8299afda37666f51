"""
Email updates by topic: subscribing with an address, confirming, leaving, and a member's own choices.

The small form on topic pages and the home page sits in pages cached whole
for signed-out readers, so it carries no CSRF token, and ``subscribe`` takes
its POST without one. That is safe here: all a POST does is email a
confirmation link to the address given, which anyone could ask for directly;
nothing changes until the link is followed, and that page asks again with a
CSRF-protected button. Cross-site posts are still turned away by the
browser's Sec-Fetch-Site header.

Every answer to a sign-up is the same page, whether the address was new,
waiting or subscribed. The unsubscribe link's GET only shows a button (mail
scanners follow links); the POST, by the button or a mail client's one-click
(RFC 8058), takes effect at once, without login or CSRF token, as the link's
secret is the proof. Logs name subscribers by id, never by address.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.updates import MemberUpdatesForm, SubscribeForm
from ..models import Profile, Subscriber
from ..ratelimit import client_ip, is_limited
from ..updates import forget_subscriber, send_confirmation

logger = logging.getLogger(__name__)

HOUR = 60 * 60
SUBSCRIBE_LIMIT_PER_IP = 10
# Confirmation links to one address in an hour, whoever asks: nobody's inbox can be flooded from here.
EMAILS_PER_ADDRESS = 3


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """GET: the full form (``?topic=`` chosen). POST: email a confirmation link, and say so, whatever happened."""
    if request.method != "POST":
        form = SubscribeForm(initial={"topic": request.GET.get("topic", "")[:100]})
        return render(request, "community/updates/subscribe.html", {"form": form})
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return HttpResponse("Please subscribe from our own pages.", status=403, content_type="text/plain")
    if is_limited("updates-subscribe:ip", client_ip(request), limit=SUBSCRIBE_LIMIT_PER_IP, window=HOUR):
        form = SubscribeForm(initial={"topic": request.POST.get("topic", "")[:100]})
        return render(request, "community/updates/subscribe.html", {"form": form, "throttled": True}, status=429)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "community/updates/subscribe.html", {"form": form}, status=400)
    address = form.cleaned_data["email"].lower()
    if not is_limited("email:address", address, limit=EMAILS_PER_ADDRESS, window=HOUR):
        with transaction.atomic():
            subscriber = form.subscriber()
            send_confirmation(subscriber, topic=form.cleaned_data["topic"], frequency=form.cleaned_data["frequency"])
    return redirect("community:subscribe_sent")


@require_GET
def subscribe_sent(request):
    return render(request, "community/updates/sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the confirmation email: GET shows what it starts, the button's POST starts it."""
    found = Subscriber.from_confirmation_token(token)
    if found is None:
        return render(request, "community/updates/confirm_invalid.html", status=400)
    subscriber, topic, frequency = found
    if request.method == "POST":
        subscriber.confirm(topic=topic, frequency=frequency)
        logger.info("subscriber %s confirmed", subscriber.pk)
        return render(request, "community/updates/confirmed.html", {"subscriber": subscriber})
    context = {"topic": topic, "frequency": Subscriber.Frequency(frequency).label}
    return render(request, "community/updates/confirm.html", context)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, secret):
    """GET: a button. POST (the button, or a mail client's one-click): no more emails, at once.

    The page also lets a reader delete their address altogether (``delete``).
    """
    subscriber = Subscriber.objects.filter(secret=secret[:100]).first()
    if subscriber is None:
        return render(request, "community/updates/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        if request.POST.get("delete") == "yes":
            logger.info("subscriber %s deleted their address", subscriber.pk)
            forget_subscriber(subscriber)
            return render(request, "community/updates/deleted.html")
        subscriber.unsubscribe()
        logger.info("subscriber %s unsubscribed", subscriber.pk)
        return render(request, "community/updates/unsubscribe.html", {"subscriber": subscriber, "done": True})
    return render(request, "community/updates/unsubscribe.html", {"subscriber": subscriber, "done": False})


@login_required
@never_cache
def manage(request):
    """A member's own topics and how often, sent to the address they log in with once it is confirmed."""
    profile = Profile.for_user(request.user)
    subscriber = Subscriber.objects.filter(user=request.user).first() or Subscriber(user=request.user)
    if request.method == "POST":
        form = MemberUpdatesForm(request.POST, instance=subscriber)
        if form.is_valid():
            with transaction.atomic():
                subscriber = form.save()
                chose = subscriber.all_topics or subscriber.topics.exists()
                subscriber.confirmed_at = (subscriber.confirmed_at or timezone.now()) if chose else None
                subscriber.unsubscribed_at = None if chose else subscriber.unsubscribed_at
                subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
            logger.info("member %s chose their email updates", request.user.pk)
            if chose and not profile.is_confirmed:
                messages.info(request, "Saved. Updates start once you confirm your email address.")
            else:
                messages.success(request, "Your email updates are saved.")
            return redirect("community:manage_updates")
    else:
        form = MemberUpdatesForm(instance=subscriber)
    return render(request, "community/updates/manage.html", {"form": form, "profile": profile})
