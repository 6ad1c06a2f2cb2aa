"""Survey results, read only through ``surveys.suppression``: for each question, the share
agreeing and the spread of answers for the whole population or one slice of it, broken down by
respondent group, school or cohort; open comments for the whole population only. Pages, the API
and exports all read these objects, so the same cells are hidden everywhere, for everyone,
administrators included. Nothing is shown while a survey is open.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count

from trellis.org.models import School
from trellis.rollout.models import Cohort
from trellis.surveys.models import (
    Administration,
    Answer,
    Item,
    ItemKind,
    RespondentGroup,
    Response,
    Status,
)
from trellis.surveys.suppression import (
    TOTAL,
    Key,
    Suppressed,
    cells_of_counted,
    suppress,
    total_hidden,
)

DIMENSIONS = ("group", "school", "cohort")
DIMENSION_LABELS = {"group": "Respondent group", "school": "School", "cohort": "Cohort"}
NONE_LABELS = {"group": "No group", "school": "No school (district office)", "cohort": "No cohort"}
GROUP_LABELS = dict(RespondentGroup.choices)
LIKERT_LABELS = {
    4: ("Strongly disagree", "Disagree", "Agree", "Strongly agree"),
    5: ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"),
}


class NotReady(ValidationError):
    """Results are read once a survey has closed."""


@dataclass
class Cell:
    label: str
    n: int | None  # None: hidden, too few people
    agree: float | None = None  # the share agreeing (agree or strongly agree), Likert items
    counts: list[int] | None = None  # answers per scale point or choice

    @property
    def hidden(self) -> bool:
        return self.n is None


@dataclass
class ItemResult:
    item: Item
    total: Cell
    rows: list[Cell] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    scale: tuple[str, ...] = ()  # the labels of ``counts``

    @property
    def hidden_rows(self) -> int:
        return sum(1 for r in self.rows if r.hidden)


@dataclass
class Results:
    administration: Administration
    breakdown: str | None
    slice: tuple[str, str] | None
    slice_label: str
    respondents: int | None
    items: list[ItemResult]


def _labels(administration: Administration) -> dict[str, dict[str, str]]:
    district = administration.district_id
    schools = {str(pk): n for pk, n in School.objects.filter(district_id=district)
               .values_list("pk", "name")}  # fmt: skip
    cohorts = {str(pk): n for pk, n in Cohort.objects.filter(district_id=district)
               .values_list("pk", "name")}  # fmt: skip
    return {"group": {k: str(v) for k, v in GROUP_LABELS.items()}, "school": schools,
            "cohort": cohorts}  # fmt: skip


def label_of(labels: Mapping[str, Mapping[str, str]], dimension: str, value: str) -> str:
    if value == "":
        return NONE_LABELS[dimension]
    return labels[dimension].get(value, value)


def _agree_from(points: int) -> int:
    """The first agreeing point: 3 of 4, or 4 of 5 (3 is the middle)."""
    return 3 if points == 4 else 4


def _stats(item: Item, answers: Sequence[Mapping[str, Any]]) -> tuple[float | None, list[int]]:
    """The share agreeing and the answers per scale point or choice, from counted answers."""
    if item.kind == ItemKind.LIKERT:
        counts = [0] * item.points
        for a in answers:
            if a["value"] is not None and 1 <= a["value"] <= item.points:
                counts[a["value"] - 1] += a["n"]
        total = sum(counts)
        agree = sum(counts[_agree_from(item.points) - 1 :]) / total if total else None
        return agree, counts
    counts = [0] * len(item.options)
    for a in answers:
        picked = (a["choices"] or []) if item.kind == ItemKind.MULTIPLE else [a["value"]]
        for choice in picked:
            if choice is not None and 0 <= choice < len(counts):
                counts[choice] += a["n"]
    return None, counts


def _records(administration: Administration) -> dict[int, list[dict[str, Any]]]:
    """Each item's answers counted by the three things a response keeps (group, school,
    cohort) and the answer given: one row per combination, read grouped by the database."""
    by_item: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Answer.objects.filter(
            district_id=administration.district_id, response__administration=administration
        )
        .values_list(
            "item_id",
            "value",
            "choices",
            "response__group",
            "response__school_id",
            "response__cohort_id",
        )
        .annotate(n=Count("pk"))
        .order_by()  # the model's ordering would split the groups
    )
    for item_id, value, choices, group, school, cohort, n in rows:
        by_item[item_id].append({
            "value": value, "choices": choices or [], "group": group,
            "school": None if school is None else str(school),
            "cohort": None if cohort is None else str(cohort), "n": n,
        })  # fmt: skip
    return by_item


def _require_closed(administration: Administration) -> None:
    if administration.status != Status.CLOSED:
        raise NotReady("Results appear once the survey closes, so nobody watches answers come in.")


def _value(record: Mapping[str, Any], dimension: str) -> str:
    return "" if record.get(dimension) is None else str(record[dimension])


def _in(record: Mapping[str, Any], key: Key) -> bool:
    return all(_value(record, d) == v for d, v in key)


def results(
    *,
    administration: Administration,
    breakdown: str | None = None,
    slice_by: tuple[str, str] | None = None,
) -> Results:
    """Every question's results for one slice (None: everyone), broken down by ``breakdown``.
    Raises ``NotReady`` while the survey is open."""
    _require_closed(administration)
    if breakdown is not None and breakdown not in DIMENSIONS:
        raise ValidationError({"breakdown": "Break down by group, school or cohort."})
    if slice_by is not None and (slice_by[0] not in DIMENSIONS or slice_by[0] == breakdown):
        raise ValidationError({"slice": "Choose a slice of another kind than the breakdown."})
    labels = _labels(administration)
    base: Key = frozenset([slice_by]) if slice_by else TOTAL
    records = _records(administration)
    items = list(administration.instrument.items.filter(retired_at__isnull=True)
                 .order_by("section__order", "order", "pk"))  # fmt: skip
    out = [_item_result(item, records.get(item.pk, []), administration, base, breakdown, labels)
           for item in items]  # fmt: skip
    people = (
        Response.objects.filter(administration=administration)
        .values_list("group", "school_id", "cohort_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    everyone = suppress(
        cells_of_counted(
            (({"group": g, "school": None if s is None else str(s),
               "cohort": None if c is None else str(c)}, n) for g, s, c, n in people),
            DIMENSIONS,
        ),
        DIMENSIONS, administration.min_group,
    )  # fmt: skip
    slice_label = label_of(labels, *slice_by) if slice_by else "Everyone"
    return Results(administration, breakdown, slice_by, slice_label, everyone.n(base), out)


def _item_result(item: Item, answers: list[dict[str, Any]], administration: Administration,
                 base: Key, breakdown: str | None,
                 labels: Mapping[str, Mapping[str, str]]) -> ItemResult:  # fmt: skip
    minimum = administration.min_text if item.kind == ItemKind.TEXT else administration.min_group
    people: Counter[tuple[str, str, str]] = Counter()
    for a in answers:  # one row per answer given: the cells need only who, by group, school, cohort
        people[(_value(a, "group"), _value(a, "school"), _value(a, "cohort"))] += a["n"]
    finest = ((dict(zip(DIMENSIONS, key, strict=True)), n) for key, n in people.items())
    shown = suppress(cells_of_counted(finest, DIMENSIONS), DIMENSIONS, minimum)
    scale = (LIKERT_LABELS[item.points] if item.kind == ItemKind.LIKERT
             else tuple(item.options))  # fmt: skip
    in_base = [a for a in answers if _in(a, base)]
    result = ItemResult(item, _cell(item, in_base, shown, base, "All"), scale=scale)
    if item.kind == ItemKind.TEXT:
        # Comments for everyone only. A comment is one person's own words, so two slices' lists
        # crossed (one school's and the building leaders') would give the comments of whoever
        # is in both, however many wrote in each.
        if not result.total.hidden and base == TOTAL:
            # Sorted, never in the order given: the order could hint at who wrote what.
            result.comments = list(
                Answer.objects.filter(district_id=administration.district_id, item=item,
                                      response__administration=administration)
                .exclude(text="").order_by("text").values_list("text", flat=True)
            )  # fmt: skip
        return result
    if breakdown is not None:
        parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for a in in_base:
            parts[_value(a, breakdown)].append(a)
        values = sorted(parts, key=lambda v: label_of(labels, breakdown, v))
        result.rows = [
            _cell(item, parts[v], shown, base | {(breakdown, v)}, label_of(labels, breakdown, v))
            for v in values
        ]
    return result


def _cell(item: Item, answers: Sequence[Mapping[str, Any]], shown: Suppressed, key: Key,
          label: str) -> Cell:  # fmt: skip
    """The cell ``key``, from the counted answers that fall in it."""
    n = shown.n(key)
    if n is None:
        return Cell(label, None)
    if item.kind == ItemKind.TEXT:
        return Cell(label, n)
    agree, counts = _stats(item, answers)
    return Cell(label, n, agree, counts)


def headline(*, administration: Administration) -> tuple[int | None, list[tuple[Item, Cell]]]:
    """The whole round only: how many answered and each agreement question's total cell, as
    ``results`` gives them, from two grouped reads. Whether suppression hides a total follows
    from the total and its one-value cells (``total_hidden``; ``test_suppression`` holds it to
    ``suppress``), so no lattice is needed here."""
    _require_closed(administration)
    minimum = administration.min_group
    asked = administration.instrument.items.filter(retired_at__isnull=True, kind=ItemKind.LIKERT)
    items = list(asked.order_by("section__order", "order", "pk"))
    counted: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (Answer.objects.filter(district_id=administration.district_id,
                                  response__administration=administration, item__in=items)
            .values_list("item_id", "value", "response__group", "response__school_id",
                         "response__cohort_id")
            .annotate(n=Count("pk")).order_by())  # fmt: skip
    for item_id, value, group, school, cohort, n in rows:
        counted[item_id].append({"value": value, "choices": None, "group": group,
                                 "school": school, "cohort": cohort, "n": n})  # fmt: skip
    cells = []
    for item in items:
        answers = counted.get(item.pk, [])
        if _total_hidden(answers, minimum):
            cells.append((item, Cell("All", None)))
            continue
        agree, counts = _stats(item, answers)
        cells.append((item, Cell("All", sum(a["n"] for a in answers), agree, counts)))
    people = [
        {"group": g, "school": s, "cohort": c, "n": n}
        for g, s, c, n in Response.objects.filter(administration=administration)
        .values_list("group", "school_id", "cohort_id")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    total = sum(p["n"] for p in people)
    return (None if _total_hidden(people, minimum) else total), cells


def _total_hidden(counted: Iterable[Mapping[str, Any]], minimum: int) -> bool:
    """``total_hidden`` for rows counted by group, school and cohort (and maybe more)."""
    return total_hidden(
        cells_of_counted(
            (({d: None if r[d] is None else str(r[d]) for d in DIMENSIONS}, r["n"])
             for r in counted),
            DIMENSIONS,
        ),
        DIMENSIONS, minimum,
    )  # fmt: skip


# --- Trends and participation ---------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    administration: Administration
    n: int | None
    agree: float | None


def trend(*, administration: Administration, item: Item) -> list[TrendPoint]:
    """The share agreeing with the same question (same key) in each closed round of the
    district's surveys, oldest first; a round with too few answers shows none."""
    if not item.key or item.kind != ItemKind.LIKERT:
        return []
    rounds = Administration.objects.filter(
        district_id=administration.district_id, status=Status.CLOSED,
        instrument__items__key=item.key,
    ).distinct().order_by("opens_on", "pk")  # fmt: skip
    points = []
    for round_ in rounds:
        counted = [
            {"value": v, "points": p, "group": g, "school": s, "cohort": c, "n": n}
            for v, p, g, s, c, n in Answer.objects.filter(
                district_id=administration.district_id, response__administration=round_,
                item__key=item.key, value__isnull=False,
            ).values_list("value", "item__points", "response__group", "response__school_id",
                          "response__cohort_id").annotate(n=Count("pk")).order_by()
        ]  # fmt: skip
        if _total_hidden(counted, round_.min_group):
            points.append(TrendPoint(round_, None, None))
            continue
        n = sum(a["n"] for a in counted)
        agree = sum(a["n"] for a in counted if a["value"] >= _agree_from(a["points"])) / n
        points.append(TrendPoint(round_, n, agree))
    return points


@dataclass(frozen=True)
class Participation:
    invited: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def participation(*, administration: Administration) -> Participation:
    """How many were asked and how many have answered: never who."""
    invited = administration.invitations.count()
    answered = administration.invitations.filter(responded=True).count()
    return Participation(invited, answered)
