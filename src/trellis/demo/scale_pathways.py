"""The scale generator's pathways step, for the biggest district, in bulk: years of career
history behind the roles step's current posts.

- Three leader role types beside the study's ten (principal, assistant principal, learning
  director), each with a published job description.
- Five school years (2021-22 to 2025-26) of assignments for about 12 % of the staff, each on
  its own position (closed once it ended): everyone who has left the district (the inactive
  staff) with the post they left from and why; an earlier post for half of the people the
  roles step placed this year; and careers of other current staff that went up (teacher-leader
  → coach → assistant principal → principal, coach → learning director), sideways (one coaching
  role to another, often at another school) or back to the classroom. At L: 9,000 people,
  about 15,000 assignments, about 200 new leaders in post.
- The study's ladder (learning facilitator → coach or TOSA → learning director → principal)
  and HR's standing this year for everyone with a history (one in twenty not in good standing).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from trellis.core.models import District
from trellis.demo.people import PeopleSource
from trellis.learning.models import CertificationProgram
from trellis.org.models import Staff
from trellis.org.models import StaffClassification as SC
from trellis.pathways.models import Ladder, Standing, Step
from trellis.roles.models import (
    Assignment,
    EndReason,
    JobDescription,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    RoleCategory,
    RoleLevel,
    RoleType,
    VersionStatus,
)

BATCH = 5_000
FIRST_YEAR, LAST_YEAR = 2021, 2025  # the first and last school years of the history
THIS_YEAR = "2026-27"
SHARE = 0.12  # of the staff with a history
R = EndReason
EXITS = (R.RETIRED, R.MOVED_AWAY, R.EMPLOYMENT_ELSEWHERE, R.PERSONAL, R.LAYOFF)
RETURNS = (R.RETURNED_TO_CLASSROOM, R.RETURNED_TO_CLASSROOM, R.NOT_A_FIT, R.POSITION_ENDED)
LEADERS = (
    ("principal", "Principal", RoleLevel.SCHOOL, SC.PRINCIPAL),
    ("assistant_principal", "Assistant principal", RoleLevel.SCHOOL, SC.ASSISTANT_PRINCIPAL),
    ("learning_director", "Learning director", RoleLevel.DISTRICT, SC.LEA_ADMINISTRATOR),
)
COACHES = ("instructional_strategies_coach", "technology_coach", "content_coach")
OFFICE = {"district_coordinator", "learning_director"}  # posts at the district office
HANDOVERS = {"promoted": R.PROMOTED, "moved": R.CHANGE_OF_ASSIGNMENT}

# Careers of current staff, by how often they happen: role keys bottom first ("coach" is any
# coaching role, "coach+" a different one: a lateral move, often to another school). The last
# post is held now when the career ends in "now", else it ended with a return to the classroom.
Career = tuple[float, tuple[str, ...], str]  # how often, the roles, how it ends
CAREERS: tuple[Career, ...] = (
    (27, ("teacher_leader", "coach"), "return"),
    (18, ("coach", "coach+"), "return"),
    (17, ("coach",), "return"),
    (16, ("teacher_leader",), "return"),
    (10, ("teacher_leader", "district_coordinator"), "return"),
    (6, ("teacher_leader", "coach", "coach+"), "return"),
    # Few careers end in a post held now: each is a new live position (about 200 at L, beside
    # the roles step's 1,545), and those positions are what the pay benchmarks are sized on.
    (1.0, ("coach", "assistant_principal"), "now"),
    (0.5, ("teacher_leader", "coach", "assistant_principal", "principal"), "now"),
    (0.5, ("coach", "learning_director"), "now"),
    (0.5, ("coach", "coach+", "learning_director", "principal"), "now"),
    (0.5, ("principal",), "now"),  # hired from outside: a new leader not from a PL role
)
# Careers of the people who left, ending in an exit.
LEFT: tuple[Career, ...] = (
    (30, ("coach",), "exit"),
    (20, ("teacher_leader", "coach"), "exit"),
    (15, ("coach", "coach+"), "exit"),
    (15, ("principal",), "exit"),
    (10, ("assistant_principal", "principal"), "exit"),
    (10, ("coach", "learning_director"), "exit"),
)


@dataclass(frozen=True)
class Stint:
    staff_id: int
    role: str  # a standard key, or one of LEADERS' keys
    school_id: int | None
    first: int  # the start year of its first school year
    last: int | None  # of its last; None: held now
    reason: str = ""


class _Careers:
    """Draws careers as stints of one to four school years, each beginning in the August after
    the one before, all within the history's years."""

    def __init__(self, rng: random.Random, schools: Sequence[int]) -> None:
        self.rng, self.schools = rng, schools

    def lay(self, staff_id: int, home: int | None, roles: Sequence[str], ending: str
            ) -> list[Stint]:  # fmt: skip
        """The stints of ``roles``: the last one held now (``ending`` "now"), or ended by an
        exit ("exit") or a return to the classroom ("return"), or handed over in the last year
        for the post the roles step gave the person this year ("promoted", "moved")."""
        ended = len(roles) - (ending == "now")
        year = self.rng.randint(FIRST_YEAR, LAST_YEAR - ended + 1)
        stints: list[Stint] = []
        role = ""
        for n, key in enumerate(roles):
            role = self._coach(role if key == "coach+" else "") if key.startswith("coach") else key
            school = None if role in OFFICE else self._school(home)
            if n == ended:  # held now
                stints.append(Stint(staff_id, role, school, year, None))
                break
            latest = LAST_YEAR - (ended - n - 1)
            until = latest if ending in HANDOVERS else min(latest, year + self._years() - 1)
            stints.append(
                Stint(staff_id, role, school, year, until, self._reason(roles, n, ending))
            )
            year = until + 1
        return stints

    def _reason(self, roles: Sequence[str], n: int, ending: str) -> str:
        if n + 1 < len(roles):
            return R.CHANGE_OF_ASSIGNMENT if roles[n + 1] == "coach+" else R.PROMOTED
        if ending == "exit":
            return self.rng.choice(EXITS)
        return HANDOVERS.get(ending) or self.rng.choice(RETURNS)

    def _years(self) -> int:
        return self.rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]

    def _coach(self, not_this: str) -> str:
        return self.rng.choice([c for c in COACHES if c != not_this])

    def _school(self, home: int | None) -> int:
        if home is not None and self.rng.random() < 0.7:
            return home
        return self.rng.choice(self.schools)

    def pick(self, table: Sequence[Career]) -> tuple[tuple[str, ...], str]:
        row = self.rng.choices(table, [t[0] for t in table])[0]
        return row[1], row[2]


def pathways_generate(districts: Sequence[District], people: PeopleSource) -> int:
    district = districts[0]
    versions = _leader_roles(district)
    versions |= {
        key: pk
        for key, pk in JobDescriptionVersion.objects.filter(
            district=district, status=VersionStatus.PUBLISHED
        ).values_list("job_description__role_type__standard_key", "pk")
        if key
    }
    staff = list(
        Staff.objects.filter(district=district).order_by("pk")
        .values_list("pk", "school_id", "is_active")
    )  # fmt: skip
    stints = _stints(district, staff, people.rng)
    rows = 3 * len(LEADERS) + _write(district, stints, versions)
    rows += _ladder(district)
    active = {pk for pk, _, is_active in staff if is_active}
    return rows + _standing(district, stints, active, people.rng)


def _leader_roles(district: District) -> dict[str, int]:
    """The three leader role types, a job description and its published version each."""
    now = timezone.now()
    types = RoleType.objects.bulk_create(
        RoleType(district=district, name=name, category=RoleCategory.ADMINISTRATIVE,
                 default_level=level, staff_classification=classification)
        for _, name, level, classification in LEADERS
    )  # fmt: skip
    jobs = JobDescription.objects.bulk_create(
        JobDescription(district=district, role_type=t, title=t.name) for t in types
    )
    versions = JobDescriptionVersion.objects.bulk_create(
        JobDescriptionVersion(district=district, job_description=j, number=1, traits={},
                              status=VersionStatus.PUBLISHED, level=t.default_level,
                              published_at=now, responsibilities="Lead the school or program")
        for j, t in zip(jobs, types, strict=True)
    )  # fmt: skip
    return {key: v.pk for (key, *_), v in zip(LEADERS, versions, strict=True)}


def _stints(district: District, staff: Sequence[tuple[int, int | None, bool]],
            rng: random.Random) -> list[Stint]:  # fmt: skip
    """Careers for everyone who left, earlier posts for half of this year's holders, and careers
    of other current staff (the last staff ids first) up to ``SHARE`` of the staff."""
    schools = sorted({school for _, school, _ in staff if school is not None})
    careers = _Careers(rng, schools)
    placed = dict(
        Assignment.objects.filter(district=district, end_date__isnull=True)
        .values_list("staff_id", "position__version__job_description__role_type__standard_key")
    )  # fmt: skip
    stints: list[Stint] = []
    for pk, school, active in staff:  # everyone who left, with the post they left from
        if not active:
            stints += careers.lay(pk, school, *careers.pick(LEFT))
    homes = {pk: school for pk, school, _ in staff}
    for n, (pk, current) in enumerate(sorted(placed.items())):  # half of this year's holders
        if n % 2 == 0:
            # Teacher-leaders were teacher-leaders at another school; the rest were teacher-leaders.
            moved = current == "teacher_leader"
            stints += careers.lay(
                pk, homes[pk], ("teacher_leader",), "moved" if moved else "promoted"
            )
    wanted = int(len(staff) * SHARE) - len({s.staff_id for s in stints})
    others = [(pk, school) for pk, school, active in reversed(staff)
              if active and pk not in placed][: max(wanted, 0)]  # fmt: skip
    for pk, school in others:
        stints += careers.lay(pk, school, *careers.pick(CAREERS))
    return stints


def _write(district: District, stints: Sequence[Stint], versions: dict[str, int]) -> int:
    """Each stint on its own position: closed once it ended, filled while it is held."""
    positions, assignments = [], []
    for n, s in enumerate(stints):
        fte = Decimal("0.20") if s.role == "teacher_leader" else Decimal("1.00")
        positions.append(Position(
            district_id=district.pk, version_id=versions[s.role], school_id=s.school_id, fte=fte,
            status=PositionStatus.FILLED if s.last is None else PositionStatus.CLOSED,
            requisition_number=f"H{n:07d}", school_year=_year(s.first),
        ))  # fmt: skip
    Position.objects.bulk_create(positions, batch_size=BATCH)
    for s, position in zip(stints, positions, strict=True):
        assignments.append(Assignment(
            district_id=district.pk, position_id=position.pk, staff_id=s.staff_id, fte=position.fte,
            begin_date=dt.date(s.first, 8, 1), is_tosa=s.role in COACHES and s.staff_id % 3 == 0,
            end_date=None if s.last is None else dt.date(s.last + 1, 6, 30), end_reason=s.reason,
        ))  # fmt: skip
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    return len(positions) + len(assignments)


def _year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _ladder(district: District) -> int:
    """The study's ladder, its steps asking for years, hours, the ELA certification and, above
    the coaches, good standing."""
    ladder = Ladder.objects.create(district=district, name="Learning facilitator to principal")
    types = {t.standard_key or t.name: t.pk for t in RoleType.objects.filter(district=district)}
    plan: tuple[tuple[str, list[str], list[str], int, int, bool], ...] = (
        ("Learning facilitator", ["learning_facilitator"], [SC.TEACHER], 0, 0, False),
        ("Coach or TOSA", list(COACHES), [], 2, 30, False),
        ("Learning director", ["Learning director"], [], 2, 30, True),
        ("Principal", ["Principal"], [SC.PRINCIPAL], 2, 40, True),
    )
    steps = Step.objects.bulk_create(
        Step(district=district, ladder=ladder, order=n, name=name, classifications=classes,
             min_years=Decimal(years), min_hours=Decimal(hours), good_standing=standing)
        for n, (name, _, classes, years, hours, standing) in enumerate(plan, start=1)
    )  # fmt: skip
    Step.role_types.through.objects.bulk_create(
        Step.role_types.through(step_id=step.pk, roletype_id=types[key])
        for step, (_, keys, *_) in zip(steps, plan, strict=True)
        for key in keys
    )
    ela = CertificationProgram.objects.filter(district=district, content_area="ela").first()
    if ela is not None:
        Step.certifications.through.objects.bulk_create(
            Step.certifications.through(step_id=step.pk, certificationprogram_id=ela.pk)
            for step in steps[1:]
        )
    return 1 + len(steps)


def _standing(district: District, stints: Sequence[Stint], active: set[int],
              rng: random.Random) -> int:  # fmt: skip
    """HR's answer this year for everyone with a history who still works here."""
    rows = [
        Standing(district_id=district.pk, staff_id=pk, school_year=THIS_YEAR,
                 good=rng.random() > 0.05)
        for pk in sorted({s.staff_id for s in stints} & active)
    ]  # fmt: skip
    Standing.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
