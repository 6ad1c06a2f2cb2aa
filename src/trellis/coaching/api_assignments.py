"""/api/v1 endpoints for coach assignment (tag ``coaching``), for coaching managers: run a
proposal, read it and its pairs, change a pair, approve. Anyone else gets 403."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.coaching import assignment
from trellis.coaching.models import AssignmentProposal, ProposalStatus
from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user
from trellis.org.selectors import staff_get

router = Router(tags=["coaching"])


class ProposalIn(StrictSchema):
    school_year: str = Field(description="Like 2027-28.")
    begin_date: dt.date = Field(description="When the approved pairs start.")
    hours_per_teacher: int = Field(1, ge=1, le=40)
    hours_per_first_year: int = Field(2, ge=1, le=40)


class ProposalOut(Schema):
    id: int
    school_year: str
    status: ProposalStatus
    stage: str
    percent: int
    problems: list[str]
    begin_date: dt.date
    optimal: bool
    solve_seconds: float
    teachers: int
    assigned: int
    first_year: int
    first_year_assigned: int
    kept: int
    created_at: dt.datetime
    approved_at: dt.datetime | None


class PairOut(Schema):
    teacher_id: int
    teacher: str
    coach_id: int | None
    coach: str | None
    first_year: bool
    last_coach_id: int | None
    edited: bool
    reason: str

    @staticmethod
    def resolve_teacher(obj: Any) -> str:
        return str(obj.teacher.full_name)

    @staticmethod
    def resolve_coach(obj: Any) -> str | None:
        return obj.coach.full_name if obj.coach else None


class PairIn(StrictSchema):
    coach_id: int | None = Field(description="The coach's staff id in Trellis; null: no coach.")


class CoachProfileOut(Schema):
    id: int
    staff_id: int
    name: str
    max_teachers: int | None
    hours_per_week: int | None
    grade_bands: list[str]
    content_areas: list[str]
    former_school_ids: list[int]
    is_active: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.staff.full_name)

    @staticmethod
    def resolve_former_school_ids(obj: Any) -> list[int]:
        return [s.pk for s in obj.former_schools.all()]


class ApprovedOut(Schema):
    opened: int
    proposal: ProposalOut


def _proposal(request: HttpRequest, pk: int) -> AssignmentProposal:
    district = api_district(request, policy.COACHING_MANAGE)
    try:
        return assignment.proposal_get(district=district, pk=pk)
    except AssignmentProposal.DoesNotExist:
        raise Http404("No such proposal.") from None


@router.get(
    "/coaching/coach-profiles",
    response=list[CoachProfileOut],
    summary="Coaches with what they can take on (coaching managers)",
)
@paginate(LimitOffsetPagination)
def coach_profile_list(request: HttpRequest) -> Any:
    return assignment.coach_profiles(district=api_district(request, policy.COACHING_MANAGE))


@router.get(
    "/coaching/proposals",
    response=list[ProposalOut],
    summary="Coach assignment proposals, newest first (coaching managers)",
)
@paginate(LimitOffsetPagination)
def proposal_list(request: HttpRequest) -> Any:
    return assignment.proposals(district=api_district(request, policy.COACHING_MANAGE))


@router.post(
    "/coaching/proposals",
    response={201: ProposalOut},
    summary="Run a coach assignment proposal (in the background; poll it for its status)",
)
def proposal_create(request: HttpRequest, payload: ProposalIn) -> Any:
    district = api_district(request, policy.COACHING_MANAGE)
    proposal = assignment.proposal_start(
        district=district,
        school_year=payload.school_year,
        begin_date=payload.begin_date,
        hours_per_teacher=payload.hours_per_teacher,
        hours_per_first_year=payload.hours_per_first_year,
        actor=api_user(request),
    )
    proposal.refresh_from_db()
    return Status(201, proposal)


@router.get("/coaching/proposals/{proposal_id}", response=ProposalOut, summary="One proposal")
def proposal_detail(request: HttpRequest, proposal_id: int) -> Any:
    return _proposal(request, proposal_id)


@router.get(
    "/coaching/proposals/{proposal_id}/pairs",
    response=list[PairOut],
    summary="Each teacher's proposed coach (none: left without one) and why",
)
@paginate(LimitOffsetPagination)
def pair_list(request: HttpRequest, proposal_id: int) -> Any:
    return assignment.pair_rows(_proposal(request, proposal_id))


@router.put(
    "/coaching/proposals/{proposal_id}/pairs/{teacher_id}",
    response=PairOut,
    summary="Change a teacher's coach in a proposal ready for review",
)
def pair_update(request: HttpRequest, proposal_id: int, teacher_id: int, payload: PairIn) -> Any:
    proposal = _proposal(request, proposal_id)
    teacher = staff_get(district=proposal.district, pk=teacher_id)
    coach = None
    if payload.coach_id is not None:
        coach = staff_get(district=proposal.district, pk=payload.coach_id)
    assignment.pair_set(proposal=proposal, teacher=teacher, coach=coach, actor=api_user(request))
    return assignment.pair_rows(proposal).get(teacher=teacher)


@router.post(
    "/coaching/proposals/{proposal_id}/approve",
    response=ApprovedOut,
    summary="Approve a proposal: open its coaching relationships",
)
def proposal_approve(request: HttpRequest, proposal_id: int) -> Any:
    proposal = _proposal(request, proposal_id)
    opened = assignment.proposal_approve(proposal=proposal, actor=api_user(request))
    proposal.refresh_from_db()
    return {"opened": opened, "proposal": proposal}
