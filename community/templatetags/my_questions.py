"""
The "Save to My questions" controls on an article page (templates/articles/_questions.html):
``{% load my_questions %}{% save_controls article as save %}``, then a control after each question.

Readers with no session cookie are served the whole page from the cache, so
their control is a plain link to a page with the form (a CSRF token would stop
the page being cached). Members and readers with a session get a button, or
"Saved" for questions already in their list: one query for the whole page at most. The
buttons share one form, placed once before the list, through their ``form`` and
``formaction`` attributes, so the page carries one CSRF token, not one per question.
A member's saved questions are one of their own parts (community.models.own_parts), read
once per worker until they save or remove one.

The controls are the visitor's own: on the page members share, they are drawn
for each request ({% personal_part %}, articles/shared_pages.py).
"""

from django import template
from django.conf import settings
from django.urls import reverse

from articles.caching import for_this_page

from ..models.own_parts import own_parts
from ..models.questions import questions_for

register = template.Library()


@register.simple_tag(takes_context=True)
def save_controls(context, article):
    """What the visitor's controls show: ``show`` (none on a preview), ``direct`` (buttons, not links), and
    ``questions``: each question with the address that saves it and whether the visitor has saved it."""
    request = context["request"]
    direct = gets_buttons(context)
    saved = saved_question_ids(request) if direct else set()
    addresses = for_this_page(request, ("save-question-addresses", article.pk), lambda: save_addresses(article))
    return {
        "show": not context.get("is_preview"),
        "direct": direct,
        "questions": [(question, address, question.pk in saved) for question, address in addresses],
    }


def save_addresses(article):
    """Each question with the address that saves it: the same for everyone, worked out once per version."""
    return [(question, reverse("community:save_question", args=[question.pk])) for question in article.questions.all()]


def gets_buttons(context):
    """Members and readers with a session see the page drawn afresh, so it may carry a CSRF token."""
    request = context["request"]
    return request.user.is_authenticated or settings.SESSION_COOKIE_NAME in request.COOKIES


def saved_question_ids(request):
    """The ids of the questions in the visitor's list: the member's own parts, or the session's list."""
    if request.user.is_authenticated:
        return own_parts(request).saved_question_ids
    return questions_for(request).saved_question_ids()
