"""Professional-learning workloads: the hours-per-person report and a certification program's
candidates with their progress, each against raw SQL that reads the same rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from benchmarks.measure import Result
from benchmarks.workloads import LIST_BUDGET, _get, _raw, _result
from trellis.core.models import District
from trellis.learning.models import CertificationProgram

HOURS_YEAR = "2025-26"  # a whole school year of attendance in the generated data
PAGE = 5  # past the first page, as people browse

# The hours report: count and page the current staff by name, then one grouped read of the
# page's attended hours by element, and the schools for the filter.
HOURS_PAGE = (
    "SELECT s.id FROM org_staff s WHERE s.district_id = %s AND s.is_active"
    " ORDER BY s.last_name, s.first_name, s.id LIMIT 50 OFFSET %s"
)
HOURS_SQL = (
    "SELECT COUNT(*) FROM org_staff WHERE district_id = %s AND is_active;"
    "SELECT s.id, s.staff_unique_id, s.first_name, s.last_name, s.school_id, sc.name"
    " FROM org_staff s LEFT JOIN org_school sc ON sc.id = s.school_id"
    " WHERE s.district_id = %s AND s.is_active"
    " ORDER BY s.last_name, s.first_name, s.id LIMIT 50 OFFSET %s;"
    "SELECT e.staff_id, a.element, SUM(e.hours), COUNT(*) FROM learning_enrolment e"
    " JOIN learning_session se ON se.id = e.session_id"
    " JOIN learning_activity a ON a.id = se.activity_id"
    " WHERE e.district_id = %s AND e.school_year = %s AND e.attended"
    f" AND e.staff_id IN ({HOURS_PAGE}) GROUP BY e.staff_id, a.element;"
    "SELECT id, name FROM org_school WHERE district_id = %s ORDER BY name"
)

# A program's page: the program, its requirements, the filter's cohorts and schools, a page of
# candidates, the page's hours per day, first attendance of the required activities and
# walkthroughs, and the counts by school and by cohort.
CANDIDATE_PAGE = (
    "SELECT c.id FROM learning_candidacy c JOIN org_staff st ON st.id = c.staff_id"
    " WHERE c.district_id = %s AND c.program_id = %s"
    " ORDER BY st.last_name, st.first_name, c.id LIMIT 50 OFFSET %s"
)
PAGE_STAFF = (
    "SELECT c.staff_id FROM learning_candidacy c JOIN org_staff st ON st.id = c.staff_id"
    " WHERE c.district_id = %s AND c.program_id = %s"
    " ORDER BY st.last_name, st.first_name, c.id LIMIT 50 OFFSET %s"
)
PROGRAM_SQL = (
    "SELECT id, name, description, content_area, is_active FROM learning_certificationprogram"
    " WHERE district_id = %s AND id = %s;"
    "SELECT r.id, r.kind, r.amount, r.activity_id, a.title FROM learning_requirement r"
    " LEFT JOIN learning_activity a ON a.id = r.activity_id WHERE r.program_id = %s"
    ' ORDER BY r."order", r.id;'
    "SELECT DISTINCT cohort FROM learning_candidacy WHERE district_id = %s AND program_id = %s"
    " AND cohort <> '' ORDER BY cohort;"
    "SELECT id, name FROM org_school WHERE district_id = %s ORDER BY name;"
    "SELECT COUNT(*) FROM learning_candidacy WHERE district_id = %s AND program_id = %s;"
    "SELECT c.id, c.cohort, c.started_on, c.certified_on, st.id, st.first_name, st.last_name,"
    " st.staff_unique_id, sc.name FROM learning_candidacy c"
    " JOIN org_staff st ON st.id = c.staff_id LEFT JOIN org_school sc ON sc.id = st.school_id"
    " WHERE c.district_id = %s AND c.program_id = %s"
    " ORDER BY st.last_name, st.first_name, c.id LIMIT 50 OFFSET %s;"
    "SELECT e.staff_id, se.starts_on, SUM(e.hours) FROM learning_enrolment e"
    " JOIN learning_session se ON se.id = e.session_id"
    f" WHERE e.district_id = %s AND e.attended AND e.staff_id IN ({PAGE_STAFF})"
    " GROUP BY e.staff_id, se.starts_on ORDER BY e.staff_id, se.starts_on;"
    "SELECT e.staff_id, se.activity_id, MIN(se.starts_on) FROM learning_enrolment e"
    " JOIN learning_session se ON se.id = e.session_id"
    f" WHERE e.district_id = %s AND e.attended AND e.staff_id IN ({PAGE_STAFF})"
    " AND se.activity_id IN (SELECT activity_id FROM learning_requirement"
    "  WHERE program_id = %s AND activity_id IS NOT NULL)"
    " GROUP BY e.staff_id, se.activity_id;"
    "SELECT candidacy_id, requirement_id, completed_on FROM learning_requirementevidence"
    f" WHERE candidacy_id IN ({CANDIDATE_PAGE}) ORDER BY completed_on, id;"
    "SELECT sc.name, SUM(CASE WHEN c.certified_on IS NULL THEN 0 ELSE 1 END),"
    " SUM(CASE WHEN c.certified_on IS NULL THEN 1 ELSE 0 END) FROM learning_candidacy c"
    " JOIN org_staff st ON st.id = c.staff_id LEFT JOIN org_school sc ON sc.id = st.school_id"
    " WHERE c.district_id = %s AND c.program_id = %s GROUP BY sc.name ORDER BY sc.name;"
    "SELECT c.cohort, SUM(CASE WHEN c.certified_on IS NULL THEN 0 ELSE 1 END),"
    " SUM(CASE WHEN c.certified_on IS NULL THEN 1 ELSE 0 END) FROM learning_candidacy c"
    " WHERE c.district_id = %s AND c.program_id = %s GROUP BY c.cohort ORDER BY c.cohort"
)


def _hours_sql(district: District) -> Callable[[], None]:
    d, offset = district.pk, (PAGE - 1) * 50
    params: list[list[Any]] = [[d], [d, offset], [d, HOURS_YEAR, d, offset], [d]]
    return _raw(HOURS_SQL, params)


def _program_sql(district: District, program: CertificationProgram) -> Callable[[], None]:
    d, p, offset = district.pk, program.pk, (PAGE - 1) * 50
    params: list[list[Any]] = [
        [d, p], [p], [d, p], [d], [d, p], [d, p, offset], [d, d, p, offset],
        [d, d, p, offset, p], [d, p, offset], [d, p], [d, p],
    ]  # fmt: skip
    return _raw(PROGRAM_SQL, params)


def attendance_results(scale: str, district: District, client: Client) -> list[Result]:
    """The hours report and a program's progress page for ``district`` (the scale's big one),
    as its admin ``client`` sees them, each beside its raw-SQL limit."""
    program = CertificationProgram.objects.filter(district=district).order_by("pk").first()
    if program is None:
        raise RuntimeError("The scale has no certification program: run the learning step.")
    hours = f"/learning/hours/?school_year={HOURS_YEAR}&page={PAGE}"
    progress = f"/learning/certifications/{program.pk}/?page={PAGE}"
    return [
        _result(
            "attendance: hours per person (HTML)", scale, _get(client, hours),
            "raw SQL count + page + hours by element", _hours_sql(district), LIST_BUDGET,
        ),
        _result(
            "certification progress (HTML)", scale, _get(client, progress),
            "raw SQL page + progress + counts", _program_sql(district, program), LIST_BUDGET,
        ),
    ]  # fmt: skip
