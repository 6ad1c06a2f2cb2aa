"""Reads for coaching. Content (the log) is reached only through ``wall.readable_relationships``;
everything else here is either caseload metadata (for the coach and coaching managers) or
counts (for leaders), and never touches a notes column."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from trellis.coaching import wall
from trellis.coaching.models import Comment, Interaction, InteractionKind, Relationship, Share
from trellis.core.audit import audit_record
from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_of
from trellis.org.models import School, Staff

KIND_LABELS = dict(InteractionKind.choices)


def current_year() -> str:
    return school_year_of(timezone.localdate())


def record_access(user: User, relationship: Relationship, exported: bool = False) -> None:
    """Every read of a coaching record leaves an access event (without its content)."""
    audit_record(
        actor=user,
        action="coaching.record_exported" if exported else "coaching.record_viewed",
        target=relationship,
    )


# --- The log (content: readers only) -------------------------------------------------------


def relationship_readable(*, user: User, district: District, pk: int) -> Relationship:
    """A relationship whose log ``user`` may read, or 404 (never 403: no hint it exists)."""
    relationship = (
        wall.readable_relationships(user=user, district=district)
        .select_related("coach", "teacher", "teacher__school")
        .filter(pk=pk)
        .first()
    )
    if relationship is None:
        raise Http404("No such coaching record.")
    return relationship


def interaction_readable(*, user: User, district: District, pk: int) -> Interaction:
    readable = wall.readable_relationships(user=user, district=district)
    interaction = (
        Interaction.objects.filter(district=district, pk=pk, relationship__in=readable)
        .select_related("relationship__coach", "relationship__teacher")
        .first()
    )
    if interaction is None:
        raise Http404("No such coaching entry.")
    return interaction


def share_of(*, relationship: Relationship, pk: int) -> Share:
    share = relationship.shares.select_related("user").filter(pk=pk).first()
    if share is None:
        raise Http404("No such share.")
    return share


def log_entries(*, relationship: Relationship) -> QuerySet[Interaction]:
    comments = Comment.objects.select_related("author").order_by("created_at", "id")
    return relationship.interactions.prefetch_related(
        Prefetch("comments", queryset=comments)
    ).order_by("-occurred_on", "-id")


def my_records(*, user: User, district: District) -> QuerySet[Relationship]:
    """The coaching records ``user`` may read, newest first, with who is in them."""
    return (
        wall.readable_relationships(user=user, district=district)
        .select_related("coach", "teacher", "teacher__school")
        .annotate(entries=Count("interactions"))
        .order_by("end_date", "-begin_date", "pk")
    )


def log_rows(*, relationship: Relationship) -> list[list[object]]:
    """The log as a table, for the people who may read it."""
    rows: list[list[object]] = []
    for entry in log_entries(relationship=relationship):
        comments = " | ".join(
            f"{c.author.get_username() if c.author else 'former user'}: {c.text}"
            for c in entry.comments.all()
        )
        rows.append(
            [
                entry.occurred_on,
                KIND_LABELS[entry.kind],
                entry.minutes,
                entry.consultant,
                entry.notes,
                entry.next_steps,
                comments,
            ]
        )
    return rows


# --- Counts for leaders ---------------------------------------------------------------------


@dataclass
class Summary:
    school_year: str
    rows: list[tuple[dt.date, str, str, int, int]]  # month, school, kind label, entries, minutes
    by_kind: list[tuple[str, int, int]]
    total_entries: int = 0
    total_minutes: int = 0


def summary(*, district: District, school_year: str, school: School | None = None) -> Summary:
    """Coaching by month, school and kind: counts and minutes only."""
    qs = Interaction.objects.filter(district=district, school_year=school_year)
    if school is not None:
        qs = qs.filter(school=school)
    grouped = (
        qs.annotate(month=TruncMonth("occurred_on"))
        .values("month", "school_id", "kind")
        .annotate(entries=Count("pk"), minutes=Sum("minutes"))
        .order_by("month", "school_id", "kind")
    )
    schools = dict(School.objects.filter(district=district).values_list("pk", "name"))
    rows: list[tuple[dt.date, str, str, int, int]] = []
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in grouped:
        month = g["month"].date() if isinstance(g["month"], dt.datetime) else g["month"]
        name = schools.get(g["school_id"], "District office")
        rows.append((month, name, KIND_LABELS[g["kind"]], g["entries"], g["minutes"] or 0))
        kinds[g["kind"]][0] += g["entries"]
        kinds[g["kind"]][1] += g["minutes"] or 0
    by_kind = [
        (KIND_LABELS[k], kinds[k][0], kinds[k][1]) for k in InteractionKind.values if k in kinds
    ]
    return Summary(
        school_year=school_year,
        rows=rows,
        by_kind=by_kind,
        total_entries=sum(e for _, e, _ in by_kind),
        total_minutes=sum(m for _, _, m in by_kind),
    )


# --- Caseloads (metadata, for the coach and coaching managers) ------------------------------


def grade_band(lowest: int | None, highest: int | None) -> str:
    if lowest is None or highest is None:
        return "District office"
    if highest <= 5:
        return "Elementary"
    if lowest >= 9:
        return "High school"
    if lowest >= 6 and highest <= 8:
        return "Middle school"
    return "Mixed grades"


def caseloads(*, district: District, school_year: str) -> QuerySet[Staff]:
    """Coaches with at least one open relationship, busiest first (``school_year`` is for the
    minutes, which ``coach_minutes`` adds for one page)."""
    return (
        Staff.objects.filter(district=district, coachees__end_date__isnull=True)
        .annotate(teachers=Count("coachees"))
        .select_related("school")
        .order_by("-teachers", "last_name", "first_name", "pk")
    )


def coach_minutes(
    *, district: District, school_year: str, coach_ids: list[int]
) -> dict[int, dict[str, int]]:
    """Minutes by kind for each coach on one page of the caseload list (one query)."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    grouped = (
        Interaction.objects.filter(
            district=district, school_year=school_year, relationship__coach_id__in=coach_ids
        )
        .values("relationship__coach_id", "kind")
        .annotate(minutes=Sum("minutes"))
    )
    for g in grouped:
        found[g["relationship__coach_id"]][g["kind"]] = g["minutes"] or 0
    return found


@dataclass
class CaseloadTeacher:
    relationship_id: int
    teacher: Staff
    focus: str
    begin_date: dt.date
    grade_band: str
    entries: int
    minutes: int


@dataclass
class Caseload:
    coach: Staff
    school_year: str
    teachers: list[CaseloadTeacher]
    minutes_by_kind: list[tuple[str, int]]
    by_school: list[tuple[str, int]]
    by_band: list[tuple[str, int]]
    by_subject: list[tuple[str, int]]


def caseload(*, district: District, coach: Staff, school_year: str) -> Caseload:
    """One coach's open relationships: teachers by school, grade band and content area, and
    the coach's time by kind this school year."""
    relationships = (
        Relationship.objects.filter(district=district, coach=coach, end_date__isnull=True)
        .select_related("teacher__school")
        .annotate(
            entries=Count("interactions", filter=Q(interactions__school_year=school_year)),
            minutes=Sum("interactions__minutes", filter=Q(interactions__school_year=school_year)),
        )
        .order_by("teacher__school__name", "teacher__last_name", "teacher__first_name")
    )
    teachers = []
    schools: dict[str, int] = defaultdict(int)
    bands: dict[str, int] = defaultdict(int)
    subjects: dict[str, int] = defaultdict(int)
    for r in relationships:
        school = r.teacher.school
        band = grade_band(
            school.lowest_grade if school else None, school.highest_grade if school else None
        )
        teachers.append(
            CaseloadTeacher(r.pk, r.teacher, r.focus, r.begin_date, band, r.entries, r.minutes or 0)
        )
        schools[school.name if school else "District office"] += 1
        bands[band] += 1
        subjects[r.teacher.subject_label or "Not recorded"] += 1
    minutes = coach_minutes(district=district, school_year=school_year, coach_ids=[coach.pk])
    by_kind = [(KIND_LABELS[k], m) for k, m in sorted(minutes.get(coach.pk, {}).items())]
    return Caseload(
        coach=coach,
        school_year=school_year,
        teachers=teachers,
        minutes_by_kind=by_kind,
        by_school=sorted(schools.items()),
        by_band=sorted(bands.items()),
        by_subject=sorted(subjects.items()),
    )
