"""The answering form: the respondent's group when the survey asks it, then one field a
question (``item_<id>``, the names the service reports its errors at)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from trellis.surveys.models import Item, ItemKind, RespondentGroup
from trellis.surveys.selectors.results import LIKERT_LABELS

OFF_SCALE = "That answer is not on this question's scale."


def scale_choices(item: Item) -> list[tuple[str, str]]:
    """The answers a question offers, as (value sent, label)."""
    if item.kind == ItemKind.LIKERT:
        labels = [("Neither agree nor disagree" if label == "Neither" else label)
                  for label in LIKERT_LABELS[item.points]]  # fmt: skip
        return [(str(n), label) for n, label in enumerate(labels, start=1)]
    return [(str(n), option) for n, option in enumerate(item.options)]


def _field(item: Item) -> forms.Field:
    needed = {"required": "This question needs an answer."}
    if item.kind == ItemKind.TEXT:
        return forms.CharField(
            required=item.required, label="Your answer", max_length=5_000,
            widget=forms.Textarea(attrs={"rows": 4}), error_messages=needed,
        )  # fmt: skip
    errors = {**needed, "invalid_choice": OFF_SCALE}
    if item.kind == ItemKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=scale_choices(item), required=item.required, label=item.text,
            widget=forms.CheckboxSelectMultiple, error_messages=errors,
        )  # fmt: skip
    return forms.ChoiceField(
        choices=scale_choices(item), required=item.required, label=item.text,
        widget=forms.RadioSelect, error_messages=errors,
    )  # fmt: skip


class AnswerForm(forms.Form):
    def __init__(self, *args: Any, items: Sequence[Item], ask_group: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        if ask_group:
            self.fields["group"] = forms.ChoiceField(
                choices=RespondentGroup.choices, widget=forms.RadioSelect,
                label="Which group are you in?",
                error_messages={"required": "Say which group you belong to."},
                help_text="Building leaders are principals and assistant principals; "
                          "instructional leaders are coaches, TOSAs and specialists.",
            )  # fmt: skip
        for item in self.items:
            self.fields[f"item_{item.pk}"] = _field(item)

    def group_field(self) -> forms.BoundField | None:
        return self["group"] if "group" in self.fields else None

    def questions(self) -> list[tuple[Item, forms.BoundField]]:
        return [(item, self[f"item_{item.pk}"]) for item in self.items]

    def answers(self) -> dict[int, Any]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}
