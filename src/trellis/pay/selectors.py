"""Reads for pay: schedules as plain data, each live position's plan (terms, holder, funding),
the projection, scenarios and the keep-within-budget choice. Salary data is for HR and district
admins; callers record an access event for every view and export (``record_access``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core.audit import audit_record
from trellis.core.models import Consortium, District, User
from trellis.core.schoolyear import school_year_of
from trellis.org.selectors import staff_of_user
from trellis.pay import calc
from trellis.pay.models import (
    FundingSource,
    FundingSplit,
    PayTerms,
    Placement,
    SalarySchedule,
    Scenario,
    SourceKind,
)
from trellis.planning import keep as keep_solver
from trellis.roles.models import Assignment, Commitment, Position, PositionStatus

LIVE = (PositionStatus.PLANNED, PositionStatus.OPEN, PositionStatus.FILLED, PositionStatus.FROZEN)
DEFAULT_SCHEDULE = calc.Schedule("2026-27", ("MA",), {(1, "MA"): Decimal("0")})


def record_access(user: User, district: District, what: str, exported: bool = False) -> None:
    """Every view and export of pay data leaves an access event."""
    audit_record(
        actor=user,
        action="pay.exported" if exported else "pay.viewed",
        target=district,
        district=district,
        changes={"what": [None, what]},
    )


def current_year() -> str:
    return school_year_of(timezone.localdate())


# --- Schedules ------------------------------------------------------------------------------


def schedule_list(*, district: District) -> QuerySet[SalarySchedule]:
    return SalarySchedule.objects.filter(district=district).order_by("-school_year")


def schedule_get(*, district: District, pk: int) -> SalarySchedule:
    return get_object_or_404(SalarySchedule, district=district, pk=pk)


def as_calc(schedule: SalarySchedule) -> calc.Schedule:
    cells = {(c.step, c.lane): c.amount for c in schedule.cells.all()}
    return calc.Schedule(
        schedule.school_year,
        tuple(schedule.lanes),
        cells,
        schedule.contract_months,
        schedule.contract_days,
    )


def schedule_for(*, district: District, school_year: str) -> SalarySchedule | None:
    """The schedule of that year, else the latest before it."""
    return (
        SalarySchedule.objects.filter(district=district, school_year__lte=school_year)
        .order_by("-school_year")
        .first()
    )


def grid(schedule: calc.Schedule) -> list[tuple[int, list[Decimal | None]]]:
    return [
        (step, [schedule.cells.get((step, lane)) for lane in schedule.lanes])
        for step in schedule.steps
    ]


@dataclass
class ConsortiumSchedule:
    consortium: Consortium
    school_year: str
    members: list[str]
    lanes: tuple[str, ...]
    cells: dict[tuple[int, str], calc.AverageCell]

    @property
    def steps(self) -> list[int]:
        return sorted({step for step, _ in self.cells})

    def rows(self) -> list[tuple[int, list[calc.AverageCell | None]]]:
        return [(s, [self.cells.get((s, lane)) for lane in self.lanes]) for s in self.steps]

    def as_schedule(self) -> calc.Schedule:
        return calc.Schedule(
            self.school_year, self.lanes, {k: v.mean for k, v in self.cells.items()}
        )


def consortium_schedule(*, consortium: Consortium, school_year: str) -> ConsortiumSchedule:
    """The average of the member districts' schedules for a school year, cell by cell, over
    the cells every member has."""
    schedules = list(
        SalarySchedule.objects.filter(district__consortium=consortium, school_year=school_year)
        .select_related("district")
        .prefetch_related("cells")
        .order_by("district__name")
    )
    plain = [as_calc(s) for s in schedules]
    lanes: tuple[str, ...] = ()
    if plain:
        lanes = tuple(lane for lane in plain[0].lanes if all(lane in p.lanes for p in plain))
    return ConsortiumSchedule(
        consortium,
        school_year,
        [s.district.name for s in schedules],
        lanes,
        calc.schedule_average(plain),
    )


# --- Plans ----------------------------------------------------------------------------------


def _terms(position: Position) -> calc.Terms:
    full_time = position.version.commitment == Commitment.FULL_TIME
    stored: PayTerms | None = getattr(position, "pay_terms", None)
    if stored is None:
        return calc.Terms(full_time=full_time)
    return calc.Terms(
        full_time=full_time,
        extension_months=stored.extension_months,
        stipend=stored.stipend,
        summer_stipend=stored.summer_stipend,
        lateral=stored.lateral,
    )


def position_plans(*, district: District, school_year: str) -> list[calc.PositionPlan]:
    """Every live position as the projection sees it: its terms, who holds it (their placement)
    or its budgeted placement while vacant, and its funding for the year (the latest year set
    before it when that year has none). Read as plain rows: a large district has thousands of
    positions, and model instances would cost more than the arithmetic."""
    positions = (
        Position.objects.filter(district=district, status__in=LIVE)
        .order_by("requisition_number")
        .values_list(
            "pk",
            "requisition_number",
            "fte",
            "version__commitment",
            "version__job_description__title",
            "version__job_description__role_type__name",
            "pay_terms__pk",
            "pay_terms__extension_months",
            "pay_terms__stipend",
            "pay_terms__summer_stipend",
            "pay_terms__lateral",
            "pay_terms__paid_by_consortium",
            "pay_terms__budget_step",
            "pay_terms__budget_lane",
            "pay_terms__priority",
        )
    )
    holders: dict[int, tuple[int, Decimal]] = {}
    for position_id, staff_id, fte in (
        Assignment.objects.filter(district=district, end_date__isnull=True)
        .order_by("begin_date", "id")
        .values_list("position_id", "staff_id", "fte")
    ):
        holders.setdefault(position_id, (staff_id, fte))
    placements = {
        staff_id: (step, lane)
        for staff_id, step, lane in Placement.objects.filter(
            district=district, school_year__lte=school_year
        )
        .order_by("school_year")
        .values_list("staff_id", "step", "lane")
    }
    splits: dict[int, dict[str, dict[int, Decimal]]] = {}
    for position_id, year, source_id, percent in FundingSplit.objects.filter(
        district=district, school_year__lte=school_year
    ).values_list("position_id", "school_year", "source_id", "percent"):
        splits.setdefault(position_id, {}).setdefault(year, {})[source_id] = percent
    rows = list(positions)
    consortium_base: calc.Schedule | None = None
    if district.consortium is not None and any(row[11] for row in rows):
        average = consortium_schedule(consortium=district.consortium, school_year=school_year)
        consortium_base = average.as_schedule() if average.cells else None
    plans = []
    for (
        pk,
        number,
        position_fte,
        commitment,
        title,
        role_type,
        terms_pk,
        extension,
        stipend,
        summer,
        lateral,
        by_consortium,
        budget_step,
        budget_lane,
        priority,
    ) in rows:
        holder = holders.get(pk)
        placement = placements.get(holder[0]) if holder else None
        has_terms = terms_pk is not None
        if placement is not None:
            step, lane = placement
        else:
            step, lane = (budget_step, budget_lane) if has_terms else (5, "MA")
        by_year = splits.get(pk, {})
        funding = by_year[max(by_year)] if by_year else {}
        terms = calc.Terms(
            full_time=commitment == Commitment.FULL_TIME,
            extension_months=extension if has_terms else calc.ZERO,
            stipend=stipend if has_terms else calc.ZERO,
            summer_stipend=summer if has_terms else calc.ZERO,
            lateral=bool(lateral),
        )
        plans.append(
            calc.PositionPlan(
                key=pk,
                label=f"{number} {title}",
                role_type=role_type,
                terms=terms,
                holding=calc.Holding(step, lane, holder[1] if holder else position_fte),
                splits=funding or {0: calc.HUNDRED},  # 0: not funded yet
                priority=priority if has_terms else 3,
                base=consortium_base if by_consortium else None,
            )
        )
    return plans


def sources_of(district: District) -> list[calc.Source]:
    sources = [
        calc.Source(s.pk, s.name, s.kind == SourceKind.GRANT, s.ends_on)
        for s in FundingSource.objects.filter(district=district)
    ]
    # Positions with no funding set yet are paid by "nobody": unfunded from the first year.
    # Not a grant, so it has no cliff of its own; it funds no year, so its share is unfunded.
    sources.append(calc.Source(0, "No funding set", False, calc.year_bounds("1900-01")[1]))
    return sources


def projection(
    *,
    district: District,
    years: int,
    cola_percent: Decimal = Decimal("2"),
    first_year: str | None = None,
    scenario: Scenario | None = None,
    plans: list[calc.PositionPlan] | None = None,
) -> calc.Projection:
    first_year = first_year or current_year()
    schedule_row = schedule_for(district=district, school_year=first_year)
    schedule = as_calc(schedule_row) if schedule_row else DEFAULT_SCHEDULE
    if plans is None:
        plans = position_plans(district=district, school_year=first_year)
    if scenario is not None:
        plans = calc.apply_changes(plans, scenario_changes(scenario), schedule.contract_months)
    return calc.project(
        plans=plans,
        schedule=schedule,
        sources=sources_of(district),
        first_year=first_year,
        years=years,
        cola_percent=cola_percent,
    )


def scenario_changes(scenario: Scenario) -> list[calc.Change]:
    return [
        calc.Change(
            c.kind,
            role_type=c.role_type.name if c.role_type else "",
            months=c.months,
            source=c.source_id,
        )
        for c in scenario.changes.select_related("role_type")
    ]


def scenario_list(*, district: District) -> QuerySet[Scenario]:
    return Scenario.objects.filter(district=district).prefetch_related("changes")


# --- What to keep ---------------------------------------------------------------------------


@dataclass
class KeepReport:
    school_year: str
    budget: Decimal
    choice: keep_solver.KeepChoice
    labels: dict[int, str]

    def rows(self, kept: bool) -> list[tuple[str, Decimal, int]]:
        items = self.choice.kept if kept else self.choice.dropped
        return [(self.labels[c.key], Decimal(c.cost_cents) / 100, c.priority) for c in items]

    @property
    def cost(self) -> Decimal:
        return Decimal(self.choice.cost_cents) / 100

    @property
    def kept_rows(self) -> list[tuple[str, Decimal, int]]:
        return self.rows(kept=True)

    @property
    def dropped_rows(self) -> list[tuple[str, Decimal, int]]:
        return self.rows(kept=False)


def keep_report(*, district: District, budget: Decimal, school_year: str) -> KeepReport:
    """Which positions to sustain in ``school_year`` (say, the first year after the grant) at
    the highest total priority within ``budget``."""
    if budget < 0:
        raise ValidationError({"budget": "The budget cannot be negative."})
    start = calc.year_start(current_year())
    years = max(1, calc.year_start(school_year) - start + 1)
    plans = position_plans(district=district, school_year=current_year())
    result = projection(district=district, years=years, plans=plans)
    year = result.years[-1]
    candidates = [
        keep_solver.Candidate(p.key, int(year.by_position[p.key] * 100), p.priority) for p in plans
    ]
    choice = keep_solver.choose(candidates, int(budget * 100))
    return KeepReport(year.school_year, budget, choice, {p.key: p.label for p in plans})


def own_pay(*, user: User, district: District) -> list[tuple[str, Decimal]]:
    """A person's own pay lines for this school year: their salary and their positions."""
    staff = staff_of_user(district=district, user=user)
    if staff is None:
        return []
    year = current_year()
    placement = (
        Placement.objects.filter(district=district, staff=staff, school_year__lte=year)
        .order_by("-school_year")
        .first()
    )
    schedule_row = schedule_for(district=district, school_year=year)
    if placement is None or schedule_row is None:
        return []
    schedule = as_calc(schedule_row)
    lines = [
        (
            f"Salary (step {placement.step}, {placement.lane})",
            schedule.salary(placement.step, placement.lane),
        )
    ]
    for a in (
        Assignment.objects.filter(district=district, staff=staff)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .select_related("position__version__job_description", "position__pay_terms")
    ):
        terms = _terms(a.position)
        cost = calc.position_cost(
            schedule,
            calc.Terms(
                full_time=False,
                extension_months=terms.extension_months,
                stipend=terms.stipend,
                summer_stipend=terms.summer_stipend,
                lateral=terms.lateral,
            ),
            calc.Holding(placement.step, placement.lane, a.fte, a.begin_date, a.end_date),
            year,
        )
        if cost.total:
            lines.append((a.position.title, cost.total))
    return lines


# --- What a role pays on top of teaching ----------------------------------------------------


@dataclass(frozen=True)
class RolePay:
    """The usual terms of a group of roles' live positions: the median of each."""

    positions: int
    stipend: Decimal
    summer_stipend: Decimal
    extension_months: Decimal
    lateral: bool  # most of them are paid as a teacher

    @property
    def changes(self) -> bool:
        return bool(self.stipend or self.summer_stipend or self.extension_months)


def typical_pay(*, district: District, groups: Mapping[int, Collection[int]]) -> dict[int, RolePay]:
    """For each group of role types (say, a ladder's steps by id), what its live positions with
    pay terms usually bring, in one query; a group with no such position is left out. Terms
    of posts, not anyone's salary."""
    wanted = {pk for ids in groups.values() for pk in ids}
    by_type: dict[int, list[tuple[Decimal, Decimal, Decimal, bool]]] = {}
    for role_type, *terms in PayTerms.objects.filter(
        district=district,
        position__status__in=LIVE,
        position__version__job_description__role_type_id__in=wanted,
    ).values_list(
        "position__version__job_description__role_type_id",
        "stipend",
        "summer_stipend",
        "extension_months",
        "lateral",
    ):
        by_type.setdefault(role_type, []).append(tuple(terms))  # type: ignore[arg-type]
    found = {}
    for key, ids in groups.items():
        rows = [row for pk in ids for row in by_type.get(pk, [])]
        if rows:
            stipend, summer, months, lateral = zip(*rows, strict=True)
            found[key] = RolePay(len(rows), median(stipend), median(summer), median(months),
                                 sum(lateral) * 2 > len(rows))  # fmt: skip
    return found
