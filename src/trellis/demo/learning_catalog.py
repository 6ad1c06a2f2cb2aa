"""Demo professional learning for one district, written through the learning services so every
row is validated and audited like real work, and the scale generator's bulk version.

- A catalog with every source and every element of initial training: the consultants'
  three-day blended-learning training, the platform vendor's training, an internal vision
  session and coaching-skills series, a follow-up day and clinics run by the technology TOSAs, a
  site visit to a district further along, a state conference and a university course.
- Blended-learning specialist certifications in ELA and in math: attend the three-day training,
  30 hours of learning and three observed walkthroughs.
- Teachers (345, or all of a smaller district's) in three yearly cohorts, the study's "go slow to
  go fast": a pilot of about a tenth in every school two years ago (all certified by now), a
  larger cohort last year (most certified), and this year's (in progress; some just started).
  Dates are relative to today, so there are always past sessions with attendance and upcoming
  ones to enrol in.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_of
from trellis.demo.people import PeopleSource
from trellis.learning.models import (
    Activity,
    ActivitySource,
    Audience,
    Candidacy,
    CertificationProgram,
    Enrolment,
    EnrolmentStatus,
    Requirement,
    RequirementEvidence,
    RequirementKind,
    Session,
    TrainingElement,
)
from trellis.learning.services import catalog as services
from trellis.org.models import AcademicSubject, Staff, StaffClassification
from trellis.roles.models import Assignment, RoleType

D = Decimal
S, E = ActivitySource, TrainingElement
TEACHERS = 345
SEED = 20_261_123
COACH_ROLES = ("instructional_strategies_coach", "technology_coach", "teacher_leader",
               "content_coach")  # fmt: skip
MATH_SIDE = {AcademicSubject.MATH, AcademicSubject.SCIENCE, AcademicSubject.SOCIAL_STUDIES}


@dataclass(frozen=True)
class ActivityPlan:
    key: str
    title: str
    source: str
    provider: str
    element: str
    hours: str
    capacity: int | None
    description: str
    level: str = Audience.EVERYONE
    roles: tuple[str, ...] = ()  # standard keys of the role types it is meant for


CATALOG = (
    ActivityPlan("foundations", "Blended-learning foundations: three-day training", S.EXTERNAL,
                 "Brightline Learning Partners (consultants)", E.ROLE_SKILLS, "18", 40,
                 "Three days with the consultants on station rotation, small groups and "
                 "mastery data; each teacher leaves with a plan for their own classroom."),
    ActivityPlan("platform", "Learning platform training", S.EXTERNAL,
                 "Lumen Classroom (platform vendor)", E.ROLE_SKILLS, "3", 60,
                 "The vendor's trainers show playlists, assignments and the mastery reports."),
    ActivityPlan("vision", "Our picture of personalized learning", S.INTERNAL,
                 "Personalized-learning coordinator", E.SHARED_VISION, "2", 150,
                 "What personalized learning looks like in our classrooms, and why."),
    ActivityPlan("coaching", "Coaching adults: a four-part series", S.INTERNAL,
                 "District professional learning office", E.COACHING_SKILLS, "12", 20,
                 "Coaching conversations, modelling, co-planning and giving feedback to "
                 "colleagues without evaluating them.", Audience.NEW, COACH_ROLES),
    ActivityPlan("follow_up", "Blended learning in practice: follow-up day", S.INTERNAL,
                 "Technology TOSAs", E.ROLE_SKILLS, "8", 60,
                 "A day away from the classroom (substitutes provided) to refine rotations "
                 "with the TOSAs."),
    ActivityPlan("clinic", "Station-rotation clinic", S.INTERNAL, "Technology TOSAs", "", "1.5",
                 25, "Drop-in after school: bring a lesson, leave with a rotation."),
    ActivityPlan("site_visit", "Site visit to a district further along", S.SITE_VISIT,
                 "Riverbend Unified School District", E.SHARED_VISION, "7", 12,
                 "Watch blended classrooms at work and talk with their coaches and central "
                 "office.", Audience.EVERYONE, (*COACH_ROLES, "district_coordinator")),
    ActivityPlan("conference", "State personalized-learning conference", S.CONFERENCE,
                 "State Personalized Learning Network", "", "12", 15,
                 "Two days of sessions from districts across the state.",
                 Audience.EXPERIENCED),
    ActivityPlan("course", "Graduate course: designing blended learning", S.UNIVERSITY,
                 "Sierra Vista University, School of Education", E.ROLE_SKILLS, "45", 25,
                 "A semester course for credit, taught on Tuesday evenings.",
                 Audience.EXPERIENCED),
)  # fmt: skip
PROGRAMS = (
    ("Blended-learning specialist (ELA)", AcademicSubject.ELA),
    ("Blended-learning specialist (math)", AcademicSubject.MATH),
)
REQUIRED_HOURS, REQUIRED_WALKTHROUGHS = D("30"), 3


class _Loader:
    def __init__(self, district: District, actor: User | None) -> None:
        self.district, self.actor = district, actor
        self.today = timezone.localdate()
        self.year = int(school_year_of(self.today)[:4])  # this school year starts in July
        self.rng = random.Random(f"{SEED}-{district.slug}")
        self.rows = 0
        self.activities: dict[str, Activity] = {}

    # Catalog, sessions, enrolment and attendance through the services.

    def catalog(self) -> None:
        roles = {r.standard_key: r for r in RoleType.objects.filter(district=self.district)}
        for plan in CATALOG:
            self.activities[plan.key] = services.activity_create(
                district=self.district, actor=self.actor,
                audience=[roles[k] for k in plan.roles if k in roles],
                data={"title": plan.title, "source": plan.source, "provider": plan.provider,
                      "element": plan.element, "hours": D(plan.hours), "level": plan.level,
                      "capacity": plan.capacity, "description": plan.description},
            )  # fmt: skip
        self.rows += len(CATALOG)

    def session(self, key: str, day: dt.date, days: int = 1, where: str = "") -> Session:
        ends = day + dt.timedelta(days=days - 1) if days > 1 else None
        place = where or ("Online" if key == "platform" else "District office, room 12")
        self.rows += 1
        return services.session_create(
            activity=self.activities[key], actor=self.actor,
            data={"starts_on": day, "ends_on": ends, "location": place,
                  "start_time": dt.time(8, 30) if key != "clinic" else dt.time(15, 45)},
        )  # fmt: skip

    def run(self, key: str, day: dt.date, people: Sequence[Staff], absent: float = 0.0,
            days: int = 1, where: str = "") -> None:  # fmt: skip
        """Sessions of ``key`` from ``day`` (one a week) seating ``people``; once a session has
        started its attendance is marked, with about ``absent`` of them away."""
        seats = self.activities[key].capacity or len(people) or 1
        for n in range(math.ceil(len(people) / seats)):
            group = people[n * seats : (n + 1) * seats]
            session = self.session(key, day + dt.timedelta(weeks=n), days, where)
            services.enrolments_create(session=session, people=group, actor=self.actor,
                                       allow_past=True)  # fmt: skip
            self.rows += len(group)
            if session.starts_on <= self.today:
                rows = [services.AttendanceRow(p.pk, self.rng.random() >= absent)
                        for p in group]  # fmt: skip
                services.attendance_mark(session=session, rows=rows, actor=self.actor)

    # Certifications.

    def programs(self) -> dict[str, CertificationProgram]:
        found: dict[str, CertificationProgram] = {}
        foundations = self.activities["foundations"]
        for name, subject in PROGRAMS:
            program = services.program_create(
                district=self.district, actor=self.actor,
                data={"name": name, "content_area": subject, "description": "Teachers become "
                      "blended-learning specialists in one content area: the three-day "
                      "training, hours of learning and observed walkthroughs."},
            )  # fmt: skip
            services.requirement_add(program=program, kind=RequirementKind.ACTIVITY,
                                     activity=foundations, actor=self.actor)  # fmt: skip
            services.requirement_add(program=program, kind=RequirementKind.HOURS,
                                     amount=REQUIRED_HOURS, actor=self.actor)  # fmt: skip
            services.requirement_add(program=program, kind=RequirementKind.WALKTHROUGHS,
                                     amount=D(REQUIRED_WALKTHROUGHS), actor=self.actor)  # fmt: skip
            found[subject] = program
        self.rows += 8
        return found

    def cohort(self, programs: dict[str, CertificationProgram], people: Sequence[Staff],
               start: int, walkthroughs: Sequence[float]) -> list[Candidacy]:  # fmt: skip
        """Candidates of the cohort starting in July of ``start``; ``walkthroughs[i]`` is the
        share of them observed an i-th time."""
        label = f"{start}-{(start + 1) % 100:02d} cohort"
        candidacies = self.candidates(programs, people, min(dt.date(start, 8, 1), self.today),
                                      label)  # fmt: skip
        self.year_of_learning(people, start, absent=walkthroughs[-1] < 1)
        observed = (dt.date(start, 10, 15), dt.date(start + 1, 2, 10), dt.date(start + 1, 4, 20))
        asked = {
            r.program_id: r
            for r in Requirement.objects.filter(
                program__in=programs.values(), kind=RequirementKind.WALKTHROUGHS
            )
        }
        for day, share in zip(observed, walkthroughs, strict=True):
            if day > self.today:
                continue
            seen = [c for c in candidacies if self.rng.random() < share]
            for program_id, requirement in asked.items():
                group = [c for c in seen if c.program_id == program_id]
                if group:
                    services.evidence_record_many(
                        requirement=requirement, candidacies=group, completed_on=day,
                        note="Consultants' walkthrough: rotations running, groups set from "
                        "the week's mastery data.", actor=self.actor,
                    )  # fmt: skip
                    self.rows += len(group)
        return candidacies

    def candidates(self, programs: dict[str, CertificationProgram], people: Sequence[Staff],
                   began: dt.date, label: str) -> list[Candidacy]:  # fmt: skip
        """ELA specialists in the ELA program; math, science and social studies in math."""
        made: list[Candidacy] = []
        for subject, program in programs.items():
            mine = [p for p in people if _side(p) == subject]
            if mine:
                made += services.candidacies_create(
                    program=program, people=mine, started_on=began, cohort=label,
                    actor=self.actor,
                )  # fmt: skip
        self.rows += len(made)
        return made

    def year_of_learning(self, people: Sequence[Staff], start: int, absent: bool) -> None:
        """The teacher path: vision, the three-day training, the platform, a follow-up day."""
        self.run("vision", dt.date(start, 8, 5), people)
        away = 0.03 if absent else 0.0  # the pilot cohort missed nothing
        self.run("foundations", dt.date(start, 8, 11), people, absent=away, days=3)
        self.run("platform", dt.date(start, 9, 15), people, absent=away)
        self.run("follow_up", dt.date(start + 1, 1, 20), people, absent=away * 2)

    def coaches(self) -> None:
        """Coaches, TOSAs and teacher-leaders: the coaching series, a site visit, a conference;
        and upcoming sessions for everyone to enrol in."""
        live = Assignment.objects.filter(
            district=self.district, end_date__isnull=True,
            position__version__job_description__role_type__standard_key__in=COACH_ROLES,
        ).select_related("staff")  # fmt: skip
        coaches = sorted({a.staff for a in live}, key=lambda s: s.staff_unique_id)
        y = self.year
        self.run("coaching", dt.date(y - 1, 9, 8), coaches[: len(coaches) // 2 + 1])
        self.run("coaching", dt.date(y, 9, 14), coaches[len(coaches) // 2 + 1 :])
        self.run("site_visit", dt.date(y - 1, 11, 4), coaches[:12], where="Riverbend")
        self.run("conference", dt.date(y, 10, 19), coaches[:6], days=2, where="State capital")
        for key, ahead in (("clinic", 9), ("clinic", 37), ("site_visit", 52), ("course", 75),
                           ("conference", 120)):  # fmt: skip
            self.session(key, self.today + dt.timedelta(days=ahead))


def _side(person: Staff) -> str:
    return AcademicSubject.MATH if person.academic_subject in MATH_SIDE else AcademicSubject.ELA


def teacher_cohorts(teachers: list[Staff]) -> tuple[list[Staff], list[Staff], list[Staff]]:
    """Pilot (a tenth, from every school), last year's and this year's; persona teachers in
    this year's, so they show progress under way."""
    by_school: dict[int | None, list[Staff]] = {}
    for t in teachers:
        by_school.setdefault(t.school_id, []).append(t)
    spread = [t for group in zip(*by_school.values(), strict=False) for t in group]
    taken = {t.pk for t in spread}
    spread += [t for t in teachers if t.pk not in taken]
    spread.sort(key=lambda t: t.user_id is not None)  # personas last: this year's cohort
    pilot, second = round(len(spread) * 0.1), round(len(spread) * 0.43)
    return spread[:pilot], spread[pilot : pilot + second], spread[pilot + second :]


def learning_catalog_load(district: District, admin: User | None) -> int:
    """Load the district's demo catalog, sessions, attendance and certifications once; returns
    the rows created (0 when the district already has a catalog)."""
    if Activity.objects.filter(district=district).exists():
        return 0
    loader = _Loader(district, admin)
    loader.catalog()
    programs = loader.programs()
    teachers = list(
        Staff.objects.filter(
            district=district, classification=StaffClassification.TEACHER, is_active=True
        ).order_by("staff_unique_id")[:TEACHERS]
    )
    pilot, second, third = teacher_cohorts(teachers)
    y = loader.year
    loader.cohort(programs, pilot, y - 2, walkthroughs=(1.0, 1.0, 1.0))
    loader.cohort(programs, second, y - 1, walkthroughs=(0.97, 0.93, 0.88))
    joined_late = third[len(third) * 5 // 6 :]  # just started: the winter training is ahead
    loader.cohort(programs, third[: len(third) - len(joined_late)], y, walkthroughs=(0.6, 0, 0))
    if joined_late:
        loader.candidates(programs, joined_late, loader.today - dt.timedelta(days=3),
                          f"{y}-{(y + 1) % 100:02d} cohort")  # fmt: skip
        loader.run("foundations", loader.today + dt.timedelta(days=21), joined_late, days=3)
    loader.coaches()
    return loader.rows


# --- Scale ----------------------------------------------------------------------------------

BATCH = 5_000
SCALE_YEARS = ("2024-25", "2025-26", "2026-27")
SEATS = 60
SESSIONS_A_PERSON = 3  # over the three years: about 220,000 enrolments at L
CANDIDATES = 20_000


def learning_catalog_scale(districts: Sequence[District], people: PeopleSource) -> int:
    """The scale generator's learning step for the first (biggest) district: the demo catalog,
    sessions over three school years with attendance (at L, about 220,000 enrolments), the
    two certification programs and their candidates with walkthroughs, all in bulk."""
    district = districts[0]
    rng = people.rng
    activities = [
        Activity(district=district, title=p.title, source=p.source, provider=p.provider,
                 element=p.element, hours=D(p.hours), level=p.level, capacity=p.capacity,
                 description=p.description)
        for p in CATALOG
    ]  # fmt: skip
    Activity.objects.bulk_create(activities)
    staff = list(
        Staff.objects.filter(district=district, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    per_year = max(4, len(staff) * SESSIONS_A_PERSON // SEATS // len(SCALE_YEARS))
    sessions = []
    for year in SCALE_YEARS:
        start = int(year[:4])
        for n in range(per_year):
            day = dt.date(start, 8, 10) + dt.timedelta(days=(n * 290) // per_year)
            sessions.append(Session(district=district, activity=activities[n % len(activities)],
                                    starts_on=day, school_year=year, capacity=SEATS,
                                    location="District office"))  # fmt: skip
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    enrolments = _scale_enrolments(district, sessions, staff, rng)
    rows = len(activities) + len(sessions) + enrolments
    return rows + _scale_certifications(district, activities[0], staff, rng)


def _scale_enrolments(
    district: District, sessions: Sequence[Session], staff: Sequence[int], rng: random.Random
) -> int:
    rows: list[Enrolment] = []
    count, today = 0, timezone.localdate()
    for session in sessions:
        ahead = session.starts_on > today  # enrolled, not marked yet
        for staff_id in rng.sample(staff, min(SEATS, len(staff))):
            attended = None if ahead else rng.random() > 0.08
            hours = None if ahead else (session.activity.hours if attended else D(0))
            # Ids, not objects: setting a relation costs more than the row itself here.
            rows.append(Enrolment(district_id=district.pk, session_id=session.pk,
                                  staff_id=staff_id, status=EnrolmentStatus.ENROLLED,
                                  attended=attended, hours=hours,
                                  school_year=session.school_year))  # fmt: skip
        if len(rows) >= BATCH:
            Enrolment.objects.bulk_create(rows, batch_size=BATCH)
            count, rows = count + len(rows), []
    Enrolment.objects.bulk_create(rows, batch_size=BATCH)
    return count + len(rows)


def _scale_certifications(
    district: District, foundations: Activity, staff: Sequence[int], rng: random.Random
) -> int:
    programs = [CertificationProgram(district=district, name=name, content_area=subject)
                for name, subject in PROGRAMS]  # fmt: skip
    CertificationProgram.objects.bulk_create(programs)
    requirements = []
    for program in programs:
        requirements += [
            Requirement(program=program, kind=RequirementKind.ACTIVITY, activity=foundations,
                        amount=D(1), order=0),
            Requirement(program=program, kind=RequirementKind.HOURS, amount=REQUIRED_HOURS,
                        order=1),
            Requirement(program=program, kind=RequirementKind.WALKTHROUGHS,
                        amount=D(REQUIRED_WALKTHROUGHS), order=2),
        ]  # fmt: skip
    Requirement.objects.bulk_create(requirements)
    today = timezone.localdate()
    chosen = staff[: min(CANDIDATES, len(staff) // 2)]
    candidacies = [
        Candidacy(district=district, program=programs[n % 2], staff_id=staff_id,
                  cohort=f"{SCALE_YEARS[n % 3]} cohort",
                  started_on=dt.date(int(SCALE_YEARS[n % 3][:4]), 8, 1),
                  certified_on=dt.date(int(SCALE_YEARS[n % 3][:4]) + 1, 5, 1)
                  if n % 3 < 2 and n % 7 else None)
        for n, staff_id in enumerate(chosen)
    ]  # fmt: skip
    Candidacy.objects.bulk_create(candidacies, batch_size=BATCH)
    walkthroughs = {p.pk: r for p in programs for r in requirements
                    if r.program_id == p.pk and r.kind == RequirementKind.WALKTHROUGHS}  # fmt: skip
    evidence = [
        RequirementEvidence(candidacy=c, requirement=walkthroughs[c.program_id],
                            completed_on=c.started_on + dt.timedelta(days=60 + 70 * k))
        for c in candidacies
        for k in range(3 if c.certified_on else rng.randint(0, 2))
        if c.started_on + dt.timedelta(days=60 + 70 * k) <= today
    ]  # fmt: skip
    RequirementEvidence.objects.bulk_create(evidence, batch_size=BATCH)
    return len(programs) + len(requirements) + len(candidacies) + len(evidence)
