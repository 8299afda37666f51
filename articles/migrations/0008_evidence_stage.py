"""
Each research-news article records the stage of the evidence it reports, and
published research news can't be without one.

A migration can't read a story to know its stage, and a guessed stage would
tell readers something untrue about how far a treatment has come. So the
articles whose stage is known (the demo and benchmark articles) get theirs,
and any other published research news without a stage goes back to "In
review", where editors find it, choose its stage and publish it again. On a
site with no such articles this moves nothing.
"""

from django.db import migrations, models

KNOWN_STAGES = {
    # STOMP2: a randomised, double-blind, placebo-controlled trial, not yet approved.
    "stem-cell-therapy-perianal-fistulas-stomp2": "randomised-trial",
    # generate_large_dataset's heavy article reports a phase 3 trial.
    "heavy-benchmark-article": "randomised-trial",
}


def give_published_research_a_stage(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    unstaged = Article.objects.filter(status="published", kind="research", evidence_stage="")
    for slug, stage in KNOWN_STAGES.items():
        unstaged.filter(slug=slug).update(evidence_stage=stage)
    if unstaged.update(status="review"):
        from articles.caching import site_changed

        site_changed()  # readers' cached pages must stop showing them


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_search_document"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="evidence_stage",
            field=models.CharField(
                blank=True,
                choices=[
                    ("laboratory", "Laboratory or animal study"),
                    ("early-trial", "Early human trial"),
                    ("randomised-trial", "Larger randomised trial"),
                    ("regulatory-review", "Under regulatory review"),
                    ("approved", "Approved for use"),
                    ("observational", "Real-world or observational study"),
                    ("review", "Review or guideline"),
                ],
                help_text="How far the evidence in the reporting has come. Readers see it as a badge with the "
                "headline, with a plain sentence of what it means for them. Required before research news can be "
                "published; if a story covers several studies, choose the stage of the main one.",
                max_length=20,
            ),
        ),
        migrations.RunPython(give_published_research_a_stage, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "published"), _negated=True),
                    models.Q(("kind", "research"), _negated=True),
                    models.Q(("evidence_stage", ""), _negated=True),
                    _connector="OR",
                ),
                name="published_research_has_evidence_stage",
                violation_error_message="Published research news needs its evidence stage.",
            ),
        ),
    ]
