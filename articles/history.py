"""
Readable comparisons of two revisions of an article, for editors.

A django-reversion revision holds the article with its sections, questions
and study facts (see the ``reversion.register`` calls in models.py). This
turns two revisions into the changes an editor cares about, part by part and
field by field, under the labels they know from the form, with long texts
diffed word by word. Fields the site computes (rendered HTML, image
renditions, the comment count, timestamps) are left out: they follow from
the ones shown.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from .models import Article, Question, Section, StudyFacts

COMPUTED_FIELDS = {
    "id",
    "article",
    "opening_html",
    "summary_html",
    "closing_html",
    "body_html",
    "hero_renditions",
    "hero_width",
    "hero_height",
    "comment_count",
    "search_document",
    "search_vector",
    "created_at",
    "updated_at",
}
# Parts in the order the page shows them.
PART_ORDER = {Article: 0, StudyFacts: 1, Section: 2, Question: 3}
WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def diff_html(self):
        """The new text with removed words in <del> and added words in <ins>, everything escaped."""
        old_words, new_words = WORDS.findall(self.old), WORDS.findall(self.new)
        pieces = []
        matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                pieces.append(escape("".join(old_words[i1:i2])))
                continue
            if i2 > i1:
                pieces.append(f"<del>{escape(''.join(old_words[i1:i2]))}</del>")
            if j2 > j1:
                pieces.append(f"<ins>{escape(''.join(new_words[j1:j2]))}</ins>")
        return mark_safe("".join(pieces))  # every piece of text above is escaped


@dataclass
class PartChange:
    """One part of the article (the article itself, a section, a question, the study facts) that changed."""

    title: str
    status: str  # "changed", "added" or "removed"
    changes: list = field(default_factory=list)


@dataclass
class Part:
    model: type
    pk: object
    title: str
    position: int
    values: dict  # label -> text, in the order of the model's fields


def compare_revisions(old_revision, new_revision):
    """What changed from ``old_revision`` to ``new_revision``, as PartChanges in page order."""
    old_parts, new_parts = snapshot(old_revision), snapshot(new_revision)
    keys = sorted(old_parts.keys() | new_parts.keys(), key=lambda key: _order(old_parts, new_parts, key))
    result = []
    for key in keys:
        old, new = old_parts.get(key), new_parts.get(key)
        if old is None:
            changes = [FieldChange(label, "", text) for label, text in new.values.items() if text]
            result.append(PartChange(new.title, "added", changes))
        elif new is None:
            changes = [FieldChange(label, text, "") for label, text in old.values.items() if text]
            result.append(PartChange(old.title, "removed", changes))
        else:
            changes = [
                FieldChange(label, old.values.get(label, ""), text)
                for label, text in new.values.items()
                if old.values.get(label, "") != text
            ]
            if changes:
                result.append(PartChange(new.title, "changed", changes))
    return result


def _order(old_parts, new_parts, key):
    part = new_parts.get(key) or old_parts[key]
    return PART_ORDER.get(part.model, 9), part.position, str(part.pk)


def snapshot(revision):
    """The parts of the article as a revision stored them, keyed by (model, primary key)."""
    parts = {}
    for version in revision.version_set.all():
        model = version._model
        if model not in PART_ORDER:
            continue
        obj = version._object_version.object
        values = {
            capfirst(str(model_field.verbose_name)): display(obj, model_field)
            for model_field in model._meta.concrete_fields
            if model_field.name not in COMPUTED_FIELDS
        }
        # Tags live in their own table and aren't part of a revision.
        values.pop("Tags", None)
        parts[(model, version.object_id)] = Part(
            model, version.object_id, part_title(obj), getattr(obj, "position", 0), values
        )
    return parts


def part_title(obj):
    if isinstance(obj, Section):
        return f"Analysis section “{obj.heading}”"
    if isinstance(obj, Question):
        return "Question for your healthcare team"
    if isinstance(obj, StudyFacts):
        return "Study at a glance"
    return "Article"


def display(obj, model_field):
    """A field's value as the editor would read it: choice labels, names of related things, local dates."""
    value = getattr(obj, model_field.attname)
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"(deleted, id {value})"
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "j F Y")
    if isinstance(model_field, models.FileField):
        return getattr(value, "name", str(value))
    # Browsers send line breaks as CRLF, seeds and scripts as LF: not a change worth showing.
    return str(value).replace("\r\n", "\n")
