"""/api/v1/learning endpoints for the activity catalog, sessions, enrolment, attendance, hours
and certifications (tag ``learning``). Everyone reads the catalog and their own learning;
``learning.manage`` writes and reads everyone's."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import StrictSchema, api_district, api_user
from trellis.core.listing import PER_PAGE
from trellis.core.models import District
from trellis.core.schoolyear import school_year_of, validate_school_year
from trellis.learning.models import (
    Activity,
    ActivitySource,
    Audience,
    Candidacy,
    EnrolmentStatus,
    RequirementKind,
    TrainingElement,
)
from trellis.learning.selectors import catalog as selectors
from trellis.learning.services import catalog as services
from trellis.org.models import School, Staff
from trellis.org.selectors import staff_of_user
from trellis.roles.models import RoleType

router = Router(tags=["learning"])
MANAGE = policy.LEARNING_MANAGE
MAX_LIMIT = 200


# --- Schemas --------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    source: ActivitySource
    provider: str
    element: str = Field(description="shared_vision, coaching_skills, role_skills, or empty")
    hours: Decimal
    level: Audience
    audience_ids: list[int]
    capacity: int | None
    offered: bool = Field(alias="is_active")

    @staticmethod
    def resolve_audience_ids(obj: Activity) -> list[int]:
        return sorted(role.pk for role in obj.audience.all())


class ActivityIn(StrictSchema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    source: ActivitySource
    provider: str = Field(default="", max_length=200)
    element: TrainingElement | None = Field(default=None, description="Empty: ongoing learning.")
    hours: Decimal = Field(description="0.25 to 200")
    level: Audience = Audience.EVERYONE
    audience_ids: list[int] = Field(default_factory=list, description="Role type ids")
    capacity: int | None = Field(default=None, description="Seats per session; empty: no limit")
    offered: bool = True


class SessionOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    starts_on: dt.date
    ends_on: dt.date | None
    start_time: dt.time | None
    location: str
    capacity: int | None = Field(description="This session's own capacity, if it overrides")
    seat_limit: int | None = Field(description="Seats in all; empty: no limit")
    enrolled: int
    waitlisted: int
    school_year: str

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.activity.title)


class SessionIn(StrictSchema):
    activity_id: int
    starts_on: dt.date
    ends_on: dt.date | None = None
    start_time: dt.time | None = None
    location: str = Field(default="", max_length=200)
    capacity: int | None = None


class EnrolmentOut(Schema):
    id: int
    session_id: int
    staff_id: int
    staff_name: str
    status: EnrolmentStatus
    attended: bool | None
    hours: Decimal | None
    school_year: str

    @staticmethod
    def resolve_staff_name(obj: Any) -> str:
        return str(obj.staff.full_name)


class EnrolmentIn(StrictSchema):
    staff_id: int | None = Field(default=None, description="Empty: enrol yourself")
    waitlist: bool = Field(default=True, description="False: refuse to overbook a full session")


class EnrolmentCreated(Schema):
    enrolment: EnrolmentOut
    warnings: list[str]


class CancelOut(Schema):
    enrolment: EnrolmentOut
    promoted: EnrolmentOut | None


class AttendanceRowIn(StrictSchema):
    staff_id: int
    attended: bool
    hours: Decimal | None = Field(default=None, description="Empty: the activity's hours")


class AttendanceIn(StrictSchema):
    rows: list[AttendanceRowIn] = Field(max_length=5000)


class AttendanceOut(Schema):
    marked: int
    certified_staff_ids: list[int]
    uncertified_staff_ids: list[int]


class HoursOut(Schema):
    staff_id: int
    name: str
    school: str
    school_year: str
    sessions: int
    by_element: dict[str, Decimal]
    total: Decimal


class HoursPage(Schema):
    items: list[HoursOut]
    count: int


class RequirementOut(Schema):
    id: int
    kind: RequirementKind
    activity_id: int | None
    amount: Decimal
    label: str

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj)


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    content_area: str
    open: bool = Field(alias="is_active")
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_requirements(obj: Any) -> Any:
        return sorted(obj.requirements.all(), key=lambda r: (r.order, r.pk))


class RequirementProgressOut(Schema):
    requirement_id: int
    label: str
    done: Decimal
    needed: Decimal
    met_on: dt.date | None


class CandidacyOut(Schema):
    id: int
    program_id: int
    program: str
    staff_id: int
    name: str
    cohort: str
    started_on: dt.date
    certified_on: dt.date | None
    requirements: list[RequirementProgressOut]


class CandidacyPage(Schema):
    items: list[CandidacyOut]
    count: int


# --- Helpers --------------------------------------------------------------------------------


def _ref(model: Any, district: District, pk: int | None, field: str, what: str) -> Any:
    """A reference in a body: one not in the caller's district is a 422 at that field."""
    found = model.objects.filter(district=district, pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({field: f"No {what} with id {pk} in your district."})
    return found


def _me(request: HttpRequest, district: District) -> Staff:
    me = staff_of_user(district=district, user=api_user(request))
    if me is None:
        raise Http404("You have no staff record in this district.")
    return me


def _year(school_year: str) -> str:
    year = school_year or school_year_of(selectors.today())
    try:
        validate_school_year(year)
    except ValidationError as error:
        raise ValidationError({"school_year": error.messages}) from error
    return year


def _window(limit: int, offset: int) -> slice:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": f"Ask for 1 to {MAX_LIMIT} rows at a time."})
    if offset < 0:
        raise ValidationError({"offset": "The offset counts from 0."})
    return slice(offset, offset + limit)


def _hours_out(p: selectors.PersonHours) -> dict[str, Any]:
    return {
        "staff_id": p.staff.pk,
        "name": p.staff.full_name,
        "school": p.staff.school.name if p.staff.school else "",
        "school_year": p.school_year,
        "sessions": p.sessions,
        "by_element": {key or "ongoing": p.by_element.get(key, Decimal(0))
                       for key, _ in selectors.ELEMENT_COLUMNS},
        "total": p.total,
    }  # fmt: skip


def _candidacies_out(candidacies: list[Candidacy]) -> list[dict[str, Any]]:
    progress = selectors.candidacy_progress(candidacies=candidacies)
    return [
        {
            "id": c.pk,
            "program_id": c.program_id,
            "program": c.program.name,
            "staff_id": c.staff_id,
            "name": c.staff.full_name,
            "cohort": c.cohort,
            "started_on": c.started_on,
            "certified_on": c.certified_on,
            "requirements": [
                {
                    "requirement_id": r.requirement.pk,
                    "label": r.label,
                    "done": r.done,
                    "needed": r.needed,
                    "met_on": r.met_on,
                }
                for r in progress[c.pk].requirements
            ],
        }
        for c in candidacies
    ]


# --- Activities -----------------------------------------------------------------------------


@router.get("/learning/activities", response=list[ActivityOut], summary="The learning catalog")
@paginate(LimitOffsetPagination)
def activity_list(
    request: HttpRequest,
    q: str = "",
    source: ActivitySource | None = None,
    element: str = "",
    offered: bool | None = None,
) -> Any:
    district = api_district(request)
    return selectors.activity_list(
        district=district, q=q[:100], source=source or "", element=element[:20], offered=offered
    ).prefetch_related("audience")


@router.get("/learning/activities/{activity_id}", response=ActivityOut)
def activity_detail(request: HttpRequest, activity_id: int) -> Any:
    return selectors.activity_get(district=api_district(request), pk=activity_id)


@router.post("/learning/activities", response={201: ActivityOut})
def activity_create(request: HttpRequest, payload: ActivityIn) -> Any:
    district = api_district(request, MANAGE)
    audience = [
        _ref(RoleType, district, pk, "audience_ids", "role type") for pk in payload.audience_ids
    ]
    data = payload.model_dump(exclude={"audience_ids", "offered"})
    data["element"] = data["element"] or ""
    data["is_active"] = payload.offered
    activity = services.activity_create(
        district=district, data=data, audience=audience, actor=api_user(request)
    )
    return Status(201, selectors.activity_get(district=district, pk=activity.pk))


# --- Sessions and enrolment -----------------------------------------------------------------


@router.get("/learning/sessions", response=list[SessionOut])
@paginate(LimitOffsetPagination)
def session_list(
    request: HttpRequest, activity_id: int | None = None, upcoming: bool | None = None
) -> Any:
    district = api_district(request)
    activity = (
        _ref(Activity, district, activity_id, "activity_id", "activity") if activity_id else None
    )
    return selectors.session_list(district=district, activity=activity, upcoming=upcoming)


@router.get("/learning/sessions/{session_id}", response=SessionOut)
def session_detail(request: HttpRequest, session_id: int) -> Any:
    return selectors.session_get(district=api_district(request), pk=session_id)


@router.post("/learning/sessions", response={201: SessionOut})
def session_create(request: HttpRequest, payload: SessionIn) -> Any:
    district = api_district(request, MANAGE)
    activity = _ref(Activity, district, payload.activity_id, "activity_id", "activity")
    session = services.session_create(
        activity=activity,
        data=payload.model_dump(exclude={"activity_id"}),
        actor=api_user(request),
    )
    return Status(201, selectors.session_get(district=district, pk=session.pk))


@router.get("/learning/sessions/{session_id}/enrolments", response=list[EnrolmentOut])
@paginate(LimitOffsetPagination)
def enrolment_list(request: HttpRequest, session_id: int) -> Any:
    district = api_district(request, MANAGE)
    session = selectors.session_get(district=district, pk=session_id)
    roster = selectors.session_roster(session=session)
    return [*roster.seats, *roster.waitlist, *roster.cancelled]


@router.post("/learning/sessions/{session_id}/enrolments", response={201: EnrolmentCreated})
def enrolment_create(request: HttpRequest, session_id: int, payload: EnrolmentIn) -> Any:
    """Enrol yourself (no ``staff_id``), or, as a learning manager, someone else. Beyond the
    session's capacity the person goes on the waitlist unless ``waitlist`` is false."""
    district = api_district(request)
    session = selectors.session_get(district=district, pk=session_id)
    user = api_user(request)
    if payload.staff_id is None:
        person, manager = _me(request, district), False
    else:
        policy.require(user, MANAGE, district)
        person, manager = _ref(Staff, district, payload.staff_id, "staff_id", "staff member"), True
    enrolment, warnings = services.enrolment_create(
        session=session, staff=person, actor=user, waitlist=payload.waitlist, allow_past=manager
    )
    return Status(201, {"enrolment": enrolment, "warnings": warnings})


@router.post("/learning/enrolments/{enrolment_id}/cancel", response=CancelOut)
def enrolment_cancel(request: HttpRequest, enrolment_id: int) -> Any:
    district = api_district(request)
    user = api_user(request)
    enrolment = selectors.enrolment_get(district=district, pk=enrolment_id)
    if enrolment.staff.user_id != user.pk:
        policy.require(user, MANAGE, district)
    promoted = services.enrolment_cancel(enrolment=enrolment, actor=user)
    return {"enrolment": enrolment, "promoted": promoted}


@router.post("/learning/sessions/{session_id}/attendance", response=AttendanceOut)
def attendance_mark(request: HttpRequest, session_id: int, payload: AttendanceIn) -> Any:
    """Mark attendance for the whole list or not at all: an error names the row, as
    ``body.rows.3.hours``."""
    district = api_district(request, MANAGE)
    session = selectors.session_get(district=district, pk=session_id)
    rows = [services.AttendanceRow(r.staff_id, r.attended, r.hours) for r in payload.rows]
    outcome = services.attendance_mark(session=session, rows=rows, actor=api_user(request))
    return {
        "marked": outcome.marked,
        "certified_staff_ids": [c.staff_id for c in outcome.refresh.certified],
        "uncertified_staff_ids": [c.staff_id for c in outcome.refresh.uncertified],
    }


# --- Hours ----------------------------------------------------------------------------------


@router.get("/learning/hours", response=HoursPage, summary="Hours per person in a school year")
def hours_list(
    request: HttpRequest,
    school_year: str = "",
    school_id: int | None = None,
    q: str = "",
    limit: int = PER_PAGE,
    offset: int = 0,
) -> Any:
    district = api_district(request, MANAGE)
    school = _ref(School, district, school_id, "school_id", "school") if school_id else None
    year = _year(school_year)
    people = selectors.hours_people(district=district, school_year=year, q=q[:100], school=school)
    page = list(people[_window(limit, offset)])
    rows = selectors.hours_for(district=district, people=page, school_year=year)
    return {"items": [_hours_out(p) for p in rows], "count": people.count()}


@router.get("/learning/me/hours", response=HoursOut, summary="Your own hours in a school year")
def my_hours(request: HttpRequest, school_year: str = "") -> Any:
    district = api_district(request)
    me = _me(request, district)
    return _hours_out(
        selectors.hours_for(district=district, people=[me], school_year=_year(school_year))[0]
    )


# --- Certifications -------------------------------------------------------------------------


@router.get("/learning/certifications", response=list[ProgramOut])
def program_list(request: HttpRequest) -> Any:
    district = api_district(request)
    return selectors.program_list(district=district).prefetch_related("requirements__activity")


@router.get("/learning/certifications/{program_id}", response=ProgramOut)
def program_detail(request: HttpRequest, program_id: int) -> Any:
    return selectors.program_get(district=api_district(request), pk=program_id)


@router.get("/learning/certifications/{program_id}/candidates", response=CandidacyPage)
def candidate_list(
    request: HttpRequest,
    program_id: int,
    school_id: int | None = None,
    cohort: str = "",
    status: str = "",
    limit: int = PER_PAGE,
    offset: int = 0,
) -> Any:
    """Candidates with their progress on each requirement, a page at a time."""
    district = api_district(request, MANAGE)
    program = selectors.program_get(district=district, pk=program_id)
    if status not in {"", "certified", "in_progress"}:
        raise ValidationError({"status": "Ask for certified or in_progress."})
    school = _ref(School, district, school_id, "school_id", "school") if school_id else None
    candidates = selectors.candidacy_list(
        program=program, school=school, cohort=cohort[:60], status=status
    ).select_related("program")
    page = list(candidates[_window(limit, offset)])
    return {"items": _candidacies_out(page), "count": candidates.count()}


@router.get("/learning/me/certifications", response=list[CandidacyOut])
def my_certifications(request: HttpRequest) -> Any:
    district = api_district(request)
    return _candidacies_out(selectors.staff_candidacies(staff=_me(request, district)))
