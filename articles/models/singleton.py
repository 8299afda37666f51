"""Settings kept in one row: the site's texts (SiteSettings) and the moderation rules (CommunitySettings)."""

from django.db import models


class SingletonModel(models.Model):
    """A model with only ever one row, at pk 1: every save lands there, and ``load()`` reads it.

    Before the row exists (a fresh database, or the row deleted by hand) ``load()`` gives an unsaved one
    with the field defaults, so the site keeps working; ``prepare_unsaved()`` fills what a save would.
    """

    SINGLETON_PK = 1

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        row = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if row is None:
            row = cls(pk=cls.SINGLETON_PK)
            row.prepare_unsaved()
        return row

    def prepare_unsaved(self):
        """Derive what ``save()`` would, for the unsaved row ``load()`` gives before the row exists."""
