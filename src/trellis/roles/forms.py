from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from trellis.core.forms import ListQueryForm, PlainSelectsMixin
from trellis.core.models import District
from trellis.core.schoolyear import school_year_choices, school_year_of
from trellis.org.models import School, Staff
from trellis.org.models import StaffClassification as SC
from trellis.roles import selectors
from trellis.roles.models import (
    Assignment,
    EndReason,
    Importance,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    ReviewDecision,
    ReviewerRole,
    RoleCategory,
    RoleType,
    Trait,
)
from trellis.roles.services import MANUAL_TRANSITIONS, VERSION_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})
# Above this many current staff, people are chosen by staff id rather than from a list.
STAFF_SELECT_LIMIT = 2_000
REVIEWER_CLASSIFICATIONS = (
    SC.PRINCIPAL,
    SC.ASSISTANT_PRINCIPAL,
    SC.SCHOOL_ADMINISTRATOR,
    SC.LEA_ADMINISTRATOR,
    SC.LEA_SPECIALIST,
    SC.SUPERINTENDENT,
    SC.INSTRUCTIONAL_COORDINATOR,
)


class StaffChoiceField(forms.ModelChoiceField[Staff]):
    def label_from_instance(self, obj: Staff) -> str:
        where = obj.school.name if obj.school else "District office"
        return f"{obj.last_name}, {obj.first_name} — {where} ({obj.staff_unique_id})"


def staff_field(district: District, label: str, queryset: Any = None) -> forms.Field:
    """A select of people for a small district, a staff-id box for a large one."""
    queryset = (
        queryset if queryset is not None else selectors.staff_for_assignment(district=district)
    )
    if queryset.count() <= STAFF_SELECT_LIMIT:
        return StaffChoiceField(queryset=queryset.select_related("school"), label=label)
    return forms.ModelChoiceField(
        queryset=queryset,
        to_field_name="staff_unique_id",
        label=label,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Their staff id, as on the staff list.",
        error_messages={"invalid_choice": "No current staff member has that staff id."},
    )


# --- Role catalog ---------------------------------------------------------------------------


class RoleTypeForm(forms.ModelForm[RoleType]):
    class Meta:
        model = RoleType
        fields = ["name", "category", "default_level", "staff_classification", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name": "For example: implementation specialist, TOSA, data analyst."}


class RoleTypeFilterForm(ListQueryForm):
    category = forms.ChoiceField(
        required=False, choices=[("", "Any category"), *RoleCategory.choices]
    )
    state = forms.ChoiceField(
        required=False,
        label="In use",
        choices=[("", "Active and retired"), ("active", "Active"), ("retired", "Retired")],
    )

    def filters(self) -> dict[str, Any]:
        state = self.cleaned_data.get("state")
        return {
            "q": self.cleaned_data.get("q") or "",
            "category": self.cleaned_data.get("category") or "",
            "retired": None if not state else state == "retired",
        }


# --- Job descriptions -----------------------------------------------------------------------


class JobDescriptionForm(forms.Form):
    role_type = forms.ModelChoiceField(queryset=RoleType.objects.none(), label="Role type")
    title = forms.CharField(
        max_length=160,
        help_text="As it will appear on postings, e.g. “Implementation "
        "specialist, K–5 mathematics”.",
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role_type"].queryset = selectors.role_types_active(district=district)  # type: ignore[attr-defined]


IMPORTANCE_CHOICES = [("0", "Not needed"), *((str(v), lbl) for v, lbl in Importance.choices)]


class VersionForm(forms.ModelForm[JobDescriptionVersion]):
    """The content of a draft; each trait gets an importance select."""

    class Meta:
        model = JobDescriptionVersion
        fields = [name for name in VERSION_FIELDS if name != "traits"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "responsibilities": forms.Textarea(attrs={"rows": 8}),
            "qualifications": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {
            "evaluative": "This role evaluates teachers",
            "lowest_grade": "Grade band from",
            "highest_grade": "Grade band to",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        traits = self.instance.traits or {}
        for trait in Trait:
            self.fields[f"trait_{trait.value}"] = forms.TypedChoiceField(
                label=trait.label,
                choices=IMPORTANCE_CHOICES,
                coerce=int,
                required=False,
                empty_value=0,  # type: ignore[arg-type]
                initial=str(traits.get(trait.value, 0)),
            )

    def trait_fields(self) -> list[forms.BoundField]:
        return [self[f"trait_{t.value}"] for t in Trait]

    def content_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["traits"] = {
            t.value: self.cleaned_data[f"trait_{t.value}"]
            for t in Trait
            if self.cleaned_data.get(f"trait_{t.value}")
        }
        return data


class ReviewForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=Staff.objects.none())
    reviewer_role = forms.ChoiceField(
        choices=ReviewerRole.choices, label="Reviewing as", initial=ReviewerRole.PRINCIPAL
    )
    decision = forms.ChoiceField(choices=ReviewDecision.choices, initial=ReviewDecision.APPROVED)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, district: District, me: Staff | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        leaders = Staff.objects.filter(
            district=district, is_active=True, classification__in=REVIEWER_CLASSIFICATIONS
        ).order_by("last_name", "first_name", "id")
        self.fields["reviewer"] = staff_field(district, "Reviewer", leaders)
        self.fields["reviewer"].help_text = (
            "Principals, assistant principals and district leaders. A principal's sign-off is "
            "needed before a school or classroom role is published."
        )
        if me is not None:
            self.fields["reviewer"].initial = me.pk


# --- Positions ------------------------------------------------------------------------------


class PositionForm(forms.ModelForm[Position]):
    status = forms.ChoiceField(
        choices=[
            (PositionStatus.PLANNED, "Planned — not yet recruiting"),
            (PositionStatus.OPEN, "Open — ready to fill"),
        ],
        initial=PositionStatus.OPEN,
        widget=forms.RadioSelect,
        label="Start as",
    )

    class Meta:
        model = Position
        fields = [
            "version",
            "school",
            "requisition_number",
            "fte",
            "school_year",
            "reason",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = self.fields["version"]
        versions.queryset = selectors.published_versions(district=district)  # type: ignore[attr-defined]
        versions.label_from_instance = lambda v: v.job_description.title  # type: ignore[attr-defined]
        versions.help_text = "Only published job descriptions can be used for a new position."
        schools = self.fields["school"]
        schools.queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]
        schools.empty_label = "District office"  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["school_year"] = forms.ChoiceField(
            choices=school_year_choices(today),
            initial=school_year_of(today),
            label="School year",
        )


class PositionEditForm(forms.ModelForm[Position]):
    class Meta:
        model = Position
        fields = ["fte", "school_year", "reason", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class PositionFilterForm(PlainSelectsMixin, ListQueryForm):
    plain_selects = ("school_year", "status", "school", "role_type")

    school_year = forms.ChoiceField(required=False, label="School year")
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *PositionStatus.choices]
    )
    # Checked in clean_school rather than as choices: a large district has hundreds of schools.
    school = forms.CharField(required=False, label="Where", max_length=20)
    role_type = forms.ModelChoiceField(
        queryset=RoleType.objects.none(), required=False, empty_label="Any role type"
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        years = (
            Position.objects.filter(district=district)
            .order_by("-school_year")
            .values_list("school_year", flat=True)
            .distinct()
        )
        self.fields["school_year"].choices = [("", "Every year"), *((y, y) for y in years)]  # type: ignore[attr-defined]
        self.fields["role_type"].queryset = RoleType.objects.filter(district=district)  # type: ignore[attr-defined]

    def select_options(self, name: str) -> list[tuple[str, str]]:
        if name != "school":
            return super().select_options(name)
        schools = School.objects.filter(district=self.district).order_by("name")
        return [
            ("", "Every school and the office"),
            (selectors.OFFICE, "District office"),
            *((str(pk), name) for pk, name in schools.values_list("pk", "name")),
        ]

    def clean_school(self) -> School | str | None:
        value = self.cleaned_data.get("school") or ""
        if not value:
            return None
        if value == selectors.OFFICE:
            return selectors.OFFICE
        school = (
            School.objects.filter(district=self.district, pk=value).first()
            if value.isascii() and value.isdigit()
            else None
        )
        if school is None:
            raise forms.ValidationError("Choose a school from the list.")
        return school

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        school = data.get("school")
        return {
            "q": data.get("q") or "",
            "school_year": data.get("school_year") or "",
            "status": data.get("status") or "",
            "school": school,
            "role_type": data.get("role_type"),
        }


class PositionTransitionForm(forms.Form):
    to = forms.ChoiceField(label="Change status to")
    note = forms.CharField(
        required=False, max_length=500, label="Why", help_text="Kept in the position's history."
    )

    def __init__(self, *args: Any, position: Position, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(PositionStatus.choices)
        allowed = sorted(MANUAL_TRANSITIONS.get(position.status, frozenset()))
        self.fields["to"].choices = [(s, labels[s]) for s in allowed]  # type: ignore[attr-defined]


class AssignmentForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none())
    begin_date = forms.DateField(widget=DATE, label="Begins")
    fte = forms.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=0.05,
        max_value=1,
        label="FTE",
        help_text="The share of a full-time post this person takes in the position.",
    )
    is_tosa = forms.BooleanField(
        required=False, label="Teacher on special assignment (at teacher pay)"
    )

    def __init__(self, *args: Any, position: Position, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"] = staff_field(position.district, "Staff member")
        self.fields["fte"].initial = position.fte
        self.fields["begin_date"].initial = timezone.localdate()


class AssignmentEndForm(forms.ModelForm[Assignment]):
    class Meta:
        model = Assignment
        fields = ["end_date", "end_reason", "end_note"]
        widgets = {"end_date": DATE, "end_note": forms.Textarea(attrs={"rows": 3})}
        labels = {"end_date": "Last day", "end_reason": "Why it ended", "end_note": "Notes"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True
        self.fields["end_reason"].required = True
        self.fields["end_reason"].choices = [("", "Choose a reason"), *EndReason.choices]  # type: ignore[attr-defined]
        self.fields["end_date"].initial = timezone.localdate()

    def _post_clean(self) -> None:
        # The service validates and saves; the instance is not the place to check it here.
        pass
