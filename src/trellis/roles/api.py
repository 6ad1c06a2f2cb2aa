"""/api/v1 endpoints for role types, job descriptions, positions and assignments (tag ``roles``)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user
from trellis.core.models import District
from trellis.org.models import AcademicSubject, Grade, School, Staff, StaffClassification
from trellis.roles import selectors, services
from trellis.roles.models import (
    Commitment,
    EndReason,
    JobDescription,
    JobDescriptionVersion,
    Position,
    PositionReason,
    PositionStatus,
    ReviewDecision,
    ReviewerRole,
    RoleCategory,
    RoleLevel,
    RoleType,
    Trait,
    VersionStatus,
)

router = Router(tags=["roles"])


# --- Schemas --------------------------------------------------------------------------------


class RoleTypeOut(Schema):
    id: int
    name: str
    category: RoleCategory
    default_level: RoleLevel
    staff_classification: StaffClassification
    description: str
    standard_key: str
    retired: bool = Field(alias="is_retired")


class RoleTypeIn(StrictSchema):
    name: str = Field(min_length=1, max_length=120)
    category: RoleCategory
    default_level: RoleLevel = RoleLevel.SCHOOL
    staff_classification: StaffClassification = StaffClassification.INSTRUCTIONAL_COORDINATOR
    description: str = ""


class VersionOut(Schema):
    number: int
    status: VersionStatus
    summary: str
    responsibilities: str
    qualifications: str
    traits: dict[str, int]
    level: RoleLevel
    evaluative: bool
    commitment: Commitment
    contract_months: Decimal | None
    lowest_grade: Grade | None
    highest_grade: Grade | None
    content_area: str
    published_at: dt.datetime | None
    retired_at: dt.datetime | None


class VersionIn(StrictSchema):
    summary: str = ""
    responsibilities: str = ""
    qualifications: str = ""
    traits: dict[Trait, Literal[1, 2, 3]] = Field(
        default_factory=dict, description="1 helpful, 2 important, 3 essential"
    )
    level: RoleLevel | None = None
    evaluative: bool = False
    commitment: Commitment = Commitment.FULL_TIME
    contract_months: Decimal | None = Field(default=None, ge=1, le=12, decimal_places=1)
    lowest_grade: Grade | None = None
    highest_grade: Grade | None = None
    content_area: AcademicSubject | None = None


class JobDescriptionOut(Schema):
    id: int
    title: str
    role_type_id: int
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: JobDescription) -> Any:
        return sorted(obj.versions.all(), key=lambda v: -v.number)


class JobDescriptionIn(StrictSchema):
    title: str = Field(min_length=1, max_length=160)
    role_type_id: int
    version: VersionIn = Field(default_factory=VersionIn)


class ReviewIn(StrictSchema):
    reviewer_id: int
    reviewer_role: ReviewerRole
    decision: ReviewDecision
    note: str = Field(default="", max_length=2000)


class ReviewOut(Schema):
    id: int
    reviewer_id: int
    reviewer_role: ReviewerRole
    decision: ReviewDecision
    note: str
    recorded_at: dt.datetime


class AssignmentOut(Schema):
    id: int
    position_id: int
    staff_id: int
    begin_date: dt.date
    end_date: dt.date | None
    fte: Decimal
    is_tosa: bool
    end_reason: str
    end_note: str


class PositionOut(Schema):
    id: int
    requisition_number: str
    title: str
    job_description_id: int
    version_number: int
    school_id: int | None
    fte: Decimal
    status: PositionStatus
    school_year: str
    reason: PositionReason
    notes: str

    @staticmethod
    def resolve_job_description_id(obj: Position) -> int:
        return obj.version.job_description_id

    @staticmethod
    def resolve_version_number(obj: Position) -> int:
        return obj.version.number


class PositionIn(StrictSchema):
    job_description_id: int = Field(description="Uses its published version.")
    school_id: int | None = Field(default=None, description="Empty for the district office.")
    requisition_number: str = Field(min_length=1, max_length=20)
    fte: Decimal = Field(default=Decimal("1.00"), ge=Decimal("0.05"), le=1, decimal_places=2)
    school_year: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-27"])
    reason: PositionReason = PositionReason.NEW
    notes: str = ""
    status: Literal["planned", "open"] = "planned"


class RoleTransitionIn(StrictSchema):
    to: PositionStatus
    note: str = Field(default="", max_length=500)


class AssignmentIn(StrictSchema):
    position_id: int
    staff_id: int
    begin_date: dt.date
    fte: Decimal | None = Field(default=None, ge=Decimal("0.05"), le=1, decimal_places=2)
    is_tosa: bool = False


class AssignmentEndIn(StrictSchema):
    end_date: dt.date
    reason: EndReason
    note: str = Field(default="", max_length=2000)


# --- Lookups that answer 422 at the field, not 404, for a body reference --------------------


def _ref(model: Any, district: District, pk: int | None, field: str, what: str) -> Any:
    found = model.objects.filter(district=district, pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({field: f"No {what} with id {pk} in your district."})
    return found


def _version_data(payload: VersionIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if "traits" in data:
        data["traits"] = {str(getattr(k, "value", k)): v for k, v in data["traits"].items()}
    if data.get("content_area", "") is None:
        data["content_area"] = ""
    if "level" in data and data["level"] is None:
        del data["level"]
    return data


# --- Role types -----------------------------------------------------------------------------


@router.get("/role-types", response=list[RoleTypeOut], summary="The district's role catalog")
@paginate(LimitOffsetPagination)
def role_type_list(request: HttpRequest, q: str = "", category: RoleCategory | None = None) -> Any:
    return selectors.role_type_list(
        district=api_district(request), q=q[:100], category=category or ""
    )


@router.get("/role-types/{role_type_id}", response=RoleTypeOut)
def role_type_detail(request: HttpRequest, role_type_id: int) -> Any:
    return selectors.role_type_get(district=api_district(request), pk=role_type_id)


@router.post("/role-types", response={201: RoleTypeOut})
def role_type_create(request: HttpRequest, payload: RoleTypeIn) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    role_type = services.role_type_create(
        district=district, data=payload.model_dump(), actor=api_user(request)
    )
    return Status(201, role_type)


@router.post("/role-types/{role_type_id}/retire", response=RoleTypeOut)
def role_type_retire(request: HttpRequest, role_type_id: int) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    role_type = selectors.role_type_get(district=district, pk=role_type_id)
    return services.role_type_retire(role_type=role_type, actor=api_user(request))


@router.post("/role-types/{role_type_id}/restore", response=RoleTypeOut)
def role_type_restore(request: HttpRequest, role_type_id: int) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    role_type = selectors.role_type_get(district=district, pk=role_type_id)
    return services.role_type_restore(role_type=role_type, actor=api_user(request))


# --- Job descriptions and versions ----------------------------------------------------------


@router.get("/job-descriptions", response=list[JobDescriptionOut])
@paginate(LimitOffsetPagination)
def job_description_list(request: HttpRequest, q: str = "") -> Any:
    return selectors.job_description_list(district=api_district(request), q=q[:100])


@router.get("/job-descriptions/{job_id}", response=JobDescriptionOut)
def job_description_detail(request: HttpRequest, job_id: int) -> Any:
    return selectors.job_description_get(district=api_district(request), pk=job_id)


@router.post("/job-descriptions", response={201: JobDescriptionOut})
def job_description_create(request: HttpRequest, payload: JobDescriptionIn) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    role_type = _ref(RoleType, district, payload.role_type_id, "role_type_id", "role type")
    job = services.job_description_create(
        district=district,
        role_type=role_type,
        title=payload.title,
        data=_version_data(payload.version),
        actor=api_user(request),
    )
    return Status(201, job)


@router.get("/job-descriptions/{job_id}/versions/{number}", response=VersionOut)
def version_detail(request: HttpRequest, job_id: int, number: int) -> Any:
    return selectors.version_get(district=api_district(request), job_pk=job_id, number=number)


@router.patch("/job-descriptions/{job_id}/versions/{number}", response=VersionOut)
def version_update(request: HttpRequest, job_id: int, number: int, payload: VersionIn) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    version = selectors.version_get(district=district, job_pk=job_id, number=number)
    return services.version_update(
        version=version, data=_version_data(payload), actor=api_user(request)
    )


@router.post("/job-descriptions/{job_id}/versions", response={201: VersionOut})
def version_start(request: HttpRequest, job_id: int) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    job = selectors.job_description_get(district=district, pk=job_id)
    return Status(201, services.version_new_draft(job_description=job, actor=api_user(request)))


def _version_move(request: HttpRequest, job_id: int, number: int) -> JobDescriptionVersion:
    district = api_district(request, policy.ROLES_EDIT)
    return selectors.version_get(district=district, job_pk=job_id, number=number)


@router.post("/job-descriptions/{job_id}/versions/{number}/publish", response=VersionOut)
def version_publish(request: HttpRequest, job_id: int, number: int) -> Any:
    version = _version_move(request, job_id, number)
    return services.version_publish(version=version, actor=api_user(request))


@router.post("/job-descriptions/{job_id}/versions/{number}/retire", response=VersionOut)
def version_retire(request: HttpRequest, job_id: int, number: int) -> Any:
    version = _version_move(request, job_id, number)
    return services.version_retire(version=version, actor=api_user(request))


@router.post("/job-descriptions/{job_id}/versions/{number}/reviews", response={201: ReviewOut})
def review_create(request: HttpRequest, job_id: int, number: int, payload: ReviewIn) -> Any:
    district = api_district(request, policy.ROLES_REVIEW)
    version = selectors.version_get(district=district, job_pk=job_id, number=number)
    reviewer = _ref(Staff, district, payload.reviewer_id, "reviewer_id", "staff member")
    review = services.review_record(
        version=version,
        reviewer=reviewer,
        reviewer_role=payload.reviewer_role,
        decision=payload.decision,
        note=payload.note,
        actor=api_user(request),
    )
    return Status(201, review)


# --- Positions ------------------------------------------------------------------------------


@router.get("/positions", response=list[PositionOut], summary="Positions of your district")
@paginate(LimitOffsetPagination)
def position_list(
    request: HttpRequest,
    q: str = "",
    school_year: str = "",
    status: PositionStatus | None = None,
    school_id: int | None = None,
) -> Any:
    district = api_district(request)
    school = _ref(School, district, school_id, "school_id", "school") if school_id else None
    return selectors.position_list(
        district=district, q=q[:100], school_year=school_year[:7], status=status or "",
        school=school, holders=False,
    )  # fmt: skip


@router.get("/positions/{position_id}", response=PositionOut)
def position_detail(request: HttpRequest, position_id: int) -> Any:
    return selectors.position_get(district=api_district(request), pk=position_id)


@router.post("/positions", response={201: PositionOut})
def position_create(request: HttpRequest, payload: PositionIn) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    job = _ref(
        JobDescription, district, payload.job_description_id, "job_description_id",
        "job description",
    )  # fmt: skip
    version = job.versions.filter(status=VersionStatus.PUBLISHED).first()
    if version is None:
        raise ValidationError(
            {"job_description_id": f"“{job.title}” has no published version to use."}
        )
    data = payload.model_dump(exclude={"job_description_id", "school_id", "status"})
    data["version"] = version
    data["school"] = (
        _ref(School, district, payload.school_id, "school_id", "school")
        if payload.school_id
        else None
    )
    position = services.position_create(
        district=district, data=data, actor=api_user(request), status=payload.status
    )
    return Status(201, position)


@router.post("/positions/{position_id}/transitions", response=PositionOut)
def position_transition(request: HttpRequest, position_id: int, payload: RoleTransitionIn) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    position = selectors.position_get(district=district, pk=position_id)
    services.position_transition(
        position=position, to=payload.to, note=payload.note, actor=api_user(request)
    )
    return selectors.position_get(district=district, pk=position_id)


# --- Assignments ----------------------------------------------------------------------------


@router.get("/assignments", response=list[AssignmentOut])
@paginate(LimitOffsetPagination)
def assignment_list(
    request: HttpRequest,
    staff_id: int | None = None,
    position_id: int | None = None,
    current: bool | None = None,
) -> Any:
    district = api_district(request)
    staff = _ref(Staff, district, staff_id, "staff_id", "staff member") if staff_id else None
    position = (
        _ref(Position, district, position_id, "position_id", "position") if position_id else None
    )
    return selectors.assignment_list(
        district=district, staff=staff, position=position, current=current
    )


@router.get("/assignments/{assignment_id}", response=AssignmentOut)
def assignment_detail(request: HttpRequest, assignment_id: int) -> Any:
    return selectors.assignment_get(district=api_district(request), pk=assignment_id)


@router.post("/assignments", response={201: AssignmentOut})
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    position = _ref(Position, district, payload.position_id, "position_id", "position")
    staff = _ref(Staff, district, payload.staff_id, "staff_id", "staff member")
    assignment = services.assignment_create(
        position=position,
        staff=staff,
        begin_date=payload.begin_date,
        fte=payload.fte,
        is_tosa=payload.is_tosa,
        actor=api_user(request),
    )
    return Status(201, assignment)


@router.post("/assignments/{assignment_id}/end", response=AssignmentOut)
def assignment_end(request: HttpRequest, assignment_id: int, payload: AssignmentEndIn) -> Any:
    district = api_district(request, policy.ROLES_EDIT)
    assignment = selectors.assignment_get(district=district, pk=assignment_id)
    return services.assignment_end(
        assignment=assignment,
        end_date=payload.end_date,
        reason=payload.reason,
        note=payload.note,
        actor=api_user(request),
    )
