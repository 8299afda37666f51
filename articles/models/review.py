"""The review checklist: ten questions health-news reviewers ask of a story, and an article's answers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ..caching import article_changed

# The editorial policy promises a reason with every answer: the same words wherever one is missing.
NOTE_REQUIRED = "Say why, in one plain sentence: readers see this note, and every answer needs one, “Yes” included."


class ReviewAnswer(models.Model):
    """One answer on an article's review checklist: the ten questions health-news reviewers ask of a story.

    The criteria follow HealthNewsReview.org's. A row exists only once a criterion is answered, so
    "unanswered" is simply a missing row; readers see the answers in "How we checked this story".
    """

    class Criterion(models.IntegerChoices):
        # The numbers are stored: never renumber, only add.
        BENEFITS = 1, "Benefits given in numbers"
        HARMS = 2, "Harms covered"
        EVIDENCE = 3, "Quality of the evidence explained"
        COSTS = 4, "Costs and availability"
        ALTERNATIVES = 5, "Alternatives compared"
        INDEPENDENT_SOURCES = 6, "Independent sources"
        NO_DISEASE_MONGERING = 7, "No disease-mongering"
        NOVELTY = 8, "Novelty honest"
        NO_UNJUSTIFIED_LANGUAGE = 9, "No unjustified language"
        BEYOND_PRESS_RELEASE = 10, "More than a press release"

    # For each criterion: the question as editors and readers see it, and what a good answer looks like.
    QUESTIONS = {
        Criterion.BENEFITS: (
            "Does the story say how big the benefit is, in numbers?",
            "Absolute figures (for example 38 in 100 on the treatment, 21 in 100 on placebo), not just "
            "“more” or “halved”.",
        ),
        Criterion.HARMS: (
            "Does the story cover side effects and other harms?",
            "How often harms happened, how serious they were, and what isn't known yet.",
        ),
        Criterion.EVIDENCE: (
            "Does the story explain how strong the evidence is?",
            "The study's design, size and length and its limits; early, small or animal studies flagged as such.",
        ),
        Criterion.COSTS: (
            "Does the story say whether people can get the treatment, and at what cost?",
            "Available now or not, where, and what it costs or how it is prescribed.",
        ),
        Criterion.ALTERNATIVES: (
            "Does the story compare the new option with what people use today?",
            "Names the existing treatments and says how the new one differs.",
        ),
        Criterion.INDEPENDENT_SOURCES: (
            "Does the story draw on sources with no stake in the result?",
            "Who paid for the study and the researchers' ties disclosed; an independent view where there is one.",
        ),
        Criterion.NO_DISEASE_MONGERING: (
            "Does the story avoid making the condition sound more common or worse than it is?",
            "Who is affected, in honest numbers, without scaring readers.",
        ),
        Criterion.NOVELTY: (
            "Is the story honest about what is really new?",
            "Says what came before; “first” only when it is.",
        ),
        Criterion.NO_UNJUSTIFIED_LANGUAGE: (
            "Does the story avoid words the evidence doesn't justify?",
            "No “breakthrough”, “cure” or “miracle” for a trial result.",
        ),
        Criterion.BEYOND_PRESS_RELEASE: (
            "Does the story go further than a press release?",
            "Says where the news came from, and checks a company's or university's claims against the study.",
        ),
    }

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_APPLICABLE = "n/a", "Not applicable"

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="review_answers")
    criterion = models.PositiveSmallIntegerField(choices=Criterion.choices)
    answer = models.CharField(max_length=3, choices=Answer.choices)
    note = models.CharField(
        max_length=300,
        help_text="One plain sentence readers will see, saying why. Required for every answer, “Yes” included.",
        error_messages={"blank": NOTE_REQUIRED},
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The staff account that gave or last changed the answer. Not shown to readers.",
    )
    answered_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "criterion"],
                name="one_review_answer_per_criterion",
                violation_error_message="This question is already answered for this article.",
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.get_answer_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        article_changed(self.article.slug)  # readers see it on the article's page

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#review-checklist-heading"

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        article_changed(self.article.slug)
        return result

    @property
    def question(self):
        return self.QUESTIONS[self.criterion][0]

    @property
    def hint(self):
        return self.QUESTIONS[self.criterion][1]

    def clean(self):
        if self.note and not self.note.strip():  # an empty note is refused as blank, with the same words
            raise ValidationError({"note": NOTE_REQUIRED})


class ArticleReviewChecklist:
    """How far an article's checklist has come, mixed into ``Article``."""

    def unanswered_review_criteria(self, answering=()):
        """The checklist questions still unanswered: research news can't be published until there are none.

        Features are exempt. ``answering``: criteria being answered in the same form, not saved yet.
        Uses ``review_answers`` as prefetched, when it was.
        """
        if self.kind != self.Kind.RESEARCH_NEWS:
            return []
        answered = {answer.criterion for answer in self.review_answers.all()} if self.pk else set()
        return [criterion for criterion in ReviewAnswer.Criterion if criterion not in answered | set(answering)]

    def review_tally(self):
        """How the checklist came out, for the panel's first line: e.g. [("Yes", 8), ("Not applicable", 2)]."""
        answers = [answer.answer for answer in self.review_answers.all()]
        return [(label, answers.count(value)) for value, label in ReviewAnswer.Answer.choices if value in answers]
