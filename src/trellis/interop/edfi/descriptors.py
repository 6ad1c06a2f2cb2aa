"""Trellis choice values → Ed-Fi Data Standard 5.x descriptor code values.

Every choice of the org models maps to a code value published by the Ed-Fi Alliance under the
``uri://ed-fi.org`` namespace; a test holds each table complete, so a choice added to a model
without a mapping fails the suite instead of shipping an export the ODS rejects.

Where Trellis is finer than Ed-Fi, several choices share a code; where it is coarser (teachers
carry no grade band), the code is refined from the grade span they teach. Codes the Data
Standard marks DEPRECATED in 5.x (StaffClassification ``Teacher``, ``Principal``…) are avoided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from trellis.org.models import (
    AcademicSubject,
    CredentialType,
    EmploymentStatus,
    Grade,
    LevelOfEducation,
    SeparationReason,
    StaffClassification,
)

NAMESPACE: Final = "uri://ed-fi.org"


class UnmappedValueError(ValueError):
    """A stored value has no Ed-Fi code: the model gained a choice the export does not know."""


def descriptor_uri(descriptor: str, code_value: str) -> str:
    """The Ed-Fi descriptor reference, e.g. ``uri://ed-fi.org/SexDescriptor#Female``."""
    return f"{NAMESPACE}/{descriptor}#{code_value}"


def lookup(table: Mapping[str, str], descriptor: str, value: str) -> str:
    try:
        return descriptor_uri(descriptor, table[value])
    except KeyError:
        raise UnmappedValueError(f"No Ed-Fi {descriptor} for {value!r}.") from None


# --- StaffClassificationDescriptor -----------------------------------------------------------
# Ed-Fi 5.x follows the NCES Common Core of Data staff categories: principals and assistant
# principals are "School Administrator", superintendents "LEA Administrator", and the coaching
# and specialist roles personalized learning adds fall under instructional coordinators.
STAFF_CLASSIFICATION: Final[Mapping[str, str]] = {
    StaffClassification.TEACHER: "Ungraded Teacher",  # refined by grade band, see below
    StaffClassification.INSTRUCTIONAL_COORDINATOR: "Instr Coordinator and Supervisor to the Staff",
    StaffClassification.SCHOOL_SPECIALIST: "Instr Coordinator and Supervisor to the Staff",
    StaffClassification.PRINCIPAL: "School Administrator",
    StaffClassification.ASSISTANT_PRINCIPAL: "School Administrator",
    StaffClassification.SCHOOL_ADMINISTRATOR: "School Administrator",
    StaffClassification.COUNSELOR: "School Counselor",
    StaffClassification.LIBRARIAN: "Librarian/Media Specialist",
    StaffClassification.INSTRUCTIONAL_AIDE: "Paraprofessional/Instructional Aide",
    # NCES counts substitutes with the teachers of their grade band; that they substitute is
    # carried by the employment status (Substitute/temporary).
    StaffClassification.SUBSTITUTE_TEACHER: "Ungraded Teacher",
    StaffClassification.LEA_ADMINISTRATOR: "LEA Administrator",
    StaffClassification.LEA_SPECIALIST: "Instr Coordinator and Supervisor to the Staff",
    StaffClassification.SUPERINTENDENT: "LEA Administrator",
    StaffClassification.SUPPORT_SERVICES: "Student Support Services Staff (w/o Psychology)",
    StaffClassification.OTHER: "All Other Support Staff",
}

# Teachers are classified by the grades they teach; Trellis knows the span of their school (or
# of the job description), which is enough for the NCES bands.
GRADE_BANDED: Final = frozenset(
    {StaffClassification.TEACHER, StaffClassification.SUBSTITUTE_TEACHER}
)


def teacher_code(lowest_grade: int | None, highest_grade: int | None) -> str:
    """The NCES band of a grade span: elementary is any span not above grade 8, secondary one
    from grade 7 up; a span across both, or none known, is "Ungraded Teacher"."""
    if lowest_grade is None or highest_grade is None:
        return "Ungraded Teacher"
    if highest_grade <= Grade.PRESCHOOL:
        return "Pre-Kindergarten Teacher"
    if highest_grade == Grade.KINDERGARTEN:
        return "Kindergarten Teacher"
    if highest_grade <= Grade.EIGHTH:
        return "Elementary Teacher"
    if lowest_grade >= Grade.SEVENTH:
        return "Secondary Teacher"
    return "Ungraded Teacher"


def staff_classification_uri(
    classification: str, *, lowest_grade: int | None = None, highest_grade: int | None = None
) -> str:
    if classification in GRADE_BANDED:
        return descriptor_uri(
            "StaffClassificationDescriptor", teacher_code(lowest_grade, highest_grade)
        )
    return lookup(STAFF_CLASSIFICATION, "StaffClassificationDescriptor", classification)


# --- LevelOfEducationDescriptor --------------------------------------------------------------
LEVEL_OF_EDUCATION: Final[Mapping[str, str]] = {
    LevelOfEducation.BACHELORS: "Bachelor's",
    LevelOfEducation.MASTERS: "Master's",
    # Ed-Fi has no level between master's and doctorate; an education specialist has at least
    # completed a master's.
    LevelOfEducation.SPECIALIST: "Master's",
    LevelOfEducation.DOCTORATE: "Doctorate",
    LevelOfEducation.ASSOCIATES: "Associate's Degree (two years or more)",
    LevelOfEducation.SOME_COLLEGE: "Some College No Degree",
    LevelOfEducation.HIGH_SCHOOL: "High School Diploma",
}

# --- AcademicSubjectDescriptor ---------------------------------------------------------------
ACADEMIC_SUBJECT: Final[Mapping[str, str]] = {
    AcademicSubject.ELA: "English Language Arts",
    AcademicSubject.MATH: "Mathematics",
    AcademicSubject.SCIENCE: "Science",
    AcademicSubject.SOCIAL_STUDIES: "Social Studies",
    AcademicSubject.ARTS: "Fine and Performing Arts",
    AcademicSubject.PE: "Physical, Health, and Safety Education",
    AcademicSubject.WORLD_LANGUAGES: "Foreign Language and Literature",
    AcademicSubject.CTE: "Career and Technical Education",
    # Special education is a program in Ed-Fi, not a subject: the subject is "Other" and an
    # open position carries the ProgramAssignment "Special Education".
    AcademicSubject.SPECIAL_EDUCATION: "Other",
    AcademicSubject.MULTIPLE: "Cross Subject",
}

# --- ProgramAssignmentDescriptor (open positions, from the job's content area) ----------------
SPECIAL_EDUCATION_PROGRAM: Final = "Special Education"
REGULAR_EDUCATION_PROGRAM: Final = "Regular Education"

# --- EmploymentStatusDescriptor --------------------------------------------------------------
EMPLOYMENT_STATUS: Final[Mapping[str, str]] = {
    EmploymentStatus.PERMANENT: "Tenured or permanent",
    EmploymentStatus.PROBATIONARY: "Probationary",
    EmploymentStatus.CONTRACTUAL: "Contractual",
    EmploymentStatus.SUBSTITUTE: "Substitute/temporary",
    EmploymentStatus.VOLUNTEER: "Volunteer/no contract",
    EmploymentStatus.OTHER: "Other",
}
# A position records no contract type; its FTE tells part-time apart, and nothing more is known.
POSITION_PART_TIME: Final = "Employed part-time"
POSITION_FULL_TIME: Final = "Other"

# --- SeparationReasonDescriptor and SeparationDescriptor --------------------------------------
SEPARATION_REASON: Final[Mapping[str, str]] = {
    SeparationReason.RETIREMENT: "Retirement",
    SeparationReason.OTHER_EMPLOYMENT: "Employment elsewhere",
    SeparationReason.LEAVING_EDUCATION: "Other",
    SeparationReason.RELOCATION: "Family/personal relocation",
    SeparationReason.LAYOFF: "Layoff",
    SeparationReason.DISMISSAL: "Discharge",
    SeparationReason.PERSONAL: "Personal reason",
    SeparationReason.DEATH: "Illness/disability/death",
    # The roster dropped the person without saying why.
    SeparationReason.ROSTER_REMOVED: "Unknown",
    SeparationReason.OTHER: "Other",
}

# Who ended the employment, where the reason tells; "" where it does not (the property is then
# left out rather than guessed).
SEPARATION: Final[Mapping[str, str]] = {
    SeparationReason.RETIREMENT: "Voluntary separation",
    SeparationReason.OTHER_EMPLOYMENT: "Voluntary separation",
    SeparationReason.LEAVING_EDUCATION: "Voluntary separation",
    SeparationReason.RELOCATION: "Voluntary separation",
    SeparationReason.LAYOFF: "Involuntary separation",
    SeparationReason.DISMISSAL: "Involuntary separation",
    SeparationReason.PERSONAL: "Voluntary separation",
    SeparationReason.DEATH: "Other",
    SeparationReason.ROSTER_REMOVED: "",
    SeparationReason.OTHER: "",
}

# --- CredentialTypeDescriptor ----------------------------------------------------------------
CREDENTIAL_TYPE: Final[Mapping[str, str]] = {
    CredentialType.CERTIFICATION: "Certification",
    CredentialType.ENDORSEMENT: "Endorsement",
    CredentialType.LICENSURE: "Licensure",
    CredentialType.OTHER: "Other",
}

# --- GradeLevelDescriptor --------------------------------------------------------------------
GRADE_LEVEL: Final[Mapping[int, str]] = {
    Grade.PRESCHOOL: "Prekindergarten",
    Grade.KINDERGARTEN: "Kindergarten",
    Grade.FIRST: "First grade",
    Grade.SECOND: "Second grade",
    Grade.THIRD: "Third grade",
    Grade.FOURTH: "Fourth grade",
    Grade.FIFTH: "Fifth grade",
    Grade.SIXTH: "Sixth grade",
    Grade.SEVENTH: "Seventh grade",
    Grade.EIGHTH: "Eighth grade",
    Grade.NINTH: "Ninth grade",
    Grade.TENTH: "Tenth grade",
    Grade.ELEVENTH: "Eleventh grade",
    Grade.TWELFTH: "Twelfth grade",
}

# --- StateAbbreviationDescriptor -------------------------------------------------------------
# The states, DC, the territories and the military "states" the Data Standard lists; the code
# value is the USPS abbreviation itself.
STATE_ABBREVIATIONS: Final = frozenset(
    [
        "AA",
        "AE",
        "AK",
        "AL",
        "AP",
        "AR",
        "AS",
        "AZ",
        "CA",
        "CO",
        "CT",
        "DC",
        "DE",
        "FL",
        "FM",
        "GA",
        "GU",
        "HI",
        "IA",
        "ID",
        "IL",
        "IN",
        "KS",
        "KY",
        "LA",
        "MA",
        "MD",
        "ME",
        "MH",
        "MI",
        "MN",
        "MO",
        "MP",
        "MS",
        "MT",
        "NC",
        "ND",
        "NE",
        "NH",
        "NJ",
        "NM",
        "NV",
        "NY",
        "OH",
        "OK",
        "OR",
        "PA",
        "PR",
        "PW",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VA",
        "VI",
        "VT",
        "WA",
        "WI",
        "WV",
        "WY",
    ]
)


def state_abbreviation_uri(state: str) -> str | None:
    """The descriptor for a stored two-letter state, or None when it is not a USPS code."""
    code = state.strip().upper()
    if code not in STATE_ABBREVIATIONS:
        return None
    return descriptor_uri("StateAbbreviationDescriptor", code)


WORK_EMAIL: Final = descriptor_uri("ElectronicMailTypeDescriptor", "Work")
