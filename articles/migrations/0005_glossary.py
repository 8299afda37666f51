"""
The glossary: terms editors explain in plain language, linked from articles.

Editors (a group, not superusers) may add, change and delete terms. The
glossary starts empty: definitions are health content that goes through the
site's editorial review like an article, so the starter terms are demo
content (``seed_demo``), not something this migration publishes.
"""

import django.db.models.functions.text
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GLOSSARY_PERMISSIONS = ["add_glossaryterm", "change_glossaryterm", "delete_glossaryterm", "view_glossaryterm"]


def give_editors_the_glossary(apps, schema_editor):
    # Permissions are normally made after migrations run; make this app's now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=GLOSSARY_PERMISSIONS)
    )


def take_the_glossary_from_editors(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=GLOSSARY_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_cache_table"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="GlossaryTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "term",
                    models.CharField(help_text="As readers see it in a sentence, e.g. “fistula”.", max_length=100),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="The term's address in the glossary. Avoid changing it once used.",
                        max_length=100,
                        unique=True,
                    ),
                ),
                (
                    "also_matches",
                    models.CharField(
                        blank=True,
                        help_text="Other forms to link, separated by commas: plurals and other spellings, e.g. “fistulas, fistulae”. Whole words only; capitals don't matter.",
                        max_length=400,
                    ),
                ),
                (
                    "definition",
                    models.TextField(
                        help_text="Markdown. One to three plain sentences a reader can follow without any medical background.",
                        max_length=1200,
                    ),
                ),
                ("definition_html", models.TextField(default="", editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": [django.db.models.functions.text.Lower("term")],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("term"),
                        name="glossary_term_unique_ignoring_case",
                        violation_error_message="The glossary already has this term.",
                    )
                ],
            },
        ),
        migrations.RunPython(give_editors_the_glossary, take_the_glossary_from_editors),
    ]
