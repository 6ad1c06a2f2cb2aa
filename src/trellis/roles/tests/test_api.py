"""The roles API (/api/v1/, tag ``roles``): the whole path from a role type to an ended
assignment, pagination, problem+json errors at the field, and who may write."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from openapi_spec_validator import validate

from trellis.core.models import AuditEvent, Role
from trellis.core.services import api_token_create
from trellis.factories import MembershipFactory, StaffFactory, UserFactory
from trellis.roles import services
from trellis.roles.models import (
    Assignment,
    JobDescription,
    JobDescriptionReview,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    RoleType,
    VersionStatus,
)
from trellis.roles.tests.test_services import (
    YEAR,
    assign,
    make_draft,
    make_position,
    make_principal,
    make_published,
    make_role_type,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(persona) -> Client:
    token = api_token_create(user=persona.user)
    return Client(headers={"Authorization": f"Bearer {token}"})


def post(client: Client, path: str, body: dict | None = None):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def patch(client: Client, path: str, body: dict):
    return client.patch(f"{API}{path}", json.dumps(body), content_type="application/json")


def fields(response) -> list[str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return [e["field"] for e in response.json()["errors"]]


def test_from_role_type_to_ended_assignment(alice, district_a, school_a, staff_a):
    client = bearer(alice)
    principal = make_principal(district_a, school=school_a)

    # Given a role type and a job description written through the API
    response = post(client, "/role-types", {"name": "Data coach", "category": "student_focused"})
    assert response.status_code == 201, response.content
    role_type = response.json()
    assert role_type["retired"] is False and role_type["standard_key"] == ""

    response = post(
        client,
        "/job-descriptions",
        {
            "title": "Data coach, K-5",
            "role_type_id": role_type["id"],
            "version": {
                "summary": "Helps teachers use data.",
                "traits": {"communication": 3, "flexibility": 2},
                "level": "school",
                "contract_months": "10.5",
            },
        },
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["role_type_id"] == role_type["id"]
    assert [(v["number"], v["status"]) for v in job["versions"]] == [(1, "draft")]
    assert job["versions"][0]["traits"] == {"communication": 3, "flexibility": 2}
    draft = f"/job-descriptions/{job['id']}/versions/1"

    # When the draft gets its responsibilities, a principal's sign-off, and is published
    response = patch(client, draft, {"responsibilities": "Run data meetings\nCoach teachers"})
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Helps teachers use data."  # untouched by the patch

    response = post(
        client,
        f"{draft}/reviews",
        {"reviewer_id": principal.pk, "reviewer_role": "principal", "decision": "approved"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["reviewer_id"] == principal.pk

    response = post(client, f"{draft}/publish")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"

    # ...then placed as a position, opened, filled and ended
    response = post(
        client,
        "/positions",
        {"job_description_id": job["id"], "school_id": school_a.pk,
         "requisition_number": "MV-22", "fte": "1.00", "school_year": YEAR},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    position = response.json()
    assert position["status"] == "planned" and position["version_number"] == 1
    assert position["job_description_id"] == job["id"] and position["school_id"] == school_a.pk

    response = post(client, f"/positions/{position['id']}/transitions", {"to": "open"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"

    response = post(
        client,
        "/assignments",
        {"position_id": position["id"], "staff_id": staff_a.pk, "begin_date": "2026-08-01"},
    )
    assert response.status_code == 201, response.content
    assignment = response.json()
    assert Decimal(assignment["fte"]) == Decimal("1.00") and assignment["end_date"] is None
    assert client.get(f"{API}/positions/{position['id']}").json()["status"] == "filled"

    response = post(
        client,
        f"/assignments/{assignment['id']}/end",
        {"end_date": "2027-06-30", "reason": "returned_to_classroom", "note": "Back to grade 3"},
    )
    # Then the assignment is kept with its end, and the position is open again
    assert response.status_code == 200, response.content
    ended = response.json()
    assert ended["end_date"] == "2027-06-30" and ended["end_reason"] == "returned_to_classroom"
    assert client.get(f"{API}/positions/{position['id']}").json()["status"] == "open"
    assert Assignment.objects.get(pk=assignment["id"]).end_note == "Back to grade 3"
    by_alice = set(AuditEvent.objects.filter(actor=alice.user).values_list("action", flat=True))
    assert {
        "roles.role_type_created",
        "roles.job_description_created",
        "roles.version_updated",
        "roles.version_reviewed",
        "roles.version_published",
        "roles.position_created",
        "roles.position_status_changed",
        "roles.assignment_started",
        "roles.assignment_ended",
    } <= by_alice


def test_hr_can_write_through_the_api(hana, district_a):
    response = post(hana.client(), "/role-types", {"name": "TOSA", "category": "administrative"})
    assert response.status_code == 201
    assert RoleType.objects.get(name="TOSA").district == district_a


def test_a_principal_can_record_a_review_but_not_publish(district_a):
    user = UserFactory(username="pat")
    MembershipFactory(user=user, district=district_a, role=Role.PRINCIPAL)
    client = Client()
    client.force_login(user)
    version = make_draft(district_a)
    path = f"/job-descriptions/{version.job_description_id}/versions/1"
    response = post(
        client,
        f"{path}/reviews",
        {"reviewer_id": make_principal(district_a).pk, "reviewer_role": "principal",
         "decision": "approved"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert post(client, f"{path}/publish").status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_starting_a_new_version_through_the_api(alice, district_a):
    version = make_published(district_a, summary="First")
    client = alice.client()
    response = post(client, f"/job-descriptions/{version.job_description_id}/versions")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2 and response.json()["summary"] == "First"
    again = post(client, f"/job-descriptions/{version.job_description_id}/versions")
    assert again.status_code == 422
    detail = client.get(f"{API}/job-descriptions/{version.job_description_id}").json()
    assert [v["number"] for v in detail["versions"]] == [2, 1]


def test_a_published_version_cannot_be_patched(alice, district_a):
    version = make_published(district_a, summary="Original")
    response = patch(
        alice.client(),
        f"/job-descriptions/{version.job_description_id}/versions/1",
        {"summary": "Changed"},
    )
    version.refresh_from_db()
    assert response.status_code == 422
    assert "start a new version" in response.json()["errors"][0]["message"]
    assert version.summary == "Original"


def test_publishing_without_a_sign_off_is_422_and_leaves_the_draft(alice, district_a):
    version = make_draft(district_a)
    response = post(
        alice.client(), f"/job-descriptions/{version.job_description_id}/versions/1/publish"
    )
    version.refresh_from_db()
    assert response.status_code == 422
    assert any("principal must sign off" in e["message"] for e in response.json()["errors"])
    assert version.status == VersionStatus.DRAFT


def test_publishing_without_responsibilities_names_the_field(alice, district_a):
    version = make_draft(district_a, level="district", responsibilities="")
    response = post(
        alice.client(), f"/job-descriptions/{version.job_description_id}/versions/1/publish"
    )
    assert response.status_code == 422
    assert "body.responsibilities" in fields(response)


def test_reviewing_as_principal_someone_who_is_not_one_is_422(alice, district_a, staff_a):
    version = make_draft(district_a)
    response = post(
        alice.client(),
        f"/job-descriptions/{version.job_description_id}/versions/1/reviews",
        {"reviewer_id": staff_a.pk, "reviewer_role": "principal", "decision": "approved"},
    )
    assert response.status_code == 422
    assert fields(response) == ["body.reviewer"]
    assert not JobDescriptionReview.objects.exists()


def test_an_unknown_role_type_is_422_at_the_field_and_writes_nothing(alice):
    client = bearer(alice)
    events_before = AuditEvent.objects.count()
    response = post(client, "/job-descriptions", {"title": "Coach", "role_type_id": 999999})
    assert response.status_code == 422
    assert fields(response) == ["body.role_type_id"]
    assert not JobDescription.objects.exists() and not JobDescriptionVersion.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_invalid_nested_version_fields_are_422_with_their_path(alice, district_a):
    role_type = make_role_type(district_a)
    response = post(
        alice.client(),
        "/job-descriptions",
        {"title": "Coach", "role_type_id": role_type.pk,
         "version": {"traits": {"communication": 5}, "salary": 1}},
    )  # fmt: skip
    assert response.status_code == 422
    paths = fields(response)
    assert any("version" in p and "traits" in p for p in paths)
    assert any(p.endswith("salary") for p in paths)
    assert not JobDescription.objects.exists()


def test_upside_down_grade_band_is_422_and_writes_nothing(alice, district_a):
    role_type = make_role_type(district_a)
    response = post(
        alice.client(),
        "/job-descriptions",
        {"title": "Coach", "role_type_id": role_type.pk,
         "version": {"lowest_grade": 5, "highest_grade": 1}},
    )  # fmt: skip
    assert response.status_code == 422
    assert not JobDescription.objects.exists()


def test_a_position_needs_a_published_version(alice, district_a):
    draft = make_draft(district_a)
    response = post(
        alice.client(),
        "/positions",
        {"job_description_id": draft.job_description_id, "requisition_number": "R-1",
         "school_year": YEAR},
    )  # fmt: skip
    assert response.status_code == 422
    assert fields(response) == ["body.job_description_id"]
    assert not Position.objects.exists()


def test_a_position_cannot_start_filled(alice, district_a):
    version = make_published(district_a)
    response = post(
        alice.client(),
        "/positions",
        {"job_description_id": version.job_description_id, "requisition_number": "R-1",
         "school_year": YEAR, "status": "filled"},
    )  # fmt: skip
    assert response.status_code == 422
    assert not Position.objects.exists()


def test_a_duplicate_requisition_number_is_422_at_the_field(alice, district_a):
    position = make_position(district_a, requisition="R-9")
    response = post(
        alice.client(),
        "/positions",
        {"job_description_id": position.version.job_description_id,
         "requisition_number": "R-9", "school_year": YEAR},
    )  # fmt: skip
    assert response.status_code == 422
    assert fields(response) == ["body.requisition_number"]
    assert Position.objects.count() == 1


def test_filled_is_not_a_transition_anyone_can_ask_for(alice, district_a):
    position = make_position(district_a)
    response = post(alice.client(), f"/positions/{position.pk}/transitions", {"to": "filled"})
    position.refresh_from_db()
    assert response.status_code == 422
    assert fields(response) == ["body.status"]
    assert position.status == PositionStatus.OPEN


def test_over_filling_a_position_is_422_and_writes_nothing(alice, district_a, staff_a):
    position = make_position(district_a)
    assign(position, staff_a, "0.60")
    other = StaffFactory(district=district_a, school=None)
    before = (Assignment.objects.count(), AuditEvent.objects.count())
    response = post(
        alice.client(),
        "/assignments",
        {"position_id": position.pk, "staff_id": other.pk, "begin_date": "2026-03-01",
         "fte": "0.60"},
    )  # fmt: skip
    assert response.status_code == 422
    assert fields(response) == ["body.fte"]
    assert (Assignment.objects.count(), AuditEvent.objects.count()) == before


def test_more_than_full_time_for_one_person_is_422_at_staff(alice, district_a, staff_a):
    assign(make_position(district_a, requisition="R-1"), staff_a, "0.60")
    second = make_position(district_a, requisition="R-2")
    response = post(
        alice.client(),
        "/assignments",
        {"position_id": second.pk, "staff_id": staff_a.pk, "begin_date": "2026-03-01",
         "fte": "0.60"},
    )  # fmt: skip
    assert response.status_code == 422
    assert fields(response) == ["body.staff"]
    assert Assignment.objects.count() == 1


def test_ending_before_the_begin_date_is_422_at_end_date(alice, district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    response = post(
        alice.client(),
        f"/assignments/{assignment.pk}/end",
        {"end_date": "2025-12-31", "reason": "other"},
    )
    assignment.refresh_from_db()
    assert response.status_code == 422
    assert fields(response) == ["body.end_date"]
    assert assignment.end_date is None


def test_an_unknown_end_reason_is_422(alice, district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    response = post(
        alice.client(),
        f"/assignments/{assignment.pk}/end",
        {"end_date": "2026-06-30", "reason": "abducted"},
    )
    assignment.refresh_from_db()
    assert response.status_code == 422
    assert any(f.endswith("reason") for f in fields(response))
    assert assignment.end_date is None


def test_ending_twice_is_422_and_keeps_the_first_end(alice, district_a, staff_a):
    assignment = assign(make_position(district_a), staff_a)
    client = alice.client()
    first = post(client, f"/assignments/{assignment.pk}/end",
                 {"end_date": "2026-06-30", "reason": "retired"})  # fmt: skip
    second = post(client, f"/assignments/{assignment.pk}/end",
                  {"end_date": "2026-07-31", "reason": "other"})  # fmt: skip
    assignment.refresh_from_db()
    assert first.status_code == 200 and second.status_code == 422
    assert assignment.end_date == dt.date(2026, 6, 30) and assignment.end_reason == "retired"


def _role_types(district):
    for i in range(5):
        make_role_type(district, name=f"Type {i}")


def _job_descriptions(district):
    role_type = make_role_type(district)
    for i in range(5):
        make_draft(district, f"Job {i}", role_type=role_type)


def _positions(district):
    version = make_published(district)
    for i in range(5):
        make_position(district, version, f"R-{i}")


def _assignments(district):
    version = make_published(district)
    for i in range(5):
        position = make_position(district, version, f"R-{i}")
        assign(position, StaffFactory(district=district, school=None))


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/role-types", _role_types),
        ("/job-descriptions", _job_descriptions),
        ("/positions", _positions),
        ("/assignments", _assignments),
    ],
)
def test_lists_paginate_with_items_and_count(alice, district_a, district_b, path, make):
    make(district_a)
    make(district_b)  # never counted for alice
    body = alice.client().get(f"{API}{path}", {"limit": 2, "offset": 4}).json()
    assert body["count"] == 5
    assert len(body["items"]) == 1


def test_position_list_filters_by_status_and_school(alice, district_a, school_a):
    version = make_published(district_a)
    make_position(district_a, version, "R-1", school=school_a)
    make_position(district_a, version, "R-2", status=PositionStatus.PLANNED)
    client = alice.client()
    opened = client.get(f"{API}/positions", {"status": "open"}).json()
    at_school = client.get(f"{API}/positions", {"school_id": school_a.pk}).json()
    assert [p["requisition_number"] for p in opened["items"]] == ["R-1"]
    assert [p["requisition_number"] for p in at_school["items"]] == ["R-1"]


def test_assignment_list_filters_current(alice, district_a, staff_a):
    position = make_position(district_a)
    old = assign(position, staff_a, begin=dt.date(2020, 1, 1))
    services.assignment_end(
        assignment=old, end_date=dt.date(2020, 6, 30), reason="leave", actor=None
    )
    now = assign(position, staff_a, begin=dt.date(2021, 1, 1))
    client = alice.client()
    current = client.get(f"{API}/assignments", {"current": "true"}).json()
    past = client.get(f"{API}/assignments", {"current": "false"}).json()
    assert [a["id"] for a in current["items"]] == [now.pk]
    assert [a["id"] for a in past["items"]] == [old.pk]


WRITES = [
    ("post", "/role-types", {"name": "X", "category": "administrative"}),
    ("post", "/job-descriptions", {"title": "X", "role_type_id": 1}),
    ("patch", "/job-descriptions/{job}/versions/1", {"summary": "X"}),
    ("post", "/job-descriptions/{job}/versions/1/publish", {}),
    ("post", "/positions", {"job_description_id": 1, "requisition_number": "R",
                            "school_year": YEAR}),
    ("post", "/positions/{position}/transitions", {"to": "closed"}),
    ("post", "/assignments", {"position_id": 1, "staff_id": 1, "begin_date": "2026-01-01"}),
    ("post", "/assignments/{assignment}/end", {"end_date": "2026-06-30", "reason": "other"}),
    ("post", "/role-types/{role_type}/retire", {}),
]  # fmt: skip


@pytest.fixture
def world(district_a, staff_a):
    draft = make_draft(district_a, "Draft job")
    position = make_position(district_a, requisition="R-1", fte="0.50")
    other = make_position(district_a, position.version, "R-2")
    return {
        "job": draft.job_description_id,
        "position": other.pk,
        "assignment": assign(position, staff_a).pk,
        "role_type": draft.job_description.role_type_id,
    }


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_teacher_gets_403_on_every_write(bob, world, method, path, body):
    client = bearer(bob)
    before = {m: m.objects.count() for m in (RoleType, JobDescription, Position, Assignment)}
    response = getattr(client, method)(
        API + path.format(**world), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert {m: m.objects.count() for m in before} == before
    assert not AuditEvent.objects.filter(actor=bob.user, action__startswith="roles.").exists()


def test_a_teacher_can_read(bob, world):
    client = bob.client()
    assert client.get(f"{API}/positions").status_code == 200
    assert client.get(f"{API}/job-descriptions/{world['job']}").status_code == 200
    assert client.get(f"{API}/assignments/{world['assignment']}").status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_anonymous_writes_are_401(world, method, path, body):
    response = getattr(Client(), method)(
        API + path.format(**world), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    ["/role-types", "/job-descriptions", "/positions", "/assignments", "/role-types/1",
     "/positions/1", "/assignments/1", "/job-descriptions/1/versions/1"],
)  # fmt: skip
def test_anonymous_reads_are_401(db, path):
    response = Client().get(API + path)
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_openapi_lists_the_roles_operations(db):
    response = Client().get(f"{API}/openapi.json")
    document = response.json()
    validate(document)
    tagged = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "roles" in operation.get("tags", [])
    }
    assert {
        ("get", f"{API}/role-types"),
        ("post", f"{API}/role-types"),
        ("post", f"{API}/job-descriptions"),
        ("patch", f"{API}/job-descriptions/{{job_id}}/versions/{{number}}"),
        ("post", f"{API}/job-descriptions/{{job_id}}/versions/{{number}}/reviews"),
        ("post", f"{API}/job-descriptions/{{job_id}}/versions/{{number}}/publish"),
        ("get", f"{API}/positions"),
        ("post", f"{API}/positions"),
        ("post", f"{API}/positions/{{position_id}}/transitions"),
        ("post", f"{API}/assignments"),
        ("post", f"{API}/assignments/{{assignment_id}}/end"),
    } <= tagged
    assert not any(p.startswith(f"{API}/staff") for _, p in tagged)
