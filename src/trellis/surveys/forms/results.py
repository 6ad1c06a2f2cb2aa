"""What a results page is asked for: a breakdown (group, school or cohort) and an optional slice
of another kind, written ``kind:value`` (``group:building_leader``, ``school:12``); the API
takes the same words."""

from __future__ import annotations

from typing import Any

from django import forms

from trellis.core.forms import PlainSelectsMixin
from trellis.core.models import District
from trellis.org.models import School
from trellis.rollout.models import Cohort
from trellis.surveys.selectors.results import DIMENSION_LABELS, GROUP_LABELS, NONE_LABELS

BREAKDOWNS = [("", "None: everyone together"), *DIMENSION_LABELS.items()]


def slice_choices(district: District) -> list[tuple[str, str]]:
    """Every slice a report may be narrowed to, as (``kind:value``, label)."""
    groups = [(f"group:{k}", f"Group: {v}") for k, v in GROUP_LABELS.items()]
    schools = [(f"school:{pk}", f"School: {name}") for pk, name in
               School.objects.filter(district=district).values_list("pk", "name")]  # fmt: skip
    cohorts = [(f"cohort:{pk}", f"Cohort: {name}") for pk, name in
               Cohort.objects.filter(district=district).values_list("pk", "name")]  # fmt: skip
    none = [(f"{kind}:", f"{DIMENSION_LABELS[kind]}: {NONE_LABELS[kind]}")
            for kind in ("school", "cohort")]  # fmt: skip
    return [*groups, *schools, *cohorts, *none]


def parse_slice(raw: str) -> tuple[str, str] | None:
    """``school:12`` as ("school", "12"); empty for everyone."""
    if not raw:
        return None
    kind, _, value = raw.partition(":")
    return kind, value


class ResultsForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("breakdown", "slice")
    breakdown = forms.ChoiceField(choices=BREAKDOWNS, required=False, label="Break down by")
    slice = forms.ChoiceField(required=False, label="Only")

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slice"].choices = [("", "Everyone"), *slice_choices(district)]  # type: ignore[attr-defined]

    def chosen(self) -> tuple[str | None, tuple[str, str] | None]:
        """The breakdown and slice to read; (None, None) until the form is valid."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data["breakdown"] or None, parse_slice(self.cleaned_data["slice"])
