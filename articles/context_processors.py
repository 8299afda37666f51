"""Template context every page needs: the navigation topics and the contact address."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .caching import for_this_site
from .models import Topic


def navigation(request):
    # Lazy, so pages that never draw the navigation (admin, feeds) pay nothing.
    return {
        "nav_topics": SimpleLazyObject(lambda: for_this_site(request, "nav-topics", lambda: list(Topic.objects.all()))),
        "contact_email": settings.CONTACT_EMAIL,
    }
