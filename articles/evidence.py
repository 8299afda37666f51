"""
How far the evidence behind a research story has come, in one place.

Each stage has the short label editors pick and readers see on the badge, one
plain sentence of what it means for a reader (next to the headline), and a
longer explanation for the "Understanding research stages" page. Keeping them
together means the badge, the page and the admin can never disagree.
"""

from dataclasses import dataclass

from django.db import models
from django.urls import reverse


class EvidenceStage(models.TextChoices):
    """In the order a new treatment usually moves through them, then the kinds of study that stand apart."""

    LABORATORY = "laboratory", "Laboratory or animal study"
    EARLY_TRIAL = "early-trial", "Early human trial"
    RANDOMISED_TRIAL = "randomised-trial", "Larger randomised trial"
    REGULATORY_REVIEW = "regulatory-review", "Under regulatory review"
    APPROVED = "approved", "Approved for use"
    AVAILABLE_TREATMENT = "available-treatment", "New evidence about a treatment already available"
    OBSERVATIONAL = "observational", "Real-world or observational study"
    REVIEW = "review", "Review or guideline"


@dataclass(frozen=True)
class Stage:
    value: str
    label: str
    meaning: str  # one plain sentence, shown with the badge on the article page unless the editor adjusted it
    explanation: str  # a short paragraph, shown on the research stages page

    @property
    def anchor(self):
        return f"stage-{self.value}"

    def get_absolute_url(self):
        return f"{reverse('articles:research_stages')}#{self.anchor}"


# Each sentence must be true of every article that could pick its stage: a stage says how far the
# evidence has come, not whether the treatment is new, so no sentence claims a treatment is or isn't
# available unless its stage says so. Editors adjust the sentence on one article when it needs more.
MEANINGS = {
    EvidenceStage.LABORATORY: (
        "This research was done on cells or animals: it is an early clue, not yet proof that anything helps "
        "people with IBD.",
        "Scientists test an idea on cells in a dish or in animals such as mice. Most ideas that work at this stage "
        "never become treatments, because people's bodies and IBD are more complicated. It is the start of a long "
        "road: interesting to follow, but not something to change your treatment for.",
    ),
    EvidenceStage.EARLY_TRIAL: (
        "This was a small, early study in people, mainly to check safety and dose: it is too small to show for "
        "sure whether the treatment works.",
        "The first studies in people, often called phase 1 or small phase 2 trials, usually include tens of people. "
        "They mainly check that a treatment is safe and find the right dose. They are too small to show for sure "
        "whether it works, and many treatments stop here. A new treatment tested at this stage is usually only "
        "available in a trial.",
    ),
    EvidenceStage.RANDOMISED_TRIAL: (
        "A larger trial compared a new treatment fairly with another treatment or a placebo: a good result is a "
        "real step, but a regulator still has to approve it.",
        "Larger trials, often called phase 2 or phase 3, put people into groups by chance (randomly) so the "
        "groups can be compared fairly, often without anyone knowing who had which treatment. This is the best "
        "way to test whether a treatment works. A good result is a real step forward, but regulators still have "
        "to review all the evidence before doctors can prescribe a new treatment. Trials of treatments doctors "
        "can already offer have their own stage: new evidence about a treatment already available.",
    ),
    EvidenceStage.REGULATORY_REVIEW: (
        "A regulator is checking the evidence for this use of the treatment: a decision often takes a year or "
        "more, and the answer can be no.",
        "Once trials are finished, the company or researchers ask a regulator, such as the MHRA in the UK, the "
        "EMA in Europe or the FDA in the United States, to approve the treatment. Experts there look at all the "
        "results, including safety. Review often takes a year or more, and the answer can be no. Until then, "
        "doctors can't prescribe a new treatment for this use.",
    ),
    EvidenceStage.APPROVED: (
        "A regulator has approved this treatment for some people with IBD: you can ask your healthcare team "
        "whether it is offered where you live and could suit you.",
        "A regulator has decided the benefits outweigh the risks for a particular group of people. Approval does "
        "not always mean it is offered everywhere straight away: health services may still decide whether to pay "
        "for it, approval in one country is not approval in all, and it may suit some people with IBD and not "
        "others.",
    ),
    EvidenceStage.AVAILABLE_TREATMENT: (
        "This study tested a treatment you can already get, such as a medicine in use or a vitamin: it adds to "
        "what is known, so ask your team before changing anything.",
        "Much IBD research is about treatments doctors already offer: two approved medicines compared head to "
        "head, a new dose or timing, a medicine used in a new way, or a vitamin, diet or supplement. Because you "
        "may be able to get the treatment now, the question is whether the new evidence changes what is right "
        "for you. One study rarely does on its own: talk to your healthcare team before you start, stop or "
        "change anything.",
    ),
    EvidenceStage.OBSERVATIONAL: (
        "This study looked at what happens to people in everyday life: it can show links, but not on its own "
        "prove that one thing causes another.",
        "Observational studies follow large groups of people, or look back at health records, without giving "
        "anyone a new treatment. They are good at spotting patterns and at showing how treatments work outside "
        "trials, for example over many years. Because people were not put into groups by chance, other "
        "differences between them may explain what was found.",
    ),
    EvidenceStage.REVIEW: (
        "This brings together earlier studies, or experts' advice built on them: a careful review is strong "
        "evidence, but only as good as the studies it weighs.",
        "A systematic review gathers every good study on a question and weighs them up together; a guideline is "
        "advice that experts write for doctors and patients from that evidence. They change slowly and carefully, "
        "which makes them a good guide to what your healthcare team is likely to recommend. A review of a few "
        "small or weak studies can't make their evidence stronger than it is.",
    ),
}

STAGES = {
    stage.value: Stage(stage.value, stage.label, meaning, explanation)
    for stage, (meaning, explanation) in MEANINGS.items()
}


def describe(value):
    """The stage for a stored value, or None for a blank or unknown one."""
    return STAGES.get(value)
