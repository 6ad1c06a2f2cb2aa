"""Builders for the learning-plan, PLC and onboarding tests. Roles, positions and assignments go
through the roles services, so the assignment-started event fires as in real use."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from trellis.core.models import District, Role, User
from trellis.core.schoolyear import school_year_of
from trellis.factories import MembershipFactory, StaffFactory, UserFactory
from trellis.learning.models import Activity, Audience, OnboardingTrack, Plc
from trellis.learning.services import plans as services
from trellis.org.models import School, Staff, StaffClassification
from trellis.roles import services as roles
from trellis.roles.models import Assignment, Position, PositionStatus, RoleLevel, RoleType

COACH_KEY = "instructional_strategies_coach"
_numbers = itertools.count(1)


def today() -> dt.date:
    return timezone.localdate()


def this_year() -> str:
    return school_year_of(today())


def person(
    district: District,
    school: School | None,
    *,
    role: str = Role.TEACHER,
    classification: str = StaffClassification.TEACHER,
    **kwargs: object,
) -> Staff:
    """A member of staff who signs in, with a membership of ``role`` in ``district``."""
    n = next(_numbers)
    user = UserFactory(username=f"learner{n}")
    MembershipFactory(user=user, district=district, role=role)
    return StaffFactory(
        district=district, school=school, user=user, classification=classification, **kwargs
    )


def principal(district: District, school: School) -> Staff:
    return person(
        district, school, role=Role.PRINCIPAL, classification=StaffClassification.PRINCIPAL
    )


def staff_for(persona, school: School | None, **kwargs: object) -> Staff:
    """The staff record of a conftest persona (alice, bob…)."""
    return StaffFactory(district=persona.district, school=school, user=persona.user, **kwargs)


def client_of(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def user_of(staff: Staff) -> User:
    assert staff.user is not None
    return staff.user


def activity(district: District, title: str = "Station rotation basics") -> Activity:
    return Activity.objects.create(
        district=district, title=title, source="internal", hours=Decimal("3")
    )


def goal(staff: Staff, actor: User | None = None, **data: object):
    """A goal in the person's plan for this school year, owned by them unless told."""
    source = data.pop("source", "self")
    values = {"text": f"Goal {next(_numbers)}", "owner": staff, **data}
    return services.goal_add(
        staff=staff, school_year=this_year(), source=source, data=values, actor=actor
    )


# --- Roles and assignments ------------------------------------------------------------------


def coach_role(district: District) -> RoleType:
    roles.role_types_seed(district=district, actor=None)
    return RoleType.objects.get(district=district, standard_key=COACH_KEY)


def coach_position(district: District, actor: User | None = None) -> Position:
    """An open, district-level coach position (no principal's sign-off needed)."""
    n = next(_numbers)
    job = roles.job_description_create(
        district=district,
        role_type=coach_role(district),
        title=f"Instructional coach {n}",
        data={"responsibilities": "Coach teachers weekly", "level": RoleLevel.DISTRICT},
        actor=actor,
    )
    version = roles.version_publish(version=job.versions.get(), actor=actor)
    return roles.position_create(
        district=district,
        data={
            "version": version,
            "school": None,
            "requisition_number": f"L-{n:04d}",
            "fte": Decimal("1.00"),
            "school_year": this_year(),
        },
        actor=actor,
        status=PositionStatus.OPEN,
    )


def start(
    staff: Staff,
    begin: dt.date | None = None,
    actor: User | None = None,
    fte: Decimal = Decimal("1.00"),
) -> Assignment:
    position = coach_position(staff.district, actor)
    return roles.assignment_create(
        position=position, staff=staff, begin_date=begin or today(), actor=actor, fte=fte
    )


def end(assignment: Assignment, day: dt.date, actor: User | None = None) -> Assignment:
    return roles.assignment_end(
        assignment=assignment, end_date=day, reason="promoted", note="", actor=actor
    )


def track(
    district: District,
    audience: str = Audience.NEW,
    items: tuple[tuple[str, int], ...] = (("Meet your principal", 5), ("Shadow a coach", 20)),
) -> OnboardingTrack:
    made = services.track_create(
        district=district,
        actor=None,
        data={
            "name": f"Coaches ({audience})",
            "role_type": coach_role(district),
            "audience": audience,
        },
    )
    for title, due_days in items:
        services.track_item_add(track=made, actor=None, data={"title": title, "due_days": due_days})
    return made


def plc(
    district: District,
    members: list[Staff],
    facilitator: Staff | None = None,
    name: str = "K-5 coaches PLC",
    cadence: str = "biweekly",
) -> Plc:
    return services.plc_create(
        district=district,
        actor=None,
        data={
            "name": name,
            "cadence": cadence,
            "facilitator": facilitator,
            "goals": "Coaching cycles grounded in data.",
            "members": members,
        },
    )
