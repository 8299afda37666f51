"""Cache invalidation inherited by community's comments and profiles.

The articles app's models say where they clear cached pages, in their own
save() and delete(); community's models inherit it from here until they do
the same (issue 13).
"""

from django.db import models

from ..caching import content_changed


class ReaderVisible(models.Model):
    """Anything readers see: saving or deleting it makes every cached page stale."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result
