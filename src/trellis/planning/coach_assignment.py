"""Which coach each teacher works with this school year: a proposal a person then edits and
approves. Solved with OR-Tools CP-SAT.

Rules that always hold:

* a coach takes at most their capacity: a number of teachers, or hours a week (each teacher
  needs a number of hours; first-year teachers usually more), or both;
* a coach only takes teachers of a grade band they cover, and of a content area they cover
  (a coach who lists no area covers every area);
* a coach never takes a teacher of a school flagged at their hire as the one they taught in,
  so nobody coaches their former peers.

Among the assignments that keep those rules, the proposal is the best in this order:

1. as many teachers in their first implementation year as possible are assigned;
2. then as many teachers as possible;
3. then as many of last year's pairs as possible are kept.

The order is exact (lexicographic), made into one integer objective with weights larger than
everything below them can add up to. Every pair comes with why it was made, and every teacher
left without a coach with why.

How it is proved optimal at district scale: without the hours, the rules make this a weighted
bipartite matching with capacities, which a min-cost flow solves exactly in moments. The flow
drops only constraints (the hours), so its value is an upper bound on every assignment the rules
allow. CP-SAT gets the flow's assignment as a hint and the bound as a constraint: when hours do
not bind, the hint meets the bound and the proof is immediate; when they do, CP-SAT searches
below it.

Plain data in, plain data out: this module imports no Trellis app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

TIME_LIMIT_S = 60.0


@dataclass(frozen=True)
class Coach:
    key: int
    name: str
    capacity: int | None  # teachers; None: limited by hours only
    bands: frozenset[str]  # grade bands covered, e.g. {"k2", "35"}
    areas: frozenset[str] = frozenset()  # content areas covered; empty: every area
    barred_schools: frozenset[int] = frozenset()  # taught there: never coach its teachers
    hours: int | None = None  # hours a week for coaching; None: limited by teachers only


@dataclass(frozen=True)
class Teacher:
    key: int
    name: str
    school: int
    band: str
    area: str
    first_year: bool = False  # in their first year of implementation
    last_coach: int | None = None  # last year's coach, kept where possible
    hours: int = 1  # hours a week of coaching this teacher needs


@dataclass
class Proposal:
    pairs: dict[int, int] = field(default_factory=dict)  # teacher key → coach key
    why: dict[int, str] = field(default_factory=dict)  # teacher key → the reason for the pair
    unassigned: dict[int, str] = field(default_factory=dict)  # teacher key → why not
    optimal: bool = True
    first_year_assigned: int = 0
    assigned: int = 0
    kept: int = 0
    wall_time_s: float = 0.0
    bound: int = 0  # the flow's value: no assignment the rules allow scores above it

    @property
    def score(self) -> tuple[int, int, int]:
        return (self.first_year_assigned, self.assigned, self.kept)


class AssignmentInputError(ValueError):
    """The input breaks a rule the proposal relies on; the message says which and where."""


def check(coaches: Sequence[Coach], teachers: Sequence[Teacher]) -> None:
    problems = []
    for coach in coaches:
        if coach.capacity is None and coach.hours is None:
            problems.append(f"{coach.name}: no capacity; give a number of teachers or hours.")
        if coach.capacity is not None and coach.capacity < 1:
            problems.append(
                f"{coach.name}: a capacity of {coach.capacity} teachers; give each coach at "
                "least 1, or leave them out of this year's proposal."
            )
        if coach.hours is not None and coach.hours < 1:
            problems.append(
                f"{coach.name}: {coach.hours} hours a week; give each coach at least 1, or "
                "leave them out of this year's proposal."
            )
        if not coach.bands:
            problems.append(f"{coach.name}: covers no grade band.")
    for teacher in teachers:
        if not teacher.band:
            problems.append(f"{teacher.name}: no grade band; set it on their staff record.")
        if teacher.hours < 1:
            problems.append(f"{teacher.name}: needs {teacher.hours} hours; at least 1.")
    if len({c.key for c in coaches}) != len(coaches):
        problems.append("A coach is listed twice.")
    if len({t.key for t in teachers}) != len(teachers):
        problems.append("A teacher is listed twice.")
    if problems:
        raise AssignmentInputError(" ".join(problems))


def compatible(coach: Coach, teacher: Teacher) -> bool:
    return (
        teacher.band in coach.bands
        and (not coach.areas or teacher.area in coach.areas)
        and teacher.school not in coach.barred_schools
        and (coach.hours is None or teacher.hours <= coach.hours)
    )


def room(coach: Coach, teachers: int, hours: int) -> str:
    """A coach's load against their capacity, in words."""
    parts = []
    if coach.capacity is not None:
        parts.append(f"{teachers} of {coach.capacity} teachers")
    if coach.hours is not None:
        parts.append(f"{hours} of {coach.hours} hours")
    return ", ".join(parts)


def _pair_reason(coach: Coach, teacher: Teacher, names: Mapping[str, str]) -> str:
    parts = [f"{coach.name} covers {names.get(teacher.band, f'grade band {teacher.band}')}"]
    area = names.get(teacher.area, teacher.area)
    parts.append(f"and {area}" if coach.areas else "and every content area")
    reason = " ".join(parts)
    if teacher.last_coach == coach.key:
        reason += "; kept from last year"
    if teacher.first_year:
        reason += "; first implementation year, placed first"
    return reason + "."


def _unassigned_reason(
    teacher: Teacher,
    coaches: Sequence[Coach],
    load: dict[int, int],
    hours: dict[int, int],
    names: Mapping[str, str],
) -> str:
    band = names.get(teacher.band, f"grade band {teacher.band}")
    area = names.get(teacher.area, teacher.area)
    by_band = [c for c in coaches if teacher.band in c.bands]
    if not by_band:
        return f"No coach covers {band}."
    by_area = [c for c in by_band if not c.areas or teacher.area in c.areas]
    if not by_area:
        return f"No coach of {band} covers {area}."
    allowed = [c for c in by_area if teacher.school not in c.barred_schools]
    if not allowed:
        who = ", ".join(c.name for c in by_area)
        return f"The coaches who could take them ({who}) taught at their school."
    fits = [c for c in allowed if c.hours is None or teacher.hours <= c.hours]
    if not fits:
        return (
            f"They need {teacher.hours} hours a week, more than any coach who could take them has."
        )
    who = "; ".join(f"{c.name} ({room(c, load.get(c.key, 0), hours.get(c.key, 0))})" for c in fits)
    return (
        f"Every coach who could take them is full: {who}; others ranked ahead of them "
        "(first implementation year, then anyone, then last year's pairs)."
    )


def _flow(
    x: dict[tuple[int, int], cp_model.IntVar],
    teachers: Sequence[Teacher],
    coaches: Sequence[Coach],
    first_weight: int,
    assign_weight: int,
    keep_weight: int,
) -> tuple[int, dict[int, int]]:
    """The best value and an assignment by min-cost flow (source → teacher → coach → sink, with
    an arc straight from source to sink for teachers left out), hours left aside: optimal when
    hours do not bind, and an upper bound always."""
    flow = min_cost_flow.SimpleMinCostFlow()
    n, source = len(teachers), len(teachers) + len(coaches)
    sink = source + 1
    arcs: dict[int, tuple[int, int]] = {}
    for t in range(n):
        flow.add_arc_with_capacity_and_unit_cost(source, t, 1, 0)
    for (t, c), _var in x.items():
        teacher = teachers[t]
        weight = assign_weight + (first_weight if teacher.first_year else 0)
        weight += keep_weight if teacher.last_coach == coaches[c].key else 0
        arc = flow.add_arc_with_capacity_and_unit_cost(t, n + c, 1, -weight)
        arcs[arc] = (t, c)
    for c, coach in enumerate(coaches):
        cap = n if coach.capacity is None else coach.capacity
        if coach.hours is not None:  # no more teachers than fit at the fewest hours each
            least = min((teachers[t].hours for t, cc in x if cc == c), default=1)
            cap = min(cap, coach.hours // least)
        flow.add_arc_with_capacity_and_unit_cost(n + c, sink, cap, 0)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, n, 0)
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    if flow.solve() != flow.OPTIMAL:  # pragma: no cover — always feasible (the bypass arc)
        raise RuntimeError("The flow found no assignment.")
    return -flow.optimal_cost(), {t: c for arc, (t, c) in arcs.items() if flow.flow(arc)}


def propose(
    coaches: Sequence[Coach],
    teachers: Sequence[Teacher],
    *,
    time_limit_s: float = TIME_LIMIT_S,
    workers: int = 2,
    names: Mapping[str, str] | None = None,
) -> Proposal:
    """The best assignment by the rules and order above; ``names`` turns band and area codes
    into words for the reasons."""
    names = names or {}
    check(coaches, teachers)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for t, teacher in enumerate(teachers):
        for c, coach in enumerate(coaches):
            if compatible(coach, teacher):
                x[t, c] = model.new_bool_var(f"x_{t}_{c}")
    by_teacher: dict[int, list[cp_model.IntVar]] = {}
    by_coach: dict[int, list[cp_model.IntVar]] = {}
    for (t, c), var in x.items():
        by_teacher.setdefault(t, []).append(var)
        by_coach.setdefault(c, []).append(var)
    for variables in by_teacher.values():
        model.add_at_most_one(variables)
    for c, variables in by_coach.items():
        coach = coaches[c]
        if coach.capacity is not None:
            model.add(sum(variables) <= coach.capacity)
        if coach.hours is not None:
            cells = [(t, var) for (t, cc), var in x.items() if cc == c]
            model.add(sum(teachers[t].hours * var for t, var in cells) <= coach.hours)

    n = len(teachers)
    keep_weight = 1
    assign_weight = n + 1  # more than every kept pair together
    first_weight = assign_weight * (n + 1)  # more than every assignment and pair together
    terms = []
    for (t, c), var in x.items():
        teacher = teachers[t]
        weight = assign_weight
        if teacher.first_year:
            weight += first_weight
        if teacher.last_coach == coaches[c].key:
            weight += keep_weight
        terms.append(weight * var)

    proposal = Proposal()
    if not x:
        proposal.unassigned = {
            t.key: _unassigned_reason(t, coaches, {}, {}, names) for t in teachers
        }
        return proposal
    bound, hint = _flow(x, teachers, coaches, first_weight, assign_weight, keep_weight)
    objective = sum(terms)
    model.maximize(objective)
    model.add(objective <= bound)
    for (t, c), var in x.items():
        model.add_hint(var, 1 if hint.get(t) == c else 0)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover — always feasible
        raise RuntimeError("The solver found no assignment.")
    proposal.optimal = status == cp_model.OPTIMAL
    proposal.wall_time_s = solver.wall_time
    proposal.bound = bound
    load: dict[int, int] = {}
    hours: dict[int, int] = {}
    for (t, c), var in x.items():
        if solver.value(var):
            teacher, coach = teachers[t], coaches[c]
            proposal.pairs[teacher.key] = coach.key
            proposal.why[teacher.key] = _pair_reason(coach, teacher, names)
            load[coach.key] = load.get(coach.key, 0) + 1
            hours[coach.key] = hours.get(coach.key, 0) + teacher.hours
            proposal.assigned += 1
            proposal.first_year_assigned += teacher.first_year
            proposal.kept += teacher.last_coach == coach.key
    for teacher in teachers:
        if teacher.key not in proposal.pairs:
            proposal.unassigned[teacher.key] = _unassigned_reason(
                teacher, coaches, load, hours, names
            )
    return proposal
