"""/api/v1 endpoints for the taskforce: members, meetings with their attendance, and actions.
Everyone in the district reads; rollout managers write, except that an action's owner may mark
it done. An id in the body that is not this district's (a staff member, a meeting, a member) is
a 422 at that field, and nothing is written."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import RecordId, StrictSchema, api_district, api_user, body_ref
from trellis.org.models import School, Staff
from trellis.rollout.models import Initiative, Meeting, MeetingStatus, Seat
from trellis.rollout.selectors import taskforce as selectors
from trellis.rollout.selectors.initiative import initiative_get
from trellis.rollout.services import taskforce as services

router = Router()


# --- Schemas --------------------------------------------------------------------------------


class TaskforcePersonOut(Schema):
    id: int
    name: str = Field(alias="full_name")
    staff_unique_id: str


class TaskforceMemberOut(Schema):
    id: int
    staff: TaskforcePersonOut
    seat: Seat
    school_id: int | None
    required: bool
    availability: str
    joined_on: dt.date
    left_on: dt.date | None
    meetings_attended: int = Field(alias="attended")


class MemberIn(StrictSchema):
    staff_id: int
    seat: Seat
    school_id: int | None = None
    required: bool = False
    availability: str = Field("", max_length=1_000, examples=["Mon 15:30-17:00, Wed 15:00-16:30"])
    joined_on: dt.date | None = Field(None, description="Today if left out.")


class TaskforceMeetingOut(Schema):
    id: int
    starts_at: dt.datetime
    minutes: int
    location: str
    agenda: str
    notes: str
    status: MeetingStatus
    present: int
    recorded: int = Field(description="Members whose attendance was recorded.")


class TaskforceMeetingIn(StrictSchema):
    starts_at: dt.datetime = Field(description="Without an offset, the district's local time.")
    minutes: int = Field(90, ge=15, le=480)
    location: str = Field("", max_length=200)
    agenda: str = Field("", max_length=services.MAX_TEXT)


class RecordIn(StrictSchema):
    present_ids: list[RecordId] = Field(
        max_length=500, description="Taskforce member ids (not staff ids) of those who came."
    )
    notes: str = Field("", max_length=services.MAX_TEXT)
    agenda: str | None = Field(None, max_length=services.MAX_TEXT)


class ActionOut(Schema):
    id: int
    text: str
    owner: TaskforcePersonOut
    due_on: dt.date
    done_on: dt.date | None
    meeting_id: int | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return obj.done_on is None and obj.due_on < timezone.localdate()


class ActionIn(StrictSchema):
    text: str = Field(min_length=1, max_length=500)
    owner_id: int
    due_on: dt.date
    meeting_id: int | None = None


# --- Helpers --------------------------------------------------------------------------------


def _initiative(request: HttpRequest, pk: int, perm: str = policy.VIEW) -> Initiative:
    return initiative_get(district=api_district(request, perm), pk=pk)


@contextmanager
def _api_field_names() -> Iterator[None]:
    """Report a service's errors under the names the API's fields carry (``staff_id``)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        names = {"staff": "staff_id", "school": "school_id", "owner": "owner_id",
                 "meeting": "meeting_id"}  # fmt: skip
        raise ValidationError(
            {names.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from error


def _meeting_with_counts(meeting: Meeting) -> Meeting:
    return selectors.meetings(initiative=meeting.initiative).get(pk=meeting.pk)


# --- Members --------------------------------------------------------------------------------


@router.get(
    "/rollout/initiatives/{initiative_id}/taskforce/members",
    response=list[TaskforceMemberOut],
    summary="Taskforce members (current by default; current=false for former members)",
)
@paginate(LimitOffsetPagination)
def member_list(request: HttpRequest, initiative_id: int, current: bool = True) -> Any:
    return selectors.members(initiative=_initiative(request, initiative_id), current=current)


@router.post(
    "/rollout/initiatives/{initiative_id}/taskforce/members",
    response={201: TaskforceMemberOut},
    summary="Add a member (rollout managers)",
)
def member_create(request: HttpRequest, initiative_id: int, payload: MemberIn) -> Any:
    initiative = _initiative(request, initiative_id, policy.ROLLOUT_MANAGE)
    district = initiative.district
    data = payload.dict(exclude={"staff_id", "school_id", "joined_on"})
    data["staff"] = body_ref(
        Staff, district, payload.staff_id, "staff_id", "staff member", optional=True
    )
    data["school"] = body_ref(
        School, district, payload.school_id, "school_id", "school", optional=True
    )
    if payload.joined_on is not None:
        data["joined_on"] = payload.joined_on
    with _api_field_names():
        member = services.member_save(initiative=initiative, data=data, actor=api_user(request))
    return Status(201, selectors.members(initiative=initiative).get(pk=member.pk))


# --- Meetings -------------------------------------------------------------------------------


@router.get(
    "/rollout/initiatives/{initiative_id}/meetings",
    response=list[TaskforceMeetingOut],
    summary="Taskforce meetings, newest first, with attendance counts",
)
@paginate(LimitOffsetPagination)
def meeting_list(request: HttpRequest, initiative_id: int) -> Any:
    return selectors.meetings(initiative=_initiative(request, initiative_id))


@router.post(
    "/rollout/initiatives/{initiative_id}/meetings",
    response={201: TaskforceMeetingOut},
    summary="Plan a meeting (rollout managers)",
)
def meeting_create(request: HttpRequest, initiative_id: int, payload: TaskforceMeetingIn) -> Any:
    initiative = _initiative(request, initiative_id, policy.ROLLOUT_MANAGE)
    data = payload.dict()
    if timezone.is_naive(data["starts_at"]):
        data["starts_at"] = timezone.make_aware(data["starts_at"])
    meeting = services.meeting_schedule(initiative=initiative, data=data, actor=api_user(request))
    return Status(201, _meeting_with_counts(meeting))


@router.post(
    "/rollout/meetings/{meeting_id}/record",
    response=TaskforceMeetingOut,
    summary="Record a meeting as held: who came (at least one) and the notes (rollout managers)",
)
def meeting_record(request: HttpRequest, meeting_id: int, payload: RecordIn) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    meeting = selectors.meeting_get(district=district, pk=meeting_id)
    found = {m.pk: m for m in meeting.initiative.taskforce.filter(pk__in=payload.present_ids)}
    for n, pk in enumerate(payload.present_ids):
        if pk not in found:
            raise ValidationError({f"present_ids.{n}": f"No member of this taskforce has id {pk}."})
    meeting = services.meeting_record(meeting=meeting, present=found.values(), notes=payload.notes,
                                      agenda=payload.agenda, actor=api_user(request))  # fmt: skip
    return _meeting_with_counts(meeting)


# --- Actions --------------------------------------------------------------------------------


@router.get(
    "/rollout/initiatives/{initiative_id}/actions",
    response=list[ActionOut],
    summary="Actions, open ones first (open=true for open ones only)",
)
@paginate(LimitOffsetPagination)
def action_list(request: HttpRequest, initiative_id: int, open: bool = False) -> Any:
    initiative = _initiative(request, initiative_id)
    return selectors.actions(initiative=initiative, open_only=open)


@router.post(
    "/rollout/initiatives/{initiative_id}/actions",
    response={201: ActionOut},
    summary="Add an action, from a meeting or not (rollout managers)",
)
def action_create(request: HttpRequest, initiative_id: int, payload: ActionIn) -> Any:
    initiative = _initiative(request, initiative_id, policy.ROLLOUT_MANAGE)
    district = initiative.district
    with _api_field_names():
        action = services.action_add(
            initiative=initiative,
            text=payload.text,
            owner=body_ref(
                Staff, district, payload.owner_id, "owner_id", "staff member", optional=True
            ),
            due_on=payload.due_on,
            meeting=body_ref(
                Meeting, district, payload.meeting_id, "meeting_id", "meeting", optional=True
            ),
            actor=api_user(request),
        )
    return Status(201, action)


@router.post(
    "/rollout/actions/{action_id}/done",
    response=ActionOut,
    summary="Mark an action done (its owner or a rollout manager)",
)
def action_done(request: HttpRequest, action_id: int) -> Any:
    action = selectors.action_get(district=api_district(request), pk=action_id)
    return services.action_close(action=action, done=True, actor=api_user(request))


@router.delete(
    "/rollout/actions/{action_id}/done",
    response=ActionOut,
    summary="Open a done action again (its owner or a rollout manager)",
)
def action_reopen(request: HttpRequest, action_id: int) -> Any:
    action = selectors.action_get(district=api_district(request), pk=action_id)
    return services.action_close(action=action, done=False, actor=api_user(request))
