"""Small-group suppression for survey results, with complementary suppression.

Results are reported for cells: the whole population, one value of one attribute (a school, a
respondent group, a cohort), or one value of each of two attributes (the building leaders of one
school). A cell is identified by the set of its attribute values, so "group A within school S"
and "school S within group A" are the same cell, whichever way a report slices it.

A cell is hidden when fewer than ``minimum`` people are in it. Hiding alone is not enough: a
total minus the visible parts gives the hidden part back. So for every *partition* (a parent
cell split by one more attribute) the rules are applied until nothing changes:

- a visible parent's hidden children must be none, or at least two, together holding at least
  ``minimum`` people, else the smallest visible child is hidden too;
- a hidden parent must not have every child visible (their sum would be the parent), else the
  smallest child is hidden;
- a visible parent's hidden children must not hold one person each either (a hidden row is
  shown, so it holds someone: n people in n hidden rows are one each).

Those rules stop one subtraction. A reader who has read every slicing can combine them: with
cohorts, schools and groups crossed, a school whose people are all in one cohort has a total
that is also its cohort cell, and so on. After the rules, ``recovery.exposed`` works out
everything the visible cells together give away (a hidden cell, a finest cell under the
minimum, a small union of a partition's hidden parts) and names cells to hide beside it; the
rules run again, and so on until nothing can be worked out. Hiding only ever grows, so this
ends.

Plain data in, plain data out; the module imports nothing of Trellis but ``recovery``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from types import MappingProxyType

from trellis.surveys import recovery

Key = frozenset[tuple[str, str]]  # {(attribute, value)}: the cell
TOTAL: Key = frozenset()


def cell(**values: str | None) -> Key:
    """The cell of these attribute values (None values are left out)."""
    return frozenset((k, str(v)) for k, v in values.items() if v is not None)


@dataclass(frozen=True)
class Suppressed:
    counts: Mapping[Key, int]
    hidden: frozenset[Key]
    minimum: int

    def visible(self, key: Key) -> bool:
        return key not in self.hidden and self.counts.get(key, 0) > 0

    def n(self, key: Key) -> int | None:
        """How many people the cell holds, or None when it is hidden (or empty)."""
        return self.counts[key] if self.visible(key) else None


def cells_of(
    records: Iterable[Mapping[str, str | None]], dimensions: Sequence[str]
) -> Counter[Key]:
    """How many records fall in each cell: the total, each attribute value, each pair. A missing
    value is a value of its own (""), so the children of a cell always add up to it."""
    return cells_of_counted(((record, 1) for record in records), dimensions)


def cells_of_counted(
    groups: Iterable[tuple[Mapping[str, str | None], int]], dimensions: Sequence[str]
) -> Counter[Key]:
    """``cells_of`` for records already counted: (attribute values, how many share them)."""
    counts: Counter[Key] = Counter()
    for record, n in groups:
        values = [(d, "" if record.get(d) is None else str(record[d])) for d in dimensions]
        counts[TOTAL] += n
        for one in values:
            counts[frozenset([one])] += n
        for pair in combinations(values, 2):
            counts[frozenset(pair)] += n
        if len(values) > 2:
            counts[frozenset(values)] += n  # the finest cell: audited, never shown
    return counts


def _partitions(
    counts: Mapping[Key, int], dimensions: Sequence[str]
) -> list[tuple[Key, list[Key]]]:
    """(parent, its children split by one more attribute), for every parent with children."""
    children: dict[tuple[Key, str], list[Key]] = {}
    for key in counts:
        if not key:
            continue
        for attribute, _ in key:
            parent = key - {next(p for p in key if p[0] == attribute)}
            children.setdefault((parent, attribute), []).append(key)
    return [
        (parent, sorted(kids, key=sorted))
        for (parent, _), kids in sorted(
            children.items(), key=lambda kv: (len(kv[0][0]), sorted(kv[0][0]), kv[0][1])
        )
    ]


def suppress(counts: Mapping[Key, int], dimensions: Sequence[str], minimum: int) -> Suppressed:
    """Which cells to hide so that no small group is shown or can be worked out. The same
    counts give the same answer, so it is remembered: a report's questions answered by the
    same people, and the next slicing of the same round, are not worked out again."""
    if minimum < 1:
        raise ValueError("The minimum group size must be at least 1.")
    return _suppress(frozenset(counts.items()), tuple(dimensions), minimum)


@functools.lru_cache(maxsize=256)
def _suppress(
    items: frozenset[tuple[Key, int]], dimensions: tuple[str, ...], minimum: int
) -> Suppressed:
    counts, finest = _split(dict(items), dimensions)
    hidden = {key for key, n in counts.items() if 0 < n < minimum}
    partitions = _partitions(counts, dimensions)
    while True:
        _complement(counts, partitions, hidden, minimum)
        more = recovery.exposed(counts, finest, partitions, hidden, minimum, dimensions)
        if not more:
            # Read-only: the answer is remembered and shared by every caller.
            return Suppressed(MappingProxyType(dict(counts)), frozenset(hidden), minimum)
        hidden |= more


def total_hidden(counts: Mapping[Key, int], dimensions: Sequence[str], minimum: int) -> bool:
    """Whether ``suppress`` hides everyone's total, from the total and the one-value cells
    alone: when it is under the minimum, or when everyone differs in one attribute (one person
    per school, say), so the rows of that breakdown, each shown hidden, would hold one each.
    The dashboard's headline reads only this much (``test_suppression`` holds the two to
    agreeing)."""
    total = counts.get(TOTAL, 0)
    if total < minimum:
        return True
    return minimum > 1 and any(
        sum(1 for key, n in counts.items() if len(key) == 1 and next(iter(key))[0] == d and n)
        == total
        for d in dimensions
    )


def _split(
    counts: Mapping[Key, int], dimensions: Sequence[str]
) -> tuple[dict[Key, int], dict[Key, int]]:
    """The cells reports can show (one or two values), and the finest cells (a value of every
    attribute) when there are more than two attributes: never shown, only audited."""
    shown = {key: n for key, n in counts.items() if len(key) <= 2}
    finest = {key: n for key, n in counts.items() if len(key) > 2 and len(key) == len(dimensions)}
    return shown, finest


def _complement(
    counts: Mapping[Key, int],
    partitions: Sequence[tuple[Key, list[Key]]],
    hidden: set[Key],
    minimum: int,
) -> None:
    """The partition rules, applied until nothing changes (hiding only grows, so this ends)."""
    changed = True
    while changed:
        changed = False
        for parent, kids in partitions:
            present = [k for k in kids if counts.get(k, 0) > 0]
            shut = [k for k in present if k in hidden]
            shown = [k for k in present if k not in hidden]
            parent_hidden = parent in hidden or counts.get(parent, 0) == 0
            if parent_hidden:
                leaks = bool(shown) and not shut
            else:
                held = sum(counts[k] for k in shut)
                # One hidden part; hidden parts under the minimum together; or hidden parts
                # holding one person each (a hidden row is shown, so it holds someone).
                leaks = bool(shut) and (len(shut) == 1 or held < minimum or held == len(shut))
            if leaks and shown:
                hidden.add(min(shown, key=lambda k: (counts[k], sorted(k))))
                changed = True
            elif leaks and not parent_hidden:
                hidden.add(parent)  # nothing left to hide beside it: hide the total
                changed = True


def leaks(result: Suppressed, dimensions: Sequence[str]) -> list[str]:
    """Every broken rule, in words: for tests, which must find none."""
    problems = []
    counts, _ = _split(result.counts, dimensions)
    minimum = result.minimum
    for key in counts:
        if result.visible(key) and counts[key] < minimum:
            problems.append(f"{sorted(key)} shows {counts[key]} people")
    for parent, kids in _partitions(counts, dimensions):
        present = [k for k in kids if counts.get(k, 0) > 0]
        shut = [k for k in present if not result.visible(k)]
        if (
            result.visible(parent)
            and shut
            and (len(shut) == 1 or sum(counts[k] for k in shut) < minimum)
        ):
            problems.append(f"{sorted(parent)} minus its visible parts gives away {shut}")
        if not result.visible(parent) and present and not shut:
            problems.append(f"{sorted(parent)} is the sum of its visible parts")
    return problems
