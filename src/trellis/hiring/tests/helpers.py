"""Builders shared by the hiring tests. Everything goes through the services themselves, so a
test that uses them also exercises the chain it stands on:

- ``open_position``: role catalog → job description → a principal's sign-off → publish → an
  open, school-based position (trellis.roles.services).
- ``hiring_setup``: that position, the Carson City template, a posting opened today, a
  four-seat panel (district employee, the school's principal, an incumbent, a teacher-leader)
  and N submitted applications.
- ``schedule`` / ``move_through``: take applications to interviewing, debrief, ….
- ``ratings_for`` / ``submit_scorecards``: full scorecards from a ratings matrix.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from trellis.core.models import District, Role, User
from trellis.factories import MembershipFactory, SchoolFactory, StaffFactory, UserFactory
from trellis.hiring import selectors, services
from trellis.hiring.models import (
    Application,
    Audience,
    Interview,
    InterviewTemplate,
    PanelSeat,
    Posting,
    PostingStatus,
    Scorecard,
    SeatRole,
    Source,
)
from trellis.org.models import School, Staff, StaffClassification
from trellis.roles import services as roles_services
from trellis.roles.models import (
    Position,
    PositionStatus,
    ReviewDecision,
    ReviewerRole,
    RoleLevel,
    RoleType,
)

ROLE_KEY = "instructional_strategies_coach"
SCHOOL_YEAR = "2026-27"
FULL_PANEL: tuple[str, ...] = (
    SeatRole.DISTRICT_EMPLOYEE,
    SeatRole.PRINCIPAL,
    SeatRole.INCUMBENT,
    SeatRole.TEACHER_LEADER,
)
_numbers = itertools.count(1)


def _next() -> int:
    return next(_numbers)


# --- People ---------------------------------------------------------------------------------


def make_user_staff(
    district: District,
    *,
    school: School | None,
    classification: str = StaffClassification.TEACHER,
    role: str = Role.PANELIST,
    **kwargs,
) -> Staff:
    """A member of staff who can sign in (a user with a membership in ``district``)."""
    n = _next()
    user = UserFactory(username=f"staffer{n}")
    MembershipFactory(user=user, district=district, role=role)
    return StaffFactory(
        district=district, school=school, classification=classification, user=user, **kwargs
    )


def make_principal(district: District, school: School | None, **kwargs) -> Staff:
    return make_user_staff(
        district, school=school, classification=StaffClassification.PRINCIPAL, **kwargs
    )


def make_panelist(district: District, seat_role: str, school: School) -> Staff:
    """A plausible member of staff for ``seat_role`` on a panel for a position at ``school``."""
    if seat_role == SeatRole.PRINCIPAL:
        return make_principal(district, school)
    if seat_role == SeatRole.DISTRICT_EMPLOYEE:
        return make_user_staff(
            district, school=None, classification=StaffClassification.LEA_SPECIALIST
        )
    if seat_role == SeatRole.INCUMBENT:
        return make_user_staff(
            district,
            school=SchoolFactory(district=district),
            classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
        )
    if seat_role == SeatRole.TEACHER_LEADER:
        return make_user_staff(district, school=school, classification=StaffClassification.TEACHER)
    return make_user_staff(district, school=None, classification=StaffClassification.OTHER)


# --- Positions and postings -----------------------------------------------------------------


def role_type(district: District) -> RoleType:
    roles_services.role_types_seed(district=district, actor=None)
    return RoleType.objects.get(district=district, standard_key=ROLE_KEY)


def open_position(
    district: District,
    *,
    school: School | None = None,
    principal: Staff | None = None,
    requisition: str | None = None,
    title: str | None = None,
    status: str = PositionStatus.OPEN,
    actor: User | None = None,
) -> tuple[Position, Staff]:
    """An open school-based position, built through the roles services; returns it and the
    principal who signed off its job description (the school's principal)."""
    n = _next()
    school = school or SchoolFactory(district=district)
    principal = principal or make_principal(district, school)
    job = roles_services.job_description_create(
        district=district,
        role_type=role_type(district),
        title=title or f"Implementation specialist {n}",
        data={
            "level": RoleLevel.SCHOOL,
            "responsibilities": "Coach teachers weekly\nLead data meetings",
        },
        actor=actor,
    )
    version = job.versions.get(number=1)
    roles_services.review_record(
        version=version,
        reviewer=principal,
        reviewer_role=ReviewerRole.PRINCIPAL,
        decision=ReviewDecision.APPROVED,
        actor=actor,
    )
    version = roles_services.version_publish(version=version, actor=actor)
    position = roles_services.position_create(
        district=district,
        data={
            "version": version,
            "school": school,
            "requisition_number": requisition or f"H-{n:04d}",
            "fte": Decimal("1.00"),
            "school_year": SCHOOL_YEAR,
        },
        actor=actor,
        status=status,
    )
    return position, principal


def make_posting(
    district: District,
    position: Position,
    template: InterviewTemplate,
    *,
    actor: User | None = None,
    audience: str = Audience.BOTH,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    status: str = PostingStatus.OPEN,
) -> Posting:
    today = timezone.localdate()
    opens_on = opens_on or today
    posting = services.posting_create(
        district=district,
        data={
            "position": position,
            "template": template,
            "title": f"{position.version.job_description.title} ({position.requisition_number})",
            "summary": "Coach teachers in personalized learning.",
            "audience": audience,
            "opens_on": opens_on,
            "closes_on": closes_on or opens_on + dt.timedelta(days=30),
        },
        actor=actor,
    )
    if status != PostingStatus.DRAFT:
        posting = services.posting_transition(posting=posting, to=status, actor=actor)
    return posting


def apply(
    posting: Posting,
    *,
    email: str | None = None,
    first_name: str = "Casey",
    last_name: str | None = None,
    staff: Staff | None = None,
    actor: User | None = None,
    **kwargs,
) -> Application:
    n = _next()
    if staff is not None:
        email = email or staff.email
        first_name, last_name = staff.first_name, staff.last_name
    return services.application_submit(
        posting=posting,
        first_name=first_name,
        last_name=last_name or f"Candidate{n}",
        email=email or f"candidate{n}@example.net",
        source=kwargs.pop("source", Source.UNIVERSITY),
        staff=staff,
        actor=actor,
        **kwargs,
    )


@dataclass
class Hiring:
    district: District
    school: School
    position: Position
    principal: Staff
    template: InterviewTemplate
    posting: Posting
    seats: list[PanelSeat]
    applications: list[Application]

    def seat(self, seat_role: str) -> PanelSeat:
        return next(s for s in self.seats if s.seat_role == seat_role)

    @property
    def panelists(self) -> list[Staff]:
        return [s.staff for s in self.seats]


def hiring_setup(
    district: District,
    *,
    actor: User | None = None,
    applicants: int = 2,
    seat_roles: Iterable[str] = FULL_PANEL,
    audience: str = Audience.BOTH,
    school: School | None = None,
) -> Hiring:
    """An open posting for an open position at a school, with its panel seated and
    ``applicants`` external candidates' applications submitted."""
    position, principal = open_position(district, school=school, actor=actor)
    school = position.school
    assert school is not None
    template = services.template_seed(district=district, actor=actor)
    posting = make_posting(district, position, template, actor=actor, audience=audience)
    seats = []
    for seat_role in seat_roles:
        staff = principal if seat_role == SeatRole.PRINCIPAL else None
        staff = staff or make_panelist(district, seat_role, school)
        seats.append(
            services.seat_add(
                posting=posting,
                staff=staff,
                seat_role=seat_role,
                actor=actor,
            )
        )
    applications = [apply(posting) for _ in range(applicants)]
    return Hiring(
        district=district,
        school=school,
        position=position,
        principal=principal,
        template=template,
        posting=posting,
        seats=seats,
        applications=applications,
    )


# --- Moving applications along ----------------------------------------------------------------


def schedule(
    posting: Posting, applications: Sequence[Application], actor: User | None = None
) -> Interview:
    """An interview tomorrow; the applications move on to interviewing."""
    return services.interview_schedule(
        posting=posting,
        applications=list(applications),
        starts_at=timezone.now() + dt.timedelta(days=1),
        duration_minutes=240,
        location="Board room",
        actor=actor,
    )


def move_through(application: Application, *statuses: str, actor: User) -> Application:
    for status in statuses:
        application = services.application_move(
            application=application, to=status, reason=f"Test: {status}.", actor=actor
        )
    return application


def refresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# --- Scores -----------------------------------------------------------------------------------


Row = Sequence[int | Sequence[int]]


def ratings_for(template: InterviewTemplate, row: Row) -> dict[int, int]:
    """Criterion id → rating from one panelist's row: one entry per component in template
    order, either a single rating for all its criteria or one rating per criterion."""
    components = list(selectors.template_components(template))
    if len(row) != len(components):
        raise ValueError(f"Give {len(components)} entries, one per component; got {len(row)}.")
    ratings: dict[int, int] = {}
    for component, entry in zip(components, row, strict=True):
        criteria = list(component.criteria.all())
        values = [entry] * len(criteria) if isinstance(entry, int) else list(entry)
        if len(values) != len(criteria):
            raise ValueError(f"{component.name} has {len(criteria)} criteria; got {len(values)}.")
        ratings.update({c.pk: v for c, v in zip(criteria, values, strict=True)})
    return ratings


def submit_scorecards(
    application: Application, seats: Sequence[PanelSeat], matrix: Sequence[Row]
) -> list[Scorecard]:
    """Each seat's panelist submits a full scorecard from their row of ``matrix``."""
    if len(seats) != len(matrix):
        raise ValueError("Give one row of ratings per seat.")
    template = application.posting.template
    return [
        services.scorecard_submit(
            application=application,
            seat=seat,
            ratings=ratings_for(template, row),
            notes=f"Scores from {seat.staff.full_name}.",
            actor=seat.staff.user,
        )
        for seat, row in zip(seats, matrix, strict=True)
    ]


def scored(hiring: Hiring, application: Application, matrix: Sequence[Row]) -> Application:
    """Schedule ``application`` (if it is not interviewing yet) and have every seat submit."""
    if refresh(application).status != "interviewing":
        schedule(hiring.posting, [application])
    submit_scorecards(application, hiring.seats, matrix)
    return refresh(application)
