"""An article's revision written from the rows a save has just written, in two INSERTs.

django-reversion would first ask the database, kind by kind, whether each row it is
about to keep still exists (four queries for an article with its parts). After an admin
save they all do: admin hands the article and its parts as saved, and this writes
the same revision reversion would (its serialisation, its fields, its signals).
"""

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import router
from django.utils.encoding import force_str
from reversion.models import Revision, Version
from reversion.revisions import _get_options, create_revision
from reversion.signals import post_revision_commit, pre_revision_commit


def version_of(obj, content_type):
    """The row as django-reversion keeps it: serialised with the model's registered format and fields."""
    options = _get_options(type(obj))
    return Version(
        content_type=content_type,
        object_id=force_str(getattr(obj, options.object_id_field)),
        db=router.db_for_write(type(obj), instance=obj),
        format=options.format,
        serialized_data=serializers.serialize(
            options.format, (obj,), fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
        ),
        object_repr=force_str(obj),
    )


def save_revision(rows, *, user, comment, date_created):
    """Keep one revision of the saved rows given (the article first, then its parts in reversion's follow order)."""
    using = router.db_for_write(Revision)
    content_types = ContentType.objects.db_manager(using).get_for_models(*{type(row) for row in rows})
    versions = list({(type(row), row.pk): version_of(row, content_types[type(row)]) for row in rows}.values())
    revision = Revision(date_created=date_created, user=user, comment=comment)
    pre_revision_commit.send(sender=create_revision, revision=revision, versions=versions)
    revision.save(using=using)
    for version in versions:
        version.revision = revision
    Version.objects.using(using).bulk_create(versions)
    post_revision_commit.send(sender=create_revision, revision=revision, versions=versions)
    return revision
