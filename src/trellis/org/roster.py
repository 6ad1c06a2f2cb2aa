"""Applying a roster to a district: schools, staff, their school assignments and employment.

The rows come checked from a reader (OneRoster CSV today). Matching is on the roster's
sourcedId within the district, and, the first time a roster meets records typed in by hand,
on the state school id or the district's staff number, never on email. A bulk roster is the
whole truth: roster people and roles it no longer lists are ended, never erased. A delta
changes only what it names; ``tobedeleted`` ends. Importing the same roster twice changes
nothing. The caller runs :func:`apply_roster` inside one transaction; :class:`RosterConflict`
aborts it with every problem found.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from trellis.core.models import District
from trellis.core.numbers import is_whole
from trellis.org.models import (
    Employment,
    School,
    SchoolAssignment,
    SchoolCategory,
    SeparationReason,
    Staff,
    StaffClassification,
)

BATCH = 2000
_STAFF_COMPARED = (
    "staff_unique_id", "first_name", "middle_name", "last_name", "email", "username",
    "is_active", "school_id", "classification", "sourced_id", "hire_date",
)  # fmt: skip
_ASSIGNMENT_COMPARED = (
    "staff_id",
    "school_id",
    "classification",
    "is_primary",
    "begin_date",
    "end_date",
)

# OneRoster role → Ed-Fi staff classification.
CLASSIFICATION = {
    "teacher": StaffClassification.TEACHER,
    "aide": StaffClassification.INSTRUCTIONAL_AIDE,
    "counselor": StaffClassification.COUNSELOR,
    "principal": StaffClassification.PRINCIPAL,
    "siteAdministrator": StaffClassification.SCHOOL_ADMINISTRATOR,
    "districtAdministrator": StaffClassification.LEA_ADMINISTRATOR,
    "systemAdministrator": StaffClassification.LEA_SPECIALIST,
    "proctor": StaffClassification.OTHER,
}


SC = StaffClassification
# Every Ed-Fi classification a OneRoster role covers: a roster never coarsens what HR recorded
# (a coordinator stays a coordinator when the roster says "teacher").
COVERS: dict[str, frozenset[str]] = {
    "teacher": frozenset(
        {
            SC.TEACHER,
            SC.SUBSTITUTE_TEACHER,
            SC.INSTRUCTIONAL_COORDINATOR,
            SC.SCHOOL_SPECIALIST,
            SC.LIBRARIAN,
        }
    ),
    "aide": frozenset({SC.INSTRUCTIONAL_AIDE}),
    "counselor": frozenset({SC.COUNSELOR}),
    "principal": frozenset({SC.PRINCIPAL}),
    "siteAdministrator": frozenset({SC.ASSISTANT_PRINCIPAL, SC.SCHOOL_ADMINISTRATOR}),
    "districtAdministrator": frozenset({SC.LEA_ADMINISTRATOR, SC.SUPERINTENDENT}),
    "systemAdministrator": frozenset({SC.LEA_SPECIALIST}),
    "proctor": frozenset({SC.SUPPORT_SERVICES, SC.OTHER}),
}


def classification_for(role: str, current: Staff | SchoolAssignment | None) -> str:
    """The classification a OneRoster role gives: the record's own when the role covers it."""
    if current is not None and current.classification in COVERS[role]:
        return current.classification
    return CLASSIFICATION[role]


@dataclass(frozen=True)
class OrgRow:
    line: int
    sourced_id: str
    status: str
    name: str
    type: str
    identifier: str
    parent: str


@dataclass(frozen=True)
class UserRow:
    line: int
    sourced_id: str
    status: str
    enabled: bool
    username: str
    given_name: str
    family_name: str
    middle_name: str
    identifier: str
    email: str
    primary_org: str


@dataclass(frozen=True)
class RoleRow:
    line: int
    sourced_id: str
    status: str
    user: str
    role_type: str
    role: str
    begin: dt.date | None
    end: dt.date | None
    org: str


@dataclass(frozen=True)
class Conflict:
    file: str
    line: int | None
    column: str | None
    message: str


class RosterConflict(Exception):
    """The roster disagrees with what the district holds; nothing may be written."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(f"{len(conflicts)} conflicts")
        self.conflicts = conflicts


@dataclass
class Tally:
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    def as_dict(self) -> dict[str, dict[str, int]]:
        outcomes = ("created", "updated", "ended", "unchanged")
        return {k: {o: c.get(o, 0) for o in outcomes} for k, c in self.counts.items()}


Progress = Callable[[int, int], None]


def _touch(rows: Iterable[Staff | Employment | SchoolAssignment]) -> None:
    """bulk_update() leaves auto_now alone: stamp the rows it changes by hand (and never read
    the old stamp, which .only() left unloaded)."""
    now = timezone.now()
    for row in rows:
        row.updated_at = now


def _insert(
    model: type[Staff] | type[Employment] | type[SchoolAssignment], rows: list[Any]
) -> None:
    """Insert new rows: with COPY on PostgreSQL (the rows' ids are not set), bulk_create
    elsewhere. Model defaults are already on each object; the timestamps are stamped here."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for batch in _batched(rows):
            model.objects.bulk_create(batch)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = {"created_at", "updated_at"}
    now = timezone.now()
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [now if f.attname in stamped else getattr(row, f.attname) for f in fields]
            )


def _batched(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Apply:
    def __init__(
        self, district: District, mode: str, today: dt.date, progress: Progress | None
    ) -> None:
        self.district, self.mode, self.today = district, mode, today
        self.delta = mode == "delta"
        self.progress = progress
        self.tally = Tally()
        self.conflicts: list[Conflict] = []
        self.done = 0
        self.total = 0

    def step(self, n: int = 1) -> None:
        before = self.done // 1000
        self.done += n
        if self.progress is not None and (self.done // 1000 != before or self.done == self.total):
            self.progress(self.done, self.total)

    def conflict(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.conflicts.append(Conflict(file, line, column, message))

    def check(self) -> None:
        if self.conflicts:
            raise RosterConflict(self.conflicts)

    def end_day(self, begin: dt.date) -> dt.date:
        return max(self.today, begin)

    # -- Schools and other orgs ----------------------------------------------------------------

    def orgs(self, rows: list[OrgRow]) -> dict[str, School | None]:
        """Where each org's roles are placed: a school, or None for the district office."""
        district = self.district
        schools = list(School.objects.filter(district=district))
        by_sourced = {s.sourced_id: s for s in schools if s.sourced_id}
        by_number = {s.school_id: s for s in schools}
        names = {s.name.casefold(): s for s in schools}
        place: dict[str, School | None] = dict(by_sourced)
        for row in rows:
            self.step()
            foreign = is_whole(row.identifier) and int(row.identifier) != district.lea_id
            if row.type == "district" and foreign:
                self.conflict(
                    "orgs.csv",
                    row.line,
                    "identifier",
                    f"this roster is for LEA "
                    f"{row.identifier}, but {district.name} is LEA "
                    f"{district.lea_id}. Import it into its own district.",
                )
            if row.type != "school":
                place[row.sourced_id] = None
                continue
            school = by_sourced.get(row.sourced_id)
            number = int(row.identifier)
            if school is None:
                school = by_number.get(number)
                if school is not None and school.sourced_id:
                    self.conflict(
                        "orgs.csv",
                        row.line,
                        "identifier",
                        f"school id {number} "
                        f"belongs to {school.name}, which has roster id "
                        f"{school.sourced_id!r}, not {row.sourced_id!r}.",
                    )
                    continue
            if row.status == "tobedeleted":
                place[row.sourced_id] = school
                if school is not None:
                    self._end_at_school(school)
                continue
            clash = names.get(row.name.casefold())
            if clash is not None and clash is not school:
                self.conflict(
                    "orgs.csv",
                    row.line,
                    "name",
                    f"another school in {district.name} is already called {clash.name}.",
                )
                continue
            other = by_number.get(number)
            if other is not None and other is not school:
                self.conflict(
                    "orgs.csv",
                    row.line,
                    "identifier",
                    f"school id {number} already belongs to {other.name}.",
                )
                continue
            if school is None:
                school = School(
                    district=district,
                    name=row.name,
                    school_id=number,
                    sourced_id=row.sourced_id,
                    category=SchoolCategory.OTHER,
                )
                school.save()
                self.tally.add("schools", "created")
            elif (school.name, school.school_id, school.sourced_id) != (
                row.name,
                number,
                row.sourced_id,
            ):
                if school.name.casefold() in names:
                    del names[school.name.casefold()]
                school.name, school.school_id, school.sourced_id = row.name, number, row.sourced_id
                school.save(update_fields=["name", "school_id", "sourced_id", "updated_at"])
                self.tally.add("schools", "updated")
            else:
                self.tally.add("schools", "unchanged")
            names[school.name.casefold()] = school
            by_number[number] = school
            by_sourced[row.sourced_id] = school
            place[row.sourced_id] = school
        self.check()
        return place

    def _end_at_school(self, school: School) -> None:
        open_rows = list(
            SchoolAssignment.objects.filter(
                district=self.district, school=school, end_date__isnull=True
            )
        )
        for assignment in open_rows:
            assignment.end_date = self.end_day(assignment.begin_date)
        _touch(open_rows)
        SchoolAssignment.objects.bulk_update(open_rows, ["end_date", "updated_at"], BATCH)
        self.tally.add("assignments", "ended", len(open_rows))

    # -- Staff ---------------------------------------------------------------------------------

    def staff(
        self,
        users: list[UserRow],
        roles: list[RoleRow],
        place: dict[str, School | None],
    ) -> dict[str, Staff]:
        district = self.district
        # Only what is compared or shown: timestamps and the rest cost time at 150,000 rows.
        existing = list(
            Staff.objects.filter(district=district).only("district_id", *_STAFF_COMPARED)
        )
        by_sourced = {s.sourced_id: s for s in existing if s.sourced_id}
        unlinked_by_number = {s.staff_unique_id: s for s in existing if not s.sourced_id}
        number_owner = {s.staff_unique_id: s for s in existing}
        email_owner = {s.email: s for s in existing if s.email}
        primary: dict[str, RoleRow] = {}
        current: RoleRow | None
        first_begin: dict[str, dt.date] = {}
        for role in roles:
            if role.status != "active":
                continue
            current = primary.get(role.user)
            promotes = (
                role.role_type == "primary"
                and current is not None
                and (current.role_type != "primary")
            )
            if current is None or promotes:
                primary[role.user] = role
            if role.begin and (role.user not in first_begin or role.begin < first_begin[role.user]):
                first_begin[role.user] = role.begin

        created: list[Staff] = []
        changed: list[Staff] = []
        ended: list[Staff] = []
        reopened: list[Staff] = []
        seen: set[str] = set()
        fields = [
            "staff_unique_id",
            "first_name",
            "middle_name",
            "last_name",
            "email",
            "username",
            "is_active",
            "school",
            "classification",
            "sourced_id",
        ]
        for user in users:
            self.step()
            seen.add(user.sourced_id)
            staff = by_sourced.get(user.sourced_id)
            number = user.identifier or user.sourced_id
            if staff is None and user.status == "tobedeleted":
                continue  # never here, nothing to end
            if staff is None:
                staff = unlinked_by_number.pop(number, None)
            if user.status == "tobedeleted":
                if staff is not None and staff.is_active:
                    staff.is_active = False
                    ended.append(staff)
                elif staff is not None:
                    self.tally.add("staff", "unchanged")
                continue
            if len(number) > 32:
                self.conflict(
                    "users.csv",
                    user.line,
                    "identifier",
                    "needs the district's "
                    "staff number (32 characters at most) when the sourcedId is "
                    "longer than that.",
                )
                continue
            owner = number_owner.get(number)
            if owner is not None and owner is not staff:
                self.conflict(
                    "users.csv",
                    user.line,
                    "identifier",
                    f"staff number {number} already belongs to {owner.full_name}.",
                )
                continue
            if user.email:
                owner = email_owner.get(user.email)
                if owner is not None and owner is not staff:
                    self.conflict(
                        "users.csv",
                        user.line,
                        "email",
                        f"{user.email} is already the email of {owner.full_name}.",
                    )
                    continue
            main_role = primary.get(user.sourced_id)
            org = main_role.org if main_role else user.primary_org
            school = place.get(org) if org else None
            values: dict[str, Any] = {
                "staff_unique_id": number,
                "first_name": user.given_name,
                "middle_name": user.middle_name,
                "last_name": user.family_name,
                "email": user.email,
                "username": user.username,
                "is_active": user.enabled,
                "school_id": school.pk if school else None,
                "sourced_id": user.sourced_id,
            }
            if main_role is not None:
                values["classification"] = classification_for(main_role.role, staff)
            if staff is None:
                staff = Staff(district_id=district.pk, **values)
                staff.hire_date = first_begin.get(user.sourced_id, self.today)
                created.append(staff)
            else:
                was_active = staff.is_active
                if any(getattr(staff, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(staff, k, v)
                    changed.append(staff)
                    if not was_active and staff.is_active:
                        reopened.append(staff)
                    elif was_active and not staff.is_active:
                        ended.append(staff)
                else:
                    self.tally.add("staff", "unchanged")
            number_owner[number] = staff
            if user.email:
                email_owner[user.email] = staff
            by_sourced[user.sourced_id] = staff
        if not self.delta:
            for sourced_id, staff in by_sourced.items():
                if sourced_id not in seen and staff.is_active:
                    staff.is_active = False
                    ended.append(staff)
        else:
            # A delta may move someone by their roles alone: a new primary role sets their main
            # school and classification even when their user row is not in the file.
            for sourced_id, role in primary.items():
                person = by_sourced.get(sourced_id)
                if sourced_id in seen or person is None or role.role_type != "primary":
                    continue
                school = place.get(role.org)
                moved = (school.pk if school else None, classification_for(role.role, person))
                if (person.school_id, person.classification) != moved:
                    person.school_id, person.classification = moved
                    changed.append(person)
        self.check()

        _insert(Staff, created)
        if created and created[0].pk is None:  # COPY returns no ids: read them back
            ids: dict[str, int] = {}
            for chunk in _batched([s.sourced_id for s in created]):
                ids.update(
                    Staff.objects.filter(district=district, sourced_id__in=chunk).values_list(
                        "sourced_id", "pk"
                    )
                )
            for person in created:
                person.pk = ids[person.sourced_id]
                person._state.adding = False
        self.tally.add("staff", "created", len(created))
        ended_ids = {id(s) for s in ended}
        updated = [s for s in {id(s): s for s in changed}.values() if id(s) not in ended_ids]
        for batch in _batched(updated + ended):
            _touch(batch)
            Staff.objects.bulk_update(batch, [*fields, "updated_at"])
        self.tally.add("staff", "updated", len(updated))
        self.tally.add("staff", "ended", len(ended))
        self._employment(created, reopened, ended, first_begin)
        return by_sourced

    def _employment(
        self,
        created: list[Staff],
        reopened: list[Staff],
        ended: list[Staff],
        first_begin: dict[str, dt.date],
    ) -> None:
        starts = [
            Employment(
                district_id=self.district.pk,
                staff_id=s.pk,
                hire_date=first_begin.get(s.sourced_id, self.today),
            )
            for s in [*created, *reopened]
        ]
        _insert(Employment, starts)
        if not ended:
            return
        ended_ids = [s.pk for s in ended]
        closing: list[Employment] = []
        for ids in _batched(ended_ids):
            closing += Employment.objects.filter(
                district=self.district, staff_id__in=ids, end_date__isnull=True
            )
        for employment in closing:
            employment.end_date = self.end_day(employment.hire_date)
            employment.separation_reason = SeparationReason.ROSTER_REMOVED
        _touch(closing)
        Employment.objects.bulk_update(
            closing, ["end_date", "separation_reason", "updated_at"], BATCH
        )
        assignments: list[SchoolAssignment] = []
        for ids in _batched(ended_ids):
            assignments += SchoolAssignment.objects.filter(
                district=self.district, staff_id__in=ids, end_date__isnull=True
            )
        for assignment in assignments:
            assignment.end_date = self.end_day(assignment.begin_date)
        _touch(assignments)
        SchoolAssignment.objects.bulk_update(assignments, ["end_date", "updated_at"], BATCH)
        self.tally.add("assignments", "ended", len(assignments))

    # -- Roles → school assignments ------------------------------------------------------------

    def roles(
        self, roles: list[RoleRow], staff: dict[str, Staff], place: dict[str, School | None]
    ) -> None:
        existing = {
            a.sourced_id: a
            for a in SchoolAssignment.objects.filter(district=self.district)
            .exclude(sourced_id="")
            .only("district_id", "sourced_id", *_ASSIGNMENT_COMPARED)
        }
        created: list[SchoolAssignment] = []
        changed: list[SchoolAssignment] = []
        ended = 0
        seen: set[str] = set()
        for role in roles:
            self.step()
            seen.add(role.sourced_id)
            assignment = existing.get(role.sourced_id)
            if role.status == "tobedeleted":
                if assignment is not None and assignment.end_date is None:
                    assignment.end_date = self.end_day(assignment.begin_date)
                    changed.append(assignment)
                    ended += 1
                elif assignment is not None:
                    self.tally.add("assignments", "unchanged")
                continue
            person = staff.get(role.user)
            if person is None:
                self.conflict(
                    "roles.csv",
                    role.line,
                    "userSourcedId",
                    f"{role.user!r} is not a staff member of this district.",
                )
                continue
            school = place.get(role.org)
            begin = role.begin or (assignment.begin_date if assignment else self.today)
            end = role.end
            if not person.is_active and end is None:
                kept = assignment.end_date if assignment is not None else None
                end = kept or self.end_day(begin)
            values: dict[str, Any] = {
                "staff_id": person.pk,
                "school_id": school.pk if school else None,
                "classification": classification_for(role.role, assignment),
                "is_primary": role.role_type == "primary",
                "begin_date": begin,
                "end_date": end,
            }
            if assignment is None:
                created.append(
                    SchoolAssignment(
                        district_id=self.district.pk, sourced_id=role.sourced_id, **values
                    )
                )
            elif any(getattr(assignment, k) != v for k, v in values.items()):
                if assignment.end_date is None and end is not None:
                    ended += 1
                for k, v in values.items():
                    setattr(assignment, k, v)
                changed.append(assignment)
            else:
                self.tally.add("assignments", "unchanged")
        if not self.delta:
            for sourced_id, assignment in existing.items():
                if sourced_id not in seen and assignment.end_date is None:
                    assignment.end_date = self.end_day(assignment.begin_date)
                    changed.append(assignment)
                    ended += 1
        self.check()
        _insert(SchoolAssignment, created)
        fields = [
            "staff",
            "school",
            "classification",
            "is_primary",
            "begin_date",
            "end_date",
            "updated_at",
        ]
        for batch in _batched(changed):
            _touch(batch)
            SchoolAssignment.objects.bulk_update(batch, fields)
        self.tally.add("assignments", "created", len(created))
        self.tally.add("assignments", "updated", len(changed) - ended)
        self.tally.add("assignments", "ended", ended)


def roster_ids(district: District) -> tuple[set[str], set[str]]:
    """The roster ids of the district's schools and staff, for checking a delta's references.
    (Non-school orgs are not kept, so a delta naming one must list it in orgs.csv.)"""
    schools = set(
        School.objects.filter(district=district)
        .exclude(sourced_id="")
        .values_list("sourced_id", flat=True)
    )
    staff = set(
        Staff.objects.filter(district=district)
        .exclude(sourced_id="")
        .values_list("sourced_id", flat=True)
    )
    return schools, staff


def apply_roster(
    district: District,
    *,
    mode: str,
    orgs: list[OrgRow],
    users: list[UserRow],
    roles: list[RoleRow],
    today: dt.date,
    progress: Progress | None = None,
) -> dict[str, dict[str, int]]:
    """Write a checked roster; returns created/updated/ended/unchanged per kind. Call inside a
    transaction: a :class:`RosterConflict` leaves it to be rolled back."""
    run = _Apply(district, mode, today, progress)
    run.total = len(orgs) + len(users) + len(roles)
    place = run.orgs(orgs)
    staff = run.staff(users, roles, place)
    run.roles(roles, staff, place)
    return run.tally.as_dict()
