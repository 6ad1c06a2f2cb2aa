from __future__ import annotations

from typing import Any

from django import forms

from trellis.core.forms import ListQueryForm
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
            "classification", "academic_subject", "years_prior_teaching",
            "years_prior_professional", "highest_education", "hire_date", "is_active",
        ]  # fmt: skip
        widgets = {"hire_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]


class SchoolFilterForm(ListQueryForm):
    pass


class StaffFilterForm(ListQueryForm):
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

    def select_controls(self) -> list[dict[str, Any]]:
        """The selects as plain data, so a list page renders them without one template per
        option (a large district has hundreds of schools)."""
        schools = (
            School.objects.filter(district=self.district).order_by("name").values_list("pk", "name")
        )
        options = {
            "school": [("", "Any school"), *((str(pk), name) for pk, name in schools)],
            "classification": self.fields["classification"].choices,  # type: ignore[attr-defined]
            "active": self.fields["active"].choices,  # type: ignore[attr-defined]
            "sort": self.fields["sort"].choices,  # type: ignore[attr-defined]
        }
        return [
            {
                "name": name, "id": f"id_{name}", "label": self.fields[name].label or name.title(),
                "options": [(str(v), label) for v, label in choices],
                "selected": str(self.data.get(name, "")), "errors": self.errors.get(name),
            }
            for name, choices in options.items()
        ]  # fmt: skip

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "school": data.get("school"),
            "classification": data.get("classification") or "",
            "active": data.get("active"),
            "sort": data.get("sort") if data.get("sort") in STAFF_SORTS else "name",
        }
