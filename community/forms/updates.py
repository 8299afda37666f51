"""Forms for email updates by topic: subscribing with an address, and a member choosing topics."""

from django import forms
from django.utils import timezone

from articles.models import Topic
from community.models import Subscriber


class SubscribeForm(forms.Form):
    """An address and what to send to it. An empty topic means every topic."""

    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
            "max_length": "That email address is too long.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(),
        required=False,
        empty_label="Every topic",
        label="Topic",
        to_field_name="slug",
        error_messages={"invalid_choice": "Choose a topic from the list."},
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.EACH_ARTICLE,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_frequency(self):
        return self.cleaned_data["frequency"] or Subscriber.Frequency.EACH_ARTICLE

    def subscriber(self):
        """The reader subscriber for this address, made (unconfirmed, with no topics) on first ask."""
        email = self.cleaned_data["email"]
        subscriber = Subscriber.objects.filter(user__isnull=True, email__iexact=email).first()
        if subscriber is None:
            subscriber, _ = Subscriber.objects.get_or_create(user=None, email=email.lower())
        # Kept while a link sent to it still works (Subscriber.objects.never_confirmed).
        Subscriber.objects.filter(pk=subscriber.pk).update(last_asked_at=timezone.now())
        return subscriber


class MemberUpdatesForm(forms.ModelForm):
    """A member's own topics and how often, from their account page: their address is already confirmed."""

    class Meta:
        model = Subscriber
        fields = ["all_topics", "topics", "frequency"]
        labels = {"all_topics": "Every topic, including new ones", "topics": "Or only these topics"}
        help_texts = {"all_topics": "", "topics": ""}
        widgets = {"topics": forms.CheckboxSelectMultiple, "frequency": forms.RadioSelect}
