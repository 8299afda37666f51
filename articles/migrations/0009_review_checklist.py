"""
The review checklist on research news, and the Editors' permissions on it
(editors are not superusers: without these the checklist inline is hidden
from them). Moderators may view it, as they may view articles.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_permissions(apps, schema_editor):
    # Permissions are normally made after migrations run; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    answers = Permission.objects.filter(content_type__app_label="articles", content_type__model="reviewanswer")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*answers)
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(*answers.filter(codename="view_reviewanswer"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_evidence_stage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewAnswer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "criterion",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Benefits given in numbers"),
                            (2, "Harms covered"),
                            (3, "Quality of the evidence explained"),
                            (4, "Costs and availability"),
                            (5, "Alternatives compared"),
                            (6, "Independent sources"),
                            (7, "No disease-mongering"),
                            (8, "Novelty honest"),
                            (9, "No unjustified language"),
                            (10, "More than a press release"),
                        ]
                    ),
                ),
                (
                    "answer",
                    models.CharField(choices=[("yes", "Yes"), ("no", "No"), ("n/a", "Not applicable")], max_length=3),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="One plain sentence readers will see. Required for “No” and “Not applicable”: say why.",
                        max_length=300,
                    ),
                ),
                ("answered_on", models.DateTimeField(auto_now=True)),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        help_text="The staff account that gave or last changed the answer. Not shown to readers.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_answers",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "ordering": ["criterion"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "criterion"),
                        name="one_review_answer_per_criterion",
                        violation_error_message="This question is already answered for this article.",
                    )
                ],
            },
        ),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
