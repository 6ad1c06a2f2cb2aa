"""Writes for the activity catalog, sessions, enrolment, attendance and certifications. Each
validates everything first, then writes and audits in one transaction: a bad line anywhere means
nothing is written.

Enrolment is a status machine (``ENROLMENT_TRANSITIONS``, moved only by ``_enrolment_move``):
enrolled → cancelled; waitlisted → enrolled (a seat freed) or cancelled; cancelled → enrolled or
waitlisted (the person enrols again). A seat that frees goes to the first person waitlisted.

``candidacy_refresh`` is the one place a certification is granted or withdrawn: attendance,
walkthrough evidence and requirement changes all call it, and it sets ``certified_on`` to the
day the last requirement was met (or clears it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_of
from trellis.core.writes import assign_fields, save_validated
from trellis.learning.models import (
    MAX_ACTIVITY_HOURS,
    Activity,
    Candidacy,
    CertificationProgram,
    Enrolment,
    EnrolmentStatus,
    Requirement,
    RequirementEvidence,
    RequirementKind,
    Session,
)
from trellis.learning.selectors import catalog as selectors
from trellis.org.models import School, Staff, StaffClassification
from trellis.roles.models import RoleType

ACTIVITY_FIELDS = ("title", "description", "source", "provider", "element", "hours", "level",
                   "capacity", "is_active")  # fmt: skip
SESSION_FIELDS = ("starts_on", "ends_on", "start_time", "location", "capacity")
PROGRAM_FIELDS = ("name", "description", "content_area", "is_active")
EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 3  # sessions are scheduled at most this far ahead
MAX_SESSION_DAYS = 366  # a university course runs a semester or a year, not longer
COHORT_LENGTH = Candidacy._meta.get_field("cohort").max_length or 60
NOTE_LENGTH = RequirementEvidence._meta.get_field("note").max_length or 300

ES = EnrolmentStatus
M = TypeVar("M", bound=models.Model)
ENROLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ES.ENROLLED: frozenset({ES.CANCELLED}),
    ES.WAITLISTED: frozenset({ES.ENROLLED, ES.CANCELLED}),
    ES.CANCELLED: frozenset({ES.ENROLLED, ES.WAITLISTED}),
}
_STATUS_WORDS: dict[str, str] = {
    ES.ENROLLED: "enrolled", ES.WAITLISTED: "on the waitlist", ES.CANCELLED: "cancelled",
}  # fmt: skip


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _grouped(rows: Iterable[M], key: Callable[[M], Hashable]) -> dict[Any, list[int]]:
    """Primary keys by the values to write: one UPDATE per distinct value (a roster has a
    handful), which is far cheaper than a row-by-row ``bulk_update``."""
    groups: dict[Any, list[int]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row.pk)
    return groups


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- Activities -----------------------------------------------------------------------------


def _check_activity(activity: Activity, audience: Sequence[RoleType]) -> None:
    clash = Activity.objects.filter(
        district_id=activity.district_id, title__iexact=(activity.title or "").strip()
    ).exclude(pk=activity.pk)
    if activity.title and clash.exists():
        raise ValidationError(
            {"title": f"The catalog already has an activity called “{activity.title}”."}
        )
    if any(role.district_id != activity.district_id for role in audience):
        raise ValidationError({"audience": "Choose roles from this district's role catalog."})


def _activity_state(activity: Activity) -> dict[str, Any]:
    names = sorted(role.name for role in activity.audience.all())
    return {**snapshot(activity, ACTIVITY_FIELDS), "audience": ", ".join(names)}


@transaction.atomic
def activity_create(
    *, district: District, data: Mapping[str, Any], audience: Sequence[RoleType] = (),
    actor: User | None,
) -> Activity:  # fmt: skip
    activity = Activity(district=district)
    assign_fields(activity, data, ACTIVITY_FIELDS)
    _check_activity(activity, audience)
    save_validated(activity)
    activity.audience.set(audience)
    changes = diff({}, _activity_state(activity))
    audit_record(actor=actor, action="learning.activity_created", target=activity, changes=changes)
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, data: Mapping[str, Any], audience: Sequence[RoleType] | None = None,
    actor: User | None,
) -> Activity:  # fmt: skip
    before = _activity_state(Activity.objects.select_for_update().get(pk=activity.pk))
    assign_fields(activity, data, ACTIVITY_FIELDS)
    roles = list(activity.audience.all()) if audience is None else list(audience)
    _check_activity(activity, roles)
    save_validated(activity)
    if audience is not None:
        activity.audience.set(roles)
    changes = diff(before, _activity_state(activity))
    if changes:
        audit_record(
            actor=actor, action="learning.activity_updated", target=activity, changes=changes
        )
    return activity


# --- Sessions -------------------------------------------------------------------------------


def _check_session(session: Session, today: dt.date) -> None:
    errors: dict[str, str] = {}
    starts, ends = session.starts_on, session.ends_on
    latest = today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))
    if isinstance(starts, dt.date):
        if not EARLIEST <= starts <= latest:
            errors["starts_on"] = (
                f"Give a date between {EARLIEST:%Y} and {latest:%Y-%m-%d} "
                f"(sessions are scheduled at most {YEARS_AHEAD} years ahead)."
            )
        elif isinstance(ends, dt.date) and ends < starts:
            errors["ends_on"] = f"It can't end before it starts ({starts:%Y-%m-%d})."
        elif isinstance(ends, dt.date) and (ends - starts).days > MAX_SESSION_DAYS:
            errors["ends_on"] = "A session runs for a year at most; schedule several sessions."
    if errors:
        raise ValidationError(errors)


def _session_state(session: Session) -> dict[str, Any]:
    state = snapshot(session, (*SESSION_FIELDS, "school_year"))
    if isinstance(state["start_time"], dt.time):  # the audit trail stores plain JSON
        state["start_time"] = state["start_time"].strftime("%H:%M")
    return state


@transaction.atomic
def session_create(
    *, activity: Activity, data: Mapping[str, Any], actor: User | None, today: dt.date | None = None
) -> Session:
    if not activity.is_active:
        raise ValidationError(
            f"“{activity.title}” is no longer offered; offer it again before scheduling it."
        )
    session = Session(district_id=activity.district_id, activity=activity)
    assign_fields(session, data, SESSION_FIELDS)
    _check_session(session, _today(today))
    if isinstance(session.starts_on, dt.date):
        session.school_year = school_year_of(session.starts_on)
    save_validated(session)
    changes = diff({}, _session_state(session))
    audit_record(actor=actor, action="learning.session_created", target=session, changes=changes)
    return session


@transaction.atomic
def session_update(
    *, session: Session, data: Mapping[str, Any], actor: User | None, today: dt.date | None = None
) -> Session:
    """Change a session's date, place or capacity. Enrolments follow its school year; a larger
    capacity seats people from the waitlist; certification progress follows a new date."""
    today = _today(today)
    locked = Session.objects.select_for_update().select_related("activity").get(pk=session.pk)
    before = _session_state(locked)
    assign_fields(locked, data, SESSION_FIELDS)
    _check_session(locked, today)
    marked = Enrolment.objects.filter(session=locked, attended__isnull=False)
    if isinstance(locked.starts_on, dt.date) and locked.starts_on > today and marked.exists():
        raise ValidationError(
            {"starts_on": "Attendance is already marked, so the session can't move to the future."}
        )
    if isinstance(locked.starts_on, dt.date):
        locked.school_year = school_year_of(locked.starts_on)
    save_validated(locked)
    changes = diff(before, _session_state(locked))
    if "school_year" in changes:
        Enrolment.objects.filter(session=locked).update(school_year=locked.school_year)
    if changes:
        audit_record(actor=actor, action="learning.session_updated", target=locked, changes=changes)
    if "starts_on" in changes:
        attendees = marked.values("staff_id")
        candidacy_refresh(
            candidacies=Candidacy.objects.filter(
                district_id=locked.district_id, staff_id__in=attendees
            ),
            actor=actor,
        )
    _promote(locked, actor)
    return locked


# --- Enrolment ------------------------------------------------------------------------------


@dataclass
class EnrolmentOutcome:
    enrolled: list[Enrolment] = field(default_factory=list)
    waitlisted: list[Enrolment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _enrolment_move(enrolment: Enrolment, to: str, *, actor: User | None, action: str) -> None:
    """The one way an enrolment changes status, along ``ENROLMENT_TRANSITIONS``."""
    if to not in ENROLMENT_TRANSITIONS[enrolment.status]:
        raise ValidationError(
            f"{enrolment.staff.full_name} is {_STATUS_WORDS[enrolment.status]}; "
            f"that can't change to {_STATUS_WORDS[to]}."
        )
    before = enrolment.status
    enrolment.status = to
    enrolment.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, target=enrolment, changes={"status": [before, to]})


def _seats_taken(session: Session) -> int:
    return Enrolment.objects.filter(session=session, status=ES.ENROLLED).count()


def _promote(session: Session, actor: User | None) -> list[Enrolment]:
    """Seat waitlisted people, first come first served, while seats are free."""
    limit = selectors.seat_limit(session)
    waiting = selectors.waitlist_order(
        Enrolment.objects.filter(session=session).select_related("staff")
    )
    if limit is not None:
        free = limit - _seats_taken(session)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for enrolment in promoted:
        _enrolment_move(enrolment, ES.ENROLLED, actor=actor, action="learning.waitlist_promoted")
    return promoted


def _check_enrolable(
    session: Session, people: Sequence[Staff], allow_past: bool, today: dt.date
) -> None:
    if not session.activity.is_active:
        raise ValidationError(f"“{session.activity.title}” is no longer offered.")
    if not allow_past and session.starts_on < today:
        raise ValidationError(
            f"This session started on {session.starts_on:%Y-%m-%d}, so it is closed for "
            "enrolment; a learning manager can still add someone who attended."
        )
    if not people:
        raise ValidationError({"staff": "Choose who to enrol."})
    for person in people:
        if person.district_id != session.district_id:
            raise ValidationError({"staff": "That person is not on this district's staff."})
        if not person.is_active:
            raise ValidationError(
                {"staff": f"{person.full_name} is not current staff; only current staff enrol."}
            )
    if len({p.pk for p in people}) != len(people):
        raise ValidationError({"staff": "Someone is listed twice."})


@transaction.atomic
def enrolments_create(
    *, session: Session, people: Sequence[Staff], actor: User | None, waitlist: bool = True,
    allow_past: bool = False, today: dt.date | None = None,
) -> EnrolmentOutcome:  # fmt: skip
    """Enrol people in a session, in order; those beyond its capacity go on the waitlist, or
    (``waitlist=False``) nobody is enrolled at all. Managers pass ``allow_past`` to record
    people into a session that has started."""
    today = _today(today)
    session = Session.objects.select_for_update().select_related("activity").get(pk=session.pk)
    _check_enrolable(session, people, allow_past, today)
    existing = {
        e.staff_id: e
        for e in Enrolment.objects.filter(session=session, staff__in=[p.pk for p in people])
    }
    for person in people:
        found = existing.get(person.pk)
        if found is not None and found.status != ES.CANCELLED:
            raise ValidationError(
                {"staff": f"{person.full_name} is already {_STATUS_WORDS[found.status]} here."}
            )
    _promote(session, actor)  # seats freed by a capacity change go to the waitlist first
    limit = selectors.seat_limit(session)
    taken = _seats_taken(session)
    free = None if limit is None else max(0, limit - taken)
    if free is not None and len(people) > free and not waitlist:
        raise ValidationError(
            {
                "waitlist": f"The session is full: {taken} of {limit} seats are taken and "
                f"{len(people)} asked for. Nothing was saved; allow the waitlist or raise the "
                "session's capacity."
            }
        )
    outcome = EnrolmentOutcome(warnings=selectors.fit_warnings(session.activity, people, today))
    new: list[Enrolment] = []
    for index, person in enumerate(people):
        status = ES.ENROLLED if free is None or index < free else ES.WAITLISTED
        if person.pk in existing:
            row = existing[person.pk]
            row.staff = person
            _enrolment_move(row, status, actor=actor, action="learning.enrolled_again")
        else:
            row = Enrolment(
                district_id=session.district_id, session=session, staff=person, status=status,
                school_year=session.school_year,
            )  # fmt: skip
            new.append(row)
        (outcome.enrolled if status == ES.ENROLLED else outcome.waitlisted).append(row)
    Enrolment.objects.bulk_create(new, batch_size=1_000)
    if new:
        changes = {e.staff.full_name: [None, e.status] for e in new}
        audit_record(actor=actor, action="learning.enrolled", target=session, changes=changes)
    return outcome


def enrolment_create(
    *, session: Session, staff: Staff, actor: User | None, waitlist: bool = True,
    allow_past: bool = False, today: dt.date | None = None,
) -> tuple[Enrolment, list[str]]:  # fmt: skip
    """Enrol one person (see ``enrolments_create``); returns the row and any warnings."""
    outcome = enrolments_create(
        session=session, people=[staff], actor=actor, waitlist=waitlist,
        allow_past=allow_past, today=today,
    )  # fmt: skip
    return (outcome.enrolled or outcome.waitlisted)[0], outcome.warnings


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, actor: User | None) -> Enrolment | None:
    """Cancel a seat or a place on the waitlist; a freed seat goes to the first waitlisted
    person, who is returned."""
    session = (
        Session.objects.select_for_update().select_related("activity").get(pk=enrolment.session_id)
    )
    row = Enrolment.objects.select_related("staff").get(pk=enrolment.pk)
    if row.attended is not None:
        raise ValidationError(
            f"Attendance is already marked for {row.staff.full_name}; correct the attendance "
            "instead of cancelling."
        )
    held_seat = row.status == ES.ENROLLED
    _enrolment_move(row, ES.CANCELLED, actor=actor, action="learning.enrolment_cancelled")
    enrolment.status = row.status
    promoted = _promote(session, actor) if held_seat else []
    return promoted[0] if promoted else None


# --- Attendance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    staff_id: int
    attended: bool
    hours: Decimal | None = None  # attended: the activity's hours unless given


@dataclass
class RefreshOutcome:
    certified: list[Candidacy] = field(default_factory=list)
    uncertified: list[Candidacy] = field(default_factory=list)


@dataclass
class AttendanceOutcome:
    marked: int
    refresh: RefreshOutcome


def _hours_problem(row: AttendanceRow, activity: Activity) -> str | None:
    hours = row.hours
    if hours is None:
        return None
    if not hours.is_finite():
        return "hours must be a number."
    if hours < 0:
        return "hours can't be negative."
    if hours > MAX_ACTIVITY_HOURS:
        return f"{_hours(hours)} hours is more than the {MAX_ACTIVITY_HOURS} any session credits."
    if hours > activity.hours:
        return (
            f"{_hours(hours)} hours is more than the {_hours(activity.hours)} hours "
            f"“{activity.title}” credits."
        )
    if hours != hours.quantize(Decimal("0.01")):
        return "give hours to two decimal places at most (a quarter hour is 0.25)."
    if not row.attended and hours > 0:
        return f"marked absent but credited {_hours(hours)} hours; absent means no hours."
    if row.attended and hours == 0:
        return "attended with 0 hours: give the hours they stayed, or mark them absent."
    return None


def _attendance_errors(
    rows: Sequence[AttendanceRow], seats: Mapping[int, Enrolment], activity: Activity
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, row in enumerate(rows):
        line = f"Line {index + 1}"
        found = seats.get(row.staff_id)
        if found is None:
            message = f"{line}: staff id {row.staff_id} is not enrolled in this session."
            errors[f"rows.{index}.staff_id"] = [message]
            continue
        name = found.staff.full_name
        if found.status != ES.ENROLLED:
            message = f"{line}: {name} is {_STATUS_WORDS[found.status]}, not enrolled."
            errors[f"rows.{index}.staff_id"] = [message]
        elif row.staff_id in seen:
            errors[f"rows.{index}.staff_id"] = [f"{line}: {name} is listed twice."]
        seen.add(row.staff_id)
        problem = _hours_problem(row, activity)
        if problem:
            errors[f"rows.{index}.hours"] = [f"{line}, {name}: {problem}"]
    return errors


def _attendance_word(attended: bool | None, hours: Decimal | None) -> str | None:
    if attended is None:
        return None
    return f"attended {_hours(hours or Decimal(0))} h" if attended else "absent"


@transaction.atomic
def attendance_mark(
    *, session: Session, rows: Sequence[AttendanceRow], actor: User | None,
    today: dt.date | None = None,
) -> AttendanceOutcome:  # fmt: skip
    """Mark who attended and for how long, all rows or none. A row for someone not enrolled,
    negative hours, or more hours than the activity credits is an error at that row."""
    today = _today(today)
    session = Session.objects.select_for_update().select_related("activity").get(pk=session.pk)
    if session.starts_on > today:
        raise ValidationError(
            f"Attendance can't be marked before the session starts ({session.starts_on:%Y-%m-%d})."
        )
    if not rows:
        raise ValidationError("There is nobody to mark; enrol people first.")
    seats = {
        e.staff_id: e for e in Enrolment.objects.filter(session=session).select_related("staff")
    }
    errors = _attendance_errors(rows, seats, session.activity)
    if errors:
        raise ValidationError(errors)
    now, changed, changes = timezone.now(), [], {}
    for row in rows:
        enrolment = seats[row.staff_id]
        hours = (
            (row.hours if row.hours is not None else session.activity.hours)
            if row.attended
            else Decimal(0)
        )
        before = _attendance_word(enrolment.attended, enrolment.hours)
        after = _attendance_word(row.attended, hours)
        if before == after:
            continue
        enrolment.attended, enrolment.hours, enrolment.updated_at = row.attended, hours, now
        changed.append(enrolment)
        changes[enrolment.staff.full_name] = [before, after]
    for (attended, hours), ids in _grouped(changed, lambda e: (e.attended, e.hours)).items():
        Enrolment.objects.filter(pk__in=ids).update(attended=attended, hours=hours, updated_at=now)
    if changes:
        audit_record(
            actor=actor, action="learning.attendance_marked", target=session, changes=changes
        )
    refresh = candidacy_refresh(
        candidacies=Candidacy.objects.filter(
            district_id=session.district_id, staff_id__in=[e.staff_id for e in changed]
        ),
        actor=actor,
    )
    return AttendanceOutcome(marked=len(changed), refresh=refresh)


# --- Certification: programs and requirements -----------------------------------------------


def _check_program(program: CertificationProgram) -> None:
    clash = CertificationProgram.objects.filter(
        district_id=program.district_id, name__iexact=(program.name or "").strip()
    ).exclude(pk=program.pk)
    if program.name and clash.exists():
        raise ValidationError({"name": f"There is already a program called “{program.name}”."})


@transaction.atomic
def program_create(
    *, district: District, data: Mapping[str, Any], actor: User | None
) -> CertificationProgram:
    program = CertificationProgram(district=district)
    assign_fields(program, data, PROGRAM_FIELDS)
    _check_program(program)
    save_validated(program)
    changes = diff({}, snapshot(program, PROGRAM_FIELDS))
    audit_record(actor=actor, action="learning.program_created", target=program, changes=changes)
    return program


@transaction.atomic
def program_update(
    *, program: CertificationProgram, data: Mapping[str, Any], actor: User | None
) -> CertificationProgram:
    locked = CertificationProgram.objects.select_for_update().get(pk=program.pk)
    before = snapshot(locked, PROGRAM_FIELDS)
    assign_fields(program, data, PROGRAM_FIELDS)
    _check_program(program)
    save_validated(program)
    changes = diff(before, snapshot(program, PROGRAM_FIELDS))
    if changes:
        audit_record(
            actor=actor, action="learning.program_updated", target=program, changes=changes
        )
    return program


def _refresh_open(program: CertificationProgram, actor: User | None) -> RefreshOutcome:
    # A certification already granted stands when the program's requirements change later.
    return candidacy_refresh(
        candidacies=Candidacy.objects.filter(
            district_id=program.district_id, program=program, certified_on__isnull=True
        ),
        actor=actor,
    )


def _check_requirement(
    program: CertificationProgram, kind: str, amount: Decimal | None, activity: Activity | None
) -> Decimal:
    """The amount the requirement will hold, or a ValidationError at the field at fault."""
    if kind not in RequirementKind.values:
        raise ValidationError({"kind": "Choose what the requirement asks for."})
    if kind == RequirementKind.ACTIVITY:
        if activity is None:
            raise ValidationError({"activity": "Choose the activity to attend."})
        if activity.district_id != program.district_id:
            raise ValidationError({"activity": "Choose an activity from this district's catalog."})
        if Requirement.objects.filter(program=program, activity=activity).exists():
            raise ValidationError({"activity": f"The program already asks for “{activity}”."})
        return Decimal(1)
    if activity is not None:
        raise ValidationError(
            {"activity": "Only an “attend an activity” requirement names an activity."}
        )
    unit = "hours" if kind == RequirementKind.HOURS else "walkthroughs"
    if amount is None or not amount.is_finite():
        raise ValidationError({"amount": f"Give the number of {unit}."})
    if kind == RequirementKind.WALKTHROUGHS and amount != amount.to_integral_value():
        raise ValidationError({"amount": "Walkthroughs are counted in whole numbers."})
    return amount


@transaction.atomic
def requirement_add(
    *, program: CertificationProgram, kind: str, actor: User | None, amount: Decimal | None = None,
    activity: Activity | None = None,
) -> Requirement:  # fmt: skip
    """Add a requirement at the end of the program's list; open candidacies are re-checked."""
    amount = _check_requirement(program, kind, amount, activity)
    last = Requirement.objects.filter(program=program).aggregate(last=Max("order"))["last"]
    requirement = Requirement(
        program=program, kind=kind, activity=activity, amount=amount,
        order=0 if last is None else last + 1,
    )  # fmt: skip
    save_validated(requirement)
    audit_record(
        actor=actor, action="learning.requirement_added", target=requirement,
        district=program.district, changes={"requirement": [None, str(requirement)]},
    )  # fmt: skip
    _refresh_open(program, actor)
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: Requirement, actor: User | None) -> None:
    if RequirementEvidence.objects.filter(requirement=requirement).exists():
        raise ValidationError(
            "Walkthroughs are recorded toward this requirement, so it can't be removed."
        )
    program = requirement.program
    audit_record(
        actor=actor, action="learning.requirement_removed", target=requirement,
        district=program.district, changes={"requirement": [str(requirement), None]},
    )  # fmt: skip
    requirement.delete()
    _refresh_open(program, actor)


# --- Certification: candidacies, evidence and the refresh -----------------------------------


@transaction.atomic
def candidacy_refresh(*, candidacies: Iterable[Candidacy], actor: User | None) -> RefreshOutcome:
    """Grant or withdraw certifications from progress: ``certified_on`` becomes the day the last
    requirement was met, or empty while one is not. Each change is audited."""
    rows = list(candidacies)
    progress = selectors.candidacy_progress(candidacies=rows)
    outcome, changed = RefreshOutcome(), []
    district = None
    for candidacy in rows:
        before, after = candidacy.certified_on, progress[candidacy.pk].completed_on
        if before == after:
            continue
        candidacy.certified_on = after
        changed.append(candidacy)
        (outcome.certified if after else outcome.uncertified).append(candidacy)
        district = district or District.objects.get(pk=candidacy.district_id)
        audit_record(
            actor=actor,
            action="learning.candidacy_certified" if after else "learning.candidacy_uncertified",
            target=candidacy,
            district=district,
            changes={"certified_on": [before and str(before), after and str(after)]},
        )
    for certified_on, ids in _grouped(changed, lambda c: c.certified_on).items():
        Candidacy.objects.filter(pk__in=ids).update(certified_on=certified_on)
    return outcome


def _check_start(started_on: dt.date, today: dt.date) -> None:
    if not EARLIEST <= started_on <= today + dt.timedelta(days=366):
        raise ValidationError(
            {"started_on": f"Give a start between {EARLIEST:%Y} and a year from today."}
        )


def _check_candidates(program: CertificationProgram, people: Sequence[Staff]) -> None:
    if not program.is_active:
        raise ValidationError(f"“{program.name}” is closed to new candidates.")
    for person in people:
        if person.district_id != program.district_id:
            raise ValidationError({"staff": "That person is not on this district's staff."})
        if not person.is_active:
            raise ValidationError({"staff": f"{person.full_name} is not current staff."})
    if len({p.pk for p in people}) != len(people):
        raise ValidationError({"staff": "Someone is listed twice."})
    found = (
        Candidacy.objects.filter(program=program, staff__in=[p.pk for p in people])
        .select_related("staff")
        .first()
    )
    if found is not None:
        cohort = f" in the {found.cohort}" if found.cohort else ""
        raise ValidationError({"staff": f"{found.staff.full_name} is already a candidate{cohort}."})


@transaction.atomic
def candidacies_create(
    *, program: CertificationProgram, people: Sequence[Staff], started_on: dt.date,
    actor: User | None, cohort: str = "", today: dt.date | None = None,
) -> list[Candidacy]:  # fmt: skip
    """Make people candidates of a program (a cohort at once), each audited; progress they
    already have (an activity attended) counts at once."""
    cohort = cohort.strip()
    if not people:
        raise ValidationError({"staff": "Choose who to add."})
    if len(cohort) > COHORT_LENGTH:
        raise ValidationError({"cohort": f"Keep the cohort to {COHORT_LENGTH} characters."})
    _check_candidates(program, people)
    _check_start(started_on, _today(today))
    rows = [
        Candidacy(district_id=program.district_id, program=program, staff=person,
                  cohort=cohort, started_on=started_on)
        for person in people
    ]  # fmt: skip
    Candidacy.objects.bulk_create(rows, batch_size=1_000)
    for candidacy in rows:
        audit_record(
            actor=actor, action="learning.candidacy_created", target=candidacy,
            district=program.district,
            changes={"program": [None, program.name], "staff": [None, candidacy.staff.full_name],
                     "cohort": [None, cohort], "started_on": [None, str(started_on)]},
        )  # fmt: skip
    candidacy_refresh(candidacies=rows, actor=actor)
    return rows


def candidacy_create(
    *, program: CertificationProgram, staff: Staff, started_on: dt.date, actor: User | None,
    cohort: str = "", today: dt.date | None = None,
) -> Candidacy:  # fmt: skip
    """Make one person a candidate (see ``candidacies_create``)."""
    return candidacies_create(
        program=program, people=[staff], started_on=started_on, actor=actor, cohort=cohort,
        today=today,
    )[0]  # fmt: skip


@transaction.atomic
def candidacies_enrol_school(
    *, program: CertificationProgram, school: School, started_on: dt.date, actor: User | None,
    cohort: str = "", today: dt.date | None = None,
) -> int:  # fmt: skip
    """Make every current teacher at a school a candidate who is not one yet (for a program
    with a content area, the teachers of that subject). Returns how many were added."""
    if school.district_id != program.district_id:
        raise ValidationError({"school": "Choose a school of this district."})
    teachers = Staff.objects.filter(
        district_id=program.district_id, school=school, is_active=True,
        classification=StaffClassification.TEACHER,
    ).exclude(candidacies__program=program)  # fmt: skip
    if program.content_area:
        teachers = teachers.filter(academic_subject=program.content_area)
    people = list(teachers.order_by("last_name", "first_name", "id"))
    if not people:
        raise ValidationError(
            {"school": f"Every current teacher at {school.name} who fits is already a candidate."}
        )
    made = candidacies_create(
        program=program, people=people, started_on=started_on, actor=actor, cohort=cohort,
        today=today,
    )  # fmt: skip
    return len(made)


@transaction.atomic
def evidence_record_many(
    *, requirement: Requirement, candidacies: Sequence[Candidacy], completed_on: dt.date,
    actor: User | None, note: str = "", today: dt.date | None = None,
) -> list[RequirementEvidence]:  # fmt: skip
    """Record one observed walkthrough for each candidacy (a consultants' walkthrough day);
    activities and hours come from attendance, never from here. All or nothing."""
    today = _today(today)
    if requirement.kind != RequirementKind.WALKTHROUGHS:
        raise ValidationError(
            {"requirement": "Only observed walkthroughs are recorded by hand; activities and "
             "hours come from attendance."}
        )  # fmt: skip
    if any(c.program_id != requirement.program_id for c in candidacies):
        raise ValidationError({"requirement": "Choose a requirement of this program."})
    if completed_on > today:
        raise ValidationError(
            {"completed_on": "A walkthrough is recorded once it has happened, not in advance."}
        )
    early = next((c for c in candidacies if completed_on < c.started_on), None)
    if early is not None:
        raise ValidationError(
            {"completed_on": f"That is before {early.staff.full_name}'s candidacy started "
             f"({early.started_on:%Y-%m-%d})."}
        )  # fmt: skip
    if len(note.strip()) > NOTE_LENGTH:
        raise ValidationError({"note": f"Keep the note to {NOTE_LENGTH} characters."})
    recorder = actor if actor is not None and actor.pk else None
    rows = [
        RequirementEvidence(candidacy=c, requirement=requirement, completed_on=completed_on,
                            note=note.strip(), recorded_by=recorder)
        for c in candidacies
    ]  # fmt: skip
    RequirementEvidence.objects.bulk_create(rows, batch_size=1_000)
    district = requirement.program.district
    for evidence in rows:
        audit_record(
            actor=actor, action="learning.evidence_recorded", target=evidence, district=district,
            changes={"requirement": [None, str(requirement)],
                     "completed_on": [None, str(completed_on)]},
        )  # fmt: skip
    candidacy_refresh(candidacies=candidacies, actor=actor)
    return rows


def evidence_record(
    *, candidacy: Candidacy, requirement: Requirement, completed_on: dt.date, actor: User | None,
    note: str = "", today: dt.date | None = None,
) -> RequirementEvidence:  # fmt: skip
    """Record one observed walkthrough for one candidacy (see ``evidence_record_many``)."""
    return evidence_record_many(
        requirement=requirement, candidacies=[candidacy], completed_on=completed_on,
        actor=actor, note=note, today=today,
    )[0]  # fmt: skip


@transaction.atomic
def evidence_remove(*, evidence: RequirementEvidence, actor: User | None) -> RefreshOutcome:
    """Remove a walkthrough recorded in error; a certification that rested on it is withdrawn."""
    candidacy = Candidacy.objects.select_for_update().get(pk=evidence.candidacy_id)
    audit_record(
        actor=actor, action="learning.evidence_removed", target=evidence,
        district=candidacy.district,
        changes={"completed_on": [str(evidence.completed_on), None]},
    )  # fmt: skip
    evidence.delete()
    return candidacy_refresh(candidacies=[candidacy], actor=actor)
