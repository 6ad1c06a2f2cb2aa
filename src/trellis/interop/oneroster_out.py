"""Writing a district's staff roster as OneRoster 1.2 CSV (bulk): the reverse of the import,
for handing Trellis's roster to another system and for making sample sets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from trellis.core.models import District
from trellis.interop.oneroster import HEADERS, ORGS, ROLES, USERS
from trellis.org.models import School, SchoolAssignment, Staff, StaffClassification

# Ed-Fi staff classification → the nearest OneRoster role.
ROLE_OF: dict[str, str] = {
    StaffClassification.TEACHER: "teacher",
    StaffClassification.SUBSTITUTE_TEACHER: "teacher",
    StaffClassification.INSTRUCTIONAL_COORDINATOR: "teacher",
    StaffClassification.SCHOOL_SPECIALIST: "teacher",
    StaffClassification.LIBRARIAN: "teacher",
    StaffClassification.INSTRUCTIONAL_AIDE: "aide",
    StaffClassification.COUNSELOR: "counselor",
    StaffClassification.PRINCIPAL: "principal",
    StaffClassification.ASSISTANT_PRINCIPAL: "siteAdministrator",
    StaffClassification.SCHOOL_ADMINISTRATOR: "siteAdministrator",
    StaffClassification.LEA_ADMINISTRATOR: "districtAdministrator",
    StaffClassification.SUPERINTENDENT: "districtAdministrator",
    StaffClassification.LEA_SPECIALIST: "systemAdministrator",
    StaffClassification.SUPPORT_SERVICES: "proctor",
    StaffClassification.OTHER: "proctor",
}
MANIFEST_ROWS = (
    ("manifest.version", "1.0"),
    ("oneroster.version", "1.2"),
    *(
        (f"file.{name}", "absent")
        for name in (
            "academicSessions",
            "categories",
            "classes",
            "classResources",
            "courses",
            "courseResources",
            "demographics",
            "enrollments",
            "lineItemLearningObjectiveIds",
            "lineItems",
            "lineItemScoreScales",
            "resources",
            "resultLearningObjectiveIds",
            "results",
            "resultScoreScales",
            "scoreScales",
            "userProfiles",
        )
    ),
    ("file.orgs", "bulk"),
    ("file.roles", "bulk"),
    ("file.users", "bulk"),
    ("source.systemName", "Trellis"),
    ("source.systemCode", "trellis"),
)


def _csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def district_sourced_id(district: District) -> str:
    return f"lea-{district.lea_id}"


def _orgs(district: District) -> Iterator[list[str]]:
    top = district_sourced_id(district)
    yield [top, "", "", district.name, "district", str(district.lea_id), ""]
    for school in School.objects.filter(district=district).order_by("school_id"):
        yield [
            school.sourced_id or f"sch-{school.school_id}",
            "",
            "",
            school.name,
            "school",
            str(school.school_id),
            top,
        ]


def _person_id(staff: Staff) -> str:
    return staff.sourced_id or staff.staff_unique_id


def write_roster(district: District) -> dict[str, str]:
    """The district's roster as OneRoster 1.2 files, by name."""
    top = district_sourced_id(district)
    schools = {
        s.pk: s.sourced_id or f"sch-{s.school_id}" for s in School.objects.filter(district=district)
    }
    staff = list(
        Staff.objects.filter(district=district, is_active=True).order_by("staff_unique_id")
    )
    users = []
    for person in staff:
        org = schools.get(person.school_id, top) if person.school_id else top
        row = {c: "" for c in HEADERS[USERS]}
        row.update(
            sourcedId=_person_id(person),
            enabledUser="true",
            username=person.username or person.email or person.staff_unique_id,
            givenName=person.first_name,
            familyName=person.last_name,
            middleName=person.middle_name,
            identifier=person.staff_unique_id,
            email=person.email,
            primaryOrgSourcedId=org,
        )
        users.append([row[c] for c in HEADERS[USERS]])
    assignments = SchoolAssignment.objects.filter(
        district=district, end_date__isnull=True, staff__is_active=True
    ).select_related("staff")
    roles: list[list[str]] = []
    covered: set[int] = set()
    for a in assignments.order_by("staff__staff_unique_id", "id"):
        covered.add(a.staff_id)
        org = schools.get(a.school_id, top) if a.school_id else top
        roles.append(
            [
                a.sourced_id or f"role-{a.pk}",
                "",
                "",
                _person_id(a.staff),
                "primary" if a.is_primary else "secondary",
                ROLE_OF[a.classification],
                a.begin_date.isoformat(),
                "",
                org,
                "",
            ]
        )
    for person in staff:
        if person.pk in covered:
            continue
        org = schools.get(person.school_id, top) if person.school_id else top
        begin = person.hire_date.isoformat() if person.hire_date else ""
        roles.append(
            [
                f"role-{_person_id(person)}",
                "",
                "",
                _person_id(person),
                "primary",
                ROLE_OF[StaffClassification(person.classification)],
                begin,
                "",
                org,
                "",
            ]
        )
    return {
        "manifest.csv": _csv(("propertyName", "value"), MANIFEST_ROWS),
        ORGS: _csv(HEADERS[ORGS], _orgs(district)),
        USERS: _csv(HEADERS[USERS], users),
        ROLES: _csv(HEADERS[ROLES], roles),
    }
