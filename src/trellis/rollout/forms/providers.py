"""Forms for content provider reviews: starting one (committee and criteria), a criterion, a
provider, a committee member's score sheet, the recommendation, the purchase decision and the
year-one renewal. The services check the domain rules; the views show their errors at the
field (a score sheet's errors name their cell, ``score_<provider>_<criterion>``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from trellis.core.models import District
from trellis.core.numbers import is_whole
from trellis.core.schoolyear import school_year_choices, school_year_of
from trellis.learning.forms_plans import StaffIdsField, StaffMultipleField, active_staff
from trellis.org.models import AcademicSubject, Staff
from trellis.roles.forms import STAFF_SELECT_LIMIT
from trellis.rollout.forms.comms import BAD_DATE, DATE
from trellis.rollout.models import Criterion, Provider, Purchase, Renewal
from trellis.rollout.services.providers import DEFAULT_CRITERIA, SCORE_ERROR, cell_key

WEIGHT_ERROR = "A weight is a whole number from 1 to 10."
# What each score means, shown above the sheet and beside every radio button.
SCALE = ((1, "Poor"), (2, "Weak"), (3, "Adequate"), (4, "Strong"), (5, "Excellent"))
CriterionLine = tuple[str, int, str]


# --- Starting a review ----------------------------------------------------------------------


class StaffIdsByLineField(StaffIdsField):
    """Staff ids one a line (a large district has too many people for a list), each unknown id
    reported with its line."""

    def clean(self, value: Any) -> list[Staff]:
        text = forms.CharField.clean(self, value) or ""
        lines = [
            (number, part.strip())
            for number, line in enumerate(text.splitlines(), start=1)
            for part in line.split(",")
            if part.strip()
        ]
        wanted = [staff_id for _, staff_id in lines]
        found = {s.staff_unique_id: s for s in self.queryset.filter(staff_unique_id__in=wanted)}
        unknown = [
            forms.ValidationError(f"Line {n}: no current staff member has the staff id “{i}”.")
            for n, i in lines
            if i not in found
        ]
        if unknown:
            raise forms.ValidationError(unknown)
        return [found[staff_id] for staff_id in dict.fromkeys(wanted)]


def committee_field(district: District) -> forms.Field:
    """The committee: a list of current staff, or their staff ids in a large district."""
    staff: QuerySet[Staff] = active_staff(district)
    errors = {"required": "Name the teachers on the committee."}
    if staff.count() > STAFF_SELECT_LIMIT:
        return StaffIdsByLineField(
            queryset=staff, label="Committee", error_messages=errors,
            help_text="Their staff ids, one a line, as on the staff list.",
        )  # fmt: skip
    return StaffMultipleField(
        queryset=staff.select_related("school"), label="Committee", error_messages=errors,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="The teachers who score the providers. Hold Ctrl (or ⌘) to choose several.",
    )  # fmt: skip


def criteria_text(criteria: Sequence[CriterionLine]) -> str:
    return "\n".join(f"{name} | {weight} | {description}" for name, weight, description in criteria)


def parse_criteria(text: str) -> list[CriterionLine]:
    """“name | weight | what it means”, one a line; every bad line is reported."""
    parsed: list[CriterionLine] = []
    errors: list[forms.ValidationError] = []
    seen: set[str] = set()
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate((line for line in lines if line), start=1):
        name, _, rest = (part.strip() for part in line.partition("|"))
        weight, _, description = (part.strip() for part in rest.partition("|"))
        problem = ""
        if not name:
            problem = "name the criterion before the first “|”."
        elif name.lower() in seen:
            problem = f"“{name}” is listed twice."
        elif not is_whole(weight) or not 1 <= int(weight) <= 10:
            problem = f"the weight of “{name}” is a whole number from 1 to 10."
        elif len(name) > 120 or len(description) > 300:
            problem = "keep a name under 120 characters and what it means under 300."
        if problem:
            errors.append(forms.ValidationError(f"Line {number}: {problem}"))
            continue
        seen.add(name.lower())
        parsed.append((name, int(weight), description))
    if errors:
        raise forms.ValidationError(errors)
    return parsed


class ReviewForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="For example “Middle-school math content, 2026-27”.",
        error_messages={"required": "Give the review a title."},
    )
    school_year = forms.ChoiceField(label="School year")
    content_area = forms.ChoiceField(
        choices=[("", "Several or all"), *AcademicSubject.choices],
        required=False,
        label="Content area",
    )
    criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One a line: name | weight from 1 to 10 | what it means. A criterion with "
        "weight 3 counts three times as much as one with weight 1.",
        error_messages={"required": "List at least one criterion to score against."},
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["school_year"].choices = school_year_choices(today, 1, 2)  # type: ignore[attr-defined]
        self.fields["committee"] = committee_field(district)
        self.order_fields(["title", "school_year", "content_area", "committee", "criteria"])
        self.initial.setdefault("school_year", school_year_of(today))
        self.initial.setdefault("criteria", criteria_text(DEFAULT_CRITERIA))

    def clean_criteria(self) -> list[CriterionLine]:
        return parse_criteria(self.cleaned_data["criteria"])


class CommitteeForm(forms.Form):
    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"] = committee_field(district)


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Name the criterion."})
    weight = forms.IntegerField(
        min_value=1,
        max_value=10,
        help_text="From 1 to 10: how much it counts against the others.",
        error_messages={
            "required": WEIGHT_ERROR,
            "invalid": WEIGHT_ERROR,
            "min_value": WEIGHT_ERROR,
            "max_value": WEIGHT_ERROR,
        },
    )
    description = forms.CharField(max_length=300, required=False, label="What it means")

    def __init__(self, *args: Any, criterion: Criterion | None = None, **kwargs: Any) -> None:
        if criterion is not None:
            kwargs["initial"] = {name: getattr(criterion, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)


class ProviderForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        help_text="The company, e.g. “Summit Learning”.",
        error_messages={"required": "Name the provider."},
    )
    product = forms.CharField(max_length=200, required=False, help_text="The product reviewed.")
    website = forms.URLField(required=False, assume_scheme="https")


# --- Scoring --------------------------------------------------------------------------------


class ScoreForm(forms.Form):
    """One committee member's sheet: every provider on every criterion, 1–5."""

    def __init__(
        self,
        *args: Any,
        providers: Sequence[Provider],
        criteria: Sequence[Criterion],
        earlier: dict[tuple[int, int], int],
        **kwargs: Any,
    ) -> None:
        kwargs["initial"] = {cell_key(p, c): score for (p, c), score in earlier.items()}
        super().__init__(*args, **kwargs)
        self.providers, self.criteria = list(providers), list(criteria)
        for p in self.providers:
            for c in self.criteria:
                self.fields[cell_key(p.pk, c.pk)] = forms.TypedChoiceField(
                    label=f"{c.name} for {p.name}",
                    choices=[(value, f"{value} {word}") for value, word in SCALE],
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Score {p.name} on {c.name}.",
                        "invalid_choice": SCORE_ERROR,
                    },
                )

    def sheet(self) -> list[tuple[Provider, list[tuple[Criterion, forms.BoundField]]]]:
        return [
            (p, [(c, self[cell_key(p.pk, c.pk)]) for c in self.criteria]) for p in self.providers
        ]

    def scores(self) -> dict[tuple[int, int], int]:
        return {
            (p.pk, c.pk): self.cleaned_data[cell_key(p.pk, c.pk)]
            for p in self.providers
            for c in self.criteria
        }


class MemberForm(forms.Form):
    """A manager's choice of whose paper sheet to type in."""

    member = forms.ModelChoiceField(
        queryset=Staff.objects.none(), label="Score sheet of", empty_label=None
    )

    def __init__(self, *args: Any, committee: Sequence[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = Staff.objects.filter(pk__in=[m.pk for m in committee])  # type: ignore[attr-defined]


# --- Recommendation, purchase, renewal ------------------------------------------------------


class RecommendForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="The committee recommends",
        error_messages={"required": "Choose the provider the committee recommends."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        label="Why",
        help_text="What tipped it: the scores, what teachers saw in the trials, the cost.",
        error_messages={"required": "Say why the committee recommends it."},
    )

    def __init__(self, *args: Any, providers: QuerySet[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    """For every provider: buy or pass, with the yearly cost; then the dates."""

    decided_on = forms.DateField(
        label="Decided on",
        widget=DATE,
        error_messages={"required": "Give the date of the decision.", "invalid": BAD_DATE},
    )
    revisit_on = forms.DateField(
        label="Re-review due",
        widget=DATE,
        required=False,
        help_text="Leave empty for a year after the decision.",
        error_messages={"invalid": BAD_DATE},
    )

    def __init__(self, *args: Any, providers: Sequence[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.providers = list(providers)
        fields: dict[str, forms.Field] = {}
        for p in self.providers:
            fields[f"purchase_{p.pk}"] = forms.ChoiceField(
                label=p.name,
                choices=[(Purchase.BUY, Purchase.BUY.label), (Purchase.PASS, Purchase.PASS.label)],
                widget=forms.RadioSelect,
                error_messages={"required": f"Decide whether to buy {p.name}."},
            )
            fields[f"cost_{p.pk}"] = forms.DecimalField(
                label=f"Yearly cost of {p.name} ($)",
                required=False,
                min_value=Decimal(0),
                max_digits=10,
                decimal_places=2,
                help_text="Optional: what it costs a year.",
            )
        self.fields = {**fields, **self.fields}
        self.initial.setdefault("decided_on", timezone.localdate())

    def decisions(self) -> dict[int, tuple[str, Decimal | None]]:
        data = self.cleaned_data
        return {p.pk: (data[f"purchase_{p.pk}"], data[f"cost_{p.pk}"]) for p in self.providers}


class RenewalForm(forms.Form):
    renewal = forms.ChoiceField(
        choices=[(Renewal.RENEW, Renewal.RENEW.label), (Renewal.DROP, Renewal.DROP.label)],
        widget=forms.RadioSelect,
        label="After a year",
        error_messages={"required": "Choose renew or drop."},
    )
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        label="What teachers said",
        help_text="What worked and what did not, after a year of using it.",
        error_messages={"required": "Write down what teachers said after a year."},
    )

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        if provider.feedback:
            kwargs["initial"] = {"renewal": provider.renewal, "feedback": provider.feedback}
        super().__init__(*args, **kwargs)
