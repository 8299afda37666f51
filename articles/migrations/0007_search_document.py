"""
Site search: the text each article is found by, filled in for the articles
already there, and on PostgreSQL its weighted vector with a GIN index (an
index SQLite can't make, so it is made here rather than in Meta.indexes).
"""

import django.contrib.postgres.search
from django.db import migrations, models

from articles import search

INDEX_NAME = "article_search_vector"


def fill_search_documents(apps, schema_editor):
    """The articles already there, with the historical models: taggit's manager isn't usable here, so tags
    are read from its TaggedItem table directly."""
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    article_type = (
        apps.get_model("contenttypes", "ContentType").objects.using(db).filter(app_label="articles", model="article")
    )
    tags = {}
    for article_id, name in (
        TaggedItem.objects.using(db).filter(content_type__in=article_type).values_list("object_id", "tag__name")
    ):
        tags.setdefault(article_id, []).append(name)
    articles = (
        Article.objects.using(db).select_related("topic").prefetch_related("sections", "questions").order_by("pk")
    )
    changed = []
    for article in articles.iterator(chunk_size=500):
        article.search_document = search.build_document(
            topic=article.topic.name,
            tags=tags.get(article.pk, []),
            opening_html=article.opening_html,
            summary_html=article.summary_html,
            sections=[
                (s.heading, s.body_html) for s in sorted(article.sections.all(), key=lambda s: (s.position, s.pk))
            ],
            questions=[q.text for q in sorted(article.questions.all(), key=lambda q: (q.position, q.pk))],
            closing_html=article.closing_html,
        )
        changed.append(article)
    Article.objects.using(db).bulk_update(changed, ["search_document"], batch_size=500)
    search.refresh_vectors(Article.objects.using(db).all())


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX_NAME} ON articles_article USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_revisions_corrections")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=models.TextField(
                default="",
                editable=False,
                help_text="What search looks in besides the headline and standfirst: the article's text, "
                "topic, tags and questions. Rebuilt whenever any of them is saved.",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, help_text="PostgreSQL only: the weighted words search finds the article by.", null=True
            ),
        ),
        # The index first: PostgreSQL can't create it on a table with changes made earlier in the transaction.
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(fill_search_documents, migrations.RunPython.noop),
    ]
