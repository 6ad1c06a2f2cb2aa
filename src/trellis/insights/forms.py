from __future__ import annotations

from typing import Any

from django import forms

from trellis.core.forms import ListQueryForm
from trellis.core.models import Approach


class GranteeFilterForm(ListQueryForm):
    approach = forms.ChoiceField(required=False, choices=[("", "Any approach"), *Approach.choices])
    cohort_year = forms.TypedChoiceField(
        required=False,
        label="Competition",
        choices=[("", "Any year"), ("2012", "2012"), ("2013", "2013")],
        coerce=int,
        empty_value=None,
    )
    sort = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[
            ("name", "Name A–Z"), ("-name", "Name Z–A"), ("-award", "Award, largest first"),
            ("award", "Award, smallest first"), ("-students", "Students, most first"),
            ("students", "Students, fewest first"), ("cohort_year", "Competition, 2012 first"),
            ("-cohort_year", "Competition, 2013 first"),
        ],
    )  # fmt: skip

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments (call once the form is valid)."""
        data = self.cleaned_data
        return {
            "approach": data.get("approach") or "",
            "cohort_year": data.get("cohort_year"),
            "q": data.get("q") or "",
            "sort": data.get("sort") or "name",
        }
