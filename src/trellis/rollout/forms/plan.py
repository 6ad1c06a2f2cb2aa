from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from trellis.core.forms import PlainSelectsMixin
from trellis.core.models import District
from trellis.core.schoolyear import school_years_between
from trellis.learning.forms_plans import StaffIdsField, staff_multiple_field
from trellis.org.models import AcademicSubject, School, Staff, StaffClassification
from trellis.roles.forms import staff_field
from trellis.rollout.models import GradeBand, Initiative, MemberSource, Phase


class PhaseForm(forms.ModelForm[Phase]):
    school_year = forms.ChoiceField(label="School year")

    class Meta:
        model = Phase
        fields = ["name", "school_year", "target_share", "teachers_per_coach", "is_pilot"]
        share = "A target is a share of all teachers: above 0 and at most 100 percent."
        error_messages = {"target_share": {"max_value": share, "min_value": share}}
        help_texts = {
            "name": "e.g. “Pilot”, “Second cohort”, “Everyone”.",
            "is_pilot": "The first phase: a small group of volunteers in every school.",
        }

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = [  # type: ignore[attr-defined]
            (y, y) for y in school_years_between(initiative.first_year, initiative.last_year)
        ]


def coach_queryset(district: District) -> QuerySet[Staff]:
    return Staff.objects.filter(district=district, is_active=True).exclude(
        classification=StaffClassification.TEACHER
    )


class CohortForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. “Pilot cohort”, “Cohort 2”.")
    phase = forms.ModelChoiceField(queryset=Phase.objects.none())
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = initiative.phases.all()  # type: ignore[attr-defined]
        self.fields["coaches"] = staff_multiple_field(
            coach_queryset(initiative.district), "Coaches for this cohort"
        )
        self.fields[
            "coaches"
        ].help_text = "Who coaches its teachers; each can support the phase's teachers-per-coach."


class AddMembersForm(forms.Form):
    source = forms.ChoiceField(choices=MemberSource.choices, initial=MemberSource.VOLUNTEER,
                               label="How they joined")  # fmt: skip
    joined_on = forms.DateField(
        required=False, label="Joined on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today; an earlier date records a cohort that began before.",
    )  # fmt: skip
    accept_left_out = forms.BooleanField(
        required=False, label="Save even though the pilot leaves out a school"
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teachers = Staff.objects.filter(
            district=district, is_active=True, classification=StaffClassification.TEACHER
        )
        self.fields = {
            "staff": StaffIdsField(queryset=teachers, label="Teachers' staff ids",
                                   help_text="One a line, or separated by commas."),
            **self.fields,
        }  # fmt: skip


class AddRemainingForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("school",)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label="Every school",
        label="Teachers of",
    )  # fmt: skip
    accept_left_out = forms.BooleanField(
        required=False, label="Save even though the pilot leaves out a school"
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]


class SuggestionForm(forms.Form):
    staff = forms.CharField(widget=forms.HiddenInput)
    accept_left_out = forms.BooleanField(
        required=False, label="Save even though the pilot leaves out a school"
    )

    def clean_staff(self) -> list[int]:
        parts = [p for p in (self.cleaned_data["staff"] or "").split(",") if p]
        if not parts or not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
            raise forms.ValidationError("The suggestion was lost; ask for it again.")
        return [int(p) for p in parts]


class WithdrawForm(forms.Form):
    on = forms.DateField(label="Withdrew on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=300, required=False)


class VolunteerForm(forms.Form):
    grade_band = forms.ChoiceField(choices=GradeBand.choices, label="Grades you teach")
    content_area = forms.ChoiceField(choices=AcademicSubject.choices, label="Content area")
    note = forms.CharField(max_length=300, required=False, label="Anything we should know")

    def __init__(self, *args: Any, district: District, for_someone: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if for_someone:
            teachers = Staff.objects.filter(
                district=district, is_active=True, classification=StaffClassification.TEACHER
            )
            self.fields = {"staff": staff_field(district, "Teacher", teachers), **self.fields}
            self.fields["grade_band"].label = "Grades taught"


class YearForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("school_year",)
    school_year = forms.ChoiceField(choices=(), required=False, label="School year")
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = [  # type: ignore[attr-defined]
            (y, y) for y in school_years_between(initiative.first_year, initiative.last_year)
        ]
