"""/api/v1 endpoints for ladders and their steps, succession for a step, a person's readiness
and HR's standing record (tag ``pathways``)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import AfterValidator

from trellis.core import policy
from trellis.core.api import RecordId, StrictSchema, api_district, api_user, body_refs
from trellis.core.audit import audit_record
from trellis.core.models import District
from trellis.core.schoolyear import validate_school_year
from trellis.learning.models import CertificationProgram
from trellis.org.models import Staff
from trellis.org.selectors import staff_get
from trellis.pathways import services
from trellis.pathways.models import Ladder
from trellis.pathways.selectors import ladders as selectors
from trellis.roles.models import RoleType

router = Router()
MANAGE = policy.PATHWAYS_MANAGE


def _school_year(value: str) -> str:
    try:
        validate_school_year(value)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from error
    return value


SchoolYear = Annotated[str, AfterValidator(_school_year)]


class StepOut(Schema):
    order: int
    name: str
    role_type_ids: list[int]
    classifications: list[str]
    min_years: Decimal
    min_hours: Decimal
    hours_years: int
    good_standing: bool
    certification_ids: list[int]

    @staticmethod
    def resolve_role_type_ids(obj: Any) -> list[int]:
        return [t.pk for t in obj.role_types.all()]

    @staticmethod
    def resolve_certification_ids(obj: Any) -> list[int]:
        return [c.pk for c in obj.certifications.all()]


class LadderOut(Schema):
    id: int
    name: str
    description: str
    steps: list[StepOut] = Field(description="Bottom rung first.")

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        return list(obj.steps.all())


class LadderIn(StrictSchema):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=5_000)


class LadderPatch(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=5_000)


class StepIn(StrictSchema):
    """One rung. Its rules (ids of this district, years and hours from zero, no role on two
    rungs, no certification dropped on the way up) are checked with the whole ladder, each
    error at ``body.steps.<n>.<field>``."""

    name: str = Field(max_length=120)
    role_type_ids: list[RecordId] = Field(default_factory=list, max_length=100)
    classifications: list[str] = Field(
        default_factory=list, max_length=20, description="Ed-Fi staff classifications."
    )
    min_years: Decimal = Field(Decimal(0), description="Years on the step below, 0 to 40.")
    min_hours: Decimal = Field(Decimal(0), description="Hours of learning, 0 to 2,000.")
    hours_years: int = Field(2, description="School years the hours are counted over, 1 to 10.")
    good_standing: bool = False
    certification_ids: list[RecordId] = Field(default_factory=list, max_length=100)


class StepsIn(StrictSchema):
    steps: list[StepIn] = Field(max_length=services.MAX_STEPS, description="Bottom rung first.")


class StepRef(Schema):
    order: int
    name: str


class CheckOut(Schema):
    label: str
    state: str = Field(description="met, missing or in_progress")
    detail: str
    by: dt.date | None = Field(description="When it could be met, where that can be estimated.")


class ReadinessOut(Schema):
    ladder_id: int
    ladder: str
    current_step: StepRef | None
    since: dt.date | None
    next_step: StepRef | None
    ready: bool
    ready_by: dt.date | None
    checks: list[CheckOut]


class StandingIn(StrictSchema):
    school_year: SchoolYear
    good: bool = Field(description="In good standing: HR's yes or no, never the evaluation.")


class StandingOut(Schema):
    staff_id: int
    school_year: str
    good: bool
    recorded_at: dt.datetime


class LadderCandidateOut(Schema):
    staff_id: int
    staff_unique_id: str
    name: str
    ready_by: dt.date | None
    missing: list[CheckOut]


class SuccessionOut(Schema):
    step: StepRef
    ready_now: list[LadderCandidateOut]
    within_year: list[LadderCandidateOut]
    later: int


def _ladders(district: District) -> QuerySet[Ladder]:
    return selectors.ladder_list(district=district).prefetch_related(
        "steps__role_types", "steps__certifications"
    )


def _specs(district: District, steps: list[StepIn]) -> list[services.StepSpec]:
    """The steps as the service takes them, once every id in them is one of the district's."""
    errors: dict[str, list[str]] = {}
    for n, step in enumerate(steps):
        for ids, field, queryset, what in (
            (step.role_type_ids, "role_type_ids", RoleType.objects.all(), "role type"),
            (step.certification_ids, "certification_ids", CertificationProgram.objects.all(),
             "certification"),
        ):  # fmt: skip
            try:
                body_refs(queryset, district, ids, f"steps.{n}.{field}", what)
            except ValidationError as error:
                errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    return [services.StepSpec(**step.model_dump()) for step in steps]


# The service names a step's relations as the pages do; the API body names their ids.
BODY_FIELDS = {"role_types": "role_type_ids", "certifications": "certification_ids"}


def _in_body_terms(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    renamed = {}
    for key, messages in error.message_dict.items():
        *where, last = key.split(".")
        renamed[".".join([*where, BODY_FIELDS.get(last, last)])] = messages
    return ValidationError(renamed)


def _person(request: HttpRequest, district: District, staff_id: int) -> Staff:
    """Someone's readiness is theirs and pathways managers' to read; to anyone else there is
    no such person."""
    user = api_user(request)
    person = staff_get(district=district, pk=staff_id)
    if person.user_id != user.pk:
        if not policy.can(user, MANAGE, district):
            raise Http404("No such person.")
        audit_record(actor=user, action="pathways.readiness_viewed", target=person)
    return person


def _ref(step: Any) -> dict[str, Any] | None:
    return {"order": step.order, "name": step.name} if step is not None else None


def _checks(result: selectors.Readiness, met: bool = True) -> list[dict[str, Any]]:
    return [vars(c) for c in result.checks if met or c.state != selectors.MET]


@router.get("/pathways/ladders", response=list[LadderOut], summary="The district's ladders")
@paginate(LimitOffsetPagination)
def ladder_list(request: HttpRequest) -> Any:
    return _ladders(api_district(request))


@router.post("/pathways/ladders", response={201: LadderOut},
             summary="Start a ladder (its steps are set with PUT …/steps)")  # fmt: skip
def ladder_create(request: HttpRequest, payload: LadderIn) -> Any:
    district = api_district(request, MANAGE)
    ladder = services.ladder_save(
        district=district,
        name=payload.name,
        description=payload.description,
        actor=api_user(request),
    )
    return Status(201, get_object_or_404(_ladders(district), pk=ladder.pk))


@router.get("/pathways/ladders/{ladder_id}", response=LadderOut)
def ladder_get(request: HttpRequest, ladder_id: int) -> Any:
    return get_object_or_404(_ladders(api_district(request)), pk=ladder_id)


@router.patch("/pathways/ladders/{ladder_id}", response=LadderOut)
def ladder_update(request: HttpRequest, ladder_id: int, payload: LadderPatch) -> Any:
    district = api_district(request, MANAGE)
    ladder = selectors.ladder_get(district=district, pk=ladder_id)
    services.ladder_save(
        district=district, ladder=ladder, actor=api_user(request),
        name=payload.name if payload.name is not None else ladder.name,
        description=ladder.description if payload.description is None else payload.description,
    )  # fmt: skip
    return get_object_or_404(_ladders(district), pk=ladder_id)


@router.delete("/pathways/ladders/{ladder_id}", response={204: None})
def ladder_delete(request: HttpRequest, ladder_id: int) -> Any:
    district = api_district(request, MANAGE)
    ladder = selectors.ladder_get(district=district, pk=ladder_id)
    services.ladder_delete(ladder=ladder, actor=api_user(request))
    return Status(204, None)


@router.put(
    "/pathways/ladders/{ladder_id}/steps",
    response=list[StepOut],
    summary="Replace the ladder's steps, all or nothing (errors at body.steps.<n>.<field>)",
)
def steps_replace(request: HttpRequest, ladder_id: int, payload: StepsIn) -> Any:
    district = api_district(request, MANAGE)
    ladder = selectors.ladder_get(district=district, pk=ladder_id)
    specs = _specs(district, payload.steps)
    try:
        services.steps_save(ladder=ladder, specs=specs, actor=api_user(request))
    except ValidationError as error:
        raise _in_body_terms(error) from error
    return selectors.steps_of(ladder=ladder)


@router.get(
    "/pathways/ladders/{ladder_id}/steps/{order}/succession",
    response=SuccessionOut,
    summary="Who on the step below is ready for this step now, within a year, or later",
)
def succession(request: HttpRequest, ladder_id: int, order: int) -> Any:
    district = api_district(request, MANAGE)
    ladder = selectors.ladder_get(district=district, pk=ladder_id)
    step = selectors.step_get(ladder=ladder, order=order)
    result = selectors.succession(district=district, ladder=ladder, step=step)
    audit_record(actor=api_user(request), action="pathways.succession_viewed", target=ladder,
                 changes={"step": [None, step.name]})  # fmt: skip
    people = [
        [{"staff_id": p.pk, "staff_unique_id": p.staff_unique_id, "name": p.full_name,
          "ready_by": r.ready_by, "missing": _checks(r, met=False)} for p, r in group]
        for group in (result.ready_now, result.within_year)
    ]  # fmt: skip
    return {"step": _ref(step), "ready_now": people[0], "within_year": people[1],
            "later": result.later}  # fmt: skip


@router.get(
    "/pathways/people/{staff_id}/readiness",
    response=list[ReadinessOut],
    summary="Where someone stands on each ladder and what the next step asks (themselves and "
    "pathways managers)",
)
def readiness(request: HttpRequest, staff_id: int) -> Any:
    district = api_district(request)
    person = _person(request, district, staff_id)
    return [
        {"ladder_id": r.ladder.pk, "ladder": r.ladder.name, "current_step": _ref(r.current),
         "since": r.since, "next_step": _ref(r.next), "ready": r.ready, "ready_by": r.ready_by,
         "checks": _checks(r)}
        for r in selectors.person_readiness(district=district, person=person)
    ]  # fmt: skip


@router.post("/pathways/people/{staff_id}/standing", response={201: StandingOut},
             summary="Record HR's yes or no on someone's standing for a school year")  # fmt: skip
def standing(request: HttpRequest, staff_id: int, payload: StandingIn) -> Any:
    district = api_district(request, MANAGE)
    person = staff_get(district=district, pk=staff_id)
    recorded = services.standing_record(staff=person, school_year=payload.school_year,
                                        good=payload.good, actor=api_user(request))  # fmt: skip
    return Status(201, recorded)
