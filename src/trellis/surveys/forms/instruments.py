"""Forms for instruments: a new survey (blank or the study's), its sections and questions."""

from __future__ import annotations

from typing import Any

from django import forms

from trellis.surveys.models import Instrument, Item, ItemKind, Section

POINTS = [(4, "4 points: no middle answer"),
          (5, "5 points: with “neither agree nor disagree” in the middle")]  # fmt: skip


class InstrumentForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="e.g. “Staff survey on the new roles”.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TemplateForm(forms.Form):
    name = forms.CharField(
        max_length=200, initial="Staff survey",
        help_text="Starts with the study's questions on pay, professional learning, careers and "
                  "the qualities the new roles need. You can add, reword and retire questions "
                  "until people answer them.",
    )  # fmt: skip


class SectionForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. “Coaching”.")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(choices=ItemKind.choices, label="Kind of question")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question")
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(), required=False, empty_label="No section"
    )
    points = forms.TypedChoiceField(
        choices=POINTS, coerce=int, initial=4, label="Agree–disagree scale",
        help_text="Only for agree–disagree questions.",
    )  # fmt: skip
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label="Choices",
        help_text="One a line; only for one-choice and several-choice questions.",
    )  # fmt: skip
    required = forms.BooleanField(required=False, label="An answer is required")
    key = forms.CharField(
        max_length=60, required=False, label="Trend key",
        help_text="The same key on a question in later surveys draws its trend across years.",
    )  # fmt: skip

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = instrument.sections.all()  # type: ignore[attr-defined]

    def clean_options(self) -> list[str]:
        return _lines(self.cleaned_data["options"])


class ItemEditForm(forms.Form):
    """A question's wording (and choices), while nobody has answered it."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question")
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label="Choices",
        help_text="One a line.",
    )  # fmt: skip
    required = forms.BooleanField(required=False, label="An answer is required")

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"text": item.text, "options": "\n".join(item.options),
                                      "required": item.required})  # fmt: skip
        super().__init__(*args, **kwargs)
        if item.kind not in (ItemKind.SINGLE, ItemKind.MULTIPLE):
            del self.fields["options"]

    def clean_options(self) -> list[str]:
        return _lines(self.cleaned_data["options"])
