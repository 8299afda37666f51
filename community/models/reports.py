"""
Members' reports on comments: why they reported it, and whether a moderator has dealt with it yet.
"""

from django.conf import settings
from django.db import models


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Reports no moderator has dealt with yet."""
        return self.filter(resolved_at__isnull=True)

    def counted(self):
        """Open reports that count toward hiding a comment: from members who may report today.

        Read when counting, not when reporting, so a member suspended later stops counting at once.
        """
        return self.open().filter(
            reporter__profile__email_confirmed_at__isnull=False, reporter__profile__suspended_at__isnull=True
        )


class Report(models.Model):
    class Reason(models.TextChoices):
        MISINFORMATION = "misinformation", "Medical misinformation"
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse or unkindness"
        PERSONAL_INFORMATION = "personal", "Personal information"
        OTHER = "other", "Something else"

    comment = models.ForeignKey("Comment", on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                name="one_report_per_member",
                violation_error_message="You have already reported this comment.",
            )
        ]
        indexes = [
            models.Index(fields=["comment", "resolved_at"], name="report_comment_open"),
            # Only the open reports, a few hundred however many were ever made: the queue's "reported" count.
            models.Index(fields=["comment"], condition=models.Q(resolved_at__isnull=True), name="report_open"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"
