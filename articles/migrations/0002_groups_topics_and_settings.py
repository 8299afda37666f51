"""
The editorial groups, the starting topics and the site-wide disclaimer.

Editors do their whole job in admin without superuser rights: every
permission on what this app publishes, and on tags; none on users or groups.
Moderators start with read access to articles; the community app adds theirs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "articles": ["article", "section", "question", "studyfacts", "contributor", "topic"],
    "taggit": ["tag"],
}
TOPICS = [
    ("Crohn's disease", "crohns-disease", "Research and practical news about Crohn's disease."),
    ("Ulcerative colitis", "ulcerative-colitis", "Research and practical news about ulcerative colitis."),
    ("Treatments", "treatments", "Medicines, surgery and other treatments, and how they are tested."),
    ("Research", "research", "How IBD research works and what new studies found."),
    ("Living with IBD", "living-with-ibd", "Everyday life with Crohn's or colitis: work, food, fatigue and more."),
]
DISCLAIMER = (
    "This article is for general information and education only. It is not a substitute for "
    "professional medical advice, diagnosis or treatment. Always ask your doctor, IBD nurse or other "
    "qualified health professional about your own condition, and never stop or change a treatment "
    "because of something you read here."
)


def ensure_permissions(apps):
    # Permissions are normally made after migrations run; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Topic = apps.get_model("articles", "Topic")
    SiteSettings = apps.get_model("articles", "SiteSettings")

    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, models in EDITOR_MODELS.items():
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
        )
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            content_type__model="sitesettings",
            codename__in=["change_sitesettings", "view_sitesettings"],
        )
    )
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(*Permission.objects.filter(codename="view_article"))

    for position, (name, slug, description) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )

    if not SiteSettings.objects.filter(pk=1).exists():
        html = "<p>" + DISCLAIMER + "</p>"
        SiteSettings.objects.create(pk=1, medical_disclaimer=DISCLAIMER, medical_disclaimer_html=html)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
