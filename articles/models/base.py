"""The base of every model readers see."""

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
