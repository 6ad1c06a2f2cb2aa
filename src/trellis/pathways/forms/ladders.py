"""Forms for ladders: the ladder and its steps on one page (up to twelve rows, empty ones left
out), and HR's yes/no on a person's standing."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from trellis.core.models import District
from trellis.core.numbers import is_whole
from trellis.core.schoolyear import school_year_choices, school_year_of
from trellis.learning.models import CertificationProgram
from trellis.org.models import StaffClassification
from trellis.pathways.models import Ladder, Step
from trellis.pathways.services import MAX_STEPS, StepSpec
from trellis.roles.models import RoleType

Choices = list[tuple[int, str]]


class LadderForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. “Teacher to principal”.")
    description = forms.CharField(
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who the ladder is for and how people climb it.",
    )

    @classmethod
    def of(cls, data: Any, ladder: Ladder | None) -> LadderForm:
        initial = {"name": ladder.name, "description": ladder.description} if ladder else {}
        return cls(data, initial=initial)


def _select(size: int) -> forms.SelectMultiple:
    return forms.SelectMultiple(attrs={"size": size})


class StepRowForm(forms.Form):
    """One rung. Every field may be empty: an empty row is left out."""

    name = forms.CharField(max_length=120, required=False, label="Step name")
    role_types = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Role types", widget=_select(5),
        help_text="People in any of these roles are on the step.",
    )  # fmt: skip
    classifications = forms.MultipleChoiceField(
        choices=StaffClassification.choices, required=False, label="Staff classifications",
        widget=_select(5), help_text="Or everyone classified so, e.g. every teacher.",
    )  # fmt: skip
    min_years = forms.DecimalField(
        required=False, max_digits=4, decimal_places=1, label="Years on the step below",
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.5"}),
    )  # fmt: skip
    min_hours = forms.DecimalField(
        required=False, max_digits=6, decimal_places=1, label="Hours of professional learning",
        widget=forms.NumberInput(attrs={"min": "0", "step": "1"}),
    )  # fmt: skip
    hours_years = forms.IntegerField(
        required=False, initial=2, label="Hours counted over (school years)",
        widget=forms.NumberInput(attrs={"min": "1", "max": "10"}),
    )  # fmt: skip
    good_standing = forms.BooleanField(required=False, label="In good standing (recorded by HR)")
    certifications = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Certifications", widget=_select(4),
        help_text="Each one a higher step keeps too.",
    )  # fmt: skip

    def __init__(self, *args: Any, role_types: Choices, certifications: Choices,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["role_types"].choices = role_types  # type: ignore[attr-defined]
        self.fields["certifications"].choices = certifications  # type: ignore[attr-defined]

    @property
    def is_empty(self) -> bool:
        """Nothing typed or chosen (the hours window has a default, so it does not count): a
        row with anything else in it is a step, and the service says what it lacks."""
        return not any(v for k, v in self.cleaned_data.items() if k != "hours_years")

    def spec(self) -> StepSpec:
        data = self.cleaned_data
        return StepSpec(
            name=data["name"], role_type_ids=data["role_types"],
            classifications=data["classifications"],
            min_years=data["min_years"] or Decimal(0), min_hours=data["min_hours"] or Decimal(0),
            hours_years=2 if data["hours_years"] is None else data["hours_years"],
            good_standing=data["good_standing"], certification_ids=data["certifications"],
        )  # fmt: skip


class BaseStepFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The step rows, bottom rung first. The service checks the ladder as a whole; its errors
    (``steps.<n>.<field>``, n counting filled rows only) come back to the row they are about."""

    def __init__(self, data: Any, *, initial: list[dict[str, Any]], district: District) -> None:
        # Each row's selects share one read of the catalog rather than a query per row.
        choices = {
            "role_types": [(pk, f"{name} (retired)" if retired else name) for pk, name, retired
                           in RoleType.objects.filter(district=district).order_by("name")
                           .values_list("pk", "name", "retired_at")],
            "certifications": list(CertificationProgram.objects.filter(district=district)
                                   .order_by("name").values_list("pk", "name")),
        }  # fmt: skip
        super().__init__(data, initial=initial, form_kwargs=choices, prefix="steps")
        self.service_errors: list[str] = []
        self.filled: list[int] = []

    def specs(self) -> list[StepSpec]:
        self.filled = [n for n, row in enumerate(self.forms) if not row.is_empty]
        return [self.forms[n].spec() for n in self.filled]

    def add_service_errors(self, error: ValidationError, ladder_form: forms.Form) -> None:
        if not hasattr(error, "error_dict"):
            ladder_form.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            where = key.split(".")
            if where[0] != "steps":
                ladder_form.add_error(key if key in ladder_form.fields else None, messages)
            elif len(where) == 3 and is_whole(where[1]) and int(where[1]) < len(self.filled):
                row = self.forms[self.filled[int(where[1])]]
                row.add_error(where[2] if where[2] in row.fields else None, messages)
            else:
                self.service_errors.extend(messages)


StepFormSet = cast(type[BaseStepFormSet], forms.formset_factory(
    StepRowForm, formset=BaseStepFormSet, extra=0, max_num=MAX_STEPS, absolute_max=MAX_STEPS,
))  # fmt: skip


def step_formset(data: Any, *, district: District, steps: Sequence[Step]) -> BaseStepFormSet:
    """The ladder's steps in their rows, then empty rows up to twelve."""
    initial: list[dict[str, Any]] = [
        {"name": s.name, "role_types": [t.pk for t in s.role_types.all()],
         "classifications": s.classifications, "min_years": s.min_years,
         "min_hours": s.min_hours, "hours_years": s.hours_years,
         "good_standing": s.good_standing,
         "certifications": [c.pk for c in s.certifications.all()]}
        for s in steps
    ]  # fmt: skip
    initial += [{} for _ in range(MAX_STEPS - len(initial))]
    return StepFormSet(data, initial=initial, district=district)


class StandingForm(forms.Form):
    school_year = forms.ChoiceField(label="School year")
    good = forms.TypedChoiceField(
        label="In good standing?",
        choices=[("yes", "Yes, in good standing"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Only HR's yes or no; the evaluation itself stays in the evaluation system.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        years = school_year_choices(today, before=4, after=0)
        self.fields["school_year"].choices = years[::-1]  # type: ignore[attr-defined]
        self.fields["school_year"].initial = school_year_of(today)
