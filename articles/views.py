"""Reader-facing pages: home, article, topic, tag and author lists."""

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.generic import TemplateView
from taggit.models import Tag

from .caching import cache_for_readers, for_this_generation
from .evidence import STAGES
from .forms import StageFilterForm
from .models import Article, Contributor, SiteSettings, Topic

ARTICLES_PER_PAGE = 10


def paginate(request, queryset):
    return Paginator(queryset, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))


@cache_for_readers
def home(request):
    page = paginate(request, Article.objects.published().for_cards())
    return render(request, "articles/home.html", {"page": page})


@cache_for_readers
def article_detail(request, slug):
    """A published article; drafts and scheduled ones only as a staff preview."""
    article = for_this_generation(
        request, ("article", slug), lambda: Article.objects.for_page().filter(slug=slug).first()
    )
    if article is None:
        raise Http404("No article found")
    is_preview = not article.is_published()
    if is_preview and not request.user.has_perm("articles.view_article"):
        raise Http404("No article found")
    context = {
        "article": article,
        "is_preview": is_preview,
        "disclaimer": for_this_generation(request, "site-settings", SiteSettings.load),
    }
    return render(request, "articles/article_detail.html", context)


def stage_filter(request):
    """``?stage=`` on a list page: the stage's value ("" for all), and the form, the stage and the query
    that pagination keeps, for the template."""
    form = StageFilterForm(request.GET)
    stage = form.selected()
    if stage is None:
        return "", {"stage_form": form, "stage": None, "filter_query": ""}
    return stage.value, {"stage_form": form, "stage": stage, "filter_query": urlencode({"stage": stage.value})}


@cache_for_readers
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    stage, filtering = stage_filter(request)
    page = paginate(request, Article.objects.published().filter(topic=topic).at_stage(stage).for_cards())
    return render(request, "articles/topic_detail.html", {"topic": topic, "page": page, **filtering})


@cache_for_readers
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    stage, filtering = stage_filter(request)
    tagged = Article.objects.published().filter(tags=tag)
    page = paginate(request, tagged.at_stage(stage).for_cards())
    if not page.object_list and page.number == 1 and not (stage and tagged.exists()):
        raise Http404("No published articles carry this tag")
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page, **filtering})


research_stages = cache_for_readers(
    TemplateView.as_view(template_name="articles/research_stages.html", extra_context={"stages": STAGES.values()})
)


@cache_for_readers
def author_detail(request, slug):
    author = get_object_or_404(Contributor, slug=slug)
    articles = Article.objects.published().for_cards()
    page = paginate(request, articles.filter(author=author))
    reviewed = articles.filter(medical_reviewer=author)[:5]
    return render(request, "articles/author_detail.html", {"author": author, "page": page, "reviewed": reviewed})


def healthz(request):
    """For load balancers: 200 while the database answers, 503 when it doesn't."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
