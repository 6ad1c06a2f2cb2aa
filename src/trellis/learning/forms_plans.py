"""Forms for learning plans, PLCs and onboarding tracks. They parse and label; the services
validate the domain rules and the views show their errors at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from trellis.core.forms import ListQueryForm, PlainSelectsMixin
from trellis.core.models import District
from trellis.learning.models import (
    Activity,
    Audience,
    GoalSource,
    GoalStatus,
    LearningPlan,
    OnboardingTrack,
    PlanGoal,
    Plc,
    PlcMeeting,
    TrackItem,
)
from trellis.learning.services.plans import GOAL_TRANSITIONS
from trellis.org.models import School, Staff
from trellis.roles.forms import STAFF_SELECT_LIMIT, staff_field
from trellis.roles.models import RoleType

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


def active_staff(district: District) -> QuerySet[Staff]:
    return Staff.objects.filter(district=district, is_active=True).order_by(
        "last_name", "first_name", "id"
    )


def staff_label(obj: Staff) -> str:
    where = obj.school.name if obj.school else "District office"
    return f"{obj.last_name}, {obj.first_name} — {where} ({obj.staff_unique_id})"


class StaffMultipleField(forms.ModelMultipleChoiceField[Staff]):
    def label_from_instance(self, obj: Staff) -> str:
        return staff_label(obj)


def one_staff_field(form: forms.BaseForm, name: str, district: District, label: str) -> None:
    """A person chosen from a list (or by staff id in a large district), shown with its current
    value either way."""
    field = staff_field(district, label, active_staff(district))
    field.required = False  # the service says why a person is needed
    form.fields[name] = field
    current = form.initial.get(name)
    if current and getattr(field, "to_field_name", None) == "staff_unique_id":
        form.initial[name] = (
            Staff.objects.filter(pk=current).values_list("staff_unique_id", flat=True).first()
        )


class StaffIdsField(forms.CharField):
    """People by staff id, one per line or separated by commas: a large district has too many
    people for a list."""

    def __init__(self, *, queryset: QuerySet[Staff], **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("help_text", "Staff ids, one per line or separated by commas.")
        super().__init__(**kwargs)
        self.queryset = queryset

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple | QuerySet):
            return "\n".join(getattr(v, "staff_unique_id", str(v)) for v in value)
        return value

    def clean(self, value: Any) -> list[Staff]:
        text = super().clean(value) or ""
        wanted = [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]
        found = {s.staff_unique_id: s for s in self.queryset.filter(staff_unique_id__in=wanted)}
        unknown = [w for w in wanted if w not in found]
        if unknown:
            raise forms.ValidationError(
                f"No current staff member has the staff id {', '.join(unknown[:5])}."
            )
        return [found[w] for w in dict.fromkeys(wanted)]


def staff_multiple_field(
    queryset: QuerySet[Staff], label: str, required: bool = False
) -> forms.Field:
    if queryset.count() <= STAFF_SELECT_LIMIT:
        return StaffMultipleField(
            queryset=queryset.select_related("school"),
            label=label,
            required=required,
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text="Hold Ctrl (or ⌘) to choose several.",
        )
    return StaffIdsField(queryset=queryset, label=label, required=required)


# --- Plans ----------------------------------------------------------------------------------


class PlanYearForm(forms.Form):
    year = forms.ChoiceField(label="School year")

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]  # type: ignore[attr-defined]


class GoalForm(forms.ModelForm[PlanGoal]):
    """A goal's fields; ``fields`` narrows it to what this person may change."""

    source = forms.ChoiceField(label="Set by", choices=[])

    class Meta:
        model = PlanGoal
        fields = ["text", "owner", "review_on", "activities", "evidence"]
        widgets = {"text": TEXT, "evidence": TEXT, "review_on": DATE}
        labels = {"text": "Goal", "review_on": "Next review"}
        help_texts = {
            "text": "One thing to grow in this school year, in plain words.",
            "activities": "Sessions from the district's learning catalog that serve this goal.",
        }

    def __init__(
        self,
        *args: Any,
        district: District,
        sources: list[str] | None = None,
        editable: tuple[str, ...] = ("text", "owner", "review_on", "activities", "evidence"),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if sources:
            labels = dict(GoalSource.choices)
            self.fields["source"].choices = [(s, labels[s]) for s in sources]  # type: ignore[attr-defined]
        else:
            del self.fields["source"]
        one_staff_field(self, "owner", district, "Owner")
        self.fields[
            "owner"
        ].help_text = "Who moves the goal forward: the person, or their coach or mentor."
        activities = self.fields["activities"]
        activities.queryset = Activity.objects.filter(district=district, is_active=True)  # type: ignore[attr-defined]
        activities.widget.attrs["size"] = 6
        for name in list(self.fields):
            if name != "source" and name not in editable:
                del self.fields[name]

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "source"}

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class GoalMoveForm(forms.Form):
    to = forms.ChoiceField(label="Change status to")
    note = forms.CharField(
        required=False, max_length=4000, widget=TEXT, help_text="Kept in the goal's history."
    )

    def __init__(self, *args: Any, goal: PlanGoal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(GoalStatus.choices)
        allowed = sorted(GOAL_TRANSITIONS[goal.status], key=list(labels).index)
        self.fields["to"].choices = [(s, labels[s]) for s in allowed]  # type: ignore[attr-defined]


class PlanFilterForm(PlainSelectsMixin, ListQueryForm):
    plain_selects = ("school_year", "school", "status")

    school_year = forms.ChoiceField(required=False, label="School year")
    school = forms.CharField(required=False, max_length=20, label="School")
    status = forms.ChoiceField(
        required=False, label="With a goal", choices=[("", "Any goal"), *GoalStatus.choices]
    )
    overdue = forms.BooleanField(required=False, label="Reviews overdue only")

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        years = (
            LearningPlan.objects.filter(district=district)
            .order_by("-school_year")
            .values_list("school_year", flat=True)
            .distinct()
        )
        self.fields["school_year"].choices = [("", "Every year"), *((y, y) for y in years)]  # type: ignore[attr-defined]

    def select_options(self, name: str) -> list[tuple[str, str]]:
        if name != "school":
            return super().select_options(name)
        return school_options(self.district)

    def clean_school(self) -> School | None:
        return _school(self.district, self.cleaned_data.get("school") or "")

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "school": data.get("school"),
            "school_year": data.get("school_year") or "",
            "status": data.get("status") or "",
            "overdue": bool(data.get("overdue")),
        }


def school_options(district: District) -> list[tuple[str, str]]:
    schools = School.objects.filter(district=district).order_by("name").values_list("pk", "name")
    return [("", "Every school"), *((str(pk), name) for pk, name in schools)]


def _school(district: District, value: str) -> School | None:
    # Checked here rather than as choices: a large district has hundreds of schools.
    if not value:
        return None
    school = (
        School.objects.filter(district=district, pk=value).first()
        if value.isascii() and value.isdigit()
        else None
    )
    if school is None:
        raise forms.ValidationError("Choose a school from the list.")
    return school


# --- PLCs -----------------------------------------------------------------------------------


class PlcForm(forms.ModelForm[Plc]):
    class Meta:
        model = Plc
        fields = ["name", "role_type", "cadence", "facilitator", "goals", "members", "is_active"]
        widgets = {"goals": TEXT}
        labels = {"goals": "Group goals", "role_type": "Shared role", "is_active": "Still meeting"}
        help_texts = {
            "name": "For example “K–5 coaches PLC” or “Implementation specialists PLC”.",
            "cadence": "How often the PLC meets; the next meeting date is suggested from it.",
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = active_staff(district)
        role_types = self.fields["role_type"]
        role_types.queryset = RoleType.objects.filter(district=district, retired_at__isnull=True)  # type: ignore[attr-defined]
        role_types.empty_label = "Mixed roles"  # type: ignore[attr-defined]
        one_staff_field(self, "facilitator", district, "Facilitator")
        self.fields["facilitator"].help_text = "Leads the meetings and records them."
        self.fields["members"] = staff_multiple_field(staff, "Members")

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class MeetingForm(forms.ModelForm[PlcMeeting]):
    class Meta:
        model = PlcMeeting
        fields = ["held_on", "agenda", "notes", "challenges", "successes"]
        widgets = {
            "held_on": DATE,
            "agenda": TEXT,
            "notes": forms.Textarea(attrs={"rows": 5}),
            "challenges": TEXT,
            "successes": TEXT,
        }
        labels = {"held_on": "Date", "successes": "Successes to share"}
        help_texts = {
            "challenges": "Problems of practice members brought, to work on together.",
            "successes": "What worked in classrooms since the last meeting.",
        }

    attendees = forms.ModelMultipleChoiceField(
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who came",
        help_text="Only members appear here; mark attendance once the meeting has happened.",
    )

    def __init__(self, *args: Any, plc: Plc, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        came = (
            list(self.instance.attendees.values_list("pk", flat=True)) if self.instance.pk else []
        )
        people = Staff.objects.filter(Q(plcs=plc) | Q(pk__in=came), district_id=plc.district_id)
        field.queryset = people.distinct().order_by("last_name", "first_name", "id")  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: s.full_name  # type: ignore[attr-defined]
        field.initial = came

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "attendees"}

    def _post_clean(self) -> None:
        pass  # the service validates and saves


# --- Onboarding tracks ----------------------------------------------------------------------


class TrackForm(forms.ModelForm[OnboardingTrack]):
    class Meta:
        model = OnboardingTrack
        fields = ["name", "role_type", "audience"]
        labels = {"role_type": "Role", "audience": "For people"}
        help_texts = {
            "name": "For example “New coaches: first 90 days”.",
            "audience": "People who held the role before get the “experienced” track.",
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role_type"].queryset = RoleType.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["audience"].choices = Audience.choices  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class TrackItemForm(forms.ModelForm[TrackItem]):
    class Meta:
        model = TrackItem
        fields = ["title", "detail", "due_days", "order"]
        widgets = {"detail": TEXT}
        labels = {"due_days": "Due (days after the start)", "order": "Position in the list"}
        help_texts = {"order": "Leave empty to put a new item last, or to keep an item's place."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["due_days"].widget.attrs.update(min=0, max=365)

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class OnboardingFilterForm(PlainSelectsMixin, ListQueryForm):
    plain_selects = ("track", "school")

    track = forms.ModelChoiceField(
        queryset=OnboardingTrack.objects.none(), required=False, empty_label="Every track"
    )
    school = forms.CharField(required=False, max_length=20, label="School")

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["track"].queryset = OnboardingTrack.objects.filter(district=district)  # type: ignore[attr-defined]

    def select_options(self, name: str) -> list[tuple[str, str]]:
        if name != "school":
            return super().select_options(name)
        return school_options(self.district)

    def clean_school(self) -> School | None:
        return _school(self.district, self.cleaned_data.get("school") or "")

    def filters(self) -> dict[str, Any]:
        return {"track": self.cleaned_data.get("track"), "school": self.cleaned_data.get("school")}
