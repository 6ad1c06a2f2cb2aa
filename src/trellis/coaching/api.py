"""/api/v1 endpoints for coaching (tag ``coaching``). Logs are returned only to the people the
wall lets read them (anyone else: 404); counts for leaders; caseloads for coaching managers and
the coach."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.coaching import api_assignments, api_reports, selectors, services
from trellis.coaching.models import MAX_MINUTES, InteractionKind
from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user
from trellis.core.schoolyear import validate_school_year
from trellis.org.selectors import staff_get, staff_of_user

router = Router(tags=["coaching"])
router.add_router("/", api_reports.router)
router.add_router("/", api_assignments.router)


class PersonOut(Schema):
    id: int
    name: str = Field(alias="full_name")
    staff_unique_id: str


class RelationshipOut(Schema):
    id: int
    coach: PersonOut
    teacher: PersonOut
    focus: str
    begin_date: dt.date
    end_date: dt.date | None


class RelationshipIn(StrictSchema):
    coach_id: int | None = Field(None, description="Managers only; a coach leaves it out.")
    teacher_id: int
    begin_date: dt.date
    focus: str = Field("", max_length=200)


class CommentOut(Schema):
    author: str
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author.get_username() if obj.author else "former user"


class InteractionOut(Schema):
    id: int
    kind: InteractionKind
    occurred_on: dt.date
    minutes: int
    consultant: str
    notes: str
    next_steps: str
    comments: list[CommentOut]

    @staticmethod
    def resolve_comments(obj: Any) -> Any:
        return list(obj.comments.all())


class InteractionIn(StrictSchema):
    kind: InteractionKind
    occurred_on: dt.date
    minutes: int = Field(ge=1, le=MAX_MINUTES)
    notes: str = Field("", max_length=10_000)
    next_steps: str = Field("", max_length=10_000)
    consultant: str = Field("", max_length=200)


class CommentIn(StrictSchema):
    text: str = Field(min_length=1, max_length=10_000)


class CountRow(Schema):
    month: str
    school: str
    kind: str
    entries: int
    minutes: int


class SummaryOut(Schema):
    school_year: str
    total_entries: int
    total_minutes: int
    rows: list[CountRow]


class CaseloadTeacherOut(Schema):
    relationship_id: int
    teacher: PersonOut
    school: str | None
    grade_band: str
    subject: str
    focus: str
    begin_date: dt.date


class CaseloadOut(Schema):
    coach: PersonOut
    school_year: str
    teachers: list[CaseloadTeacherOut]
    minutes_by_kind: dict[str, int]


@router.get(
    "/coaching/relationships",
    response=list[RelationshipOut],
    summary="Coaching records you may read (as coach, teacher or by a share)",
)
@paginate(LimitOffsetPagination)
def relationship_list(request: HttpRequest) -> Any:
    district = api_district(request)
    return selectors.my_records(user=api_user(request), district=district)


@router.post("/coaching/relationships", response={201: RelationshipOut})
def relationship_create(request: HttpRequest, payload: RelationshipIn) -> Any:
    district = api_district(request)
    user = api_user(request)
    manager = policy.can(user, policy.COACHING_MANAGE, district)
    if payload.coach_id is not None and manager:
        coach = staff_get(district=district, pk=payload.coach_id)
    else:
        coach = staff_of_user(district=district, user=user)  # type: ignore[assignment]
        if coach is None:
            raise PermissionDenied("Only coaching managers pair coaches with teachers.")
    relationship = services.relationship_create(
        district=district,
        coach=coach,
        teacher=staff_get(district=district, pk=payload.teacher_id),
        begin_date=payload.begin_date,
        focus=payload.focus,
        actor=user,
    )
    return Status(201, relationship)


@router.get(
    "/coaching/relationships/{relationship_id}/interactions",
    response=list[InteractionOut],
    summary="The log (only for its readers)",
)
@paginate(LimitOffsetPagination)
def interaction_list(request: HttpRequest, relationship_id: int) -> Any:
    district = api_district(request)
    user = api_user(request)
    relationship = selectors.relationship_readable(user=user, district=district, pk=relationship_id)
    selectors.record_access(user, relationship)
    return selectors.log_entries(relationship=relationship)


@router.post(
    "/coaching/relationships/{relationship_id}/interactions",
    response={201: InteractionOut},
    summary="Add to the log (the coach)",
)
def interaction_create(request: HttpRequest, relationship_id: int, payload: InteractionIn) -> Any:
    district = api_district(request)
    user = api_user(request)
    relationship = selectors.relationship_readable(user=user, district=district, pk=relationship_id)
    entry = services.interaction_log(relationship=relationship, actor=user, **payload.dict())
    return Status(201, entry)


@router.post(
    "/coaching/interactions/{interaction_id}/comments",
    response={201: CommentOut},
    summary="Comment on an entry (the teacher or the coach)",
)
def comment_create(request: HttpRequest, interaction_id: int, payload: CommentIn) -> Any:
    district = api_district(request)
    user = api_user(request)
    entry = selectors.interaction_readable(user=user, district=district, pk=interaction_id)
    return Status(201, services.comment_add(interaction=entry, text=payload.text, actor=user))


@router.get("/coaching/summary", response=SummaryOut, summary="Counts by month, school and type")
def summary(request: HttpRequest, school_year: str | None = None) -> Any:
    district = api_district(request, policy.COACHING_AGGREGATES)
    year = school_year or selectors.current_year()
    validate_school_year(year)
    result = selectors.summary(district=district, school_year=year)
    return {
        "school_year": year,
        "total_entries": result.total_entries,
        "total_minutes": result.total_minutes,
        "rows": [
            {"month": f"{m:%Y-%m}", "school": s, "kind": k, "entries": e, "minutes": mins}
            for m, s, k, e, mins in result.rows
        ],
    }


@router.get(
    "/coaching/caseloads/{staff_id}",
    response=CaseloadOut,
    summary="A coach's teachers and time by type (the coach or a coaching manager)",
)
def caseload(request: HttpRequest, staff_id: int) -> Any:
    district = api_district(request)
    user = api_user(request)
    coach = staff_get(district=district, pk=staff_id)
    if coach.user_id != user.pk and not policy.can(user, policy.COACHING_MANAGE, district):
        raise Http404("No such caseload.")
    load = selectors.caseload(district=district, coach=coach, school_year=selectors.current_year())
    return {
        "coach": coach,
        "school_year": load.school_year,
        "teachers": [
            {
                "relationship_id": t.relationship_id,
                "teacher": t.teacher,
                "school": t.teacher.school.name if t.teacher.school else None,
                "grade_band": t.grade_band,
                "subject": t.teacher.subject_label,
                "focus": t.focus,
                "begin_date": t.begin_date,
            }
            for t in load.teachers
        ],
        "minutes_by_kind": dict(load.minutes_by_kind),
    }
