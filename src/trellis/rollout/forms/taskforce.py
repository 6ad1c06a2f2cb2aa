"""Forms for the taskforce pages. They parse and label; ``rollout.services.taskforce`` checks the
domain rules (who may join, a parseable availability, someone present) and the views show its
errors at the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from trellis.core.models import District
from trellis.org.models import School
from trellis.roles.forms import staff_field
from trellis.rollout.models import Meeting, Seat, TaskforceMember

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})
DATE_ERRORS = {"invalid": "Enter the date as YYYY-MM-DD, e.g. 2026-09-14."}
AVAILABILITY_HELP = (
    "The weekly times they can meet, separated by commas, e.g. "
    "“Mon 15:30-17:00, Wed 15:00-16:30”. Leave empty if unknown."
)
DEFAULT_MINUTES = 90
DURATIONS = [(45, "45 minutes"), (60, "1 hour"), (90, "1 hour 30"), (120, "2 hours")]


class MemberForm(forms.Form):
    """A seat on the taskforce; the person is chosen only when they join."""

    seat = forms.ChoiceField(choices=Seat.choices)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label="The whole district",
        help_text="For a seat held for one school, such as its principal or teacher-leader.",
    )
    required = forms.BooleanField(
        required=False,
        label="Required at every meeting",
        help_text="The meeting-time finder looks for times every required member can come.",
    )
    availability = forms.CharField(
        required=False, max_length=1_000, help_text=AVAILABILITY_HELP, label="Availability"
    )
    joined_on = forms.DateField(
        label="Joined on", widget=DATE, error_messages=DATE_ERRORS, required=False
    )

    def __init__(self, *args: Any, district: District, with_staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_staff:
            self.fields = {"staff": staff_field(district, "Who"), **self.fields}
        self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(member: TaskforceMember) -> dict[str, Any]:
        names = ("seat", "school", "required", "availability", "joined_on")
        return {name: getattr(member, name) for name in names}

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("joined_on") is None:
            data.pop("joined_on", None)  # the service dates a new member today
        return data


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="Left on", widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("left_on", timezone.localdate())


class AvailabilityForm(forms.Form):
    availability = forms.CharField(
        required=False, max_length=1_000, label="My availability", help_text=AVAILABILITY_HELP
    )


class DurationForm(forms.Form):
    minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=DEFAULT_MINUTES, label="How long the meeting runs"
    )


class MeetingForm(forms.Form):
    """When and where; ``starts_at`` joins the date and time in the district's time zone."""

    on = forms.DateField(label="Date", widget=DATE, error_messages=DATE_ERRORS)
    at = forms.TimeField(
        label="Starts at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter the time as HH:MM, e.g. 15:30."},
    )
    minutes = forms.IntegerField(
        label="Length (minutes)", min_value=15, max_value=480, initial=DEFAULT_MINUTES,
        help_text="From 15 minutes to 8 hours.",
    )  # fmt: skip
    location = forms.CharField(max_length=200, required=False)
    agenda = forms.CharField(widget=TEXT, required=False, max_length=20_000)

    @staticmethod
    def initial_of(meeting: Meeting) -> dict[str, Any]:
        local = timezone.localtime(meeting.starts_at)
        return {"on": local.date(), "at": local.time(), "minutes": meeting.minutes,
                "location": meeting.location, "agenda": meeting.agenda}  # fmt: skip

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(data["on"], data["at"]))
        return {"starts_at": starts_at, "minutes": data["minutes"],
                "location": data["location"], "agenda": data["agenda"]}  # fmt: skip


class MemberChoiceField(forms.ModelMultipleChoiceField[TaskforceMember]):
    def label_from_instance(self, obj: TaskforceMember) -> str:
        return f"{obj.staff.full_name} ({obj.get_seat_display()})"


class RecordForm(forms.Form):
    present = MemberChoiceField(
        queryset=TaskforceMember.objects.none(),
        required=False,  # the service says why someone must be marked present
        widget=forms.CheckboxSelectMultiple,
        label="Who came",
        help_text="Everyone on the taskforce that day; those not ticked are recorded as absent.",
    )
    agenda = forms.CharField(widget=TEXT, required=False, max_length=20_000)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20_000,
        help_text="What was discussed and decided. Add the actions below once it is saved.",
    )

    def __init__(self, *args: Any, members: list[TaskforceMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = TaskforceMember.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in members]
        ).select_related("staff")


class ActionForm(forms.Form):
    text = forms.CharField(max_length=500, label="Action", help_text="What is to be done.")
    due_on = forms.DateField(label="Due on", widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = staff_field(district, "Owner")
        owner.help_text = "Who sees it through."
        self.fields = {"text": self.fields["text"], "owner": owner, "due_on": self.fields["due_on"]}
