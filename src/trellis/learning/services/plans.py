"""Writes for learning plans, PLCs and onboarding tracks. Each validates, saves and audits in
one transaction; a refused write leaves nothing behind.

Status machine: a plan goal moves along ``GOAL_TRANSITIONS`` through ``goal_move`` only.
Hiring hands over its debrief goals through ``goals_from_debrief`` (learning never imports
hiring); a started assignment gets its onboarding track through ``assignment_started``, which
``learning.apps`` subscribes to the ``roles.assignment_started`` event.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_bounds, validate_school_year
from trellis.core.writes import assign_fields, save_validated
from trellis.learning.models import (
    Activity,
    Audience,
    GoalSource,
    GoalStatus,
    ItemDone,
    LearningPlan,
    Onboarding,
    OnboardingTrack,
    PlanGoal,
    Plc,
    PlcMeeting,
    TrackItem,
)
from trellis.org.models import Staff
from trellis.roles.models import Assignment, RoleType

logger = logging.getLogger(__name__)

S = GoalStatus
GOAL_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.ACTIVE, S.DEFERRED, S.DROPPED}),
    S.ACTIVE: frozenset({S.MET, S.DEFERRED, S.DROPPED}),
    S.DEFERRED: frozenset({S.ACTIVE}),
    S.DROPPED: frozenset({S.ACTIVE}),
    S.MET: frozenset(),  # final
}
GOAL_FIELDS = ("text", "owner", "review_on", "activities", "evidence")
PLC_FIELDS = ("name", "role_type", "cadence", "facilitator", "goals", "members", "is_active")
MEETING_FIELDS = ("held_on", "agenda", "notes", "challenges", "successes")
TRACK_FIELDS = ("name", "role_type", "audience")
ITEM_FIELDS = ("title", "detail", "due_days", "order")
MAX_TEXT = 4000
MAX_MEETING_AHEAD = dt.timedelta(days=365)
MAX_MEETING_BEHIND = dt.timedelta(days=3650)


def _today() -> dt.date:
    return timezone.localdate()


def _same_district(district_id: int, objects: Iterable[Any]) -> bool:
    return all(o.district_id == district_id for o in objects)


# --- Learning plans -------------------------------------------------------------------------


@transaction.atomic
def plan_get_or_create(*, staff: Staff, school_year: str, actor: User | None) -> LearningPlan:
    """The person's plan for a school year, made the first time it is needed."""
    try:
        validate_school_year(school_year)
    except ValidationError as error:
        raise ValidationError({"school_year": error.messages}) from error
    plan = LearningPlan.objects.filter(staff=staff, school_year=school_year).first()
    if plan is not None:
        return plan
    plan = LearningPlan(district_id=staff.district_id, staff=staff, school_year=school_year)
    save_validated(plan)
    audit_record(
        actor=actor,
        action="learning.plan_created",
        target=plan,
        changes={"staff": [None, staff.full_name], "school_year": [None, school_year]},
    )
    return plan


def _check_goal(goal: PlanGoal, activities: Sequence[Activity] | None, is_new: bool) -> None:
    """Every rule a goal must meet, all reported at once."""
    errors: dict[str, str] = {}
    text = goal.text.strip()
    if not text:
        errors["text"] = "Describe the goal."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Keep a goal under {MAX_TEXT} characters."
    elif (
        PlanGoal.objects.filter(plan_id=goal.plan_id, text__iexact=text)
        .exclude(pk=goal.pk)
        .exists()
    ):
        errors["text"] = "This plan already has that goal."
    if goal.owner_id is None:
        errors["owner"] = (
            "A goal with no owner is never moved: choose the person, or the coach or mentor "
            "responsible for it."
        )
    elif goal.owner.district_id != goal.district_id:
        errors["owner"] = "Choose an owner from this district's staff."
    elif is_new and not goal.owner.is_active:
        errors["owner"] = f"{goal.owner.full_name} is no longer employed by the district."
    if goal.review_on is not None:
        first, _ = school_year_bounds(goal.plan.school_year)
        last = dt.date(first.year + 2, 6, 30)
        if not first <= goal.review_on <= last:
            errors["review_on"] = (
                f"The next review must fall between {first:%Y-%m-%d} and {last:%Y-%m-%d}: the "
                "plan's school year or the one after."
            )
    if activities is not None and not _same_district(goal.district_id, activities):
        errors["activities"] = "Choose activities from this district's catalog."
    if len(goal.evidence) > MAX_TEXT:
        errors["evidence"] = f"Keep the evidence under {MAX_TEXT} characters; link to longer work."
    if errors:
        raise ValidationError(errors)


def _goal_values(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Activity] | None]:
    values = dict(data)
    activities = values.pop("activities", None)
    return values, (list(activities) if activities is not None else None)


@transaction.atomic
def goal_add(
    *,
    staff: Staff,
    school_year: str,
    source: str,
    data: Mapping[str, Any],
    actor: User | None,
) -> PlanGoal:
    """Add a goal (text, owner, next review, activities, evidence) to the person's plan for the
    school year, making the plan if it is the first goal."""
    if source not in GoalSource.values:
        raise ValidationError({"source": "Choose where the goal comes from."})
    if not staff.is_active:
        raise ValidationError(f"{staff.full_name} is no longer employed by the district.")
    plan = plan_get_or_create(staff=staff, school_year=school_year, actor=actor)
    values, activities = _goal_values(data)
    goal = PlanGoal(district_id=plan.district_id, plan=plan, source=source)
    assign_fields(goal, values, GOAL_FIELDS)
    _check_goal(goal, activities, is_new=True)
    save_validated(goal)
    if activities:
        goal.activities.set(activities)
    audit_record(
        actor=actor,
        action="learning.goal_added",
        target=goal,
        changes={"source": [None, source], "text": [None, goal.text], "plan": [None, str(plan)]},
    )
    return goal


@transaction.atomic
def goal_update(*, goal: PlanGoal, data: Mapping[str, Any], actor: User | None) -> PlanGoal:
    """Change a goal's text, owner, next review, activities or evidence. The caller passes only
    the fields this person may change (the person: the evidence of goals set by others)."""
    goal = PlanGoal.objects.select_for_update().select_related("plan", "owner").get(pk=goal.pk)
    before = snapshot(goal, ("text", "owner", "review_on", "evidence"))
    before_owner = goal.owner_id
    before_activities = sorted(goal.activities.values_list("pk", flat=True))
    values, activities = _goal_values(data)
    assign_fields(goal, values, GOAL_FIELDS)
    _check_goal(goal, activities, is_new=goal.owner_id != before_owner)
    save_validated(goal)
    changes = diff(before, snapshot(goal, ("text", "owner", "review_on", "evidence")))
    if activities is not None:
        goal.activities.set(activities)
        after_activities = sorted(a.pk for a in activities)
        if after_activities != before_activities:
            changes["activities"] = [before_activities, after_activities]
    audit_record(actor=actor, action="learning.goal_updated", target=goal, changes=changes)
    return goal


@transaction.atomic
def goal_move(*, goal: PlanGoal, to: str, actor: User | None, note: str = "") -> PlanGoal:
    """Move a goal along ``GOAL_TRANSITIONS``: planned → active → met (final), deferred or
    dropped; a deferred or dropped goal may reopen."""
    goal = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    labels = dict(GoalStatus.choices)
    if to not in labels:
        raise ValidationError({"to": "Choose a status."})
    allowed = GOAL_TRANSITIONS[goal.status]
    if to not in allowed:
        now = labels[goal.status].lower()
        if not allowed:
            message = f"This goal is {now}; a met goal is final. Add a new goal to go further."
        else:
            choices = ", ".join(sorted(labels[s].lower() for s in allowed))
            message = f"A goal that is {now} can become: {choices}."
        raise ValidationError({"to": message})
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": f"Keep the note under {MAX_TEXT} characters."})
    before = goal.status
    goal.status = to
    goal.save(update_fields=["status", "updated_at"])
    changes: dict[str, list[Any]] = {"status": [before, to]}
    if note.strip():
        changes["note"] = [None, note.strip()]
    audit_record(actor=actor, action="learning.goal_moved", target=goal, changes=changes)
    return goal


@transaction.atomic
def goals_from_debrief(
    *,
    staff: Staff,
    school_year: str,
    goals: Sequence[tuple[str, str]],
    actor: User | None,
) -> list[PlanGoal]:
    """The interview debrief's growth areas as goals in the new hire's plan, owned by them.

    ``goals`` are (text, source_ref) pairs, the ref naming the record they came from (e.g.
    ``hiring.goal:12``); a ref already in the plan is not added again, so running the debrief
    twice changes nothing. Returns the plan's goals for these refs, in the order given.
    """
    errors = []
    for n, (text, ref) in enumerate(goals):
        if not text.strip():
            errors.append(f"Goal {n + 1}: the text is empty.")
        if not ref.strip() or len(ref) > 60:
            errors.append(f"Goal {n + 1}: give a reference of 1 to 60 characters.")
    if errors:
        raise ValidationError({"goals": errors})
    plan = plan_get_or_create(staff=staff, school_year=school_year, actor=actor)
    existing = {g.source_ref: g for g in PlanGoal.objects.filter(plan=plan, source_ref__gt="")}
    made: list[PlanGoal] = []
    for text, ref in goals:
        if ref in existing:
            continue
        goal = PlanGoal(
            district_id=plan.district_id,
            plan=plan,
            text=text.strip(),
            source=GoalSource.DEBRIEF,
            source_ref=ref,
            owner=staff,
        )
        save_validated(goal)
        existing[ref] = goal
        made.append(goal)
    if made:
        audit_record(
            actor=actor,
            action="learning.debrief_goals_added",
            target=plan,
            changes={"goals": [None, [g.source_ref for g in made]]},
        )
    return [existing[ref] for _, ref in goals]


# --- PLCs -----------------------------------------------------------------------------------


def _check_plc(plc: Plc, members: Sequence[Staff] | None) -> None:
    errors: dict[str, str] = {}
    name = plc.name.strip()
    if not name:
        errors["name"] = "Name the PLC."
    elif (
        Plc.objects.filter(district_id=plc.district_id, name__iexact=name)
        .exclude(pk=plc.pk)
        .exists()
    ):
        errors["name"] = f"A PLC called “{name}” exists."
    if plc.role_type is not None and plc.role_type.district_id != plc.district_id:
        errors["role_type"] = "Choose a role type of this district."
    if plc.facilitator is not None and plc.facilitator.district_id != plc.district_id:
        errors["facilitator"] = "Choose a facilitator from this district's staff."
    if members is not None:
        if not _same_district(plc.district_id, members):
            errors["members"] = "Choose members from this district's staff."
        else:
            gone = [m.full_name for m in members if not m.is_active]
            if gone:
                errors["members"] = f"No longer employed: {', '.join(gone[:5])}."
    if errors:
        raise ValidationError(errors)


def _plc_values(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Staff] | None]:
    values = dict(data)
    members = values.pop("members", None)
    return values, (list(members) if members is not None else None)


@transaction.atomic
def plc_create(*, district: District, data: Mapping[str, Any], actor: User | None) -> Plc:
    values, members = _plc_values(data)
    plc = Plc(district=district)
    assign_fields(plc, values, PLC_FIELDS)
    _check_plc(plc, members)
    save_validated(plc)
    if members:
        plc.members.set(members)
    audit_record(
        actor=actor,
        action="learning.plc_created",
        target=plc,
        changes={"name": [None, plc.name], "members": [None, len(members or [])]},
    )
    return plc


@transaction.atomic
def plc_update(*, plc: Plc, data: Mapping[str, Any], actor: User | None) -> Plc:
    plc = Plc.objects.select_for_update().get(pk=plc.pk)
    fields = ("name", "role_type", "cadence", "facilitator", "goals", "is_active")
    before = snapshot(plc, fields)
    before_members = set(plc.members.values_list("pk", flat=True))
    values, members = _plc_values(data)
    assign_fields(plc, values, PLC_FIELDS)
    _check_plc(plc, members)
    save_validated(plc)
    changes = diff(before, snapshot(plc, fields))
    if members is not None:
        plc.members.set(members)
        after = {m.pk for m in members}
        if after != before_members:
            changes["members"] = [len(before_members), len(after)]
    audit_record(actor=actor, action="learning.plc_updated", target=plc, changes=changes)
    return plc


def _check_meeting(meeting: PlcMeeting, attendees: Sequence[Staff]) -> None:
    errors: dict[str, str] = {}
    today = _today()
    held_on = meeting.held_on
    if held_on is None:
        errors["held_on"] = "Give the meeting's date."
    elif held_on > today + MAX_MEETING_AHEAD:
        errors["held_on"] = "Plan meetings at most a year ahead."
    elif held_on < today - MAX_MEETING_BEHIND:
        errors["held_on"] = "That date is more than ten years ago; check the year."
    elif (
        PlcMeeting.objects.filter(plc_id=meeting.plc_id, held_on=held_on)
        .exclude(pk=meeting.pk)
        .exists()
    ):
        errors["held_on"] = f"This PLC already has a meeting on {held_on:%Y-%m-%d}."
    for name in MEETING_FIELDS[1:]:
        if len(getattr(meeting, name)) > MAX_TEXT * 2:
            errors[name] = f"Keep this under {MAX_TEXT * 2} characters."
    if attendees:
        # Someone marked present who has since left the PLC stays on the meeting's record.
        members = set(meeting.plc.members.values_list("pk", flat=True))
        if meeting.pk:
            members |= set(meeting.attendees.values_list("pk", flat=True))
        strangers = [s.full_name for s in attendees if s.pk not in members]
        if strangers:
            errors["attendees"] = (
                f"Only members can be marked present; not members: {', '.join(strangers[:5])}."
            )
        elif held_on is not None and held_on > today + dt.timedelta(days=1):
            errors["attendees"] = (
                "Attendance is marked once the meeting has happened; this one is on "
                f"{held_on:%Y-%m-%d}."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_create(
    *, plc: Plc, data: Mapping[str, Any], attendees: Sequence[Staff], actor: User | None
) -> PlcMeeting:
    """Record a PLC meeting: date, agenda, notes, challenges, successes and who came."""
    plc = Plc.objects.select_for_update().get(pk=plc.pk)  # one meeting per day, even at once
    meeting = PlcMeeting(district_id=plc.district_id, plc=plc)
    assign_fields(meeting, data, MEETING_FIELDS)
    _check_meeting(meeting, attendees)
    save_validated(meeting)
    meeting.attendees.set(attendees)
    audit_record(
        actor=actor,
        action="learning.plc_meeting_recorded",
        target=meeting,
        changes={"held_on": [None, str(meeting.held_on)], "attendees": [None, len(attendees)]},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: PlcMeeting,
    data: Mapping[str, Any],
    attendees: Sequence[Staff],
    actor: User | None,
) -> PlcMeeting:
    Plc.objects.select_for_update().get(pk=meeting.plc_id)
    meeting = PlcMeeting.objects.select_related("plc").get(pk=meeting.pk)
    before = snapshot(meeting, MEETING_FIELDS)
    before_attendees = len(meeting.attendees.all())
    assign_fields(meeting, data, MEETING_FIELDS)
    _check_meeting(meeting, attendees)
    save_validated(meeting)
    meeting.attendees.set(attendees)
    changes = diff(before, snapshot(meeting, MEETING_FIELDS))
    if before_attendees != len(attendees):
        changes["attendees"] = [before_attendees, len(attendees)]
    audit_record(
        actor=actor, action="learning.plc_meeting_updated", target=meeting, changes=changes
    )
    return meeting


# --- Onboarding tracks ----------------------------------------------------------------------


def _check_track(track: OnboardingTrack) -> None:
    errors: dict[str, str] = {}
    if not track.name.strip():
        errors["name"] = "Name the track."
    if track.role_type_id is None:
        errors["role_type"] = "Choose the role the track is for."
    elif track.role_type.district_id != track.district_id:
        errors["role_type"] = "Choose a role type of this district."
    elif (
        OnboardingTrack.objects.filter(role_type_id=track.role_type_id, audience=track.audience)
        .exclude(pk=track.pk)
        .exists()
    ):
        label = dict(Audience.choices).get(track.audience, track.audience).lower()
        errors["audience"] = f"{track.role_type} already has a track for people {label}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def track_create(
    *, district: District, data: Mapping[str, Any], actor: User | None
) -> OnboardingTrack:
    track = OnboardingTrack(district=district)
    assign_fields(track, data, TRACK_FIELDS)
    _check_track(track)
    save_validated(track)
    audit_record(
        actor=actor,
        action="learning.track_created",
        target=track,
        changes=diff({}, snapshot(track, TRACK_FIELDS)),
    )
    return track


@transaction.atomic
def track_update(
    *, track: OnboardingTrack, data: Mapping[str, Any], actor: User | None
) -> OnboardingTrack:
    track = OnboardingTrack.objects.select_for_update().get(pk=track.pk)
    before = snapshot(track, TRACK_FIELDS)
    assign_fields(track, data, TRACK_FIELDS)
    _check_track(track)
    save_validated(track)
    audit_record(
        actor=actor,
        action="learning.track_updated",
        target=track,
        changes=diff(before, snapshot(track, TRACK_FIELDS)),
    )
    return track


def _check_item(item: TrackItem) -> None:
    errors: dict[str, str] = {}
    if not item.title.strip():
        errors["title"] = "Say what is to be done."
    elif (
        TrackItem.objects.filter(track_id=item.track_id, title__iexact=item.title.strip())
        .exclude(pk=item.pk)
        .exists()
    ):
        errors["title"] = "The track already has that item."
    if item.due_days is None or not 0 <= item.due_days <= 365:
        errors["due_days"] = "Give the days after the start, from 0 to 365."
    if item.order is None or not 0 <= item.order <= 1000:
        errors["order"] = "Give a position from 0 to 1000."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def track_item_add(
    *, track: OnboardingTrack, data: Mapping[str, Any], actor: User | None
) -> TrackItem:
    """Add an item; without an order it goes last."""
    OnboardingTrack.objects.select_for_update().get(pk=track.pk)
    item = TrackItem(track=track)
    values = dict(data)
    if values.get("order") is None:
        last = TrackItem.objects.filter(track=track).aggregate(m=Max("order"))["m"]
        values["order"] = 0 if last is None else last + 1
    assign_fields(item, values, ITEM_FIELDS)
    _check_item(item)
    save_validated(item)
    audit_record(
        actor=actor,
        action="learning.track_item_added",
        target=track,
        changes={"item": [None, item.title], "due_days": [None, item.due_days]},
    )
    return item


@transaction.atomic
def track_item_update(*, item: TrackItem, data: Mapping[str, Any], actor: User | None) -> TrackItem:
    item = TrackItem.objects.select_for_update().select_related("track").get(pk=item.pk)
    before = snapshot(item, ITEM_FIELDS)
    # No position given: the item keeps its place.
    values = {k: v for k, v in data.items() if not (k == "order" and v is None)}
    assign_fields(item, values, ITEM_FIELDS)
    _check_item(item)
    save_validated(item)
    audit_record(
        actor=actor,
        action="learning.track_item_updated",
        target=item.track,
        changes=diff(before, snapshot(item, ITEM_FIELDS)),
    )
    return item


@transaction.atomic
def track_item_remove(*, item: TrackItem, actor: User | None) -> None:
    """Remove an item nobody has ticked yet; a ticked item is part of people's records."""
    item = TrackItem.objects.select_for_update().select_related("track").get(pk=item.pk)
    if ItemDone.objects.filter(item=item).exists():
        raise ValidationError(
            f"People have already ticked “{item.title}”; it stays so their checklists stay "
            "true. Edit its wording instead."
        )
    track, title = item.track, item.title
    item.delete()
    audit_record(
        actor=actor, action="learning.track_item_removed", target=track, changes={"item": [title]}
    )


def _role_type_of(assignment: Assignment) -> RoleType:
    return assignment.position.version.job_description.role_type


@transaction.atomic
def onboarding_assign(*, assignment: Assignment, actor: User | None) -> Onboarding | None:
    """Give the person starting ``assignment`` the track for its role: the "experienced" track
    when they held an earlier assignment of the same role type, else the "new" one (a track
    for everyone when there is no specific one). Once per assignment; no track, nothing."""
    existing = Onboarding.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    role_type = _role_type_of(assignment)
    held_before = (
        Assignment.objects.filter(
            district_id=assignment.district_id,
            staff_id=assignment.staff_id,
            begin_date__lt=assignment.begin_date,
            position__version__job_description__role_type=role_type,
        )
        .exclude(pk=assignment.pk)
        .exists()
    )
    audience = Audience.EXPERIENCED if held_before else Audience.NEW
    tracks = {
        t.audience: t
        for t in OnboardingTrack.objects.filter(
            district_id=assignment.district_id, role_type=role_type
        )
    }
    track = tracks.get(audience) or tracks.get(Audience.EVERYONE)
    if track is None:
        return None
    onboarding = Onboarding(
        district_id=assignment.district_id,
        track=track,
        staff_id=assignment.staff_id,
        assignment=assignment,
        started_on=assignment.begin_date,
    )
    try:
        save_validated(onboarding)
    except ValidationError:
        # Assigned a moment ago by another transaction: once per assignment.
        found = Onboarding.objects.filter(assignment=assignment).first()
        if found is None:
            raise
        return found
    audit_record(
        actor=actor,
        action="learning.onboarding_assigned",
        target=onboarding,
        changes={"track": [None, track.name], "audience": [None, audience]},
    )
    return onboarding


def assignment_started(*, assignment_id: int, district_id: int, **_: Any) -> None:
    """Subscriber to ``roles.assignment_started`` (runs after the assignment commits)."""
    assignment = (
        Assignment.objects.filter(district_id=district_id, pk=assignment_id)
        .select_related("position__version__job_description__role_type")
        .first()
    )
    if assignment is None or (assignment.end_date is not None and assignment.end_date < _today()):
        # Gone, or history recorded after the fact (begun and ended before it committed): a
        # checklist for a post the person has already left would only be overdue.
        return
    try:
        onboarding_assign(assignment=assignment, actor=None)
    except (ValidationError, IntegrityError):
        # The assignment has committed; a checklist that could not be made must not turn the
        # hire into an error page. Logged for the admins, who can assign the track by hand.
        logger.exception("Could not assign an onboarding track to assignment %s", assignment_id)


@transaction.atomic
def item_tick(
    *,
    onboarding: Onboarding,
    item: TrackItem,
    actor: User | None,
    done_on: dt.date | None = None,
) -> ItemDone:
    """Tick one item of a person's checklist."""
    done_on = done_on or _today()
    if item.track_id != onboarding.track_id:
        raise ValidationError({"item": "That item is not on this person's checklist."})
    if done_on > _today():
        raise ValidationError({"done_on": "An item cannot be done in the future."})
    if done_on < onboarding.started_on - dt.timedelta(days=365):
        raise ValidationError({"done_on": "That is more than a year before the start; check it."})
    Onboarding.objects.select_for_update().get(pk=onboarding.pk)
    already = ItemDone.objects.filter(onboarding=onboarding, item=item).first()
    if already is not None:
        raise ValidationError(
            {"item": f"“{item.title}” was already ticked on {already.done_on:%Y-%m-%d}."}
        )
    done = ItemDone(onboarding=onboarding, item=item, done_on=done_on, done_by=actor)
    save_validated(done)
    audit_record(
        actor=actor,
        action="learning.onboarding_item_done",
        target=onboarding,
        changes={"item": [None, item.title], "done_on": [None, str(done_on)]},
    )
    return done


@transaction.atomic
def item_untick(*, onboarding: Onboarding, item: TrackItem, actor: User | None) -> None:
    """Take back a tick made by mistake."""
    done = ItemDone.objects.select_for_update().filter(onboarding=onboarding, item=item).first()
    if done is None:
        raise ValidationError({"item": f"“{item.title}” is not ticked."})
    done.delete()
    audit_record(
        actor=actor,
        action="learning.onboarding_item_undone",
        target=onboarding,
        changes={"item": [item.title, None]},
    )
