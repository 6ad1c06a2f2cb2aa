"""Survey anonymity through every surface, property-based: for generated responses, thresholds
and filters, the results page, the API and the CSV export report the same cells; no reported
cell rests on fewer than the minimum (comments on fewer than the comments' minimum); and
nothing they show, taken together, gives back a hidden group: not by subtracting visible cells
from a visible total, not by any other sum of them, and not by crossing lists of comments.

The ground truth is the response set the test generated, never ``results()``: every number a
surface shows is checked against it."""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import combinations, product
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from trellis.factories import SchoolFactory
from trellis.rollout.models import Cohort, Initiative, Phase
from trellis.surveys.models import Answer, ItemKind, Response
from trellis.surveys.selectors.results import DIMENSIONS, GROUP_LABELS, NONE_LABELS
from trellis.surveys.services import instrument_create, item_add
from trellis.surveys.suppression import TOTAL, Key, Suppressed, leaks
from trellis.surveys.tests.builders import closed_round
from trellis.surveys.tests.test_pages import tables

pytestmark = pytest.mark.django_db

GROUPS = tuple(GROUP_LABELS)
SCHOOLS = ("Alder School", "Birch School", "Cedar School")
COHORTS = ("Pilot cohort", "Second cohort")
TRAITS = ("Patience", "Curiosity", "Candour", "Humour")
LIKERT, TRAITS_KEY, COMMENTS = "belonging", "traits", "comments"
HIDDEN = None  # a reported cell with no numbers

# --- What is generated ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    group: str
    school: int | None  # an index into SCHOOLS; None: the district office
    cohort: int | None  # an index into COHORTS
    likert: int | None  # None: skipped the question
    traits: frozenset[int]  # empty: skipped it
    comment: bool


@dataclass(frozen=True)
class Round:
    people: list[Person]
    points: int
    min_group: int
    min_text: int
    filters: list[tuple[str | None, tuple[str, int | None] | None]]


SLICES: list[tuple[str, int | None] | None] = [
    None, *(("group", g) for g in range(len(GROUPS))),
    ("school", None), *(("school", s) for s in range(len(SCHOOLS))),
    ("cohort", None), *(("cohort", c) for c in range(len(COHORTS))),
]  # fmt: skip


@st.composite
def clump(draw: Any) -> list[Person]:
    """A few people of one group, school and cohort, each answering in their own way: lists of
    single people would rarely fill a cell."""
    where = (draw(st.sampled_from(GROUPS)), draw(st.sampled_from([None, *range(len(SCHOOLS))])),
             draw(st.sampled_from([None, *range(len(COHORTS))])))  # fmt: skip
    return [
        Person(*where, likert=draw(st.one_of(st.none(), st.integers(1, 5))),
               traits=draw(st.frozensets(st.integers(0, len(TRAITS) - 1), max_size=3)),
               comment=draw(st.booleans()))
        for _ in range(draw(st.integers(1, 14)))
    ]  # fmt: skip


people = st.lists(clump(), min_size=1, max_size=12).map(
    lambda clumps: [p for c in clumps for p in c]
)
filters = st.lists(
    st.tuples(st.sampled_from([None, *DIMENSIONS]), st.sampled_from(SLICES)).filter(
        lambda f: f[1] is None or f[1][0] != f[0]
    ),
    min_size=1, max_size=3, unique=True,
)  # fmt: skip


@st.composite
def rounds(draw: Any) -> Round:
    min_group = draw(st.integers(3, 10))
    # Comments identify people more easily: their minimum is never below the other one.
    min_text = draw(st.integers(min_group, min_group + 5))
    return Round(draw(people), draw(st.sampled_from([4, 5])), min_group, min_text, draw(filters))


# --- The round in the database, as answering writes it ---------------------------------------


@dataclass
class World:
    admin: Any
    items: dict[str, Any]  # by key
    values: dict[str, list[str]]  # every value of each dimension, "" for none
    labels: dict[str, dict[str, str]]  # dimension → label → value
    records: dict[str, list[dict[str, Any]]]  # by item key: who answered, and what
    everyone: list[dict[str, Any]]  # one a response


def build(district, actor, spec: Round) -> World:
    schools = [SchoolFactory(district=district, name=name) for name in SCHOOLS]
    initiative = Initiative.objects.create(district=district, name="Rollout",
                                           first_year="2026-27", last_year="2027-28")  # fmt: skip
    phase = Phase.objects.create(district=district, initiative=initiative, name="Pilot year",
                                 school_year="2026-27", target_share=Decimal(20))  # fmt: skip
    cohorts = [Cohort.objects.create(district=district, initiative=initiative, phase=phase,
                                     name=name) for name in COHORTS]  # fmt: skip
    survey = instrument_create(district=district, name="Belonging", actor=actor)
    items = {
        LIKERT: item_add(instrument=survey, kind=ItemKind.LIKERT, points=spec.points, actor=actor,
                         text="I feel I belong here.", key=LIKERT),
        TRAITS_KEY: item_add(instrument=survey, kind=ItemKind.MULTIPLE, options=TRAITS,
                             actor=actor, text="What matters most?", key=TRAITS_KEY),
        COMMENTS: item_add(instrument=survey, kind=ItemKind.TEXT, actor=actor,
                           text="Anything else?", key=COMMENTS),
    }  # fmt: skip
    admin = closed_round(survey, min_group=spec.min_group, min_text=spec.min_text)
    school_ids = [str(s.pk) for s in schools]
    cohort_ids = [str(c.pk) for c in cohorts]
    world = World(
        admin, items,
        {"group": list(GROUPS), "school": ["", *school_ids], "cohort": ["", *cohort_ids]},
        {"group": {str(v): k for k, v in GROUP_LABELS.items()},
         "school": dict(zip(SCHOOLS, school_ids, strict=True)),
         "cohort": dict(zip(COHORTS, cohort_ids, strict=True))},
        {key: [] for key in items}, [],
    )  # fmt: skip
    for dimension, label in NONE_LABELS.items():
        world.labels[dimension][label] = ""
    _answer(world, spec, schools, cohorts)
    return world


def _answer(world: World, spec: Round, schools: list, cohorts: list) -> None:
    """Write each person's response and answers as ``response_submit`` does: a response with
    group, school and cohort only; an answer for each question answered, none for a skipped one;
    a comment stripped (so a blank one is no answer), choices sorted."""
    admin, today = world.admin, timezone.localdate()
    responses, answers = [], []
    for n, person in enumerate(spec.people):
        school = None if person.school is None else schools[person.school]
        cohort = None if person.cohort is None else cohorts[person.cohort]
        response = Response(district_id=admin.district_id, administration=admin,
                            group=person.group, school=school, cohort=cohort,
                            submitted_on=today)  # fmt: skip
        responses.append(response)
        who = {"group": person.group, "school": "" if school is None else str(school.pk),
               "cohort": "" if cohort is None else str(cohort.pk)}  # fmt: skip
        world.everyone.append(who)
        answered = {}
        if person.likert is not None:
            answered[LIKERT] = {"value": min(person.likert, spec.points)}
        if person.traits:
            answered[TRAITS_KEY] = {"choices": sorted(person.traits)}
        if person.comment:
            # each comment different, so a list of them tells who is in it
            text = f"Comment {n:03d} from someone"
            answered[COMMENTS] = {"text": text}
        for key, fields in answered.items():
            answers.append(Answer(district_id=admin.district_id, response=response,
                                  item=world.items[key], **fields))  # fmt: skip
            world.records[key].append({**who, **fields, "person": n})
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)


# --- The ground truth -----------------------------------------------------------------------


def inside(records: Iterable[Mapping[str, Any]], key: Key) -> list[Mapping[str, Any]]:
    return [r for r in records if all(r[d] == v for d, v in key)]


def lattice(world: World) -> list[Key]:
    """Every cell a report can name: everyone, each value, each pair of values."""
    singles = [frozenset([(d, v)]) for d in DIMENSIONS for v in world.values[d]]
    pairs = [a | b for a, b in combinations(singles, 2) if len({d for d, _ in a | b}) == 2]
    return [TOTAL, *singles, *pairs]


def true_counts(world: World, key_of_item: str, cell: Key) -> tuple[int, ...]:
    """The answers per scale point or choice in a cell."""
    item, records = world.items[key_of_item], inside(world.records[key_of_item], cell)
    if item.kind == ItemKind.LIKERT:
        return tuple(sum(1 for r in records if r["value"] == p) for p in range(1, item.points + 1))
    if item.kind == ItemKind.MULTIPLE:
        return tuple(sum(1 for r in records if c in r["choices"]) for c in range(len(TRAITS)))
    return ()


def minimum_of(world: World, key_of_item: str) -> int:
    text = world.items[key_of_item].kind == ItemKind.TEXT
    return world.admin.min_text if text else world.admin.min_group


# --- Reading the three surfaces -------------------------------------------------------------


@dataclass
class Reading:
    """What one surface reports for one filter: each cell's (n, agree %, counts) or HIDDEN, by
    (question key, cell); each question's comments; the respondents line when it has one."""

    cells: dict[tuple[str, Key], tuple[int, int | None, tuple[int, ...]] | None]
    comments: dict[str, tuple[str, ...]]
    respondents: int | str | None = "not reported"
    trend: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # this round's


Filter = tuple[str | None, tuple[str, str] | None]


def query(flt: Filter) -> dict[str, str]:
    breakdown, slice_by = flt
    return {"breakdown": breakdown or "", "slice": f"{slice_by[0]}:{slice_by[1]}" if slice_by
            else ""}  # fmt: skip


def base_of(flt: Filter) -> Key:
    return frozenset([flt[1]]) if flt[1] else TOTAL


def row_key(world: World, flt: Filter, label: str) -> Key:
    if label == "All":
        return base_of(flt)
    breakdown = flt[0]
    assert breakdown is not None, label
    return base_of(flt) | {(breakdown, world.labels[breakdown][label])}


def read_api(client, world: World, flt: Filter) -> Reading:
    params = {k: v for k, v in query(flt).items() if v}
    response = client.get(f"/api/v1/surveys/administrations/{world.admin.pk}/results", params)
    assert response.status_code == 200, response.content
    data = response.json()
    reading = Reading({}, {}, data["respondents"])
    for item in data["items"]:
        for cell in [item["total"], *item["rows"]]:
            key = (item["key"], row_key(world, flt, cell["label"]))
            assert cell["hidden"] == (cell["n"] is None)
            if cell["hidden"]:
                assert cell["agree"] is None and cell["counts"] is None, cell
                reading.cells[key] = HIDDEN
            else:
                agree = None if cell["agree"] is None else round(100 * cell["agree"])
                reading.cells[key] = (cell["n"], agree, tuple(cell["counts"] or ()))
        reading.comments[item["key"]] = tuple(item["comments"])
        for point in item["trend"]:
            assert point["administration_id"] == world.admin.pk  # the only round there is
            reading.trend[item["key"]] = (point["n"], None if point["agree"] is None
                                          else round(100 * point["agree"]))  # fmt: skip
    return reading


def read_export(client, world: World, flt: Filter) -> Reading:
    url = reverse("surveys:results-export", args=[world.admin.pk, "csv"])
    response = client.get(url, query(flt))
    assert response.status_code == 200, response.content
    data = b"".join(response.streaming_content) if response.streaming else response.content
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[2] == "Key" and header[6:12] == ["Cell", "Shown", "Answers", "Agree (%)",
                                                    "Spread of answers", "Comments"]  # fmt: skip
    reading = Reading({}, {})
    for row in rows:
        item, label, shown, n, agree, spread, comments = row[2], *row[6:12]
        key = (item, row_key(world, flt, label))
        if label == "All":
            reading.comments[item] = tuple(comments.split("\n")) if comments else ()
        if shown == "hidden":
            assert n == agree == spread == "", row
            reading.cells[key] = HIDDEN
            continue
        counts = tuple(int(p.rsplit(": ", 1)[1]) for p in spread.split("; ")) if spread else ()
        reading.cells[key] = (int(n), int(agree) if agree else None, counts)
    return reading


def read_page(client, world: World, flt: Filter) -> Reading:
    """The numbers the page's tables show, its comments and its respondents line."""
    response = client.get(reverse("surveys:results", args=[world.admin.pk]), query(flt))
    assert response.status_code == 200, response.content
    page, found = response.content.decode(), tables(response)
    said = re.search(r"</strong> (\d+) people answered\.|too few people answered", page)
    assert said, "the page says how many answered"
    reading = Reading({}, {}, int(said.group(1)) if said.group(1) else None)
    for key, item in world.items.items():
        section = re.search(rf'<section aria-labelledby="item-{item.pk}".*?</section>', page,
                            re.S)  # fmt: skip
        assert section, key
        listed = re.search(r'<ul class="comments">(.*?)</ul>', section.group(0), re.S)
        reading.comments[key] = tuple(html.unescape(c) for c in re.findall(
            r"<li>(.*?)</li>", listed.group(1))) if listed else ()  # fmt: skip
        if item.kind == ItemKind.TEXT:
            continue
        rows = found[f"table-{item.pk}"][1:]
        assert_the_chart_shows_the_table(world, item, section.group(0), rows)
        for row in rows:
            cell = (key, row_key(world, flt, row[0]))
            if row[1].startswith("Fewer than"):
                # A hidden row says why, and gives no number but the minimum itself.
                assert len(row) == 2 and not re.search(r"\d", row[1].replace(
                    str(world.admin.min_group), "")), row  # fmt: skip
                reading.cells[cell] = HIDDEN
                continue
            likert = item.kind == ItemKind.LIKERT
            numbers = row[3:] if likert else row[2:]
            reading.cells[cell] = (int(row[1]), int(row[2].rstrip("%")) if likert else None,
                                   tuple(int(v) for v in numbers))  # fmt: skip
    return reading


def assert_the_chart_shows_the_table(world: World, item, section: str, rows: list) -> None:
    """The chart beside a table shows no number the table does not: for an agree–disagree
    question each row's share agreeing; otherwise each answer's share of a visible total."""
    bars = [(html.unescape(label), html.unescape(value)) for label, value in re.findall(
        r'<span class="chart-label">([^<]*)</span><span class="stack">(?:<span class="chart-bar"'
        r'[^>]*></span>)?<span class="bar-value">([^<]*)</span>', section)]  # fmt: skip
    hidden = f"Fewer than {world.admin.min_group} answers"
    if item.kind == ItemKind.LIKERT:
        assert bars == [(r[0], hidden if r[1] == hidden else r[2]) for r in rows]
    elif rows[0][1] == hidden:
        assert bars == [("All", hidden)]
    else:
        total, counts = int(rows[0][1]), [int(v) for v in rows[0][2:]]
        assert bars == [(label, f"{round(100 * (n / total))}%") for label, n in zip(
            TRAITS, counts, strict=True)]  # fmt: skip


# --- What must hold -------------------------------------------------------------------------


def assert_true_and_large_enough(world: World, flt: Filter, reading: Reading) -> None:
    """Every visible number is the true one, for a cell of at least the minimum; comments are
    exactly the cell's own, and shown only for a cell of at least the comments' minimum."""
    for (item, cell), shown in reading.cells.items():
        records = inside(world.records[item], cell)
        if shown is HIDDEN:
            # a row is a value someone answered with; only the filter's own cell may be empty
            assert records or cell == base_of(flt), f"{item} reports {sorted(cell)}, empty"
            continue
        n, agree, counts = shown
        assert n == len(records) >= minimum_of(world, item), (item, sorted(cell), n)
        if world.items[item].kind != ItemKind.TEXT:
            assert counts == true_counts(world, item, cell), (item, sorted(cell))
        if agree is not None:
            agreeing = sum(counts[(3 if world.items[item].points == 4 else 4) - 1 :])
            assert agree == round(100 * (agreeing / n))
    for item, comments in reading.comments.items():
        if not comments:
            continue
        base = base_of(flt)
        mine = sorted(r["text"] for r in inside(world.records[item], base))
        assert list(comments) == mine and len(mine) >= world.admin.min_text, (item, flt)
    if isinstance(reading.respondents, int):
        assert reading.respondents == len(inside(world.everyone, base_of(flt)))
        assert reading.respondents >= world.admin.min_group


def assert_the_surfaces_agree(page: Reading, api: Reading, export: Reading) -> None:
    assert api.cells == export.cells
    # The page gives no count for comments, only the comments themselves.
    assert page.cells == {k: v for k, v in api.cells.items() if k[0] != COMMENTS}
    assert page.comments == api.comments == export.comments
    assert page.respondents == api.respondents


def sweep(world: World) -> list[Filter]:
    """Filters that together name every cell: everyone, and each slice broken down by the next
    kind round (a group by school, a school by cohort, a cohort by group), so every value and
    every pair of values is reported somewhere."""
    turn = {"group": "school", "school": "cohort", "cohort": "group"}
    return [(None, None), *((turn[d], (d, v)) for d in DIMENSIONS for v in world.values[d])]


def assert_one_answer_per_cell(readings: Iterable[Reading]) -> dict[tuple[str, Key], Any]:
    """A cell is reported the same way by every filter that names it."""
    seen: dict[tuple[str, Key], Any] = {}
    for reading in readings:
        for key, shown in reading.cells.items():
            assert seen.setdefault(key, shown) == shown, f"{key[0]} {sorted(key[1])} differs"
    return seen


def fine_cells(world: World) -> list[Key]:
    return [frozenset(zip(DIMENSIONS, vs, strict=True))
            for vs in product(*(world.values[d] for d in DIMENSIONS))]  # fmt: skip


def recoverable(known: Iterable[Key], wanted: Iterable[Key], fine: list[Key]) -> list[Key]:
    """The wanted cells whose count follows from the known cells' counts by any sum and
    difference (each count is a sum of the cross-classified counts in ``fine``)."""
    basis: list[tuple[int, list[Fraction]]] = []

    def reduce(row: list[Fraction]) -> list[Fraction]:
        for pivot, b in basis:
            if row[pivot]:
                factor = row[pivot]
                row = [x - factor * y for x, y in zip(row, b, strict=True)]
        return row

    def vector(cell: Key) -> list[Fraction]:
        return [Fraction(int(cell <= f)) for f in fine]

    for cell in known:
        row = reduce(vector(cell))
        pivot = next((i for i, x in enumerate(row) if x), None)
        if pivot is not None:
            basis.append((pivot, [x / row[pivot] for x in row]))
    return [cell for cell in wanted if not any(reduce(vector(cell)))]


def assert_nothing_hidden_comes_back(world: World, seen: Mapping[tuple[str, Key], Any]) -> None:
    """For each question, with every cell of the lattice read: the suppression checker finds no
    broken rule in what the surfaces show, and no hidden or small cell is any sum and
    difference of the visible ones."""
    fine = fine_cells(world)
    for item in world.items:
        minimum = minimum_of(world, item)
        # An open question has no breakdown: its reports name everyone and single slices only.
        named = [c for c in lattice(world) if len(c) < 2 or item != COMMENTS]
        counts = {cell: len(inside(world.records[item], cell)) for cell in named}
        present = {cell for cell, n in counts.items() if n}
        shown = {cell for (i, cell), v in seen.items() if i == item and v is not HIDDEN}
        hidden = {cell for (i, cell), v in seen.items() if i == item and v is HIDDEN} & present
        assert shown | hidden == present, f"{item}: some cell was never reported"
        view = Suppressed(counts, frozenset(hidden), minimum)
        assert leaks(view, DIMENSIONS) == [], item
        small = {cell for cell in present if counts[cell] < minimum}
        assert recoverable(shown, hidden | small, fine) == [], item


def assert_respondents_stay_hidden(world: World, readings: Mapping[Filter, Reading]) -> None:
    """How many answered is said for everyone or one slice, the same whatever the breakdown;
    those said give no hidden or small one back."""
    said: dict[Key, Any] = {}
    for flt, reading in readings.items():
        assert said.setdefault(base_of(flt), reading.respondents) == reading.respondents
    counts = {cell: len(inside(world.everyone, cell)) for cell in said}
    shown = [cell for cell, n in said.items() if n is not None]
    wanted = [c for c, n in said.items() if counts[c] and (n is None or counts[c] <
                                                           world.admin.min_group)]  # fmt: skip
    assert recoverable(shown, wanted, fine_cells(world)) == []


def assert_the_trend_is_the_total(seen: Mapping[tuple[str, Key], Any],
                                  readings: Iterable[Reading]) -> None:  # fmt: skip
    """The trend's point for this round is everyone's total, hidden when it is."""
    for reading in readings:
        for item, (n, agree) in reading.trend.items():
            total = seen[(item, TOTAL)]
            assert (n, agree) == ((None, None) if total is HIDDEN else total[:2]), item


def assert_comments_give_no_one_away(world: World, lists: Iterable[tuple[str, ...]]) -> None:
    """Lists of comments are sets of sentences: crossing or subtracting them isolates whoever is
    in some lists and not the others. Each such group must be empty or at least the minimum."""
    shown = [set(c) for c in lists if c]
    # Each comment is one person's (the test wrote them all different): group people by the
    # lists they are in.
    people = Counter(tuple(text in s for s in shown) for text in set().union(*shown))
    small = {sig: n for sig, n in people.items() if n < world.admin.min_text}
    assert small == {}, f"comments of {sorted(small.values())} people stand apart"


# --- The property ---------------------------------------------------------------------------


def resolve(world: World, flt: tuple[str | None, tuple[str, int | None] | None]) -> Filter:
    breakdown, slice_by = flt
    if slice_by is None:
        return breakdown, None
    kind, index = slice_by
    values = GROUPS if kind == "group" else world.values[kind][1:]
    return breakdown, (kind, "" if index is None else str(values[index]))


@pytest.fixture
def reader(alice):
    return alice.client()


def check(world: World, client, asked: list[Filter]) -> dict[Filter, Reading]:
    """Read the filters asked on all three surfaces and the sweep through the API; check it all.
    Returns the API's readings."""
    everything = {flt: read_api(client, world, flt) for flt in [*sweep(world), *asked]}
    for flt in asked:
        page, export = read_page(client, world, flt), read_export(client, world, flt)
        assert_the_surfaces_agree(page, everything[flt], export)
        for reading in (page, everything[flt], export):
            assert_true_and_large_enough(world, flt, reading)
    for flt, reading in everything.items():
        assert_true_and_large_enough(world, flt, reading)
    seen = assert_one_answer_per_cell(everything.values())
    assert_nothing_hidden_comes_back(world, seen)
    assert_the_trend_is_the_total(seen, everything.values())
    assert_respondents_stay_hidden(world, everything)
    assert_comments_give_no_one_away(world, [r.comments[COMMENTS] for r in everything.values()])
    return everything


def note_what_was_tried(world: World, readings: Iterable[Reading]) -> None:
    """For ``--hypothesis-show-statistics``: how many people, and whether a cell large enough
    to show was hidden beside a small one (the case subtraction is about)."""
    event(f"people: {len(world.everyone) // 10 * 10}+")
    seen = assert_one_answer_per_cell(readings)
    for item in world.items:
        beside = any(v is HIDDEN and len(inside(world.records[item], c)) >= minimum_of(world, i)
                     for (i, c), v in seen.items() if i == item)  # fmt: skip
        event(f"{item}: {'a large cell hidden beside a small one' if beside else 'none'}")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(rounds())
def test_no_surface_shows_a_small_group_or_lets_one_be_worked_out(alice, district_a, reader,
                                                                   spec):  # fmt: skip
    # given a closed round with any answers, thresholds and filters (undone after each example)
    with transaction.atomic():
        world = build(district_a, alice.user, spec)
        # when the page, the API and the export are read for the filters, and the API for
        # every cell; then everything above holds
        readings = check(world, reader, [resolve(world, f) for f in spec.filters])
        note_what_was_tried(world, readings.values())
        transaction.set_rollback(True)


# --- The nastiest cases, pinned -------------------------------------------------------------


def some(n: int, group: str = "other", school: int | None = 0, cohort: int | None = None,
         comment: bool = False) -> list[Person]:  # fmt: skip
    return [Person(group, school, cohort, likert=1 + k % 4, traits=frozenset({k % 4}),
                   comment=comment) for k in range(n)]  # fmt: skip


def assert_no_slice_shows_comments(world: World, client, slices: list[Filter]) -> None:
    for flt in slices:
        for read in (read_page, read_api, read_export):
            assert read(client, world, flt).comments[COMMENTS] == (), (read.__name__, flt)
    page = client.get(reverse("surveys:results", args=[world.admin.pk]), query(slices[0]))
    assert "Comments are shown only for everyone together" in page.content.decode()


def test_crossing_two_slices_comments_gives_no_one_away(alice, district_a, reader):
    # given Alder's 10 teachers and its principal, and Birch's 10 teachers and 10 leaders, all
    # comment: the principal's cell is hidden, with the cells beside it, but Alder (11) and the
    # building leaders (11) each have enough comments to show
    principal = 10
    spec = Round([*some(10, comment=True), *some(1, "building_leader", comment=True),
                  *some(10, school=1, comment=True),
                  *some(10, "building_leader", school=1, comment=True)], points=4, min_group=5,
                 min_text=10, filters=[(None, ("school", 0)), (None, ("group", 0))])  # fmt: skip
    world = build(district_a, alice.user, spec)
    # when Alder's results and the building leaders' are read, on every surface
    readings = check(world, reader, [resolve(world, f) for f in spec.filters])
    # then neither slice lists comments, for the two lists crossed would hold only the
    # principal's; everyone's list shows them all
    assert_no_slice_shows_comments(world, reader, [resolve(world, f) for f in spec.filters])
    everyone = readings[(None, None)].comments[COMMENTS]
    assert len(everyone) == 31 and f"Comment {principal:03d} from someone" in everyone


def test_crossing_three_slices_comments_gives_no_one_away(alice, district_a, reader):
    # given one pilot leader at Alder among four groups of 10, so that every pair of values
    # (Alder's leaders, the pilot's leaders, Alder's pilot) holds 10 or 11 commenters
    lone = 0
    spec = Round([*some(1, "building_leader", cohort=0, comment=True),
                  *some(10, "building_leader", comment=True),
                  *some(10, cohort=0, comment=True),
                  *some(10, "building_leader", school=1, cohort=0, comment=True),
                  *some(10, school=1, comment=True)], points=4, min_group=5, min_text=10,
                 filters=[(None, ("school", 0)), (None, ("group", 0)),
                          (None, ("cohort", 0))])  # fmt: skip
    world = build(district_a, alice.user, spec)
    # when Alder's, the building leaders' and the pilot cohort's results are read
    check(world, reader, [resolve(world, f) for f in spec.filters])
    # then no slice lists comments: crossing the three lists would leave only the lone one's
    assert_no_slice_shows_comments(world, reader, [resolve(world, f) for f in spec.filters])
    assert f"Comment {lone:03d} from someone" in read_api(reader, world, (None, None)).comments[
        COMMENTS]  # fmt: skip


def test_a_lone_principal_stays_hidden_however_the_report_is_cut(alice, district_a, reader):
    # given 12 teachers and the principal at Alder, 8 teachers at Birch, 6 leaders at Cedar
    spec = Round([*some(12), *some(1, "building_leader"), *some(8, school=1),
                  *some(6, "building_leader", school=2)], points=4, min_group=5, min_text=10,
                 filters=[("school", None), ("school", ("group", 0)), ("group", ("school", 0)),
                          ("group", None)])  # fmt: skip
    world = build(district_a, alice.user, spec)
    # when the page, the API and the export are read by school, by group, and crossed
    readings = check(world, reader, [resolve(world, f) for f in spec.filters])
    # then (beside everything check() proves) the principal's cell is hidden wherever it is
    # named, and so is each cell that would give it back: Alder's teachers (Alder less its
    # leader), Birch's teachers (all teachers less Alder's) and Cedar's leaders (all leaders
    # less Alder's)
    alder, birch, cedar = (world.values["school"][i] for i in (1, 2, 3))
    hidden = {key for r in readings.values() for key, v in r.cells.items()
              if key[0] == LIKERT and v is HIDDEN}  # fmt: skip
    for school, group in ((alder, "building_leader"), (alder, "other"), (birch, "other"),
                          (cedar, "building_leader")):  # fmt: skip
        assert (LIKERT, frozenset({("school", school), ("group", group)})) in hidden
    shown = readings[resolve(world, ("school", None))].cells
    assert shown[(LIKERT, TOTAL)][0] == 27
    assert shown[(LIKERT, frozenset({("school", alder)}))] is not HIDDEN
