"""The scale generator's roles step: a catalog, published job descriptions, positions at every
school and the district office, and their assignments (current and ended), in bulk.

Per district: the study's ten role types, one published job description for each, four
positions a school (a teacher-leader, a coach, a counselor, a pathway leader in high schools)
and one district-office position per ten schools. Two in three positions are filled, one in ten
also has an ended assignment from last year, the rest are open or planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from trellis.core.models import District
from trellis.demo.people import PeopleSource
from trellis.org.models import School, Staff
from trellis.roles.catalog import STANDARD_ROLES
from trellis.roles.models import (
    Assignment,
    EndReason,
    JobDescription,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    RoleType,
    VersionStatus,
)

BATCH = 5_000
YEAR = "2026-27"
BEGIN, LAST_BEGIN, LAST_END = dt.date(2026, 8, 3), dt.date(2025, 8, 4), dt.date(2026, 6, 30)
SCHOOL_ROLES = (
    "teacher_leader",
    "instructional_strategies_coach",
    "academic_counselor",
    "career_pathway_leader",
)
S = PositionStatus
STATUS_CYCLE = (S.FILLED, S.FILLED, S.OPEN, S.FILLED, S.FILLED, S.PLANNED)
OFFICE_ROLES = ("district_coordinator", "technology_coach")
ENDED_REASONS = (
    EndReason.PROMOTED,
    EndReason.RETURNED_TO_CLASSROOM,
    EndReason.RETIRED,
    EndReason.NOT_A_FIT,
    EndReason.MOVED_AWAY,
)


def positions_generate(districts: Sequence[District], people: PeopleSource) -> int:
    now = timezone.now()
    rows = 0
    types = [
        RoleType(
            district=d,
            name=r.name,
            category=r.category,
            default_level=r.level,
            staff_classification=r.classification,
            description=r.description,
            standard_key=r.key,
        )
        for d in districts
        for r in STANDARD_ROLES
    ]
    RoleType.objects.bulk_create(types, batch_size=BATCH)
    jobs = [JobDescription(district_id=t.district_id, role_type=t, title=t.name) for t in types]
    JobDescription.objects.bulk_create(jobs, batch_size=BATCH)
    versions = [
        JobDescriptionVersion(
            district_id=j.district_id,
            job_description=j,
            number=1,
            status=VersionStatus.PUBLISHED,
            level=t.default_level,
            published_at=now,
            responsibilities="Support teachers in personalizing learning",
            traits={},
        )
        for j, t in zip(jobs, types, strict=True)
    ]
    JobDescriptionVersion.objects.bulk_create(versions, batch_size=BATCH)
    rows += len(types) + len(jobs) + len(versions)
    by_key = {(v.district_id, t.standard_key): v for v, t in zip(versions, types, strict=True)}

    positions: list[Position] = []
    for district in districts:
        schools = list(School.objects.filter(district=district).order_by("id"))
        places: list[tuple[str, School | None]] = []
        for school in schools:
            keys = SCHOOL_ROLES if school.category == "high" else SCHOOL_ROLES[:3]
            places += [(key, school) for key in keys]
        places += [(OFFICE_ROLES[i % 2], None) for i in range(max(1, len(schools) // 10))]
        for key, place in places:
            version = by_key[(district.pk, key)]
            positions.append(_position(district, version, place, len(positions)))
    Position.objects.bulk_create(positions, batch_size=BATCH)
    rows += len(positions)

    rows += _assignments(districts, positions, people)
    return rows


def _position(
    district: District, version: JobDescriptionVersion, school: School | None, n: int
) -> Position:
    status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
    fte = Decimal("0.20") if version.level == "classroom" else Decimal("1.00")
    return Position(
        district=district,
        version=version,
        school=school,
        fte=fte,
        status=status,
        requisition_number=f"R{n:07d}",
        school_year=YEAR,
    )


def _assignments(
    districts: Sequence[District], positions: list[Position], people: PeopleSource
) -> int:
    """Fill each filled position with an active staff member of its district, each person
    once; give one position in ten an ended assignment from last year."""
    staff_ids: dict[int, list[int]] = {}
    for district in districts:
        staff_ids[district.pk] = list(
            Staff.objects.filter(district=district, is_active=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
    cursor = dict.fromkeys(staff_ids, 0)
    rows: list[Assignment] = []

    def next_staff(district_id: int) -> int | None:
        pool, at = staff_ids[district_id], cursor[district_id]
        if at >= len(pool):
            return None
        cursor[district_id] = at + 1
        return pool[at]

    for n, position in enumerate(positions):
        if n % 10 == 3:
            staff = next_staff(position.district_id)
            if staff is not None:
                rows.append(
                    Assignment(
                        district_id=position.district_id,
                        position=position,
                        staff_id=staff,
                        begin_date=LAST_BEGIN,
                        end_date=LAST_END,
                        fte=position.fte,
                        end_reason=people.rng.choice(ENDED_REASONS),
                    )
                )
        if position.status == PositionStatus.FILLED:
            staff = next_staff(position.district_id)
            if staff is None:  # nobody left to place: the position is really still open
                Position.objects.filter(pk=position.pk).update(status=PositionStatus.OPEN)
                continue
            rows.append(
                Assignment(
                    district_id=position.district_id,
                    position=position,
                    staff_id=staff,
                    begin_date=BEGIN,
                    fte=position.fte,
                    is_tosa=n % 7 == 0,
                )
            )
    Assignment.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
