"""
Revision history, corrections and review dates.

Editors (not superusers) get what they need to keep corrections, see and compare
revisions, restore one and list the articles due for review; moderators get
none of it. Articles already reviewed get their next review date.
"""

import calendar

import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITOR_PERMISSIONS = {
    ("articles", "articlecorrection"): ["add", "change", "delete", "view"],
    ("articles", "articledueforreview"): ["view"],
    # History and compare need to read revisions; restoring also needs change_article, which editors have.
    ("reversion", "revision"): ["view"],
    ("reversion", "version"): ["view"],
}


def ensure_permissions(apps):
    # Permissions are normally made after migrations run; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None


def year_after(day):
    year = day.year + 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for (app_label, model), actions in EDITOR_PERMISSIONS.items():
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.filter(reviewed_on__isnull=False, next_review_due__isnull=True):
        Article.objects.filter(pk=article.pk).update(next_review_due=year_after(article.reviewed_on))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="reversion", codename__in=["view_revision", "view_version"]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_glossary"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleDueForReview",
            fields=[],
            options={
                "verbose_name": "article due for review",
                "verbose_name_plural": "articles due for review",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("articles.article",),
        ),
        migrations.AddField(
            model_name="article",
            name="next_review_due",
            field=models.DateField(
                blank=True,
                help_text="When the article should next be checked. Left empty, it is set to 12 months after the review date. Readers see it; once it has passed, the page says the article is due for review.",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="ArticleCorrection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("correction", "Correction"), ("update", "Update")],
                        default="correction",
                        help_text="A correction fixes something we got wrong; an update adds or clarifies without an error.",
                        max_length=20,
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="Markdown. Say plainly what changed and why, e.g. “An earlier version said … It now says …”."
                    ),
                ),
                ("text_html", models.TextField(default="", editable=False)),
                (
                    "published_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        help_text="The date readers see on the note: today or earlier.",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="corrections", to="articles.article"
                    ),
                ),
            ],
            options={
                "verbose_name": "correction or update",
                "verbose_name_plural": "corrections and updates",
                "ordering": ["-published_at", "-id"],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
