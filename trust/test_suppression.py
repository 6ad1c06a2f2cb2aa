"""Figure 4: survey suppression. Generated response sets (people of three respondent groups,
up to six schools and three cohorts, with or without a school or a cohort, a minimum from 3 to
10) are suppressed the way the reports suppress them, and then attacked by a reader who has read
every report a filter can ask for: everyone, one school, group or cohort, each broken down by
each other attribute; so every cell of one or two attribute values, from every slicing.

Nothing here trusts the product's own checker. The ground truth is the generated people, and
the attack is this file's own:

- every visible cell holds at least the minimum, and its number is the true one;
- the same cell reads the same in every report that names it (visible in one slicing and hidden
  in another would give it away);
- one subtraction: for every partition a reader can ask for (a visible total broken down by one
  more attribute), the total minus its visible parts isolates no single hidden part, no union
  of hidden parts under the minimum, and no hidden parts that can only hold one person each (a
  hidden row is shown, so it holds someone); a hidden total is never the sum of visible parts;
- every report combined: each count is a sum of the finest cells (group × school × cohort, those
  the reports show to be empty left out), so a hidden cell, a finest cell under the minimum, or
  a union of a partition's hidden parts under the minimum is recoverable exactly when its
  indicator lies in the span of the visible cells' indicators (checked against the null space).

The same attack runs on the product's ``suppress`` over thousands of generated response sets,
and on rounds written to the database and read through ``results()`` (what the page, the API and
the exports read) for every filter combination, each question on its own, with the respondents
line and the dashboard's headline beside it."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations, product

import numpy as np
import pytest
from django.utils import timezone

from trellis.factories import DistrictFactory, SchoolFactory
from trellis.rollout.models import Cohort, Initiative, Phase
from trellis.surveys.models import (
    Administration,
    Answer,
    Instrument,
    Item,
    ItemKind,
    Response,
    Status,
)
from trellis.surveys.selectors.results import GROUP_LABELS, NONE_LABELS, headline, results
from trellis.surveys.suppression import cells_of, suppress

pytestmark = pytest.mark.django_db

DIMENSIONS = ("group", "school", "cohort")
GROUPS = ("building_leader", "instructional_leader", "other")
PURE_CASES = 3000  # generated response sets through ``suppress``
ROUNDS = 8  # generated rounds through the database and ``results()``
SEED = 20260504

Cell = frozenset  # {(attribute, value)}, "" for no school or no cohort
Person = tuple[str, str, str]  # group, school, cohort
HIDDEN = None


# --- Generated response sets ------------------------------------------------------------------


def _values(rng: random.Random) -> tuple[list[str], list[str]]:
    schools = ["", *(f"s{i}" for i in range(rng.randint(1, 6)))]
    cohorts = ["", *(f"c{i}" for i in range(rng.randint(0, 3)))]
    return schools, cohorts


def clumps(rng: random.Random) -> list[Person]:
    """A few clumps of people sharing group, school and cohort: single people rarely fill a
    cell, and clumps of every size put small cells beside large ones."""
    schools, cohorts = _values(rng)
    people: list[Person] = []
    for _ in range(rng.randint(1, 14)):
        where = (rng.choice(GROUPS), rng.choice(schools), rng.choice(cohorts))
        people += [where] * rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 12, 20])
    return people


def district(rng: random.Random) -> list[Person]:
    """A district as it is: a principal or two per school, a few instructional leaders, many
    teachers, some in the district office, cohorts by school."""
    schools, cohorts = _values(rng)
    people: list[Person] = []
    for school in schools:
        cohort = rng.choice(cohorts)
        leaders = rng.choice([0, 1, 1, 1, 2]) if school else rng.randint(0, 4)
        people += [("building_leader", school, cohort)] * leaders
        people += [("instructional_leader", school, rng.choice(cohorts))] * rng.randint(0, 4)
        people += [("other", school, cohort)] * rng.randint(0, 25)
    return people


def singles(rng: random.Random) -> list[Person]:
    """People one by one, anywhere: many small cells."""
    schools, cohorts = _values(rng)
    return [
        (rng.choice(GROUPS), rng.choice(schools), rng.choice(cohorts))
        for _ in range(rng.randint(1, 60))
    ]


SHAPES = (clumps, clumps, district, singles)


def generated(rng: random.Random) -> tuple[list[Person], int]:
    minimum = rng.choice([3, 4, 5, 5, 5, 6, 7, 8, 10])
    return rng.choice(SHAPES)(rng), minimum


# --- The ground truth and what a reader knows -------------------------------------------------


def key(person: Person) -> Cell:
    return Cell(zip(DIMENSIONS, person, strict=True))


def count(people: Iterable[Person], cell: Cell) -> int:
    return sum(n for person, n in Counter(people).items() if cell <= key(person))


def domain(people: Sequence[Person]) -> dict[str, list[str]]:
    return {d: sorted({p[i] for p in people}) for i, d in enumerate(DIMENSIONS)}


def lattice(values: Mapping[str, Sequence[str]]) -> list[Cell]:
    """Everyone, each value, each pair of values of two attributes: every cell a report names."""
    ones = [Cell([(d, v)]) for d in DIMENSIONS for v in values[d]]
    twos = [a | b for a, b in combinations(ones, 2) if len({d for d, _ in a | b}) == 2]
    return [Cell(), *ones, *twos]


def partitions(values: Mapping[str, Sequence[str]], depth: int) -> list[tuple[Cell, list[Cell]]]:
    """(parent, its parts by one more attribute) for every parent of fewer than ``depth`` values:
    the parts a report gives for a total, a slice broken down, or a cell split the other way."""
    parents = [c for c in lattice(values) if len(c) < depth]
    return [
        (parent, [parent | {(d, v)} for v in values[d]])
        for parent in parents
        for d in DIMENSIONS
        if d not in {a for a, _ in parent}
    ]


@dataclass
class View:
    """All a reader has read for one question: each cell named, with its number or HIDDEN; the
    cells a report would have listed as a row had anyone been in them (so their absence says
    they are empty); and the rows shown hidden (so someone is in them)."""

    shown: dict[Cell, int | None] = field(default_factory=dict)
    listed: set[Cell] = field(default_factory=set)
    rows: set[Cell] = field(default_factory=set)
    clashes: list[str] = field(default_factory=list)  # a cell read two ways

    def read(self, cell: Cell, n: int | None, *, row: bool) -> None:
        before = self.shown.setdefault(cell, n)
        if before != n:
            self.clashes.append(f"{_name(cell)} read as {before} and as {n}")
            if n is not None:
                self.shown[cell] = n  # the reader keeps the number
        if row:
            self.rows.add(cell)


def _name(cell: Cell) -> str:
    return "everyone" if not cell else " & ".join(f"{d}={v or '-'}" for d, v in sorted(cell))


# --- The attack -------------------------------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0
    cells: int = 0  # cells read, visible or hidden
    hidden: int = 0
    partitions: int = 0
    shown_small: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    subtraction: list[str] = field(default_factory=list)  # by one subtraction
    combined: list[str] = field(default_factory=list)  # by every report combined
    kinds: Counter[str] = field(default_factory=Counter)  # what was recovered, how
    leaky_cases: int = 0

    def misses(self) -> list[str]:
        return [*self.shown_small, *self.wrong, *self.clashes, *self.combined, *self.subtraction]

    def about(self, what: str) -> Tally:
        """The same findings, each saying which view it came from."""
        for name in ("shown_small", "wrong", "clashes", "subtraction", "combined"):
            setattr(self, name, [f"{what}: {m}" for m in getattr(self, name)])
        return self

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


def attack(
    people: Sequence[Person],
    view: View,
    minimum: int,
    values: Mapping[str, Sequence[str]],
    depth: int = 2,
) -> Tally:
    """Everything a reader of ``view`` can work out that they should not, against the truth."""
    tally = Tally(cases=1, clashes=list(view.clashes))
    finest = Counter(key(p) for p in people)
    truth = {
        cell: sum(n for f, n in finest.items() if cell <= f)
        for cell in view.shown | dict.fromkeys(view.listed)
    }
    for cell, n in view.shown.items():
        tally.cells += 1
        if n is HIDDEN:
            tally.hidden += 1
        elif n != truth[cell]:
            tally.wrong.append(f"{_name(cell)} shows {n}, holds {truth[cell]}")
        elif n < minimum:
            tally.shown_small.append(f"{_name(cell)} shows {n} (minimum {minimum})")
    # Listed by a report that would have had a row for it, and never a row nor a number: nobody.
    empty = {c for c in view.listed if c not in view.rows and view.shown.get(c) is None}
    for c in empty:
        assert truth[c] == 0, f"{_name(c)} holds {truth[c]} but no report shows it"
    visible = {c: n for c, n in view.shown.items() if n is not HIDDEN}
    hidden = [c for c, n in view.shown.items() if n is HIDDEN and truth[c] > 0]

    # One subtraction: each partition a reader can ask for.
    for parent, parts in partitions(values, depth):
        if parent not in view.shown or not all(p in view.shown or p in empty for p in parts):
            continue  # not every part of it was read
        tally.partitions += 1
        shut = [p for p in parts if p in view.shown and view.shown[p] is HIDDEN]
        if parent in visible:
            rest = visible[parent] - sum(visible.get(p, 0) for p in parts)
            held = sum(truth[p] for p in shut)
            if rest != held:
                tally.wrong.append(f"{_name(parent)}: its parts do not add up")
            elif len(shut) == 1 and held:
                tally.kinds["subtraction: one hidden part"] += 1
                tally.subtraction.append(
                    f"{_name(shut[0])} = {held}: {_name(parent)} minus its visible parts"
                )
            elif 0 < held < minimum:
                tally.kinds["subtraction: hidden parts under the minimum"] += 1
                tally.subtraction.append(
                    f"{len(shut)} hidden parts of {_name(parent)} hold {held} together"
                )
            elif shut and all(p in view.rows for p in shut) and held == len(shut):
                tally.kinds["subtraction: hidden rows holding one each"] += 1
                tally.subtraction.append(f"the {held} hidden rows of {_name(parent)} hold one each")
        elif truth[parent] and not shut:
            tally.kinds["subtraction: hidden total of visible parts"] += 1
            tally.subtraction.append(
                f"{_name(parent)} = {truth[parent]}: the sum of its visible parts"
            )

    # Every report combined: linear algebra over the finest cells.
    fine = [key(p) for p in product(*(values[d] for d in DIMENSIONS))]
    fine = [
        f for f in fine if not any(Cell(c) in empty for r in (1, 2) for c in combinations(f, r))
    ]
    wanted = [*view.shown, *fine]
    indicator = {c: np.array([float(c <= f) for f in fine]) for c in wanted}
    equations = np.array([indicator[c] for c in visible]).reshape(len(visible), len(fine))
    rank = int(np.linalg.matrix_rank(equations)) if len(visible) and len(fine) else 0
    null = np.linalg.svd(equations)[2][rank:] if len(visible) else np.eye(len(fine))
    # A count the reader can work out has an indicator with no part in the null space.
    residue = {c: null @ indicator[c] for c in wanted}

    def recoverable(cells: Sequence[Cell]) -> bool:
        return not null.size or float(np.abs(sum(residue[c] for c in cells)).max()) < 1e-7

    seen: set[tuple[float, ...]] = set()
    for cell in [*hidden, *(f for f in fine if 0 < finest[f] < minimum)]:
        if tuple(indicator[cell]) in seen or not recoverable([cell]):
            continue
        seen.add(tuple(indicator[cell]))
        n = truth[cell] if cell in truth else finest[cell]
        what = "hidden " if cell in view.shown else "finer than any report: "
        small = " (under the minimum)" if n < minimum else ""
        tally.kinds[
            "combined: "
            + ("hidden cell" if cell in view.shown else "finest cell")
            + (" under the minimum" if small else " of the minimum or more")
        ] += 1
        tally.combined.append(f"{what}{_name(cell)} = {n}{small}")
    for parent, parts in partitions(values, depth):
        shut = [p for p in parts if view.shown.get(p, 0) is HIDDEN]
        shut = [p for p in shut if tuple(indicator[p]) not in seen][:10]
        for size in range(2, len(shut) + 1):
            for union in combinations(shut, size):
                held = sum(truth[p] for p in union)
                one_each = all(p in view.rows for p in union) and held == len(union)
                if (0 < held < minimum or one_each) and recoverable(union):
                    tally.kinds[
                        "combined: hidden parts "
                        + ("holding one each" if one_each else "under the minimum")
                    ] += 1
                    tally.combined.append(
                        f"{size} hidden parts of {_name(parent)} hold {held}"
                        + (" (one each)" if one_each else "")
                    )
    tally.leaky_cases = int(bool(tally.misses()))
    return tally


# --- Through ``suppress``, as every report calls it ------------------------------------------


Suppress = Callable[..., object]


def through_suppress(
    people: Sequence[Person], minimum: int, suppressor: Suppress = suppress
) -> Tally:
    """The reader's view of one question answered by ``people``: every cell of the lattice
    named by some report (a row when someone is in it), its number unless hidden."""
    records = [{d: v or None for d, v in zip(DIMENSIONS, p, strict=True)} for p in people]
    result = suppressor(cells_of(records, DIMENSIONS), DIMENSIONS, minimum)
    values = domain(people)
    view = View(listed=set(lattice(values)) - {Cell()})
    for cell in lattice(values):
        n = result.n(cell)  # type: ignore[attr-defined]
        if n is not None or count(people, cell):
            view.read(cell, n, row=bool(cell))
    return attack(people, view, minimum, values)


def sweep(cases: int, seed: int, suppressor: Suppress = suppress) -> tuple[Tally, list[str]]:
    rng = random.Random(seed)
    tally, examples = Tally(), []
    for _ in range(cases):
        people, minimum = generated(rng)
        one = through_suppress(people, minimum, suppressor)
        if one.misses() and len(examples) < 5:
            examples.append(
                f"minimum {minimum}, {sorted(Counter(people).items())}: {one.misses()[:3]}"
            )
        tally.add(one)
    return tally, examples


# The smallest shapes found by the sweep, kept so they are always tried.
PINNED: dict[str, tuple[list[Person], int]] = {
    # Nobody in the district office or at s3 is outside cohort c2, so those two schools' totals
    # are their c2 cells; cohort c2 (11, visible) minus them (8) is s1's c2 cell: 3 people.
    "a school's total is its only cohort's cell": (
        [
            *[("building_leader", "s0", "c0")] * 5,
            *[("building_leader", "s1", "c0")] * 5,
            *[("building_leader", "s1", "c2")] * 2,
            ("instructional_leader", "s1", "c0"),
            ("instructional_leader", "s1", "c1"),
            *[("instructional_leader", "s1", "")] * 12,
            *[("instructional_leader", "s3", "c2")] * 2,
            *[("other", "s0", "")] * 4,
            *[("other", "s1", "c1")] * 8,
            ("other", "s1", "c2"),
            *[("other", "", "c2")] * 6,
        ],
        5,
    ),
    # Five schools, one principal each who answered, and 40 teachers: the building leaders (5)
    # are shown, each school's leader row is hidden, yet five hidden rows hold five people.
    "one principal per school": (
        [
            *(("building_leader", f"s{i}", "") for i in range(5)),
            *(("other", f"s{i}", "") for i in range(5) for _ in range(8)),
        ],
        5,
    ),
}


# --- Through the database and ``results()`` ---------------------------------------------------


@dataclass
class Asked:
    """One generated round: who answered, and who skipped which question."""

    people: list[Person]
    minimum: int
    min_text: int
    likert: list[int | None]  # per person; None: skipped
    traits: list[list[int]]  # per person; empty: skipped
    comment: list[bool]


def asked(people: list[Person], minimum: int, rng: random.Random) -> Asked:
    n = len(people)
    return Asked(
        people,
        minimum,
        minimum + rng.randint(0, 5),
        [None if rng.random() < 0.1 else rng.randint(1, 4) for _ in range(n)],
        [
            [] if rng.random() < 0.15 else sorted(rng.sample(range(3), rng.randint(1, 2)))
            for _ in range(n)
        ],
        [rng.random() < 0.7 for _ in range(n)],
    )


def write(spec: Asked) -> tuple[Administration, dict[str, Item], dict[str, dict[str, str]]]:
    """The round in the tables, as answering writes it: a response keeps group, school and
    cohort only; a skipped question has no answer. Returns the round, its questions, and each
    value's label (so a report's row can be read back to its cell)."""
    place = DistrictFactory()
    values = domain(spec.people)
    schools = {v: SchoolFactory(district=place, name=f"School {v}") for v in values["school"] if v}
    cohorts: dict[str, Cohort] = {}
    if any(values["cohort"]):
        initiative = Initiative.objects.create(
            district=place, name="Rollout", first_year="2026-27", last_year="2027-28"
        )
        phase = Phase.objects.create(
            district=place,
            initiative=initiative,
            name="Pilot year",
            school_year="2026-27",
            target_share=Decimal(20),
        )
        cohorts = {
            v: Cohort.objects.create(
                district=place, initiative=initiative, phase=phase, name=f"Cohort {v}"
            )
            for v in values["cohort"]
            if v
        }
    survey = Instrument.objects.create(district=place, name="Belonging")
    items = {
        "belonging": Item.objects.create(
            district=survey.district,
            instrument=survey,
            order=1,
            kind=ItemKind.LIKERT,
            points=4,
            key="belonging",
            text="I feel I belong here.",
        ),
        "traits": Item.objects.create(
            district=place,
            instrument=survey,
            order=2,
            kind=ItemKind.MULTIPLE,
            options=["A", "B", "C"],
            key="traits",
            text="What matters most?",
        ),
        "comments": Item.objects.create(
            district=place,
            instrument=survey,
            order=3,
            kind=ItemKind.TEXT,
            text="Anything else?",
            key="comments",
        ),
    }
    today = timezone.localdate()
    admin = Administration.objects.create(
        district=place,
        instrument=survey,
        title="Spring survey",
        school_year="2026-27",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today - dt.timedelta(days=1),
        status=Status.CLOSED,
        audience_roles=["teacher"],
        min_group=spec.minimum,
        min_text=spec.min_text,
    )
    responses, answers = [], []
    for i, (group, school, cohort) in enumerate(spec.people):
        response = Response(
            district=place,
            administration=admin,
            group=group,
            school=schools.get(school),
            cohort=cohorts.get(cohort),
            submitted_on=today,
        )
        responses.append(response)
        if spec.likert[i] is not None:
            answers.append(
                Answer(
                    district=place, response=response, item=items["belonging"], value=spec.likert[i]
                )
            )
        if spec.traits[i]:
            answers.append(
                Answer(
                    district=place, response=response, item=items["traits"], choices=spec.traits[i]
                )
            )
        if spec.comment[i]:
            answers.append(
                Answer(
                    district=place,
                    response=response,
                    item=items["comments"],
                    text=f"Comment {i:03d}",
                )
            )
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    labels = {
        "group": {str(label): v for v, label in GROUP_LABELS.items()},
        "school": {s.name: v for v, s in schools.items()},
        "cohort": {c.name: v for v, c in cohorts.items()},
    }
    for dimension, label in NONE_LABELS.items():
        labels[dimension][label] = ""
    ids = {
        "group": {v: v for v in GROUPS},
        "school": {v: str(s.pk) for v, s in schools.items()},
        "cohort": {v: str(c.pk) for v, c in cohorts.items()},
    }
    for dimension in ("school", "cohort"):
        ids[dimension][""] = ""
    return admin, items, {"labels": labels, "ids": ids}  # type: ignore[dict-item]


def who_answered(spec: Asked, question: str) -> list[Person]:
    answered = {
        "belonging": [v is not None for v in spec.likert],
        "traits": [bool(t) for t in spec.traits],
        "comments": spec.comment,
    }[question]
    return [p for p, yes in zip(spec.people, answered, strict=True) if yes]


def through_results(spec: Asked) -> tuple[Tally, int]:
    """Write the round, read ``results()`` for every breakdown and every slice (each value of
    each attribute, the district office and no cohort included), collect what each question
    shows, and attack each question's view, and the respondents line's."""
    admin, items, names = write(spec)
    labels, ids = names["labels"], names["ids"]
    values = {
        d: sorted({p[i] for p in spec.people} | ({""} if d != "group" else set()))
        for i, d in enumerate(DIMENSIONS)
    }
    values["group"] = list(GROUPS)
    views = {q: View() for q in items}
    respondents = View()
    reads = 0
    for breakdown in (None, *DIMENSIONS):
        for slice_by in [None, *((d, v) for d in DIMENSIONS for v in values[d])]:
            if slice_by and slice_by[0] == breakdown:
                continue
            asked_for = slice_by and (slice_by[0], ids[slice_by[0]][slice_by[1]])
            shown = results(administration=admin, breakdown=breakdown, slice_by=asked_for)
            reads += 1
            base = Cell([slice_by]) if slice_by else Cell()
            respondents.read(base, shown.respondents, row=False)
            for item_result in shown.items:
                view = views[item_result.item.key]
                view.read(base, item_result.total.n, row=False)
                if breakdown is None or item_result.item.kind == ItemKind.TEXT:
                    continue
                view.listed |= {base | {(breakdown, v)} for v in values[breakdown]}
                for row in item_result.rows:
                    cell = base | {(breakdown, labels[breakdown][row.label])}
                    view.read(cell, row.n, row=True)
    # The dashboard's headline gives everyone's totals again: they must be the report's.
    people, cells = headline(administration=admin)
    respondents.read(Cell(), people, row=False)
    for item, total in cells:
        views[item.key].read(Cell(), total.n, row=False)
    tally = Tally()
    for question, view in views.items():
        text = items[question].kind == ItemKind.TEXT
        minimum = spec.min_text if text else spec.minimum
        one = attack(who_answered(spec, question), view, minimum, values, depth=1 if text else 2)
        tally.add(one.about(f"question {question!r}"))
    tally.add(attack(spec.people, respondents, spec.minimum, values, depth=1).about("respondents"))
    tally.cases, tally.leaky_cases = 1, int(bool(tally.misses()))
    return tally, reads


# --- The figure -------------------------------------------------------------------------------


def test_no_small_cell_is_shown_or_worked_out_from_any_slicing(figure):
    pure, examples = sweep(PURE_CASES, SEED)
    for name, (people, minimum) in PINNED.items():
        one = through_suppress(people, minimum)
        if one.misses():
            examples.insert(0, f"{name}: {one.misses()[:3]}")
        pure.add(one)
    rng = random.Random(SEED + 1)
    rounds = [asked(*PINNED["a school's total is its only cohort's cell"], rng)]
    rounds += [asked(*generated(rng), rng) for _ in range(ROUNDS - 1)]
    rounds = [r for r in rounds if r.people]
    e2e, reads = Tally(), 0
    for spec in rounds:
        one, n = through_results(spec)
        e2e.add(one)
        reads += n
    both = Tally()
    both.add(pure)
    both.add(e2e)
    small, recovered = len(both.shown_small), len(both.subtraction) + len(both.combined)
    ok = (
        not both.misses()
        and pure.cases >= PURE_CASES
        and e2e.cases >= ROUNDS
        and pure.hidden > 1000
    )
    figure(
        "suppression",
        ok=ok,
        summary=f"{small} cells shown under the minimum, {recovered} hidden cells or small "
        f"unions recoverable ({len(both.subtraction)} by one subtraction, "
        f"{len(both.combined)} by combining slicings), {len(both.clashes)} cells read two "
        f"ways, in {pure.cases:,} generated response sets ({pure.cells:,} cells, "
        f"{pure.hidden:,} hidden, {pure.partitions:,} partitions) and {e2e.cases} rounds "
        f"read through results() ({reads:,} filter combinations, {e2e.cells:,} cells); "
        f"{both.leaky_cases} cases leak",
        cases=pure.cases,
        cells=pure.cells,
        hidden=pure.hidden,
        partitions=pure.partitions,
        rounds=e2e.cases,
        reads=reads,
        rounds_cells=e2e.cells,
        shown_small=small,
        recovered=recovered,
        by_subtraction=len(both.subtraction),
        by_combining=len(both.combined),
        read_two_ways=len(both.clashes),
        wrong=len(both.wrong),
        kinds=dict(both.kinds),
        leaky_cases=both.leaky_cases,
        leaky_rounds=e2e.leaky_cases,
        reached=both.misses()[:20],
        examples=examples,
    )
    assert ok, "\n".join([*both.misses()[:20], *examples])


def test_the_attack_finds_what_each_protection_stops(monkeypatch):
    """The figure can fail: with complementary suppression off (small cells hidden, nothing
    beside them) one subtraction gives cells back; with the partition rules on but the audit
    across slicings off, combining reports does, as in the first pinned shape."""
    import trellis.surveys.suppression as suppression

    def small_only(counts: Mapping[Cell, int], dimensions: Sequence[str], minimum: int) -> object:
        shown, _ = suppression._split(counts, dimensions)
        small = frozenset(k for k, n in shown.items() if 0 < n < minimum)
        return suppression.Suppressed(shown, small, minimum)

    bare, _ = sweep(200, SEED, small_only)
    assert bare.subtraction and bare.kinds["subtraction: one hidden part"] > 0

    # A cache of its own, so no answer worked out without the audit outlives this test.
    fresh = functools.lru_cache(maxsize=256)(suppression._suppress.__wrapped__)
    monkeypatch.setattr(suppression, "_suppress", fresh)
    monkeypatch.setattr(suppression.recovery, "exposed", lambda *args: set())
    rules_only, _ = sweep(200, SEED)
    assert not rules_only.subtraction, rules_only.subtraction[:3]
    assert rules_only.combined, "the audit across slicings is needed for nothing?"
    # The pinned shape the audit is for (the other is the partition rules' own).
    assert through_suppress(*PINNED["a school's total is its only cohort's cell"]).misses()
