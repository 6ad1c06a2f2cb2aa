"""Demo career pathways for Maple Valley, written through the org, roles and pathways services so
every row is validated and audited like real work.

- Two ladders. The study's: learning facilitator (every teacher) → teacher on special assignment
  (the coach and technology TOSA roles) → learning director → principal, asking for years on the
  step below, hours of learning, the blended-learning (ELA) certification and, higher up, good
  standing. And teacher-leader → implementation specialist → district coordinator.
- Six school years of history on top of the roles demo: a technology TOSA who became learning
  director and then principal of Birch, a content coach who followed her as learning director,
  assistant principals who came from coaching, principals who retired or moved away and were
  replaced from inside and from outside, coaches who moved sideways (a content coach to
  instructional coaching at another school, another to technology TOSA), teachers who went back
  to their classrooms, and people who left the district (one of them this school year).
- HR's standing for this school year: yes for the teachers, coaches and leaders on the ladders,
  no for one coach.

Dates are relative to today: a post begins on August 1 and ends on June 30 of a school year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from trellis.core.models import District, User
from trellis.core.schoolyear import school_year_of
from trellis.demo.roles import Job, _publish
from trellis.learning.models import CertificationProgram
from trellis.org import services as org
from trellis.org.models import AcademicSubject, Grade, School, Staff
from trellis.org.models import StaffClassification as SC
from trellis.pathways.models import Ladder
from trellis.pathways.services import StepSpec, ladder_save, standing_record, steps_save
from trellis.roles import services as roles
from trellis.roles.models import (
    Assignment,
    EndReason,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    RoleCategory,
    RoleLevel,
    RoleType,
    VersionStatus,
)

R = EndReason
ASPEN, BIRCH, COTTONWOOD, JUNIPER = (
    "Aspen Elementary", "Birch Elementary", "Cottonwood Elementary", "Juniper Elementary",
)  # fmt: skip

# The district's own leader roles (no standard key): who the pipeline figures count as leaders.
OWN_TYPES = (
    ("Principal", RoleCategory.ADMINISTRATIVE, RoleLevel.SCHOOL, SC.PRINCIPAL,
     "Leads one school: its teachers, its budget and its personalized-learning plan."),
    ("Assistant principal", RoleCategory.ADMINISTRATIVE, RoleLevel.SCHOOL,
     SC.ASSISTANT_PRINCIPAL, "Shares the running of a school with its principal."),
    ("Learning director", RoleCategory.INSTRUCTIONAL_LEADERSHIP, RoleLevel.DISTRICT,
     SC.LEA_ADMINISTRATOR,
     "Leads personalized learning across the district's schools: the coaches, the TOSAs and "
     "the professional learning they run."),
)  # fmt: skip
K5 = (Grade.KINDERGARTEN, 5)
JOBS = (
    Job("Principal, elementary", "Principal", RoleLevel.SCHOOL,
        ("Lead the school's personalized-learning plan with its teachers and families",
         "Evaluate teachers and plan their professional learning with them",
         "Protect the coaches' time for coaching"),
        ("Administrator license", "At least five years of teaching"),
        months="12", grades=K5, evaluative=True),
    Job("Assistant principal, elementary", "Assistant principal", RoleLevel.SCHOOL,
        ("Run the school's schedule, supervision and student support",
         "Evaluate the teachers the principal assigns"),
        ("Administrator license", "At least three years of teaching"),
        months="11", grades=K5, evaluative=True),
    Job("Learning director", "Learning director", RoleLevel.DISTRICT,
        ("Lead the coaches and technology TOSAs and plan their year with the principals",
         "Run the district's professional learning for personalized learning",
         "Report the initiative's progress to the superintendent and the board"),
        ("Administrator license", "Experience as a coach or TOSA"), months="12"),
    Job("Content coach, K–5 mathematics", "content_coach", RoleLevel.SCHOOL,
        ("Plan math units with grade-level teams around the mastery data",
         "Model small-group math lessons"),
        ("Valid state teaching license", "Strong mathematics teaching"),
        grades=K5, subject=AcademicSubject.MATH),
)  # fmt: skip

# People the history needs who are not in the generated staff: leaders and coaches, most of
# whom have since left (key → first, last, classification, school, hired school years ago).
NEW_STAFF = {
    "renata": ("Renata", "Ilves", SC.ASSISTANT_PRINCIPAL, COTTONWOOD, 9),
    "gordon": ("Gordon", "Fairweather", SC.PRINCIPAL, COTTONWOOD, 22),
    "maureen": ("Maureen", "Tschida", SC.PRINCIPAL, JUNIPER, 12),
    "devika": ("Devika", "Raman", SC.INSTRUCTIONAL_COORDINATOR, BIRCH, 8),
    "priya": ("Priya", "Solberg", SC.INSTRUCTIONAL_COORDINATOR, BIRCH, 2),
    "lorraine": ("Lorraine", "Beckett", SC.LEA_ADMINISTRATOR, "", 25),
}
LEAVERS = ("gordon", "maureen", "devika", "priya", "lorraine")

# Positions the history fills (key → job title, school, FTE); the roles demo's own stay as they
# are, and those whose holders have all moved on are closed at the end.
POSTS = {
    "tosa_a": ("Technology TOSA", "", "1.00"),
    "tosa_b": ("Technology TOSA", "", "1.00"),
    "director": ("Learning director", "", "1.00"),
    "principal_aspen": ("Principal, elementary", ASPEN, "1.00"),
    "principal_birch": ("Principal, elementary", BIRCH, "1.00"),
    "principal_cottonwood": ("Principal, elementary", COTTONWOOD, "1.00"),
    "principal_juniper": ("Principal, elementary", JUNIPER, "1.00"),
    "ap_juniper": ("Assistant principal, elementary", JUNIPER, "1.00"),
    "ap_cottonwood": ("Assistant principal, elementary", COTTONWOOD, "1.00"),
    "coach_juniper": ("Instructional coach, K–5", JUNIPER, "1.00"),
    "content_aspen": ("Content coach, K–5 mathematics", ASPEN, "1.00"),
    "content_birch": ("Content coach, K–5 mathematics", BIRCH, "1.00"),
    "content_cottonwood": ("Content coach, K–5 mathematics", COTTONWOOD, "1.00"),
    "content_juniper": ("Content coach, K–5 mathematics", JUNIPER, "1.00"),
    "leader_birch": ("Teacher-leader, personalized learning", BIRCH, "0.20"),
    "leader_cottonwood": ("Teacher-leader, personalized learning", COTTONWOOD, "0.20"),
    "specialist_a": ("Implementation specialist, K–2 literacy", "", "1.00"),
    "specialist_b": ("Implementation specialist, K–2 literacy", "", "1.00"),
    "coordinator": ("Personalized learning coordinator", "", "1.00"),
}


@dataclass(frozen=True)
class Stint:
    """Someone in a post from the start of school year ``first`` to the end of ``last``
    (offsets from this school year; ``last`` 0 is a departure earlier this year, None still
    there)."""

    post: str
    who: str
    first: int
    last: int | None
    reason: str = ""
    tosa: bool = False


STINTS = (
    # Up the study's ladder: technology TOSA → learning director → principal.
    Stint("tosa_a", "tonya", -5, -4, R.PROMOTED, tosa=True),
    Stint("director", "tonya", -3, -2, R.PROMOTED),
    Stint("principal_birch", "tonya", -1, None),
    Stint("content_aspen", "terrance", -4, -2, R.PROMOTED),
    Stint("director", "terrance", -1, None),
    # Assistant principals from coaching; principals who left, replaced from inside and out.
    Stint("content_juniper", "michael", -5, -4, R.PROMOTED),
    Stint("ap_juniper", "michael", -3, -3, R.PROMOTED),
    Stint("principal_juniper", "maureen", -5, -3, R.MOVED_AWAY),
    Stint("principal_juniper", "michael", -2, None),
    Stint("principal_cottonwood", "gordon", -5, -3, R.RETIRED),
    Stint("principal_cottonwood", "anne", -2, None),
    Stint("content_cottonwood", "renata", -4, -2, R.PROMOTED),
    Stint("ap_cottonwood", "renata", -1, None),
    Stint("principal_aspen", "pat", -4, None),
    # Sideways: a content coach to instructional coaching at another school, a content coach
    # to technology TOSA.
    Stint("content_birch", "devika", -5, -4, R.CHANGE_OF_ASSIGNMENT),
    Stint("coach_juniper", "devika", -3, -2, R.EMPLOYMENT_ELSEWHERE),
    Stint("content_birch", "lena", -3, -3, R.CHANGE_OF_ASSIGNMENT),
    Stint("tosa_a", "lena", -2, -1, R.RETURNED_TO_CLASSROOM, tosa=True),
    # Back to the classroom, by choice or because the role was not a fit.
    Stint("tosa_a", "omar", -3, -3, R.RETURNED_TO_CLASSROOM, tosa=True),
    Stint("content_aspen", "rosa", -1, -1, R.RETURNED_TO_CLASSROOM),
    Stint("tosa_b", "jamal", -2, -2, R.NOT_A_FIT, tosa=True),
    # Left the district, one of them this school year.
    Stint("content_birch", "priya", -1, 0, R.PERSONAL),
    # The second ladder: teacher-leader → implementation specialist → district coordinator.
    Stint("leader_cottonwood", "hugo", -5, -4, R.PROMOTED),
    Stint("specialist_a", "hugo", -3, -2, R.RETURNED_TO_CLASSROOM, tosa=True),
    Stint("leader_birch", "ines", -4, -2, R.PROMOTED),
    Stint("specialist_a", "ines", -1, -1, R.NOT_A_FIT, tosa=True),
    Stint("specialist_b", "lorraine", -5, -4, R.PROMOTED),
    Stint("coordinator", "lorraine", -3, -1, R.RETIRED),
)

# Generated staff in the history (key → classification, school, n): the n-th from the end of
# the school's staff ids among those without a post, so they never collide with the roles demo,
# which takes people from the start.
GENERATED = {
    "tonya": (SC.PRINCIPAL, BIRCH, 0),
    "anne": (SC.PRINCIPAL, COTTONWOOD, 0),
    "michael": (SC.PRINCIPAL, JUNIPER, 0),
    "terrance": (SC.INSTRUCTIONAL_COORDINATOR, ASPEN, 0),
    "lena": (SC.TEACHER, BIRCH, 0),
    "omar": (SC.TEACHER, BIRCH, 1),
    "ines": (SC.TEACHER, BIRCH, 2),
    "rosa": (SC.TEACHER, ASPEN, 0),
    "jamal": (SC.TEACHER, JUNIPER, 0),
    "hugo": (SC.TEACHER, COTTONWOOD, 0),
}

LEADERSHIP_NOTE = (
    "The study's ladder: teachers who lead personalized learning in their classrooms can coach "
    "or take a special assignment, direct the district's learning, and lead a school."
)
COORDINATION_NOTE = (
    "For teachers who want to lead the initiative's work without leaving teaching at first: "
    "teacher-leader, then implementation specialist, then district coordinator."
)


class _Calendar:
    """School-year offsets to dates: a post begins on August 1 and ends on June 30."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.year = int(school_year_of(today)[:4])

    def begin(self, offset: int) -> dt.date:
        return dt.date(self.year + offset, 8, 1)

    def end(self, offset: int) -> dt.date:
        if offset == 0:  # left during this school year, a few weeks ago at most
            return min(dt.date(self.year, 10, 31), self.today - dt.timedelta(days=21))
        return dt.date(self.year + offset + 1, 6, 30)


def pathways_load(district: District, actor: User | None) -> int:
    """Load Maple Valley's ladders, career history and standing once; returns the rows created
    (0 when the district already has a ladder or is not the demo's Maple Valley)."""
    if (
        actor is None
        or district.slug != "maple-valley"
        or Ladder.objects.filter(district=district).exists()
    ):
        return 0
    loader = _Loader(district, actor)
    loader.catalog()
    loader.history()
    loader.ladders()
    loader.standing()
    return loader.rows


class _Loader:
    def __init__(self, district: District, actor: User) -> None:
        self.district, self.actor = district, actor
        self.calendar = _Calendar(timezone.localdate())
        self.rows = 0
        self.schools = {s.name: s for s in School.objects.filter(district=district)}
        self.people: dict[str, Staff] = {}
        self.posts: dict[str, Position] = {}
        self.versions: dict[str, JobDescriptionVersion] = {}

    # --- The leader roles and their job descriptions ---------------------------------------

    def catalog(self) -> None:
        for name, category, level, classification, description in OWN_TYPES:
            roles.role_type_create(district=self.district, actor=self.actor, data={
                "name": name, "category": category, "default_level": level,
                "staff_classification": classification, "description": description,
            })  # fmt: skip
        types = {
            t.standard_key or t.name: t for t in RoleType.objects.filter(district=self.district)
        }
        pat = Staff.objects.get(district=self.district, user__username="pat")
        for job in JOBS:
            self.versions[job.title] = _publish(self.district, types[job.type_key], job, pat,
                                                self.actor)  # fmt: skip
        self.rows += len(OWN_TYPES) + len(JOBS)

    def _version(self, title: str) -> JobDescriptionVersion:
        if title not in self.versions:
            self.versions[title] = JobDescriptionVersion.objects.get(
                district=self.district, job_description__title=title,
                status=VersionStatus.PUBLISHED,
            )  # fmt: skip
        return self.versions[title]

    # --- People ------------------------------------------------------------------------------

    def person(self, key: str) -> Staff:
        if key not in self.people:
            self.people[key] = self._find(key)
        return self.people[key]

    def _find(self, key: str) -> Staff:
        staff = Staff.objects.filter(district=self.district)
        if key in ("cole", "pat", "bob"):
            return staff.get(user__username=key)
        if key in NEW_STAFF:
            return self._hire(key)
        classification, school, n = GENERATED[key]
        return self._untouched(staff.filter(classification=classification, school__name=school))[n]

    def _untouched(self, staff: QuerySet[Staff]) -> list[Staff]:
        """Staff with no assignment and no account, last staff id first."""
        qs = staff.filter(user__isnull=True).exclude(
            pk__in=Assignment.objects.filter(district=self.district).values("staff_id")
        )
        return list(qs.order_by("-staff_unique_id")[:3])

    def _hire(self, key: str) -> Staff:
        first, last, classification, school, years = NEW_STAFF[key]
        n = list(NEW_STAFF).index(key) + 1
        self.rows += 1
        return org.staff_create(district=self.district, actor=self.actor, data={
            "staff_unique_id": f"MV-PW{n:02d}", "first_name": first, "last_name": last,
            "email": f"{first}.{last}@maple-valley.example.org".lower(),
            "classification": classification, "school": self.schools.get(school),
            "years_prior_teaching": 8, "years_prior_professional": 10,
            "hire_date": self.calendar.begin(-years),
        })  # fmt: skip

    # --- Five school years of assignments ----------------------------------------------------

    def history(self) -> None:
        for stint in STINTS:  # everyone first, so who is "untouched" does not shift midway
            self.person(stint.who)
        planned = sorted(((self._dates(s), s) for s in STINTS), key=lambda p: p[0][0])
        for (begin, end), stint in planned:
            post = self._post(stint.post, begin)
            assignment = roles.assignment_create(
                position=post, staff=self.person(stint.who), begin_date=begin,
                is_tosa=stint.tosa, actor=self.actor,
            )  # fmt: skip
            if end is not None:
                roles.assignment_end(assignment=assignment, end_date=end, reason=stint.reason,
                                     actor=self.actor)  # fmt: skip
        self.rows += len(STINTS)
        for post in self.posts.values():
            if not post.assignments.filter(end_date__isnull=True).exists():
                roles.position_transition(position=post, to=PositionStatus.CLOSED,
                                          actor=self.actor, note="Not refilled.")  # fmt: skip
        for key in LEAVERS:
            org.staff_update(staff=self.person(key), data={"is_active": False}, actor=self.actor)

    def _dates(self, stint: Stint) -> tuple[dt.date, dt.date | None]:
        end = None if stint.last is None else self.calendar.end(stint.last)
        return self.calendar.begin(stint.first), end

    def _post(self, key: str, begin: dt.date) -> Position:
        if key not in self.posts:
            title, school, fte = POSTS[key]
            self.posts[key] = roles.position_create(
                district=self.district, actor=self.actor, status=PositionStatus.OPEN,
                data={"version": self._version(title), "school": self.schools.get(school),
                      "fte": Decimal(fte), "requisition_number": f"MV-P{len(self.posts) + 1:03d}",
                      "school_year": school_year_of(begin)},
            )  # fmt: skip
            self.rows += 1
        return self.posts[key]

    # --- The ladders -------------------------------------------------------------------------

    def ladders(self) -> None:
        types = {
            t.standard_key or t.name: t.pk for t in RoleType.objects.filter(district=self.district)
        }
        # A TOSA shows teachers blended learning, so the district asks for the certification
        # from that step up (a higher step keeps every certification of the steps below).
        certified = list(
            CertificationProgram.objects.filter(district=self.district, content_area="ela")
            .order_by("pk").values_list("pk", flat=True)[:1]
        )  # fmt: skip
        coaching = [types[k] for k in ("instructional_strategies_coach", "technology_coach",
                                       "content_coach")]  # fmt: skip
        self._ladder("Learning facilitator to principal", LEADERSHIP_NOTE, [
            StepSpec("Learning facilitator", [types["learning_facilitator"]], [SC.TEACHER]),
            StepSpec("Teacher on special assignment", coaching, min_years=Decimal(2),
                     min_hours=Decimal(30), certification_ids=certified),
            StepSpec("Learning director", [types["Learning director"]], min_years=Decimal(2),
                     min_hours=Decimal(30), good_standing=True, certification_ids=certified),
            StepSpec("Principal", [types["Principal"]], [SC.PRINCIPAL], min_years=Decimal(2),
                     min_hours=Decimal(40), good_standing=True, certification_ids=certified),
        ])  # fmt: skip
        self._ladder("Teacher-leader to district coordinator", COORDINATION_NOTE, [
            StepSpec("Teacher-leader", [types["teacher_leader"]]),
            StepSpec("Implementation specialist", [types["Implementation specialist"]],
                     min_years=Decimal(1), min_hours=Decimal(30), good_standing=True),
            StepSpec("District coordinator", [types["district_coordinator"]],
                     min_years=Decimal(2), min_hours=Decimal(40), hours_years=3,
                     good_standing=True),
        ])  # fmt: skip

    def _ladder(self, name: str, description: str, specs: list[StepSpec]) -> None:
        ladder = ladder_save(district=self.district, name=name, description=description,
                             actor=self.actor)  # fmt: skip
        steps_save(ladder=ladder, specs=specs, actor=self.actor)
        self.rows += 1 + len(specs)

    # --- HR's standing -----------------------------------------------------------------------

    def standing(self) -> None:
        """Yes for everyone in a post now and for bob; no this year for the Cottonwood coach,
        who was in good standing last year."""
        hr = User.objects.filter(username="hana").first() or self.actor
        this_year = school_year_of(self.calendar.today)
        last_year = school_year_of(self.calendar.begin(-1))
        live = Assignment.objects.filter(district=self.district, end_date__isnull=True)
        holding = Staff.objects.filter(pk__in=live.values("staff_id")).order_by("staff_unique_id")
        doubtful = set(
            live.filter(position__school__name=COTTONWOOD,
                        position__version__job_description__title="Instructional coach, K–5")
            .values_list("staff_id", flat=True)
        )  # fmt: skip
        for person in [*holding, self.person("bob")]:
            good = person.pk not in doubtful
            if not good or person.pk == self.person("cole").pk:
                standing_record(staff=person, school_year=last_year, good=True, actor=hr)
                self.rows += 1
            standing_record(staff=person, school_year=this_year, good=good, actor=hr)
            self.rows += 1
