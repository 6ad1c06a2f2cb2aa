"""Which volunteers to suggest for a pilot cohort: the requested number of teachers, at least one
from every school that has a volunteer, balanced across schools, grade bands and content areas.
Solved with OR-Tools CP-SAT.

A district that goes "slow to go fast" starts with a volunteer pilot of about a tenth of its
teachers spread over every school, so that each school has someone who has tried the work.
Balance is the objective rather than a constraint because the volunteers rarely allow a perfect
spread:

* each school's count should be proportional to its teacher headcount (weight 2: a school left
  under-represented is the complaint a district hears first);
* the grade bands, and the content areas, present among the volunteers should be represented
  evenly (weight 1 each).

The objective is the weighted sum of absolute deviations from those targets in hundredths of a
teacher, each target rounded half up to a whole hundredth, so the model stays in integers.

Plain data in, plain data out: this module imports no Trellis app.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ortools.sat.python import cp_model

TIME_LIMIT_S = 10.0
SCALE = 100  # deviations are counted in hundredths of a teacher
SCHOOL_WEIGHT = 2
BAND_WEIGHT = 1
AREA_WEIGHT = 1

Class = tuple[int, str, str]  # (school, band, area)
Group = TypeVar("Group", int, str)


@dataclass(frozen=True)
class Volunteer:
    key: int  # the teacher's id
    school: int  # the school's id
    band: str  # grade band code, e.g. "k2", "35", "68", "912"
    area: str  # content area code, e.g. "ela", "math"
    rank: int  # order of volunteering; lower volunteered earlier


@dataclass(frozen=True)
class GroupCount:
    group: str | int  # school id, band code or area code
    chosen: int
    target: float  # the balanced target (not rounded)
    available: int  # volunteers in this group


@dataclass
class PilotSuggestion:
    chosen: list[int]  # volunteer keys, sorted
    size: int  # how many were chosen
    uncovered_schools: list[int]  # schools (from school_teachers) with no volunteers, sorted
    optimal: bool
    schools: list[GroupCount]  # every school in school_teachers, in key order
    bands: list[GroupCount]  # bands present, sorted
    areas: list[GroupCount]  # areas present, sorted


def suggest_pilot(
    volunteers: Sequence[Volunteer], school_teachers: Mapping[int, int], size: int
) -> PilotSuggestion:
    """Choose `size` volunteers (all of them, if fewer) covering every school with volunteers.

    Volunteers who share a school, band and area are interchangeable for the balance, so the
    model decides how many to take from each such class rather than volunteer by volunteer; that
    keeps it small and free of symmetric choices even for thousands of volunteers. Within a class
    the earliest volunteers (lowest rank, then lowest key) are taken.

    Raises ValueError when the pilot is too small to include every school with volunteers, and
    for a size below one, a negative headcount, a repeated key or a volunteer at an unknown school.
    """
    _check(volunteers, school_teachers, size)
    classes = _classes(volunteers)
    wanted = min(size, len(volunteers))
    counts, optimal = _solve(classes, school_teachers, wanted)
    taken = [v for cls, members in classes.items() for v in members[: counts[cls]]]
    covered = {v.school for v in volunteers}
    total = sum(school_teachers.values())
    school_targets = {
        school: wanted * teachers / total if total else 0.0
        for school, teachers in school_teachers.items()
    }
    return PilotSuggestion(
        chosen=sorted(v.key for v in taken),
        size=len(taken),
        uncovered_schools=sorted(s for s in school_teachers if s not in covered),
        optimal=optimal,
        schools=_counts(school_targets, [v.school for v in taken], [v.school for v in volunteers]),
        bands=_even_counts([v.band for v in taken], [v.band for v in volunteers], wanted),
        areas=_even_counts([v.area for v in taken], [v.area for v in volunteers], wanted),
    )


def _check(volunteers: Sequence[Volunteer], school_teachers: Mapping[int, int], size: int) -> None:
    if size < 1:
        raise ValueError("A pilot needs at least one teacher.")
    if any(teachers < 0 for teachers in school_teachers.values()):
        raise ValueError("A school's number of teachers cannot be negative.")
    repeated = sorted(key for key, n in Counter(v.key for v in volunteers).items() if n > 1)
    if repeated:
        raise ValueError(f"Each teacher can volunteer only once; repeated: {_listed(repeated)}.")
    unknown = sorted({v.school for v in volunteers if v.school not in school_teachers})
    if unknown:
        raise ValueError(f"Volunteers are at schools with no headcount: {_listed(unknown)}.")
    schools = len({v.school for v in volunteers})
    if size < schools:
        teachers = "teacher" if size == 1 else "teachers"
        raise ValueError(
            f"A pilot of {size} {teachers} cannot include all {schools} schools with "
            f"volunteers; choose at least {schools}."
        )


def _listed(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _classes(volunteers: Sequence[Volunteer]) -> dict[Class, list[Volunteer]]:
    """The volunteers of each class, earliest first."""
    classes: dict[Class, list[Volunteer]] = {}
    for v in volunteers:
        classes.setdefault((v.school, v.band, v.area), []).append(v)
    for members in classes.values():
        members.sort(key=lambda v: (v.rank, v.key))
    # The single-worker search depends on the order of variables; fixing it fixes the answer.
    return dict(sorted(classes.items()))


@dataclass(frozen=True)
class _Term:
    """One group's part of the objective: weight × |count − target|, in hundredths."""

    position: int  # where the group sits in a class: 0 school, 1 band, 2 area
    group: str | int
    target: int
    weight: int
    classes: tuple[Class, ...]


def _terms(
    classes: Mapping[Class, list[Volunteer]], school_teachers: Mapping[int, int], wanted: int
) -> list[_Term]:
    total_teachers = sum(school_teachers.values())
    terms: list[_Term] = []
    for position, weight in ((0, SCHOOL_WEIGHT), (1, BAND_WEIGHT), (2, AREA_WEIGHT)):
        groups: dict[str | int, list[Class]] = {}
        for cls in classes:
            groups.setdefault(cls[position], []).append(cls)
        for group, members in groups.items():
            if position == 0:
                target = _hundredths(wanted * school_teachers[int(group)], total_teachers)
            else:
                target = _hundredths(wanted, len(groups))
            terms.append(_Term(position, group, target, weight, tuple(members)))
    # Schools without volunteers always count zero: their deviation is a constant, left out.
    return terms


def _solve(
    classes: Mapping[Class, list[Volunteer]], school_teachers: Mapping[int, int], wanted: int
) -> tuple[dict[Class, int], bool]:
    """How many to take from each class, and whether that balance is proven to be the best."""
    terms = _terms(classes, school_teachers, wanted)
    guess = _first_guess(classes, terms, wanted)
    model = cp_model.CpModel()
    take = {
        cls: model.new_int_var(0, len(members), f"take_{n}")
        for n, (cls, members) in enumerate(classes.items())
    }
    for cls, var in take.items():
        model.add_hint(var, guess[cls])
    model.add(sum(take.values()) == wanted)
    objective: list[cp_model.LinearExprT] = []
    for term in terms:
        count = sum(take[cls] for cls in term.classes)
        if term.position == 0:
            model.add(count >= 1)
        gap = model.new_int_var(0, SCALE * wanted + term.target, "gap")
        model.add(gap >= SCALE * count - term.target)
        model.add(gap >= term.target - SCALE * count)
        # Counts are whole, so between the two whole counts around the target the gap is at
        # least the chord joining their gaps. That excludes no whole solution, but it makes the
        # linear relaxation exact for the term, which is what lets the solver prove optimality.
        below, over = divmod(term.target, SCALE)
        model.add(gap >= over + (SCALE - 2 * over) * (count - below))
        model.add_hint(gap, abs(SCALE * sum(guess[cls] for cls in term.classes) - term.target))
        objective.append(term.weight * gap)
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S
    solver.parameters.num_workers = 1  # the same answer on every run
    # All the rows from the start: the bound that proves a pilot optimal needs nearly all of
    # them, and adding them as they become violated takes many more rounds of the relaxation.
    solver.parameters.add_lp_constraints_lazily = False
    # Presolve turns some gaps into conditional rows, which only this level keeps in the LP.
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("The solver lost the pilot it was started from; this should not happen.")
    return {cls: solver.value(var) for cls, var in take.items()}, status == cp_model.OPTIMAL


def _first_guess(
    classes: Mapping[Class, list[Volunteer]], terms: Sequence[_Term], wanted: int
) -> dict[Class, int]:
    """A good pilot to start the search from, found greedily in well under a second.

    The search alone is slow to find good pilots among thousands of classes, while the bound it
    proves is usually met by the best school counts together with the best band and area counts,
    each on its own; this aims straight at that.
    """
    schools = [term for term in terms if term.position == 0]
    quota = _school_quotas(classes, schools, wanted)
    target = {(term.position, term.group): term.target for term in terms}
    count: Counter[tuple[int, str | int]] = Counter()
    take = dict.fromkeys(classes, 0)

    def cost(cls: Class) -> tuple[int, int]:
        # Below their targets all groups gain alike; the emptiest then has the most to gain.
        groups = [(p, cls[p]) for p in (1, 2)]
        return sum(_step(count[g], target[g]) for g in groups), sum(count[g] for g in groups)

    # Round by round, so that no school's classes are settled before the others have a say.
    while any(quota):
        for n, school in enumerate(schools):
            if quota[n]:
                best = min((c for c in school.classes if take[c] < len(classes[c])), key=cost)
                take[best] += 1
                count[1, best[1]] += 1
                count[2, best[2]] += 1
                quota[n] -= 1
    _improve(classes, schools, take, count, target)
    return take


def _school_quotas(
    classes: Mapping[Class, list[Volunteer]], schools: Sequence[_Term], wanted: int
) -> list[int]:
    """The best school counts on their own: a school's gap is convex in its count, so handing
    out places one at a time to the school whose gap shrinks most is exact."""
    available = [sum(len(classes[cls]) for cls in term.classes) for term in schools]
    quota = [1] * len(schools)
    offers = [(_step(1, term.target), n) for n, term in enumerate(schools) if available[n] > 1]
    heapq.heapify(offers)
    for _ in range(wanted - len(schools)):
        _, n = heapq.heappop(offers)
        quota[n] += 1
        if quota[n] < available[n]:
            heapq.heappush(offers, (_step(quota[n], schools[n].target), n))
    return quota


def _improve(
    classes: Mapping[Class, list[Volunteer]],
    schools: Sequence[_Term],
    take: dict[Class, int],
    count: Counter[tuple[int, str | int]],
    target: Mapping[tuple[int, str | int], int],
) -> None:
    """Move places between the classes of a school while that evens out the bands and areas."""

    def change(source: Class, sink: Class) -> int:
        total = 0
        for p in (1, 2):
            if source[p] != sink[p]:
                out, into = (p, source[p]), (p, sink[p])
                total += _step(count[into], target[into]) - _step(count[out] - 1, target[out])
        return total

    moved = True
    while moved:
        moved = False
        for school in schools:
            for source in school.classes:
                for sink in school.classes:
                    if (
                        take[source]
                        and take[sink] < len(classes[sink])
                        and change(source, sink) < 0
                    ):
                        take[source] -= 1
                        take[sink] += 1
                        for p in (1, 2):
                            count[p, source[p]] -= 1
                            count[p, sink[p]] += 1
                        moved = True


def _step(count: int, target: int) -> int:
    """How much one more teacher changes a group's gap from its target, in hundredths."""
    return abs(SCALE * (count + 1) - target) - abs(SCALE * count - target)


def _hundredths(numerator: int, denominator: int) -> int:
    """numerator / denominator in whole hundredths, rounded half up, in exact integers."""
    if denominator == 0:
        return 0
    return (2 * SCALE * numerator + denominator) // (2 * denominator)


def _counts(
    targets: Mapping[Group, float], taken: Sequence[Group], available: Sequence[Group]
) -> list[GroupCount]:
    chosen, present = Counter(taken), Counter(available)
    return [GroupCount(g, chosen[g], t, present[g]) for g, t in sorted(targets.items())]


def _even_counts(taken: list[str], available: list[str], wanted: int) -> list[GroupCount]:
    groups = set(available)
    return _counts(dict.fromkeys(groups, wanted / len(groups) if groups else 0.0), taken, available)
