"""/api/v1 endpoints for the communications plan and the feedback sessions (tag ``rollout``).
Everyone in the district reads; rollout managers write. Another district's initiative, item or
owner is a 404 or a 422 at the field, and nothing is written."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import WithJsonSchema

from trellis.core.api import StrictSchema, api_district, api_user, body_ref
from trellis.core.models import District
from trellis.org.models import Staff
from trellis.rollout.models import Audience, Channel
from trellis.rollout.selectors import comms as selectors
from trellis.rollout.selectors.initiative import initiative_get
from trellis.rollout.services import comms as services
from trellis.rollout.services.comms import MAX_TEXT

router = Router()
# Inline in the OpenAPI document: learning has an ``Audience`` of its own, and two components
# of one name would overwrite each other.
AudienceCode = Annotated[
    Audience,
    WithJsonSchema({"type": "string", "enum": list(Audience.values), "title": "Audience"}),
]


class CommunicationOut(Schema):
    id: int
    audience: AudienceCode
    message: str
    channel: Channel
    planned_on: dt.date
    owner_id: int | None
    owner: str | None
    done_on: dt.date | None
    overdue: bool

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return obj.owner.full_name if obj.owner else None


class CommunicationIn(StrictSchema):
    audience: AudienceCode
    message: str = Field(max_length=MAX_TEXT)
    channel: Channel
    planned_on: dt.date
    owner_id: int | None = Field(None, description="A staff member of your district.")


class DoneIn(StrictSchema):
    done: bool = Field(True, description="false unticks it (still to do).")


class FeedbackOut(Schema):
    id: int
    audience: AudienceCode
    held_on: dt.date
    format: str
    participants: int | None
    heard: str
    response: str


class FeedbackIn(StrictSchema):
    audience: AudienceCode
    held_on: dt.date
    format: str = Field("", max_length=200)
    participants: int | None = Field(None, ge=0)
    heard: str = Field(max_length=MAX_TEXT)
    response: str = Field("", max_length=MAX_TEXT)


def _communication_data(district: District, payload: CommunicationIn) -> dict[str, Any]:
    data = payload.dict(exclude={"owner_id"})
    return {
        **data,
        "owner": body_ref(
            Staff, district, payload.owner_id, "owner_id", "staff member", optional=True
        ),
    }


@router.get(
    "/rollout/initiatives/{initiative_id}/communications",
    response=list[CommunicationOut],
    summary="The communications plan, by date (filter by audience, or what is still to do)",
)
@paginate(LimitOffsetPagination)
def communication_list(
    request: HttpRequest,
    initiative_id: int,
    audience: AudienceCode | None = None,
    todo: bool = False,
) -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    return selectors.communication_list(initiative=initiative, audience=audience or "", todo=todo)


@router.post(
    "/rollout/initiatives/{initiative_id}/communications",
    response={201: CommunicationOut},
    summary="Plan a communication (rollout managers)",
)
def communication_create(request: HttpRequest, initiative_id: int, payload: CommunicationIn) -> Any:
    district = api_district(request)
    initiative = initiative_get(district=district, pk=initiative_id)
    communication = services.communication_save(
        initiative=initiative, data=_communication_data(district, payload), actor=api_user(request)
    )
    return Status(201, selectors.communication_list(initiative=initiative).get(pk=communication.pk))


@router.post(
    "/rollout/communications/{communication_id}/done",
    response=CommunicationOut,
    summary="Tick a communication off, or untick it (rollout managers)",
)
def communication_done(request: HttpRequest, communication_id: int, payload: DoneIn) -> Any:
    district = api_district(request)
    communication = selectors.communication_get(district=district, pk=communication_id)
    services.communication_done(
        communication=communication, done=payload.done, actor=api_user(request)
    )
    plan = selectors.communication_list(initiative=communication.initiative)
    return plan.get(pk=communication.pk)


@router.get(
    "/rollout/initiatives/{initiative_id}/feedback",
    response=list[FeedbackOut],
    summary="Feedback sessions, newest first",
)
@paginate(LimitOffsetPagination)
def feedback_list(request: HttpRequest, initiative_id: int) -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    return selectors.feedback_list(initiative=initiative)


@router.post(
    "/rollout/initiatives/{initiative_id}/feedback",
    response={201: FeedbackOut},
    summary="Record a feedback session that has been held (rollout managers)",
)
def feedback_create(request: HttpRequest, initiative_id: int, payload: FeedbackIn) -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    session = services.feedback_save(
        initiative=initiative, data=payload.dict(), actor=api_user(request)
    )
    return Status(201, session)
