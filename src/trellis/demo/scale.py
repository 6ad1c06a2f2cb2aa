"""Synthetic data at scale, for benchmarks: fast bulk inserts, deterministic, extensible.

Scales:
- ``S``: one district of 345 teachers (the study's district), ~370 staff.
- ``M``: one district of 5,000 staff.
- ``L``: one district of 75,000 staff, plus 1,000 small districts of 100 staff each.

Later areas add their rows by registering a step with ``register_step``; each step receives the
districts just created and returns how many rows it wrote.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction

from trellis.core.models import District, Locale, Membership, Role, User
from trellis.demo.people import PeopleSource
from trellis.org.models import AcademicSubject, School, SchoolCategory, Staff
from trellis.org.models import StaffClassification as SC

SEED = 7_345_033
BATCH = 5_000
BENCH_PASSWORD = "trellis-bench"  # noqa: S105 — synthetic accounts in a throwaway database


@dataclass(frozen=True)
class DistrictShape:
    slug: str
    name: str
    staff: int
    schools: int


@dataclass(frozen=True)
class ScalePlan:
    big: DistrictShape | None
    small_districts: int
    small_staff: int = 100
    small_schools: int = 3


SCALES: dict[str, ScalePlan] = {
    # One small district alone: the baseline of the tenant-scaling benchmark.
    "T": ScalePlan(DistrictShape("tenant-solo", "Solo District", 100, 3), 0),
    "S": ScalePlan(DistrictShape("scale-s", "Scale S District", 372, 4), 0),
    "M": ScalePlan(DistrictShape("scale-m", "Scale M District", 5_000, 40), 0),
    "L": ScalePlan(DistrictShape("scale-l", "Scale L District", 75_000, 450), 1_000),
}

Step = Callable[[Sequence[District], PeopleSource], int]
_STEPS: list[tuple[str, Step]] = []


def register_step(name: str, step: Step) -> None:
    """Let a later area add its own rows (positions, scores, survey answers…) to every scale."""
    if name not in {n for n, _ in _STEPS}:
        _STEPS.append((name, step))


@dataclass
class GenerateResult:
    scale: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def generate(*, scale: str, seed: int = SEED) -> GenerateResult:
    """Add the districts of ``scale`` to the database (expects none of them to exist yet)."""
    plan = SCALES[scale]
    people = PeopleSource(seed)
    result = GenerateResult(scale=scale)
    started = time.perf_counter()
    with transaction.atomic():
        shapes = [plan.big] if plan.big else []
        shapes += [
            DistrictShape(f"small-{i:04d}", f"Small District {i:04d}", plan.small_staff,
                          plan.small_schools)
            for i in range(1, plan.small_districts + 1)
        ]  # fmt: skip
        districts = _districts(shapes, result)
        for district, shape in zip(districts, shapes, strict=True):
            _schools_and_staff(district, shape, people, result)
        _bench_accounts(districts[0], result)
        for name, step in _STEPS:
            result.rows[name] = step(districts, people)
    _analyze()
    result.seconds = time.perf_counter() - started
    return result


def _districts(shapes: Sequence[DistrictShape], result: GenerateResult) -> list[District]:
    base = 7_000_000 + District.objects.count() * 1_000
    rows = [
        District(slug=s.slug, name=s.name, lea_id=base + i, state="NV", locale=Locale.SUBURB)
        for i, s in enumerate(shapes)
    ]
    District.objects.bulk_create(rows, batch_size=BATCH)
    result.rows["districts"] = len(rows)
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35 alike.
    return rows


_CATEGORIES = (SchoolCategory.ELEMENTARY, SchoolCategory.MIDDLE, SchoolCategory.HIGH)
_GRADES = {SchoolCategory.ELEMENTARY: (0, 5), SchoolCategory.MIDDLE: (6, 8),
           SchoolCategory.HIGH: (9, 12)}  # fmt: skip
_SUBJECTS = [s for s in AcademicSubject if s != AcademicSubject.MULTIPLE]


def _schools_and_staff(
    district: District, shape: DistrictShape, people: PeopleSource, result: GenerateResult
) -> None:
    schools = []
    for i in range(shape.schools):
        category = _CATEGORIES[i % 3] if shape.schools >= 3 else SchoolCategory.ELEMENTARY
        low, high = _GRADES[category]
        schools.append(
            School(district=district, name=f"{shape.name} School {i + 1:03d}",
                   school_id=100_000 + i, category=category, lowest_grade=low,
                   highest_grade=high)
        )  # fmt: skip
    School.objects.bulk_create(schools, batch_size=BATCH)
    staff = []
    for n in range(shape.staff):
        first, last = people.name()
        school = schools[n % len(schools)] if n % 25 else None  # 1 in 25 at the district office
        classification = SC.TEACHER if n % 8 else people.rng.choice(
            (SC.INSTRUCTIONAL_COORDINATOR, SC.PRINCIPAL, SC.COUNSELOR, SC.INSTRUCTIONAL_AIDE,
             SC.SCHOOL_SPECIALIST, SC.LEA_SPECIALIST)
        )  # fmt: skip
        teaching = people.years(0, 30)
        staff.append(
            Staff(district=district, school=school, staff_unique_id=f"E{n:07d}",
                  first_name=first, last_name=last,
                  email=f"e{n}.{last.lower()}@{shape.slug}.example.org",
                  classification=classification,
                  academic_subject=_SUBJECTS[n % len(_SUBJECTS)] if classification == SC.TEACHER
                  else "",
                  years_prior_teaching=teaching, years_prior_professional=teaching + 2,
                  highest_education=people.education(), is_active=n % 50 != 0)
        )  # fmt: skip
        if len(staff) >= BATCH:
            Staff.objects.bulk_create(staff, batch_size=BATCH)
            result.rows["staff"] = result.rows.get("staff", 0) + len(staff)
            staff = []
    Staff.objects.bulk_create(staff, batch_size=BATCH)
    result.rows["staff"] = result.rows.get("staff", 0) + len(staff)
    result.rows["schools"] = result.rows.get("schools", 0) + len(schools)


def _bench_accounts(district: District, result: GenerateResult) -> None:
    """One admin of the biggest district, who the benchmarks act as."""
    user = User(username=f"bench-{district.slug}")
    user.set_password(BENCH_PASSWORD)
    user.save()
    Membership.objects.create(user=user, district=district, role=Role.DISTRICT_ADMIN)
    result.rows["accounts"] = result.rows.get("accounts", 0) + 1


def _analyze() -> None:
    # Fresh statistics so the planner picks the district-led indexes at once.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _register_area_steps() -> None:
    from trellis.demo.coaching import coaching_generate
    from trellis.demo.learning_catalog import learning_catalog_scale
    from trellis.demo.scale_hiring import hiring_generate
    from trellis.demo.scale_pathways import pathways_generate
    from trellis.demo.scale_pay import pay_generate
    from trellis.demo.scale_roles import positions_generate
    from trellis.demo.scale_rollout import rollout_generate
    from trellis.demo.scale_surveys import surveys_generate

    register_step("roles and positions", positions_generate)
    register_step("hiring", hiring_generate)
    register_step("pay", pay_generate)
    register_step("learning", learning_catalog_scale)
    register_step("coaching", coaching_generate)
    register_step("rollout", rollout_generate)
    register_step("pathways", pathways_generate)
    register_step("surveys", surveys_generate)


_register_area_steps()
