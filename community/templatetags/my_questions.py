"""
The "Save to My questions" control on an article page: ``{% load my_questions %}{% save_question_control question %}``.

Readers with no session cookie are served the whole page from the cache, so
their control is a plain link to a page with the form (a CSRF token would stop
the page being cached). Members and readers with a session get the form itself,
or "Saved" for questions already in their list: one query for the whole page.
"""

from django import template
from django.conf import settings

from ..models.questions import questions_for

register = template.Library()


@register.inclusion_tag("community/_save_question.html", takes_context=True)
def save_question_control(context, question):
    request = context["request"]
    direct = request.user.is_authenticated or settings.SESSION_COOKIE_NAME in request.COOKIES
    return {
        "show": not context.get("is_preview"),
        "question": question,
        "direct": direct,
        "saved": direct and question.pk in saved_question_ids(request),
        "next": f"{request.get_full_path()}#question-{question.pk}",
        "csrf_token": context.get("csrf_token"),
    }


def saved_question_ids(request):
    """The ids of the questions in the visitor's list, looked up once per page, not once per question."""
    if not hasattr(request, "_saved_question_ids"):
        request._saved_question_ids = questions_for(request).saved_question_ids()
    return request._saved_question_ids
