"""
List members whose display names break today's rules: staff words, web addresses or look-alike letters.

Names chosen before the rules were tightened stay as they are until someone acts. This lists them
for moderators, who rename them in the admin (Community, Profiles) or ask members to. It prints
what other members already see (display names and account numbers), never an email address.

    manage.py check_display_names
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.urls import reverse

from community.forms.accounts import tidy_display_name
from community.models import Profile


class Command(BaseCommand):
    help = "List display names that today's rules would refuse, with why and where to change them."

    def handle(self, *args, **options):
        found = 0
        for profile in Profile.objects.order_by("user_id").iterator(chunk_size=500):
            try:
                tidy_display_name(profile.display_name, exclude_profile=profile)
            except ValidationError as error:
                found += 1
                admin_url = reverse("admin:community_profile_change", args=[profile.pk])
                self.stdout.write(f"Account {profile.user_id}: {profile.display_name!r} ({admin_url})")
                self.stdout.write(f"    {' '.join(error.messages)}")
        self.stdout.write(f"{found} display name(s) to change.")
