"""Coaching workloads at scale: the leaders' counts over a year of entries, the managers' list
of caseloads, and the busiest coach's caseload, each against raw SQL doing the same reads."""

from __future__ import annotations

from django.db import connection
from django.test import Client

from benchmarks.measure import Result
from benchmarks.workloads import LIST_BUDGET, _get, _raw, _result
from trellis.coaching.models import Relationship
from trellis.coaching.selectors import current_year
from trellis.core.models import District

CASELOAD_PAGE = 5


def _month() -> str:
    if connection.vendor == "postgresql":
        return "date_trunc('month', occurred_on)"
    return "strftime('%%Y-%%m-01', occurred_on)"


def _counts_sql() -> str:
    return (
        f"SELECT {_month()} AS m, school_id, kind, COUNT(*), SUM(minutes)"
        " FROM coaching_interaction WHERE district_id = %s AND school_year = %s"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;"
        "SELECT id, name FROM org_school WHERE district_id = %s"
    )


CASELOADS_SQL = (
    "SELECT COUNT(*) FROM (SELECT s.id FROM org_staff s JOIN coaching_relationship r"
    " ON r.coach_id = s.id WHERE s.district_id = %s AND r.end_date IS NULL GROUP BY s.id) q;"
    "SELECT s.id, s.first_name, s.last_name, sc.name, COUNT(r.id) FROM org_staff s"
    " JOIN coaching_relationship r ON r.coach_id = s.id"
    " LEFT JOIN org_school sc ON sc.id = s.school_id"
    " WHERE s.district_id = %s AND r.end_date IS NULL"
    " GROUP BY s.id, s.first_name, s.last_name, sc.name"
    " ORDER BY 5 DESC, s.last_name, s.first_name, s.id LIMIT 50 OFFSET %s"
)

CASELOAD_SQL = (
    "SELECT r.id, r.focus, r.begin_date, t.first_name, t.last_name, t.academic_subject,"
    " sc.name, sc.lowest_grade, sc.highest_grade, COUNT(i.id), SUM(i.minutes)"
    " FROM coaching_relationship r JOIN org_staff t ON t.id = r.teacher_id"
    " LEFT JOIN org_school sc ON sc.id = t.school_id"
    " LEFT JOIN coaching_interaction i ON i.relationship_id = r.id AND i.school_year = %s"
    " WHERE r.district_id = %s AND r.coach_id = %s AND r.end_date IS NULL"
    " GROUP BY r.id, r.focus, r.begin_date, t.first_name, t.last_name, t.academic_subject,"
    " sc.name, sc.lowest_grade, sc.highest_grade;"
    "SELECT i.kind, SUM(i.minutes) FROM coaching_interaction i"
    " JOIN coaching_relationship r ON r.id = i.relationship_id"
    " WHERE i.district_id = %s AND i.school_year = %s AND r.coach_id = %s GROUP BY i.kind"
)


def coaching_results(scale: str, district: District, client: Client) -> list[Result]:
    year = current_year()
    coach_id = (
        Relationship.objects.filter(district=district, end_date__isnull=True)
        .values_list("coach_id", flat=True)
        .order_by("coach_id")
        .first()
    )
    offset = (CASELOAD_PAGE - 1) * 50
    return [
        _result(
            "coaching counts (HTML)", scale,
            _get(client, f"/coaching/counts/?school_year={year}"),
            "raw SQL grouped counts + schools",
            _raw(_counts_sql(), [[district.pk, year], [district.pk]]), LIST_BUDGET,
        ),
        _result(
            "coach caseloads (HTML)", scale,
            _get(client, f"/coaching/caseloads/?school_year={year}&page={CASELOAD_PAGE}"),
            "raw SQL count + page of coaches",
            _raw(CASELOADS_SQL, [[district.pk], [district.pk, offset]]), LIST_BUDGET,
        ),
        _result(
            "one coach's caseload (HTML)", scale,
            _get(client, f"/coaching/caseloads/{coach_id}/?school_year={year}"),
            "raw SQL teachers + minutes by kind",
            _raw(CASELOAD_SQL, [[year, district.pk, coach_id], [district.pk, year, coach_id]]),
            LIST_BUDGET,
        ),
    ]  # fmt: skip
