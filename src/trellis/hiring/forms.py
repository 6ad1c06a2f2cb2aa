from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from trellis.core.models import District
from trellis.hiring.data_tasks import standard_codes
from trellis.hiring.models import (
    DATA_TASK_SEED_MAX,
    DATA_TASK_STUDENTS,
    Application,
    ApplicationStatus,
    Component,
    DataTaskKind,
    InterviewTemplate,
    Posting,
    SeatRole,
    Source,
)
from trellis.hiring.services import APPLICATION_FLOW, CV_MAX_BYTES
from trellis.org.models import Staff
from trellis.roles.forms import staff_field
from trellis.roles.models import Position, PositionStatus

DATE = forms.DateInput(attrs={"type": "date"})
CV_ACCEPT = ".pdf,.docx,.doc,.odt,.rtf,.txt"


class PostingForm(forms.ModelForm[Posting]):
    class Meta:
        model = Posting
        fields = ["position", "template", "title", "summary", "audience", "opens_on", "closes_on"]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        positions = self.fields["position"]
        positions.queryset = (  # type: ignore[attr-defined]
            Position.objects.filter(
                district=district, status__in=(PositionStatus.OPEN, PositionStatus.PLANNED)
            )
            .select_related("school", "version__job_description")
            .order_by("requisition_number")
        )
        positions.label_from_instance = lambda p: f"{p.requisition_number} {p.title} — {p.place}"  # type: ignore[attr-defined]
        templates = self.fields["template"]
        templates.queryset = InterviewTemplate.objects.filter(  # type: ignore[attr-defined]
            district=district, replaced_by__isnull=True
        )
        current = templates.queryset  # type: ignore[attr-defined]
        if current.count() == 1:
            self.fields["template"].initial = current.first().pk
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + dt.timedelta(days=21)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "A posting cannot close before it opens.")
        return data


class SeatForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none())
    seat_role = forms.ChoiceField(choices=SeatRole.choices, label="Seat")

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"] = staff_field(district, "Panelist")


class ScheduleForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Candidates",
        help_text="Choose several for a group session.",
    )
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        min_value=10, max_value=600, initial=240, label="Length in minutes"
    )
    location = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, posting: Posting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = (  # type: ignore[attr-defined]
            Application.objects.filter(posting=posting)
            .exclude(status__in=("accepted", "declined", "rejected", "withdrawn"))
            .select_related("candidate")
        )
        field.label_from_instance = lambda a: a.candidate.full_name  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    to = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        required=False, max_length=1000, label="Why", help_text="Required to reject or withdraw."
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ApplicationStatus.choices)
        by_offer = {"offered", "accepted"}  # offers have their own step
        allowed = sorted(APPLICATION_FLOW.get(application.status, frozenset()) - by_offer)
        self.fields["to"].choices = [(s, labels[s]) for s in allowed]  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    begin_date = forms.DateField(widget=DATE, label="First day in the role")
    is_tosa = forms.BooleanField(required=False, label="Teacher on special assignment")


class MeetingForm(forms.Form):
    held_on = forms.DateField(widget=DATE, label="Follow-up meeting held on")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApplyForm(forms.Form):
    first_name = forms.CharField(max_length=75)
    last_name = forms.CharField(max_length=75)
    email = forms.EmailField()
    phone = forms.CharField(max_length=30, required=False)
    source = forms.ChoiceField(
        choices=[c for c in Source.choices if c[0] != Source.INTERNAL],
        label="How did you hear about this role?",
    )
    cover_note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Why this role?",
    )
    cv = forms.FileField(
        required=False,
        label="CV",
        help_text="PDF, Word, OpenDocument, RTF or plain text; at most "
        f"{CV_MAX_BYTES // 1_048_576} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": CV_ACCEPT}),
    )


class InternalApplyForm(forms.Form):
    cover_note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Why this role?",
    )
    cv = ApplyForm.base_fields["cv"]


class ScoreForm(forms.Form):
    """One radio group per criterion, grouped by component on the page."""

    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Notes for the debrief"
    )

    def __init__(self, *args: Any, components: list[Component], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[Component, list[str]]] = []
        for component in components:
            names = []
            for criterion in component.criteria.all():
                name = f"criterion_{criterion.pk}"
                levels = range(criterion.scale_min, criterion.scale_max + 1)
                self.fields[name] = forms.TypedChoiceField(
                    label=criterion.name,
                    coerce=int,
                    widget=forms.RadioSelect,
                    choices=[
                        (v, f"{v} — {criterion.descriptors.get(str(v), '')}".rstrip(" —"))
                        for v in levels
                    ],
                    error_messages={"required": f"Rate “{criterion.name}”."},
                )
                names.append(name)
            self.groups.append((component, names))

    def grouped(self) -> list[tuple[Component, list[dict[str, Any]]]]:
        """Plain data for the page: rendering 90 radio widgets through Django's widget
        templates costs more than the rest of the scoring screen together."""
        chosen = self.data
        groups = []
        for component, names in self.groups:
            rows = []
            for name in names:
                field = self.fields[name]
                rows.append(
                    {
                        "name": name,
                        "label": field.label,
                        "errors": self.errors.get(name) if self.is_bound else None,
                        "options": [
                            (str(v), text, str(chosen.get(name, "")) == str(v))
                            for v, text in field.choices  # type: ignore[attr-defined]
                        ],
                    }
                )
            groups.append((component, rows))
        return groups

    def ratings(self) -> dict[int, int]:
        return {
            int(name.removeprefix("criterion_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("criterion_")
        }


class CloneForm(forms.Form):
    name = forms.CharField(max_length=160, label="Name of the copy")


class TemplateForm(forms.ModelForm[InterviewTemplate]):
    required_seats = forms.MultipleChoiceField(
        choices=SeatRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Seats every panel needs",
        help_text="For a role based in a school, its principal is always required.",
    )

    class Meta:
        model = InterviewTemplate
        fields = ["description", "total_points", "debrief_threshold", "required_seats"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ComponentForm(forms.ModelForm[Component]):
    criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Criteria",
        help_text="One per line. The panel rates each from 1 (not yet) to 4 (exemplary).",
    )

    class Meta:
        model = Component
        fields = ["name", "description", "mode", "duration_minutes", "points", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = self.instance.criteria.values_list("name", flat=True)
            self.fields["criteria"].initial = "\n".join(names)

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class DataTaskForm(forms.Form):
    """A part's data task. The standards come from the list, typed codes, or both; the service
    checks them again, so a request that skips this form is held to the same rules."""

    kind = forms.ChoiceField(choices=DataTaskKind.choices, label="Kind of data")
    title = forms.CharField(max_length=160, label="Title shown above the data")
    prompt = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What the candidate is asked to do",
    )
    students = forms.IntegerField(
        min_value=DATA_TASK_STUDENTS[0],
        max_value=DATA_TASK_STUDENTS[1],
        initial=24,
        label="Number of students",
        help_text="From 8 to 40. Students are shown as codes (S01, S02, …), never names.",
    )
    standards = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Standards"
    )
    other_standards = forms.CharField(
        required=False,
        max_length=800,
        label="Other standard codes",
        help_text="Separated by commas or new lines, e.g. 6.RP.A.1, RL.7.2.",
    )
    scale_min = forms.IntegerField(min_value=0, max_value=9, initial=1, label="Lowest level")
    scale_max = forms.IntegerField(min_value=2, max_value=10, initial=4, label="Highest level")
    seed = forms.IntegerField(
        min_value=1,
        max_value=DATA_TASK_SEED_MAX,
        label="Seed",
        help_text="The same seed always makes the same class, so every candidate sees the same "
        "data. “Make a new data set” picks another.",
    )

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standards"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = data.get("other_standards", "").replace(",", "\n").splitlines()
        if "standards" in data and "other_standards" in data:
            try:
                data["codes"] = standard_codes([*data["standards"], *typed])
            except ValidationError as error:
                # A badly typed code belongs to the box it was typed in; too few or too many
                # to the list.
                problem = error.error_dict["standards"][0]
                field = "other_standards" if problem.code == "bad_code" else "standards"
                self.add_error(field, problem.messages)
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high < low + 2:
            self.add_error("scale_max", "The scale needs at least three levels.")
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "prompt": data["prompt"],
            "students": data["students"],
            "standards": data["codes"],
            "scale_min": data["scale_min"],
            "scale_max": data["scale_max"],
            "seed": data["seed"],
        }
