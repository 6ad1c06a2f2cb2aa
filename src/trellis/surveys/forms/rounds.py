"""The form that starts a round of a survey: who is asked, when, and the smallest groups its
results describe."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from trellis.core.models import District, Role
from trellis.core.schoolyear import school_year_choices, school_year_of
from trellis.org.models import School
from trellis.rollout.models import Cohort
from trellis.surveys.models import MIN_GROUP, MIN_TEXT, GroupSource
from trellis.surveys.selectors.surveys import survey_settings

AUDIENCE_ROLES = [(v, label) for v, label in Role.choices if v != Role.CONSORTIUM_LEAD]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdministrationForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. “Spring 2027 staff survey”.")
    school_year = forms.ChoiceField(label="School year")
    opens_on = forms.DateField(widget=DATE, label="Opens on")
    closes_on = forms.DateField(widget=DATE, label="Closes on")
    audience_roles = forms.MultipleChoiceField(
        choices=AUDIENCE_ROLES, widget=forms.CheckboxSelectMultiple, label="Who is asked",
        help_text="Everyone in the district with one of these roles in Trellis.",
    )  # fmt: skip
    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(), required=False, label="Only at these schools",
        help_text="Leave empty to ask people at every school and the district office.",
    )  # fmt: skip
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), required=False, empty_label="Any cohort",
        label="Only in this cohort",
    )  # fmt: skip
    group_source = forms.ChoiceField(
        choices=GroupSource.choices, widget=forms.RadioSelect, label="Respondent group",
        initial=GroupSource.MEMBERSHIP,
        help_text="Results are broken down by building leaders, instructional leaders and "
                  "everyone else. Trellis can take each person's group from their role "
                  "(principals, coaches), or ask them.",
    )  # fmt: skip
    min_group = forms.IntegerField(
        initial=MIN_GROUP, label="Smallest group reported",
        help_text="Answers are anonymous, and small groups would give people away: results "
                  "are shown only for groups of at least this many people. When one group is "
                  "too small, another beside it is hidden too, so the small one cannot be "
                  "worked out by subtraction. 5 is usual; 3 is the least allowed.",
    )  # fmt: skip
    min_text = forms.IntegerField(
        initial=MIN_TEXT, label="Smallest group whose comments are shown",
        help_text="Written comments are easier to trace to their author, so a group's comments "
                  "are shown only when at least this many of them wrote one. 10 is usual; 3 is "
                  "the least allowed.",
    )  # fmt: skip

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        today = timezone.localdate()
        floor = survey_settings(district=district)
        kwargs.setdefault("initial", {
            "school_year": school_year_of(today), "opens_on": today,
            "closes_on": today + dt.timedelta(days=14),
            "audience_roles": [Role.TEACHER, Role.COACH, Role.PRINCIPAL],
            "min_group": floor.min_group, "min_text": floor.min_text,
        })  # fmt: skip
        super().__init__(*args, **kwargs)
        if floor.pk is not None:
            for name in ("min_group", "min_text"):
                self.fields[
                    name
                ].help_text += f" This district's own least is {getattr(floor, name)}."
        self.fields["school_year"].choices = school_year_choices(today, before=1, after=1)  # type: ignore[attr-defined]
        self.fields["schools"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["cohort"].queryset = Cohort.objects.filter(district=district)  # type: ignore[attr-defined]


class SurveySettingsForm(forms.Form):
    """The district's smallest groups; the service words the limits, at each field."""

    min_group = forms.IntegerField(
        label="Smallest group reported",
        help_text="No round of any survey reports a group smaller than this. 5 is usual; 3 is "
                  "the least allowed. Rounds already started keep theirs.",
    )  # fmt: skip
    min_text = forms.IntegerField(
        label="Smallest group whose comments are shown",
        help_text="A group's written comments are shown only when at least this many of them "
                  "wrote one. 10 is usual; never fewer than the number above.",
    )  # fmt: skip
