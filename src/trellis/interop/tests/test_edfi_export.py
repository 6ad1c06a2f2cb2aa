"""The Ed-Fi export: every document conforms to its resource's schema and uses Ed-Fi's own
descriptor values, one district never sees another's rows, the reading takes a fixed number of
queries, and the schemas do reject what the Data Standard rejects."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trellis.factories import DistrictFactory, SchoolFactory, StaffFactory
from trellis.interop.edfi import descriptors as ed
from trellis.interop.edfi.export import RESOURCES, export_district, iter_resource
from trellis.interop.edfi.validation import schema, validate
from trellis.interop.tests.factories import (
    CredentialFactory,
    EmploymentFactory,
    SchoolAssignmentFactory,
)
from trellis.org.models import (
    AcademicSubject,
    CredentialType,
    EmploymentStatus,
    Grade,
    LevelOfEducation,
    SchoolCategory,
    SeparationReason,
    StaffClassification,
)
from trellis.roles.models import Position, PositionStatus, RoleLevel
from trellis.roles.tests.test_services import make_position, make_published, make_role_type

pytestmark = pytest.mark.django_db

SC = StaffClassification
EDFI = "uri://ed-fi.org"


def uri(descriptor: str, code: str) -> str:
    return f"{EDFI}/{descriptor}#{code}"


@pytest.fixture
def maple(district_a, school_a, staff_a):
    """Maple Valley: Aspen Elementary (K–5) and Maple High (9–12); Ana teaches at Aspen after
    four years at the high school, Hal is the high school's principal, Dora works in the
    district office, Rex retired last June; a coach post is open and a half-time special
    education post is planned."""
    high = SchoolFactory(
        district=district_a, name="Maple High", category=SchoolCategory.HIGH,
        lowest_grade=Grade.NINTH, highest_grade=Grade.TWELFTH,
    )  # fmt: skip
    ana = staff_a
    ana.middle_name = "Beatriz"
    ana.highest_education = LevelOfEducation.SPECIALIST
    ana.years_prior_teaching = 4
    ana.years_prior_professional = 6
    ana.save()
    hal = StaffFactory(district=district_a, school=high, classification=SC.PRINCIPAL)
    dora = StaffFactory(district=district_a, school=None, classification=SC.LEA_SPECIALIST)
    rex = StaffFactory(district=district_a, school=school_a, is_active=False, email="")

    SchoolAssignmentFactory(staff=ana, position_title="Grade 3 teacher")
    SchoolAssignmentFactory(
        staff=ana, school=high, is_primary=False,
        begin_date=dt.date(2020, 8, 1), end_date=dt.date(2024, 6, 30),
    )  # fmt: skip
    SchoolAssignmentFactory(staff=hal)
    SchoolAssignmentFactory(staff=dora, position_title="Personalized learning coordinator")
    EmploymentFactory(staff=ana, hire_date=dt.date(2020, 8, 1))
    EmploymentFactory(
        staff=rex, status=EmploymentStatus.PROBATIONARY, hire_date=dt.date(2015, 8, 1),
        end_date=dt.date(2025, 6, 30), separation_reason=SeparationReason.RETIREMENT,
    )  # fmt: skip
    CredentialFactory(
        staff=ana, identifier="NV-ELA-1", credential_type=CredentialType.LICENSURE,
        field=AcademicSubject.ELA, expiration_date=dt.date(2030, 6, 30),
    )  # fmt: skip
    # Stored in lower case by an import; Ed-Fi's code is the upper-case USPS abbreviation.
    CredentialFactory(
        staff=ana, identifier="NV-MATH-2", state="nv", credential_type=CredentialType.ENDORSEMENT
    )

    coach = make_published(
        district_a, "Instructional coach, K–5",
        role_type=make_role_type(district_a, "Coach", staff_classification=SC.SCHOOL_SPECIALIST),
        content_area=AcademicSubject.MATH, lowest_grade=Grade.KINDERGARTEN,
        highest_grade=Grade.FIFTH,
    )  # fmt: skip
    make_position(district_a, coach, "R-100", school=school_a)
    sped = make_published(
        district_a, "Special education teacher",
        role_type=make_role_type(district_a, "Teacher", staff_classification=SC.TEACHER),
        level=RoleLevel.DISTRICT, content_area=AcademicSubject.SPECIAL_EDUCATION,
    )  # fmt: skip
    make_position(district_a, sped, "R-200", fte="0.50", status=PositionStatus.PLANNED)
    filled = make_position(district_a, sped, "R-300")
    Position.objects.filter(pk=filled.pk).update(status=PositionStatus.FILLED)
    return {"district": district_a, "aspen": school_a, "high": high, "ana": ana, "hal": hal,
            "dora": dora, "rex": rex}  # fmt: skip


def by_staff(documents, staff):
    return [d for d in documents if d.get("staffReference") == {"staffUniqueId": staff}]


# --- conformance -----------------------------------------------------------------------------


def test_every_exported_document_conforms_to_its_resource_schema(maple):
    exported = export_district(maple["district"])
    assert list(exported) == list(RESOURCES)
    for name, documents in exported.items():
        assert documents, f"the fixture should give {name} at least one document"
        for document in documents:
            assert validate(name, document) == [], (name, document)


def test_the_export_is_plain_json(maple):
    exported = export_district(maple["district"])
    assert json.loads(json.dumps(exported)) == exported


def test_a_teacher_is_exported_with_ed_fi_names_and_descriptors(maple):
    ana = maple["ana"]
    [staff] = [s for s in export_district(maple["district"])["staffs"]
               if s["staffUniqueId"] == ana.staff_unique_id]  # fmt: skip
    assert staff == {
        "staffUniqueId": ana.staff_unique_id,
        "firstName": "Ana",
        "middleName": "Beatriz",
        "lastSurname": "Alvarez",
        "electronicMails": [
            {
                "electronicMailTypeDescriptor": uri("ElectronicMailTypeDescriptor", "Work"),
                "electronicMailAddress": ana.email,
            }
        ],
        # Ed-Fi has no education-specialist level; it is at least a master's.
        "highestCompletedLevelOfEducationDescriptor": uri("LevelOfEducationDescriptor", "Master's"),
        "yearsOfPriorProfessionalExperience": 6,
        "yearsOfPriorTeachingExperience": 4,
        "credentials": [
            {
                "credentialReference": {
                    "credentialIdentifier": identifier,
                    "stateOfIssueStateAbbreviationDescriptor": uri(
                        "StateAbbreviationDescriptor", "NV"
                    ),
                }
            }
            for identifier in ("NV-ELA-1", "NV-MATH-2")
        ],
    }


def test_assignments_name_the_school_or_the_district_office_and_the_grade_band(maple):
    documents = export_district(maple["district"])[
        "staffEducationOrganizationAssignmentAssociations"
    ]
    district, aspen, high = maple["district"], maple["aspen"], maple["high"]
    ana_then, ana_now = by_staff(documents, maple["ana"].staff_unique_id)
    assert ana_now == {
        "beginDate": "2024-08-01",
        "staffClassificationDescriptor": uri("StaffClassificationDescriptor", "Elementary Teacher"),
        "educationOrganizationReference": {"educationOrganizationId": aspen.school_id},
        "staffReference": {"staffUniqueId": maple["ana"].staff_unique_id},
        "positionTitle": "Grade 3 teacher",
        "orderOfAssignment": 1,
    }
    assert ana_then["endDate"] == "2024-06-30"
    assert ana_then["educationOrganizationReference"] == {"educationOrganizationId": high.school_id}
    assert ana_then["staffClassificationDescriptor"].endswith("#Secondary Teacher")
    assert "orderOfAssignment" not in ana_then
    [hal] = by_staff(documents, maple["hal"].staff_unique_id)
    assert hal["staffClassificationDescriptor"] == uri(
        "StaffClassificationDescriptor", "School Administrator"
    )
    [dora] = by_staff(documents, maple["dora"].staff_unique_id)
    assert dora["educationOrganizationReference"] == {"educationOrganizationId": district.lea_id}
    assert dora["staffClassificationDescriptor"] == uri(
        "StaffClassificationDescriptor", "Instr Coordinator and Supervisor to the Staff"
    )


def test_a_separation_carries_its_reason_and_who_chose_it(maple):
    documents = export_district(maple["district"])[
        "staffEducationOrganizationEmploymentAssociations"
    ]
    [rex] = by_staff(documents, maple["rex"].staff_unique_id)
    assert rex == {
        "employmentStatusDescriptor": uri("EmploymentStatusDescriptor", "Probationary"),
        "hireDate": "2015-08-01",
        "educationOrganizationReference": {"educationOrganizationId": maple["district"].lea_id},
        "staffReference": {"staffUniqueId": maple["rex"].staff_unique_id},
        "endDate": "2025-06-30",
        "separationReasonDescriptor": uri("SeparationReasonDescriptor", "Retirement"),
        "separationDescriptor": uri("SeparationDescriptor", "Voluntary separation"),
    }
    [ana] = by_staff(documents, maple["ana"].staff_unique_id)
    assert ana["employmentStatusDescriptor"] == uri(
        "EmploymentStatusDescriptor", "Tenured or permanent"
    )
    assert "endDate" not in ana and "separationReasonDescriptor" not in ana


def test_open_and_planned_positions_are_exported_and_filled_ones_are_not(maple):
    documents = export_district(maple["district"])["openStaffPositions"]
    assert [d["requisitionNumber"] for d in documents] == ["R-100", "R-200"]
    coach, sped = documents
    assert coach["educationOrganizationReference"] == {
        "educationOrganizationId": maple["aspen"].school_id
    }
    assert coach["staffClassificationDescriptor"] == uri(
        "StaffClassificationDescriptor", "Instr Coordinator and Supervisor to the Staff"
    )
    assert coach["positionTitle"] == "Instructional coach, K–5"
    assert coach["academicSubjects"] == [
        {"academicSubjectDescriptor": uri("AcademicSubjectDescriptor", "Mathematics")}
    ]
    assert [g["gradeLevelDescriptor"].split("#")[1] for g in coach["instructionalGradeLevels"]] == [
        "Kindergarten", "First grade", "Second grade", "Third grade", "Fourth grade",
        "Fifth grade",
    ]  # fmt: skip
    assert coach["programAssignmentDescriptor"] == uri(
        "ProgramAssignmentDescriptor", "Regular Education"
    )
    assert coach["datePosted"] == timezone.localdate().isoformat()
    assert sped["educationOrganizationReference"] == {
        "educationOrganizationId": maple["district"].lea_id
    }
    assert sped["employmentStatusDescriptor"] == uri(
        "EmploymentStatusDescriptor", "Employed part-time"
    )
    assert sped["programAssignmentDescriptor"] == uri(
        "ProgramAssignmentDescriptor", "Special Education"
    )
    # A teaching post at the district office has no grade band to classify it by.
    assert sped["staffClassificationDescriptor"] == uri(
        "StaffClassificationDescriptor", "Ungraded Teacher"
    )


def test_credentials_are_keyed_by_number_and_state_under_the_namespace_given(maple):
    documents = list(iter_resource(maple["district"], "credentials", namespace="uri://nv.gov"))
    assert documents == [
        {
            "credentialIdentifier": "NV-ELA-1",
            "stateOfIssueStateAbbreviationDescriptor": uri("StateAbbreviationDescriptor", "NV"),
            "credentialTypeDescriptor": uri("CredentialTypeDescriptor", "Licensure"),
            "issuanceDate": "2020-07-01",
            "namespace": "uri://nv.gov",
            "expirationDate": "2030-06-30",
            "academicSubjects": [
                {
                    "academicSubjectDescriptor": uri(
                        "AcademicSubjectDescriptor", "English Language Arts"
                    )
                }
            ],
        },
        {
            "credentialIdentifier": "NV-MATH-2",
            "stateOfIssueStateAbbreviationDescriptor": uri("StateAbbreviationDescriptor", "NV"),
            "credentialTypeDescriptor": uri("CredentialTypeDescriptor", "Endorsement"),
            "issuanceDate": "2020-07-01",
            "namespace": "uri://nv.gov",
        },
    ]


def test_a_credential_from_no_known_state_is_left_out_everywhere(district_a, staff_a):
    CredentialFactory(staff=staff_a, identifier="ZZ-1", state="ZZ")
    exported = export_district(district_a)
    assert exported["credentials"] == []
    assert "credentials" not in exported["staffs"][0]


def test_rows_ed_fi_cannot_tell_apart_are_exported_once(district_a, school_a):
    # given a principal and an assistant principal post for one person, at one school, from
    # one day: both are "School Administrator" to Ed-Fi
    head = StaffFactory(district=district_a, school=school_a, classification=SC.PRINCIPAL)
    SchoolAssignmentFactory(staff=head)
    SchoolAssignmentFactory(staff=head, classification=SC.ASSISTANT_PRINCIPAL)
    # when the assignments are exported, then the ODS receives one, not two that overwrite
    documents = list(iter_resource(district_a, "staffEducationOrganizationAssignmentAssociations"))
    assert len(documents) == 1


def test_each_resource_comes_in_the_same_order_every_time(maple):
    for name in RESOURCES:
        first = list(iter_resource(maple["district"], name))
        assert first == list(iter_resource(maple["district"], name))
    staff_ids = [s["staffUniqueId"] for s in iter_resource(maple["district"], "staffs")]
    assert staff_ids == sorted(staff_ids)


def test_an_unknown_resource_is_refused(district_a):
    with pytest.raises(KeyError):
        iter_resource(district_a, "students")


# --- tenancy ---------------------------------------------------------------------------------


def test_another_districts_rows_never_appear_even_where_they_share_ids(maple, district_b):
    # given Cedar Ridge with the same staff number, credential number and requisition number as
    # Maple Valley, and two broken rows tying Maple to Cedar's school and person
    cedar_school = SchoolFactory(district=district_b, name="Cedar Elementary")
    twin = StaffFactory(
        district=district_b, school=cedar_school, staff_unique_id=maple["ana"].staff_unique_id,
        first_name="Twin", last_name="Cedar", email="twin@cedar.example",
    )  # fmt: skip
    SchoolAssignmentFactory(staff=twin, position_title="Cedar teacher")
    EmploymentFactory(staff=twin, hire_date=dt.date(2001, 1, 2))
    CredentialFactory(staff=twin, identifier="NV-ELA-1", issuance_date=dt.date(2001, 1, 2))
    make_position(district_b, requisition="R-100", school=cedar_school)
    SchoolAssignmentFactory(staff=maple["ana"], school=cedar_school, begin_date=dt.date(2023, 1, 9))
    CredentialFactory(staff=twin, district=maple["district"], identifier="LEAK-1")
    # when Maple Valley is exported
    text = json.dumps(export_district(maple["district"]))
    # then nothing of Cedar Ridge is in it
    for cedar_value in ("Twin", "Cedar", "twin@cedar.example", "2001-01-02", "LEAK-1",
                        f'"educationOrganizationId": {cedar_school.school_id}}}',
                        f'"educationOrganizationId": {district_b.lea_id}}}'):  # fmt: skip
        assert cedar_value not in text
    # and Cedar Ridge's own export holds its own rows only
    cedar = export_district(district_b)
    assert "Twin" in [s["firstName"] for s in cedar["staffs"]]
    assert [d["requisitionNumber"] for d in cedar["openStaffPositions"]] == ["R-100"]
    assert "Ana" not in json.dumps(cedar)


# --- queries ---------------------------------------------------------------------------------


def _add_staff(district, school, count):
    for _ in range(count):
        person = StaffFactory(district=district, school=school)
        SchoolAssignmentFactory(staff=person)
        EmploymentFactory(staff=person)
        CredentialFactory(staff=person)


def _export_queries(district) -> int:
    with CaptureQueriesContext(connection) as captured:
        exported = export_district(district)
    assert len(exported["staffs"]) == len(exported["credentials"])
    return len(captured.captured_queries)


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_staff_count(
    district_a, school_a, django_assert_max_num_queries
):
    _add_staff(district_a, school_a, 10)
    with_ten = _export_queries(district_a)
    _add_staff(district_a, school_a, 90)
    with django_assert_max_num_queries(6):
        export_district(district_a)
    assert _export_queries(district_a) == with_ten


# --- the schemas themselves ------------------------------------------------------------------


def test_a_missing_required_property_fails_validation(maple):
    staff = next(iter_resource(maple["district"], "staffs"))
    del staff["lastSurname"]
    assert validate("staffs", staff) == ["$: 'lastSurname' is a required property"]


def test_a_descriptor_from_the_wrong_vocabulary_fails_validation(maple):
    assignment = next(
        iter_resource(maple["district"], "staffEducationOrganizationAssignmentAssociations")
    )
    assignment["staffClassificationDescriptor"] = uri("EmploymentStatusDescriptor", "Other")
    [error] = validate("staffEducationOrganizationAssignmentAssociations", assignment)
    assert error.startswith("$.staffClassificationDescriptor:")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"hireDate": "2024-02-30"}, "$.hireDate"),
        ({"hireDate": "08/01/2024"}, "$.hireDate"),
        ({"employmentStatusDescriptor": "Tenured or permanent"}, "$.employmentStatusDescriptor"),
        ({"staffReference": {"staffUniqueId": "S" * 33}}, "$.staffReference.staffUniqueId"),
        ({"staffReference": {"id": "1"}}, "$.staffReference"),
        ({"educationOrganizationReference": {"educationOrganizationId": "1"}},
         "$.educationOrganizationReference.educationOrganizationId"),
        ({"separationReasonDescriptor": uri("SeparationReasonDescriptor", "Layoff")}, "$"),
        ({"salary": 50000}, "$"),
    ],
)  # fmt: skip
def test_the_employment_schema_rejects_what_ed_fi_rejects(maple, change, path):
    employment = {**by_staff(
        export_district(maple["district"])["staffEducationOrganizationEmploymentAssociations"],
        maple["ana"].staff_unique_id,
    )[0], **change}  # fmt: skip
    errors = validate("staffEducationOrganizationEmploymentAssociations", employment)
    assert errors and all(e.startswith(f"{path}:") for e in errors), errors


def test_every_schema_is_closed_at_the_top_and_says_what_it_requires():
    for name in RESOURCES:
        document_schema = schema(name)
        assert document_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document_schema["additionalProperties"] is False
        assert set(document_schema["required"]) <= set(document_schema["properties"])


# --- descriptor tables -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choices", "table"),
    [
        (StaffClassification, ed.STAFF_CLASSIFICATION),
        (LevelOfEducation, ed.LEVEL_OF_EDUCATION),
        (AcademicSubject, ed.ACADEMIC_SUBJECT),
        (EmploymentStatus, ed.EMPLOYMENT_STATUS),
        (SeparationReason, ed.SEPARATION_REASON),
        (SeparationReason, ed.SEPARATION),
        (CredentialType, ed.CREDENTIAL_TYPE),
        (Grade, ed.GRADE_LEVEL),
    ],
)
def test_every_choice_has_an_ed_fi_code(choices, table):
    assert set(table) == set(choices.values), "a choice was added without its Ed-Fi code"


def test_an_unmapped_value_is_named_in_the_error():
    with pytest.raises(ed.UnmappedValueError, match="'coach'"):
        ed.staff_classification_uri("coach")


@pytest.mark.parametrize(
    ("lowest", "highest", "code"),
    [
        (Grade.PRESCHOOL, Grade.PRESCHOOL, "Pre-Kindergarten Teacher"),
        (Grade.KINDERGARTEN, Grade.KINDERGARTEN, "Kindergarten Teacher"),
        (Grade.KINDERGARTEN, Grade.FIFTH, "Elementary Teacher"),
        (Grade.SIXTH, Grade.EIGHTH, "Elementary Teacher"),
        (Grade.SEVENTH, Grade.TWELFTH, "Secondary Teacher"),
        (Grade.KINDERGARTEN, Grade.TWELFTH, "Ungraded Teacher"),
        (None, None, "Ungraded Teacher"),
    ],
)
def test_teachers_are_classified_by_the_nces_band_of_their_grades(lowest, highest, code):
    assert ed.teacher_code(lowest, highest) == code


def test_state_codes_are_ed_fi_state_abbreviations():
    assert ed.state_abbreviation_uri(" tx ") == uri("StateAbbreviationDescriptor", "TX")
    assert ed.state_abbreviation_uri("XX") is None
    # 50 states, DC, 5 territories, 3 freely associated states and 3 military mail codes
    assert len(ed.STATE_ABBREVIATIONS) == 62


def test_every_emitted_code_is_an_ed_fi_descriptor_uri(maple):
    pattern = re.compile(schema("common")["$defs"]["descriptor"]["pattern"])
    text = json.dumps(export_district(maple["district"]))
    uris = re.findall(r'"(uri://ed-fi\.org/[^"]+)"', text)
    assert uris and all(pattern.match(u) for u in uris)


def test_a_district_from_another_state_uses_that_states_code():
    district = DistrictFactory(state="TX")
    person = StaffFactory(district=district)
    CredentialFactory(staff=person)
    [credential] = list(iter_resource(district, "credentials"))
    assert credential["stateOfIssueStateAbbreviationDescriptor"].endswith("#TX")
