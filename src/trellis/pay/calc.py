"""Pay arithmetic as pure functions over plain data, in ``Decimal`` throughout.

**The rounding rule (the only one in Trellis):** amounts are carried unrounded through every
step, and ``money()`` rounds a finished line item to the cent, half up. Totals add rounded line
items, so a table's rows always add up to its total.

A position's cost for a school year:
- a **full-time role** costs the holder's salary, ``base × FTE × (contract months + extension) /
  contract months``; so an 11-month coach on a 10-month schedule costs ``base × 11 / 10``;
- an **added duty** costs only what it adds: ``base × FTE × extension / contract months``;
- a **lateral** role costs its salary with no extension and no stipend;
- **stipends** (school-year and summer) add their amount;
- everything is prorated by the share of the school year the assignment covers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
# The study's typical range for a yearly stipend; others are allowed but flagged.
STIPEND_RANGE = (Decimal("800"), Decimal("15000"))


def money(amount: Decimal) -> Decimal:
    """Round a finished amount to the cent, half up: the one rounding rule."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def year_start(school_year: str) -> int:
    return int(school_year[:4])


def school_year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def year_bounds(school_year: str) -> tuple[dt.date, dt.date]:
    start = year_start(school_year)
    return dt.date(start, 7, 1), dt.date(start + 1, 6, 30)


def covered_share(school_year: str, begin: dt.date | None, end: dt.date | None) -> Decimal:
    """The share of a school year (1 July – 30 June) that ``begin``–``end`` covers."""
    first, last = year_bounds(school_year)
    start = max(first, begin or first)
    stop = min(last, end or last)
    if stop < start:
        return ZERO
    return Decimal((stop - start).days + 1) / Decimal((last - first).days + 1)


# --- Schedules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """Steps × lanes for one school year, with its contract basis."""

    school_year: str
    lanes: tuple[str, ...]
    cells: Mapping[tuple[int, str], Decimal]  # (step, lane) → yearly salary
    contract_months: Decimal = Decimal("10")
    contract_days: int = 185

    @cached_property
    def steps(self) -> list[int]:
        return sorted({step for step, _ in self.cells})

    @cached_property
    def _lane_range(self) -> dict[str, tuple[int, int]]:
        ranges: dict[str, tuple[int, int]] = {}
        for step, lane in self.cells:
            low, high = ranges.get(lane, (step, step))
            ranges[lane] = (min(low, step), max(high, step))
        return ranges

    def salary(self, step: int, lane: str) -> Decimal:
        """The salary at a placement; a step past the top of a lane stays at its top."""
        if lane not in self._lane_range:
            raise KeyError(f"The schedule has no lane “{lane}”.")
        low, high = self._lane_range[lane]
        return self.cells[(min(max(step, low), high), lane)]

    @property
    def daily_rate_basis(self) -> Decimal:
        return Decimal(self.contract_days) / self.contract_months  # days per month


def schedule_warnings(schedule: Schedule) -> list[str]:
    """Where a schedule does not increase: down a lane by step, or across a step by lane."""
    warnings = []
    for lane in schedule.lanes:
        previous = None
        for step in schedule.steps:
            amount = schedule.cells.get((step, lane))
            if amount is None:
                continue
            if previous is not None and amount < previous:
                warnings.append(f"{lane}: step {step} pays less than the step before.")
            previous = amount
    for step in schedule.steps:
        previous = None
        for lane in schedule.lanes:
            amount = schedule.cells.get((step, lane))
            if amount is None:
                continue
            if previous is not None and amount < previous:
                warnings.append(f"Step {step}: {lane} pays less than the lane before it.")
            previous = amount
    return warnings


def schedule_raised(schedule: Schedule, percent: Decimal, school_year: str) -> Schedule:
    """The same schedule for another year, every cell changed by ``percent`` (rounded)."""
    factor = ONE + percent / HUNDRED
    cells = {key: money(amount * factor) for key, amount in schedule.cells.items()}
    return replace(schedule, school_year=school_year, cells=cells)


@dataclass(frozen=True)
class AverageCell:
    mean: Decimal
    low: Decimal
    high: Decimal
    members: int


def schedule_average(schedules: Sequence[Schedule]) -> dict[tuple[int, str], AverageCell]:
    """The consortium schedule: for every (step, lane) the members share, their mean (rounded
    to the cent) and the spread."""
    values: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for schedule in schedules:
        for key, amount in schedule.cells.items():
            values[key].append(amount)
    return {
        key: AverageCell(money(sum(v, ZERO) / len(v)), min(v), max(v), len(v))
        for key, v in values.items()
        if len(v) == len(schedules)
    }


# --- Positions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """How a position is paid."""

    full_time: bool = True
    extension_months: Decimal = ZERO
    stipend: Decimal = ZERO
    summer_stipend: Decimal = ZERO
    lateral: bool = False


@dataclass(frozen=True)
class Holding:
    """Who fills a position in a school year (or the budgeted placement when vacant)."""

    step: int
    lane: str
    fte: Decimal = ONE
    begin: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class CostLine:
    salary: Decimal
    extension: Decimal
    stipends: Decimal

    @property
    def total(self) -> Decimal:
        return self.salary + self.extension + self.stipends


def position_cost(
    schedule: Schedule, terms: Terms, holding: Holding, school_year: str | None = None
) -> CostLine:
    """A position's cost for one school year, each part rounded by ``money``."""
    year = school_year or schedule.school_year
    share = covered_share(year, holding.begin, holding.end)
    base = schedule.salary(holding.step, holding.lane) * holding.fte * share
    extension_months = ZERO if terms.lateral else terms.extension_months
    extension = base * extension_months / schedule.contract_months
    stipends = ZERO if terms.lateral else (terms.stipend + terms.summer_stipend) * share
    salary = base if (terms.full_time or terms.lateral) else ZERO
    return CostLine(money(salary), money(extension), money(stipends))


def stipend_flags(terms: Terms) -> list[str]:
    low, high = STIPEND_RANGE
    flags = []
    for label, amount in (
        ("school-year stipend", terms.stipend),
        ("summer stipend", terms.summer_stipend),
    ):
        if amount and not low <= amount <= high:
            flags.append(
                f"The {label} of ${amount:,.2f} is outside the study's typical range "
                f"(${low:,.0f}–${high:,.0f})."
            )
    return flags


# --- Projection, the cliff, scenarios -------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: int
    name: str
    is_grant: bool
    ends: dt.date | None = None  # a grant's last day

    def funds(self, school_year: str) -> bool:
        """A grant pays for a school year that starts before it ends."""
        return self.ends is None or year_bounds(school_year)[0] <= self.ends


@dataclass(frozen=True)
class PositionPlan:
    key: int
    label: str
    role_type: str
    terms: Terms
    holding: Holding
    splits: Mapping[int, Decimal]  # source key → percent, summing to 100
    priority: int = 1
    base: Schedule | None = None  # another schedule (the consortium's average) for this one


@dataclass
class YearCost:
    school_year: str
    by_source: dict[int, Decimal] = field(default_factory=dict)
    unfunded: Decimal = ZERO
    by_position: dict[int, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.by_source.values(), ZERO) + self.unfunded


@dataclass
class Projection:
    years: list[YearCost]
    cliffs: list[tuple[str, str, Decimal]]  # (grant, first unfunded school year, amount)


def project(
    *,
    plans: Sequence[PositionPlan],
    schedule: Schedule,
    sources: Sequence[Source],
    first_year: str,
    years: int,
    cola_percent: Decimal = ZERO,
    step_progression: bool = True,
) -> Projection:
    """Cost per year for ``years`` school years from ``first_year``: salaries move up a step a
    year and the schedule by the cost-of-living assumption; a share paid by a grant after it
    ends becomes unfunded. The cliff of each grant is the unfunded cost of the year after it
    ends: the grant-funded shares of that year."""
    if years < 1:
        raise ValueError("Project over at least one year.")
    by_key = {s.key: s for s in sources}
    start = year_start(first_year)
    result = []
    for offset in range(years):
        label = school_year_label(start + offset)
        factor = (ONE + cola_percent / HUNDRED) ** offset
        cells = {k: v * factor for k, v in schedule.cells.items()}
        year_schedule = replace(schedule, school_year=label, cells=cells)
        cost = YearCost(label)
        for plan in plans:
            holding = replace(
                plan.holding, step=plan.holding.step + (offset if step_progression else 0)
            )
            own = year_schedule
            if plan.base is not None:
                own = replace(
                    plan.base,
                    school_year=label,
                    cells={k: v * factor for k, v in plan.base.cells.items()},
                )
            total = position_cost(own, plan.terms, holding, label).total
            cost.by_position[plan.key] = total
            for source_key, percent in plan.splits.items():
                share = money(total * percent / HUNDRED)
                source = by_key[source_key]
                if source.funds(label):
                    cost.by_source[source_key] = cost.by_source.get(source_key, ZERO) + share
                else:
                    cost.unfunded += share
        result.append(cost)
    cliffs = []
    for source in sources:
        if not source.is_grant or source.ends is None:
            continue
        for cost in result:
            if not source.funds(cost.school_year):
                amount = sum(
                    (
                        money(cost.by_position[p.key] * p.splits.get(source.key, ZERO) / HUNDRED)
                        for p in plans
                    ),
                    ZERO,
                )
                cliffs.append((source.name, cost.school_year, amount))
                break
    return Projection(result, cliffs)


@dataclass(frozen=True)
class Change:
    """One named change of a scenario, applied to the positions of a role type (or all)."""

    kind: str  # "contract_months", "to_fund", "end_stipend", "lateral"
    role_type: str = ""  # empty: every position
    months: Decimal | None = None  # for contract_months: the new total, e.g. 10.5
    source: int | None = None  # for to_fund


def apply_changes(
    plans: Sequence[PositionPlan], changes: Sequence[Change], contract_months: Decimal
) -> list[PositionPlan]:
    changed = []
    for plan in plans:
        for change in changes:
            if change.role_type and change.role_type != plan.role_type:
                continue
            terms = plan.terms
            if change.kind == "contract_months" and change.months is not None:
                plan = replace(
                    plan,
                    terms=replace(
                        terms, extension_months=max(ZERO, change.months - contract_months)
                    ),
                )
            elif change.kind == "to_fund" and change.source is not None:
                plan = replace(plan, splits={change.source: HUNDRED})
            elif change.kind == "end_stipend":
                plan = replace(plan, terms=replace(terms, stipend=ZERO, summer_stipend=ZERO))
            elif change.kind == "lateral":
                plan = replace(plan, terms=replace(terms, lateral=True))
            else:
                raise ValueError(f"Unknown change: {change.kind}")
        changed.append(plan)
    return changed
