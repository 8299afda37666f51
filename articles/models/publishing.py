"""
What an article must have before it can be published, and how a form checks it without extra queries.

Research news needs questions for the reader's healthcare team and a practical part (issue 12's promises, on
the about page and the editorial policy: tests/test_promises.py); any article's key points box holds a few.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

REVIEW_INTERVAL_MONTHS = 12

KEY_POINTS = range(3, 6)  # how many key points a box holds: a few a tired reader can take in


def key_point_lines(text):
    """The key points an editor wrote, one a line; bullets they typed ("-", "*", "•") are not part of the point."""
    return [line.strip().lstrip("-*•").strip() for line in text.splitlines() if line.strip().lstrip("-*•").strip()]


def validate_key_points(text):
    count = len(key_point_lines(text))
    if count and count not in KEY_POINTS:
        raise ValidationError(
            f"Give {KEY_POINTS.start} to {KEY_POINTS.stop - 1} key points, one a line (there are {count}).",
            code="key_point_count",
        )


# What research news needs besides its source before it can be published (see Article.parts_missing_for_publishing).
MIN_QUESTIONS_FOR_RESEARCH = 3
PRACTICAL_HEADING = "Practical considerations"


def is_practical_heading(heading):
    """An analysis section headed "Practical considerations…" is the part that says what the news means in practice."""
    return heading.strip().casefold().startswith(PRACTICAL_HEADING.casefold())


class PublishingRules:
    """The checks on an article, its fields and its parts, before it is saved or published."""

    def clean(self):
        errors = {}
        if self.status == self.Status.PUBLISHED:
            if self.published_at is None:
                self.published_at = timezone.now()
            if self.kind == self.Kind.RESEARCH_NEWS:
                required = {
                    "source_publisher": "Name the publisher of the reporting this article summarises.",
                    "source_headline": "Give the original headline.",
                    "source_url": "Link to the original article.",
                    "source_published_on": "Give the date the original was published.",
                    "summary": "Research news needs a summary of the reporting.",
                    "evidence_stage": "Choose the stage of the evidence this article reports.",
                }
                required["reviewed_on"] = "Give the date the medical reviewer checked the article."
                for field, message in required.items():
                    if not getattr(self, field):
                        errors[field] = f"{message} Research news can't be published without it."
                if not self.medical_reviewer_id:
                    errors["medical_reviewer"] = (
                        "Name the clinician who checked this article. Research news can't be published without it."
                    )
        if self.hero_image:
            if not self.hero_alt.strip():
                errors["hero_alt"] = "Describe the image for people who can't see it."
            if not self.hero_credit.strip():
                errors["hero_credit"] = "Say who made the image."
        if self.evidence_sentence.strip() and not self.evidence_stage:
            errors["evidence_sentence"] = "Choose the evidence stage too: the sentence is shown with its badge."
        if self.medical_reviewer_id and not self.reviewed_on and "reviewed_on" not in errors:
            errors["reviewed_on"] = "Give the date the medical reviewer checked the article."
        if self.next_review_due and self.reviewed_on and self.next_review_due < self.reviewed_on:
            errors["next_review_due"] = (
                f"The next review can't be before the last one ({self.reviewed_on.day} {self.reviewed_on:%B %Y}). "
                f"Leave it empty to set it to {REVIEW_INTERVAL_MONTHS} months after the review."
            )
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, exclude=None):
        """Validate the fields, but not look up again a topic or person already loaded (a form's choice field did).

        Django would check each with a query of its own; the database still refuses one deleted meanwhile.
        """
        loaded = {
            field.name
            for field in self._meta.concrete_fields
            if field.many_to_one and field.is_cached(self) and getattr(self, field.name) is not None
            and getattr(self, field.name)._state.db
        }  # fmt: skip
        super().clean_fields(exclude={*(exclude or ()), *loaded})

    def get_constraints(self):
        """The constraints a form validates: not the check constraints, whose rules clean() tests first.

        clean() gives each rule a message on the field to fix, and the database still enforces them;
        Django would test each again, with a query of its own, on every save of the form.
        """
        return [
            (model, [constraint for constraint in constraints if not isinstance(constraint, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def parts_missing_for_publishing(self):
        """Why the saved parts keep research news from being published: a list of messages, empty when none.

        The review checklist has its own check, ``unanswered_review_criteria()``. Uses prefetched parts, when they were.
        """
        problems = [self.too_few_questions(), self.no_practical_section()]
        return [problem for problem in problems if problem]

    def too_few_questions(self, count=None):
        """Research news needs questions for the reader's healthcare team; the message saying so, or "".

        Parts are saved after the article, so admin passes ``count`` from its inline forms; else the saved ones count.
        """
        if self.kind != self.Kind.RESEARCH_NEWS:
            return ""
        if count is None:
            count = len(self.questions.all()) if self.pk else 0
        if count >= MIN_QUESTIONS_FOR_RESEARCH:
            return ""
        return (
            f"Research news needs at least {MIN_QUESTIONS_FOR_RESEARCH} questions for your healthcare team "
            f"before it can be published; this one has {count}."
        )

    def no_practical_section(self, headings=None):
        """Research news needs a section on what the news means in practice; the message saying so, or "".

        ``headings``: the analysis sections' headings as admin's inline forms hold them; else the saved ones.
        """
        if self.kind != self.Kind.RESEARCH_NEWS:
            return ""
        if headings is None:
            headings = [section.heading for section in self.sections.all()] if self.pk else []
        if any(is_practical_heading(heading) for heading in headings):
            return ""
        return (
            f"Research news needs an analysis section headed “{PRACTICAL_HEADING}…” (for example "
            f"“{PRACTICAL_HEADING} for patients”) before it can be published: what the news means in practice."
        )

    @property
    def key_point_list(self):
        return key_point_lines(self.key_points)
