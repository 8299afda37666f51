"""
Safeguarding: the list of phrases that hold a comment as urgent, moderators' rights over it, and the
support contacts its author is shown (community.models.safeguarding).

Editors keep the support contacts, so they may change the community settings too; in admin they
change only the contacts (CommunitySettingsAdmin).
"""

import django.core.validators
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

from articles.rendering import render_markdown

MODERATOR_PERMISSIONS = [
    "view_safeguardingphrase",
    "add_safeguardingphrase",
    "change_safeguardingphrase",
    "delete_safeguardingphrase",
]
EDITOR_PERMISSIONS = ["view_communitysettings", "change_communitysettings"]
# (phrase, kind, words allowed between its words). Phrases, not words: "bleeding", "dying" and
# "kill" alone are everyday talk ("dying to try that recipe", "kill the pain"). Moderators keep the list.
PHRASES = [
    ("suicid*", "self_harm", 0),
    ("kill myself", "self_harm", 0),
    ("killing myself", "self_harm", 0),
    ("end my life", "self_harm", 1),
    ("end it all", "self_harm", 0),
    ("take my own life", "self_harm", 0),
    ("want to die", "self_harm", 1),
    ("wish i was dead", "self_harm", 0),
    ("wish i were dead", "self_harm", 0),
    ("better off dead", "self_harm", 0),
    ("better off without me", "self_harm", 0),
    ("no reason to live", "self_harm", 0),
    ("dont want to live", "self_harm", 1),
    ("dont want to be here any more", "self_harm", 0),
    ("dont want to be here anymore", "self_harm", 0),
    ("cant go on any more", "self_harm", 0),
    ("cant go on anymore", "self_harm", 0),
    ("self harm*", "self_harm", 0),
    ("harming myself", "self_harm", 0),
    ("hurting myself", "self_harm", 0),
    ("cutting myself", "self_harm", 0),
    ("took an overdose", "self_harm", 1),
    ("take an overdose", "self_harm", 1),
    ("unalive*", "self_harm", 0),
    ("heavy bleeding", "medical", 0),
    ("bleeding heavily", "medical", 0),
    ("bleeding wont stop", "medical", 1),
    ("cant stop bleeding", "medical", 1),
    ("vomiting blood", "medical", 0),
    ("throwing up blood", "medical", 0),
    ("severe pain fever", "medical", 4),
    ("high fever severe pain", "medical", 3),
]


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

    SafeguardingPhrase = apps.get_model("community", "SafeguardingPhrase")
    for phrase, kind, words_between in PHRASES:
        SafeguardingPhrase.objects.get_or_create(phrase=phrase, defaults={"kind": kind, "words_between": words_between})
    CommunitySettings = apps.get_model("community", "CommunitySettings")
    rules, _ = CommunitySettings.objects.get_or_create(pk=1)
    rules.support_contacts_html = render_markdown(rules.support_contacts)
    rules.save(update_fields=["support_contacts_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0005_pending_email"),
    ]

    operations = [
        migrations.CreateModel(
            name="SafeguardingPhrase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "phrase",
                    models.CharField(
                        help_text="Whole words, in any case, with or without punctuation and accents; one typing slip in a long word still matches. End a word with * to match any ending: suicid* matches suicide and suicidal. Prefer phrases to single words: “bleeding” alone is common in colitis, “heavy bleeding” less so.",
                        max_length=100,
                        unique=True,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("self_harm", "Self-harm or suicide"), ("medical", "Medical emergency")], max_length=20
                    ),
                ),
                (
                    "words_between",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="How many other words may come between the phrase's words: 0 for the phrase exactly as written.",
                        validators=[django.core.validators.MaxValueValidator(5)],
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="Why it is on the list, for other moderators.", max_length=200
                    ),
                ),
            ],
            options={
                "ordering": ["kind", "phrase"],
            },
        ),
        migrations.AddField(
            model_name="communitysettings",
            name="support_contacts",
            field=models.TextField(
                blank=True,
                default="If you are in danger, thinking about ending your life or very unwell, please don't wait for us:\n\n- **999**: call in an emergency, for example heavy bleeding that won't stop, or severe pain with a fever, or go to A&E.\n- **NHS 111**: call 111, or go to 111.nhs.uk, for urgent medical help, day or night.\n- **Samaritans**: call 116 123, free, 24 hours a day, to talk to someone who will listen.",
                help_text="Shown to a member whose comment was held because they may need support. Markdown. Keep the numbers current: who to call in an emergency, for urgent medical help, and to talk. Left empty, the UK contacts the site started with are shown.",
            ),
        ),
        migrations.AddField(
            model_name="communitysettings",
            name="support_contacts_html",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AlterField(
            model_name="comment",
            name="hold_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not held"),
                    ("urgent", "Urgent: may need support"),
                    ("new_member", "One of a new member's first comments"),
                    ("links", "Contains several links"),
                    ("word_list", "Matches the moderation word list"),
                    ("reports", "Reported by several members"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
