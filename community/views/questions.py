"""
My questions: the reader's list, saving a question from an article, their own
questions, moving and removing items, and the page to print or download.

Every view reaches the list through ``questions_for(request)`` only, so an item
id from someone else's list is never found (404). Pages that show a list are
never cached: they hold one person's data.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..forms.questions import MoveForm, OwnQuestionForm
from ..models.questions import MAX_QUESTIONS, AlreadySaved, ListFull, questions_for, saveable_questions


def next_url(request, default):
    """Where to go after a POST: the page it came from, if that is on this site."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def site_url():
    """The public address, for the article addresses printed on paper."""
    return settings.SITE_URL.rstrip("/")


def list_url():
    return reverse("community:my_questions")


@never_cache
def my_questions(request, form=None):
    questions = questions_for(request)
    form = form or OwnQuestionForm(questions=questions)
    context = {"items": questions.items(), "form": form, "max_questions": MAX_QUESTIONS}
    return render(request, "community/my_questions/list.html", context, status=400 if form.errors else 200)


@never_cache
def save_question(request, pk):
    """GET: the question and a button to save it (for pages served from the cache). POST: save it."""
    question = get_object_or_404(saveable_questions(), pk=pk)
    questions = questions_for(request)
    if request.method != "POST":
        context = {"question": question, "already_saved": question.pk in questions.saved_question_ids()}
        return render(request, "community/my_questions/save.html", context)
    try:
        questions.save_question(question)
    except AlreadySaved:
        messages.info(request, "That question is already in My questions.")
    except ListFull:
        messages.error(request, f"My questions holds up to {MAX_QUESTIONS} questions. Remove one to make room.")
    else:
        messages.success(request, "Saved to My questions.")
    return redirect(next_url(request, f"{question.article.get_absolute_url()}#question-{question.pk}"))


@require_POST
def add_own_question(request):
    questions = questions_for(request)
    form = OwnQuestionForm(request.POST, questions=questions)
    if not form.is_valid():
        return my_questions(request, form=form)
    try:
        questions.add_own(form.cleaned_data["text"])
    except AlreadySaved:  # added from another tab since the form checked
        messages.info(request, "That question is already in your list.")
    except ListFull:
        messages.error(request, f"Your list holds up to {MAX_QUESTIONS} questions. Remove one to make room.")
    else:
        messages.success(request, "Your question is added to the end of your list.")
    return redirect(list_url())


@require_POST
def move_question(request, item_id):
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to move the question up or down.")
        return redirect(list_url())
    if not questions_for(request).move(item_id, form.step):
        raise Http404("No such question in your list")
    return redirect(f"{list_url()}#item-{item_id}")


@require_POST
def remove_question(request, item_id):
    if not questions_for(request).remove(item_id):
        raise Http404("No such question in your list")
    messages.success(request, "The question is removed from your list.")
    return redirect(next_url(request, list_url()))


@never_cache
def print_questions(request):
    context = {"items": questions_for(request).items(), "today": timezone.localdate(), "site_url": site_url()}
    return render(request, "community/my_questions/print.html", context)


@never_cache
def download_questions(request):
    """The list as a plain-text file, to keep, send or paste into a patient portal."""
    context = {"items": questions_for(request).items(), "today": timezone.localdate(), "site_url": site_url()}
    response = render(request, "community/my_questions/download.txt", context, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "my-questions.txt")
    return response
