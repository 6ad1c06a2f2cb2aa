"""Survey workloads: the report of the largest closed round (about 62,500 respondents and
490,000 answers at L, of 1.36 million in three rounds) by respondent group and by school, and
the district dashboard, each against raw SQL reading the same data.

The report's limit is one grouped read of the answers per item × (group, school, cohort) ×
value, the finest cells that every total, breakdown and complementary suppression is summed
from, with the respondents per cell, the sorted comments, the items and the labels. The
dashboard's limit is the sum of what its tiles read, the latest survey's agreement questions
included when the dashboard shows them.

A report at L can take minutes while ``results`` filters every answer once per cell, so these
workloads time themselves: one call first, then as many more as fit in about half a minute
(at most 30), and Python's peak memory only when a call takes less than ``PEAK_MAX_S``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from benchmarks.coaching import _counts_sql
from benchmarks.measure import Result, Timing, peak_memory_kib, time_it
from benchmarks.pathways import HELD_SQL
from benchmarks.rollout import PROGRESS_SQL
from benchmarks.workloads import HOME_SQL, LIST_BUDGET, _pay_sql, _raw, _vendor
from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_bounds
from trellis.insights.selectors import (
    LIVE_POSITIONS,
    current_school_year,
    district_dashboard,
    latest_initiatives,
)
from trellis.rollout.selectors.cohorts import initiative_year
from trellis.surveys.models import Administration, Status
from trellis.surveys.selectors.results import results

RUNS = 30
SECONDS = 30.0  # what one workload may spend on its timed calls after the first
PEAK_MAX_S = 10.0  # tracemalloc slows a call several times over: skip it past this

# What ``results`` needs of one round: the answers to scale and choice items counted per item,
# cell and value (``choices`` as stored: a combination of picks per row), the comments sorted,
# the respondents per cell, the items in order and the names of schools and cohorts.
REPORT_SQL = (
    'SELECT a.item_id, r."group", r.school_id, r.cohort_id, a.value, a.choices, COUNT(*)'
    " FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id"
    " WHERE a.district_id = %s AND r.administration_id = %s AND a.text = ''"
    ' GROUP BY a.item_id, r."group", r.school_id, r.cohort_id, a.value, a.choices;'
    'SELECT a.item_id, r."group", r.school_id, r.cohort_id, a.text'
    " FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id"
    " WHERE a.district_id = %s AND r.administration_id = %s AND a.text <> ''"
    " ORDER BY a.item_id, a.text;"
    'SELECT "group", school_id, cohort_id, COUNT(*) FROM surveys_response'
    " WHERE district_id = %s AND administration_id = %s"
    ' GROUP BY "group", school_id, cohort_id;'
    "SELECT i.id, i.kind, i.text, i.points, i.options, i.key FROM surveys_item i"
    " LEFT JOIN surveys_section s ON s.id = i.section_id"
    " WHERE i.district_id = %s AND i.instrument_id = %s AND i.retired_at IS NULL"
    ' ORDER BY s."order", i."order", i.id;'
    "SELECT id, name FROM org_school WHERE district_id = %s;"
    "SELECT id, name FROM rollout_cohort WHERE district_id = %s"
)
# The dashboard's survey tile: the latest round's agreement questions, their answers counted per
# value and per group, school and cohort (whether a total is hidden follows from its one-value
# cells), and how many answered, counted the same way (the whole round only, no lattice).
HEADLINE_SQL = (
    "SELECT i.id, i.text, i.points FROM surveys_item i LEFT JOIN surveys_section s"
    " ON s.id = i.section_id WHERE i.district_id = %s AND i.instrument_id = %s"
    " AND i.retired_at IS NULL AND i.kind = 'likert'"
    ' ORDER BY s."order", i."order", i.id;'
    'SELECT a.item_id, a.value, r."group", r.school_id, r.cohort_id, COUNT(*)'
    " FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id"
    " WHERE a.district_id = %s AND r.administration_id = %s AND a.item_id IN ("
    "  SELECT id FROM surveys_item WHERE district_id = %s AND instrument_id = %s"
    "  AND retired_at IS NULL AND kind = 'likert')"
    ' GROUP BY a.item_id, a.value, r."group", r.school_id, r.cohort_id;'
    'SELECT "group", school_id, cohort_id, COUNT(*) FROM surveys_response'
    ' WHERE district_id = %s AND administration_id = %s GROUP BY "group", school_id, cohort_id'
)
# The dashboard's tiles besides the overview, the rollout, pay, coaching and retention, whose
# reads the other workloads' limits already spell out.
TILES_SQL = (
    "SELECT status, COUNT(*) FROM roles_position WHERE district_id = %s AND status IN ({live})"
    " GROUP BY status;"
    "SELECT status, COUNT(*) FROM hiring_application WHERE district_id = %s"
    " AND submitted_at >= %s AND submitted_at < %s GROUP BY status;"
    "SELECT SUM(hours), COUNT(DISTINCT staff_id) FROM learning_enrolment"
    " WHERE district_id = %s AND school_year = %s AND attended;"
    "SELECT COUNT(certified_on), COUNT(*) - COUNT(certified_on) FROM learning_candidacy"
    " WHERE district_id = %s;"
    "SELECT id, name, first_year, last_year FROM rollout_initiative WHERE district_id = %s"
    " ORDER BY first_year DESC, name, id LIMIT 1;"
    "SELECT recommendation, status, COUNT(*) FROM rollout_checklistitem"
    " WHERE district_id = %s AND initiative_id = %s GROUP BY recommendation, status;"
    "SELECT COUNT(*) FROM rollout_checklistitem WHERE district_id = %s AND initiative_id = %s"
    " AND due_on < %s AND status IN ('not_started', 'in_progress');"
    "SELECT id, name, kind, ends_on FROM pay_fundingsource WHERE district_id = %s;"
    "SELECT id, title, closes_on FROM surveys_administration WHERE district_id = %s"
    " AND status = 'closed' ORDER BY closes_on DESC, id DESC LIMIT 1"
)


def largest_round(district: District) -> Administration:
    """The closed round with the most responses."""
    found = (
        Administration.objects.filter(district=district, status=Status.CLOSED)
        .select_related("instrument")
        .annotate(n=Count("responses"))
        .order_by("-n", "-closes_on")
        .first()
    )
    if found is None:
        raise RuntimeError(f"{district.slug} has no closed survey: is the surveys step on?")
    return found


def report_sql(district: District, round_: Administration) -> tuple[str, list[list[Any]]]:
    both = [district.pk, round_.pk]
    return REPORT_SQL, [both, both, both, [district.pk, round_.instrument_id], [district.pk],
                        [district.pk]]  # fmt: skip


def dashboard_sql(district: District, user: User) -> tuple[str, list[list[Any]]]:
    """What ``district_dashboard`` reads for ``user``: each tile's rows, as raw SQL."""
    board = district_dashboard(district=district, user=user)
    year = current_school_year()
    today = timezone.localdate()
    first, last = school_year_bounds(year)
    pk = district.pk
    live = ", ".join(f"'{s}'" for s in LIVE_POSITIONS)
    initiative = latest_initiatives([pk]).get(pk)
    assert initiative is not None, "the scale's rollout step makes the initiatives"
    shown = initiative_year(initiative, today)
    year_end = school_year_bounds(shown)[1]
    sql = HOME_SQL + ";" + TILES_SQL.format(live=live)
    params: list[list[Any]] = [
        [pk], [pk],  # the overview
        [pk], [pk, first, last + dt.timedelta(days=1)], [pk, year], [pk], [pk],
        [pk, initiative.pk], [pk, initiative.pk, today], [pk], [pk],
    ]  # fmt: skip
    sql += ";" + PROGRESS_SQL
    params += [[pk], [pk, initiative.pk, shown], [pk, year_end], [pk]]
    if board.cliffs:  # the projection runs only while a grant is still paying
        pay, pay_params = _pay_sql(district)
        sql += ";" + pay
        params += pay_params
    sql += ";" + _counts_sql() + ";" + HELD_SQL
    params += [[pk, year], [pk], [pk]]
    if board.survey is not None:  # the latest closed round's agreement questions
        latest = (
            Administration.objects.filter(district=district, status=Status.CLOSED)
            .order_by("-closes_on", "-pk")
            .first()
        )
        assert latest is not None
        sql += ";" + HEADLINE_SQL
        params += [[pk, latest.instrument_id], [pk, latest.pk, pk, latest.instrument_id],
                   [pk, latest.pk]]  # fmt: skip
    return sql, params


def _measured(name: str, scale: str, work: Callable[[], Any], limit_name: str,
              limit: Callable[[], None], budget: float, note: str = "") -> Result:  # fmt: skip
    """Like ``workloads._result``, with as many runs as a slow call leaves time for."""
    started = time.perf_counter()
    work()  # the warm-up, and a measure of how many more calls fit
    first = time.perf_counter() - started
    runs = max(1, min(RUNS, int(SECONDS / max(first, 1e-6))))
    timing = (
        time_it(work, runs=runs, warmup=0) if runs > 1 else Timing(first * 1000, first * 1000, 1)
    )
    limit_timing = time_it(limit, runs=max(runs, 5))
    peak = peak_memory_kib(work) if first <= PEAK_MAX_S else 0.0
    notes = [note] if note else []
    if runs < RUNS:
        notes.append(f"{runs} run{'s' if runs > 1 else ''}: a call takes {first:,.1f} s")
    if first > PEAK_MAX_S:
        notes.append("peak memory not measured")
    return Result(
        workload=name, database=_vendor(), scale=scale, median_ms=timing.median_ms,
        p95_ms=timing.p95_ms, peak_kib=peak, limit_name=limit_name,
        limit_ms=limit_timing.median_ms, ratio=timing.median_ms / limit_timing.median_ms,
        budget=budget, budget_note="; ".join(notes),
    )  # fmt: skip


def _report(round_: Administration, breakdown: str) -> Callable[[], Any]:
    return lambda: results(administration=round_, breakdown=breakdown)


def surveys_results(scale: str, district: District, user: User) -> list[Result]:
    round_ = largest_round(district)
    respondents = round_.n  # type: ignore[attr-defined]
    limit = _raw(*report_sql(district, round_))
    out = [
        _measured(
            f"survey report by {breakdown}", scale, _report(round_, breakdown),
            "raw SQL answers per item, cell and value", limit, LIST_BUDGET,
            f"{respondents:,} respondents",
        )
        for breakdown in ("group", "school")
    ]  # fmt: skip
    out.append(_measured(
        "district dashboard", scale, lambda: district_dashboard(district=district, user=user),
        "raw SQL of every tile's reads", _raw(*dashboard_sql(district, user)), LIST_BUDGET,
    ))  # fmt: skip
    return out
