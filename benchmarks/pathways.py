"""Pathways workloads: retention by role and the flows between role levels, each worked out from
the district's whole assignment history (about 20,000 rows at L), against raw SQL reading the
same rows the pages read."""

from __future__ import annotations

from django.test import Client

from benchmarks.measure import Result
from benchmarks.workloads import LIST_BUDGET, _get, _raw, _result
from trellis.core.models import District
from trellis.demo.scale_pathways import FIRST_YEAR, THIS_YEAR

# What ``history.held_in`` reads: every assignment of the district with its role and the
# person's hire date and employment, oldest first.
HELD_SQL = (
    "SELECT a.id, a.staff_id, j.role_type_id, t.name, v.level, t.staff_classification,"
    " t.standard_key, p.school_id, a.begin_date, a.end_date, a.end_reason, s.is_active,"
    " s.hire_date"
    " FROM roles_assignment a JOIN roles_position p ON p.id = a.position_id"
    " JOIN roles_jobdescriptionversion v ON v.id = p.version_id"
    " JOIN roles_jobdescription j ON j.id = v.job_description_id"
    " JOIN roles_roletype t ON t.id = j.role_type_id"
    " JOIN org_staff s ON s.id = a.staff_id"
    " WHERE a.district_id = %s ORDER BY a.staff_id, a.begin_date, a.id"
)


def pathways_results(scale: str, district: District, client: Client) -> list[Result]:
    first = f"{FIRST_YEAR}-{(FIRST_YEAR + 1) % 100:02d}"
    return [
        _result(
            "pathways retention (HTML)", scale, _get(client, "/pathways/retention/"),
            "raw SQL assignment history with staff facts", _raw(HELD_SQL, [[district.pk]]),
            LIST_BUDGET,
        ),
        _result(
            "pathways flows (HTML)", scale,
            _get(client, f"/pathways/flows/?first_year={first}&last_year={THIS_YEAR}"),
            "raw SQL assignment history with staff facts",
            _raw(HELD_SQL, [[district.pk]]), LIST_BUDGET,
        ),
    ]  # fmt: skip
