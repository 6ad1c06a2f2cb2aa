"""/api/v1 endpoints for initiatives and their vision (tag ``rollout``)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user, body_ref
from trellis.core.models import Approach
from trellis.pay.models import FundingSource
from trellis.rollout.models import AdoptionMode, VisionStatus
from trellis.rollout.selectors import initiative as selectors
from trellis.rollout.services import initiative as services

router = Router()


class InitiativeOut(Schema):
    id: int
    name: str
    summary: str
    approaches: list[Approach]
    first_year: str
    last_year: str
    grant_id: int | None
    meeting_weeks: int


class InitiativeIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    summary: str = Field("", max_length=5_000)
    approaches: list[Approach] = Field(min_length=1)
    first_year: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2025-26"])
    last_year: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2027-28"])
    grant_id: int | None = None
    meeting_weeks: int = Field(6, ge=1, le=26)


class InitiativePatch(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=5_000)
    approaches: list[Approach] | None = Field(None, min_length=1)
    first_year: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")
    last_year: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")
    grant_id: int | None = None
    meeting_weeks: int | None = Field(None, ge=1, le=26)


class Pillar(Schema):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=500)


class InitiativeVersionOut(Schema):
    number: int
    status: VisionStatus
    statement: str
    pillars: list[Pillar]
    change_note: str
    published_at: dt.datetime | None


class DraftIn(StrictSchema):
    statement: str = Field(min_length=1, max_length=5_000)
    pillars: list[Pillar] = Field(max_length=12)
    change_note: str = Field("", max_length=300)


class SchoolAnswerOut(Schema):
    school_id: int
    school: str
    mode: AdoptionMode | None
    version: int | None
    statement: str
    recorded_at: dt.datetime | None


class SchoolAnswerIn(StrictSchema):
    mode: AdoptionMode
    statement: str = Field("", max_length=5_000)
    note: str = Field("", max_length=300)


def _data(payload: Any, district: Any) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if "approaches" in data and data["approaches"] is not None:
        data["approaches"] = [str(getattr(a, "value", a)) for a in data["approaches"]]
    if "grant_id" in data:
        grant_id = data.pop("grant_id")
        data["grant"] = (
            body_ref(FundingSource, district, grant_id, "grant_id", "funding source")
            if grant_id
            else None
        )
    return {k: v for k, v in data.items() if v is not None or k == "grant"}


@router.get("/rollout/initiatives", response=list[InitiativeOut], summary="Initiatives")
@paginate(LimitOffsetPagination)
def initiative_list(request: HttpRequest) -> Any:
    return selectors.initiative_list(district=api_district(request))


@router.post("/rollout/initiatives", response={201: InitiativeOut}, summary="Start one")
def initiative_create(request: HttpRequest, payload: InitiativeIn) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    data = _data(payload, district)
    initiative = services.initiative_create(district=district, data=data, actor=api_user(request))
    return Status(201, initiative)


@router.get("/rollout/initiatives/{initiative_id}", response=InitiativeOut)
def initiative_detail(request: HttpRequest, initiative_id: int) -> Any:
    return selectors.initiative_get(district=api_district(request), pk=initiative_id)


@router.patch("/rollout/initiatives/{initiative_id}", response=InitiativeOut)
def initiative_update(request: HttpRequest, initiative_id: int, payload: InitiativePatch) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    initiative = selectors.initiative_get(district=district, pk=initiative_id)
    return services.initiative_update(
        initiative=initiative, data=_data(payload, district), actor=api_user(request)
    )


@router.get(
    "/rollout/initiatives/{initiative_id}/vision",
    response=list[InitiativeVersionOut],
    summary="Versions of the vision, newest first (drafts for rollout managers only)",
)
def vision_list(request: HttpRequest, initiative_id: int) -> Any:
    district = api_district(request)
    initiative = selectors.initiative_get(district=district, pk=initiative_id)
    versions = selectors.vision_versions(initiative=initiative)
    if not policy.can(api_user(request), policy.ROLLOUT_MANAGE, district):
        versions = versions.exclude(status=VisionStatus.DRAFT)
    return list(versions)


@router.post(
    "/rollout/initiatives/{initiative_id}/vision/draft",
    response={201: InitiativeVersionOut},
    summary="Write the draft (the open one, or the next version)",
)
def vision_draft(request: HttpRequest, initiative_id: int, payload: DraftIn) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    initiative = selectors.initiative_get(district=district, pk=initiative_id)
    draft = services.vision_draft_save(
        initiative=initiative,
        statement=payload.statement,
        pillars=[p.model_dump() for p in payload.pillars],
        change_note=payload.change_note,
        actor=api_user(request),
    )
    return Status(201, draft)


@router.post(
    "/rollout/initiatives/{initiative_id}/vision/{number}/publish", response=InitiativeVersionOut
)
def vision_publish(request: HttpRequest, initiative_id: int, number: int) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    initiative = selectors.initiative_get(district=district, pk=initiative_id)
    version = selectors.vision_get(initiative=initiative, number=number)
    return services.vision_publish(version=version, actor=api_user(request))


@router.get(
    "/rollout/initiatives/{initiative_id}/schools",
    response=list[SchoolAnswerOut],
    summary="Each school's latest answer to the vision",
)
def school_answers(request: HttpRequest, initiative_id: int) -> Any:
    initiative = selectors.initiative_get(district=api_district(request), pk=initiative_id)
    return [
        {
            "school_id": a.school.pk,
            "school": a.school.name,
            "mode": a.current.mode if a.current else None,
            "version": a.current.version.number if a.current else None,
            "statement": a.current.statement if a.current else "",
            "recorded_at": a.current.recorded_at if a.current else None,
        }
        for a in selectors.school_answers(initiative=initiative)
    ]


@router.post(
    "/rollout/initiatives/{initiative_id}/schools/{school_id}/vision",
    response={201: SchoolAnswerOut},
    summary="A school adopts or tailors the published vision (its principal or a manager)",
)
def school_answer(
    request: HttpRequest, initiative_id: int, school_id: int, payload: SchoolAnswerIn
) -> Any:
    district = api_district(request)
    initiative = selectors.initiative_get(district=district, pk=initiative_id)
    school = selectors.school_get(district=district, pk=school_id)
    published = selectors.vision_published(initiative=initiative)
    if published is None:
        raise ValidationError("The district has not published a vision yet.")
    answer = services.school_vision_record(
        version=published, school=school, actor=api_user(request), **payload.model_dump()
    )
    return Status(
        201,
        {
            "school_id": school.pk,
            "school": school.name,
            "mode": answer.mode,
            "version": published.number,
            "statement": answer.statement,
            "recorded_at": answer.recorded_at,
        },
    )
