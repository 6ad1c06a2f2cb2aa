"""Rollout workloads: progress by school over every teacher's cohort membership, and the pilot
suggestion over the volunteers, each against raw SQL reading the same rows (and, for the
suggestion, the same CP-SAT model solved on plain data, so the ratio is what the page adds)."""

from __future__ import annotations

from django.db import connection
from django.test import Client

from benchmarks.measure import Result
from benchmarks.workloads import LIST_BUDGET, _get, _raw, _result
from trellis.core.models import District
from trellis.planning.pilot import Volunteer, suggest_pilot
from trellis.rollout.models import Cohort, Initiative

YEAR = "2026-27"
PAGE = 5  # of the schools, 50 a page
SUGGESTION_RUNS = 5  # each solve takes seconds at L

PROGRESS_SQL = (
    "SELECT school_id, COUNT(*) FROM org_staff WHERE district_id = %s AND is_active"
    " AND classification = 'teacher' GROUP BY school_id;"
    "SELECT st.school_id, COUNT(DISTINCT m.staff_id) FROM rollout_cohortmember m"
    " JOIN rollout_phase p ON p.id = m.phase_id JOIN rollout_cohort c ON c.id = m.cohort_id"
    " JOIN org_staff st ON st.id = m.staff_id WHERE m.district_id = %s AND c.initiative_id = %s"
    " AND m.status = 'active' AND p.school_year <= %s AND st.is_active"
    " AND st.classification = 'teacher' GROUP BY st.school_id;"
    "SELECT st.school_id, COUNT(DISTINCT st.id) FROM org_staff st"
    " JOIN learning_candidacy c ON c.staff_id = st.id WHERE st.district_id = %s"
    " AND st.is_active AND st.classification = 'teacher' AND c.certified_on IS NOT NULL"
    " AND c.certified_on <= %s GROUP BY st.school_id;"
    "SELECT id, name FROM org_school WHERE district_id = %s"
)
VOLUNTEERS_SQL = (
    "SELECT v.staff_id, st.school_id, v.grade_band, v.content_area FROM rollout_volunteer v"
    " JOIN org_staff st ON st.id = v.staff_id WHERE v.district_id = %s AND v.initiative_id = %s"
    " AND st.school_id IS NOT NULL ORDER BY v.volunteered_at, v.id"
)
HEADCOUNT_SQL = (
    "SELECT school_id, COUNT(*) FROM org_staff WHERE district_id = %s AND is_active"
    " AND classification = 'teacher' AND school_id IS NOT NULL GROUP BY school_id"
)


def _suggestion_limit(district: District, initiative: Initiative) -> None:
    with connection.cursor() as cursor:
        cursor.execute(VOLUNTEERS_SQL, [district.pk, initiative.pk])
        pool = cursor.fetchall()
        cursor.execute(HEADCOUNT_SQL, [district.pk])
        headcount = dict(cursor.fetchall())
    teachers = sum(headcount.values())
    volunteers = [Volunteer(key=k, school=s, band=b, area=a, rank=n)
                  for n, (k, s, b, a) in enumerate(pool)]  # fmt: skip
    suggest_pilot(volunteers, headcount, (teachers + 5) // 10)


def rollout_results(scale: str, district: District, client: Client) -> list[Result]:
    rollout = Initiative.objects.get(district=district, name="Scale rollout")
    planning = Initiative.objects.get(district=district, name="Scale pilot planning")
    pilot = Cohort.objects.get(initiative=planning)
    year_end = f"{int(YEAR[:4]) + 1}-06-30"
    return [
        _result(
            "rollout progress (HTML)", scale,
            _get(client, f"/rollout/{rollout.pk}/progress/?school_year={YEAR}&page={PAGE}"),
            "raw SQL teachers, implementing, certified by school",
            _raw(PROGRESS_SQL, [[district.pk], [district.pk, rollout.pk, YEAR],
                                [district.pk, year_end], [district.pk]]),
            LIST_BUDGET,
        ),
        _result(
            "pilot suggestion (HTML)", scale, _get(client, f"/rollout/cohorts/{pilot.pk}/suggest/"),
            "raw SQL volunteers + headcount, the same CP-SAT solve",
            lambda: _suggestion_limit(district, planning), LIST_BUDGET, runs=SUGGESTION_RUNS,
        ),
    ]  # fmt: skip
