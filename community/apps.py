from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self):
        # Connects the login receivers, and registers the deploy check that staff use a second factor.
        from . import signals, two_factor  # noqa: F401


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that also asks staff for their second factor (community.two_factor).

    Named in INSTALLED_APPS in place of django.contrib.admin, so every ModelAdmin, django-otp's
    included, registers on this one site."""

    default = False  # "community" itself still means CommunityConfig
    default_site = "community.two_factor.StaffAdminSite"
