from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from trellis.core.models import Approach, District
from trellis.core.schoolyear import school_year_choices
from trellis.org.models import School
from trellis.pay.models import FundingSource, SourceKind
from trellis.rollout.models import AdoptionMode, Initiative
from trellis.rollout.services.initiative import parse_pillars


def year_choices(before: int = 3, after: int = 6) -> list[tuple[str, str]]:
    return school_year_choices(timezone.localdate(), before, after)


class InitiativeForm(forms.ModelForm[Initiative]):
    approaches = forms.MultipleChoiceField(
        choices=Approach.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The study's six approaches; most districts combine two or three.",
    )
    first_year = forms.ChoiceField(label="First school year")
    last_year = forms.ChoiceField(label="Last school year")

    class Meta:
        model = Initiative
        fields = ["name", "summary", "approaches", "first_year", "last_year", "grant",
                  "meeting_weeks"]  # fmt: skip
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name": "What people call it, e.g. “Personalized learning for every child”."}

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An initiative that began long ago keeps its own years among the choices.
        own = {self.instance.first_year, self.instance.last_year} - {""}
        years = sorted(set(year_choices()) | {(y, y) for y in own})
        self.fields["first_year"].choices = years  # type: ignore[attr-defined]
        self.fields["last_year"].choices = years  # type: ignore[attr-defined]
        grants = FundingSource.objects.filter(district=district, kind=SourceKind.GRANT)
        self.fields["grant"].queryset = grants  # type: ignore[attr-defined]
        self.fields["grant"].empty_label = "No grant"  # type: ignore[attr-defined]


class VisionForm(forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5_000,
        help_text="What personalized learning looks like in our classrooms, in plain words.",
    )
    pillars = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One a line, “Title: what it means”, e.g. “Student agency: students set "
        "goals and choose how to reach them”.",
    )
    change_note = forms.CharField(
        max_length=300, required=False, label="What changed",
        help_text="For a new version: what is different from the last one.",
    )  # fmt: skip

    def clean_pillars(self) -> list[dict[str, str]]:
        try:
            return parse_pillars(self.cleaned_data["pillars"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["pillars"]) from error


class SchoolVisionForm(forms.Form):
    mode = forms.ChoiceField(
        choices=AdoptionMode.choices, widget=forms.RadioSelect, label="The school's answer"
    )
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="The school's version",
        help_text="Only when tailoring: the vision in the school's own words.",
    )
    note = forms.CharField(
        max_length=300, required=False, label="How the school decided",
        help_text="e.g. “Adopted at the staff meeting on March 3”.",
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == AdoptionMode.TAILORED and not cleaned.get("statement"):
            self.add_error("statement", "Write the school's version, or choose to adopt as is.")
        return cleaned


class SchoolChoiceForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]
