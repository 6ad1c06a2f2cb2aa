"""Coach assignment for a school year: what each coach can take on, a proposal made by
``planning.coach_assignment`` (CP-SAT), a person's edits, and the approval that writes the
coaching relationships.

A proposal runs as a background task (``coaching.tasks``) and records its stage on its own row,
outside the transaction that writes its pairs, so the page can show progress. Approval is all or
nothing: it refuses while a coach would be over capacity or paired over a rule, and otherwise
ends the teachers' other open relationships the day before and opens the approved ones.

Who counts:

* coaches: the district's active coach profiles of people currently employed;
* teachers: currently employed staff classified as teachers, other than the coaches;
* a teacher's grade band: their staff record's, or their school's when it has only one band;
* first implementation year: in a rollout cohort of this school year's phase and of no earlier
  phase;
* last year's coach: the coach they worked with longest from the start of the previous school
  year up to the proposal's start (a pair opened this year counts).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from trellis.coaching import wall
from trellis.coaching.models import (
    AssignmentProposal,
    CoachProfile,
    ProposalStatus,
    ProposedPair,
    Relationship,
)
from trellis.core.audit import audit_record
from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_bounds, validate_school_year
from trellis.org.models import AcademicSubject, GradeBand, School, Staff, StaffClassification
from trellis.planning import coach_assignment as solver

logger = logging.getLogger(__name__)

BATCH = 2_000
MAX_PROBLEMS = 500
BAND_LABELS = dict(GradeBand.choices)
AREA_LABELS = dict(AcademicSubject.choices)
# Codes in words, for the proposal's reasons: "covers grades 3–5 and mathematics".
NAMES = {
    **{k: v[0].lower() + v[1:] for k, v in BAND_LABELS.items()},
    **{k: v if v.startswith("English") else v.lower() for k, v in AREA_LABELS.items()},
}
_BAND_OF_GRADE = [
    (-1, 2, GradeBand.K2),
    (3, 5, GradeBand.G35),
    (6, 8, GradeBand.G68),
    (9, 12, GradeBand.G912),
]


def school_band(school: School | None) -> str:
    """The school's grade band when all its grades are in one band, else ''."""
    if school is None:
        return ""
    for low, high, band in _BAND_OF_GRADE:
        if low <= school.lowest_grade and school.highest_grade <= high:
            return str(band)
    return ""


def previous_year(school_year: str) -> str:
    start = int(school_year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


# -- Coach profiles ----------------------------------------------------------------------------


@transaction.atomic
def coach_profile_save(
    *,
    district: District,
    staff: Staff,
    max_teachers: int | None,
    hours_per_week: int | None,
    grade_bands: Iterable[str],
    content_areas: Iterable[str] = (),
    former_schools: Iterable[School] = (),
    is_active: bool = True,
    actor: User,
) -> CoachProfile:
    """Create or update what ``staff`` can take on as a coach."""
    if staff.district_id != district.pk:
        raise ValidationError({"staff": "Choose a person of this district."})
    bands = sorted(set(grade_bands))
    areas = sorted(set(content_areas))
    schools = list(former_schools)
    errors: dict[str, str] = {}
    if max_teachers is None and hours_per_week is None:
        errors["max_teachers"] = "Give a number of teachers, or of hours a week, or both."
    for field, value, unit in (
        ("max_teachers", max_teachers, "teachers"),
        ("hours_per_week", hours_per_week, "hours"),
    ):
        if value is not None and value < 1:
            errors[field] = (
                f"{value} {unit} leaves no room to coach; give at least 1, or turn the profile "
                "off for this year."
            )
    if not bands:
        errors["grade_bands"] = "Choose at least one grade band they coach."
    unknown = [b for b in bands if b not in BAND_LABELS]
    if unknown:
        errors["grade_bands"] = f"Unknown grade band: {', '.join(unknown)}."
    unknown = [a for a in areas if a not in AREA_LABELS]
    if unknown:
        errors["content_areas"] = f"Unknown subject: {', '.join(unknown)}."
    if any(s.district_id != district.pk for s in schools):
        errors["former_schools"] = "Choose schools of this district."
    if errors:
        raise ValidationError(errors)
    profile, created = CoachProfile.objects.get_or_create(
        district=district,
        staff=staff,
        defaults={"max_teachers": max_teachers, "hours_per_week": hours_per_week},
    )
    profile.max_teachers = max_teachers
    profile.hours_per_week = hours_per_week
    profile.grade_bands = bands
    profile.content_areas = areas
    profile.is_active = is_active
    profile.save()
    profile.former_schools.set(schools)
    audit_record(
        actor=actor,
        action="coaching.coach_profile_created" if created else "coaching.coach_profile_changed",
        target=profile,
    )
    return profile


def coach_profiles(*, district: District) -> QuerySet[CoachProfile]:
    return (
        CoachProfile.objects.filter(district=district)
        .select_related("staff", "staff__school")
        .prefetch_related("former_schools")
    )


def flag_former_school(*, district: District, staff: Staff, school: School, actor: User) -> None:
    """At hire: the new coach taught at ``school``; never place them over its teachers. Makes
    a profile (one grade band from the school, 25 teachers) when they have none yet."""
    profile = CoachProfile.objects.filter(district=district, staff=staff).first()
    if profile is None:
        band = school_band(school) or GradeBand.K2
        profile = coach_profile_save(
            district=district,
            staff=staff,
            max_teachers=25,
            hours_per_week=None,
            grade_bands=[band],
            former_schools=[school],
            actor=actor,
        )
    else:
        profile.former_schools.add(school)
        audit_record(actor=actor, action="coaching.former_school_flagged", target=profile)


# -- Inputs ------------------------------------------------------------------------------------


@dataclass
class Inputs:
    coaches: list[solver.Coach]
    teachers: list[solver.Teacher]
    problems: list[str]


def _first_year_ids(district: District, school_year: str) -> set[int]:
    from trellis.rollout.models import CohortMember, MemberStatus

    members = CohortMember.objects.filter(district=district, status=MemberStatus.ACTIVE)
    now = set(members.filter(phase__school_year=school_year).values_list("staff_id", flat=True))
    before = set(
        CohortMember.objects.filter(
            district=district, phase__school_year__lt=school_year, staff_id__in=now
        ).values_list("staff_id", flat=True)
    )
    return now - before


def _last_coaches(district: District, school_year: str, begin: dt.date) -> dict[int, int]:
    """teacher id → the coach they worked with longest from the start of the year before
    ``school_year`` up to ``begin`` (so a pair opened this year counts too)."""
    start = school_year_bounds(previous_year(school_year))[0]
    end = begin - dt.timedelta(days=1)
    days: dict[int, dict[int, int]] = {}
    rows = Relationship.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start), district=district, begin_date__lte=end
    ).values_list("teacher_id", "coach_id", "begin_date", "end_date")
    for teacher_id, coach_id, began, finish in rows.iterator(chunk_size=BATCH):
        span = (min(finish or end, end) - max(began, start)).days + 1
        per = days.setdefault(teacher_id, {})
        per[coach_id] = per.get(coach_id, 0) + span
    return {t: max(per, key=lambda c: (per[c], -c)) for t, per in days.items()}


def gather(proposal: AssignmentProposal) -> Inputs:
    district = proposal.district
    problems: list[str] = []
    coaches = []
    coach_ids = set()
    for profile in coach_profiles(district=district).filter(is_active=True, staff__is_active=True):
        coach_ids.add(profile.staff_id)
        coaches.append(
            solver.Coach(
                key=profile.staff_id,
                name=profile.staff.full_name,
                capacity=profile.max_teachers,
                bands=frozenset(profile.grade_bands),
                areas=frozenset(profile.content_areas),
                barred_schools=frozenset(s.pk for s in profile.former_schools.all()),
                hours=profile.hours_per_week,
            )
        )
    first_year = _first_year_ids(district, proposal.school_year)
    last = _last_coaches(district, proposal.school_year, proposal.begin_date)
    teachers = []
    staff = (
        Staff.objects.filter(
            district=district, is_active=True, classification=StaffClassification.TEACHER
        )
        .exclude(pk__in=coach_ids)
        .select_related("school")
        .order_by("pk")
    )
    for person in staff.iterator(chunk_size=BATCH):
        band = person.grade_band or school_band(person.school)
        if not band:
            problems.append(
                f"{person.full_name} ({person.staff_unique_id}) has no grade band and teaches "
                "at a school of several bands; set it on their staff record."
            )
            continue
        is_first = person.pk in first_year
        teachers.append(
            solver.Teacher(
                key=person.pk,
                name=person.full_name,
                school=person.school_id or 0,
                band=band,
                area=person.academic_subject,
                first_year=is_first,
                last_coach=last.get(person.pk),
                hours=proposal.hours_per_first_year if is_first else proposal.hours_per_teacher,
            )
        )
    if not coaches:
        problems.append("No coach has a profile for this year: add each coach's capacity first.")
    try:
        solver.check(coaches, [])
    except solver.AssignmentInputError as error:
        problems.append(str(error))
    return Inputs(coaches, teachers, problems)


# -- Running -----------------------------------------------------------------------------------


@transaction.atomic
def proposal_start(
    *,
    district: District,
    school_year: str,
    begin_date: dt.date,
    actor: User,
    hours_per_teacher: int = 1,
    hours_per_first_year: int = 2,
) -> AssignmentProposal:
    """Record a proposal and queue its run (at once where no worker is configured)."""
    errors: dict[str, str] = {}
    try:
        validate_school_year(school_year)
    except ValidationError as error:
        errors["school_year"] = error.messages[0]
    else:
        start, end = school_year_bounds(school_year)
        if not start <= begin_date <= end:
            errors["begin_date"] = f"Choose a day within {school_year} ({start} to {end})."
    for field, value in (
        ("hours_per_teacher", hours_per_teacher),
        ("hours_per_first_year", hours_per_first_year),
    ):
        if not 1 <= value <= 40:
            errors[field] = "Give between 1 and 40 hours a week."
    if errors:
        raise ValidationError(errors)
    proposal = AssignmentProposal.objects.create(
        district=district,
        school_year=school_year,
        begin_date=begin_date,
        hours_per_teacher=hours_per_teacher,
        hours_per_first_year=hours_per_first_year,
        created_by=actor,
    )
    audit_record(actor=actor, action="coaching.proposal_queued", target=proposal)
    transaction.on_commit(lambda: _enqueue(proposal.pk))
    return proposal


def _enqueue(proposal_id: int) -> None:
    from trellis.coaching.tasks import run_proposal_task

    run_proposal_task.enqueue(proposal_id)


def _stage(proposal: AssignmentProposal, stage: str, percent: int, **fields: Any) -> None:
    proposal.stage, proposal.percent = stage, percent
    for name, value in fields.items():
        setattr(proposal, name, value)
    AssignmentProposal.objects.filter(pk=proposal.pk).update(stage=stage, percent=percent, **fields)


def run_proposal(
    proposal_id: int, *, time_limit_s: float = solver.TIME_LIMIT_S
) -> AssignmentProposal:
    """Gather, solve and write the pairs of a queued proposal. Safe to call twice."""
    claimed = AssignmentProposal.objects.filter(
        pk=proposal_id, status=ProposalStatus.QUEUED
    ).update(
        status=ProposalStatus.RUNNING,
        stage="Reading coaches and teachers",
        percent=5,
        heartbeat_at=timezone.now(),
    )
    proposal = AssignmentProposal.objects.select_related("district").get(pk=proposal_id)
    if not claimed:
        return proposal
    try:
        inputs = gather(proposal)
        if inputs.problems:
            _stage(
                proposal,
                "",
                100,
                status=ProposalStatus.FAILED,
                problems=inputs.problems[:MAX_PROBLEMS],
            )
            return proposal
        _stage(proposal, f"Finding the best assignment for {len(inputs.teachers):,} teachers", 20)
        result = solver.propose(
            inputs.coaches, inputs.teachers, time_limit_s=time_limit_s, names=NAMES
        )
        _stage(proposal, "Writing the proposal", 80)
        with transaction.atomic():
            ProposedPair.objects.filter(proposal=proposal).delete()
            ProposedPair.objects.bulk_create(
                (
                    ProposedPair(
                        proposal=proposal,
                        teacher_id=t.key,
                        coach_id=result.pairs.get(t.key),
                        reason=(result.why.get(t.key) or result.unassigned[t.key])[:500],
                        first_year=t.first_year,
                        last_coach_id=t.last_coach,
                    )
                    for t in inputs.teachers
                ),
                batch_size=BATCH,
            )
            _stage(
                proposal,
                "",
                100,
                status=ProposalStatus.READY,
                optimal=result.optimal,
                solve_seconds=round(result.wall_time_s, 3),
                teachers=len(inputs.teachers),
                assigned=result.assigned,
                first_year=sum(t.first_year for t in inputs.teachers),
                first_year_assigned=result.first_year_assigned,
                kept=result.kept,
            )
            audit_record(actor=None, action="coaching.proposal_ready", target=proposal)
    except Exception:
        logger.exception("coach proposal %s stopped on an unexpected error", proposal.pk)
        _stage(
            proposal,
            "",
            100,
            status=ProposalStatus.FAILED,
            problems=["The run stopped on an unexpected error; the error is in the server log."],
        )
    return proposal


def interrupted_if_stale(proposal: AssignmentProposal) -> AssignmentProposal:
    """A running proposal whose worker is gone (no stage reported for longer than the solver's
    limit and the stale limit together) is marked as failed, so nobody waits on it forever."""
    if proposal.status != ProposalStatus.RUNNING or proposal.heartbeat_at is None:
        return proposal
    quiet = timezone.now() - proposal.heartbeat_at
    limit = solver.TIME_LIMIT_S + int(getattr(settings, "TRELLIS_IMPORT_STALE_SECONDS", 300))
    if quiet.total_seconds() <= limit:
        return proposal
    message = (
        "The run stopped before it finished (its worker ended); nothing was written. Run it again."
    )
    updated = AssignmentProposal.objects.filter(
        pk=proposal.pk, status=ProposalStatus.RUNNING, heartbeat_at=proposal.heartbeat_at
    ).update(status=ProposalStatus.FAILED, stage="", percent=100, problems=[message])
    if updated:
        proposal.refresh_from_db()
    return proposal


# -- Reviewing ---------------------------------------------------------------------------------


@dataclass
class Load:
    profile: CoachProfile
    teachers: int
    hours: int

    @property
    def over(self) -> bool:
        p = self.profile
        return (p.max_teachers is not None and self.teachers > p.max_teachers) or (
            p.hours_per_week is not None and self.hours > p.hours_per_week
        )

    @property
    def room(self) -> str:
        p = self.profile
        return solver.room(
            solver.Coach(
                p.staff_id, p.staff.full_name, p.max_teachers, frozenset(), hours=p.hours_per_week
            ),
            self.teachers,
            self.hours,
        )


def loads(proposal: AssignmentProposal) -> list[Load]:
    """Every coach with a profile and what the proposal gives them, busiest first."""
    counts: dict[int, list[int]] = {}
    rows = ProposedPair.objects.filter(proposal=proposal, coach__isnull=False).values_list(
        "coach_id", "first_year"
    )
    for coach_id, first in rows:
        entry = counts.setdefault(coach_id, [0, 0])
        entry[0] += 1
        entry[1] += proposal.hours_per_first_year if first else proposal.hours_per_teacher
    result = [
        Load(p, *counts.get(p.staff_id, [0, 0]))
        for p in coach_profiles(district=proposal.district)
        if p.is_active or p.staff_id in counts
    ]
    return sorted(result, key=lambda load: (-load.teachers, load.profile.staff.last_name))


def _editable(proposal: AssignmentProposal) -> None:
    if proposal.status != ProposalStatus.READY:
        raise ValidationError(
            f"This proposal is {proposal.get_status_display().lower()}; only a proposal ready "
            "for review can change."
        )


def rule_breaks(profile: CoachProfile, teacher: Staff) -> list[str]:
    """Why ``profile``'s coach should not take ``teacher``, if anything."""
    breaks = []
    band = teacher.grade_band or school_band(teacher.school)
    if band not in profile.grade_bands:
        breaks.append(
            f"{profile.staff.full_name} does not cover {BAND_LABELS.get(band, 'their grade band')}"
        )
    if profile.content_areas and teacher.academic_subject not in profile.content_areas:
        breaks.append(
            f"{profile.staff.full_name} does not cover {teacher.subject_label or 'their subject'}"
        )
    return breaks


@transaction.atomic
def pair_set(
    *, proposal: AssignmentProposal, teacher: Staff, coach: Staff | None, actor: User
) -> ProposedPair:
    """A person moves a teacher to another coach, or leaves them without one. A coach flagged
    at hire as having taught at the teacher's school is refused, as is the teacher's evaluator;
    a grade band or subject the coach does not cover is allowed and said in the reason."""
    proposal = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
    _editable(proposal)
    pair = (
        ProposedPair.objects.select_related("teacher", "teacher__school")
        .filter(proposal=proposal, teacher=teacher)
        .first()
    )
    if pair is None:
        raise ValidationError({"teacher": "This teacher is not in the proposal."})
    who = actor.get_full_name() or actor.get_username()
    if coach is None:
        pair.coach = None
        pair.reason = f"Left without a coach by {who}."
    else:
        profile = coach_profiles(district=proposal.district).filter(staff=coach).first()
        if profile is None:
            raise ValidationError({"coach": f"{coach.full_name} has no coach profile."})
        if teacher.school_id in {s.pk for s in profile.former_schools.all()}:
            raise ValidationError(
                {
                    "coach": f"{coach.full_name} taught at {teacher.school}, flagged at hire; they "
                    "are not placed over their former peers. Choose another coach."
                }
            )
        if coach.user_id and wall.is_evaluator(User.objects.get(pk=coach.user_id), teacher):
            raise ValidationError(
                {
                    "coach": f"{coach.full_name} evaluates {teacher.full_name}; choose a coach who "
                    "does not."
                }
            )
        pair.coach = coach
        breaks = rule_breaks(profile, pair.teacher)
        pair.reason = f"Chosen by {who}" + (
            f", although {' and '.join(breaks)}." if breaks else "."
        )
    pair.edited = True
    pair.save(update_fields=["coach", "reason", "edited"])
    audit_record(
        actor=actor,
        action="coaching.proposal_pair_changed",
        target=proposal,
        changes={"teacher": [None, teacher.pk], "coach": [None, coach.pk if coach else None]},
    )
    return pair


@transaction.atomic
def proposal_approve(*, proposal: AssignmentProposal, actor: User) -> int:
    """Write the approved pairs as coaching relationships from the proposal's begin date; the
    teachers' other open relationships end the day before. Returns how many were opened."""
    proposal = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
    _editable(proposal)
    over = [load for load in loads(proposal) if load.over]
    if over:
        names = "; ".join(f"{load.profile.staff.full_name} ({load.room})" for load in over)
        raise ValidationError(
            f"Over capacity: {names}. Move teachers or raise the capacity, then approve."
        )
    begin = proposal.begin_date
    pairs = dict(
        ProposedPair.objects.filter(proposal=proposal, coach__isnull=False).values_list(
            "teacher_id", "coach_id"
        )
    )
    open_rows = Relationship.objects.filter(
        district=proposal.district, end_date__isnull=True, teacher_id__in=pairs
    ).values_list("pk", "teacher_id", "coach_id", "begin_date")
    keep: set[tuple[int, int]] = set()
    ends: dict[dt.date, list[int]] = {}
    for pk, teacher_id, coach_id, began in open_rows.iterator(chunk_size=BATCH):
        if pairs.get(teacher_id) == coach_id:
            keep.add((teacher_id, coach_id))
        else:
            ends.setdefault(max(began, begin - dt.timedelta(days=1)), []).append(pk)
    for day, pks in ends.items():
        for i in range(0, len(pks), BATCH):
            Relationship.objects.filter(pk__in=pks[i : i + BATCH]).update(end_date=day)
    new = [
        Relationship(
            district=proposal.district,
            coach_id=coach_id,
            teacher_id=teacher_id,
            begin_date=begin,
            created_by=actor,
        )
        for teacher_id, coach_id in pairs.items()
        if (teacher_id, coach_id) not in keep
    ]
    Relationship.objects.bulk_create(new, batch_size=BATCH)
    proposal.status = ProposalStatus.APPROVED
    proposal.approved_by = actor
    proposal.approved_at = timezone.now()
    proposal.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="coaching.proposal_approved",
        target=proposal,
        changes={
            "opened": [None, len(new)],
            "kept": [None, len(keep)],
            "ended": [None, sum(len(p) for p in ends.values())],
        },
    )
    return len(new)


@transaction.atomic
def proposal_discard(*, proposal: AssignmentProposal, actor: User) -> None:
    proposal = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == ProposalStatus.APPROVED:
        raise ValidationError("An approved proposal stays; change the caseloads instead.")
    proposal.status = ProposalStatus.DISCARDED
    proposal.save(update_fields=["status"])
    audit_record(actor=actor, action="coaching.proposal_discarded", target=proposal)


def proposals(*, district: District) -> QuerySet[AssignmentProposal]:
    return AssignmentProposal.objects.filter(district=district).select_related("created_by")


def proposal_get(*, district: District, pk: int) -> AssignmentProposal:
    """One proposal of the district (a stale run is marked as stopped on the way)."""
    proposal = AssignmentProposal.objects.select_related("district").get(district=district, pk=pk)
    return interrupted_if_stale(proposal)


def pair_rows(proposal: AssignmentProposal) -> QuerySet[ProposedPair]:
    return ProposedPair.objects.filter(proposal=proposal).select_related(
        "teacher", "teacher__school", "coach", "last_coach"
    )
