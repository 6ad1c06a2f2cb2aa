from __future__ import annotations

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
