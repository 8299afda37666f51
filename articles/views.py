"""Reader-facing pages: home, article, topic, tag and author lists."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from .models import Article, Contributor, SiteSettings, Topic

ARTICLES_PER_PAGE = 10


def paginate(request, queryset):
    return Paginator(queryset, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))


def home(request):
    page = paginate(request, Article.objects.published().for_cards())
    return render(request, "articles/home.html", {"page": page})


def article_detail(request, slug):
    """A published article; drafts and scheduled ones only as a staff preview."""
    article = get_object_or_404(Article.objects.for_page(), slug=slug)
    is_preview = not article.is_published()
    if is_preview and not request.user.has_perm("articles.view_article"):
        raise Http404("No article found")
    context = {
        "article": article,
        "is_preview": is_preview,
        "disclaimer": SiteSettings.load(),
    }
    return render(request, "articles/article_detail.html", context)


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = paginate(request, Article.objects.published().filter(topic=topic).for_cards())
    return render(request, "articles/topic_detail.html", {"topic": topic, "page": page})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, Article.objects.published().filter(tags=tag).for_cards())
    if not page.object_list and page.number == 1:
        raise Http404("No published articles carry this tag")
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page})


def author_detail(request, slug):
    author = get_object_or_404(Contributor, slug=slug)
    articles = Article.objects.published().for_cards()
    page = paginate(request, articles.filter(author=author))
    reviewed = articles.filter(medical_reviewer=author)[:5]
    return render(request, "articles/author_detail.html", {"author": author, "page": page, "reviewed": reviewed})
