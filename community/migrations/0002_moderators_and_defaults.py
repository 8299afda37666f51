"""
What moderators may do, the default moderation rules and starting word lists.

Moderators (not superusers) moderate on the site and in admin: comments,
reports, the word lists and the rules. Editors may read the discussion.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    "moderate_comment",
    "view_comment",
    "change_comment",
    "view_report",
    "view_profile",
    "view_moderationlog",
    "view_communitysettings",
    "change_communitysettings",
    "view_moderationword",
    "add_moderationword",
    "change_moderationword",
    "delete_moderationword",
]
EDITOR_PERMISSIONS = ["view_comment"]
# Phrases that send a comment to a moderator first: common in health spam and in
# advice to abandon treatment. Moderators keep the lists in admin.
HOLD_PHRASES = ["stop taking", "miracle cure", "cured my crohn's", "guaranteed", "whatsapp", "telegram", "dm me"]
BLOCK_PHRASES = ["casino", "crypto investment", "buy followers"]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    community = Permission.objects.filter(content_type__app_label="community")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(*community.filter(codename__in=MODERATOR_PERMISSIONS))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*community.filter(codename__in=EDITOR_PERMISSIONS))

    apps.get_model("community", "CommunitySettings").objects.get_or_create(pk=1)
    ModerationWord = apps.get_model("community", "ModerationWord")
    for phrase in HOLD_PHRASES:
        ModerationWord.objects.get_or_create(phrase=phrase, defaults={"action": "hold"})
    for phrase in BLOCK_PHRASES:
        ModerationWord.objects.get_or_create(phrase=phrase, defaults={"action": "block"})


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("articles", "0002_groups_topics_and_settings"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
