"""The demo consortium: three fictional districts shaped like the study's spotlights.

- Maple Valley: four elementary schools and 345 elementary teachers working as ELA/math
  specialist pairs (345 with the teacher persona; the study's 345-teacher district), with two
  career ladders and six school years of its people's moves between roles.
- Cedar Ridge: middle and high schools that will hire implementation specialists.
- Harbor Point: a K-12 district led through a taskforce of principals and teacher-leaders,
  chaired by its project director (the ``hal`` persona).

Every row has a natural key (slug, school id, staff id), and the loader only creates what is
missing, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from trellis.core import policy
from trellis.core.models import Consortium, District, Locale, Membership, Role, User
from trellis.demo.class_reports import class_reports_load
from trellis.demo.coach_assignment import coach_assignment_load
from trellis.demo.coaching import coaching_load
from trellis.demo.hiring import hiring_load
from trellis.demo.interop import interop_load
from trellis.demo.learning_catalog import learning_catalog_load
from trellis.demo.learning_plans import learning_plans_load
from trellis.demo.pathways import pathways_load
from trellis.demo.pay import pay_load
from trellis.demo.people import PeopleSource
from trellis.demo.roles import roles_load
from trellis.demo.rollout import rollout_load
from trellis.demo.surveys import surveys_load
from trellis.hiring.models import Application
from trellis.insights.services import grantees_load
from trellis.org.models import AcademicSubject, Grade, School, SchoolCategory, Staff
from trellis.org.models import StaffClassification as SC
from trellis.roles.models import Position
from trellis.signin.models import TwoFactorDevice

PASSWORD = "trellis-demo"  # noqa: S105 — printed for the demo accounts, never used in production
# The authenticator-app key of every demo account whose role needs two-factor sign-in: printed
# with the accounts, so an evaluator adds it to any authenticator app once and signs in as any
# of them. As public as the demo password; a real account gets its own key at first sign-in.
DEMO_TOTP_SECRET = "TRELLISDEMOTOTPKEYFORAPPS2345672"  # noqa: S105  # nosec B105
SEED = 20261122


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    district: str | None  # slug; None for the consortium lead
    role: str
    description: str
    staff: tuple[str, str] | None = None  # (school name or "", classification)


@dataclass(frozen=True)
class SchoolPlan:
    name: str
    school_id: int
    category: str
    grades: tuple[int, int]
    teachers: int
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class DistrictPlan:
    slug: str
    name: str
    lea_id: int
    state: str
    locale: str
    prefix: str
    schools: tuple[SchoolPlan, ...]


E, M, H = SchoolCategory.ELEMENTARY, SchoolCategory.MIDDLE, SchoolCategory.HIGH
PAIR = (AcademicSubject.ELA, AcademicSubject.MATH)
SECONDARY = (
    AcademicSubject.ELA, AcademicSubject.MATH, AcademicSubject.SCIENCE,
    AcademicSubject.SOCIAL_STUDIES, AcademicSubject.ARTS, AcademicSubject.PE,
    AcademicSubject.WORLD_LANGUAGES, AcademicSubject.CTE, AcademicSubject.SPECIAL_EDUCATION,
)  # fmt: skip

CONSORTIUM = {"slug": "tri-county", "name": "Tri-County Learning Consortium", "network_id": 900100}
DISTRICTS = (
    DistrictPlan(
        "maple-valley", "Maple Valley School District", 3200110, "NV", Locale.SUBURB, "MV",
        (
            SchoolPlan("Aspen Elementary", 3201101, E, (Grade.KINDERGARTEN, 5), 86, PAIR),
            SchoolPlan("Birch Elementary", 3201102, E, (Grade.KINDERGARTEN, 5), 86, PAIR),
            SchoolPlan("Cottonwood Elementary", 3201103, E, (Grade.KINDERGARTEN, 5), 86, PAIR),
            SchoolPlan("Juniper Elementary", 3201104, E, (Grade.KINDERGARTEN, 5), 86, PAIR),
        ),
    ),
    DistrictPlan(
        "cedar-ridge", "Cedar Ridge Unified School District", 3200120, "NV", Locale.TOWN, "CR",
        (
            SchoolPlan("Ridgeview Middle School", 3202101, M, (6, 8), 38, SECONDARY),
            SchoolPlan("Summit Middle School", 3202102, M, (6, 8), 34, SECONDARY),
            SchoolPlan("Cedar Ridge High School", 3202103, H, (9, 12), 52, SECONDARY),
            SchoolPlan("North Fork High School", 3202104, H, (9, 12), 41, SECONDARY),
        ),
    ),
    DistrictPlan(
        "harbor-point", "Harbor Point Public Schools", 3200130, "NV", Locale.CITY, "HP",
        (
            SchoolPlan("Bayside Elementary", 3203101, E, (Grade.PRESCHOOL, 5), 24, PAIR),
            SchoolPlan("Lighthouse Elementary", 3203102, E, (Grade.KINDERGARTEN, 5), 22, PAIR),
            SchoolPlan("Tidewater Elementary", 3203103, E, (Grade.KINDERGARTEN, 5), 21, PAIR),
            SchoolPlan("Harbor Point Middle School", 3203104, M, (6, 8), 27, SECONDARY),
            SchoolPlan("Harbor Point High School", 3203105, H, (9, 12), 33, SECONDARY),
        ),
    ),
)  # fmt: skip

PERSONAS = (
    Persona("alice", "Alice", "Moreno", "maple-valley", Role.DISTRICT_ADMIN,
            "district admin (project director), Maple Valley", ("", SC.LEA_ADMINISTRATOR)),
    Persona("hana", "Hana", "Okafor", "maple-valley", Role.HR,
            "HR lead, Maple Valley", ("", SC.LEA_SPECIALIST)),
    Persona("pat", "Pat", "Lindqvist", "maple-valley", Role.PRINCIPAL,
            "principal of Aspen Elementary, Maple Valley", ("Aspen Elementary", SC.PRINCIPAL)),
    Persona("cole", "Cole", "Whitaker", "maple-valley", Role.COACH,
            "coach (TOSA) at Aspen Elementary, Maple Valley",
            ("Aspen Elementary", SC.INSTRUCTIONAL_COORDINATOR)),
    Persona("bob", "Bob", "Castellanos", "maple-valley", Role.TEACHER,
            "teacher at Aspen Elementary, Maple Valley", ("Aspen Elementary", SC.TEACHER)),
    Persona("charlie", "Charlie", "Nakamura", "cedar-ridge", Role.DISTRICT_ADMIN,
            "district admin, Cedar Ridge", ("", SC.LEA_ADMINISTRATOR)),
    Persona("sam", "Sam", "Oduya", "cedar-ridge", Role.PRINCIPAL,
            "principal of Summit Middle School, Cedar Ridge; on the hiring panel",
            ("Summit Middle School", SC.PRINCIPAL)),
    Persona("hal", "Hal", "Ostrowski", "harbor-point", Role.DISTRICT_ADMIN,
            "district admin (project director), Harbor Point; chairs the taskforce",
            ("", SC.LEA_ADMINISTRATOR)),
    Persona("dana", "Dana", "Petrov", None, Role.CONSORTIUM_LEAD,
            "consortium lead, Tri-County (member-district totals only)"),
)  # fmt: skip


# Schools whose principal is a persona get no generated principal beside them.
PERSONA_PRINCIPALS = {
    (p.district, p.staff[0]) for p in PERSONAS if p.staff and p.staff[1] == SC.PRINCIPAL
}


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        made = ", ".join(f"{n} {k}" for k, n in self.created.items() if n) or "nothing new"
        have = ", ".join(f"{n} {k}" for k, n in self.totals.items())
        return f"Demo data ready ({have}); this run created {made}."


@transaction.atomic
def demo_load() -> DemoSummary:
    summary = DemoSummary(created={"districts": 0, "schools": 0, "staff": 0, "accounts": 0})
    summary.created["grantees"] = 0
    grantees_load()
    consortium, _ = Consortium.objects.get_or_create(
        slug=CONSORTIUM["slug"],
        defaults={"name": CONSORTIUM["name"], "network_id": CONSORTIUM["network_id"]},
    )
    for index, plan in enumerate(DISTRICTS):
        district, made = District.objects.get_or_create(
            slug=plan.slug,
            defaults={
                "name": plan.name, "lea_id": plan.lea_id, "state": plan.state,
                "locale": plan.locale, "consortium": consortium,
            },
        )  # fmt: skip
        summary.created["districts"] += made
        _load_district(district, plan, PeopleSource(SEED + index), summary)
    for persona in PERSONAS:
        summary.created["accounts"] += _load_persona(persona, consortium)
    _two_factor_load()
    summary.created["positions"] = 0
    for plan in DISTRICTS:
        district = District.objects.get(slug=plan.slug)
        admin = (
            User.objects.filter(
                memberships__district=district, memberships__role=Role.DISTRICT_ADMIN
            )
            .order_by("username")
            .first()
        )
        summary.created["positions"] += roles_load(district, admin)
    for plan in DISTRICTS:
        district = District.objects.get(slug=plan.slug)
        admin = User.objects.filter(memberships__district=district).order_by("username").first()
        pay_load(district, admin)
        summary.created["learning rows"] = summary.created.get("learning rows", 0) + (
            learning_catalog_load(district, admin) + learning_plans_load(district, admin)
        )
    maple = District.objects.get(slug="maple-valley")
    summary.created["coaching entries"] = coaching_load(maple, User.objects.get(username="alice"))
    summary.created["class reports"] = class_reports_load(maple)
    cedar = District.objects.get(slug="cedar-ridge")
    charlie = User.objects.get(username="charlie")
    summary.created["applications"] = hiring_load(cedar, charlie)
    summary.created["rollout rows"] = rollout_load(maple, User.objects.get(username="alice"))
    harbor = District.objects.get(slug="harbor-point")
    summary.created["rollout rows"] += rollout_load(harbor, User.objects.get(username="hal"))
    summary.created["pathways rows"] = pathways_load(maple, User.objects.get(username="alice"))
    # After rollout and pathways: a response keeps the cohort its person is in.
    summary.created["survey rows"] = surveys_load(maple, User.objects.get(username="alice"))
    # After rollout (first-year cohorts) and coaching (Cole's pairs): this year's proposal.
    summary.created["coach assignment rows"] = coach_assignment_load(
        maple, User.objects.get(username="alice")
    )
    summary.created["roster rows"] = interop_load(harbor, User.objects.get(username="hal"))
    summary.totals = {
        "districts": District.objects.count(),
        "schools": School.objects.count(),
        "staff": Staff.objects.count(),
        "positions": Position.objects.count(),
        "applications": Application.objects.count(),
    }
    return summary


def _load_district(
    district: District, plan: DistrictPlan, people: PeopleSource, summary: DemoSummary
) -> None:
    existing = set(
        Staff.objects.filter(district=district).values_list("staff_unique_id", flat=True)
    )
    new_staff: list[Staff] = []
    counter = 0

    def add(school: School | None, classification: str, subject: str = "") -> None:
        # Every row is drawn, even when it exists, so the random stream (and every later
        # row) is the same on each run.
        nonlocal counter
        counter += 1
        staff_id = f"{plan.prefix}{counter:05d}"
        first, last = people.name()
        teaching = people.years(0, 28)
        row = Staff(
            district=district, school=school, staff_unique_id=staff_id, first_name=first,
            last_name=last, email=f"{first}.{last}.{counter}@{plan.slug}.example.org".lower(),
            classification=classification, academic_subject=subject,
            years_prior_teaching=teaching, years_prior_professional=teaching + people.years(0, 6),
            highest_education=people.education(), hire_date=people.hire_date(min(teaching, 25)),
        )  # fmt: skip
        if staff_id not in existing:
            new_staff.append(row)

    add(None, SC.SUPERINTENDENT)
    add(None, SC.LEA_SPECIALIST)
    for school_plan in plan.schools:
        school, made = School.objects.get_or_create(
            district=district,
            school_id=school_plan.school_id,
            defaults={
                "name": school_plan.name, "category": school_plan.category,
                "lowest_grade": school_plan.grades[0], "highest_grade": school_plan.grades[1],
                "locale": plan.locale,
            },
        )  # fmt: skip
        summary.created["schools"] += made
        if (plan.slug, school_plan.name) not in PERSONA_PRINCIPALS:
            add(school, SC.PRINCIPAL)
        if school_plan.category != SchoolCategory.ELEMENTARY:
            add(school, SC.ASSISTANT_PRINCIPAL)
        add(school, SC.COUNSELOR)
        add(school, SC.INSTRUCTIONAL_COORDINATOR, AcademicSubject.MULTIPLE)
        for i in range(school_plan.teachers):
            add(school, SC.TEACHER, school_plan.subjects[i % len(school_plan.subjects)])
    Staff.objects.bulk_create(new_staff, batch_size=500)
    summary.created["staff"] += len(new_staff)


def two_factor_personas() -> list[str]:
    """The demo accounts that sign in with a code as well as the password."""
    users = User.objects.filter(username__in=[p.username for p in PERSONAS])
    return [u.username for u in users if policy.requires_two_factor(u)]


def _two_factor_load() -> None:
    for username in two_factor_personas():
        TwoFactorDevice.objects.get_or_create(
            user=User.objects.get(username=username),
            defaults={"secret": DEMO_TOTP_SECRET, "confirmed_at": timezone.now()},
        )


def _load_persona(persona: Persona, consortium: Consortium) -> int:
    user, made = User.objects.get_or_create(
        username=persona.username,
        defaults={
            "first_name": persona.first_name, "last_name": persona.last_name,
            "email": f"{persona.username}@trellis.example.org",
        },
    )  # fmt: skip
    if made:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    if persona.district is None:
        Membership.objects.get_or_create(user=user, consortium=consortium, role=persona.role)
        return int(made)
    district = District.objects.get(slug=persona.district)
    Membership.objects.get_or_create(user=user, district=district, role=persona.role)
    if (
        persona.staff is not None
        and not Staff.objects.filter(district=district, user=user).exists()
    ):
        school_name, classification = persona.staff
        school = School.objects.filter(district=district, name=school_name).first()
        Staff.objects.create(
            district=district, school=school, user=user,
            staff_unique_id=f"P-{persona.username}", first_name=persona.first_name,
            last_name=persona.last_name, email=user.email, classification=classification,
            academic_subject=AcademicSubject.ELA if classification == SC.TEACHER else "",
            years_prior_teaching=9, years_prior_professional=12,
        )  # fmt: skip
    return int(made)
