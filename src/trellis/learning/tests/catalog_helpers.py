"""Builders shared by the catalog tests, through the services themselves: activities, sessions
in the past or ahead of today, enrolment, attendance and a certification program."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from trellis.core.models import District, Role
from trellis.core.services import api_token_create
from trellis.factories import MembershipFactory, StaffFactory, UserFactory
from trellis.learning.models import (
    Activity,
    ActivitySource,
    CertificationProgram,
    RequirementKind,
    Session,
    TrainingElement,
)
from trellis.learning.services import catalog as services
from trellis.org.models import School, Staff

D = Decimal
API = "/api/v1"


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    """``n`` days from today (negative: ago)."""
    return today() + dt.timedelta(days=n)


def make_activity(district: District, title: str = "Blended-learning foundations", **data: Any):
    data = {
        "title": title,
        "source": ActivitySource.EXTERNAL,
        "element": TrainingElement.ROLE_SKILLS,
        "hours": D("6"),
        **data,
    }
    audience = data.pop("audience", ())
    return services.activity_create(district=district, data=data, audience=audience, actor=None)


def make_session(activity: Activity, starts_on: dt.date | None = None, **data: Any) -> Session:
    data = {"starts_on": starts_on or days(-7), "location": "District office", **data}
    return services.session_create(activity=activity, data=data, actor=None)


def make_teacher(district: District, school: School | None = None, **kwargs: Any) -> Staff:
    return StaffFactory(district=district, school=school, classification="teacher", **kwargs)


def make_member(district: District, school: School | None, role: str = Role.TEACHER, **kw: Any):
    """A staff member who signs in (a user with a membership in ``district``)."""
    user = UserFactory()
    MembershipFactory(user=user, district=district, role=role)
    return make_teacher(district, school, user=user, **kw)


def enrol(session: Session, *people: Staff, **kwargs: Any):
    kwargs.setdefault("allow_past", True)
    return services.enrolments_create(session=session, people=list(people), actor=None, **kwargs)


def attend(session: Session, *people: Staff, hours: Decimal | None = None):
    rows = [services.AttendanceRow(p.pk, True, hours) for p in people]
    return services.attendance_mark(session=session, rows=rows, actor=None)


def make_program(
    district: District,
    name: str = "Blended-learning specialist (ELA)",
    *,
    activity: Activity | None = None,
    hours: str | None = "10",
    walkthroughs: str | None = "2",
) -> CertificationProgram:
    """A program asking for the activity (if given), hours of learning and walkthroughs."""
    program = services.program_create(
        district=district, data={"name": name, "content_area": "ela"}, actor=None
    )
    if activity is not None:
        services.requirement_add(
            program=program, kind=RequirementKind.ACTIVITY, activity=activity, actor=None
        )
    if hours:
        services.requirement_add(
            program=program, kind=RequirementKind.HOURS, amount=D(hours), actor=None
        )
    if walkthroughs:
        services.requirement_add(
            program=program, kind=RequirementKind.WALKTHROUGHS, amount=D(walkthroughs), actor=None
        )
    return program


def walkthrough(candidacy, on: dt.date):
    requirement = candidacy.program.requirements.get(kind=RequirementKind.WALKTHROUGHS)
    return services.evidence_record(
        candidacy=candidacy, requirement=requirement, completed_on=on, actor=None
    )


def bearer(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_create(user=user, name='t')}"})


def post_json(client: Client, path: str, body: dict[str, Any] | None = None):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def fields(response) -> list[str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return [e["field"] for e in response.json()["errors"]]


def messages(response) -> list[str]:
    return [e["message"] for e in response.json()["errors"]]


def make_coach_role(district: District, name: str = "Instructional coach"):
    """A district-level role type with a published description and an open position a year."""
    from trellis.roles import services as roles
    from trellis.roles.models import RoleCategory, RoleLevel

    role_type = roles.role_type_create(
        district=district,
        data={"name": name, "category": RoleCategory.INSTRUCTIONAL_LEADERSHIP},
        actor=None,
    )
    job = roles.job_description_create(
        district=district, role_type=role_type, title=name, actor=None,
        data={"responsibilities": "Coach teachers", "level": RoleLevel.DISTRICT},
    )  # fmt: skip
    version = roles.version_publish(version=job.versions.get(), actor=None)
    return role_type, version


def hold_role(version, staff: Staff, begin: dt.date, requisition: str):
    """Put ``staff`` in a new position of ``version`` from ``begin``."""
    from trellis.roles import services as roles

    position = roles.position_create(
        district=staff.district, actor=None, status="open",
        data={"version": version, "school": None, "fte": D("1.00"),
              "requisition_number": requisition, "school_year": "2026-27"},
    )  # fmt: skip
    return roles.assignment_create(position=position, staff=staff, begin_date=begin, actor=None)
