"""The scale generator's rollout step, for the biggest district, in bulk.

- "Scale rollout": three phases (a 10 % pilot, half by the second year, everyone by the third)
  with every current teacher in one of three cohorts, a coach per 25 teachers, and each
  teacher's amnesty year: about 66,000 members and 66,000 amnesty rows at L.
- "Scale pilot planning": a pilot phase with an empty pilot cohort and a fifth of the teachers
  as volunteers (about 13,000 at L, over 450 schools), for the pilot suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from trellis.core.models import District
from trellis.core.schoolyear import school_year_bounds
from trellis.demo.people import PeopleSource
from trellis.org.models import SchoolCategory, Staff, StaffClassification
from trellis.rollout.models import (
    Amnesty,
    Cohort,
    CohortMember,
    GradeBand,
    Initiative,
    MemberSource,
    Phase,
    Volunteer,
)

BATCH = 5_000
YEARS = ("2024-25", "2025-26", "2026-27")
SHARES = (Decimal(10), Decimal(50), Decimal(100))
PLANNING_YEAR = "2027-28"
BANDS: dict[str, str] = {SchoolCategory.MIDDLE: GradeBand.G68, SchoolCategory.HIGH: GradeBand.G912}


def rollout_generate(districts: Sequence[District], people: PeopleSource) -> int:
    district = districts[0]
    teachers = list(
        Staff.objects.filter(district=district, is_active=True,
                             classification=StaffClassification.TEACHER)
        .order_by("pk").values_list("pk", "school__category", "academic_subject")
    )  # fmt: skip
    coaches = list(
        Staff.objects.filter(district=district, is_active=True)
        .exclude(classification=StaffClassification.TEACHER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _rollout(district, teachers, coaches) + _planning(district, teachers)


def _rollout(district: District, teachers: list[tuple[int, str, str]], coaches: list[int]) -> int:
    initiative = Initiative.objects.create(
        district=district, name="Scale rollout", approaches=["blended"], first_year=YEARS[0],
        last_year=YEARS[-1],
    )  # fmt: skip
    phases = Phase.objects.bulk_create(
        Phase(district=district, initiative=initiative, name=f"Phase {n + 1}", school_year=year,
              target_share=share, is_pilot=n == 0)
        for n, (year, share) in enumerate(zip(YEARS, SHARES, strict=True))
    )  # fmt: skip
    cohorts = Cohort.objects.bulk_create(
        Cohort(district=district, initiative=initiative, phase=p, name=f"{p.name} cohort")
        for p in phases
    )
    # A pilot of a tenth, then up to half, then everyone (every tenth teacher is in the pilot).
    which = [0 if n % 10 == 0 else 1 if n % 10 < 5 else 2 for n in range(len(teachers))]
    members: list[CohortMember] = []
    amnesty: list[Amnesty] = []
    for (pk, _, _), c in zip(teachers, which, strict=True):
        phase = phases[c]
        starts, ends = school_year_bounds(phase.school_year)
        members.append(CohortMember(district=district, cohort=cohorts[c], phase=phase, staff_id=pk,
                                    source=MemberSource.ASSIGNED, joined_on=starts))  # fmt: skip
        amnesty.append(Amnesty(district=district, initiative=initiative, staff_id=pk,
                               cohort=cohorts[c], school_year=phase.school_year,
                               starts_on=starts, ends_on=ends))  # fmt: skip
    CohortMember.objects.bulk_create(members, batch_size=BATCH)
    Amnesty.objects.bulk_create(amnesty, batch_size=BATCH)
    through = Cohort.coaches.through
    sizes = [which.count(c) for c in range(3)]
    links, start = [], 0
    for c, size in enumerate(sizes):
        wanted = -(-size // 25)
        links += [through(cohort_id=cohorts[c].pk, staff_id=s)
                  for s in coaches[start : start + wanted]]  # fmt: skip
        start += wanted
    through.objects.bulk_create(links, batch_size=BATCH)
    return 1 + len(phases) + len(cohorts) + len(members) + len(amnesty) + len(links)


def _planning(district: District, teachers: list[tuple[int, str, str]]) -> int:
    initiative = Initiative.objects.create(
        district=district, name="Scale pilot planning", approaches=["mastery"],
        first_year=PLANNING_YEAR, last_year=PLANNING_YEAR,
    )  # fmt: skip
    phase = Phase.objects.create(district=district, initiative=initiative, name="Pilot",
                                 school_year=PLANNING_YEAR, target_share=Decimal(10),
                                 is_pilot=True)  # fmt: skip
    Cohort.objects.create(district=district, initiative=initiative, phase=phase, name="Pilot")
    volunteers = [
        Volunteer(district=district, initiative=initiative, staff_id=pk,
                  grade_band=_band(category, n), content_area=subject or "multiple")
        for n, (pk, category, subject) in enumerate(teachers)
        if n % 5 == 2
    ]  # fmt: skip
    Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
    return 3 + len(volunteers)


def _band(category: str, n: int) -> str:
    """A secondary school's band; elementary teachers alternate between K–2 and 3–5."""
    return BANDS.get(category) or (GradeBand.K2 if n % 2 else GradeBand.G35)
