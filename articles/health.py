"""
The state of the job queue, for /healthz and /healthz/queue. Every email is
a job (community.tasks), run by ``manage.py db_worker`` from a database table.

The queue needs attention when:

- a job ready to run has waited longer than ``QUEUE_STUCK_SECONDS``: no
  worker is running, or too few for the load;
- a job has been running that long: its worker was killed mid-job, and the
  job will not run again by itself;
- a job failed in the last hour: an email gave up after its retries (the
  mail server has been down for most of a day), or a job crashed.

Jobs waiting to retry later (the mail server refused or hung) are normal and
only counted; the worker logs each failed attempt.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

FAILED_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class QueueState:
    ready: int
    retrying: int
    running: int
    waited_too_long: int
    ran_too_long: int
    failed_recently: int

    @classmethod
    def now(cls):
        """Count the jobs that matter in one query: finished ones are left out, except recent failures."""
        now = timezone.now()
        too_old = now - timedelta(seconds=settings.QUEUE_STUCK_SECONDS)
        ready, running, failed = TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED
        never_deferred = Q(run_after=get_date_max())  # how the table stores "run as soon as you can"
        due = Q(status=ready) & (never_deferred | Q(run_after__lte=now))
        counts = DBTaskResult.objects.filter(
            Q(status__in=[ready, running]) | Q(status=failed, finished_at__gte=now - FAILED_WINDOW)
        ).aggregate(
            ready=Count("pk", filter=due),
            retrying=Count("pk", filter=Q(status=ready, run_after__gt=now) & ~never_deferred),
            running=Count("pk", filter=Q(status=running)),
            # A job's wait starts when it was enqueued, or at its run_after when it was deferred to retry.
            waited_too_long=Count(
                "pk",
                filter=Q(status=ready) & ((never_deferred & Q(enqueued_at__lt=too_old)) | Q(run_after__lt=too_old)),
            ),
            ran_too_long=Count("pk", filter=Q(status=running, started_at__lt=too_old)),
            failed_recently=Count("pk", filter=Q(status=failed)),
        )
        return cls(**counts)

    @property
    def problems(self):
        stuck = f"over {settings.QUEUE_STUCK_SECONDS} s"
        return [
            message
            for count, message in [
                (self.waited_too_long, f"{self.waited_too_long} waited {stuck} to start (is a worker running?)"),
                (self.ran_too_long, f"{self.ran_too_long} running for {stuck} (was its worker killed?)"),
                (self.failed_recently, f"{self.failed_recently} failed in the last hour"),
            ]
            if count
        ]

    @property
    def counts(self):
        return (
            f"{self.ready} ready, {self.retrying} waiting to retry, {self.running} running, "
            f"{self.failed_recently} failed in the last hour"
        )
