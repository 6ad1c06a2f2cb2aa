"""Writes for the rollout plan: phases, cohorts, volunteers, cohort membership and amnesty.

- A teacher is in at most one cohort of a phase (the database holds this) and implements with
  one cohort at a time in an initiative (checked here).
- Cohort membership moves along ``MEMBER_TRANSITIONS`` through ``member_transition`` only.
- A pilot that leaves out a school is saved only when someone accepts that knowingly; the
  schools they accepted are kept, so a different gap asks again.
- Every change to membership or to a phase's year recomputes the teachers' amnesty: the first
  school year in which they implement, July 1 to June 30. A teacher who withdrew during a year
  still implemented that year; one who withdrew before it began did not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.core import policy
from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import User
from trellis.core.schoolyear import school_year_bounds
from trellis.core.writes import assign_fields, save_validated
from trellis.org.models import AcademicSubject, Staff, StaffClassification
from trellis.rollout.models import (
    Amnesty,
    Cohort,
    CohortMember,
    GradeBand,
    Initiative,
    MemberSource,
    MemberStatus,
    Phase,
    Volunteer,
)
from trellis.rollout.selectors.cohorts import pilot_left_out

M = MemberStatus
MEMBER_TRANSITIONS: dict[str, frozenset[str]] = {
    M.ACTIVE: frozenset({M.WITHDRAWN}),
    M.WITHDRAWN: frozenset({M.ACTIVE}),  # rejoining undoes a withdrawal made by mistake
}
PHASE_FIELDS = ("name", "school_year", "target_share", "teachers_per_coach", "is_pilot")
COHORT_FIELDS = ("name", "phase", "notes")
ADD_LIMIT = 100_000  # one request; a state consortium's biggest district fits
ID_CHUNK = 5_000  # ids a query; SQLite takes at most 32,766 parameters
SHOWN_PROBLEMS = 25  # a list with more problems than this is the wrong list


def _today() -> dt.date:
    return timezone.localdate()


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def _manage(actor: User, target: Initiative | Phase | Cohort) -> None:
    policy.require(actor, policy.ROLLOUT_MANAGE, target)


# --- Phases ---------------------------------------------------------------------------------


def _check_phase(phase: Phase, initiative: Initiative) -> None:
    errors: dict[str, str] = {}
    year = phase.school_year
    if year and not initiative.first_year <= year <= initiative.last_year:
        errors["school_year"] = (
            f"The initiative runs {initiative.first_year} to {initiative.last_year}; "
            f"{year} is outside it."
        )
    share = phase.target_share
    if share is not None and not Decimal(0) < Decimal(share) <= Decimal(100):
        errors["target_share"] = (
            "A target is a share of all teachers: more than 0 %, at most 100 %."
        )
    others = list(initiative.phases.exclude(pk=phase.pk))
    if year and any(o.school_year == year for o in others):
        errors["school_year"] = f"There is already a phase for {year}."
    if phase.is_pilot and any(o.is_pilot for o in others):
        errors["is_pilot"] = "The rollout already has a pilot phase."
    if phase.is_pilot and year and any(o.school_year < year for o in others):
        errors["is_pilot"] = "The pilot comes first: it must be the earliest phase."
    if not phase.is_pilot and year and any(o.is_pilot and o.school_year > year for o in others):
        errors["school_year"] = "This phase would come before the pilot; the pilot comes first."
    if share is not None and year and "target_share" not in errors:
        for other in others:
            if other.school_year < year and other.target_share > share:
                errors["target_share"] = (
                    f"{other.name} ({other.school_year}) already aims for {other.target_share}% "
                    "by its end; targets count everyone implementing so far, so a later phase "
                    "cannot aim lower."
                )
            elif other.school_year > year and other.target_share < share:
                errors["target_share"] = (
                    f"{other.name} ({other.school_year}) aims for {other.target_share}%; an "
                    "earlier phase cannot aim higher."
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def phase_save(
    *, initiative: Initiative, data: Mapping[str, Any], actor: User, phase: Phase | None = None
) -> Phase:
    _manage(actor, initiative)
    Initiative.objects.select_for_update().get(pk=initiative.pk)
    made = phase is None
    if phase is None:
        phase = Phase(district_id=initiative.district_id, initiative=initiative)
    else:
        # As saved, not as a bound form may already have changed it: the year decides amnesty.
        phase = Phase.objects.select_for_update().get(pk=phase.pk, initiative=initiative)
    before = {} if made else snapshot(phase, PHASE_FIELDS)
    old_year = phase.school_year
    assign_fields(phase, data, PHASE_FIELDS)
    _check_phase(phase, initiative)
    save_validated(phase)
    audit_record(
        actor=actor,
        action="rollout.phase_created" if made else "rollout.phase_changed",
        target=phase,
        changes=diff(before, snapshot(phase, PHASE_FIELDS)),
    )
    if not made and old_year != phase.school_year:
        staff_ids = CohortMember.objects.filter(phase=phase).values_list("staff_id", flat=True)
        amnesty_refresh(initiative=initiative, staff_ids=list(staff_ids), actor=actor)
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, actor: User) -> None:
    _manage(actor, phase)
    if phase.cohorts.exists():
        raise ValidationError("This phase has cohorts; remove them first.")
    audit_record(actor=actor, action="rollout.phase_deleted", target=phase,
                 changes={"name": [phase.name, None]})  # fmt: skip
    phase.delete()


# --- Cohorts --------------------------------------------------------------------------------


def _check_coaches(coaches: Iterable[Staff], district_id: int) -> list[Staff]:
    chosen = list(coaches)
    if any(c.district_id != district_id for c in chosen):
        raise ValidationError({"coaches": "Choose coaches who work in this district."})
    if inactive := [c.full_name for c in chosen if not c.is_active]:
        raise ValidationError({"coaches": f"Not currently employed: {', '.join(inactive)}."})
    return chosen


@transaction.atomic
def cohort_save(
    *,
    initiative: Initiative,
    data: Mapping[str, Any],
    coaches: Iterable[Staff] = (),
    actor: User,
    cohort: Cohort | None = None,
) -> Cohort:
    _manage(actor, initiative)
    made = cohort is None
    if cohort is None:
        cohort = Cohort(district_id=initiative.district_id, initiative=initiative)
    before = {} if made else snapshot(cohort, COHORT_FIELDS)
    old_phase_id = cohort.phase_id
    assign_fields(cohort, data, COHORT_FIELDS)
    phase: Phase | None = cohort.phase if cohort.phase_id else None
    if phase is None or phase.initiative_id != initiative.pk:
        raise ValidationError({"phase": "Choose one of this rollout's phases."})
    if not made and old_phase_id != cohort.phase_id and cohort.members.exists():
        raise ValidationError(
            {"phase": "This cohort has members; a cohort with teachers stays in its phase."}
        )
    if Cohort.objects.filter(phase=phase, name__iexact=cohort.name).exclude(pk=cohort.pk).exists():
        raise ValidationError({"name": f"{phase.name} already has a cohort with that name."})
    chosen = _check_coaches(coaches, initiative.district_id)
    save_validated(cohort)
    cohort.coaches.set(chosen)
    after = snapshot(cohort, COHORT_FIELDS) | {"coaches": sorted(c.pk for c in chosen)}
    audit_record(
        actor=actor,
        action="rollout.cohort_created" if made else "rollout.cohort_changed",
        target=cohort,
        changes=diff(before, after),
    )
    return cohort


@transaction.atomic
def cohort_delete(*, cohort: Cohort, actor: User) -> None:
    _manage(actor, cohort)
    if cohort.members.exists():
        raise ValidationError("This cohort has members; withdraw or move them first.")
    audit_record(actor=actor, action="rollout.cohort_deleted", target=cohort,
                 changes={"name": [cohort.name, None]})  # fmt: skip
    cohort.delete()


# --- Volunteers -----------------------------------------------------------------------------


@transaction.atomic
def volunteer_add(
    *,
    initiative: Initiative,
    staff: Staff,
    grade_band: str,
    content_area: str,
    note: str = "",
    actor: User,
) -> Volunteer:
    """A teacher offers to join early (themselves, or recorded by a rollout manager)."""
    if staff.user_id != actor.pk:
        _manage(actor, initiative)
    errors: dict[str, str] = {}
    if staff.district_id != initiative.district_id:
        errors["staff"] = "Choose a teacher of this district."
    elif not staff.is_active or staff.classification != StaffClassification.TEACHER:
        errors["staff"] = f"{staff.full_name} is not a current teacher."
    if grade_band not in GradeBand.values:
        errors["grade_band"] = "Choose the grades taught from the list."
    if content_area not in AcademicSubject.values:
        errors["content_area"] = "Choose the content area from the list."
    if errors:
        raise ValidationError(errors)
    member = _active_membership(initiative, staff.pk)
    if member is not None:
        raise ValidationError({"staff": f"{staff.full_name} is already in {member.cohort}."})
    if Volunteer.objects.filter(initiative=initiative, staff=staff).exists():
        raise ValidationError({"staff": f"{staff.full_name} has already volunteered."})
    volunteer = Volunteer.objects.create(
        district_id=initiative.district_id, initiative=initiative, staff=staff,
        grade_band=grade_band, content_area=content_area, note=(note or "").strip()[:300],
    )  # fmt: skip
    audit_record(actor=actor, action="rollout.volunteered", target=volunteer,
                 changes={"staff": [None, staff.staff_unique_id]})  # fmt: skip
    return volunteer


@transaction.atomic
def volunteer_withdraw(*, volunteer: Volunteer, actor: User) -> None:
    if volunteer.staff.user_id != actor.pk:
        _manage(actor, volunteer.initiative)
    audit_record(actor=actor, action="rollout.volunteer_withdrawn", target=volunteer,
                 changes={"staff": [volunteer.staff.staff_unique_id, None]})  # fmt: skip
    volunteer.delete()


# --- Membership -----------------------------------------------------------------------------


def _active_membership(initiative: Initiative, staff_id: int) -> CohortMember | None:
    return (
        CohortMember.objects.filter(
            cohort__initiative=initiative, staff_id=staff_id, status=MemberStatus.ACTIVE
        )
        .select_related("cohort")
        .first()
    )


def _check_new_members(cohort: Cohort, staff: Sequence[Staff]) -> None:
    """Every problem with every teacher at once, so the person fixes the list in one go."""
    problems: list[str] = []
    seen: set[int] = set()
    for person in staff:
        if person.pk in seen:
            problems.append(f"{person.full_name} is listed twice.")
        seen.add(person.pk)
        if person.district_id != cohort.district_id:
            problems.append(f"{person.full_name} does not work in this district.")
        elif not person.is_active or person.classification != StaffClassification.TEACHER:
            problems.append(f"{person.full_name} is not a current teacher.")
    for ids in _chunks(list(seen)):
        mine = CohortMember.objects.filter(
            staff_id__in=ids, cohort__initiative_id=cohort.initiative_id
        ).select_related("staff", "cohort__phase")
        for member in mine:
            if member.phase_id == cohort.phase_id:
                problems.append(
                    f"{member.staff.full_name} is already in {member.cohort.name}, a cohort of "
                    "the same phase; a teacher joins one cohort a phase."
                )
            elif member.status == M.ACTIVE:
                problems.append(
                    f"{member.staff.full_name} already implements with {member.cohort.name} "
                    f"({member.cohort.phase.school_year})."
                )
    if problems:
        more = len(problems) - SHOWN_PROBLEMS
        shown = problems[:SHOWN_PROBLEMS] + ([f"… and {more} more."] if more > 0 else [])
        raise ValidationError({"staff": shown})


@transaction.atomic
def members_add(
    *,
    cohort: Cohort,
    staff: Sequence[Staff],
    source: str,
    actor: User,
    accept_left_out: bool = False,
    joined_on: dt.date | None = None,
) -> list[CohortMember]:
    """Add teachers to a cohort, all or none. For the pilot, a school left out must be
    accepted (``accept_left_out``); the accepted schools are recorded on the cohort.
    ``joined_on`` (default today) records a rollout that began before the district used us."""
    _manage(actor, cohort)
    # The initiative's row first: two additions at once in different phases could otherwise
    # both pass the one-active-cohort check for the same teacher.
    Initiative.objects.select_for_update().get(pk=cohort.initiative_id)
    cohort = Cohort.objects.select_for_update().select_related("phase").get(pk=cohort.pk)
    if not staff:
        raise ValidationError({"staff": "Choose at least one teacher to add."})
    if len(staff) > ADD_LIMIT:
        raise ValidationError({"staff": f"Add at most {ADD_LIMIT:,} teachers at a time."})
    if source not in MemberSource.values:
        raise ValidationError({"source": "Say whether they volunteered or were assigned."})
    today = _today()
    joined_on = joined_on or today
    if joined_on > today:
        raise ValidationError({"joined_on": "Add teachers once they have joined."})
    _check_new_members(cohort, staff)
    if cohort.phase.is_pilot:
        _accept_left_out(cohort, pilot_left_out(cohort.phase, staff), accept_left_out, actor)
    members = CohortMember.objects.bulk_create(
        CohortMember(district_id=cohort.district_id, cohort=cohort, phase_id=cohort.phase_id,
                     staff=person, source=source, joined_on=joined_on)
        for person in staff
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="rollout.members_added",
        target=cohort,
        changes={"members": [None, sorted(p.staff_unique_id for p in staff)],
                 "source": [None, source]},
    )  # fmt: skip
    amnesty_refresh(initiative=cohort.initiative, staff_ids=[p.pk for p in staff], actor=actor)
    return members


def _accept_left_out(
    cohort: Cohort, left_out: Mapping[int, str], accepted: bool, actor: User
) -> None:
    # A gap accepted for any of the pilot's cohorts is accepted for the pilot.
    accepted_before = {
        pk
        for schools in Cohort.objects.filter(phase_id=cohort.phase_id).values_list(
            "schools_left_out", flat=True
        )
        for pk in schools
    }
    if not left_out or set(left_out) <= accepted_before:
        return
    if not accepted:
        names = ", ".join(left_out.values())
        raise ValidationError(
            {"accept_left_out": f"The pilot would leave out {names}. A pilot in every school "
             "shows everyone the change at work; tick the box to save it anyway."},
            code="left_out",
        )  # fmt: skip
    cohort.schools_left_out = sorted(left_out)
    cohort.left_out_accepted_by = actor
    cohort.left_out_accepted_at = timezone.now()
    cohort.save(update_fields=["schools_left_out", "left_out_accepted_by", "left_out_accepted_at"])
    audit_record(actor=actor, action="rollout.pilot_gap_accepted", target=cohort,
                 changes={"schools_left_out": [None, list(left_out.values())]})  # fmt: skip


@transaction.atomic
def member_transition(
    *, member: CohortMember, to: str, actor: User, reason: str = "", on: dt.date | None = None
) -> CohortMember:
    """Withdraw a teacher from their cohort, or take a withdrawal back."""
    _manage(actor, member.cohort)
    Initiative.objects.select_for_update().get(pk=member.cohort.initiative_id)
    member = CohortMember.objects.select_for_update().select_related("cohort").get(pk=member.pk)
    if to not in MEMBER_TRANSITIONS.get(member.status, frozenset()):
        raise ValidationError({"status": f"A member who is {member.get_status_display().lower()} "
                               "cannot move there."})  # fmt: skip
    before = snapshot(member, ("status", "withdrawn_on", "withdrawal_reason"))
    if to == M.WITHDRAWN:
        on = on or _today()
        if on < member.joined_on:
            raise ValidationError({"on": "The date is before they joined the cohort."})
        if on > _today():
            raise ValidationError({"on": "Record a withdrawal once it happens."})
        member.withdrawn_on, member.withdrawal_reason = on, (reason or "").strip()[:300]
    else:
        other = _active_membership(member.cohort.initiative, member.staff_id)
        if other is not None:
            raise ValidationError({"status": f"{member.staff} now implements with "
                                   f"{other.cohort}."})  # fmt: skip
        member.withdrawn_on, member.withdrawal_reason = None, ""
    member.status = to
    member.save(update_fields=["status", "withdrawn_on", "withdrawal_reason"])
    audit_record(
        actor=actor,
        action="rollout.member_status_changed",
        target=member,
        changes=diff(before, snapshot(member, ("status", "withdrawn_on", "withdrawal_reason"))),
    )
    amnesty_refresh(initiative=member.cohort.initiative, staff_ids=[member.staff_id], actor=actor)
    return member


# --- Amnesty --------------------------------------------------------------------------------


def _first_year(memberships: Iterable[CohortMember]) -> CohortMember | None:
    """The membership of the earliest year the teacher implemented in."""
    implementing = [
        m
        for m in memberships
        if m.status == M.ACTIVE
        or (m.withdrawn_on is not None
            and m.withdrawn_on >= school_year_bounds(m.phase.school_year)[0])
    ]  # fmt: skip
    return min(implementing, key=lambda m: (m.phase.school_year, m.pk), default=None)


def amnesty_refresh(*, initiative: Initiative, staff_ids: Sequence[int], actor: User) -> int:
    """Make these teachers' amnesty match their membership; returns how many changed."""
    memberships: dict[int, list[CohortMember]] = {}
    current: dict[int, Amnesty] = {}
    for ids in _chunks(list(dict.fromkeys(staff_ids))):
        for member in CohortMember.objects.filter(
            cohort__initiative=initiative, staff_id__in=ids
        ).select_related("phase"):
            memberships.setdefault(member.staff_id, []).append(member)
        current |= {a.staff_id: a for a in Amnesty.objects.filter(initiative=initiative,
                                                                  staff_id__in=ids)}  # fmt: skip
    changed: dict[str, list[Any]] = {}
    new: list[Amnesty] = []
    moved: list[Amnesty] = []
    gone: list[int] = []
    for staff_id in dict.fromkeys(staff_ids):
        first = _first_year(memberships.get(staff_id, []))
        existing = current.get(staff_id)
        if first is None:
            if existing is not None:
                changed[str(staff_id)] = [existing.school_year, None]
                gone.append(existing.pk)
            continue
        year = first.phase.school_year
        starts, ends = school_year_bounds(year)
        if existing is None:
            new.append(Amnesty(district_id=initiative.district_id, initiative=initiative,
                               staff_id=staff_id, cohort_id=first.cohort_id, school_year=year,
                               starts_on=starts, ends_on=ends))  # fmt: skip
            changed[str(staff_id)] = [None, year]
        elif (existing.school_year, existing.cohort_id) != (year, first.cohort_id):
            changed[str(staff_id)] = [existing.school_year, year]
            existing.school_year, existing.cohort_id = year, first.cohort_id
            existing.starts_on, existing.ends_on = starts, ends
            moved.append(existing)
    # In bulk: moving a phase to another year moves every one of its teachers at once.
    for ids in _chunks(gone):
        Amnesty.objects.filter(pk__in=ids).delete()
    Amnesty.objects.bulk_update(
        moved, ["school_year", "cohort", "starts_on", "ends_on"], batch_size=ID_CHUNK
    )
    Amnesty.objects.bulk_create(new, batch_size=ID_CHUNK)
    if changed:
        audit_record(actor=actor, action="rollout.amnesty_recorded", target=initiative,
                     changes={"amnesty by staff id": [None, changed]})  # fmt: skip
    return len(changed)


def require_manager(actor: User, initiative: Initiative) -> None:
    """For views that offer a manager's form before any service runs."""
    if not policy.can(actor, policy.ROLLOUT_MANAGE, initiative):
        raise PermissionDenied("Only rollout managers can change the rollout plan.")
