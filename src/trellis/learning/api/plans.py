"""/api/v1 endpoints for learning plans, PLCs and onboarding (tag ``learning``). The same rules
as the pages: a plan the caller may not see answers 404; PLC meetings are read by members and
recorded by managers and the facilitator."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, P, QueryEx, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core.api import StrictSchema, api_district, api_user
from trellis.core.models import District
from trellis.core.schoolyear import validate_school_year
from trellis.learning.models import (
    Activity,
    Cadence,
    GoalSource,
    GoalStatus,
    TrackItem,
)
from trellis.learning.selectors import plans as selectors
from trellis.learning.selectors.plans import PlanAccess
from trellis.learning.services import plans as services
from trellis.org.models import Staff
from trellis.org.selectors import staff_of_user

router = Router(tags=["learning"])
YEAR_PATTERN = r"^(\d{4}-\d{2})?$"


# --- Schemas --------------------------------------------------------------------------------


class GoalOut(Schema):
    id: int
    text: str
    source: GoalSource
    source_ref: str
    owner_id: int
    status: GoalStatus
    review_on: dt.date | None
    activity_ids: list[int]
    evidence: str
    overdue: bool

    @staticmethod
    def resolve_activity_ids(obj: Any) -> list[int]:
        return [a.pk for a in obj.activities.all()]

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return selectors.is_overdue(obj, selectors.today())


class PlanOut(Schema):
    staff_id: int
    school_year: str
    goals: list[GoalOut]


class GoalIn(StrictSchema):
    school_year: str = Field(default="", pattern=YEAR_PATTERN, examples=["2026-27"])
    text: str = Field(min_length=1, max_length=4000)
    source: GoalSource
    owner_id: int
    review_on: dt.date | None = None
    activity_ids: list[int] = Field(default_factory=list, max_length=50)
    evidence: str = Field(default="", max_length=4000)


class MoveIn(StrictSchema):
    to: GoalStatus
    note: str = Field(default="", max_length=4000)


class PlcOut(Schema):
    id: int
    name: str
    role_type_id: int | None
    cadence: Cadence
    facilitator_id: int | None
    member_count: int
    meeting_count: int
    last_met: dt.date | None
    is_active: bool


class MeetingOut(Schema):
    id: int
    held_on: dt.date
    agenda: str
    notes: str
    challenges: str
    successes: str
    attendee_ids: list[int]

    @staticmethod
    def resolve_attendee_ids(obj: Any) -> list[int]:
        return [s.pk for s in obj.attendees.all()]


class MeetingIn(StrictSchema):
    held_on: dt.date
    agenda: str = Field(default="", max_length=8000)
    notes: str = Field(default="", max_length=8000)
    challenges: str = Field(default="", max_length=8000)
    successes: str = Field(default="", max_length=8000)
    attendee_ids: list[int] = Field(default_factory=list, max_length=500)


class ItemOut(Schema):
    id: int
    title: str
    detail: str
    due_on: dt.date
    done_on: dt.date | None
    overdue: bool


class OnboardingOut(Schema):
    id: int
    track: str
    started_on: dt.date
    done: int
    overdue: int
    items: list[ItemOut]


# --- Helpers --------------------------------------------------------------------------------


def _year(value: str) -> str:
    if not value:
        return selectors.current_year()
    try:
        validate_school_year(value)
    except ValidationError as error:
        raise ValidationError({"school_year": error.messages}) from error
    return value


def _plan(access: PlanAccess, year: str) -> dict[str, Any]:
    plan = selectors.plan_get(staff=access.staff, school_year=year)
    goals = list(plan.goals.all()) if plan is not None else []
    return {"staff_id": access.staff.pk, "school_year": year, "goals": goals}


def _ref(model: Any, district: District, pk: int, field: str) -> Any:
    found = model.objects.filter(district=district, pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No such record with id {pk} in your district."})
    return found


def _refs(model: Any, district: District, ids: list[int], field: str) -> list[Any]:
    """Rows of this district by id, in the order given; an unknown id is a field error."""
    found = {o.pk: o for o in model.objects.filter(district=district, pk__in=ids)}
    for n, pk in enumerate(ids):
        if pk not in found:
            raise ValidationError(
                {f"{field}.{n}": f"No such record with id {pk} in your district."}
            )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _checklist(checklist: selectors.Checklist) -> dict[str, Any]:
    return {
        "id": checklist.onboarding.pk,
        "track": checklist.onboarding.track.name,
        "started_on": checklist.onboarding.started_on,
        "done": checklist.done_count,
        "overdue": checklist.overdue_count,
        "items": [
            {
                "id": i.item.pk,
                "title": i.item.title,
                "detail": i.item.detail,
                "due_on": i.due_on,
                "done_on": i.done_on,
                "overdue": i.overdue,
            }
            for i in checklist.items
        ],
    }


def _me(request: HttpRequest, district: District) -> Staff:
    me = staff_of_user(district=district, user=api_user(request))
    if me is None:
        raise Http404("Your account has no staff record in this district.")
    return me


# --- Plans ----------------------------------------------------------------------------------


@router.get("/learning/plans/me", response=PlanOut, summary="Your own learning plan")
def plan_mine(request: HttpRequest, school_year: QueryEx[str, P(pattern=YEAR_PATTERN)] = "") -> Any:
    district = api_district(request)
    me = _me(request, district)
    access = selectors.plan_access(district=district, user=api_user(request), staff=me)
    return _plan(access, _year(school_year))


@router.get("/learning/plans/{staff_id}", response=PlanOut, summary="A person's learning plan")
def plan_detail(
    request: HttpRequest, staff_id: int, school_year: QueryEx[str, P(pattern=YEAR_PATTERN)] = ""
) -> Any:
    district = api_district(request)
    access = selectors.plan_staff_get(district=district, user=api_user(request), pk=staff_id)
    return _plan(access, _year(school_year))


@router.post("/learning/plans/{staff_id}/goals", response={201: GoalOut})
def goal_create(request: HttpRequest, staff_id: int, payload: GoalIn) -> Any:
    district = api_district(request)
    access = selectors.plan_staff_get(district=district, user=api_user(request), pk=staff_id)
    if payload.source not in access.goal_sources():
        raise PermissionDenied("You may not add a goal of that source to this plan.")
    owner = _ref(Staff, district, payload.owner_id, "owner_id")
    goal = services.goal_add(
        staff=access.staff,
        school_year=_year(payload.school_year),
        source=payload.source,
        data={
            "text": payload.text,
            "owner": owner,
            "review_on": payload.review_on,
            "activities": _refs(Activity, district, payload.activity_ids, "activity_ids"),
            "evidence": payload.evidence,
        },
        actor=api_user(request),
    )
    return Status(201, goal)


@router.post("/learning/goals/{goal_id}/move", response=GoalOut, summary="Change a goal's status")
def goal_move(request: HttpRequest, goal_id: int, payload: MoveIn) -> Any:
    district = api_district(request)
    goal, access = selectors.goal_get(district=district, user=api_user(request), pk=goal_id)
    if not access.can_move(goal):
        raise PermissionDenied("You may not change this goal's status.")
    return services.goal_move(goal=goal, to=payload.to, note=payload.note, actor=api_user(request))


# --- PLCs -----------------------------------------------------------------------------------


@router.get("/learning/plcs", response=list[PlcOut], summary="Your PLCs (every PLC for managers)")
@paginate(LimitOffsetPagination)
def plc_list(request: HttpRequest) -> Any:
    district = api_district(request)
    return selectors.plc_list(district=district, user=api_user(request))


def _readable_plc(request: HttpRequest, plc_id: int) -> selectors.PlcAccess:
    district = api_district(request)
    access = selectors.plc_get(district=district, user=api_user(request), pk=plc_id)
    if not access.can_read:
        raise PermissionDenied("Only the PLC's members read its meetings.")
    return access


@router.get("/learning/plcs/{plc_id}/meetings", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def meeting_list(request: HttpRequest, plc_id: int) -> Any:
    access = _readable_plc(request, plc_id)
    return selectors.meeting_list(plc=access.plc).prefetch_related("attendees")


@router.post("/learning/plcs/{plc_id}/meetings", response={201: MeetingOut})
def meeting_create(request: HttpRequest, plc_id: int, payload: MeetingIn) -> Any:
    access = _readable_plc(request, plc_id)
    if not access.can_edit:
        raise PermissionDenied("Only learning managers and the facilitator record meetings.")
    attendees = _refs(Staff, access.plc.district, payload.attendee_ids, "attendee_ids")
    meeting = services.meeting_create(
        plc=access.plc,
        data=payload.model_dump(exclude={"attendee_ids"}),
        attendees=attendees,
        actor=api_user(request),
    )
    return Status(201, meeting)


# --- Onboarding -----------------------------------------------------------------------------


@router.get("/learning/onboarding/me", response=list[OnboardingOut], summary="Your checklists")
def onboarding_mine(request: HttpRequest) -> Any:
    district = api_district(request)
    return [_checklist(c) for c in selectors.checklists(staff=_me(request, district))]


@router.post(
    "/learning/onboarding/{onboarding_id}/items/{item_id}/tick",
    response=OnboardingOut,
    summary="Tick an item of a checklist",
)
def item_tick(request: HttpRequest, onboarding_id: int, item_id: int) -> Any:
    district = api_district(request)
    user = api_user(request)
    onboarding = selectors.onboarding_get(district=district, pk=onboarding_id)
    access = selectors.plan_access(district=district, user=user, staff=onboarding.staff)
    if not access.can_view:
        raise Http404("No such checklist.")
    if not access.can_tick:
        raise PermissionDenied("Only the person and learning managers tick the checklist.")
    item = TrackItem.objects.filter(track_id=onboarding.track_id, pk=item_id).first()
    if item is None:
        raise Http404("No such item on this checklist.")
    services.item_tick(onboarding=onboarding, item=item, actor=user)
    return _checklist(
        selectors.checklist_of(selectors.onboarding_get(district=district, pk=onboarding_id))
    )
