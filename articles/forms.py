"""Forms: editors' input that needs more checking than the model gives, and readers' searches."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html

from . import search
from .evidence import EvidenceStage, describe
from .images import check_hero_image
from .models import Article, ArticleCorrection, Question, ReviewAnswer, Section
from .models.review import NOTE_REQUIRED


class HeroImageField(forms.ImageField):
    """An image field that refuses bombs, damaged files and odd formats by name."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        check_hero_image(data)
        return super().to_python(data)


def https_by_default(db_field, **kwargs):
    """Form fields for model fields, with web addresses typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


# What editors may type in the longer text boxes, in words rather than the name of a markup language.
FORMATTING_HELP = "For bold type put **two stars** around words; start a line with ### for a small heading."


class LabelledSplitDateTime(AdminSplitDateTime):
    """Admin's date and time boxes, each with a name a screen reader announces (admin prints theirs as plain text)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = "Date"
        self.widgets[1].attrs["aria-label"] = "Time"


class UnchangedChoiceField(forms.ModelChoiceField):
    """A choice of topic or person that, left as it was, is the object the article already holds: no query.

    The article's admin reads them with the article (``ArticleAdmin.get_object``); the database still refuses
    one deleted meanwhile.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unchanged = None

    def to_python(self, value):
        if self.unchanged is not None and value not in self.empty_values and str(value) == str(self.unchanged.pk):
            return self.unchanged
        return super().to_python(value)


CHOSEN_ONCE = ["topic", "author", "medical_reviewer"]


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        formfield_callback = https_by_default
        fields = [
            "kind", "headline", "slug", "standfirst", "key_points", "hero_image", "hero_alt", "hero_credit", "opening",
            "source_publisher", "source_headline", "source_url", "source_published_on", "summary",
            "evidence_stage", "evidence_sentence",
            "closing", "topic", "tags", "author", "medical_reviewer", "reviewed_on", "next_review_due", "status",
            "published_at", "comments_open",
        ]  # fmt: skip
        field_classes = {"hero_image": HeroImageField} | dict.fromkeys(CHOSEN_ONCE, UnchangedChoiceField)
        widgets = {
            "headline": forms.TextInput(attrs={"class": "wide-input"}),
            "slug": forms.TextInput(attrs={"class": "wide-input"}),
            "source_headline": forms.TextInput(attrs={"class": "wide-input"}),
            "source_url": forms.URLInput(attrs={"class": "wide-input"}),
            "hero_alt": forms.TextInput(attrs={"class": "wide-input"}),
            "standfirst": forms.Textarea(attrs={"rows": 3, "class": "wide-input"}),
            "opening": forms.Textarea(attrs={"rows": 5, "class": "wide-input"}),
            "summary": forms.Textarea(attrs={"rows": 10, "class": "wide-input"}),
            "closing": forms.Textarea(attrs={"rows": 4, "class": "wide-input"}),
            "key_points": forms.Textarea(attrs={"rows": 5, "class": "wide-input"}),
            "evidence_sentence": forms.Textarea(attrs={"rows": 2, "class": "wide-input"}),
            "published_at": LabelledSplitDateTime(),
        }
        # Words an editor uses, not the model's field names; no migration needed to change them.
        labels = {
            "kind": "Type of article",
            "slug": "Web address",
            "standfirst": "Standfirst (the line under the headline)",
            "opening": "Opening paragraph",
            "source_publisher": "Who published it",
            "source_headline": "Their headline",
            "source_url": "Link to their article",
            "source_published_on": "Date they published it",
            "evidence_stage": "How far the research has come",
            "evidence_sentence": "What this stage means for readers",
            "key_points": "Key points",
            "summary": "Summary of their reporting",
            "closing": "Closing paragraph",
            "hero_image": "Picture",
            "hero_alt": "Describe the picture",
            "hero_credit": "Picture credit",
            "tags": "Tags",
            "author": "Written by",
            "medical_reviewer": "Checked by (clinician)",
            "reviewed_on": "Date checked",
            "next_review_due": "Check again by",
            "status": "Status",
            "published_at": "Publish on",
            "comments_open": "Readers can comment",
        }
        help_texts = {
            "slug": "Made from the headline as you type; readers see it in the address bar. "
            "Avoid changing it once the article is published.",
            "standfirst": "One plain paragraph, shown under the headline and on article cards.",
            "opening": f"A short, warm opening addressed to the reader. {FORMATTING_HELP}",
            "summary": "A faithful summary of what the source reported, in our words. "
            f"Our own view belongs in the analysis below, never here. {FORMATTING_HELP}",
            "closing": f"A warm last word to the reader. {FORMATTING_HELP}",
            "tags": "Separate tags with commas, e.g. “Biologics, Clinical trials”.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_stage_sentence()
        for name in CHOSEN_ONCE:
            field = self.fields.get(name)
            if isinstance(field, UnchangedChoiceField) and Article._meta.get_field(name).is_cached(self.instance):
                field.unchanged = getattr(self.instance, name)

    def offer_stage_sentence(self):
        """Show the chosen stage's own sentence in the empty box and under it: editors adjust it, not start afresh.

        A placeholder, not a value: left empty, the article keeps following its stage's sentence.
        """
        field = self.fields.get("evidence_sentence")
        stage = describe(self.instance.evidence_stage)
        if field is None or stage is None:
            return
        field.widget.attrs["placeholder"] = stage.meaning
        field.help_text = (
            f"Left empty, readers see the stage's own sentence: “{stage.meaning}” Adjust it only when that isn't "
            "quite true for this story, and check it again if you change the stage. Plain text."
        )


# Sections and questions are put in order with Move up and Move down (static/js/admin-reorder.js);
# the number box is what an editor without JavaScript uses instead.
ORDER_LABEL = "Order"
ORDER_HELP = "Lower numbers come first."


class SectionAdminForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["heading", "body", "position"]
        widgets = {
            "heading": forms.TextInput(attrs={"class": "wide-input"}),
            "body": forms.Textarea(attrs={"rows": 8, "class": "wide-input"}),
        }
        labels = {"heading": "Section heading", "body": "Text", "position": ORDER_LABEL}
        help_texts = {
            "heading": "For example “What this means for you” or “Practical considerations for patients”.",
            "body": FORMATTING_HELP,
            "position": ORDER_HELP,
        }


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "position"]
        widgets = {"text": forms.TextInput(attrs={"class": "wide-input"})}
        labels = {"text": "Question", "position": ORDER_LABEL}
        help_texts = {"text": "One question, in the reader's voice.", "position": ORDER_HELP}


class CorrectionAdminForm(forms.ModelForm):
    class Meta:
        model = ArticleCorrection
        fields = ["kind", "published_at", "text"]
        labels = {"kind": "Correction or update", "published_at": "Date readers see"}
        widgets = {"published_at": LabelledSplitDateTime()}
        help_texts = {
            "text": "Say plainly what changed and why, e.g. “An earlier version said … It now says …”. "
            + FORMATTING_HELP
        }


class CompareRevisionsForm(forms.Form):
    """The two revisions an editor picked on the history page; the older one is always the "before"."""

    NOT_IN_HISTORY = "That revision isn't in this article's history. Choose two revisions from the list."
    old = forms.ModelChoiceField(
        queryset=None, error_messages={"required": "Choose the earlier revision.", "invalid_choice": NOT_IN_HISTORY}
    )
    new = forms.ModelChoiceField(
        queryset=None, error_messages={"required": "Choose the later revision.", "invalid_choice": NOT_IN_HISTORY}
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].queryset = self.fields["new"].queryset = versions

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old") and cleaned.get("old") == cleaned.get("new"):
            raise forms.ValidationError("Choose two different revisions to compare.")
        return cleaned

    def ordered_versions(self):
        return sorted([self.cleaned_data["old"], self.cleaned_data["new"]], key=lambda version: version.pk)


class SearchForm(forms.Form):
    """What a reader typed in a search box. An over-long query is cut to a sane length, never refused."""

    q = forms.CharField(label="Search articles", required=False)

    was_cut = False

    def clean_q(self):
        text, self.was_cut = search.plain_query(self.cleaned_data["q"])
        return text


class StageFilterForm(forms.Form):
    """``?stage=`` on topic and tag lists. An unknown stage is ignored: the list shows everything, and says so."""

    stage = forms.ChoiceField(
        label="Evidence stage", choices=[("", "All stages"), *EvidenceStage.choices], required=False
    )

    def selected(self):
        """The chosen stage, or None for all of them (including when the choice was not one we know)."""
        return describe(self.cleaned_data["stage"]) if self.is_valid() else None


class CriterionWidget(forms.Widget):
    """Shows a checklist criterion as its question and a hint of what good looks like; editors don't change it."""

    def render(self, name, value, attrs=None, renderer=None):
        if value in (None, ""):
            return ""
        question, hint = ReviewAnswer.QUESTIONS[ReviewAnswer.Criterion(int(value))]
        return format_html('<strong>{}</strong><div class="help">Good: {}</div>', question, hint)


class ReviewAnswerForm(forms.ModelForm):
    # Disabled: the value comes from the row (or the formset's initial data), never from what is posted.
    criterion = forms.TypedChoiceField(
        label="Question", choices=ReviewAnswer.Criterion.choices, coerce=int, disabled=True, widget=CriterionWidget
    )
    # No blank radio button: a row left untouched is simply not saved.
    answer = forms.ChoiceField(choices=ReviewAnswer.Answer.choices, widget=forms.RadioSelect)

    class Meta:
        model = ReviewAnswer
        fields = ["criterion", "answer", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4, "cols": 48})}
        error_messages = {"note": {"required": NOTE_REQUIRED}}


def kept_rows(formset):
    """The cleaned rows an inline formset will keep: saved ones not marked for deletion, and new ones filled in."""
    rows = []
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or formset._should_delete_form(form):
            continue
        if form in formset.extra_forms and not form.has_changed():
            continue
        rows.append(form.cleaned_data)
    return rows


def rows_valid(formset):
    """No row has errors of its own: only then is it worth checking the rows together."""
    return not any(form.errors for form in formset.forms)


def publishing_research(article):
    """Whether the article as just submitted (status and kind) is published research news, now or scheduled."""
    return article.status == Article.Status.PUBLISHED and article.kind == Article.Kind.RESEARCH_NEWS


class SectionFormSet(forms.BaseInlineFormSet):
    """Analysis sections: published research news keeps one headed "Practical considerations…"."""

    def clean(self):
        super().clean()
        if rows_valid(self) and publishing_research(self.instance):
            headings = [row.get("heading", "") for row in kept_rows(self)]
            if message := self.instance.no_practical_section(headings):
                raise ValidationError(message, code="practical_section_missing")


class QuestionFormSet(forms.BaseInlineFormSet):
    """Questions for your healthcare team: published research news keeps at least three."""

    def clean(self):
        super().clean()
        if rows_valid(self) and publishing_research(self.instance):
            count = sum(1 for row in kept_rows(self) if row.get("text", "").strip())
            if message := self.instance.too_few_questions(count):
                raise ValidationError(message, code="too_few_questions")


class ReviewAnswerFormSet(forms.BaseInlineFormSet):
    """The checklist in admin: a row for every criterion, and no publishing research news until all are answered.

    Answered criteria are rows; the blank rows below them are pre-filled with the criteria still to answer,
    and a blank row left untouched saves nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answered = {answer.criterion for answer in self.get_queryset()}
        self.initial_extra = [{"criterion": c} for c in ReviewAnswer.Criterion if c not in answered]

    def clean(self):
        super().clean()
        article = self.instance  # carries the status and kind just submitted
        if article.kind == Article.Kind.RESEARCH_NEWS and any(
            form.instance.pk and self._should_delete_form(form) for form in self.initial_forms
        ):
            raise ValidationError(
                "A research story's checklist answers can't be deleted: change the answer and its reason instead.",
                code="checklist_answer_deleted",
            )
        if article.status != Article.Status.PUBLISHED:
            return
        # Saved answers can be changed but never emptied or deleted, so only the new rows need adding.
        answering = [
            form.cleaned_data["criterion"]
            for form in self.extra_forms
            if form.has_changed() and form.is_valid() and form.cleaned_data.get("answer")
        ]
        missing = [criterion.label for criterion in article.unanswered_review_criteria(answering)]
        if missing:
            raise ValidationError(
                "Research news can't be published until every question on the review checklist is answered "
                "(“Not applicable” with a reason is fine). Still to answer: %(missing)s.",
                params={"missing": "; ".join(missing)},
                code="checklist_incomplete",
            )
