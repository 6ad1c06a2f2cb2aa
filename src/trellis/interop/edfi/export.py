"""A district's staff data as Ed-Fi Data Standard 5.x ODS/API resources.

``iter_resource`` yields one resource's documents in a stable order, reading the database with
a fixed number of queries however many staff the district has and holding one chunk of rows at
a time, so a view can stream a district of 75,000 staff. ``export_district`` gathers them all.

Every query is scoped by the district, and by the district of each joined row as well, so a
row wrongly pointing at another district's school or person is left out rather than leak that
district's ids. References join resources by their Ed-Fi natural keys: a person by
``staffUniqueId``, a school by its SchoolId and the district office by the LEA's id.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from trellis.core.models import District
from trellis.interop.edfi import descriptors as ed
from trellis.org.models import AcademicSubject, Credential, Employment, SchoolAssignment, Staff
from trellis.roles.models import Position, PositionStatus

Document = dict[str, Any]

# In the order an ODS must receive them: credentials before the staff who hold them, staff
# before their employment, employment before the assignments made under it.
RESOURCES: Final = (
    "credentials",
    "staffs",
    "staffEducationOrganizationEmploymentAssociations",
    "staffEducationOrganizationAssignmentAssociations",
    "openStaffPositions",
)

CHUNK: Final = 2000
EXPORTED_POSITION_STATUSES: Final = (PositionStatus.OPEN, PositionStatus.PLANNED)
# Ed-Fi's bounds on an e-mail address; one outside them is left out rather than rejected.
EMAIL_LENGTHS: Final = range(7, 129)
POSITION_TITLE_MAX: Final = 100


def default_namespace(district: District) -> str:
    """The namespace credentials are published under when the caller names none. An ODS only
    accepts a namespace its API client is authorized for, so a deployment passes its own."""
    return f"uri://trellis/{district.slug}"


def export_district(
    district: District, *, namespace: str | None = None
) -> dict[str, list[Document]]:
    """Every resource of one district, keyed by its ODS/API resource name, in load order."""
    return {name: list(iter_resource(district, name, namespace=namespace)) for name in RESOURCES}


def iter_resource(
    district: District, name: str, *, namespace: str | None = None
) -> Iterator[Document]:
    """One resource's documents for one district, in a stable order (by natural key)."""
    if name not in _BUILDERS:
        raise KeyError(f"Unknown Ed-Fi resource {name!r}; expected one of {', '.join(RESOURCES)}.")
    return _BUILDERS[name](district, namespace or default_namespace(district))


# --- staffs ----------------------------------------------------------------------------------


def _staffs(district: District, namespace: str) -> Iterator[Document]:
    people = (
        Staff.objects.filter(district=district)
        .order_by("staff_unique_id", "id")
        .values(
            "id",
            "staff_unique_id",
            "first_name",
            "middle_name",
            "last_name",
            "email",
            "highest_education",
            "years_prior_professional",
            "years_prior_teaching",
        )
        .iterator(chunk_size=CHUNK)
    )
    # Read in the same order as the people, so each person's credentials are merged in as the
    # two streams advance together: two queries in all, never one per person.
    held = (
        Credential.objects.filter(district=district, staff__district=district)
        .order_by("staff__staff_unique_id", "staff_id", Upper("state"), "identifier")
        .values_list("staff_id", "identifier", "state")
        .iterator(chunk_size=CHUNK)
    )
    by_person = itertools.groupby(held, key=lambda row: row[0])
    pending = next(by_person, None)
    for person in people:
        credentials: list[tuple[Any, ...]] = []
        if pending is not None and pending[0] == person["id"]:
            credentials = list(pending[1])
            pending = next(by_person, None)
        yield _staff_document(person, credentials)


def _staff_document(person: Mapping[str, Any], credentials: Iterable[tuple[Any, ...]]) -> Document:
    document: Document = {
        "staffUniqueId": person["staff_unique_id"],
        "firstName": person["first_name"],
        "lastSurname": person["last_name"],
    }
    if person["middle_name"]:
        document["middleName"] = person["middle_name"]
    if len(person["email"]) in EMAIL_LENGTHS:
        document["electronicMails"] = [
            {
                "electronicMailTypeDescriptor": ed.WORK_EMAIL,
                "electronicMailAddress": person["email"],
            }
        ]
    if person["highest_education"]:
        document["highestCompletedLevelOfEducationDescriptor"] = ed.lookup(
            ed.LEVEL_OF_EDUCATION, "LevelOfEducationDescriptor", person["highest_education"]
        )
    if person["years_prior_professional"] is not None:
        document["yearsOfPriorProfessionalExperience"] = person["years_prior_professional"]
    if person["years_prior_teaching"] is not None:
        document["yearsOfPriorTeachingExperience"] = person["years_prior_teaching"]
    references = _credential_references(credentials)
    if references:
        document["credentials"] = [{"credentialReference": ref} for ref in references]
    return document


def _credential_references(rows: Iterable[tuple[Any, ...]]) -> list[Document]:
    keys = dict.fromkeys(
        (identifier, state_uri)
        for _, identifier, state in rows
        if (state_uri := ed.state_abbreviation_uri(state)) is not None
    )
    return [
        {"credentialIdentifier": identifier, "stateOfIssueStateAbbreviationDescriptor": state_uri}
        for identifier, state_uri in keys
    ]


# --- staffEducationOrganizationAssignmentAssociations ----------------------------------------


def _assignments(district: District, namespace: str) -> Iterator[Document]:
    rows = (
        SchoolAssignment.objects.filter(district=district, staff__district=district)
        .filter(Q(school__isnull=True) | Q(school__district=district))
        .order_by("staff__staff_unique_id", "begin_date", "school__school_id", "id")
        .values(
            "staff__staff_unique_id",
            "school__school_id",
            "school__lowest_grade",
            "school__highest_grade",
            "classification",
            "position_title",
            "is_primary",
            "begin_date",
            "end_date",
        )
        .iterator(chunk_size=CHUNK)
    )
    return _first_per_key((_assignment_document(district, row) for row in rows), ASSIGNMENT_KEY)


def _assignment_document(district: District, row: Mapping[str, Any]) -> Document:
    school_id = row["school__school_id"]
    document: Document = {
        "beginDate": row["begin_date"].isoformat(),
        "staffClassificationDescriptor": ed.staff_classification_uri(
            row["classification"],
            lowest_grade=row["school__lowest_grade"],
            highest_grade=row["school__highest_grade"],
        ),
        "educationOrganizationReference": _education_organization(district, school_id),
        "staffReference": {"staffUniqueId": row["staff__staff_unique_id"]},
    }
    if row["end_date"] is not None:
        document["endDate"] = row["end_date"].isoformat()
    if row["position_title"]:
        document["positionTitle"] = row["position_title"][:POSITION_TITLE_MAX]
    if row["is_primary"]:
        document["orderOfAssignment"] = 1
    return document


# --- staffEducationOrganizationEmploymentAssociations ----------------------------------------


def _employments(district: District, namespace: str) -> Iterator[Document]:
    rows = (
        Employment.objects.filter(district=district, staff__district=district)
        .order_by("staff__staff_unique_id", "hire_date", "id")
        .values("staff__staff_unique_id", "status", "hire_date", "end_date", "separation_reason")
        .iterator(chunk_size=CHUNK)
    )
    return _first_per_key((_employment_document(district, row) for row in rows), EMPLOYMENT_KEY)


def _employment_document(district: District, row: Mapping[str, Any]) -> Document:
    document: Document = {
        "employmentStatusDescriptor": ed.lookup(
            ed.EMPLOYMENT_STATUS, "EmploymentStatusDescriptor", row["status"]
        ),
        "hireDate": row["hire_date"].isoformat(),
        "educationOrganizationReference": _education_organization(district, None),
        "staffReference": {"staffUniqueId": row["staff__staff_unique_id"]},
    }
    if row["end_date"] is not None:
        document["endDate"] = row["end_date"].isoformat()
    reason = row["separation_reason"]
    if reason:
        document["separationReasonDescriptor"] = ed.lookup(
            ed.SEPARATION_REASON, "SeparationReasonDescriptor", reason
        )
        if ed.SEPARATION.get(reason):
            document["separationDescriptor"] = ed.lookup(
                ed.SEPARATION, "SeparationDescriptor", reason
            )
    return document


# --- openStaffPositions ----------------------------------------------------------------------


def _open_positions(district: District, namespace: str) -> Iterator[Document]:
    rows = (
        Position.objects.filter(district=district, status__in=EXPORTED_POSITION_STATUSES)
        .filter(Q(school__isnull=True) | Q(school__district=district))
        .order_by("requisition_number", "id")
        .values(
            "requisition_number",
            "fte",
            "created_at",
            "school__school_id",
            "school__lowest_grade",
            "school__highest_grade",
            "version__job_description__title",
            "version__job_description__role_type__staff_classification",
            "version__content_area",
            "version__lowest_grade",
            "version__highest_grade",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        yield _position_document(district, row)


def _position_document(district: District, row: Mapping[str, Any]) -> Document:
    low, high = row["version__lowest_grade"], row["version__highest_grade"]
    # The job's own grade band says best whom the position teaches; failing that, the school's.
    band = (low, high) if low is not None and high is not None else None
    band_low, band_high = band or (row["school__lowest_grade"], row["school__highest_grade"])
    part_time = row["fte"] < Decimal("1.00")
    document: Document = {
        "requisitionNumber": row["requisition_number"],
        "educationOrganizationReference": _education_organization(
            district, row["school__school_id"]
        ),
        "employmentStatusDescriptor": ed.descriptor_uri(
            "EmploymentStatusDescriptor",
            ed.POSITION_PART_TIME if part_time else ed.POSITION_FULL_TIME,
        ),
        "staffClassificationDescriptor": ed.staff_classification_uri(
            row["version__job_description__role_type__staff_classification"],
            lowest_grade=band_low,
            highest_grade=band_high,
        ),
        "datePosted": timezone.localdate(row["created_at"]).isoformat(),
        "positionTitle": row["version__job_description__title"][:POSITION_TITLE_MAX].strip(),
    }
    subject = row["version__content_area"]
    document["programAssignmentDescriptor"] = ed.descriptor_uri(
        "ProgramAssignmentDescriptor",
        ed.SPECIAL_EDUCATION_PROGRAM
        if subject == AcademicSubject.SPECIAL_EDUCATION
        else ed.REGULAR_EDUCATION_PROGRAM,
    )
    if subject:
        document["academicSubjects"] = [_academic_subject(subject)]
    if band is not None:
        document["instructionalGradeLevels"] = _grade_levels(*band)
    return document


# --- credentials -----------------------------------------------------------------------------


def _credentials(district: District, namespace: str) -> Iterator[Document]:
    rows = (
        Credential.objects.filter(district=district, staff__district=district)
        .order_by(Upper("state"), "identifier", "id")
        .values(
            "identifier", "state", "credential_type", "field", "issuance_date", "expiration_date"
        )
        .iterator(chunk_size=CHUNK)
    )
    last_key: tuple[str, str] | None = None
    for row in rows:
        state_uri = ed.state_abbreviation_uri(row["state"])
        # A credential from no known state cannot be keyed in Ed-Fi; staff documents leave out
        # their reference to it the same way.
        if state_uri is None or (row["identifier"], state_uri) == last_key:
            continue
        last_key = (row["identifier"], state_uri)
        yield _credential_document(row, state_uri, namespace)


def _credential_document(row: Mapping[str, Any], state_uri: str, namespace: str) -> Document:
    document: Document = {
        "credentialIdentifier": row["identifier"],
        "stateOfIssueStateAbbreviationDescriptor": state_uri,
        "credentialTypeDescriptor": ed.lookup(
            ed.CREDENTIAL_TYPE, "CredentialTypeDescriptor", row["credential_type"]
        ),
        "issuanceDate": row["issuance_date"].isoformat(),
        "namespace": namespace,
    }
    if row["expiration_date"] is not None:
        document["expirationDate"] = row["expiration_date"].isoformat()
    if row["field"]:
        document["academicSubjects"] = [_academic_subject(row["field"])]
    return document


# --- shared pieces ---------------------------------------------------------------------------


def _education_organization(district: District, school_id: int | None) -> Document:
    """A school by its SchoolId; the district office (no school) by the LEA's id."""
    return {"educationOrganizationId": district.lea_id if school_id is None else school_id}


def _academic_subject(subject: str) -> Document:
    return {
        "academicSubjectDescriptor": ed.lookup(
            ed.ACADEMIC_SUBJECT, "AcademicSubjectDescriptor", subject
        )
    }


def _grade_levels(lowest: int, highest: int) -> list[Document]:
    return [
        {"gradeLevelDescriptor": ed.descriptor_uri("GradeLevelDescriptor", ed.GRADE_LEVEL[grade])}
        for grade in range(lowest, highest + 1)
    ]


# The members of each association's Ed-Fi natural key besides the person.
ASSIGNMENT_KEY: Final = (
    "beginDate",
    "educationOrganizationReference",
    "staffClassificationDescriptor",
)
EMPLOYMENT_KEY: Final = ("hireDate", "educationOrganizationReference", "employmentStatusDescriptor")


def _first_per_key(documents: Iterable[Document], key: tuple[str, ...]) -> Iterator[Document]:
    """Drop a document whose natural key repeats an earlier one for the same person: two rows
    that differ only where Ed-Fi cannot tell them apart (a principal and an assistant principal
    posted at one school on one day are both "School Administrator") would overwrite each other
    in the ODS. The rows come ordered by person, so one person's keys are remembered at a time."""
    person: object = None
    seen: set[tuple[str, ...]] = set()
    for document in documents:
        if document["staffReference"] != person:
            person, seen = document["staffReference"], set()
        identity = tuple(repr(document[name]) for name in key)
        if identity not in seen:
            seen.add(identity)
            yield document


_Builder = Callable[[District, str], Iterator[Document]]
_BUILDERS: Final[dict[str, _Builder]] = {
    "credentials": _credentials,
    "staffs": _staffs,
    "staffEducationOrganizationEmploymentAssociations": _employments,
    "staffEducationOrganizationAssignmentAssociations": _assignments,
    "openStaffPositions": _open_positions,
}

__all__ = ["RESOURCES", "Document", "default_namespace", "export_district", "iter_resource"]
