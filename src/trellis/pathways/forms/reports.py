"""Query forms for the pathways reports: which moves, which school year, which range of years.
A value that is not offered is an error at its field and the report shows its default."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from trellis.core.forms import PlainSelectsMixin
from trellis.core.schoolyear import school_year_choices, school_year_of
from trellis.pathways.selectors.history import MoveKind

YEARS_BACK = 9  # the reports offer this school year and the nine before it


def this_year() -> str:
    return school_year_of(timezone.localdate())


def year_ago(years: int) -> str:
    start = int(this_year()[:4]) - years
    return f"{start}-{(start + 1) % 100:02d}"


def _years() -> list[tuple[str, str]]:
    return school_year_choices(timezone.localdate(), before=YEARS_BACK, after=0)[::-1]


class MovesFilterForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("kind", "school_year")
    kind = forms.ChoiceField(required=False, label="Kind of move")
    school_year = forms.ChoiceField(required=False, label="School year")
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [("", "Any kind"), *MoveKind.LABELS.items()]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["school_year"].choices = [("", "Any year"), *_years()]  # type: ignore[attr-defined]

    def values(self) -> tuple[str, str]:
        """(kind, school year), each empty for any."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("kind") or "", data.get("school_year") or ""


class YearForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("school_year",)
    school_year = forms.ChoiceField(required=False, label="School year")
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = _years()  # type: ignore[attr-defined]

    def year(self) -> str:
        """The school year asked for; this one when none (or one not offered) is asked."""
        return (self.cleaned_data.get("school_year") if self.is_valid() else "") or this_year()


class FlowsForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("first_year", "last_year")
    first_year = forms.ChoiceField(label="From")
    last_year = forms.ChoiceField(label="To")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.plain_selects:
            self.fields[name].choices = _years()  # type: ignore[attr-defined]

    @classmethod
    def of(cls, query: QueryDict) -> FlowsForm:
        """The form for ``?first_year=&last_year=``, the last three school years by default."""
        return cls({"first_year": year_ago(2), "last_year": this_year(), **query.dict()})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", "The last school year must be the first or after it.")
        return cleaned

    def years(self) -> tuple[str, str]:
        """The range asked for; the last three school years when it is not a range offered."""
        if self.is_valid():
            return self.cleaned_data["first_year"], self.cleaned_data["last_year"]
        return year_ago(2), this_year()
