"""
The moderators' pages: the queue of comments waiting for a decision, the
decision itself, and a member's record with suspension. Only people with the
"community.moderate_comment" permission (the Moderators group) get in, once they
have given their second factor (community.two_factor).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from articles.views import CountedPaginator

from ..forms.moderation import DecisionForm, LiftSuspensionForm, QueueFilterForm, SuspensionForm, removal_fields
from ..models import Comment, ModerationLog, Profile
from ..two_factor import second_factor_required

MODERATE = "community.moderate_comment"
COMMENTS_PER_PAGE = 25
RECENT_COMMENTS = 20
LOG_ENTRIES = 50


def redirect_back(request, fallback):
    """Back where the moderator was (the queue's page and tab), if "next" is a page of this site."""
    url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(url)
    return redirect(fallback)


@login_required
@second_factor_required
@permission_required(MODERATE, raise_exception=True)
@require_GET
def queue(request):
    filter_form = QueueFilterForm(request.GET)
    waiting = Comment.objects.awaiting_review()
    comments = filter_form.filter(waiting).for_moderation()
    counts = waiting.review_counts()  # the tabs' counts; the page count is the shown tab's, not counted again
    count = counts[filter_form.show_value or "all"]
    page = CountedPaginator(comments, COMMENTS_PER_PAGE, count=count).get_page(request.GET.get("page"))
    fields = removal_fields(page)
    context = {
        "page": page,
        "items": [(comment, fields[comment.pk]) for comment in page],
        "show": filter_form.show_value,
        "tabs": [(value, label, counts[value or "all"]) for value, label in QueueFilterForm.SHOW_CHOICES],
    }
    return render(request, "community/moderation/queue.html", context)


@login_required
@second_factor_required
@permission_required(MODERATE, raise_exception=True)
@require_POST
def decide(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article", "author__profile"), pk=pk)
    form = DecisionForm(request.POST, comment=comment)
    whose = f"the comment by {comment.author_name}"
    if not form.is_valid():
        messages.error(request, f"Nothing changed for {whose}: {form.error_text()}")
    elif form.cleaned_data["decision"] == DecisionForm.APPROVE:
        comment.approve(by=request.user)
        messages.success(request, f"Approved {whose}. It is now visible on the article.")
    else:
        comment.remove(by=request.user, reason=form.reason_text)
        messages.success(request, f"Removed {whose}. Reason given: {comment.decision_reason}")
    return redirect_back(request, "community:moderation_queue")


def render_member(request, member, *, suspension_form=None, lift_form=None):
    """The member's page, with a form that failed in place of the blank one."""
    comments = member.comments.all()
    log = ModerationLog.objects.filter(member=member).select_related("actor__profile", "comment__article")
    context = {
        "member": member,
        "profile": member.profile,
        "counts": comments.status_counts(),
        "recent_comments": comments.select_related("article").order_by("-created_at", "-pk")[:RECENT_COMMENTS],
        "log_entries": log[:LOG_ENTRIES],
        "suspension_form": suspension_form or SuspensionForm(member=member, moderator=request.user),
        "lift_form": lift_form or LiftSuspensionForm(member=member),
    }
    return render(request, "community/moderation/member.html", context)


def get_member(user_id):
    """The account, with its profile made now if it was created outside sign-up."""
    member = get_object_or_404(get_user_model().objects.select_related("profile"), pk=user_id)
    Profile.for_user(member)
    return member


@login_required
@second_factor_required
@permission_required(MODERATE, raise_exception=True)
@require_GET
def member(request, user_id):
    return render_member(request, get_member(user_id))


@login_required
@second_factor_required
@permission_required(MODERATE, raise_exception=True)
@require_POST
def suspend(request, user_id):
    member = get_member(user_id)
    form = SuspensionForm(request.POST, member=member, moderator=request.user)
    if not form.is_valid():
        return render_member(request, member, suspension_form=form)
    member.profile.suspend(by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"Suspended {member.profile.display_name}. They can no longer post or reply.")
    return redirect("community:moderation_member", user_id=member.pk)


@login_required
@second_factor_required
@permission_required(MODERATE, raise_exception=True)
@require_POST
def lift_suspension(request, user_id):
    member = get_member(user_id)
    form = LiftSuspensionForm(request.POST, member=member)
    if not form.is_valid():
        return render_member(request, member, lift_form=form)
    member.profile.lift_suspension(by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"Lifted the suspension: {member.profile.display_name} can post again.")
    return redirect("community:moderation_member", user_id=member.pk)
