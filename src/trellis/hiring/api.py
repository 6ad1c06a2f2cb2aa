"""/api/v1 endpoints for hiring (tag ``hiring``). The same walls as the pages: candidates are
visible to HR and their own panel only, and scores stay hidden until the caller has submitted
their own (HR: until the whole panel has)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user
from trellis.hiring import data_tasks, selectors, services
from trellis.hiring.models import (
    ApplicationStatus,
    Audience,
    ComponentMode,
    DataTaskKind,
    PostingStatus,
    SeatRole,
    Source,
)

router = Router(tags=["hiring"])


class CriterionOut(Schema):
    id: int
    name: str
    scale_min: int
    scale_max: int
    descriptors: dict[str, str]


class ComponentOut(Schema):
    id: int
    order: int
    name: str
    description: str
    mode: ComponentMode
    duration_minutes: int | None
    points: int
    weight: float
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj: Any) -> Any:
        return obj.criteria.all()


class TemplateOut(Schema):
    id: int
    name: str
    version: int
    total_points: int
    required_seats: list[SeatRole]
    locked: bool = Field(alias="is_locked")
    components: list[ComponentOut]

    @staticmethod
    def resolve_components(obj: Any) -> Any:
        return selectors.template_components(obj)


class PostingOut(Schema):
    id: int
    title: str
    position_id: int
    template_id: int
    audience: Audience
    status: PostingStatus
    opens_on: dt.date
    closes_on: dt.date


class CandidateOut(Schema):
    first_name: str
    last_name: str
    email: str
    source: Source
    internal: bool = Field(alias="is_internal")


class ApplicationOut(Schema):
    id: int
    posting_id: int
    status: ApplicationStatus
    submitted_at: dt.datetime
    candidate: CandidateOut


class ScorecardIn(StrictSchema):
    ratings: dict[int, int] = Field(description="criterion id → rating on its scale")
    notes: str = Field(default="", max_length=5000)


class ScorecardOut(Schema):
    id: int
    seat_id: int
    submitted_at: dt.datetime


class ComponentResultOut(Schema):
    component_id: int
    name: str
    points: int
    mean: float
    spread: float


class PanelScoresOut(Schema):
    panelists: int
    total: float
    total_points: int
    alpha: float | None
    components: list[ComponentResultOut]
    ratings: dict[int, dict[int, int]] = Field(description="seat id → criterion id → rating")
    discuss: list[int] = Field(description="component ids to raise at the debrief")


class TransitionIn(StrictSchema):
    to: ApplicationStatus
    reason: str = Field(default="", max_length=1000)


@router.get("/interview-processes", response=list[TemplateOut])
@paginate(LimitOffsetPagination)
def template_list(request: HttpRequest) -> Any:
    return selectors.template_list(district=api_district(request, policy.HIRING_MANAGE))


@router.get("/interview-processes/{template_id}", response=TemplateOut)
def template_detail(request: HttpRequest, template_id: int) -> Any:
    district = api_district(request, policy.HIRING_MANAGE)
    return selectors.template_get(district=district, pk=template_id)


@router.get("/postings", response=list[PostingOut], summary="Postings you manage or sit on")
@paginate(LimitOffsetPagination)
def posting_list(request: HttpRequest, status: PostingStatus | None = None) -> Any:
    district = api_district(request)
    return selectors.posting_list(district=district, user=api_user(request), status=status or "")


@router.get("/postings/{posting_id}", response=PostingOut)
def posting_detail(request: HttpRequest, posting_id: int) -> Any:
    return selectors.posting_get(
        district=api_district(request), user=api_user(request), pk=posting_id
    )


@router.get("/postings/{posting_id}/applications", response=list[ApplicationOut])
@paginate(LimitOffsetPagination)
def application_list(request: HttpRequest, posting_id: int) -> Any:
    posting = selectors.posting_get(
        district=api_district(request), user=api_user(request), pk=posting_id
    )
    return selectors.application_list(posting=posting)


@router.get("/applications/{application_id}", response=ApplicationOut)
def application_detail(request: HttpRequest, application_id: int) -> Any:
    return selectors.application_get(
        district=api_district(request), user=api_user(request), pk=application_id
    )


@router.post("/applications/{application_id}/transitions", response=ApplicationOut)
def application_move(request: HttpRequest, application_id: int, payload: TransitionIn) -> Any:
    district = api_district(request, policy.HIRING_MANAGE)
    user = api_user(request)
    application = selectors.application_get(district=district, user=user, pk=application_id)
    return services.application_move(
        application=application, to=payload.to, reason=payload.reason, actor=user
    )


@router.post("/applications/{application_id}/scorecards", response={201: ScorecardOut})
def scorecard_submit(request: HttpRequest, application_id: int, payload: ScorecardIn) -> Any:
    """Your own scorecard, as the panelist seated for this posting."""
    district = api_district(request)
    user = api_user(request)
    application = selectors.application_get(district=district, user=user, pk=application_id)
    seat = selectors.my_seats(user, district).filter(posting_id=application.posting_id).first()
    if seat is None:
        raise PermissionDenied("Only panelists seated for this posting score its candidates.")
    scorecard = services.scorecard_submit(
        application=application, seat=seat, ratings=payload.ratings, notes=payload.notes,
        actor=user,
    )  # fmt: skip
    return Status(201, scorecard)


@router.get("/applications/{application_id}/scores", response=PanelScoresOut)
def panel_scores(request: HttpRequest, application_id: int) -> Any:
    """The panel's ratings and result: hidden from a panelist until they submit their own, and
    from HR until every panelist has."""
    district = api_district(request)
    user = api_user(request)
    application = selectors.application_get(district=district, user=user, pk=application_id)
    if not selectors.scores_visible_to(application, user):
        raise PermissionDenied(
            "Scores stay hidden until you have submitted your own (HR: until the whole panel has)."
        )
    result = selectors.application_result(application)
    if result is None:
        raise PermissionDenied("The panel's result appears once every panelist has submitted.")
    return {
        "panelists": result.panelists, "total": result.total,
        "total_points": result.total_points, "alpha": result.alpha,
        "components": [
            {"component_id": c.component.id, "name": c.component.name,
             "points": c.component.points, "mean": c.mean, "spread": c.spread}
            for c in result.components
        ],
        "ratings": selectors.ratings_of(application),
        "discuss": [c.component.id for c in result.discuss],
    }  # fmt: skip


class DataStandardOut(Schema):
    code: str
    mean: float = Field(description="the class's mean level on the standard")
    proficient_share: float = Field(description="share of students at or above proficient")


class DataStudentOut(Schema):
    student: str = Field(description="a code (S01, …), never a name")
    mean: float


class DataGapOut(Schema):
    student: str
    standard: str
    level: int
    class_mean: float


class AnswerKeyOut(Schema):
    strongest: list[DataStandardOut]
    weakest: list[DataStandardOut]
    ahead: list[DataStudentOut]
    behind: list[DataStudentOut]
    gaps: list[DataGapOut] = Field(
        description="a student two or more levels below a standard the class has met"
    )


class DataRowOut(Schema):
    student: str
    levels: list[int | None] = Field(description="one per standard, in the order of standards")


class DataTaskOut(Schema):
    interview_id: int
    component_id: int
    kind: DataTaskKind
    title: str
    prompt: str
    seed: int
    scale_min: int
    scale_max: int
    proficient: int
    standards: list[str]
    rows: list[DataRowOut]
    summary: list[DataStandardOut]
    answer_key: AnswerKeyOut


def _standard(point: data_tasks.StandardPoint) -> dict[str, Any]:
    return {
        "code": point.code,
        "mean": float(point.mean),
        "proficient_share": float(point.proficient_share),
    }


@router.get(
    "/interviews/{interview_id}/components/{component_id}/data-task",
    response=DataTaskOut,
    summary="A part's data task as used in an interview, with its answer key",
)
def data_task(request: HttpRequest, interview_id: int, component_id: int) -> Any:
    """For HR and the posting's panel only; anyone else gets 404, as for another district's."""
    interview, component, task = data_tasks.interview_data_task(
        district=api_district(request),
        user=api_user(request),
        interview_pk=interview_id,
        component_pk=component_id,
    )
    data = data_tasks.data_set(task)
    key = data.key
    assert key is not None
    return {
        "interview_id": interview.pk, "component_id": component.pk, "kind": data.kind,
        "title": data.title, "prompt": data.prompt, "seed": data.seed,
        "scale_min": data.scale_min, "scale_max": data.scale_max, "proficient": data.proficient,
        "standards": data.standards,
        "rows": [
            {"student": r.student, "levels": [c.level for c in r.cells]} for r in data.rows
        ],
        "summary": [_standard(p) for p in data.summary],
        "answer_key": {
            "strongest": [_standard(p) for p in key.strongest],
            "weakest": [_standard(p) for p in key.weakest],
            "ahead": [{"student": p.student, "mean": float(p.mean)} for p in key.ahead],
            "behind": [{"student": p.student, "mean": float(p.mean)} for p in key.behind],
            "gaps": [
                {"student": g.student, "standard": g.standard, "level": g.level,
                 "class_mean": float(g.class_mean)}
                for g in key.gaps
            ],
        },
    }  # fmt: skip
