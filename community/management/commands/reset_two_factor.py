"""
Reset a staff member's two-factor sign-in from the server, for when nobody who could do it in
admin can sign in: the only superuser lost their phone and their recovery codes.

    python manage.py reset_two_factor <username or email address>

Their authenticator app and recovery codes are forgotten; at their next sign-in, after the
password, they set up an app again and get new recovery codes.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from community.two_factor import reset_devices


class Command(BaseCommand):
    help = "Forget a staff member's authenticator app and recovery codes, so they set up anew at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("account", help="Their username or email address.")

    def handle(self, *args, account, **options):
        matches = list(get_user_model().objects.filter(Q(username=account) | Q(email__iexact=account))[:2])
        if not matches:
            raise CommandError("No account has that username or email address.")
        if len(matches) > 1:
            raise CommandError("More than one account matches: give the username instead.")
        user = matches[0]
        removed = reset_devices(user)
        self.stdout.write(
            f"Reset two-factor sign-in for account {user.pk} ({removed} devices and codes removed). "
            "At their next sign-in they set up an authenticator app and get new recovery codes."
        )
