"""Forms for My questions: a reader's own question, and moving an item up or down."""

from django import forms

from ..models.questions import MAX_QUESTIONS, OWN_QUESTION_MAX_LENGTH


class OwnQuestionForm(forms.Form):
    """A question in the reader's own words, checked against the list it joins."""

    text = forms.CharField(
        label="Add a question of your own",
        help_text=f"One question, up to {OWN_QUESTION_MAX_LENGTH} characters. Plain text.",
        max_length=OWN_QUESTION_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Write your question before adding it.",
            "max_length": f"Questions can be up to {OWN_QUESTION_MAX_LENGTH} characters long. "
            "Yours is %(show_value)d: please shorten it.",
        },
    )

    def __init__(self, *args, questions, **kwargs):
        self.questions = questions
        super().__init__(*args, **kwargs)

    def clean_text(self):
        # One line, single spaces: line breaks and runs of spaces would only upset the printed list.
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError("Write your question before adding it.", code="required")
        if self.questions.has_own(text):
            raise forms.ValidationError("That question is already in your list.", code="duplicate")
        if len(self.questions) >= MAX_QUESTIONS:
            raise forms.ValidationError(
                f"Your list holds up to {MAX_QUESTIONS} questions. Remove one to make room.", code="full"
            )
        return text


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Move up"), ("down", "Move down")])

    @property
    def step(self):
        return -1 if self.cleaned_data["direction"] == "up" else 1
