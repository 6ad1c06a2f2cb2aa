"""/api/v1 endpoints for districts, schools and staff (tag ``org``)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user
from trellis.org import selectors, services
from trellis.org.models import (
    AcademicSubject,
    Grade,
    LevelOfEducation,
    SchoolCategory,
    StaffClassification,
)

router = Router(tags=["org"])


class DistrictOut(Schema):
    id: int
    name: str
    slug: str
    lea_id: int
    state: str
    locale: str
    consortium_id: int | None


class SchoolOut(Schema):
    id: int
    name: str
    school_id: int
    category: SchoolCategory
    lowest_grade: Grade
    highest_grade: Grade
    locale: str


class SchoolIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    school_id: int = Field(ge=1)
    category: SchoolCategory = SchoolCategory.ELEMENTARY
    lowest_grade: Grade = Grade.KINDERGARTEN
    highest_grade: Grade = Grade.FIFTH
    locale: str = ""


class SchoolPatch(StrictSchema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    school_id: int | None = Field(default=None, ge=1)
    category: SchoolCategory | None = None
    lowest_grade: Grade | None = None
    highest_grade: Grade | None = None
    locale: str | None = None


class StaffOut(Schema):
    id: int
    staff_unique_id: str
    first_name: str
    middle_name: str
    last_name: str
    email: str
    school_id: int | None
    classification: StaffClassification
    academic_subject: str
    years_prior_teaching: int | None
    years_prior_professional: int | None
    highest_education: str
    hire_date: dt.date | None
    is_active: bool


class StaffIn(StrictSchema):
    staff_unique_id: str = Field(min_length=1, max_length=32)
    first_name: str = Field(min_length=1, max_length=75)
    middle_name: str = Field(default="", max_length=75)
    last_name: str = Field(min_length=1, max_length=75)
    email: str = Field(default="", max_length=254)
    school_id: int | None = None
    classification: StaffClassification = StaffClassification.TEACHER
    academic_subject: AcademicSubject | None = None
    years_prior_teaching: int | None = Field(default=None, ge=0, le=60)
    years_prior_professional: int | None = Field(default=None, ge=0, le=60)
    highest_education: LevelOfEducation | None = None
    hire_date: dt.date | None = None
    is_active: bool = True


class StaffPatch(StrictSchema):
    staff_unique_id: str | None = Field(default=None, min_length=1, max_length=32)
    first_name: str | None = Field(default=None, min_length=1, max_length=75)
    middle_name: str | None = Field(default=None, max_length=75)
    last_name: str | None = Field(default=None, min_length=1, max_length=75)
    email: str | None = Field(default=None, max_length=254)
    school_id: int | None = None
    classification: StaffClassification | None = None
    academic_subject: AcademicSubject | None = None
    years_prior_teaching: int | None = Field(default=None, ge=0, le=60)
    years_prior_professional: int | None = Field(default=None, ge=0, le=60)
    highest_education: LevelOfEducation | None = None
    hire_date: dt.date | None = None
    is_active: bool | None = None


def _staff_data(
    request: HttpRequest, payload: StaffIn | StaffPatch, partial: bool
) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    if "school_id" in data:
        school_id = data.pop("school_id")
        district = api_district(request, policy.EDIT)
        data["school"] = (
            selectors.school_get(district=district, pk=school_id) if school_id else None
        )
    for blank in ("academic_subject", "highest_education"):
        if blank in data and data[blank] is None:
            data[blank] = ""
    return data


@router.get("/districts", response=list[DistrictOut], summary="Districts you belong to")
def district_list(request: HttpRequest) -> Any:
    return policy.user_districts(api_user(request))


@router.get("/schools", response=list[SchoolOut], summary="Schools of your district")
@paginate(LimitOffsetPagination)
def school_list(request: HttpRequest, q: str = "") -> Any:
    return selectors.school_list(district=api_district(request), q=q[:100])


@router.get("/schools/{school_id}", response=SchoolOut)
def school_detail(request: HttpRequest, school_id: int) -> Any:
    return selectors.school_get(district=api_district(request), pk=school_id)


@router.post("/schools", response={201: SchoolOut})
def school_create(request: HttpRequest, payload: SchoolIn) -> Any:
    district = api_district(request, policy.EDIT)
    data = payload.model_dump()
    return Status(
        201, services.school_create(district=district, data=data, actor=api_user(request))
    )


@router.patch("/schools/{school_id}", response=SchoolOut)
def school_update(request: HttpRequest, school_id: int, payload: SchoolPatch) -> Any:
    district = api_district(request, policy.EDIT)
    school = selectors.school_get(district=district, pk=school_id)
    data = payload.model_dump(exclude_unset=True)
    return services.school_update(school=school, data=data, actor=api_user(request))


@router.get("/staff", response=list[StaffOut], summary="Staff of your district")
@paginate(LimitOffsetPagination)
def staff_list(
    request: HttpRequest,
    q: str = "",
    school_id: int | None = None,
    classification: StaffClassification | None = None,
    active: bool | None = None,
    sort: str = "name",
) -> Any:
    district = api_district(request)
    school = selectors.school_get(district=district, pk=school_id) if school_id else None
    return selectors.staff_list(
        district=district,
        q=q[:100],
        school=school,
        classification=classification or "",
        active=active,
        sort=sort,
    )


@router.get("/staff/{staff_id}", response=StaffOut)
def staff_detail(request: HttpRequest, staff_id: int) -> Any:
    return selectors.staff_get(district=api_district(request), pk=staff_id)


@router.post("/staff", response={201: StaffOut})
def staff_create(request: HttpRequest, payload: StaffIn) -> Any:
    district = api_district(request, policy.EDIT)
    data = _staff_data(request, payload, partial=False)
    return Status(201, services.staff_create(district=district, data=data, actor=api_user(request)))


@router.patch("/staff/{staff_id}", response=StaffOut)
def staff_update(request: HttpRequest, staff_id: int, payload: StaffPatch) -> Any:
    district = api_district(request, policy.EDIT)
    staff = selectors.staff_get(district=district, pk=staff_id)
    data = _staff_data(request, payload, partial=True)
    return services.staff_update(staff=staff, data=data, actor=api_user(request))
