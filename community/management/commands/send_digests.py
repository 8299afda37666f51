"""
Email updates by topic: queue the emails that are due. Run from a timer (docs/deploy.md).

    manage.py send_digests            # an email for each newly published article, to those who want each one
    manage.py send_digests --weekly   # the same, and the weekly digests

Articles may be scheduled, so nothing happens when one goes live: this finds
what went live since the last run. Every email is recorded as it is queued,
so running it twice, or two at once, sends nothing twice. Addresses never
confirmed are forgotten once their link has expired. The worker
(``manage.py db_worker``) sends what it queues.
"""

from django.core.management.base import BaseCommand

from community.models import Subscriber
from community.updates import announce_new_articles, send_weekly_digests


class Command(BaseCommand):
    help = "Queue the email updates due: one per new article, and with --weekly the weekly digests."

    def add_arguments(self, parser):
        parser.add_argument("--weekly", action="store_true", help="Also send the weekly digests.")

    def handle(self, *args, weekly=False, **options):
        articles = announce_new_articles()
        self.stdout.write(f"{articles} article email(s) queued.")
        # Addresses whose confirmation link expired unused are forgotten: nobody asked us to keep them.
        forgotten, _ = Subscriber.objects.never_confirmed().delete()
        if forgotten:
            self.stdout.write(f"{forgotten} unconfirmed address record(s) forgotten.")
        if weekly:
            digests = send_weekly_digests()
            self.stdout.write(f"{digests} weekly digest(s) queued.")
