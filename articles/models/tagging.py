"""Tags set in a few queries, whatever their number: taggit's own manager spends up to ten queries on each."""

from django.conf import settings
from django.db import router
from django.db.models import signals
from taggit.managers import _TaggableManager


class FewQueryTags(_TaggableManager):
    """taggit's manager, finding or creating the tags named and linking them in bulk.

    Taggit's own gets or creates each new tag, and each link, on its own (six queries a new tag, four a link).
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        """Tag objects for the names given: those missing are created in one INSERT; taggit does the rest.

        A name whose slug is taken by another tag is left to taggit, which finds it a free slug.
        """
        names = [tag for tag in tags if isinstance(tag, str)]
        if names and not tag_kwargs and not getattr(settings, "TAGGIT_CASE_INSENSITIVE", False):
            tag_model = self.through.tag_model()
            manager = tag_model._default_manager.using(router.db_for_write(self.through, instance=self.instance))
            found = {tag.name: tag for tag in manager.filter(name__in=names)}
            if missing := [name for name in dict.fromkeys(names) if name not in found]:
                manager.bulk_create(
                    [tag_model(name=name, slug=tag_model().slugify(name)) for name in missing], ignore_conflicts=True
                )
                found |= {tag.name: tag for tag in manager.filter(name__in=missing)}
            tags = [found.get(tag, tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)

    def add(self, *tags, through_defaults=None, tag_kwargs=None, **kwargs):
        """Link the tags not yet linked, in one INSERT; nothing at all when there are none (as Django's own add)."""
        if not tags:
            return
        self._remove_prefetched_objects()
        db = router.db_for_write(self.through, instance=self.instance)
        tag_objs = self._to_tag_model_instances(tags, tag_kwargs or {})
        links = self.through._default_manager.using(db)
        linked = set(links.filter(**self._lookup_kwargs()).values_list("tag_id", flat=True))
        new = [tag for tag in tag_objs if tag.pk not in linked]
        new_ids = {tag.pk for tag in new}
        send = signals.m2m_changed.send
        common = {"sender": self.through, "instance": self.instance, "reverse": False, "pk_set": new_ids, "using": db}
        send(action="pre_add", model=self.through.tag_model(), **common)
        links.bulk_create(
            [self.through(tag=tag, **self._lookup_kwargs(), **(through_defaults or {})) for tag in new],
            ignore_conflicts=True,
        )
        send(action="post_add", model=self.through.tag_model(), **common)
