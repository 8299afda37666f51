"""Reader-facing pages: home, article, topic, tag and author lists, the glossary, and search."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from taggit.models import Tag

from . import search
from .caching import ARTICLE_PAGE, LIST_PAGE, cache_for_readers, for_this_page, for_this_site, mark_not_canonical
from .evidence import STAGES
from .forms import SearchForm, StageFilterForm
from .glossary import linked_prose
from .health import QueueState
from .models import Article, Contributor, GlossaryTerm, SiteSettings, Topic
from .shared_pages import render_with_personal_parts, shares_its_page

ARTICLES_PER_PAGE = 10


class CountedPaginator(Paginator):
    """A paginator given its count, so it doesn't count the rows itself."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


def paginate(request, queryset, *, counted_as):
    """One page of articles. The count behind "Page 2 of 40" is taken once per worker and version of the page,
    under the key ``counted_as`` names: counting every matching article on each request cost more than the
    page itself with thousands published (docs/performance.md)."""
    count = for_this_page(request, ("article-count", *counted_as), queryset.count)
    asked = request.GET.get("page")
    page = CountedPaginator(queryset, ARTICLES_PER_PAGE, count=count).get_page(asked)
    if asked is not None and asked != str(page.number):
        mark_not_canonical(request)  # a page past the last shows the last: keep it under its own address only
    return page


class FrontPage:
    """The home page's first page: the featured article and the latest beside it, read only if the cards are
    drawn (members get them from a fragment drawn once per list version)."""

    def __init__(self, page):
        self.page = page

    @cached_property
    def featured(self):
        return Article.objects.featured()

    @cached_property
    def latest(self):
        return [article for article in self.page.object_list if article != self.featured]


@cache_for_readers(depends_on=LIST_PAGE, query=("page",))
def home(request):
    page = paginate(request, Article.objects.published().for_cards(), counted_as=["home"])
    return render(request, "articles/home.html", {"page": page, "front": FrontPage(page)})


@cache_for_readers(depends_on=ARTICLE_PAGE, query=("comments",))
def article_detail(request, slug):
    """A published article; drafts and scheduled ones only as a staff preview. Members share one copy of
    the page, with their own parts put in (articles/shared_pages.py)."""
    article = for_this_page(request, ("article", slug), lambda: Article.objects.for_page().filter(slug=slug).first())
    if article is None:
        raise Http404("No article found")
    is_preview = not article.is_published()
    if is_preview and not request.user.has_perm("articles.view_article"):
        raise Http404("No article found")
    if is_preview and settings.STAFF_TWO_FACTOR and not request.user.is_verified():
        # A preview is staff's view, like admin: it waits for their second factor.
        return redirect_to_login(request.get_full_path(), settings.OTP_LOGIN_URL)
    context = {
        "article": article,
        "is_preview": is_preview,
        "disclaimer": for_this_site(request, "site-settings", SiteSettings.load),
        "prose": for_this_page(request, ("prose", article.pk), lambda: linked_prose(article)),
        "related": for_this_page(request, ("related", article.pk), article.related_articles),
    }
    if not is_preview and shares_its_page(request):
        return render_with_personal_parts(request, "articles/article_detail.html", context, key=("article", article.pk))
    return render(request, "articles/article_detail.html", context)


def stage_filter(request):
    """``?stage=`` on a list page: the stage's value ("" for all), and the form and the stage, for the template."""
    form = StageFilterForm(request.GET)
    stage = form.selected()
    if stage is None:
        if request.GET.get("stage"):
            mark_not_canonical(request)  # an unknown stage shows every stage: not worth a copy of its own
        return "", {"stage_form": form, "stage": None}
    return stage.value, {"stage_form": form, "stage": stage}


@cache_for_readers(depends_on=LIST_PAGE, query=("page", "stage"))
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    stage, filtering = stage_filter(request)
    articles = Article.objects.published().filter(topic=topic).at_stage(stage).for_cards()
    page = paginate(request, articles, counted_as=["topic", topic.pk, stage])
    return render(request, "articles/topic_detail.html", {"topic": topic, "page": page, **filtering})


@cache_for_readers(depends_on=LIST_PAGE, query=("page", "stage"))
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    stage, filtering = stage_filter(request)
    tagged = Article.objects.published().filter(tags=tag)
    page = paginate(request, tagged.at_stage(stage).for_cards(), counted_as=["tag", tag.pk, stage])
    # The count, not the page's articles: members' cards are drawn once per list version, not read each time.
    if not page.paginator.count and not (stage and tagged.exists()):
        raise Http404("No published articles carry this tag")
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page, **filtering})


research_stages = cache_for_readers(
    TemplateView.as_view(template_name="articles/research_stages.html", extra_context={"stages": STAGES.values()})
)


@cache_for_readers(depends_on=LIST_PAGE, query=("page",))
def author_detail(request, slug):
    author = get_object_or_404(Contributor, slug=slug)
    articles = Article.objects.published().for_cards()
    page = paginate(request, articles.filter(author=author), counted_as=["author", author.pk])
    reviewed = articles.filter(medical_reviewer=author)[:5]
    return render(request, "articles/author_detail.html", {"author": author, "page": page, "reviewed": reviewed})


@cache_for_readers
def glossary(request):
    """Every term, A to Z, each with an anchor that articles link to."""
    letters = GlossaryTerm.objects.by_letter()
    return render(request, "articles/glossary.html", {"letters": letters, "has_terms": any(g.terms for g in letters)})


@cache_for_readers(depends_on=LIST_PAGE, query=("q", "page"))
def search_results(request):
    """Published articles matching the query, best first, each with the words found shown in context."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    words = search.terms(query)
    page = None
    if query:
        page = paginate(request, Article.objects.published().search(query).for_results(), counted_as=["search", query])
        for article in page:
            article.headline_html = search.highlight(article.headline, words)
            article.snippet = search.snippet([article.standfirst, search.prose(article.search_document)], words)
    elif "page" in request.GET:
        mark_not_canonical(request)  # no results to page through: the empty form, under its own address only
    context = {"form": form, "query": query, "words": words, "page": page, "was_cut": form.was_cut}
    return render(request, "articles/search.html", context)


def healthz(request):
    """For load balancers: 200 while the database answers, 503 when it doesn't.

    The body adds the job queue's state for people; a stuck queue doesn't take the web server out of service
    (monitor /healthz/queue for that).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    try:
        queue = QueueState.now()
    except DatabaseError:  # the jobs table isn't there yet (migrate not run)
        return HttpResponse("ok\nqueue unknown\n", content_type="text/plain")
    problems = "; ".join(queue.problems)
    return HttpResponse(
        f"ok\nqueue {'needs attention: ' + problems if problems else 'ok'}\n", content_type="text/plain"
    )


def healthz_queue(request):
    """For monitoring: 200 while jobs (emails) run on time, 503 when the queue needs attention (articles.health)."""
    try:
        queue = QueueState.now()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    if queue.problems:
        body = "needs attention: " + "; ".join(queue.problems) + "\n" + queue.counts + "\n"
        return HttpResponse(body, status=503, content_type="text/plain")
    return HttpResponse(f"ok\n{queue.counts}\n", content_type="text/plain")
