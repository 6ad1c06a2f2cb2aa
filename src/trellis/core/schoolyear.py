"""School years are explicit strings such as ``2025-26``: they run July to June."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_MONTH = 7  # a school year starts in July


def validate_school_year(value: str) -> None:
    match = _PATTERN.match(value or "")
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValidationError(
            "Write the school year as its two calendar years, like 2026-27.", code="school_year"
        )


def school_year_of(day: dt.date) -> str:
    start = day.year if day.month >= FIRST_MONTH else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def school_year_choices(around: dt.date, before: int = 2, after: int = 2) -> list[tuple[str, str]]:
    start = int(school_year_of(around)[:4])
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(start - before, start + after + 1)]
    return [(y, y) for y in years]


def school_year_bounds(school_year: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a school year (July 1 to June 30)."""
    start = int(school_year[:4])
    return dt.date(start, FIRST_MONTH, 1), dt.date(start + 1, FIRST_MONTH - 1, 30)


def school_years_between(first: str, last: str) -> list[str]:
    """Every school year from ``first`` to ``last``, both included."""
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(int(first[:4]), int(last[:4]) + 1)]
