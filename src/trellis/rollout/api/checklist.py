"""/api/v1 endpoints for the readiness checklist: the questions with progress by recommendation,
updates to a question and evidence (notes and links; files are attached through the pages).
A question's owner may update it and add evidence; only a rollout manager hands it to someone
else. An owner id of another district is a 422 at ``owner_id``, and nothing is written."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user
from trellis.org.models import Staff
from trellis.rollout.models import EvidenceKind, ItemStatus
from trellis.rollout.selectors import checklist as selectors
from trellis.rollout.selectors.checklist import ChecklistProgress, RecommendationProgress
from trellis.rollout.selectors.initiative import initiative_get
from trellis.rollout.services import checklist as services

router = Router()


# --- Schemas --------------------------------------------------------------------------------


class ChecklistItemOut(Schema):
    id: int
    recommendation: int
    key: str = Field(description="The study's question it copies; empty for the district's own.")
    text: str
    status: ItemStatus
    owner_id: int | None
    due_on: dt.date | None
    evidence_count: int


class RecommendationOut(Schema):
    number: int
    title: str
    summary: str
    done: int
    applicable: int = Field(description="Questions that count: all but those that do not apply.")
    total: int
    percent: int
    items: list[ChecklistItemOut]


class ChecklistOut(Schema):
    done: int
    applicable: int
    total: int
    percent: int
    overdue: int
    recommendations: list[RecommendationOut]


class ChecklistItemPatch(StrictSchema):
    status: ItemStatus | None = None
    owner_id: int | None = Field(None, description="Null to leave the question without an owner.")
    due_on: dt.date | None = None


class EvidenceIn(StrictSchema):
    kind: Literal["note", "link"]
    text: str = Field("", max_length=services.MAX_NOTE)
    url: str = Field("", max_length=500)


class EvidenceOut(Schema):
    id: int
    item_id: int
    kind: EvidenceKind
    text: str
    url: str
    filename: str
    added_at: dt.datetime


# --- Helpers --------------------------------------------------------------------------------


def _recommendation(group: RecommendationProgress) -> dict[str, Any]:
    r = group.recommendation
    return {"number": r.number, "title": r.title, "summary": r.summary, "done": group.done,
            "applicable": group.applicable, "total": group.total, "percent": group.percent,
            "items": group.items}  # fmt: skip


def _checklist(progress: ChecklistProgress) -> dict[str, Any]:
    return {"done": progress.done, "applicable": progress.applicable, "total": progress.total,
            "percent": progress.percent, "overdue": progress.overdue,
            "recommendations": [_recommendation(g) for g in progress.recommendations]}  # fmt: skip


# --- Endpoints ------------------------------------------------------------------------------


@router.get(
    "/rollout/initiatives/{initiative_id}/checklist",
    response=ChecklistOut,
    summary="The readiness checklist: its questions and progress by recommendation",
)
def checklist(request: HttpRequest, initiative_id: int) -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    return _checklist(selectors.checklist_progress(initiative=initiative))


@router.post(
    "/rollout/initiatives/{initiative_id}/checklist/start",
    response=ChecklistOut,
    summary="Start the checklist from the study's 22 questions (rollout managers)",
)
def checklist_start(request: HttpRequest, initiative_id: int) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    initiative = initiative_get(district=district, pk=initiative_id)
    services.checklist_start(initiative=initiative, actor=api_user(request))
    return _checklist(selectors.checklist_progress(initiative=initiative))


@router.patch(
    "/rollout/checklist/{item_id}",
    response=ChecklistItemOut,
    summary="Change a question's status, owner or due date (its owner, or a rollout manager)",
)
def item_update(request: HttpRequest, item_id: int, payload: ChecklistItemPatch) -> Any:
    district = api_district(request)
    item = selectors.item_get(district=district, pk=item_id)
    data = payload.dict(exclude_unset=True)
    if "status" in data and data["status"] is None:
        raise ValidationError({"status": "Choose a status from the list."})
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = None
        if owner_id is not None:
            data["owner"] = Staff.objects.filter(district=district, pk=owner_id).first()
            if data["owner"] is None:
                raise ValidationError({"owner_id": f"No staff member with id {owner_id} here."})
    item = services.item_update(item=item, data=data, actor=api_user(request))
    return selectors.checklist_items(initiative=item.initiative).get(pk=item.pk)


@router.post(
    "/rollout/checklist/{item_id}/evidence",
    response={201: EvidenceOut},
    summary="Add a note or a link as evidence (the question's owner, or a rollout manager)",
)
def evidence_create(request: HttpRequest, item_id: int, payload: EvidenceIn) -> Any:
    item = selectors.item_get(district=api_district(request), pk=item_id)
    evidence = services.evidence_add(item=item, kind=payload.kind, text=payload.text,
                                     url=payload.url, actor=api_user(request))  # fmt: skip
    return Status(201, evidence)
