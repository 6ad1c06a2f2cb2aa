from __future__ import annotations

from typing import Any

from django import forms

from trellis.core.forms import ListQueryForm, PlainSelectsMixin
from trellis.core.models import District
from trellis.org.models import School, Staff, StaffClassification
from trellis.org.selectors import STAFF_SORTS


class SchoolForm(forms.ModelForm[School]):
    class Meta:
        model = School
        fields = ["name", "school_id", "category", "lowest_grade", "highest_grade", "locale"]


class StaffForm(forms.ModelForm[Staff]):
    class Meta:
        model = Staff
        fields = [
            "staff_unique_id", "first_name", "middle_name", "last_name", "email", "school",
            "classification", "academic_subject", "grade_band", "years_prior_teaching",
            "years_prior_professional", "highest_education", "hire_date", "is_active",
            "supervisor",
        ]  # fmt: skip
        widgets = {"hire_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]
        # A staff-id box, not a select: a large district has tens of thousands of staff.
        self.fields["supervisor"] = forms.ModelChoiceField(
            queryset=Staff.objects.filter(district=district),
            to_field_name="staff_unique_id",
            required=False,
            label="Evaluator",
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
            help_text="The evaluator's number from the staff list, only when someone other than "
            "their school's principal evaluates them. An evaluator never sees coaching notes.",
            error_messages={"invalid_choice": "No staff member in this district has that id."},
        )


class SchoolFilterForm(ListQueryForm):
    pass


class StaffFilterForm(PlainSelectsMixin, ListQueryForm):
    plain_selects = ("school", "classification", "active", "sort")

    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False)
    classification = forms.ChoiceField(
        required=False, choices=[("", "Any classification"), *StaffClassification.choices]
    )
    active = forms.TypedChoiceField(
        required=False,
        label="Employment",
        choices=[("", "Current and former"), ("1", "Current staff"), ("0", "Former staff")],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("name", "Name A–Z"), ("-name", "Name Z–A"), ("school", "School"),
            ("classification", "Classification"), ("hire_date", "Hire date, oldest first"),
            ("-hire_date", "Hire date, newest first"),
        ],
    )  # fmt: skip

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]

    def select_options(self, name: str) -> list[tuple[str, str]]:
        if name != "school":
            return super().select_options(name)
        schools = School.objects.filter(district=self.district).order_by("name")
        return [("", "Any school"), *((str(pk), n) for pk, n in schools.values_list("pk", "name"))]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "school": data.get("school"),
            "classification": data.get("classification") or "",
            "active": data.get("active"),
            "sort": data.get("sort") if data.get("sort") in STAFF_SORTS else "name",
        }
