"""Reads for phases, cohorts, volunteers, amnesty and progress.

Counts run in SQL, grouped once per page: the plan (members by cohort), the progress by school
(teachers, implementing, certified), so the pages cost the same few queries for 345 teachers or
75,000 staff.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from trellis.core.listing import paginate
from trellis.core.models import District
from trellis.core.schoolyear import school_year_bounds, school_year_of
from trellis.learning.selectors.catalog import certified_by_school, has_certifications
from trellis.org.models import AcademicSubject, School, Staff, StaffClassification
from trellis.planning.pilot import GroupCount, PilotSuggestion, suggest_pilot
from trellis.planning.pilot import Volunteer as PilotVolunteer
from trellis.rollout.models import (
    Amnesty,
    Cohort,
    CohortMember,
    GradeBand,
    Initiative,
    MemberStatus,
    Phase,
    Volunteer,
)

PILOT_TOLERANCE = Decimal(2)  # "about a tenth": within two points of the chosen share
PROBLEM, WARNING, OK = "problem", "warning", "ok"
BAND_LABELS = dict(GradeBand.choices)
AREA_LABELS = dict(AcademicSubject.choices)


def amnesty_notes(district_id: int, staff_ids: Sequence[int]) -> dict[int, list[str]]:
    """“Evaluation amnesty 2026-27 (…)” for each of these people who has one."""
    notes: dict[int, list[str]] = {}
    rows = (
        Amnesty.objects.filter(district_id=district_id, staff_id__in=list(staff_ids))
        .order_by("school_year")
        .values_list("staff_id", "school_year", "starts_on", "ends_on", "initiative__name")
    )
    for staff_id, year, starts, ends, initiative in rows:
        notes.setdefault(staff_id, []).append(
            f"Evaluation amnesty {year} ({starts:%b %-d, %Y} – {ends:%b %-d, %Y}): the first "
            f"year implementing {initiative}; no evaluation consequences."
        )
    return notes


def percent(share: Decimal) -> str:
    """A share as people write it: 10, 9.6, 12.25 (no trailing zeros)."""
    return f"{Decimal(share).normalize():f}"


def teacher_count(*, district: District | int) -> int:
    return Staff.objects.filter(
        district=district, is_active=True, classification=StaffClassification.TEACHER
    ).count()


def share_count(share: Decimal, teachers: int) -> int:
    """The number of teachers a share stands for, rounded half up (10 % of 345 is 35)."""
    return math.floor(Decimal(share) * teachers / 100 + Decimal("0.5"))


def phase_list(*, initiative: Initiative) -> list[Phase]:
    return list(initiative.phases.order_by("school_year"))


def phase_get(*, initiative: Initiative, pk: int) -> Phase:
    return get_object_or_404(Phase, initiative=initiative, pk=pk)


def phase_of_district(*, district: District, pk: int) -> Phase:
    return get_object_or_404(Phase.objects.select_related("initiative"), district=district, pk=pk)


def cohort_get(*, district: District, pk: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("phase", "initiative"), district=district, pk=pk
    )


# --- The plan and its checks ----------------------------------------------------------------


@dataclass
class CohortRow:
    cohort: Cohort
    members: int
    withdrawn: int
    schools: int
    coaches: int

    @property
    def capacity(self) -> int:
        return self.coaches * self.cohort.phase.teachers_per_coach


@dataclass
class PhaseRow:
    phase: Phase
    cohorts: list[CohortRow]
    implementing: int  # active members in this phase and every earlier one
    target: int

    @property
    def members(self) -> int:
        return sum(c.members for c in self.cohorts)


@dataclass(frozen=True)
class Check:
    level: str  # PROBLEM, WARNING or OK
    text: str


@dataclass
class Plan:
    initiative: Initiative
    teachers: int
    phases: list[PhaseRow]
    schools_with_teachers: dict[int, str]
    checks: list[Check] = field(default_factory=list)

    @property
    def pilot(self) -> PhaseRow | None:
        return next((p for p in self.phases if p.phase.is_pilot), None)

    @property
    def not_started(self) -> int:
        return self.teachers - (self.phases[-1].implementing if self.phases else 0)


# Counted against the district's current teachers, so members who left count nowhere.
CURRENT_MEMBER = Q(
    members__status=MemberStatus.ACTIVE,
    members__staff__is_active=True,
    members__staff__classification=StaffClassification.TEACHER,
)


def _cohort_rows(initiative: Initiative) -> dict[int, list[CohortRow]]:
    cohorts = (
        Cohort.objects.filter(initiative=initiative)
        .select_related("phase")
        .annotate(
            n_active=Count("members", filter=CURRENT_MEMBER, distinct=True),
            n_withdrawn=Count(
                "members", filter=Q(members__status=MemberStatus.WITHDRAWN), distinct=True
            ),
            n_schools=Count("members__staff__school", filter=CURRENT_MEMBER, distinct=True),
            n_coaches=Count("coaches", distinct=True),
        )
        .order_by("phase__school_year", "name", "pk")
    )
    rows: dict[int, list[CohortRow]] = {}
    for c in cohorts:
        row = CohortRow(c, c.n_active, c.n_withdrawn, c.n_schools, c.n_coaches)
        rows.setdefault(c.phase_id, []).append(row)
    return rows


def teaching_schools(*, district_id: int) -> dict[int, str]:
    """Schools with at least one current teacher: the ones a pilot should reach."""
    return dict(
        School.objects.filter(
            district_id=district_id,
            staff__is_active=True,
            staff__classification=StaffClassification.TEACHER,
        )
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )


def pilot_covered(phase: Phase) -> set[int]:
    return set(
        CohortMember.objects.filter(phase=phase, status=MemberStatus.ACTIVE)
        .values_list("staff__school_id", flat=True)
        .distinct()
    )


def pilot_left_out(phase: Phase, adding: Iterable[Staff] = ()) -> dict[int, str]:
    """Schools with teachers that the pilot phase's active members (plus ``adding``) miss."""
    covered = pilot_covered(phase) | {s.school_id for s in adding}
    schools = teaching_schools(district_id=phase.district_id)
    return {pk: name for pk, name in schools.items() if pk not in covered}


def teachers_not_started(*, initiative: Initiative, school: School | None = None) -> list[Staff]:
    """Current teachers in no active cohort of the initiative (optionally of one school)."""
    busy = CohortMember.objects.filter(
        cohort__initiative=initiative, status=MemberStatus.ACTIVE
    ).values("staff_id")
    qs = Staff.objects.filter(
        district_id=initiative.district_id, is_active=True,
        classification=StaffClassification.TEACHER,
    ).exclude(pk__in=busy)  # fmt: skip
    if school is not None:
        qs = qs.filter(school=school)
    return list(qs.order_by("pk"))


def rollout_plan(*, initiative: Initiative) -> Plan:
    teachers = teacher_count(district=initiative.district_id)
    by_phase = _cohort_rows(initiative)
    rows: list[PhaseRow] = []
    running = 0
    for phase in phase_list(initiative=initiative):
        cohorts = by_phase.get(phase.pk, [])
        running += sum(c.members for c in cohorts)
        rows.append(PhaseRow(phase, cohorts, running, share_count(phase.target_share, teachers)))
    plan = Plan(initiative, teachers, rows, teaching_schools(district_id=initiative.district_id))
    plan.checks = _checks(plan)
    return plan


def _checks(plan: Plan) -> list[Check]:
    if not plan.phases:
        return [Check(WARNING, "The rollout has no phases yet: add one per school year, the "
                      "pilot first.")]  # fmt: skip
    checks = _pilot_checks(plan)
    for row in plan.phases:
        for c in row.cohorts:
            checks.extend(_capacity_checks(c))
        checks.append(_target_check(row, plan.teachers))
    return checks


def _pilot_checks(plan: Plan) -> list[Check]:
    pilot = plan.pilot
    if pilot is None:
        return [Check(WARNING, "No phase is marked as the pilot.")]
    size, teachers, aim = pilot.members, plan.teachers, pilot.phase.target_share
    low = share_count(max(aim - PILOT_TOLERANCE, Decimal(0)), teachers)
    high = share_count(min(aim + PILOT_TOLERANCE, Decimal(100)), teachers)
    share = Decimal(size * 100) / teachers if teachers else Decimal(0)
    said = f"The pilot has {size} teachers, {share:.1f}% of {teachers}"
    checks = [
        Check(OK, f"{said}: about the {percent(aim)}% planned.")
        if low <= size <= high
        else Check(WARNING, f"{said}; the plan aims for about {percent(aim)}% ({low} to {high}).")
    ]
    if size == 0:
        return checks
    left_out = pilot_left_out(pilot.phase)
    if not left_out:
        checks.append(Check(OK, f"The pilot reaches all {len(plan.schools_with_teachers)} "
                            "schools."))  # fmt: skip
        return checks
    accepted = {pk for c in pilot.cohorts for pk in c.cohort.schools_left_out}
    names = ", ".join(left_out.values())
    if set(left_out) <= accepted:
        checks.append(Check(WARNING, f"The pilot leaves out {names} (accepted knowingly)."))
    else:
        checks.append(Check(PROBLEM, f"The pilot leaves out {names}."))
    return checks


def _capacity_checks(row: CohortRow) -> list[Check]:
    name, per = row.cohort.name, row.cohort.phase.teachers_per_coach
    if row.members and not row.coaches:
        return [Check(PROBLEM, f"{name} has {row.members} teachers and no coach.")]
    if row.members > row.capacity:
        needed = math.ceil(row.members / per)
        return [Check(PROBLEM, f"{name} has {row.members} teachers and {row.coaches} coaches; at "
                      f"{per} teachers a coach it needs {needed}.")]  # fmt: skip
    if row.members:
        return [Check(OK, f"{name}: {row.members} teachers for {row.coaches} coaches "
                      f"(room for {row.capacity}).")]  # fmt: skip
    return []


def _target_check(row: PhaseRow, teachers: int) -> Check:
    phase = row.phase
    share = Decimal(row.implementing * 100) / teachers if teachers else Decimal(0)
    said = (f"By the end of {phase.school_year}, {row.implementing} of {teachers} teachers "
            f"({share:.0f}%) implement")  # fmt: skip
    if row.implementing >= row.target:
        return Check(OK, f"{said}; the target is {percent(phase.target_share)}%.")
    return Check(WARNING, f"{said}; the target is {percent(phase.target_share)}% ({row.target}), "
                 f"{row.target - row.implementing} short.")  # fmt: skip


# --- Members, volunteers, amnesty -----------------------------------------------------------


def cohort_members(*, cohort: Cohort, status: str = "") -> QuerySet[CohortMember]:
    qs = CohortMember.objects.filter(district_id=cohort.district_id, cohort=cohort)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("staff", "staff__school").order_by(
        "staff__last_name", "staff__first_name", "pk"
    )


def member_get(*, district: District, pk: int) -> CohortMember:
    return get_object_or_404(
        CohortMember.objects.select_related("staff", "cohort__initiative", "cohort__phase"),
        district=district,
        pk=pk,
    )


def volunteer_pool(*, initiative: Initiative) -> QuerySet[Volunteer]:
    """Volunteers not yet implementing with a cohort, first come first."""
    busy = CohortMember.objects.filter(
        cohort__initiative=initiative, status=MemberStatus.ACTIVE
    ).values("staff_id")
    return (
        Volunteer.objects.filter(
            district_id=initiative.district_id,
            initiative=initiative,
            staff__is_active=True,
            staff__classification=StaffClassification.TEACHER,
        )
        .exclude(staff_id__in=busy)
        .select_related("staff", "staff__school")
        .order_by("volunteered_at", "pk")
    )


def volunteer_get(*, district: District, pk: int) -> Volunteer:
    return get_object_or_404(
        Volunteer.objects.select_related("staff", "initiative"), district=district, pk=pk
    )


def amnesty_list(*, initiative: Initiative, school_year: str = "") -> QuerySet[Amnesty]:
    qs = Amnesty.objects.filter(district_id=initiative.district_id, initiative=initiative)
    if school_year:
        qs = qs.filter(school_year=school_year)
    return qs.select_related("staff", "staff__school", "cohort").order_by(
        "school_year", "staff__last_name", "staff__first_name", "pk"
    )


def my_part(*, initiative: Initiative, staff: Staff) -> dict[str, object]:
    """What the rollout means for one teacher: their cohort, amnesty and volunteering."""
    return {
        "membership": CohortMember.objects.filter(cohort__initiative=initiative, staff=staff)
        .select_related("cohort__phase")
        .order_by("status", "phase__school_year")  # "active" sorts before "withdrawn"
        .first(),
        "amnesty": Amnesty.objects.filter(initiative=initiative, staff=staff).first(),
        "volunteer": Volunteer.objects.filter(initiative=initiative, staff=staff).first(),
    }


# --- Pilot suggestion -----------------------------------------------------------------------


@dataclass
class Suggestion:
    result: PilotSuggestion
    initiative: Initiative
    volunteers: int  # in the pool the suggestion chose from
    schools: dict[int, str]
    size: int

    def chosen_page(self, number: int | None) -> Page[Volunteer]:
        """One page of the chosen volunteers, read from the database only for that page."""
        page = paginate(self.result.chosen, number)  # type: ignore[arg-type]
        wanted = list(page.object_list)
        found = {
            v.staff_id: v
            for v in volunteer_pool(initiative=self.initiative).filter(staff_id__in=wanted)
        }
        page.object_list = [found[k] for k in page.object_list if k in found]
        return page

    @property
    def uncovered_names(self) -> list[str]:
        return [self.schools.get(pk, str(pk)) for pk in self.result.uncovered_schools]

    @property
    def school_rows(self) -> list[tuple[str, GroupCount]]:
        return [(self.schools.get(int(g.group), str(g.group)), g) for g in self.result.schools]

    @property
    def band_rows(self) -> list[tuple[str, GroupCount]]:
        return [(BAND_LABELS.get(str(g.group), str(g.group)), g) for g in self.result.bands]

    @property
    def area_rows(self) -> list[tuple[str, GroupCount]]:
        return [(AREA_LABELS.get(str(g.group), str(g.group)), g) for g in self.result.areas]


def pilot_suggestion(*, phase: Phase) -> Suggestion:
    """The volunteers to take into an empty pilot: the phase's share of all teachers, at least
    one in every school with a volunteer, spread over schools in proportion to their teachers and
    as evenly as the volunteers allow over grade bands and content areas (CP-SAT). Raises
    ValueError with a plain explanation when the pilot cannot cover the schools."""
    initiative = phase.initiative
    headcount = dict(
        Staff.objects.filter(district_id=initiative.district_id, is_active=True,
                             classification=StaffClassification.TEACHER, school__isnull=False)
        .values("school_id").annotate(n=Count("id")).values_list("school_id", "n")
        .order_by()
    )  # fmt: skip
    # Plain rows, not model objects: a large district has thousands of volunteers.
    pool = [
        PilotVolunteer(key=staff_id, school=school_id, band=band, area=area, rank=rank)
        for rank, (staff_id, school_id, band, area) in enumerate(
            volunteer_pool(initiative=initiative).values_list(
                "staff_id", "staff__school_id", "grade_band", "content_area"
            )
        )
        if school_id in headcount
    ]
    size = share_count(phase.target_share, teacher_count(district=initiative.district_id))
    return Suggestion(
        result=suggest_pilot(pool, headcount, max(size, 1)),
        initiative=initiative,
        volunteers=len(pool),
        schools=teaching_schools(district_id=initiative.district_id),
        size=size,
    )


# --- Progress by school ---------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolProgress:
    school: str
    teachers: int
    implementing: int
    certified: int | None

    @property
    def implementing_pct(self) -> int:
        return round(100 * self.implementing / self.teachers) if self.teachers else 0

    @property
    def certified_pct(self) -> int | None:
        if self.certified is None:
            return None
        return round(100 * self.certified / self.teachers) if self.teachers else 0


@dataclass
class Progress:
    school_year: str
    rows: list[SchoolProgress]
    with_certification: bool

    @property
    def total(self) -> SchoolProgress:
        certified = [r.certified for r in self.rows if r.certified is not None]
        return SchoolProgress(
            "All schools",
            sum(r.teachers for r in self.rows),
            sum(r.implementing for r in self.rows),
            sum(certified) if self.with_certification else None,
        )


def progress_by_school(*, initiative: Initiative, school_year: str) -> Progress:
    """For each school: current teachers, those implementing by ``school_year`` (active in a
    cohort whose phase is that year or earlier) and, when the district certifies, those
    certified by the end of that year. Three grouped queries whatever the district's size."""
    district = initiative.district
    teachers = (
        Staff.objects.filter(district=district, is_active=True,
                             classification=StaffClassification.TEACHER)
        .values("school_id").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    implementing = (
        CohortMember.objects.filter(
            district=district, cohort__initiative=initiative, status=MemberStatus.ACTIVE,
            phase__school_year__lte=school_year, staff__is_active=True,
            staff__classification=StaffClassification.TEACHER,
        )
        .values("staff__school_id").annotate(n=Count("staff_id", distinct=True)).order_by()
    )  # fmt: skip
    with_certification = has_certifications(district=district)
    certified = (
        certified_by_school(district=district, on=school_year_bounds(school_year)[1])
        if with_certification
        else {}
    )
    names = dict(School.objects.filter(district=district).values_list("pk", "name"))
    doing = {r["staff__school_id"]: r["n"] for r in implementing}
    rows = [
        SchoolProgress(
            names.get(r["school_id"], "District office") if r["school_id"] else "District office",
            r["n"],
            doing.get(r["school_id"], 0),
            certified.get(r["school_id"], 0) if with_certification else None,
        )
        for r in teachers
    ]
    rows.sort(key=lambda r: (r.school == "District office", r.school))
    return Progress(school_year, rows, with_certification)


def initiative_year(initiative: Initiative, today: dt.date) -> str:
    """The school year to show by default: this one, kept within the initiative's years."""
    year = school_year_of(today)
    return min(max(year, initiative.first_year), initiative.last_year)
