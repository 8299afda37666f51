"""How readers find articles: the search text kept with each one, and related articles."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from .. import search

# Only search reads these, and they are as long as the article: other pages leave them in the database.
SEARCH_FIELDS = ("search_document", "search_vector")


class SearchableQuerySet:
    """Search over articles, mixed into ``ArticleQuerySet``."""

    def search(self, query):
        """These articles that match what a reader typed, best first (see articles/search.py)."""
        return search.search(self, query)

    def rebuild_search_documents(self, batch_size=500):
        """Rebuild the search text of many articles at once, e.g. after a bulk insert."""
        articles = self.select_related("topic").prefetch_related("tags", "sections", "questions").order_by("pk")
        changed = []
        for article in articles.iterator(chunk_size=batch_size):
            article.search_document = article.build_search_document()
            changed.append(article)
        self.model.objects.bulk_update(changed, ["search_document"], batch_size=batch_size)
        search.refresh_vectors(self.model.objects.filter(pk__in=self.values("pk")))


class FindableArticle:
    """One article's search text and related articles, mixed into ``Article``."""

    def build_search_document(self, sections=None, questions=None, tags=None):
        """The plain text search looks in; the parts and tags default to the article's own (prefetched)."""
        saved = self.pk is not None
        if tags is None:
            tags = [tag.name for tag in self.tags.all()] if saved else []
        if sections is None:
            sections = self.sections.all() if saved else []
        if questions is None:
            questions = self.questions.all() if saved else []
        return search.build_document(
            topic=self.topic.name if self.topic_id else "",
            tags=tags,
            opening_html=self.opening_html,
            summary_html=self.summary_html,
            sections=[(s.heading, s.body_html) for s in sections],
            questions=[q.text for q in questions],
            closing_html=self.closing_html,
        )

    def related_articles(self, limit=3):
        """Published articles that share this one's tags or topic: most shared tags first, then newest.

        One query, with the shared tags counted in a subquery so that the
        database never groups whole article rows. Reads ``self.tags.all()``,
        which ``for_page()`` has already prefetched.
        """
        Article = self._meta.concrete_model
        tag_ids = [tag.pk for tag in self.tags.all()]
        tagged = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Article), tag_id__in=tag_ids)
        if tag_ids:
            shared_tags = Subquery(
                tagged.filter(object_id=OuterRef("pk"))
                .order_by()
                .values("object_id")
                .annotate(n=Count("*"))
                .values("n")
            )
            sharing = Q(topic_id=self.topic_id) | Q(pk__in=tagged.values("object_id"))
        else:
            shared_tags, sharing = Value(0), Q(topic_id=self.topic_id)
        related = (
            Article.objects.published()
            .for_cards()
            .filter(sharing)
            .exclude(pk=self.pk)
            .annotate(shared_tags=Coalesce(shared_tags, 0))
            .order_by("-shared_tags", "-published_at", "-id")
        )
        return list(related[:limit])
