"""
A page drawn once for every member, with each member's own parts put in afterwards (issue 13).

Members are never served the page cache: their pages carry their navigation, a CSRF token of their own,
their Save buttons and their own comments. Most of a page is the same for all of them, though, so the
page is drawn once per worker for the versions it depends on (``for_this_page``) with each personal part
left as a marker, ``{% personal_part "template" %}`` (articles/templatetags/generation.py). Each request
then draws only those small templates, for its own member, and puts them between the shared pieces.

The markers carry a secret drawn afresh for each shared copy, and the copy is cut at them once, when it
is drawn: no request ever searches or replaces inside the page, so nothing a member wrote can be taken
for a marker. The shared copy is drawn as if for a signed-out reader with no CSRF token at all: a
personal detail left outside a marker shows a reader's page, or fails loudly, never someone's own.

Staff are drawn whole pages, as before: they may see previews, moderators' controls and staff styles.
"""

import re
import secrets

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template.context import make_context
from django.template.loader import get_template, render_to_string

from .caching import for_this_page

# The context variable that tells {% personal_part %} it is drawing the shared copy.
SHARED_COPY = "shared_copy"
PART_NAME = re.compile(r"[\w/.-]+")


class SharedCopy:
    """Draws markers for the personal parts of one shared copy, and cuts the copy at them."""

    def __init__(self):
        self.secret = secrets.token_hex(16)

    def marker(self, template_name):
        if not PART_NAME.fullmatch(template_name):
            raise ValueError(f"A personal part is a template's name, not {template_name!r}")
        return f"<!--personal-part:{self.secret}:{template_name}-->"

    def pieces(self, html):
        """The shared HTML and the personal parts' templates in turn: html, name, html, ..., html."""
        return tuple(re.split(rf"<!--personal-part:{self.secret}:({PART_NAME.pattern})-->", html))


class NoTokenInTheSharedCopy:
    """The CSRF token while the shared copy is drawn: a form outside a personal part fails, loudly."""

    def __str__(self):
        raise RuntimeError("A CSRF token belongs in a {% personal_part %}, not in a page shared by members")

    def __bool__(self):
        return True

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__


def shares_its_page(request):
    """Whether this visitor gets the shared copy with their own parts put in: members, not staff."""
    user = request.user
    return request.method in ("GET", "HEAD") and user.is_authenticated and not user.is_staff


def render_with_personal_parts(request, template_name, context, key):
    """The page as ``render()`` would draw it for this member, from a copy shared by every member."""
    pieces = for_this_page(request, ("shared-page", *key), lambda: draw_shared_copy(request, template_name, context))
    page = get_template(template_name).template
    # One context for all the parts, as the whole page would have: its processors run (and the member's
    # CSRF token is masked) once, not once a part.
    request_context = make_context(context, request, autoescape=page.engine.autoescape)
    with request_context.render_context.push_state(page), request_context.bind_template(page):
        return HttpResponse(
            "".join(piece if n % 2 == 0 else draw_part(piece, request_context) for n, piece in enumerate(pieces))
        )


def draw_part(template_name, context):
    """A personal part, drawn in the page's context as ``{% include %}`` would."""
    with context.push():
        return context.template.engine.get_template(template_name).render(context)


def draw_shared_copy(request, template_name, context):
    copy = SharedCopy()
    nobody = AnonymousUser()
    shared_context = context | {
        SHARED_COPY: copy,
        "user": nobody,
        "perms": PermWrapper(nobody),
        "messages": (),
        "csrf_token": NoTokenInTheSharedCopy(),
    }
    return copy.pieces(render_to_string(template_name, shared_context, request))
