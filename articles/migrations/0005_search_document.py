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
    Article = apps.get_model("articles", "Article")
    articles = (
        Article.objects.using(schema_editor.connection.alias)
        .select_related("topic")
        .prefetch_related("tags", "sections", "questions")
        .order_by("pk")
    )
    changed = []
    for article in articles.iterator(chunk_size=500):
        article.search_document = search.build_document(
            topic=article.topic.name,
            tags=[tag.name for tag in article.tags.all()],
            opening_html=article.opening_html,
            summary_html=article.summary_html,
            sections=[
                (s.heading, s.body_html) for s in sorted(article.sections.all(), key=lambda s: (s.position, s.pk))
            ],
            questions=[q.text for q in sorted(article.questions.all(), key=lambda q: (q.position, q.pk))],
            closing_html=article.closing_html,
        )
        changed.append(article)
    Article.objects.using(schema_editor.connection.alias).bulk_update(changed, ["search_document"], batch_size=500)
    search.refresh_vectors(Article.objects.using(schema_editor.connection.alias).all())


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX_NAME} ON articles_article USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_cache_table")]

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
        migrations.RunPython(fill_search_documents, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
