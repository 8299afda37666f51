"""The glossary: words readers may not know, explained in plain language."""

import string
import unicodedata
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from ..caching import site_changed
from ..rendering import render_markdown

# Typographic apostrophes and hyphens count as the plain ones when forms are compared.
SAME_CHARACTERS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})


def normalise_form(text):
    """How forms of a term are compared: case, runs of spaces and curly apostrophes don't matter."""
    return " ".join(text.split()).casefold().translate(SAME_CHARACTERS)


class GlossaryLetter(NamedTuple):
    letter: str
    anchor: str  # the id of its part of the glossary page
    terms: list


class GlossaryTermQuerySet(models.QuerySet):
    def by_letter(self):
        """Every letter A to Z, with the terms that start with it (perhaps none), then "#" for any others."""
        groups = {letter: [] for letter in string.ascii_uppercase}
        for term in self.order_by(Lower("term")):
            groups.setdefault(term.letter, []).append(term)
        return [
            GlossaryLetter(letter, f"letter-{letter.lower() if letter.isalpha() else 'other'}", terms)
            for letter, terms in groups.items()
            if terms or letter.isalpha()
        ]


class GlossaryTerm(models.Model):
    """A word readers may not know, explained in plain language.

    Articles link the first place each term appears to its definition
    (``articles/glossary.py``), so a term and every one of its forms belongs
    to one entry only.
    """

    term = models.CharField(max_length=100, help_text="As readers see it in a sentence, e.g. “fistula”.")
    slug = models.SlugField(
        max_length=100, unique=True, help_text="The term's address in the glossary. Avoid changing it once used."
    )
    also_matches = models.CharField(
        max_length=400,
        blank=True,
        help_text="Other forms to link, separated by commas: plurals and other spellings, e.g. "
        "“fistulas, fistulae”. Whole words only; capitals don't matter.",
    )
    definition = models.TextField(
        max_length=1200,
        help_text="Markdown. One to three plain sentences a reader can follow without any medical background.",
    )
    definition_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="glossary_term_unique_ignoring_case",
                violation_error_message="The glossary already has this term.",
            ),
        ]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.definition_html = render_markdown(self.definition)
        super().save(*args, **kwargs)
        site_changed()  # the glossary page, and its links in every article

    def get_absolute_url(self):
        return reverse("articles:glossary") + f"#term-{self.slug}"

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        site_changed()
        return result

    @property
    def alternative_forms(self):
        """The "also matches" forms, tidied: no blanks, no repeats, not the term itself."""
        seen = {normalise_form(self.term)}
        forms = []
        for form in self.also_matches.split(","):
            form = " ".join(form.split())
            if form and normalise_form(form) not in seen:
                seen.add(normalise_form(form))
                forms.append(form)
        return forms

    @property
    def forms(self):
        """Every form articles link: the term first, then its alternatives."""
        return [" ".join(self.term.split()), *self.alternative_forms]

    @property
    def letter(self):
        """The heading it is listed under: A to Z, or "#" for a term that starts with anything else."""
        first = unicodedata.normalize("NFKD", self.term.strip()[:1]).upper()[:1]
        return first if "A" <= first <= "Z" else "#"

    def clean(self):
        errors = {}
        owners = self._owners_of_other_forms()
        owner = owners.get(normalise_form(self.term))
        if not any(character.isalnum() for character in self.term):
            errors["term"] = "A term needs at least one letter or number."
        elif owner and normalise_form(owner) == normalise_form(self.term):
            errors["term"] = f"The glossary already has “{owner}”."
        elif owner:
            errors["term"] = (
                f"“{self.term.strip()}” is already a form of “{owner}”: "
                "edit that entry instead, or take the form out of it first."
            )
        taken = [
            f"“{form}” (in “{owners[normalise_form(form)]}”)"
            for form in self.alternative_forms
            if normalise_form(form) in owners
        ]
        if taken:
            errors["also_matches"] = "Each form can belong to one term only. Already used: " + ", ".join(taken) + "."
        if errors:
            raise ValidationError(errors)

    def _owners_of_other_forms(self):
        """Every form of every other term, normalised, with the term it belongs to."""
        owners = {}
        for other in GlossaryTerm.objects.exclude(pk=self.pk).only("term", "also_matches"):
            for form in other.forms:
                owners.setdefault(normalise_form(form), other.term)
        return owners
