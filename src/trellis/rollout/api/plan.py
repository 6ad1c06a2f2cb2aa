"""/api/v1 endpoints for the rollout plan: phases, cohorts and members, volunteers, the pilot
suggestion, amnesty and progress (tag ``rollout``)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import RecordId, StrictSchema, api_district, api_user, body_ref, body_refs
from trellis.core.schoolyear import validate_school_year
from trellis.org.models import AcademicSubject, Staff
from trellis.org.selectors import staff_of_user
from trellis.rollout.models import GradeBand, MemberSource, MemberStatus, Phase
from trellis.rollout.selectors import cohorts as selectors
from trellis.rollout.selectors.initiative import initiative_get
from trellis.rollout.services import cohorts as services

router = Router()
YEAR = r"^\d{4}-\d{2}$"


class PhaseOut(Schema):
    id: int
    name: str
    school_year: str
    target_share: Decimal
    teachers_per_coach: int
    is_pilot: bool


class PhaseIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    school_year: str = Field(pattern=YEAR)
    target_share: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)
    teachers_per_coach: int = Field(25, ge=1, le=200)
    is_pilot: bool = False


class PhasePatch(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    school_year: str | None = Field(None, pattern=YEAR)
    target_share: Decimal | None = Field(None, gt=0, le=100, max_digits=5, decimal_places=2)
    teachers_per_coach: int | None = Field(None, ge=1, le=200)
    is_pilot: bool | None = None


class CohortOut(Schema):
    id: int
    name: str
    phase_id: int
    members: int
    withdrawn: int
    schools: int
    coaches: int
    capacity: int


class RolloutCheckOut(Schema):
    level: str
    text: str


class PlanPhaseOut(Schema):
    phase: PhaseOut
    target: int
    implementing: int
    cohorts: list[CohortOut]


class RolloutPlanOut(Schema):
    teachers: int
    not_started: int
    phases: list[PlanPhaseOut]
    checks: list[RolloutCheckOut]


class CohortIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    phase_id: int
    coach_ids: list[RecordId] = Field(default_factory=list, max_length=500)
    notes: str = Field("", max_length=5_000)


class RolloutMemberOut(Schema):
    id: int
    staff_id: int
    staff_unique_id: str
    name: str
    source: MemberSource
    status: MemberStatus
    joined_on: dt.date
    withdrawn_on: dt.date | None

    @staticmethod
    def resolve_staff_unique_id(obj: Any) -> str:
        return str(obj.staff.staff_unique_id)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.staff.full_name)


class MembersIn(StrictSchema):
    staff_ids: list[RecordId] = Field(min_length=1, max_length=services.ADD_LIMIT)
    source: MemberSource
    accept_left_out: bool = Field(
        False, description="Save a pilot that leaves out a school (the warning was read)."
    )
    joined_on: dt.date | None = Field(None, description="Default today.")


class RolloutTransitionIn(StrictSchema):
    to: MemberStatus
    on: dt.date | None = None
    reason: str = Field("", max_length=300)


class VolunteerOut(Schema):
    id: int
    staff_id: int
    grade_band: GradeBand
    content_area: AcademicSubject
    note: str
    volunteered_at: dt.datetime


class VolunteerIn(StrictSchema):
    staff_id: int | None = Field(None, description="Managers only; a teacher leaves it out.")
    grade_band: GradeBand
    content_area: AcademicSubject
    note: str = Field("", max_length=300)


class GroupOut(Schema):
    group: str
    chosen: int
    target: float
    available: int


class SuggestionOut(Schema):
    size: int
    wanted: int
    optimal: bool
    staff_ids: list[int]
    uncovered_schools: list[str]
    schools: list[GroupOut]
    grade_bands: list[GroupOut]
    content_areas: list[GroupOut]


class AmnestyOut(Schema):
    staff_id: int
    staff_unique_id: str
    school_year: str
    starts_on: dt.date
    ends_on: dt.date
    cohort_id: int

    @staticmethod
    def resolve_staff_unique_id(obj: Any) -> str:
        return str(obj.staff.staff_unique_id)


class ProgressRow(Schema):
    school: str
    teachers: int
    implementing: int
    certified: int | None


class ProgressOut(Schema):
    school_year: str
    rows: list[ProgressRow]
    total: ProgressRow


def _cohort_out(row: selectors.CohortRow) -> dict[str, Any]:
    return {"id": row.cohort.pk, "name": row.cohort.name, "phase_id": row.cohort.phase_id,
            "members": row.members, "withdrawn": row.withdrawn, "schools": row.schools,
            "coaches": row.coaches, "capacity": row.capacity}  # fmt: skip


@router.get("/rollout/initiatives/{initiative_id}/plan", response=RolloutPlanOut,
            summary="Phases, cohorts and the plan's checks")  # fmt: skip
def plan(request: HttpRequest, initiative_id: int) -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    result = selectors.rollout_plan(initiative=initiative)
    return {
        "teachers": result.teachers,
        "not_started": result.not_started,
        "phases": [{"phase": r.phase, "target": r.target, "implementing": r.implementing,
                    "cohorts": [_cohort_out(c) for c in r.cohorts]} for r in result.phases],
        "checks": [{"level": c.level, "text": c.text} for c in result.checks],
    }  # fmt: skip


@router.post("/rollout/initiatives/{initiative_id}/phases", response={201: PhaseOut})
def phase_create(request: HttpRequest, initiative_id: int, payload: PhaseIn) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    initiative = initiative_get(district=district, pk=initiative_id)
    phase = services.phase_save(
        initiative=initiative, data=payload.model_dump(), actor=api_user(request)
    )
    return Status(201, phase)


@router.patch("/rollout/phases/{phase_id}", response=PhaseOut)
def phase_update(request: HttpRequest, phase_id: int, payload: PhasePatch) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    phase = selectors.phase_of_district(district=district, pk=phase_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.phase_save(
        initiative=phase.initiative, phase=phase, data=data, actor=api_user(request)
    )


@router.post("/rollout/initiatives/{initiative_id}/cohorts", response={201: CohortOut})
def cohort_create(request: HttpRequest, initiative_id: int, payload: CohortIn) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    initiative = initiative_get(district=district, pk=initiative_id)
    phase = body_ref(Phase, district, payload.phase_id, "phase_id", "phase")
    cohort = services.cohort_save(
        initiative=initiative,
        data={"name": payload.name, "phase": phase, "notes": payload.notes},
        coaches=body_refs(
            Staff.objects.all(), district, payload.coach_ids, "coach_ids", "staff member"
        ),
        actor=api_user(request),
    )
    coaches = len(payload.coach_ids)
    return Status(201, {"id": cohort.pk, "name": cohort.name, "phase_id": phase.pk, "members": 0,
                        "withdrawn": 0, "schools": 0, "coaches": coaches,
                        "capacity": coaches * phase.teachers_per_coach})  # fmt: skip


@router.get("/rollout/cohorts/{cohort_id}/members", response=list[RolloutMemberOut])
@paginate(LimitOffsetPagination)
def member_list(request: HttpRequest, cohort_id: int, status: MemberStatus | None = None) -> Any:
    cohort = selectors.cohort_get(district=api_district(request), pk=cohort_id)
    return selectors.cohort_members(cohort=cohort, status=status or "")


@router.post(
    "/rollout/cohorts/{cohort_id}/members",
    response={201: list[RolloutMemberOut]},
    summary="Add teachers, all or none (a pilot that misses a school needs accept_left_out)",
)
def member_add(request: HttpRequest, cohort_id: int, payload: MembersIn) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    cohort = selectors.cohort_get(district=district, pk=cohort_id)
    members = services.members_add(
        cohort=cohort,
        staff=body_refs(
            Staff.objects.all(), district, payload.staff_ids, "staff_ids", "staff member"
        ),
        source=payload.source,
        accept_left_out=payload.accept_left_out,
        joined_on=payload.joined_on,
        actor=api_user(request),
    )
    return Status(201, members)


@router.post("/rollout/members/{member_id}/transitions", response=RolloutMemberOut,
             summary="Withdraw a teacher from their cohort, or take it back")  # fmt: skip
def member_transition(request: HttpRequest, member_id: int, payload: RolloutTransitionIn) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    member = selectors.member_get(district=district, pk=member_id)
    return services.member_transition(member=member, to=payload.to, on=payload.on,
                                      reason=payload.reason, actor=api_user(request))  # fmt: skip


@router.get("/rollout/initiatives/{initiative_id}/volunteers", response=list[VolunteerOut],
            summary="Volunteers not yet in a cohort, first come first")  # fmt: skip
@paginate(LimitOffsetPagination)
def volunteer_list(request: HttpRequest, initiative_id: int) -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    return selectors.volunteer_pool(initiative=initiative)


@router.post("/rollout/initiatives/{initiative_id}/volunteers", response={201: VolunteerOut})
def volunteer_add(request: HttpRequest, initiative_id: int, payload: VolunteerIn) -> Any:
    district = api_district(request)
    user = api_user(request)
    initiative = initiative_get(district=district, pk=initiative_id)
    if payload.staff_id is not None:
        staff = body_ref(Staff, district, payload.staff_id, "staff_id", "staff member")
    else:
        staff = staff_of_user(district=district, user=user)
        if staff is None:
            raise ValidationError({"staff_id": "You have no staff record here; name the teacher."})
    volunteer = services.volunteer_add(
        initiative=initiative, staff=staff, grade_band=payload.grade_band,
        content_area=payload.content_area, note=payload.note, actor=user,
    )  # fmt: skip
    return Status(201, volunteer)


@router.get(
    "/rollout/cohorts/{cohort_id}/suggestion",
    response=SuggestionOut,
    summary="A pilot from the volunteers that covers every school (rollout managers)",
)
def suggestion(request: HttpRequest, cohort_id: int) -> Any:
    district = api_district(request, policy.ROLLOUT_MANAGE)
    cohort = selectors.cohort_get(district=district, pk=cohort_id)
    try:
        result = selectors.pilot_suggestion(phase=cohort.phase)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    return {
        "size": result.result.size, "wanted": result.size, "optimal": result.result.optimal,
        "staff_ids": result.result.chosen, "uncovered_schools": result.uncovered_names,
        "schools": [_group(label, g) for label, g in result.school_rows],
        "grade_bands": [_group(label, g) for label, g in result.band_rows],
        "content_areas": [_group(label, g) for label, g in result.area_rows],
    }  # fmt: skip


def _group(label: str, g: Any) -> dict[str, Any]:
    return {"group": label, "chosen": g.chosen, "target": g.target, "available": g.available}


@router.get(
    "/rollout/initiatives/{initiative_id}/amnesty",
    response=list[AmnestyOut],
    summary="Each teacher's year of evaluation amnesty, for the evaluation system",
)
@paginate(LimitOffsetPagination)
def amnesty_list(request: HttpRequest, initiative_id: int, school_year: str = "") -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    if school_year:
        validate_school_year(school_year)
    return selectors.amnesty_list(initiative=initiative, school_year=school_year)


@router.get("/rollout/initiatives/{initiative_id}/progress", response=ProgressOut,
            summary="Teachers implementing (and certified) by school")  # fmt: skip
def progress(request: HttpRequest, initiative_id: int, school_year: str = "") -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    if school_year:
        validate_school_year(school_year)
    year = school_year or selectors.initiative_year(initiative, timezone.localdate())
    result = selectors.progress_by_school(initiative=initiative, school_year=year)
    return {"school_year": year, "rows": result.rows, "total": result.total}
