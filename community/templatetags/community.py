"""
The discussion under an article. The article template includes it with
``{% load community %}{% discussion article %}``, so articles never import
the community app.

The list of comments is the costly part, so it is cached as a fragment until
anything readers can see changes (articles.caching). Readers and members who
have neither written nor reported anything in this discussion all see the
same list and share a copy; a member with their own comments or reports here
sees edit links and notices for them, so theirs is rendered afresh. The
comment form's CSRF token is never cached; its empty fields are the same for all.

A moderator (who has given their second factor) sees the thread as they
moderate it: held comments too, each with the decisions of the moderation
queue. Their copy, with its CSRF token and held comments, is always drawn
afresh for them and never stored: no reader or member is ever served it.

A message about a comment (posted, edited, reported: community.views.comments.at_comment;
after posting, the address names the comment: ``?posted=N``) is shown in that comment, where
the reader lands at #comment-N, rather than at the top of the page, out of view; the comment
is marked too. Both are the member's own, so a thread that holds them is always drawn afresh
for them, never cached or shared; the other comments in it come from each worker's memo
(``CommentMemo``), so drawing it again costs little.
"""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string

from articles.caching import (
    discussion_versions,
    for_these_versions,
    for_this_site,
    mark_not_canonical,
    version_tag,
)
from articles.models import Article, Topic

from ..forms.comments import CommentForm
from ..forms.moderation import removal_fields
from ..models import Comment, CommunitySettings, Report
from ..models.own_parts import own_parts, takes_part_in
from ..two_factor import awaits_second_factor
from ..views.comments import (
    COMMENTS_PER_PAGE,
    LANDING_TAG,
    POSTED_PARAMETER,
    posted_message,
    why_member_cannot_post,
)
from ..views.moderation import MODERATE

register = template.Library()

THREAD_SECONDS = 600


@register.inclusion_tag("community/_discussion.html", takes_context=True)
def discussion(context, article):
    request = context["request"]
    user = request.user
    cannot_post = why_member_cannot_post(user, article) if user.is_authenticated else None
    landed = landed_messages([*context.get("messages", ()), *just_posted(request, article)])
    html = thread_html(request, article, landed)
    return {
        "article": article,
        "comment_count": comment_count(request, article),
        "thread_html": html,
        "unplaced_messages": [message for messages in landed.values() for message in messages],
        "user": user,
        "request": request,
        "cannot_post": cannot_post,
        "following": user.is_authenticated and article.pk in own_parts(request).followed_article_ids,
        "form_html": new_comment_fields(request) if user.is_authenticated and not cannot_post else "",
        "csrf_token": context.get("csrf_token"),
    }


def comment_count(request, article):
    """The article's count of visible comments, read once per worker and version of its discussion: the article
    object comes from a copy kept for the article's own versions, which a comment doesn't move."""
    return for_these_versions(
        request,
        discussion_versions(article.slug),
        ("comment-count", article.pk),
        lambda: Article.objects.filter(pk=article.pk).values_list("comment_count", flat=True).first() or 0,
    )


def new_comment_fields(request):
    """The empty comment form's fields, the same for every member: drawn once per worker and site version."""
    return for_this_site(
        request,
        "new-comment-fields",
        lambda: render_to_string("community/_comment_fields.html", {"form": CommentForm(article=None)}),
    )


def moderates_here(user):
    """Whether the thread shows this person held comments and the moderators' decisions.

    Moderators are staff (they moderate in admin too): asking about staff first spares every
    member's page the queries for their permissions.
    """
    return user.is_authenticated and user.is_staff and user.has_perm(MODERATE) and not awaits_second_factor(user)


def just_posted(request, article):
    """The confirmation for the comment the member just posted here (``?posted=N``), if N is theirs."""
    pk = request.GET.get(POSTED_PARAMETER, "")
    if not (request.user.is_authenticated and pk.isascii() and pk.isdigit() and len(pk) < 19):
        return []
    comment = Comment.objects.filter(pk=pk, author=request.user, article=article).first()
    return [posted_message(comment)] if comment else []


def landed_pk(message):
    """The comment a message is about, to be shown in (``at_comment``), or None."""
    for tag in message.extra_tags.split():
        if tag.startswith(LANDING_TAG) and tag[len(LANDING_TAG) :].isdigit():
            return int(tag[len(LANDING_TAG) :])
    return None


def landed_messages(messages):
    """The messages to show in a comment, by the comment's id."""
    landed = {}
    for message in messages:
        pk = landed_pk(message)
        if pk is not None:
            landed.setdefault(pk, []).append(message)
    return landed


def landing_kind(messages):
    """How to label the comment the messages are about: "posted", "edited" or ""."""
    tags = {tag for message in messages for tag in message.extra_tags.split()}
    return next((kind for kind in ("posted", "edited") if kind in tags), "")


@register.simple_tag(takes_context=True)
def messages_at_top(context):
    """The messages for the top of an article page: all but those the discussion shows in a comment."""
    return [message for message in context.get("messages", ()) if landed_pk(message) is None]


def thread_html(request, article, landed=None):
    """The thread's HTML. ``landed`` (messages by comment id) are put in their comments and taken out of it;
    those left are for comments not on this page."""
    user = request.user
    number = request.GET.get("comments", "1")[:10]
    if moderates_here(user):
        return render_thread(article, user, number, personal=True, moderating_request=request)
    personal = user.is_authenticated and (bool(landed) or takes_part_in(request, article))
    if personal:
        return render_thread(article, user, number, personal=True, landed=landed)
    viewer = "member" if user.is_authenticated else "reader"
    versions = discussion_versions(article.slug)
    key = f"thread:{version_tag(versions, request)}:{article.pk}:{number}:{viewer}"

    def shared_copy():
        stored = cache.get(key)
        if stored is None:
            page_numbers = []
            html = render_thread(article, user, number, personal=False, page_numbers=page_numbers)
            # A number past the last page, or no number at all, shows a real page: not worth a copy of its own.
            stored = (html, [str(shown) for shown in page_numbers] != [number])
            if not stored[1]:
                cache.set(key, stored, THREAD_SECONDS)
        return stored

    # Kept in this worker too, so a member's page asks the shared cache for nothing it has seen.
    html, another_page_shown = for_these_versions(request, versions, key, shared_copy)
    if another_page_shown:
        mark_not_canonical(request)
    return html


def render_thread(article, user, number, *, personal, moderating_request=None, landed=None, page_numbers=None):
    """The thread's HTML. Only a personal copy may show the reader's own notices and messages, and only
    one drawn for ``moderating_request`` (never stored) the moderators' controls with their CSRF token."""
    moderating = moderating_request is not None
    page = Comment.objects.filter(article=article).thread_page(
        user, number, per_page=COMMENTS_PER_PAGE, moderating=moderating
    )
    if page_numbers is not None:
        page_numbers.append(page.number)
    reported = set()
    context = {"article": article, "page": page, "user": user, "moderating": moderating}
    if personal:
        shown = [c for root in page.object_list for c in [root, *root.visible_replies]]
        reported = set(Report.objects.filter(reporter=user, comment__in=shown).values_list("comment_id", flat=True))
        if any(comment.is_urgent and comment.is_by(user) for comment in shown):
            context["support_contacts_html"] = CommunitySettings.load().support_contacts_html
        for comment in shown:
            if landed and comment.pk in landed:
                comment.landed = landed.pop(comment.pk)
                comment.landed_kind = landing_kind(comment.landed)
    if moderating:
        query = f"?comments={page.number}" if page.number > 1 else ""
        context["return_url"] = article.get_absolute_url() + query
        fields = removal_fields(shown)
        for comment in shown:
            comment.removal_fields = fields[comment.pk]
    context["reported"] = reported
    if not moderating:
        for root in page.object_list:
            root.html = shared_comment_html(root, article, user, reported)
            for reply in root.visible_replies:
                reply.html = shared_comment_html(reply, article, user, reported, is_reply=True)
    return render_to_string("community/_thread.html", context, request=moderating_request)


class CommentMemo:
    """Comments' HTML as everyone but their author sees it, kept in this worker under all that it shows.

    A new comment moves the discussion's version and the thread is drawn again, each time, for every member
    with comments of their own in it: each comment that didn't change is then taken from here, not drawn.
    The key holds every value the HTML shows (``comment_html_key``), so a copy can't outlive what it shows.
    """

    def __init__(self, limit=5000):
        self.limit = limit
        self.entries = {}

    def get(self, key, draw):
        html = self.entries.get(key)
        if html is None:
            if len(self.entries) >= self.limit:
                self.entries = {}
            html = self.entries[key] = draw()
        return html

    def clear(self):
        self.entries = {}


comment_memo = CommentMemo()


def comment_html_key(comment, article, user, reported, is_reply):
    """What community/_comment.html shows of a comment that isn't the viewer's, outside the moderators' view."""
    parent = comment.parent if is_reply and comment.parent_id != comment.thread_id else None
    return (
        user.is_authenticated,
        is_reply,
        article.comments_open,
        comment.pk in reported,
        comment.pk,
        comment.status,
        comment.is_deleted,
        comment.created_at,
        bool(comment.edited_at),
        comment.author_name,
        comment.body_html,
        parent and (parent.is_deleted, parent.author_name),
    )


def shared_comment_html(comment, article, user, reported, *, is_reply=False):
    """The comment's HTML from the worker's memo, unless it is the viewer's own or carries their message:
    those are drawn for them in the thread (None)."""
    if comment.is_by(user) or getattr(comment, "landed", None):
        return None
    context = {"comment": comment, "article": article, "user": user, "reported": reported, "is_reply": is_reply}
    return comment_memo.get(
        comment_html_key(comment, article, user, reported, is_reply),
        lambda: render_to_string("community/_comment.html", context),
    )


@register.simple_tag
def can_edit(comment, user):
    return comment.can_be_edited_by(user)


@register.filter
def is_by(comment, user):
    return comment.is_by(user)


@register.inclusion_tag("community/updates/_subscribe_form.html", takes_context=True)
def email_updates(context, topic=None):
    """The small "new articles by email" form on topic pages (``topic`` chosen) and the home page.

    These pages are cached whole for readers, so the form holds nothing about the visitor and no CSRF
    token: see community/views/updates.py for why its POST needs none.
    """
    topics = [] if topic else context.get("nav_topics") or Topic.objects.all()
    return {"topic": topic, "topics": topics}
