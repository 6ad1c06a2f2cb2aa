"""Demo hiring: Cedar Ridge runs the Carson City-style performance interview for an
implementation specialist placed at Summit Middle School. Four candidates applied; a four-seat
panel (a district employee, Summit's principal, a specialist already in the role and a
teacher-leader) scored three of them; one was hired, and the debrief turned the weakest parts of
her interview into development goals. A second posting has just opened.

The process's two data parts (reading a mastery-tracker report, the group's student data set)
carry their shipped data tasks; a demo database made before data tasks gets them on the next
load, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from trellis.core.models import District, User
from trellis.hiring import data_tasks, selectors
from trellis.hiring import services as hiring
from trellis.hiring.models import Application, InterviewTemplate, Posting, SeatRole, Source
from trellis.org.models import School, Staff
from trellis.org.models import StaffClassification as SC
from trellis.roles import services as roles
from trellis.roles.models import Assignment, JobDescriptionVersion, PositionStatus, VersionStatus

CANDIDATES = (
    ("Renata", "Okonkwo", "renata.okonkwo@example.org", Source.UNIVERSITY),
    ("Miles", "Haverford", "miles.haverford@example.org", Source.PRIVATE_SECTOR),
    ("Ines", "Castellano", "ines.castellano@example.org", Source.REFERRAL),
)
# Ratings per candidate: one row of 1–4 per panelist, covering the template's 20 criteria in
# order. Renata is strong but weaker at reading data; Miles is uneven; Ines is solid.
PROFILES = {
    "Renata": (
        (3, 3, 3, 4, 3, 3, 2, 2, 3, 4, 4, 3, 4, 3, 4, 4, 3, 3, 2, 3, 4),
        (4, 3, 3, 4, 3, 3, 2, 3, 3, 4, 3, 4, 3, 4, 3, 4, 4, 3, 2, 3, 3),
        (3, 3, 4, 3, 3, 3, 2, 2, 2, 3, 4, 4, 4, 3, 4, 3, 4, 3, 2, 2, 4),
        (3, 4, 3, 4, 3, 3, 1, 2, 3, 4, 4, 3, 4, 4, 4, 4, 3, 4, 2, 3, 3),
    ),
    "Miles": (
        (2, 2, 1, 2, 3, 2, 3, 3, 2, 2, 1, 2, 3, 2, 3, 3, 2, 2, 3, 3, 2),
        (3, 2, 2, 2, 2, 2, 4, 3, 3, 1, 2, 2, 2, 3, 2, 2, 3, 2, 3, 2, 2),
        (2, 1, 2, 3, 2, 2, 3, 4, 2, 2, 2, 1, 3, 2, 2, 3, 2, 3, 4, 3, 3),
        (2, 2, 2, 2, 2, 3, 3, 3, 3, 2, 1, 2, 2, 2, 3, 2, 2, 2, 3, 3, 2),
    ),
    "Ines": (
        (3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3),
        (3, 3, 4, 3, 3, 3, 3, 3, 4, 3, 3, 3, 3, 4, 3, 3, 3, 3, 3, 3, 3),
        (3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3),
        (3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3),
    ),
}


def hiring_load(district: District, actor: User) -> int:
    """Load Cedar Ridge's hiring story once; returns the number of applications created."""
    if Posting.objects.filter(district=district).exists():
        for template in InterviewTemplate.objects.filter(district=district):
            data_tasks.standard_data_tasks_attach(template=template, actor=actor)
        return 0
    template = hiring.template_seed(district=district, actor=actor)
    today = timezone.localdate()
    summit = School.objects.get(district=district, name="Summit Middle School")
    version = JobDescriptionVersion.objects.get(
        district=district,
        status=VersionStatus.PUBLISHED,
        job_description__title="Implementation specialist, 6–8 ELA",
    )
    position = roles.position_create(
        district=district,
        actor=actor,
        status=PositionStatus.OPEN,
        data={
            "version": version,
            "school": summit,
            "requisition_number": "CR-H001",
            "fte": Decimal("1.00"),
            "school_year": "2026-27",
        },
    )
    opens = today - dt.timedelta(days=24)
    posting = hiring.posting_create(
        district=district,
        actor=actor,
        data={
            "position": position,
            "template": template,
            "audience": "both",
            "title": "Implementation specialist, grades 6–8 ELA (Summit Middle School)",
            "summary": "Coach Summit's ELA teachers as they move to mastery-based, personalized "
            "instruction.",
            "opens_on": opens,
            "closes_on": today + dt.timedelta(days=7),
        },
    )
    hiring.posting_transition(posting=posting, to="open", actor=actor)
    _seat_panel(district, posting, summit, actor)

    applications = [
        hiring.application_submit(
            posting=posting,
            first_name=first,
            last_name=last,
            email=email,
            source=source,
            cover_note="I have led my grade-level team's data meetings for three years.",
        )
        for first, last, email, source in CANDIDATES
    ]
    teacher = (
        Staff.objects.filter(
            district=district, classification=SC.TEACHER, school__name="Ridgeview Middle School"
        )
        .exclude(pk__in=Assignment.objects.filter(district=district).values("staff"))
        .order_by("staff_unique_id")
        .first()
    )
    assert teacher is not None
    applications.append(
        hiring.application_submit(
            posting=posting,
            first_name=teacher.first_name,
            last_name=teacher.last_name,
            email=teacher.email,
            staff=teacher,
            actor=actor,
            cover_note="I would like to help colleagues the way my coach helped me.",
        )
    )
    scored = applications[:3]
    starts = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=10), dt.time(8, 30)))
    hiring.interview_schedule(
        posting=posting,
        applications=scored,
        starts_at=starts,
        duration_minutes=270,
        location="District office, room 12",
        actor=actor,
    )
    hiring.interview_schedule(
        posting=posting,
        applications=[applications[3]],
        starts_at=starts + dt.timedelta(days=12),
        duration_minutes=270,
        location="District office, room 12",
        actor=actor,
    )
    seats = list(posting.seats.order_by("id"))
    criteria = [k for c in selectors.template_components(template) for k in c.criteria.all()]
    for application in scored:
        profile = PROFILES[application.candidate.first_name]
        for seat, row in zip(seats, profile, strict=True):
            ratings = {k.pk: row[i % len(row)] for i, k in enumerate(criteria)}
            hiring.scorecard_submit(
                application=application, seat=seat, ratings=ratings, actor=actor
            )
    renata, miles = scored[0], scored[1]
    hiring.application_move(
        application=miles,
        to="rejected",
        actor=actor,
        reason="Strong content knowledge; the coaching role play showed "
        "he is not ready to lead adults yet.",
    )
    hiring.offer_make(application=renata, actor=actor)
    hiring.offer_accept(application=renata, begin_date=today, actor=actor)
    renata = Application.objects.get(pk=renata.pk)
    hiring.debrief_goals_create(application=renata, actor=actor)
    hiring.debrief_meeting_record(
        application=renata,
        held_on=today,
        actor=actor,
        notes="Agreed to start with data-tracker practice with the 6–8 math specialist.",
    )
    _second_posting(district, template, today, actor)
    return len(applications) + 2


def _seat_panel(district: District, posting: Posting, school: School, actor: User) -> None:
    def first(**filters: object) -> Staff:
        staff = (
            Staff.objects.filter(district=district, **filters).order_by("staff_unique_id").first()
        )
        assert staff is not None, filters
        return staff

    incumbent = (
        Assignment.objects.filter(
            district=district,
            end_date__isnull=True,
            position__version__job_description__role_type__name="Implementation specialist",
        )
        .select_related("staff")
        .first()
    )
    leader = (
        Assignment.objects.filter(
            district=district,
            end_date__isnull=True,
            position__school=school,
            position__version__job_description__role_type__standard_key="teacher_leader",
        )
        .select_related("staff")
        .first()
    )
    assert incumbent is not None and leader is not None
    panel = (
        (first(classification=SC.LEA_SPECIALIST), SeatRole.DISTRICT_EMPLOYEE),
        (first(classification=SC.PRINCIPAL, school=school), SeatRole.PRINCIPAL),
        (incumbent.staff, SeatRole.INCUMBENT),
        (leader.staff, SeatRole.TEACHER_LEADER),
    )
    for staff, role in panel:
        hiring.seat_add(posting=posting, staff=staff, seat_role=role, actor=actor)


def _second_posting(
    district: District, template: InterviewTemplate, today: dt.date, actor: User
) -> None:
    version = JobDescriptionVersion.objects.get(
        district=district,
        status=VersionStatus.PUBLISHED,
        job_description__title="Implementation specialist, 9–12 science",
    )
    position = version.positions.filter(status=PositionStatus.OPEN).first()
    assert position is not None
    posting = hiring.posting_create(
        district=district,
        actor=actor,
        data={
            "position": position,
            "template": template,
            "audience": "both",
            "title": "Implementation specialist, grades 9–12 science",
            "summary": "",
            "opens_on": today - dt.timedelta(days=2),
            "closes_on": today + dt.timedelta(days=19),
        },
    )
    hiring.posting_transition(posting=posting, to="open", actor=actor)
    for first, last, source in (
        ("Tomas", "Arbeloa", Source.JOB_BOARD),
        ("Priya", "Venkataraman", Source.OTHER_DISTRICT),
    ):
        hiring.application_submit(
            posting=posting,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@example.org".lower(),
            source=source,
        )
