"""Tags set in a few queries, whatever their number: taggit's own manager spends up to ten queries on each."""

from django.conf import settings
from django.db import router
from django.db.models import signals
from taggit.managers import _TaggableManager


class FewQueryTags(_TaggableManager):
    """taggit's manager, finding or creating the tags named and linking them in bulk, with the same signals.

    Taggit's own gets or creates each new tag, and each link, on its own (six queries a new tag, four a link).
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        """Tag objects for the names given: those missing are created in one INSERT; taggit does the rest.

        A name whose slug is taken by another tag is left to taggit, which finds it a free slug.
        """
        names = [tag for tag in tags if isinstance(tag, str)]
        if names and not tag_kwargs and not getattr(settings, "TAGGIT_CASE_INSENSITIVE", False):
            tag_model = self.through.tag_model()
            manager = tag_model._default_manager.using(self._db_for_write())
            found = {tag.name: tag for tag in manager.filter(name__in=names)}
            if missing := [name for name in dict.fromkeys(names) if name not in found]:
                manager.bulk_create(
                    [tag_model(name=name, slug=tag_model().slugify(name)) for name in missing], ignore_conflicts=True
                )
                found |= {tag.name: tag for tag in manager.filter(name__in=missing)}
            tags = [found.get(tag, tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)

    def set(self, tags, *, through_defaults=None, **kwargs):
        """Link exactly the tags given: the links are read once, those to drop deleted and the new inserted."""
        if kwargs.pop("clear", False):
            return super().set(tags, through_defaults=through_defaults, clear=True, **kwargs)
        tag_objs = self._to_tag_model_instances(tags, kwargs.pop("tag_kwargs", {}))
        linked = dict(self._links().values_list("tag__name", "tag_id"))
        wanted = {tag.name for tag in tag_objs}
        self._unlink({tag_id for name, tag_id in linked.items() if name not in wanted})
        self._link([tag for tag in tag_objs if tag.name not in linked], through_defaults)

    def add(self, *tags, through_defaults=None, tag_kwargs=None, **kwargs):
        """Link the tags given that are not linked yet, in one INSERT."""
        if not tags:
            return  # as Django's own add: no query, no signal
        tag_objs = self._to_tag_model_instances(tags, tag_kwargs or {})
        linked = set(self._links().values_list("tag_id", flat=True))
        self._link([tag for tag in tag_objs if tag.pk not in linked], through_defaults)

    def _db_for_write(self):
        return router.db_for_write(self.through, instance=self.instance)

    def _links(self):
        return self.through._default_manager.using(self._db_for_write()).filter(**self._lookup_kwargs())

    def _send(self, action, pk_set):
        signals.m2m_changed.send(
            sender=self.through,
            action=action,
            instance=self.instance,
            reverse=False,
            model=self.through.tag_model(),
            pk_set=pk_set,
            using=self._db_for_write(),
        )

    def _link(self, tags, through_defaults):
        if not tags:
            return
        self._remove_prefetched_objects()
        pk_set = {tag.pk for tag in tags}
        self._send("pre_add", pk_set)
        links = [self.through(tag=tag, **self._lookup_kwargs(), **(through_defaults or {})) for tag in tags]
        self.through._default_manager.using(self._db_for_write()).bulk_create(links, ignore_conflicts=True)
        self._send("post_add", pk_set)

    def _unlink(self, pk_set):
        if not pk_set:
            return
        self._remove_prefetched_objects()
        self._send("pre_remove", pk_set)
        self._links().filter(tag_id__in=pk_set).delete()
        self._send("post_remove", pk_set)
