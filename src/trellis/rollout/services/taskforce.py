"""Writes for the taskforce: its members and their seats, meetings on a cadence with agenda,
notes and attendance, and the actions that come out of them.

Meetings move planned → held or planned → cancelled (``MEETING_TRANSITIONS``); recording a
meeting as held needs at least one member present. Members may keep their own availability and
close their own actions; everything else is for rollout managers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.core import policy
from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import User
from trellis.core.writes import assign_fields, save_validated
from trellis.org.models import Staff
from trellis.planning.meeting_time import parse_windows
from trellis.rollout.models import (
    Action,
    Attendance,
    Initiative,
    Meeting,
    MeetingStatus,
    TaskforceMember,
)
from trellis.rollout.selectors.taskforce import members_on

MEMBER_FIELDS = ("staff", "seat", "school", "required", "availability", "joined_on")
MEETING_FIELDS = ("starts_at", "minutes", "location", "agenda")
MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset({MeetingStatus.PLANNED}),  # undo a cancellation
}
MAX_TEXT = 20_000
MAX_AHEAD = dt.timedelta(days=730)


def _check_availability(text: str) -> str:
    try:
        parse_windows(text)
    except ValueError as error:
        raise ValidationError({"availability": str(error)}) from error
    return (text or "").strip()


def _check_member(member: TaskforceMember, initiative: Initiative) -> None:
    if member.staff_id is None:
        raise ValidationError({"staff": "Choose who joins the taskforce."})
    staff: Staff = member.staff
    errors: dict[str, str] = {}
    if staff.district_id != initiative.district_id:
        errors["staff"] = "Choose someone who works in this district."
    elif not staff.is_active:
        errors["staff"] = f"{staff.full_name} is not currently employed."
    elif (
        TaskforceMember.objects.filter(initiative=initiative, staff=staff, left_on__isnull=True)
        .exclude(pk=member.pk)
        .exists()
    ):
        errors["staff"] = f"{staff.full_name} is already on the taskforce."
    if member.school is not None and member.school.district_id != initiative.district_id:
        errors["school"] = "Choose a school of this district."
    if errors:
        raise ValidationError(errors)
    member.availability = _check_availability(member.availability)


@transaction.atomic
def member_save(
    *,
    initiative: Initiative,
    data: Mapping[str, Any],
    actor: User,
    member: TaskforceMember | None = None,
) -> TaskforceMember:
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    made = member is None
    if member is None:
        member = TaskforceMember(district_id=initiative.district_id, initiative=initiative)
    before = {} if made else snapshot(member, MEMBER_FIELDS)
    # A new member joins today unless told otherwise; an edit keeps the date they joined.
    defaults = {"joined_on": timezone.localdate()} if made else {}
    assign_fields(member, {**defaults, **data}, MEMBER_FIELDS)
    _check_member(member, initiative)
    save_validated(member)
    audit_record(
        actor=actor,
        action="rollout.taskforce_member_added" if made else "rollout.taskforce_member_changed",
        target=member,
        changes=diff(before, snapshot(member, MEMBER_FIELDS)),
    )
    return member


@transaction.atomic
def availability_save(*, member: TaskforceMember, availability: str, actor: User) -> None:
    """A member keeps their own weekly availability (a manager may too)."""
    if member.staff.user_id != actor.pk:
        policy.require(actor, policy.ROLLOUT_MANAGE, member)
    before = member.availability
    member.availability = _check_availability(availability)
    member.save(update_fields=["availability"])
    audit_record(actor=actor, action="rollout.availability_changed", target=member,
                 changes={"availability": [before, member.availability]})  # fmt: skip


@transaction.atomic
def member_leave(*, member: TaskforceMember, on: dt.date, actor: User) -> TaskforceMember:
    policy.require(actor, policy.ROLLOUT_MANAGE, member)
    if member.left_on is not None:
        raise ValidationError({"left_on": "They have already left the taskforce."})
    if on < member.joined_on:
        raise ValidationError({"left_on": "The date is before they joined."})
    member.left_on = on
    member.save(update_fields=["left_on"])
    audit_record(actor=actor, action="rollout.taskforce_member_left", target=member,
                 changes={"left_on": [None, str(on)]})  # fmt: skip
    return member


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *, initiative: Initiative, data: Mapping[str, Any], actor: User, meeting: Meeting | None = None
) -> Meeting:
    """Plan a meeting (or change a planned one). The taskforce needs members to meet."""
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    made = meeting is None
    if meeting is None:
        meeting = Meeting(district_id=initiative.district_id, initiative=initiative)
    elif meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Only a planned meeting can be changed.")
    before = {} if made else snapshot(meeting, MEETING_FIELDS)
    assign_fields(meeting, data, MEETING_FIELDS)
    starts_at: dt.datetime | None = meeting.starts_at
    if starts_at is not None and starts_at > timezone.now() + MAX_AHEAD:
        raise ValidationError({"starts_at": "That is more than two years away; check the year."})
    if not initiative.taskforce.filter(left_on__isnull=True).exists():
        raise ValidationError(
            "The taskforce has no members yet; add its members before planning a meeting."
        )
    if len(meeting.agenda or "") > MAX_TEXT:
        raise ValidationError({"agenda": f"Keep the agenda under {MAX_TEXT:,} characters."})
    save_validated(meeting)
    audit_record(
        actor=actor,
        action="rollout.meeting_planned" if made else "rollout.meeting_changed",
        target=meeting,
        changes=diff(before, snapshot(meeting, MEETING_FIELDS)),
    )
    return meeting


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    present: Iterable[TaskforceMember],
    notes: str,
    agenda: str | None = None,
    actor: User,
) -> Meeting:
    """Record a meeting as held: who was there (at least one member) and the notes."""
    policy.require(actor, policy.ROLLOUT_MANAGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if MeetingStatus.HELD not in MEETING_TRANSITIONS[meeting.status] and (
        meeting.status != MeetingStatus.HELD
    ):
        raise ValidationError("A cancelled meeting cannot be recorded; plan it again first.")
    members = members_on(initiative=meeting.initiative, on=timezone.localdate(meeting.starts_at))
    if not members:
        raise ValidationError("Nobody was on the taskforce on that date, so there is no one to "
                              "record as present.")  # fmt: skip
    chosen = {m.pk for m in present}
    if unknown := chosen - {m.pk for m in members}:
        raise ValidationError({"present": f"{len(unknown)} of those marked present were not on "
                               "the taskforce that day."})  # fmt: skip
    if not chosen:
        raise ValidationError({"present": "Mark who attended; a meeting with no one present "
                               "cannot be recorded."})  # fmt: skip
    if meeting.starts_at > timezone.now():
        raise ValidationError("This meeting has not happened yet; record it afterwards.")
    if len(notes or "") > MAX_TEXT:
        raise ValidationError({"notes": f"Keep the notes under {MAX_TEXT:,} characters."})
    before = meeting.status
    meeting.notes = (notes or "").strip()
    if agenda is not None:
        meeting.agenda = agenda.strip()
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["notes", "agenda", "status"])
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(
            district_id=meeting.district_id, meeting=meeting, member=m, present=m.pk in chosen
        )
        for m in members
    )
    audit_record(
        actor=actor,
        action="rollout.meeting_recorded",
        target=meeting,
        changes={"status": [before, MeetingStatus.HELD], "present": [None, len(chosen)],
                 "members": [None, len(members)]},
    )  # fmt: skip
    return meeting


@transaction.atomic
def meeting_transition(*, meeting: Meeting, to: str, actor: User) -> Meeting:
    """Cancel a planned meeting, or plan a cancelled one again."""
    policy.require(actor, policy.ROLLOUT_MANAGE, meeting)
    if to == MeetingStatus.HELD:
        raise ValidationError("Record the attendance and notes to mark a meeting as held.")
    if to not in MEETING_TRANSITIONS.get(meeting.status, frozenset()):
        raise ValidationError(f"A {meeting.status} meeting cannot become {to}.")
    before = meeting.status
    meeting.status = to
    meeting.save(update_fields=["status"])
    audit_record(actor=actor, action="rollout.meeting_status_changed", target=meeting,
                 changes={"status": [before, to]})  # fmt: skip
    return meeting


# --- Actions --------------------------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    initiative: Initiative,
    text: str,
    owner: Staff,
    due_on: dt.date,
    meeting: Meeting | None = None,
    actor: User,
) -> Action:
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = "Say what is to be done."
    if owner.district_id != initiative.district_id:
        errors["owner"] = "Choose an owner who works in this district."
    if meeting is not None and meeting.initiative_id != initiative.pk:
        errors["meeting"] = "Choose a meeting of this taskforce."
    if errors:
        raise ValidationError(errors)
    action = Action(district_id=initiative.district_id, initiative=initiative, meeting=meeting,
                    text=text, owner=owner, due_on=due_on)  # fmt: skip
    save_validated(action)
    audit_record(
        actor=actor,
        action="rollout.action_added",
        target=action,
        changes={"owner": [None, owner.staff_unique_id], "due_on": [None, str(due_on)]},
    )
    return action


@transaction.atomic
def action_close(*, action: Action, done: bool, actor: User) -> Action:
    """Mark an action done (or open again): its owner or a rollout manager."""
    if action.owner.user_id != actor.pk and not policy.can(actor, policy.ROLLOUT_MANAGE, action):
        raise PermissionDenied("Only the action's owner or a rollout manager can close it.")
    if done == (action.done_on is not None):
        raise ValidationError("This action is already done." if done else "This action is open.")
    before = action.done_on
    action.done_on = timezone.localdate() if done else None
    action.save(update_fields=["done_on"])
    audit_record(
        actor=actor,
        action="rollout.action_closed" if done else "rollout.action_reopened",
        target=action,
        changes={
            "done_on": [str(before) if before else None, str(action.done_on) if done else None]
        },
    )
    return action
