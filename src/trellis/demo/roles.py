"""Demo roles and positions for each demo district, written through the roles services so every
row is validated and audited like real work.

- Maple Valley (the 345-teacher district): three instructional coaches and two technology TOSAs
  who never evaluate, implementation specialists by grade band and subject, a teacher-leader in
  each school and a personalized-learning coordinator.
- Cedar Ridge: implementation specialists by grade band and content area (some still to hire),
  teacher-leaders, career pathway leaders in the high schools and a district coordinator.
- Harbor Point: teacher-leaders, strategy coaches, an academic counselor, a data analyst and a
  district coordinator.
Each district also has a few assignments that ended last school year, with their reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet

from trellis.core.models import District, User
from trellis.org.models import AcademicSubject, Grade, School, Staff
from trellis.org.models import StaffClassification as SC
from trellis.roles import services
from trellis.roles.models import (
    Commitment,
    EndReason,
    JobDescription,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    ReviewDecision,
    ReviewerRole,
    RoleCategory,
    RoleLevel,
    RoleType,
)

THIS_YEAR, LAST_YEAR = "2026-27", "2025-26"
THIS_START, LAST_START, LAST_END = dt.date(2026, 8, 3), dt.date(2025, 8, 4), dt.date(2026, 6, 30)
ALL_TRAITS = {
    "communication": 3,
    "flexibility": 3,
    "learner_centered": 3,
    "collaboration": 2,
    "organization": 2,
    "instructional_experience": 2,
}

# The district's own role types, beside the study's ten.
OWN_TYPES = {
    "implementation_specialist": (
        "Implementation specialist",
        RoleCategory.INSTRUCTIONAL_LEADERSHIP,
        RoleLevel.DISTRICT,
        SC.INSTRUCTIONAL_COORDINATOR,
        "A district-employed coach who helps a grade band and subject put personalized "
        "learning into daily practice; hired through a performance-task interview.",
    ),
    "data_analyst": (
        "Data analyst",
        RoleCategory.ADMINISTRATIVE,
        RoleLevel.DISTRICT,
        SC.LEA_SPECIALIST,
        "Builds and explains the dashboards teachers and coaches use to personalize learning.",
    ),
}


@dataclass(frozen=True)
class Job:
    title: str
    type_key: str
    level: str
    responsibilities: tuple[str, ...]
    qualifications: tuple[str, ...]
    commitment: str = Commitment.FULL_TIME
    months: str | None = "10"
    grades: tuple[int, int] | None = None
    subject: str = ""
    evaluative: bool = False
    extra_traits: tuple[tuple[str, int], ...] = ()


COACH = (
    "Meet weekly with each assigned teacher to plan lessons around student data",
    "Model small-group and station rotation lessons in classrooms",
    "Lead the school's personalized-learning PLC",
    "Keep a private coaching log shared only with the teacher",
)
TOSA = (
    "Show teachers and students which digital tools exist and how to judge them",
    "Run drop-in clinics and on-demand coaching; never take part in evaluations",
    "Help the content committee review providers each spring",
)
SPECIALIST = (
    "Coach teachers of the grade band on mastery tracking and flexible grouping",
    "Read class mastery reports with teachers and plan next steps",
    "Co-design units with curriculum leaders",
)
LEADER = (
    "Pilot one personalized-learning strategy a semester and open the classroom to visitors",
    "Share what works at monthly staff meetings",
    "Carry teachers' questions to the district taskforce",
)
COORDINATOR = (
    "Keep the personalized-learning plan consistent across schools",
    "Plan professional learning with coaches and principals",
    "Report progress to the board and the grant officer",
)
TEACHING = ("Valid state teaching license", "At least three years of successful teaching")


def _jobs(district_slug: str) -> list[Job]:
    leader = Job(
        "Teacher-leader, personalized learning",
        "teacher_leader",
        RoleLevel.CLASSROOM,
        LEADER,
        TEACHING,
        Commitment.ADDED_DUTY,
        None,
    )
    coordinator = Job(
        "Personalized learning coordinator",
        "district_coordinator",
        RoleLevel.DISTRICT,
        COORDINATOR,
        ("Administrator license", "Experience leading adult learning"),
        months="12",
        evaluative=True,
    )
    if district_slug == "maple-valley":
        return [
            Job(
                "Instructional coach, K–5",
                "instructional_strategies_coach",
                RoleLevel.SCHOOL,
                COACH,
                TEACHING,
                grades=(Grade.KINDERGARTEN, 5),
                extra_traits=(("coaching_experience", 3),),
            ),
            Job(
                "Technology TOSA",
                "technology_coach",
                RoleLevel.DISTRICT,
                TOSA,
                TEACHING,
                grades=(Grade.KINDERGARTEN, 5),
            ),
            Job(
                "Implementation specialist, K–2 literacy",
                "implementation_specialist",
                RoleLevel.DISTRICT,
                SPECIALIST,
                TEACHING,
                grades=(Grade.KINDERGARTEN, 2),
                subject=AcademicSubject.ELA,
                months="11",
            ),
            Job(
                "Implementation specialist, 3–5 mathematics",
                "implementation_specialist",
                RoleLevel.DISTRICT,
                SPECIALIST,
                TEACHING,
                grades=(3, 5),
                subject=AcademicSubject.MATH,
                months="11",
            ),
            leader,
            coordinator,
        ]
    if district_slug == "cedar-ridge":
        return [
            Job(
                "Implementation specialist, 6–8 mathematics",
                "implementation_specialist",
                RoleLevel.DISTRICT,
                SPECIALIST,
                TEACHING,
                grades=(6, 8),
                subject=AcademicSubject.MATH,
                months="11",
            ),
            Job(
                "Implementation specialist, 6–8 ELA",
                "implementation_specialist",
                RoleLevel.DISTRICT,
                SPECIALIST,
                TEACHING,
                grades=(6, 8),
                subject=AcademicSubject.ELA,
                months="11",
            ),
            Job(
                "Implementation specialist, 9–12 science",
                "implementation_specialist",
                RoleLevel.DISTRICT,
                SPECIALIST,
                TEACHING,
                grades=(9, 12),
                subject=AcademicSubject.SCIENCE,
                months="11",
            ),
            Job(
                "Career pathway leader",
                "career_pathway_leader",
                RoleLevel.SCHOOL,
                (
                    "Lead one career academy and its industry partners",
                    "Place students in internships and job shadows",
                ),
                ("CTE endorsement",),
                grades=(9, 12),
                subject=AcademicSubject.CTE,
            ),
            leader,
            coordinator,
        ]
    return [
        Job(
            "Instructional strategies coach",
            "instructional_strategies_coach",
            RoleLevel.SCHOOL,
            COACH,
            TEACHING,
            extra_traits=(("coaching_experience", 3),),
        ),
        Job(
            "Academic counselor",
            "academic_counselor",
            RoleLevel.SCHOOL,
            (
                "Build each student's personalized course of study with them and their family",
                "Run the advisory curriculum",
            ),
            ("School counseling license",),
            grades=(9, 12),
        ),
        Job(
            "Data analyst",
            "data_analyst",
            RoleLevel.DISTRICT,
            ("Maintain the mastery dashboards", "Train coaches to read them with teachers"),
            ("Statistics or data science degree",),
            months="12",
        ),
        leader,
        coordinator,
    ]


class _People:
    """Hands out staff in a stable order, each person at most once."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.used: set[int] = set()

    def take(self, classification: str, school: School | None = None) -> Staff:
        """The next unused person of ``classification``, in ``school`` when one is given."""
        qs: QuerySet[Staff] = Staff.objects.filter(
            district=self.district, classification=classification, is_active=True
        ).exclude(pk__in=self.used)
        if school is not None:
            qs = qs.filter(school=school)
        staff = qs.order_by("staff_unique_id").first()
        assert staff is not None, f"no {classification} left in {self.district}"
        self.used.add(staff.pk)
        return staff

    def persona(self, username: str) -> Staff | None:
        staff = Staff.objects.filter(district=self.district, user__username=username).first()
        if staff is not None:
            self.used.add(staff.pk)
        return staff


def roles_load(district: District, actor: User | None) -> int:
    """Load the district's demo roles once; returns the number of positions created."""
    if JobDescription.objects.filter(district=district).exists():
        return 0
    services.role_types_seed(district=district, actor=actor)
    for key, (name, category, level, classification, description) in OWN_TYPES.items():
        if (
            district.slug == "maple-valley"
            or key == "implementation_specialist"
            or (district.slug == "harbor-point")
        ):
            services.role_type_create(
                district=district,
                actor=actor,
                data={
                    "name": name,
                    "category": category,
                    "default_level": level,
                    "staff_classification": classification,
                    "description": description,
                },
            )
    types = {
        t.standard_key or _own_key(t.name): t for t in RoleType.objects.filter(district=district)
    }
    people = _People(district)
    # The principal persona (Pat, in Maple Valley) signs off where there is one.
    principal = (
        Staff.objects.filter(district=district, classification=SC.PRINCIPAL)
        .order_by(F("user").asc(nulls_last=True), "staff_unique_id")
        .first()
    )
    versions: dict[str, JobDescriptionVersion] = {}
    for job in _jobs(district.slug):
        versions[job.title] = _publish(district, types[job.type_key], job, principal, actor)
    schools = list(School.objects.filter(district=district).order_by("name"))
    plan = _Positions(district, actor, people, versions)
    plan.fill(district.slug, schools)
    return plan.count


def _own_key(name: str) -> str:
    return next((k for k, v in OWN_TYPES.items() if v[0] == name), name)


def _publish(
    district: District, role_type: RoleType, job: Job, principal: Staff | None, actor: User | None
) -> JobDescriptionVersion:
    traits = dict(ALL_TRAITS, **dict(job.extra_traits))
    if job.subject:
        traits["content_knowledge"] = 3
    created = services.job_description_create(
        district=district,
        role_type=role_type,
        title=job.title,
        actor=actor,
        data={
            "summary": role_type.description,
            "responsibilities": "\n".join(job.responsibilities),
            "qualifications": "\n".join(job.qualifications),
            "traits": traits,
            "level": job.level,
            "commitment": job.commitment,
            "evaluative": job.evaluative,
            "contract_months": Decimal(job.months) if job.months else None,
            "lowest_grade": job.grades[0] if job.grades else None,
            "highest_grade": job.grades[1] if job.grades else None,
            "content_area": job.subject,
        },
    )
    version = created.versions.get()
    if principal is not None:
        services.review_record(
            version=version,
            reviewer=principal,
            reviewer_role=ReviewerRole.PRINCIPAL,
            decision=ReviewDecision.APPROVED,
            note="Clear and realistic for our schools.",
            actor=actor,
        )
    return services.version_publish(version=version, actor=actor)


class _Positions:
    def __init__(
        self,
        district: District,
        actor: User | None,
        people: _People,
        versions: dict[str, JobDescriptionVersion],
    ) -> None:
        self.district, self.actor, self.people, self.versions = district, actor, people, versions
        self.count = 0
        self.prefix = {"maple-valley": "MV", "cedar-ridge": "CR"}.get(district.slug, "HP")

    def open(
        self, title: str, school: School | None = None, fte: str = "1.00", year: str = THIS_YEAR
    ) -> Position:
        self.count += 1
        return services.position_create(
            district=self.district,
            actor=self.actor,
            status=PositionStatus.OPEN,
            data={
                "version": self.versions[title],
                "school": school,
                "fte": Decimal(fte),
                "requisition_number": f"{self.prefix}-{self.count:04d}",
                "school_year": year,
            },
        )

    def hire(
        self,
        position: Position,
        staff: Staff | None,
        *,
        tosa: bool = False,
        begin: dt.date = THIS_START,
    ) -> None:
        if staff is not None:
            services.assignment_create(
                position=position,
                staff=staff,
                begin_date=begin,
                fte=position.fte,
                is_tosa=tosa,
                actor=self.actor,
            )

    def ended(self, position: Position, staff: Staff, reason: str, note: str = "") -> None:
        """Someone who held the position last school year and left it, with why."""
        services.assignment_create(
            position=position,
            staff=staff,
            begin_date=LAST_START,
            fte=position.fte,
            actor=self.actor,
        )
        assignment = position.assignments.get(end_date__isnull=True)
        services.assignment_end(
            assignment=assignment, end_date=LAST_END, reason=reason, note=note, actor=self.actor
        )

    def fill(self, slug: str, schools: list[School]) -> None:
        take = self.people.take
        leader = "Teacher-leader, personalized learning"
        for i, school in enumerate(schools):
            position = self.open(leader, school, fte="0.20")
            if i == 0:
                self.ended(
                    position,
                    take(SC.TEACHER, school),
                    EndReason.PROMOTED,
                    "Became an implementation specialist.",
                )
            if i == len(schools) - 1:
                self.ended(position, take(SC.TEACHER, school), EndReason.RETIRED)
            self.hire(position, take(SC.TEACHER, school))
        self.hire(self.open("Personalized learning coordinator"), take(SC.LEA_SPECIALIST))
        if slug == "maple-valley":
            coach = "Instructional coach, K–5"
            for school in schools[:3]:
                position = self.open(coach, school)
                staff = self.people.persona("cole") if school.name == "Aspen Elementary" else None
                self.hire(position, staff or take(SC.INSTRUCTIONAL_COORDINATOR, school))
            vacant = self.open(coach, schools[3])
            self.ended(
                vacant,
                take(SC.INSTRUCTIONAL_COORDINATOR, schools[3]),
                EndReason.NOT_A_FIT,
                "Preferred working with students; back to teaching.",
            )
            for school in schools[:2]:
                self.hire(self.open("Technology TOSA"), take(SC.TEACHER, school), tosa=True)
            self.hire(
                self.open("Implementation specialist, K–2 literacy"),
                take(SC.TEACHER, schools[1]),
                tosa=True,
            )
            self.open("Implementation specialist, 3–5 mathematics")
        elif slug == "cedar-ridge":
            math = self.open("Implementation specialist, 6–8 mathematics")
            self.ended(
                math,
                take(SC.TEACHER, schools[0]),
                EndReason.RETURNED_TO_CLASSROOM,
                "Missed having a class of her own.",
            )
            self.hire(math, take(SC.TEACHER, schools[1]), tosa=True)
            self.open("Implementation specialist, 6–8 ELA")
            self.open("Implementation specialist, 9–12 science")
            for school in schools:
                if school.category == "high":
                    self.hire(
                        self.open("Career pathway leader", school),
                        take(SC.ASSISTANT_PRINCIPAL, school),
                    )
        else:
            for school in schools[:2]:
                self.hire(
                    self.open("Instructional strategies coach", school),
                    take(SC.INSTRUCTIONAL_COORDINATOR, school),
                )
            high = schools[-1] if schools[-1].category == "high" else schools[0]
            counselor = self.open("Academic counselor", high)
            self.ended(counselor, take(SC.COUNSELOR, high), EndReason.MOVED_AWAY)
            self.hire(counselor, take(SC.COUNSELOR, schools[-2]))
            self.open("Data analyst")  # still to hire
