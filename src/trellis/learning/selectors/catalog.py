"""Reads for the activity catalog, sessions, attendance and certifications; each takes the
district (or an object that already belongs to one) and scopes by it.

Certification progress is computed for a list of candidacies at once, in a fixed number of
queries whatever its length: attended hours summed per person and day, first attendance per
person and activity, and the walkthroughs recorded. The same computation gives the page its
progress bars and ``candidacy_refresh`` the date each requirement was met.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.core.paginator import Page
from django.db.models import Count, F, Min, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core.models import District
from trellis.learning.models import (
    Activity,
    Audience,
    Candidacy,
    CertificationProgram,
    Enrolment,
    EnrolmentStatus,
    Requirement,
    RequirementEvidence,
    RequirementKind,
    Session,
    TrainingElement,
)
from trellis.org.models import School, Staff, StaffClassification
from trellis.roles.models import Assignment

ONGOING = "ongoing"  # the element filter's value for activities outside initial training
ELEMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    *((e.value, e.label) for e in TrainingElement),
    ("", "Ongoing learning"),
)
# Ids per query when a whole program is refreshed; both databases accept far more parameters.
ID_CHUNK = 5_000
ZERO = Decimal("0")
NEW_TO_ROLE = dt.timedelta(days=365)  # under a year in a role counts as new to it
T = TypeVar("T", bound=Model)


def today() -> dt.date:
    return timezone.localdate()


# --- Activities -----------------------------------------------------------------------------


def activity_list(
    *,
    district: District,
    q: str = "",
    source: str = "",
    element: str = "",
    level: str = "",
    offered: bool | None = None,
) -> QuerySet[Activity]:
    qs = Activity.objects.filter(district=district).annotate(
        upcoming=Count("sessions", filter=Q(sessions__starts_on__gte=today()))
    )
    for word in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(provider__icontains=word))
    if source:
        qs = qs.filter(source=source)
    if element:
        qs = qs.filter(element="" if element == ONGOING else element)
    if level:
        qs = qs.filter(level=level)
    if offered is not None:
        qs = qs.filter(is_active=offered)
    return qs.order_by("title", "id")


def activity_get(*, district: District, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.prefetch_related("audience"), district=district, pk=pk
    )


@dataclass(frozen=True)
class ElementCoverage:
    element: str
    label: str
    count: int


def element_coverage(*, district: District) -> list[ElementCoverage]:
    """How many offered activities serve each of the three elements of initial training."""
    counts = dict(
        Activity.objects.filter(district=district, is_active=True)
        .exclude(element="")
        .values("element")
        .annotate(n=Count("id"))
        .values_list("element", "n")
    )
    return [ElementCoverage(e.value, e.label, counts.get(e.value, 0)) for e in TrainingElement]


# --- Sessions and rosters -------------------------------------------------------------------


def _with_seats(qs: QuerySet[Session]) -> QuerySet[Session]:
    """``enrolled``, ``waitlisted``, ``seat_limit`` (empty: no limit) and ``seats_left``."""
    return qs.annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waitlisted=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        seat_limit=Coalesce("capacity", "activity__capacity"),
    ).annotate(seats_left=F("seat_limit") - F("enrolled"))


def session_list(
    *, district: District, activity: Activity | None = None, upcoming: bool | None = None,
    latest_first: bool = False,
) -> QuerySet[Session]:  # fmt: skip
    """Sessions with their seats; upcoming ones soonest first, past ones latest first."""
    qs = _with_seats(Session.objects.filter(district=district).select_related("activity"))
    if activity is not None:
        qs = qs.filter(activity=activity)
    if upcoming is not None:
        qs = qs.filter(starts_on__gte=today()) if upcoming else qs.filter(starts_on__lt=today())
    if latest_first or upcoming is False:
        return qs.order_by("-starts_on", "-id")
    return qs.order_by("starts_on", "start_time", "id")


def session_get(*, district: District, pk: int) -> Session:
    return get_object_or_404(
        _with_seats(Session.objects.select_related("activity")), district=district, pk=pk
    )


def seat_limit(session: Session) -> int | None:
    return session.capacity or session.activity.capacity


@dataclass
class Roster:
    seats: list[Enrolment] = field(default_factory=list)  # enrolled, by name
    waitlist: list[Enrolment] = field(default_factory=list)  # first come, first served
    cancelled: list[Enrolment] = field(default_factory=list)


def waitlist_order(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    # A waitlisted row changes only when it joins the waitlist, so ``updated_at`` is when the
    # person joined it (a cancelled person who comes back queues again from the end).
    return qs.filter(status=EnrolmentStatus.WAITLISTED).order_by("updated_at", "id")


def session_roster(*, session: Session) -> Roster:
    rows = (
        Enrolment.objects.filter(district_id=session.district_id, session=session)
        .select_related("staff__school")
        .order_by("staff__last_name", "staff__first_name", "id")
    )
    roster = Roster()
    for row in rows:
        if row.status == EnrolmentStatus.ENROLLED:
            roster.seats.append(row)
        elif row.status == EnrolmentStatus.WAITLISTED:
            roster.waitlist.append(row)
        else:
            roster.cancelled.append(row)
    roster.waitlist.sort(key=lambda e: (e.updated_at, e.pk))
    return roster


def enrolment_get(*, district: District, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("session__activity", "staff"), district=district, pk=pk
    )


def enrolments_of(*, staff: Staff, sessions: Iterable[Session]) -> dict[int, Enrolment]:
    """This person's enrolment in each of ``sessions`` (a page of them), by session id."""
    ids = [s.pk for s in sessions]
    rows = Enrolment.objects.filter(district_id=staff.district_id, staff=staff, session_id__in=ids)
    return {e.session_id: e for e in rows}


def staff_enrolments(*, staff: Staff, upcoming: bool) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(district_id=staff.district_id, staff=staff).select_related(
        "session__activity"
    )
    if upcoming:
        return qs.filter(session__starts_on__gte=today()).order_by("session__starts_on", "id")
    return qs.filter(session__starts_on__lt=today()).order_by("-session__starts_on", "-id")


def fit_warnings(activity: Activity, people: Sequence[Staff], today: dt.date) -> list[str]:
    """Audience and level mismatches: worth saying, never a reason to refuse a seat."""
    audience = {role.pk: role.name for role in activity.audience.all()}
    if not audience and activity.level == Audience.EVERYONE:
        return []
    held: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    rows = Assignment.objects.filter(
        district_id=activity.district_id, staff__in=[p.pk for p in people]
    ).values_list(
        "staff_id", "position__version__job_description__role_type_id", "begin_date", "end_date"
    )
    for staff_id, role_id, begins, ends in rows:
        held.setdefault(staff_id, []).append((role_id, begins, ends))
    warnings = []
    for person in people:
        mine = held.get(person.pk, [])
        current = {r for r, b, e in mine if b <= today and (e is None or e >= today)}
        if audience and not current & set(audience):
            names = ", ".join(sorted(audience.values()))
            warnings.append(
                f"{person.full_name} does not hold a role this activity is meant for ({names})."
            )
        starts = [b for r, b, _ in mine if not audience or r in audience]
        experienced = any(b <= today - NEW_TO_ROLE for b in starts)
        if activity.level == Audience.NEW and experienced:
            warnings.append(
                f"{person.full_name} has been in the role since {min(starts):%Y}; this activity "
                "is meant for people new to it."
            )
        elif activity.level == Audience.EXPERIENCED and not experienced:
            warnings.append(
                f"{person.full_name} is new to the role; this activity is meant for people "
                "experienced in it."
            )
    return warnings


# --- Hours per person per school year -------------------------------------------------------

HOURS_WHO = (
    ("", "Current staff"),
    ("with", "Anyone with hours this year"),
    ("without", "Current staff without hours"),
)


def hours_people(
    *,
    district: District,
    school_year: str,
    q: str = "",
    school: School | None = None,
    who: str = "",
) -> QuerySet[Staff]:
    """The people of the hours report, by name; their hours come from ``hours_for``."""
    qs = Staff.objects.filter(district=district).select_related("school")
    attended = Enrolment.objects.filter(
        district=district, school_year=school_year, attended=True
    ).values("staff_id")
    if who == "with":
        qs = qs.filter(pk__in=attended)
    elif who == "without":
        qs = qs.filter(is_active=True).exclude(pk__in=attended)
    else:
        qs = qs.filter(is_active=True)
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(staff_unique_id__iexact=word)
        )
    if school is not None:
        qs = qs.filter(school=school)
    return qs.order_by("last_name", "first_name", "id")


@dataclass
class PersonHours:
    staff: Staff
    school_year: str
    by_element: dict[str, Decimal] = field(default_factory=dict)
    sessions: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.by_element.values(), ZERO)

    @property
    def columns(self) -> list[tuple[str, Decimal]]:
        """Hours under each element of initial training, then ongoing learning."""
        return [(label, self.by_element.get(key, ZERO)) for key, label in ELEMENT_COLUMNS]


def hours_for(
    *, district: District, people: Sequence[Staff], school_year: str
) -> list[PersonHours]:
    """Attended hours of each person in one school year, by element, in one query."""
    found: dict[int, PersonHours] = {
        s.pk: PersonHours(staff=s, school_year=school_year) for s in people
    }
    rows = (
        Enrolment.objects.filter(
            district=district, school_year=school_year, attended=True, staff_id__in=list(found)
        )
        .values("staff_id", "session__activity__element")
        .annotate(hours=Sum("hours"), n=Count("id"))
        .order_by()
    )
    for row in rows:
        person = found[row["staff_id"]]
        person.by_element[row["session__activity__element"]] = row["hours"] or ZERO
        person.sessions += row["n"]
    return [found[s.pk] for s in people]


def hours_page(*, district: District, page: Page[Staff], school_year: str) -> list[PersonHours]:
    return hours_for(district=district, people=list(page.object_list), school_year=school_year)


EXPORT_CHUNK = 2_000


def _batches(qs: QuerySet[T]) -> Iterator[list[T]]:
    """An export's rows a chunk at a time, so each chunk's figures take one query."""
    chunk: list[T] = []
    for row in qs.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def hours_rows(
    *, district: District, people: QuerySet[Staff], school_year: str
) -> Iterator[PersonHours]:
    """Every person of an export with their hours."""
    for chunk in _batches(people):
        yield from hours_for(district=district, people=chunk, school_year=school_year)


# --- Certification programs -----------------------------------------------------------------


def program_list(*, district: District) -> QuerySet[CertificationProgram]:
    return (
        CertificationProgram.objects.filter(district=district)
        .annotate(
            candidates=Count("candidacies"),
            certified=Count("candidacies", filter=Q(candidacies__certified_on__isnull=False)),
        )
        .order_by("name", "id")
    )


def program_get(*, district: District, pk: int) -> CertificationProgram:
    return get_object_or_404(CertificationProgram, district=district, pk=pk)


def requirement_list(*, program: CertificationProgram) -> list[Requirement]:
    return list(
        Requirement.objects.filter(program=program)
        .select_related("activity")
        .order_by("order", "id")
    )


def requirement_get(*, district: District, pk: int) -> Requirement:
    return get_object_or_404(
        Requirement.objects.select_related("program", "activity"), program__district=district, pk=pk
    )


CANDIDATE_STATUSES = (("certified", "Certified"), ("in_progress", "In progress"))


def candidacy_list(
    *,
    program: CertificationProgram,
    q: str = "",
    school: School | None = None,
    cohort: str = "",
    status: str = "",
) -> QuerySet[Candidacy]:
    qs = Candidacy.objects.filter(district_id=program.district_id, program=program).select_related(
        "staff__school"
    )
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(staff__first_name__icontains=word)
            | Q(staff__last_name__icontains=word)
            | Q(staff__staff_unique_id__iexact=word)
        )
    if school is not None:
        qs = qs.filter(staff__school=school)
    if cohort:
        qs = qs.filter(cohort=cohort)
    if status:
        qs = qs.filter(certified_on__isnull=status != "certified")
    return qs.order_by("staff__last_name", "staff__first_name", "id")


def candidacy_get(*, district: District, pk: int) -> Candidacy:
    return get_object_or_404(
        Candidacy.objects.select_related("program", "staff__school"), district=district, pk=pk
    )


def cohorts_of(*, program: CertificationProgram) -> list[str]:
    return list(
        Candidacy.objects.filter(district_id=program.district_id, program=program)
        .exclude(cohort="")
        .values_list("cohort", flat=True)
        .distinct()
        .order_by("cohort")
    )


def staff_candidacies(*, staff: Staff) -> list[Candidacy]:
    return list(
        Candidacy.objects.filter(district_id=staff.district_id, staff=staff)
        .select_related("program", "staff")
        .order_by("program__name", "id")
    )


def evidence_list(*, candidacy: Candidacy) -> QuerySet[RequirementEvidence]:
    return RequirementEvidence.objects.filter(candidacy=candidacy).select_related(
        "requirement", "recorded_by"
    )


def evidence_get(*, district: District, pk: int) -> RequirementEvidence:
    return get_object_or_404(
        RequirementEvidence.objects.select_related("candidacy", "requirement"),
        candidacy__district=district,
        pk=pk,
    )


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    certified: int
    in_progress: int

    @property
    def total(self) -> int:
        return self.certified + self.in_progress


@dataclass(frozen=True)
class Breakdown:
    by_school: list[BreakdownRow]
    by_cohort: list[BreakdownRow]


def program_breakdown(*, program: CertificationProgram) -> Breakdown:
    """Certified and in-progress candidates by school and by cohort, counted in SQL."""
    base = Candidacy.objects.filter(district_id=program.district_id, program=program)
    counts = {
        "certified": Count("id", filter=Q(certified_on__isnull=False)),
        "in_progress": Count("id", filter=Q(certified_on__isnull=True)),
    }

    def rows(key: str, empty: str) -> list[BreakdownRow]:
        grouped = base.values(key).annotate(**counts).order_by(F(key).asc(nulls_last=True))
        return [BreakdownRow(r[key] or empty, r["certified"], r["in_progress"]) for r in grouped]

    return Breakdown(
        by_school=rows("staff__school__name", "District office"),
        by_cohort=rows("cohort", "No cohort"),
    )


def certified_by_school(*, district: District, on: dt.date) -> dict[int | None, int]:
    """How many current teachers hold any certification by ``on``, per school (each person
    once, whatever they hold); the rollout's progress reads this."""
    grouped = (
        Staff.objects.filter(
            district=district,
            is_active=True,
            classification=StaffClassification.TEACHER,
            candidacies__certified_on__isnull=False,
            candidacies__certified_on__lte=on,
        )
        .values("school_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    return {row["school_id"]: row["n"] for row in grouped}


def has_certifications(*, district: District) -> bool:
    return CertificationProgram.objects.filter(district=district).exists()


# --- Progress toward a certification --------------------------------------------------------


@dataclass
class RequirementProgress:
    requirement: Requirement
    done: Decimal
    needed: Decimal
    met_on: dt.date | None

    @property
    def met(self) -> bool:
        return self.met_on is not None

    @property
    def percent(self) -> int:
        if self.needed <= 0:
            return 100
        return min(100, int(self.done * 100 / self.needed))

    @property
    def label(self) -> str:
        return str(self.requirement)

    @property
    def status(self) -> str:
        """What a person reads: "Done", "12 of 30 hours", "1 of 3 walkthroughs"."""
        if self.met:
            return f"Met on {self.met_on:%Y-%m-%d}"
        kind = self.requirement.kind
        if kind == RequirementKind.ACTIVITY:
            return "Not attended yet"
        unit = "hours" if kind == RequirementKind.HOURS else "walkthroughs"
        return f"{self.done.normalize():f} of {self.needed.normalize():f} {unit}"


@dataclass
class Progress:
    candidacy: Candidacy
    requirements: list[RequirementProgress]

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.requirements if r.met)

    @property
    def completed_on(self) -> dt.date | None:
        """The day the last requirement was met, once all are (a program needs at least one)."""
        if not self.requirements or not all(r.met for r in self.requirements):
            return None
        return max(r.met_on for r in self.requirements if r.met_on is not None)

    @property
    def percent(self) -> int:
        if not self.requirements:
            return 0
        return sum(r.percent for r in self.requirements) // len(self.requirements)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield list(ids[start : start + ID_CHUNK])


@dataclass
class _Facts:
    """What progress is computed from, for a set of people and candidacies."""

    days: dict[int, list[tuple[dt.date, Decimal]]] = field(default_factory=dict)
    first_attended: dict[tuple[int, int], dt.date] = field(default_factory=dict)
    evidence: dict[tuple[int, int], list[dt.date]] = field(default_factory=dict)


def _facts(
    district_id: int,
    candidacies: Sequence[Candidacy],
    requirements: Iterable[Requirement],
) -> _Facts:
    kinds: defaultdict[str, set[int | None]] = defaultdict(set)
    for r in requirements:
        kinds[r.kind].add(r.activity_id)
    staff_ids = sorted({c.staff_id for c in candidacies})
    facts = _Facts(days=defaultdict(list), evidence=defaultdict(list))
    attended = Enrolment.objects.filter(district_id=district_id, attended=True)
    for ids in _chunks(staff_ids):
        if RequirementKind.HOURS in kinds:
            per_day = (
                attended.filter(staff_id__in=ids)
                .values("staff_id", "session__starts_on")
                .annotate(hours=Sum("hours"))
                .order_by("staff_id", "session__starts_on")
            )
            for row in per_day:
                facts.days[row["staff_id"]].append(
                    (row["session__starts_on"], row["hours"] or ZERO)
                )
        if RequirementKind.ACTIVITY in kinds:
            first = (
                attended.filter(
                    staff_id__in=ids, session__activity_id__in=kinds[RequirementKind.ACTIVITY]
                )
                .values("staff_id", "session__activity_id")
                .annotate(first=Min("session__starts_on"))
                .order_by()
            )
            for row in first:
                facts.first_attended[(row["staff_id"], row["session__activity_id"])] = row["first"]
    if RequirementKind.WALKTHROUGHS in kinds:
        for ids in _chunks(sorted(c.pk for c in candidacies)):
            rows = (
                RequirementEvidence.objects.filter(candidacy_id__in=ids)
                .order_by("completed_on", "id")
                .values_list("candidacy_id", "requirement_id", "completed_on")
            )
            for candidacy_id, requirement_id, completed_on in rows:
                facts.evidence[(candidacy_id, requirement_id)].append(completed_on)
    return facts


def _requirement_progress(
    candidacy: Candidacy, requirement: Requirement, facts: _Facts
) -> RequirementProgress:
    needed = requirement.amount
    if requirement.kind == RequirementKind.ACTIVITY:
        assert requirement.activity_id is not None
        first = facts.first_attended.get((candidacy.staff_id, requirement.activity_id))
        return RequirementProgress(requirement, Decimal(first is not None), Decimal(1), first)
    if requirement.kind == RequirementKind.HOURS:
        done, met_on = ZERO, None
        for day, hours in facts.days.get(candidacy.staff_id, ()):
            if day < candidacy.started_on:
                continue
            done += hours
            if met_on is None and done >= needed:
                met_on = day
        return RequirementProgress(requirement, done, needed, met_on)
    dates = facts.evidence.get((candidacy.pk, requirement.pk), [])
    count = math.ceil(needed)
    met = dates[count - 1] if len(dates) >= count else None
    return RequirementProgress(requirement, Decimal(len(dates)), Decimal(count), met)


def candidacy_progress(
    *,
    candidacies: Sequence[Candidacy],
    requirements: Mapping[int, Sequence[Requirement]] | None = None,
) -> dict[int, Progress]:
    """Progress of each candidacy on each requirement of its program, by candidacy id.

    ``requirements`` (by program id) may be passed when the page already has them. Hours count
    from the day the candidacy started; an activity counts whenever it was attended.
    """
    if not candidacies:
        return {}
    if requirements is None:
        by_program: dict[int, list[Requirement]] = defaultdict(list)
        for r in Requirement.objects.filter(
            program_id__in={c.program_id for c in candidacies}
        ).order_by("order", "id"):
            by_program[r.program_id].append(r)
        requirements = by_program
    programs = {c.program_id for c in candidacies}
    facts = _facts(
        candidacies[0].district_id,
        candidacies,
        [r for program_id in programs for r in requirements.get(program_id, ())],
    )
    return {
        c.pk: Progress(
            candidacy=c,
            requirements=[
                _requirement_progress(c, r, facts) for r in requirements.get(c.program_id, ())
            ],
        )
        for c in candidacies
    }


def progress_rows(
    *, candidacies: QuerySet[Candidacy], requirements: Mapping[int, Sequence[Requirement]]
) -> Iterator[Progress]:
    """Every candidacy of an export with its progress."""
    for chunk in _batches(candidacies):
        progress = candidacy_progress(candidacies=chunk, requirements=requirements)
        yield from (progress[c.pk] for c in chunk)
