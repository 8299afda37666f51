"""Forms for editors' input that needs more checking than the model gives."""

from django import forms
from django.db import models

from .evidence import EvidenceStage, describe
from .images import check_hero_image
from .models import Article


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


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        formfield_callback = https_by_default
        fields = [
            "kind", "headline", "slug", "standfirst", "hero_image", "hero_alt", "hero_credit", "opening",
            "source_publisher", "source_headline", "source_url", "source_published_on", "summary",
            "evidence_stage",
            "closing", "topic", "tags", "author", "medical_reviewer", "reviewed_on", "status", "published_at",
            "comments_open",
        ]  # fmt: skip
        field_classes = {"hero_image": HeroImageField}
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "opening": forms.Textarea(attrs={"rows": 5}),
            "summary": forms.Textarea(attrs={"rows": 10}),
            "closing": forms.Textarea(attrs={"rows": 4}),
        }


class StageFilterForm(forms.Form):
    """``?stage=`` on topic and tag lists. An unknown stage is ignored: the list shows everything, and says so."""

    stage = forms.ChoiceField(
        label="Evidence stage", choices=[("", "All stages"), *EvidenceStage.choices], required=False
    )

    def selected(self):
        """The chosen stage, or None for all of them (including when the choice was not one we know)."""
        return describe(self.cleaned_data["stage"]) if self.is_valid() else None
