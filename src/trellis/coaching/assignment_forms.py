from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from trellis.coaching.models import CoachProfile
from trellis.core.models import District
from trellis.core.schoolyear import school_year_bounds, school_year_choices, school_year_of
from trellis.org.models import AcademicSubject, GradeBand, School, Staff
from trellis.roles.forms import staff_field


class ProposalForm(forms.Form):
    school_year = forms.ChoiceField(choices=(), label="School year")
    begin_date = forms.DateField(
        label="Coaching starts",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When the approved pairs begin; last year's other pairs end the day before.",
    )
    hours_per_teacher = forms.IntegerField(
        min_value=1,
        max_value=40,
        initial=1,
        label="Hours a week per teacher",
        help_text="For coaches whose capacity is in hours.",
    )
    hours_per_first_year = forms.IntegerField(
        min_value=1,
        max_value=40,
        initial=2,
        label="Hours a week per first-year teacher",
        help_text="Teachers in their first implementation year usually need more.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["school_year"].choices = school_year_choices(today, 1, 1)  # type: ignore[attr-defined]
        coming = school_year_of(today.replace(year=today.year + 1)) if today.month >= 4 else None
        year = coming or school_year_of(today)
        self.initial.setdefault("school_year", year)
        self.initial.setdefault("begin_date", max(today, school_year_bounds(year)[0]))


class CoachProfileForm(forms.ModelForm[CoachProfile]):
    grade_bands = forms.MultipleChoiceField(
        choices=GradeBand.choices, widget=forms.CheckboxSelectMultiple, label="Grade bands"
    )
    content_areas = forms.MultipleChoiceField(
        choices=AcademicSubject.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Subjects",
        help_text="Leave all unticked for a coach of every subject.",
    )

    class Meta:
        model = CoachProfile
        fields = [
            "max_teachers",
            "hours_per_week",
            "grade_bands",
            "content_areas",
            "former_schools",
            "is_active",
        ]
        widgets = {"former_schools": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, district: District, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["former_schools"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["max_teachers"].widget.attrs["min"] = 1
        self.fields["hours_per_week"].widget.attrs["min"] = 1
        if new:
            active = Staff.objects.filter(district=district, is_active=True)
            self.fields = {"staff": staff_field(district, "Coach", active), **self.fields}

    def _post_clean(self) -> None:
        """The service validates; the model's own checks would repeat it less clearly."""


class PairForm(forms.Form):
    coach = forms.ModelChoiceField(
        queryset=Staff.objects.none(),
        required=False,
        empty_label="No coach this year",
        label="Coach",
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            district=district,
            pk__in=CoachProfile.objects.filter(district=district).values("staff_id"),
        )
