"""
Counts of attempts (signing up, logging in, posting, reporting) for the rate limits in ``community.ratelimit``.

One row per limit, per member or address counted, per window. The row is
counted up in the database itself, so any number of workers can count at once
and each attempt gets a number of its own; and it sits in a table of its own,
where no flood of cached pages can push it out. Keys hold a hash, never an
email or IP address. A row is kept one window past its own, as the next window
weighs it, and then only until a new window begins somewhere, which deletes
every expired row.
"""

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


class RateLimitCounterQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(expires_at__lte=timezone.now())


class RateLimitCounter(models.Model):
    key = models.CharField(
        max_length=200,
        primary_key=True,
        help_text="The limit's scope, a hash of the member or address counted, and the start of the window.",
    )
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(
        db_index=True,
        help_text=(
            "One window past the end of its own: the next window still weighs this count; it is void after that."
        ),
    )

    objects = RateLimitCounterQuerySet.as_manager()

    class Meta:
        verbose_name = "rate limit counter"

    def __str__(self):
        return f"{self.key}: {self.count}"

    @classmethod
    def hit(cls, key, expires_at, previous_key):
        """Count one more attempt; the count so far, this attempt included, and the count at `previous_key`.

        The row stays locked from the increment to the read, so parallel attempts each
        get their own number: with a limit of N, exactly N see a count of N or less.
        """
        created = False
        with transaction.atomic(savepoint=False):  # within a caller's transaction, part of it: all or nothing
            if not cls.objects.filter(key=key).update(count=F("count") + 1):
                try:
                    with transaction.atomic():
                        cls.objects.create(key=key, count=1, expires_at=expires_at)
                    created = True
                except IntegrityError:  # another worker made the row first
                    cls.objects.filter(key=key).update(count=F("count") + 1)
            count, previous = cls.counts_for(key, previous_key)
        if created:
            # A new window has begun for someone: a cheap moment to drop the windows that have ended.
            cls.objects.expired().delete()
        return count, previous

    @classmethod
    def give_back(cls, key):
        """Take back one attempt counted earlier (a login that succeeded costs nothing)."""
        cls.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    @classmethod
    def counts_for(cls, *keys):
        """The counts at these keys, in one query: 0 where there is no row."""
        counts = dict(cls.objects.filter(key__in=keys).values_list("key", "count"))
        return tuple(counts.get(key, 0) for key in keys)
