"""In-process workloads: each request runs through Django's full stack (middleware, auth,
tenancy, selectors, templates or schemas); its limit is the same data fetched with raw SQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

from benchmarks.measure import Result, peak_memory_kib, time_it
from trellis.core.models import District, User
from trellis.core.services import api_token_create
from trellis.demo.scale import SCALES, generate

PAGE_OFFSET = 500  # page 11 of the teachers: past the first page, as people browse
LIST_BUDGET = 3.0
TENANT_BUDGET = 1.2
GENERATE_BUDGET_S = 120.0
# Building model objects, drawing names and maintaining four indexes costs far more than a bare
# executemany into an unindexed table; 50× that is the most we accept.
GENERATE_RATIO_BUDGET = 50.0


def _vendor() -> str:
    return connection.vendor


def _raw(sql: str, params: Sequence[Sequence[Any]]) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            for statement, args in zip(sql.split(";"), params, strict=True):
                cursor.execute(statement, args)
                cursor.fetchall()

    return run


def _get(client: Client, path: str, **headers: str) -> Callable[[], None]:
    def run() -> None:
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        response.content  # noqa: B018 — render the whole body, as a server would

    return run


def _result(name: str, scale: str, work: Callable[[], None], limit_name: str,
            limit: Callable[[], None], budget: float, note: str = "",
            runs: int = 30) -> Result:  # fmt: skip
    timing, limit_timing = time_it(work, runs=runs), time_it(limit, runs=runs)
    return Result(
        workload=name, database=_vendor(), scale=scale, median_ms=timing.median_ms,
        p95_ms=timing.p95_ms, peak_kib=peak_memory_kib(work), limit_name=limit_name,
        limit_ms=limit_timing.median_ms, ratio=timing.median_ms / limit_timing.median_ms,
        budget=budget, budget_note=note,
    )  # fmt: skip


STAFF_PAGE_SQL = (
    "SELECT COUNT(*) FROM org_staff WHERE district_id = %s AND classification = %s;"
    "SELECT s.id, s.staff_unique_id, s.first_name, s.middle_name, s.last_name, s.email,"
    " s.school_id, s.classification, s.academic_subject, s.years_prior_teaching,"
    " s.years_prior_professional, s.highest_education, s.hire_date, s.is_active{school}"
    " FROM org_staff s{join} WHERE s.district_id = %s AND s.classification = %s"
    " ORDER BY s.last_name, s.first_name, s.id LIMIT 50 OFFSET %s"
)
HOME_SQL = (
    "SELECT classification, COUNT(*) FROM org_staff WHERE district_id = %s AND is_active"
    " GROUP BY classification ORDER BY 2 DESC;"
    "SELECT sc.id, sc.name, sc.lowest_grade, sc.highest_grade, COUNT(st.id) FROM org_school sc"
    " LEFT JOIN org_staff st ON st.school_id = sc.id AND st.is_active"
    " WHERE sc.district_id = %s GROUP BY sc.id, sc.name, sc.lowest_grade, sc.highest_grade"
    " ORDER BY sc.name, sc.id"
)


BOARD_PAGE = 5  # the positions board, filtered to the year's filled positions, page 5
BOARD_SQL = (
    "SELECT COUNT(*) FROM roles_position WHERE district_id = %s AND school_year = %s"
    " AND status = %s;"
    "SELECT p.id, p.requisition_number, p.fte, p.status, p.school_year, sc.name, j.title, t.name"
    " FROM roles_position p LEFT JOIN org_school sc ON sc.id = p.school_id"
    " JOIN roles_jobdescriptionversion v ON v.id = p.version_id"
    " JOIN roles_jobdescription j ON j.id = v.job_description_id"
    " JOIN roles_roletype t ON t.id = j.role_type_id"
    " WHERE p.district_id = %s AND p.school_year = %s AND p.status = %s"
    " ORDER BY p.requisition_number, p.id LIMIT 50 OFFSET %s;"
    "SELECT a.position_id, s.first_name, s.last_name, a.fte FROM roles_assignment a"
    " JOIN org_staff s ON s.id = a.staff_id WHERE a.position_id IN ("
    "  SELECT id FROM roles_position WHERE district_id = %s AND school_year = %s AND status = %s"
    "  ORDER BY requisition_number, id LIMIT 50 OFFSET %s)"
    " AND a.begin_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s)"
)


# What the board shows besides the page: counts by status, FTE held today, the filter options.
BOARD_EXTRA_SQL = (
    ";SELECT status, COUNT(*), SUM(fte) FROM roles_position WHERE district_id = %s"
    " AND school_year = %s GROUP BY status;"
    "SELECT SUM(a.fte) FROM roles_assignment a JOIN roles_position p ON p.id = a.position_id"
    " WHERE a.district_id = %s AND p.school_year = %s AND p.status IN ('open', 'filled')"
    " AND a.begin_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s);"
    "SELECT DISTINCT school_year FROM roles_position WHERE district_id = %s ORDER BY 1 DESC;"
    "SELECT id, name FROM org_school WHERE district_id = %s ORDER BY name;"
    "SELECT id, name FROM roles_roletype WHERE district_id = %s ORDER BY name"
)


def _board_sql(district: District, whole_page: bool = False) -> Callable[[], None]:
    """The page of positions and their holders; with ``whole_page``, everything else the
    HTML board shows too."""
    today = timezone.localdate()
    where = [district.pk, "2026-27", "filled"]
    offset = (BOARD_PAGE - 1) * 50
    params: list[list[Any]] = [where, [*where, offset], [*where, offset, today, today]]
    if not whole_page:
        return _raw(BOARD_SQL, params)
    year = [district.pk, "2026-27"]
    params += [year, [*year, today, today], [district.pk], [district.pk], [district.pk]]
    return _raw(BOARD_SQL + BOARD_EXTRA_SQL, params)


def _scoring_screen(district: District) -> tuple[Client, tuple[str, tuple[str, list[list[Any]]]]]:
    """The bench account sits on the first posting's panel: its scoring screen for a candidate
    still interviewing, and the same data as raw SQL (application and candidate, the panel's
    rules, whether this seat has scored, the rubric)."""
    from trellis.hiring.models import Application, PanelSeat

    user = User.objects.get(username=f"bench-{district.slug}")
    seat = PanelSeat.objects.get(district=district, staff__user=user)
    application = Application.objects.filter(
        posting_id=seat.posting_id, status="interviewing"
    ).first()
    assert application is not None
    client = _signed_in(user)
    sql = (
        "SELECT a.id, a.status, c.first_name, c.last_name, p.title, p.template_id"
        " FROM hiring_application a JOIN hiring_candidate c ON c.id = a.candidate_id"
        " JOIN hiring_posting p ON p.id = a.posting_id WHERE a.district_id = %s AND a.id = %s;"
        "SELECT s.id, s.seat_role, st.school_id, st.classification FROM hiring_panelseat s"
        " JOIN org_staff st ON st.id = s.staff_id WHERE s.posting_id = %s;"
        "SELECT id FROM hiring_scorecard WHERE application_id = %s AND seat_id = %s;"
        "SELECT c.id, c.name, c.points, k.id, k.name, k.scale_min, k.scale_max, k.descriptors"
        " FROM hiring_component c JOIN hiring_criterion k ON k.component_id = c.id"
        ' WHERE c.template_id = %s ORDER BY c."order", k."order"'
    )
    template_id = application.posting.template_id
    params = [[district.pk, application.pk], [seat.posting_id], [application.pk, seat.pk],
              [template_id]]  # fmt: skip
    return client, (f"/hiring/applications/{application.pk}/score/", (sql, params))


def _report_sql(district: District) -> tuple[str, list[list[Any]]]:
    sql = (
        "SELECT application_id, to_status FROM hiring_applicationevent WHERE district_id = %s;"
        "SELECT a.id, a.posting_id, c.source, c.staff_id, a.submitted_at FROM hiring_application a"
        " JOIN hiring_candidate c ON c.id = a.candidate_id WHERE a.district_id = %s;"
        "SELECT sc.application_id, sc.seat_id, s.criterion_id, s.value FROM hiring_score s"
        " JOIN hiring_scorecard sc ON sc.id = s.scorecard_id WHERE s.district_id = %s"
    )
    return sql, [[district.pk], [district.pk], [district.pk]]


def _pay_sql(district: District) -> tuple[str, list[list[Any]]]:
    """What the projection reads: the live positions with their terms, their holders'
    placements, their funding splits, the schedule and the sources."""
    sql = (
        "SELECT p.id, p.requisition_number, p.fte, v.commitment, t.extension_months, t.stipend,"
        " t.summer_stipend, t.lateral, t.budget_step, t.budget_lane, t.priority"
        " FROM roles_position p JOIN roles_jobdescriptionversion v ON v.id = p.version_id"
        " LEFT JOIN pay_payterms t ON t.position_id = p.id"
        " WHERE p.district_id = %s AND p.status <> 'closed';"
        "SELECT a.position_id, a.fte, pl.step, pl.lane FROM roles_assignment a"
        " LEFT JOIN pay_placement pl ON pl.staff_id = a.staff_id AND pl.district_id = a.district_id"
        " WHERE a.district_id = %s AND a.end_date IS NULL;"
        "SELECT position_id, source_id, percent FROM pay_fundingsplit WHERE district_id = %s;"
        "SELECT c.step, c.lane, c.amount FROM pay_schedulecell c WHERE c.district_id = %s;"
        "SELECT id, kind, ends_on FROM pay_fundingsource WHERE district_id = %s"
    )
    return sql, [[district.pk]] * 5


def _staff_sql(district: District, with_school: bool) -> Callable[[], None]:
    sql = STAFF_PAGE_SQL.format(
        school=", sc.name" if with_school else "",
        join=" LEFT JOIN org_school sc ON sc.id = s.school_id" if with_school else "",
    )
    return _raw(sql, [[district.pk, "teacher"], [district.pk, "teacher", PAGE_OFFSET]])


KEEP_BUDGET, KEEP_YEAR = 20_000_000, "2028-29"


def _keep_limit(district: District) -> Callable[[], None]:
    """The page reads the positions and solves a knapsack with CP-SAT: the limit is the same
    reads as raw SQL plus the same solve on plain data (its candidates made once, beforehand),
    as the pilot suggestion's limit is."""
    from decimal import Decimal

    from trellis.pay.selectors import keep_report
    from trellis.planning.keep import choose

    report = keep_report(district=district, budget=Decimal(KEEP_BUDGET), school_year=KEEP_YEAR)
    candidates = sorted([*report.choice.kept, *report.choice.dropped], key=lambda c: c.key)
    reads = _raw(*_pay_sql(district))

    def limit() -> None:
        reads()
        choose(candidates, report.choice.budget_cents)

    return limit


def _signed_in(user: User) -> Client:
    """A client signed in as ``user`` just now, second factor typed: the bench account is a
    district admin, whose pages otherwise answer with a redirect to the two-factor page."""
    from trellis.signin import middleware as signin

    client = Client()
    client.force_login(user)
    session = client.session
    now = int(time.time())
    session[signin.STARTED], session[signin.SEEN], session[signin.VERIFIED] = now, now, True
    session.save()
    return client


def _clients(district: District) -> tuple[Client, dict[str, str]]:
    user = User.objects.get(username=f"bench-{district.slug}")
    client = _signed_in(user)
    token = api_token_create(user=user, name="bench")
    return client, {"Authorization": f"Bearer {token}"}


def _api_staff(district: District) -> Callable[[], None]:
    _, auth = _clients(district)
    return _get(Client(), "/api/v1/staff?sort=name&limit=50", **auth)


def run_workloads(*, scale: str) -> list[Result]:
    results: list[Result] = []
    # Tenant scaling, first half: one small district alone in the database.
    generate(scale="T")
    solo = District.objects.get(slug="tenant-solo")
    solo_alone = time_it(_api_staff(solo))

    generated = generate(scale=scale)
    results.append(_generator_result(scale, generated.seconds, generated.total_rows))

    big = District.objects.get(slug=SCALES[scale].big.slug)  # type: ignore[union-attr]
    client, auth = _clients(big)
    api_path = f"/api/v1/staff?classification=teacher&sort=name&limit=50&offset={PAGE_OFFSET}"
    results.append(_result(
        "staff list API (50)", scale, _get(Client(), api_path, **auth),
        "raw SQL count + page", _staff_sql(big, with_school=False), LIST_BUDGET,
    ))  # fmt: skip
    page_path = f"/staff/?classification=teacher&sort=name&page={PAGE_OFFSET // 50 + 1}"
    results.append(_result(
        "staff list page (HTML)", scale, _get(client, page_path),
        "raw SQL count + page", _staff_sql(big, with_school=True), LIST_BUDGET,
    ))  # fmt: skip
    board = f"/positions/?school_year=2026-27&status=filled&page={BOARD_PAGE}"
    results.append(_result(
        "positions board (HTML)", scale, _get(client, board),
        "raw SQL page + holders + summary + options", _board_sql(big, whole_page=True),
        LIST_BUDGET,
    ))  # fmt: skip
    results.append(_result(
        "positions API (50)", scale,
        _get(Client(), f"/api/v1/positions?school_year=2026-27&status=filled&limit=50"
                       f"&offset={(BOARD_PAGE - 1) * 50}", **auth),
        "raw SQL count + page + holders", _board_sql(big), LIST_BUDGET,
    ))  # fmt: skip
    scoring, score_sql = _scoring_screen(big)
    results.append(_result(
        "scoring screen (HTML)", scale, _get(scoring, score_sql[0]),
        "raw SQL application + rubric", _raw(*score_sql[1]), LIST_BUDGET,
    ))  # fmt: skip
    results.append(_result(
        "hiring reports (HTML)", scale, _get(client, "/hiring/reports/"),
        "raw SQL events, applications, scores", _raw(*_report_sql(big)), LIST_BUDGET,
    ))  # fmt: skip
    results.append(_result(
        "pay projection (HTML)", scale, _get(client, "/pay/projection/?years=5&cola=2"),
        "raw SQL positions, terms, holders, splits", _raw(*_pay_sql(big)), LIST_BUDGET,
    ))  # fmt: skip
    results.append(_result(
        "what to keep (HTML)", scale,
        _get(client, f"/pay/keep/?budget={KEEP_BUDGET}&school_year={KEEP_YEAR}"),
        "raw SQL positions, terms, holders, splits, the same CP-SAT solve", _keep_limit(big),
        LIST_BUDGET,
    ))  # fmt: skip
    # Area workloads live beside this module and use its helpers, so they are imported here.
    from benchmarks.coaching import coaching_results
    from benchmarks.learning import attendance_results
    from benchmarks.pathways import pathways_results
    from benchmarks.rollout import rollout_results
    from benchmarks.surveys import dashboard_sql, surveys_results

    results.extend(attendance_results(scale, big, client))
    results.extend(coaching_results(scale, big, client))
    results.extend(rollout_results(scale, big, client))
    results.extend(pathways_results(scale, big, client))
    admin = User.objects.get(username=f"bench-{big.slug}")
    results.extend(surveys_results(scale, big, admin))
    # The home page is the overview and the dashboard's tiles: its limit reads both.
    results.append(_result(
        "district home", scale, _get(client, "/"),
        "raw SQL of the overview and every tile", _raw(*dashboard_sql(big, admin)), LIST_BUDGET,
    ))  # fmt: skip

    # Tenant scaling, second half: the same district beside every district of this scale.
    crowded = time_it(_api_staff(solo))
    count = District.objects.count()
    results.append(Result(
        workload="tenant scaling", database=_vendor(), scale=scale,
        median_ms=crowded.median_ms, p95_ms=crowded.p95_ms, peak_kib=0.0,
        limit_name="same list, 1 district in db", limit_ms=solo_alone.median_ms,
        ratio=crowded.median_ms / solo_alone.median_ms, budget=TENANT_BUDGET,
        budget_note=f"100-staff district's API list with {count:,} districts in the database",
    ))  # fmt: skip
    # Last, as it adds districts of its own, which tenant scaling must not count.
    from benchmarks.imports import imports_results

    results.extend(imports_results(scale))
    from benchmarks.assignment import assignment_results

    results.extend(assignment_results(scale))
    return results


def _generator_result(scale: str, seconds: float, rows: int) -> Result:
    """Limit: the same number of staff-shaped rows inserted with executemany on a bare table."""
    values = [
        (i, f"E{i:07d}", "First", "Last", f"e{i}@x.example.org", "teacher", "ela", 5, 7, "masters")
        for i in range(rows)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_rows (district_id integer, staff_unique_id varchar(32),"
            " first_name varchar(75), last_name varchar(75), email varchar(254),"
            " classification varchar(40), academic_subject varchar(30),"
            " years_prior_teaching smallint, years_prior_professional smallint,"
            " highest_education varchar(20))"
        )
        started = time.perf_counter()
        for i in range(0, rows, 5000):
            cursor.executemany(
                "INSERT INTO bench_rows VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                values[i : i + 5000],
            )
        raw_seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_rows")
    return Result(
        workload="generator throughput", database=_vendor(), scale=scale,
        median_ms=seconds * 1000, p95_ms=seconds * 1000, peak_kib=0.0,
        limit_name="raw executemany of as many rows", limit_ms=raw_seconds * 1000,
        ratio=seconds / raw_seconds, budget=GENERATE_RATIO_BUDGET,
        budget_note=f"{rows:,} rows at {rows / seconds:,.0f} rows/s; goal L ≤ "
        f"{GENERATE_BUDGET_S:.0f} s {'met' if seconds <= GENERATE_BUDGET_S else 'NOT met'}",
        extra={"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds},
    )  # fmt: skip
