"""Reads for phases, cohorts, volunteers, amnesty and progress."""

from __future__ import annotations

from collections.abc import Sequence

from trellis.rollout.models import Amnesty


def amnesty_notes(district_id: int, staff_ids: Sequence[int]) -> dict[int, list[str]]:
    """“Evaluation amnesty 2026-27 (first year of …)” for each of these people who has one."""
    notes: dict[int, list[str]] = {}
    rows = (
        Amnesty.objects.filter(district_id=district_id, staff_id__in=list(staff_ids))
        .order_by("school_year")
        .values_list("staff_id", "school_year", "starts_on", "ends_on", "initiative__name")
    )
    for staff_id, year, starts, ends, initiative in rows:
        notes.setdefault(staff_id, []).append(
            f"Evaluation amnesty {year} ({starts:%b %-d, %Y} – {ends:%b %-d, %Y}): the first "
            f"year implementing {initiative}; no evaluation consequences."
        )
    return notes
