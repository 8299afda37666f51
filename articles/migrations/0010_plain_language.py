"""
Plain-language checks: the reading level target in the site settings, the
stored figures the article list shows, and the hype word list, seeded with
the words the issue names and what to say instead. Editors and moderators
may both edit the list.

Articles already there are measured here, as ``Article.save()`` measures
them, so the article list can flag them at once.
"""

import django.core.validators
import django.db.models.functions.text
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

HYPE_WORDS = [
    ("breakthrough", "Say what the study found and how big the difference was, e.g. “more people healed than on placebo”."),
    ("miracle", "Give the result in numbers. No treatment works for everyone, and readers know it."),
    ("cure", "Crohn's and colitis have no cure yet. Say “treatment”, or what it did: “helped some people reach remission”."),
    ("game-changer", "Say what might change for patients, for whom, and when, if later studies agree."),
    ("revolutionary", "Say “new” or “a different approach”, and explain how it works differently."),
    ("wonder drug", "Name the medicine and give the result in numbers, with its side effects."),
    ("groundbreaking", "Say “new”, or “the first to …” if that is true and the source says so."),
    ("life-changing", "Quote what participants reported, or describe the benefit that was measured."),
    ("cutting-edge", "Say “new” or “experimental”, and how far it is from being available."),
    ("dramatic", "Give the size of the change in numbers, e.g. “from 3 in 10 to 5 in 10 people”."),
]  # fmt: skip
HYPE_WORD_PERMISSIONS = ["add_hypeword", "change_hypeword", "delete_hypeword", "view_hypeword"]


def forwards(apps, schema_editor):
    # Permissions are normally made after migrations run; make them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    HypeWord = apps.get_model("articles", "HypeWord")
    permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=HYPE_WORD_PERMISSIONS)
    for name in ["Editors", "Moderators"]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)
    for word, suggestion in HYPE_WORDS:
        HypeWord.objects.get_or_create(word=word, defaults={"suggestion": suggestion})


def measure_existing_articles(apps, schema_editor):
    from articles import readability  # pure functions over text: safe with historical models

    Article = apps.get_model("articles", "Article")
    HypeWord = apps.get_model("articles", "HypeWord")
    hype_words = list(HypeWord.objects.values_list("word", "suggestion"))
    changed = []
    for article in Article.objects.prefetch_related("sections", "questions").iterator(chunk_size=200):
        questions = "\n\n".join(question.text for question in article.questions.all())
        texts = [article.standfirst, article.opening, article.summary, article.closing, questions]
        texts += [section.body for section in article.sections.all()]
        grades = [figures.grade for figures in map(readability.measure, texts) if figures]
        found = []
        for text in [article.headline, article.standfirst, article.opening, article.summary]:
            found += [match.word for match in readability.find_hype(text, hype_words)]
        article.reading_grade = max(grades, default=None)
        article.hype_words = ", ".join(dict.fromkeys(found))[:300]
        changed.append(article)
    Article.objects.bulk_update(changed, ["reading_grade", "hype_words"], batch_size=500)


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="articles", codename__in=HYPE_WORD_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_review_checklist"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="hype_words",
            field=models.CharField(
                blank=True, default="", editable=False, help_text="Hype words found, stored when saved.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="reading_grade",
            field=models.FloatField(
                editable=False, help_text="The reading level of the hardest part, stored when saved.", null=True
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="reading_grade_target",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="The Flesch-Kincaid grade that article text should stay at or below: 7 is about age 11 to 12. Editors see a warning beside text above it; it never stops an article being saved.",
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(18)],
                verbose_name="reading level target",
            ),
        ),
        migrations.CreateModel(
            name="HypeWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "word",
                    models.CharField(
                        help_text="A word or phrase, matched whole and without case: “cure” also finds “cures” and “cured” but not “secure”; “game-changer” also finds “game changer”.",
                        max_length=60,
                    ),
                ),
                ("suggestion", models.CharField(help_text="What to say instead, shown to the editor.", max_length=300)),
            ],
            options={
                "ordering": ["word"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("word"),
                        name="hype_word_unique",
                        violation_error_message="That word is already on the list.",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(measure_existing_articles, migrations.RunPython.noop),
    ]
