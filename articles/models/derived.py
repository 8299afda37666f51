"""What is computed from an article and its parts, in one pass where a save finishes.

Rendered HTML, the search text, the reading level, the hype words found and
(on PostgreSQL) the search vector all come from ``refresh_derived()``. Admin
calls it once after saving the article with its inlines, a restore once after
writing the old revision back, and ``manage.py refresh_derived`` for every
article. Saving a part never works on the whole article: code that changes
parts outside admin calls ``refresh_derived()`` when it is done.
"""

from django.db.models import prefetch_related_objects

from .. import search
from ..caching import article_changed, site_changed
from ..rendering import render_markdown
from .parts import Section
from .plain_language import HypeWord

# The article's own fields written by refresh_derived(); the search vector follows them.
DERIVED_FIELDS = ("opening_html", "summary_html", "closing_html", "search_document", "reading_grade", "hype_words")


class DerivedQuerySet:
    """Derived data for many articles at once, mixed into ``ArticleQuerySet``."""

    def refresh_derived(self, batch_size=500):
        """Compute every article's derived data again, in batches; returns how many articles there were."""
        hype_words = HypeWord.objects.pairs()
        articles = self.select_related("topic").prefetch_related("tags", "sections", "questions").order_by("pk")
        changed_articles, changed_sections = [], []
        for article in articles.iterator(chunk_size=batch_size):
            sections, questions = list(article.sections.all()), list(article.questions.all())
            tags = [tag.name for tag in article.tags.all()]
            changed_sections += article.derive(sections, questions, tags, hype_words)
            changed_articles.append(article)
        self.model.objects.bulk_update(changed_articles, DERIVED_FIELDS, batch_size=batch_size)
        Section.objects.bulk_update(changed_sections, ["body_html"], batch_size=batch_size)
        search.refresh_vectors(self.model.objects.filter(pk__in=[article.pk for article in changed_articles]))
        site_changed()  # readers see the HTML: of any article, perhaps all
        return len(changed_articles)


class DerivedArticle:
    """One article's derived data, mixed into ``Article``."""

    def refresh_derived(self, sections=None, questions=None, tags=None):
        """Compute and store everything derived from the article as saved with its parts, tags and topic.

        Reads the parts afresh (never what was prefetched) unless the caller hands over the ones it has
        just saved, all of them in their order (admin does), and writes only derived fields, so it may
        follow any save. Call it once, when the article and all its parts are saved. The parts read stay
        prefetched, as saved: a revision that follows them reads no more.
        """
        for parts in ("sections", "questions"):
            getattr(self, "_prefetched_objects_cache", {}).pop(parts, None)
        if sections is None or questions is None:
            prefetch_related_objects([self], "sections", "questions")
        sections = list(self.sections.all() if sections is None else sections)
        questions = list(self.questions.all() if questions is None else questions)
        tags = list(self.tags.names()) if tags is None else list(tags)
        changed_sections = self.derive(sections, questions, tags, HypeWord.objects.pairs())
        if changed_sections:
            Section.objects.bulk_update(changed_sections, ["body_html"])
        articles = type(self).objects.filter(pk=self.pk)
        derived = {field: getattr(self, field) for field in DERIVED_FIELDS}
        articles.update(**derived, **search.vector_with(articles, self.search_document))  # one UPDATE
        article_changed(self.slug)  # readers see the HTML

    def derive(self, sections, questions, tags, hype_words):
        """Set the derived fields from the parts given, in memory; returns the sections whose HTML changed."""
        self.opening_html = render_markdown(self.opening)
        self.summary_html = render_markdown(self.summary)
        self.closing_html = render_markdown(self.closing)
        changed_sections = []
        for section in sections:
            body_html = render_markdown(section.body)
            if body_html != section.body_html:
                section.body_html = body_html
                changed_sections.append(section)
        self.search_document = self.build_search_document(sections, questions, tags)
        check = self.plain_language_check(None, hype_words, sections, questions)
        self.reading_grade, self.hype_words = check.worst_grade, self.hype_words_text(check.hype)
        return changed_sections
