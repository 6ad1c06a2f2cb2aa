"""Reads for roles and positions; every one is scoped to a district (or a led consortium)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core.models import Consortium, District
from trellis.org.models import School, Staff
from trellis.roles.catalog import STANDARD_ROLES
from trellis.roles.models import (
    Assignment,
    JobDescription,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    RoleCategory,
    RoleLevel,
    RoleType,
    VersionStatus,
)

OFFICE = "office"  # the school filter's value for district-office positions
LIVE_STATUSES = (
    PositionStatus.PLANNED,
    PositionStatus.OPEN,
    PositionStatus.FILLED,
    PositionStatus.FROZEN,
)


def _today() -> dt.date:
    return timezone.localdate()


# --- Role catalog ---------------------------------------------------------------------------


def role_type_list(
    *, district: District, q: str = "", category: str = "", retired: bool | None = None
) -> QuerySet[RoleType]:
    qs = RoleType.objects.filter(district=district).annotate(
        job_count=Count("job_descriptions", distinct=True),
        position_count=Count(
            "job_descriptions__versions__positions",
            filter=Q(job_descriptions__versions__positions__status__in=LIVE_STATUSES),
            distinct=True,
        ),
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if category:
        qs = qs.filter(category=category)
    if retired is not None:
        qs = qs.filter(retired_at__isnull=not retired)
    return qs.order_by("category", "name", "id")


def role_type_get(*, district: District, pk: int) -> RoleType:
    return get_object_or_404(RoleType, district=district, pk=pk)


def role_types_active(*, district: District) -> QuerySet[RoleType]:
    return RoleType.objects.filter(district=district, retired_at__isnull=True).order_by("name")


# --- Job descriptions -----------------------------------------------------------------------


def job_description_list(
    *, district: District, q: str = "", role_type: RoleType | None = None
) -> QuerySet[JobDescription]:
    qs = (
        JobDescription.objects.filter(district=district)
        .select_related("role_type")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=JobDescriptionVersion.objects.order_by("-number"),
            )
        )
        .order_by("title", "id")
    )
    if q:
        qs = qs.filter(title__icontains=q)
    if role_type is not None:
        qs = qs.filter(role_type=role_type)
    return qs


def job_description_get(*, district: District, pk: int) -> JobDescription:
    return get_object_or_404(
        JobDescription.objects.select_related("role_type"), district=district, pk=pk
    )


def version_list(*, job_description: JobDescription) -> QuerySet[JobDescriptionVersion]:
    return (
        JobDescriptionVersion.objects.filter(
            district_id=job_description.district_id, job_description=job_description
        )
        .select_related("published_by", "created_by")
        .annotate(position_count=Count("positions"))
        .order_by("-number")
    )


def version_get(*, district: District, job_pk: int, number: int) -> JobDescriptionVersion:
    return get_object_or_404(
        JobDescriptionVersion.objects.select_related("job_description__role_type", "published_by"),
        district=district,
        job_description_id=job_pk,
        number=number,
    )


def published_versions(*, district: District) -> QuerySet[JobDescriptionVersion]:
    return (
        JobDescriptionVersion.objects.filter(district=district, status=VersionStatus.PUBLISHED)
        .select_related("job_description")
        .order_by("job_description__title")
    )


@dataclass(frozen=True)
class CompareRow:
    label: str
    left: Any
    right: Any
    changed: bool
    lines: list[tuple[str, str]] = field(default_factory=list)  # (mark, text): " ", "-", "+"


_COMPARED = (
    ("summary", "Summary"),
    ("responsibilities", "Responsibilities"),
    ("qualifications", "Qualifications"),
    ("level", "Level"),
    ("evaluative", "Evaluates teachers"),
    ("commitment", "Commitment"),
    ("contract_months", "Contract months"),
    ("grade_band", "Grade band"),
    ("content_area", "Content area"),
)
_TEXT = {"summary", "responsibilities", "qualifications"}


def _shown(version: JobDescriptionVersion, name: str) -> Any:
    if name in {"level", "commitment", "content_area"}:
        return getattr(version, f"get_{name}_display")() or "—"
    if name == "evaluative":
        return "Yes" if version.evaluative else "No"
    value = getattr(version, name)
    return "—" if value in (None, "") else value


def version_compare(left: JobDescriptionVersion, right: JobDescriptionVersion) -> list[CompareRow]:
    """Field by field, with a line diff for the text fields, older version on the left."""
    rows = []
    for name, label in _COMPARED:
        a, b = _shown(left, name), _shown(right, name)
        lines: list[tuple[str, str]] = []
        if name in _TEXT and a != b:
            for line in difflib.ndiff(left.lines(name), right.lines(name)):
                if line[:1] in {" ", "-", "+"}:
                    lines.append((line[:1], line[2:]))
        rows.append(CompareRow(label, a, b, a != b, lines))
    traits_a = {k: lbl for k, lbl, _ in left.trait_rows()}
    for key, label in traits_a.items():
        a, b = int(left.traits.get(key, 0)), int(right.traits.get(key, 0))
        names = {0: "—", 1: "Helpful", 2: "Important", 3: "Essential"}
        rows.append(CompareRow(f"Trait: {label}", names[a], names[b], a != b))
    return rows


# --- Positions ------------------------------------------------------------------------------


BOARD_FIELDS = (
    "id", "district_id", "requisition_number", "fte", "status", "school_year", "school_id",
    "version_id", "school__name", "version__job_description_id",
    "version__job_description__title",
)  # fmt: skip


def _current_assignments(day: dt.date, slim: bool = False) -> Prefetch[Any]:
    holders = (
        Assignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .filter(begin_date__lte=day)
        .select_related("staff")
        .order_by("begin_date", "id")
    )
    if slim:
        holders = holders.only(
            "id", "position_id", "staff_id", "fte", "is_tosa", "staff__first_name",
            "staff__last_name",
        )  # fmt: skip
    return Prefetch("assignments", queryset=holders, to_attr="current")


def position_list(
    *,
    district: District,
    q: str = "",
    school_year: str = "",
    status: str = "",
    school: School | str | None = None,
    role_type: RoleType | None = None,
    day: dt.date | None = None,
    slim: bool = False,
    holders: bool = True,
) -> QuerySet[Position]:
    """Positions, with who holds each today in ``current`` unless ``holders`` is false.
    ``slim`` loads only what the board shows."""
    qs = Position.objects.filter(district=district)
    if holders:
        qs = qs.prefetch_related(_current_assignments(day or _today(), slim))
    if slim:
        qs = qs.select_related("school", "version__job_description").only(*BOARD_FIELDS)
    else:
        qs = qs.select_related("school", "version__job_description__role_type")
    if q:
        qs = qs.filter(
            Q(requisition_number__iexact=q) | Q(version__job_description__title__icontains=q)
        )
    if school_year:
        qs = qs.filter(school_year=school_year)
    if status:
        qs = qs.filter(status=status)
    if school == OFFICE:
        qs = qs.filter(school__isnull=True)
    elif isinstance(school, School):
        qs = qs.filter(school=school)
    if role_type is not None:
        qs = qs.filter(version__job_description__role_type=role_type)
    return qs.order_by("requisition_number", "id")


@dataclass(frozen=True)
class BoardSummary:
    counts: dict[str, int]
    total: int
    fte: Decimal
    held_fte: Decimal

    @property
    def vacant_fte(self) -> Decimal:
        return max(self.fte - self.held_fte, Decimal("0"))


def position_board_summary(
    *, district: District, school_year: str = "", day: dt.date | None = None
) -> BoardSummary:
    """Counts by status and the FTE held today, over the live positions, in two queries."""
    day = day or _today()
    positions = Position.objects.filter(district=district)
    if school_year:
        positions = positions.filter(school_year=school_year)
    counts = {s: 0 for s in PositionStatus.values}
    fte = Decimal("0")
    for status, n, total in positions.values_list("status").annotate(Count("id"), Sum("fte")):
        counts[status] = n
        if status in (PositionStatus.OPEN, PositionStatus.FILLED):
            fte += total or 0
    held = (
        Assignment.objects.filter(
            district=district,
            position__in=positions.filter(status__in=(PositionStatus.OPEN, PositionStatus.FILLED)),
            begin_date__lte=day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .aggregate(s=Sum("fte"))["s"]
    )
    return BoardSummary(counts, sum(counts.values()), fte, held or Decimal("0"))


def position_get(*, district: District, pk: int) -> Position:
    return get_object_or_404(
        Position.objects.select_related("school", "version__job_description__role_type"),
        district=district,
        pk=pk,
    )


def position_assignments(*, position: Position) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(district_id=position.district_id, position=position)
        .select_related("staff")
        .order_by("-begin_date", "-id")
    )


def assignment_list(
    *,
    district: District,
    staff: Staff | None = None,
    position: Position | None = None,
    current: bool | None = None,
    day: dt.date | None = None,
) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(district=district).select_related(
        "staff", "position__school", "position__version__job_description"
    )
    if staff is not None:
        qs = qs.filter(staff=staff)
    if position is not None:
        qs = qs.filter(position=position)
    if current is not None:
        day = day or _today()
        live = Q(begin_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
        qs = qs.filter(live) if current else qs.exclude(live)
    return qs.order_by("-begin_date", "-id")


def assignment_get(*, district: District, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("staff", "position__version__job_description"),
        district=district,
        pk=pk,
    )


def staff_for_assignment(*, district: District) -> QuerySet[Staff]:
    return Staff.objects.filter(district=district, is_active=True).order_by(
        "last_name", "first_name", "id"
    )


# --- Org chart and the roles-by-level figure ------------------------------------------------


@dataclass
class ChartSeat:
    position: Position
    holders: list[Assignment]


@dataclass
class ChartUnit:
    name: str
    school: School | None
    seats: list[ChartSeat]


def org_chart(*, district: District, day: dt.date | None = None) -> list[ChartUnit]:
    """The live personalized-learning positions, district office first, then each school."""
    positions = position_list(district=district, day=day).filter(status__in=LIVE_STATUSES)
    by_school: dict[int | None, list[ChartSeat]] = defaultdict(list)
    for p in positions.order_by("version__job_description__title", "requisition_number"):
        by_school[p.school_id].append(ChartSeat(p, p.current))  # type: ignore[attr-defined]
    units = [ChartUnit("District office", None, by_school.get(None, []))]
    for school in School.objects.filter(district=district).order_by("name"):
        units.append(ChartUnit(school.name, school, by_school.get(school.pk, [])))
    return units


LEVELS = tuple(RoleLevel)


@dataclass
class FigureRow:
    label: str
    counts: list[int]  # one per level, in LEVELS order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class FigureGroup:
    category: str
    label: str
    rows: list[FigureRow]


@dataclass
class RolesFigure:
    title: str
    unit: str  # what a count counts: "positions" or "districts"
    groups: list[FigureGroup]

    @property
    def max_count(self) -> int:
        return max((c for g in self.groups for r in g.rows for c in r.counts), default=0)

    @property
    def level_labels(self) -> list[str]:
        return [lvl.label for lvl in LEVELS]


def roles_by_level(*, district: District) -> RolesFigure:
    """Live positions of each role type at each level (classroom, school, district)."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(LEVELS))
    rows = (
        Position.objects.filter(district=district, status__in=LIVE_STATUSES)
        .values_list("version__job_description__role_type", "version__level")
        .annotate(n=Count("id"))
    )
    index = {lvl.value: i for i, lvl in enumerate(LEVELS)}
    for role_type_id, level, n in rows:
        counts[role_type_id][index[level]] += n
    groups = []
    types = RoleType.objects.filter(district=district).order_by("name")
    for category in RoleCategory:
        group_rows = [
            FigureRow(t.name, counts[t.pk])
            for t in types
            if t.category == category and (t.pk in counts or not t.is_retired)
        ]
        groups.append(FigureGroup(category.value, category.label, group_rows))
    return RolesFigure(f"Personalized-learning roles in {district.name}", "positions", groups)


OWN_ROLES = "District's own roles"


def consortium_roles_by_level(*, consortium: Consortium) -> RolesFigure:
    """How many member districts have at least one live position of each role type at each
    level, as in the study's figure where each mark is a site. The districts' own types are
    pooled per category."""
    index = {lvl.value: i for i, lvl in enumerate(LEVELS)}
    rows = (
        Position.objects.filter(district__consortium=consortium, status__in=LIVE_STATUSES)
        .values_list(
            "district_id",
            "version__job_description__role_type__standard_key",
            "version__job_description__role_type__category",
            "version__level",
        )
        .distinct()
    )
    sites: dict[tuple[str, str], list[set[int]]] = defaultdict(lambda: [set() for _ in LEVELS])
    for district_id, key, category, level in rows:
        sites[(category, key or OWN_ROLES)][index[level]].add(district_id)
    groups = []
    for category in RoleCategory:
        group_rows = [
            FigureRow(
                role.name, [len(s) for s in sites.get((category.value, role.key), [set()] * 3)]
            )
            for role in STANDARD_ROLES
            if role.category == category
        ]
        own = sites.get((category.value, OWN_ROLES))
        if own:
            group_rows.append(FigureRow(OWN_ROLES, [len(s) for s in own]))
        groups.append(FigureGroup(category.value, category.label, group_rows))
    return RolesFigure(f"Personalized-learning roles across {consortium.name}", "districts", groups)
