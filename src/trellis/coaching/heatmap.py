"""A class's mastery as a heatmap of students × standards, with its high and low points, and a
synthetic class made up for interview data tasks.

Plain data in, plain data out: the class report page, the API and the hiring data task share it.

The high and low points are what a data coach reads first:

* per standard, the class mean level and the share of students at or above the proficient level;
  the strongest standards (highest mean) and the weakest (lowest mean), ties kept together;
* per student, their mean level; the students furthest ahead and furthest behind;
* the cells to look at: a student well below (at least two levels under) the class mean on a
  standard the class as a whole has met.

Means are exact fractions rounded only for display, so ties are ties.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# How many students are named at each end, at most (ties can add more).
EXTREMES = 3
# A cell is a low point when the student is this many levels below the class on the standard.
GAP = 2


@dataclass(frozen=True)
class Cell:
    student: str
    standard: str
    level: int


@dataclass
class Heatmap:
    students: list[str]
    standards: list[str]
    scale_min: int
    scale_max: int
    levels: dict[tuple[str, str], int] = field(default_factory=dict)
    standard_mean: dict[str, Fraction] = field(default_factory=dict)
    standard_proficient: dict[str, Fraction] = field(default_factory=dict)  # share at/above
    student_mean: dict[str, Fraction] = field(default_factory=dict)
    strongest: list[str] = field(default_factory=list)  # standards
    weakest: list[str] = field(default_factory=list)  # standards
    ahead: list[str] = field(default_factory=list)  # students
    behind: list[str] = field(default_factory=list)  # students
    gaps: list[Cell] = field(default_factory=list)  # a student well below a standard the class met

    @property
    def proficient(self) -> int:
        """The level counted as meeting a standard: one below the top of the scale."""
        return max(self.scale_min, self.scale_max - 1)

    def level(self, student: str, standard: str) -> int | None:
        return self.levels.get((student, standard))


def _ends(means: dict[str, Fraction], highest: bool, limit: int) -> list[str]:
    """The keys with the ``limit`` highest (or lowest) means, all of a tie at the cut kept."""
    if not means:
        return []
    ordered = sorted(means, key=lambda k: (-means[k] if highest else means[k], k))
    cut = means[ordered[min(limit, len(ordered)) - 1]]
    return [k for k in ordered if (means[k] >= cut if highest else means[k] <= cut)]


def build(cells: Iterable[Cell], *, scale_min: int, scale_max: int) -> Heatmap:
    """The heatmap of ``cells`` (a student may miss a standard: the cell stays empty)."""
    levels: dict[tuple[str, str], int] = {}
    for cell in cells:
        levels[cell.student, cell.standard] = cell.level
    students = sorted({s for s, _ in levels})
    standards = sorted({s for _, s in levels})
    heat = Heatmap(students, standards, scale_min, scale_max, levels)
    for standard in standards:
        column = [levels[s, standard] for s in students if (s, standard) in levels]
        heat.standard_mean[standard] = Fraction(sum(column), len(column))
        heat.standard_proficient[standard] = Fraction(
            sum(1 for v in column if v >= heat.proficient), len(column)
        )
    for student in students:
        row = [levels[student, s] for s in standards if (student, s) in levels]
        heat.student_mean[student] = Fraction(sum(row), len(row))
    if len(standards) > 1:
        heat.strongest = _ends(heat.standard_mean, True, 1)
        heat.weakest = _ends(heat.standard_mean, False, 1)
        if heat.strongest == heat.weakest:  # every standard alike: no high or low point
            heat.strongest = heat.weakest = []
    if len(students) > 1:
        # At most half the class at each end, so a small class still has both ends; a student
        # tied across the middle is neither ahead nor behind.
        limit = min(EXTREMES, len(students) // 2)
        ahead = _ends(heat.student_mean, True, limit)
        behind = _ends(heat.student_mean, False, limit)
        both = set(ahead) & set(behind)
        heat.ahead = [s for s in ahead if s not in both]
        heat.behind = [s for s in behind if s not in both]
    for standard in standards:
        if heat.standard_mean[standard] < heat.proficient:
            continue
        for student in students:
            value = levels.get((student, standard))
            if value is not None and heat.standard_mean[standard] - value >= GAP:
                heat.gaps.append(Cell(student, standard, value))
    return heat


def synthetic(
    *, seed: int, students: int, standards: Sequence[str], scale_min: int = 1, scale_max: int = 4
) -> list[Cell]:
    """A made-up class for an interview task: codes S01…, levels with a clear strongest and
    weakest standard and a few students ahead and behind. The same seed gives the same class."""
    rng = random.Random(seed)  # noqa: S311 — made-up data, not a secret
    span = scale_max - scale_min
    # Each standard gets a difficulty and each student an ability, so the data has a shape.
    difficulty = {s: rng.uniform(-0.35, 0.35) * span for s in standards}
    ordered = sorted(standards, key=lambda s: difficulty[s])
    if len(ordered) > 1:
        difficulty[ordered[0]] = -0.45 * span  # clearly the easiest
        difficulty[ordered[-1]] = 0.45 * span  # clearly the hardest
    cells = []
    for i in range(1, students + 1):
        code = f"S{i:02d}"
        ability = rng.gauss(0.6 * span, 0.25 * span)
        for standard in standards:
            raw = scale_min + ability - difficulty[standard] + rng.uniform(-0.5, 0.5)
            cells.append(Cell(code, standard, min(scale_max, max(scale_min, round(raw)))))
    return cells
