"""Forms for the activity catalog, sessions, enrolment, the hours report and certifications.
Model forms skip model validation (``_post_clean``): the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict

from trellis.core.forms import ListQueryForm, PlainSelectsMixin
from trellis.core.models import District
from trellis.core.schoolyear import school_year_choices
from trellis.learning.models import (
    Activity,
    ActivitySource,
    Audience,
    CertificationProgram,
    Requirement,
    RequirementKind,
    Session,
    TrainingElement,
)
from trellis.learning.selectors import catalog as selectors
from trellis.org.models import School
from trellis.roles.forms import staff_field
from trellis.roles.models import RoleType

DATE = forms.DateInput(attrs={"type": "date"})


class _ServiceValidated:
    def _post_clean(self) -> None:
        pass  # the service validates and saves


def _school_options(district_id: int, empty: str) -> list[tuple[str, str]]:
    schools = School.objects.filter(district_id=district_id).order_by("name")
    return [("", empty), *((str(pk), name) for pk, name in schools.values_list("pk", "name"))]


# --- Activities and sessions ----------------------------------------------------------------


class ActivityForm(_ServiceValidated, forms.ModelForm[Activity]):
    class Meta:
        model = Activity
        fields = [
            "title",
            "source",
            "provider",
            "element",
            "hours",
            "level",
            "audience",
            "capacity",
            "is_active",
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "audience": forms.CheckboxSelectMultiple,
            "hours": forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "200"}),
        }
        labels = {"level": "Meant for people", "audience": "Meant for these roles"}
        help_texts = {
            "element": "Initial training for a new personalized-learning role covers three "
            "things: the shared vision, coaching skills for working with adults, and the "
            "role's own skills and tools. Leave empty for ongoing learning.",
            "hours": "Hours credited for attending in full, from 0.25 to 200.",
            "audience": "Coaches, TOSAs, teacher-leaders… None ticked: anyone may enrol. "
            "Someone outside these roles can still enrol, with a warning.",
            "is_active": "Offered activities can be scheduled and enrolled in.",
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = Q(retired_at__isnull=True)
        if self.instance.pk:  # a retired role already chosen stays on the list
            offered |= Q(pk__in=self.instance.audience.values("pk"))
        roles = RoleType.objects.filter(offered, district=district).order_by("name")
        self.fields["audience"].queryset = roles  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "audience"}


class SessionForm(_ServiceValidated, forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["starts_on", "ends_on", "start_time", "location", "capacity"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "start_time": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {"starts_on": "Date", "ends_on": "Last day", "location": "Where"}
        help_texts = {
            "ends_on": "For a session over several days; empty for one day.",
            "location": "A school, the district office, a partner district, or online.",
        }


class ActivityFilterForm(PlainSelectsMixin, ListQueryForm):
    plain_selects = ("source", "element", "level", "offered")

    source = forms.ChoiceField(
        required=False, choices=[("", "Any source"), *ActivitySource.choices]
    )
    element = forms.ChoiceField(
        required=False,
        label="Initial-training element",
        choices=[
            ("", "Any element"),
            *TrainingElement.choices,
            (selectors.ONGOING, "Ongoing learning (no element)"),
        ],
    )
    level = forms.ChoiceField(
        required=False, label="Meant for", choices=[("", "Anyone"), *Audience.choices]
    )
    offered = forms.TypedChoiceField(
        required=False,
        label="Offered",
        choices=[("", "Offered and retired"), ("1", "Offered now"), ("0", "No longer offered")],
        coerce=lambda v: v == "1",
        empty_value=None,
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "source": data.get("source") or "",
            "element": data.get("element") or "",
            "level": data.get("level") or "",
            "offered": data.get("offered"),
        }


class EnrolForm(forms.Form):
    waitlist = forms.BooleanField(
        required=False,
        initial=True,
        label="If the session is full, put them on the waitlist",
        help_text="Untick to refuse an overbooking: a full session then enrols nobody.",
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"staff": staff_field(district, "Person to enrol"), **self.fields}


# --- Hours ----------------------------------------------------------------------------------


class HoursFilterForm(PlainSelectsMixin, ListQueryForm):
    plain_selects = ("school_year", "school", "who")

    school_year = forms.ChoiceField(choices=[], label="School year", required=False)
    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False)
    who = forms.ChoiceField(required=False, label="Who", choices=selectors.HOURS_WHO)

    def __init__(self, data: QueryDict, *, district: District) -> None:
        self.current_year = school_year_choices(selectors.today(), 0, 0)[0][0]
        if not data.get("school_year"):  # no year asked for: this school year
            data = data.copy()
            data["school_year"] = self.current_year
        super().__init__(data)
        self.district = district
        years = school_year_choices(selectors.today(), before=5, after=1)
        self.fields["school_year"].choices = years  # type: ignore[attr-defined]
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]

    def select_options(self, name: str) -> list[tuple[str, str]]:
        if name == "school":
            return _school_options(self.district.pk, "Any school")
        return super().select_options(name)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "school_year": data.get("school_year") or self.current_year,
            "q": data.get("q") or "",
            "school": data.get("school"),
            "who": data.get("who") or "",
        }


# --- Certifications -------------------------------------------------------------------------


class ProgramForm(_ServiceValidated, forms.ModelForm[CertificationProgram]):
    class Meta:
        model = CertificationProgram
        fields = ["name", "content_area", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": "Open to new candidates"}
        help_texts = {
            "name": "For example “Blended-learning specialist (ELA)”.",
            "content_area": "Enrolling a school's teachers takes only teachers of this subject.",
        }


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(choices=RequirementKind.choices, label="The candidate must")
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        help_text="For “attend an activity”: any session of it counts, whenever attended.",
    )
    amount = forms.DecimalField(
        required=False,
        min_value=0.25,
        max_value=1000,
        decimal_places=2,
        label="How many",
        help_text="Hours of learning (counted from the day each candidacy starts), or the "
        "number of observed walkthroughs.",
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(district=district)  # type: ignore[attr-defined]


class CandidacyForm(forms.Form):
    cohort = forms.CharField(
        max_length=60, required=False, help_text="For example “2026-27 cohort”."
    )
    started_on = forms.DateField(
        widget=DATE, label="Started on", help_text="Hours count from this day."
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"staff": staff_field(district, "Candidate"), **self.fields}


class CandidacyBulkForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    cohort = forms.CharField(
        max_length=60, required=False, help_text="For example “2026-27 cohort”."
    )
    started_on = forms.DateField(
        widget=DATE, label="Started on", help_text="Hours count from this day."
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    requirement = forms.ModelChoiceField(queryset=Requirement.objects.none(), empty_label=None)
    completed_on = forms.DateField(widget=DATE, label="Observed on")
    note = forms.CharField(max_length=300, required=False, help_text="Who observed, what they saw.")

    def __init__(self, *args: Any, program: CertificationProgram, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.filter(  # type: ignore[attr-defined]
            program=program, kind=RequirementKind.WALKTHROUGHS
        ).order_by("order", "id")


class CandidateFilterForm(PlainSelectsMixin, ListQueryForm):
    plain_selects = ("school", "cohort", "status")

    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False)
    cohort = forms.ChoiceField(required=False, choices=[])
    status = forms.ChoiceField(
        required=False, choices=[("", "Certified and in progress"), *selectors.CANDIDATE_STATUSES]
    )

    def __init__(self, *args: Any, program: CertificationProgram, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district_id = program.district_id
        self.fields["school"].queryset = School.objects.filter(district_id=program.district_id)  # type: ignore[attr-defined]
        cohorts = selectors.cohorts_of(program=program)
        self.fields["cohort"].choices = [("", "Any cohort"), *((c, c) for c in cohorts)]  # type: ignore[attr-defined]

    def select_options(self, name: str) -> list[tuple[str, str]]:
        if name == "school":
            return _school_options(self.district_id, "Any school")
        return super().select_options(name)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "school": data.get("school"),
            "cohort": data.get("cohort") or "",
            "status": data.get("status") or "",
        }
