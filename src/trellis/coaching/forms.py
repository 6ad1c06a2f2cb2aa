from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from trellis.coaching.models import MAX_MINUTES, InteractionKind
from trellis.core.forms import PlainSelectsMixin
from trellis.core.models import District
from trellis.core.schoolyear import school_year_choices
from trellis.org.models import School, Staff
from trellis.roles.forms import staff_field


class RelationshipForm(forms.Form):
    focus = forms.CharField(
        max_length=200,
        required=False,
        help_text="A few words on what you will work on (e.g. “small-group rotation”). "
        "Coaching managers can see this; keep anything personal for the log.",
    )
    begin_date = forms.DateField(
        label="Coaching starts", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, district: District, coach: Staff | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        active = Staff.objects.filter(district=district, is_active=True)
        fields: dict[str, forms.Field] = {}
        if coach is None:  # a coaching manager chooses the coach too
            fields["coach"] = staff_field(district, "Coach", active)
        fields["teacher"] = staff_field(district, "Teacher", active)
        self.fields = {**fields, **self.fields}
        self.initial.setdefault("begin_date", timezone.localdate())


class InteractionForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("kind",)

    kind = forms.ChoiceField(choices=InteractionKind.choices, label="What you did")
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_MINUTES,
        help_text=f"Time spent with the teacher, 1 to {MAX_MINUTES} minutes.",
    )
    consultant = forms.CharField(
        max_length=200,
        required=False,
        label="Consultant",
        help_text="Only for a consultant's walkthrough: who observed.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    next_steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Next steps"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("occurred_on", timezone.localdate())


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment", widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000
    )


class ShareForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Share with (username)",
        help_text="A mentor or another coach. Your evaluator can never be added.",
    )


class EndForm(forms.Form):
    end_date = forms.DateField(
        label="Coaching ended on", widget=forms.DateInput(attrs={"type": "date"})
    )


class YearForm(PlainSelectsMixin, forms.Form):
    plain_selects: tuple[str, ...] = ("school_year", "school")

    school_year = forms.ChoiceField(choices=(), required=False, label="School year")
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label="Every school"
    )
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, district: District, with_school: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices(timezone.localdate(), 3, 1)  # type: ignore[attr-defined]
        if with_school:
            self.fields["school"].queryset = School.objects.filter(district=district)  # type: ignore[attr-defined]
        else:
            del self.fields["school"]
            self.plain_selects = ("school_year",)
