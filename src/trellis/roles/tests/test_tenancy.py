"""Roles and positions of district B do not exist for district A: pages, exports, API reads,
API body references and form choices alike. Who may change what inside a district."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from trellis.core.models import AuditEvent
from trellis.core.schoolyear import school_year_of
from trellis.org.models import School, Staff
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
    row_counts,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@dataclass
class World:
    role_type: RoleType
    version: JobDescriptionVersion  # published
    draft: JobDescriptionVersion
    position: Position  # open, half held
    assignment: Assignment
    staff: Staff
    school: School
    principal: Staff


def _world(district, school, staff, prefix: str) -> World:
    role_type = make_role_type(district, name=f"{prefix} coach type")
    version = make_published(district, f"{prefix} coach", role_type=role_type)
    draft = make_draft(district, f"{prefix} draft", role_type=role_type)
    position = make_position(district, version, f"{prefix}-1", school=school, fte="1.00")
    assignment = assign(position, staff, "0.50")
    principal = make_principal(district, school=school, last_name=f"{prefix}principal")
    return World(role_type, version, draft, position, assignment, staff, school, principal)


@pytest.fixture
def maple(district_a, school_a, staff_a) -> World:
    return _world(district_a, school_a, staff_a, "Maple")


@pytest.fixture
def cedar(district_b, school_b, staff_b) -> World:
    return _world(district_b, school_b, staff_b, "Cedar")


def _download(response) -> bytes:
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _csv_rows(response) -> list[list[str]]:
    text = _download(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(_download(response)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- Pages answer 404 for another district's records ----------------------------------------


def _cedar_pages(cedar: World) -> list[str]:
    job = cedar.version.job_description_id
    return [
        reverse("roles:position-detail", args=[cedar.position.pk]),
        reverse("roles:position-edit", args=[cedar.position.pk]),
        reverse("roles:jd-detail", args=[job]),
        reverse("roles:jd-compare", args=[job]),
        reverse("roles:version-detail", args=[job, 1]),
        reverse("roles:version-edit", args=[cedar.draft.job_description_id, 1]),
        reverse("roles:role-type-detail", args=[cedar.role_type.pk]),
        reverse("roles:role-type-edit", args=[cedar.role_type.pk]),
        reverse("roles:assignment-end", args=[cedar.assignment.pk]),
        reverse("roles:person", args=[cedar.staff.pk]),
        reverse("roles:person-export", args=[cedar.staff.pk, "csv"]),
    ]


def test_alice_gets_404_for_every_page_of_district_b(alice, maple, cedar):
    client = alice.client()
    answers = {url: client.get(url).status_code for url in _cedar_pages(cedar)}
    assert answers == dict.fromkeys(answers, 404)


def test_charlie_still_sees_his_own_pages(charlie, cedar):
    client = charlie.client()
    # (the job description's own address redirects to its current version)
    answers = {url: client.get(url, follow=True).status_code for url in _cedar_pages(cedar)}
    assert answers == dict.fromkeys(answers, 200)


def test_alice_cannot_change_district_b_by_posting(alice, maple, cedar):
    client = alice.client()
    job = cedar.draft.job_description_id
    before = row_counts()
    posts = {
        reverse("roles:version-action", args=[job, 1, "publish"]): {},
        reverse("roles:version-action", args=[job, 1, "review"]): {
            "reviewer": maple.principal.pk, "reviewer_role": "principal", "decision": "approved"
        },
        reverse("roles:version-edit", args=[job, 1]): {
            "summary": "Hacked", "level": "district", "commitment": "full_time"
        },
        reverse("roles:role-type-state", args=[cedar.role_type.pk, "retire"]): {},
        reverse("roles:role-type-state", args=[cedar.role_type.pk, "delete"]): {},
        reverse("roles:position-transition", args=[cedar.position.pk]): {"to": "closed"},
        reverse("roles:position-edit", args=[cedar.position.pk]): {
            "fte": "0.50", "school_year": YEAR, "reason": "new"
        },
        reverse("roles:assignment-create", args=[cedar.position.pk]): {
            "staff": maple.staff.pk, "begin_date": "2026-02-01", "fte": "0.50"
        },
        reverse("roles:assignment-end", args=[cedar.assignment.pk]): {
            "end_date": "2026-06-30", "end_reason": "other"
        },
    }  # fmt: skip
    answers = {url: client.post(url, data).status_code for url, data in posts.items()}
    assert answers == dict.fromkeys(answers, 404)
    assert row_counts() == before
    cedar.draft.refresh_from_db()
    cedar.position.refresh_from_db()
    cedar.role_type.refresh_from_db()
    assert cedar.draft.status == VersionStatus.DRAFT and cedar.draft.summary == ""
    assert cedar.position.status == PositionStatus.OPEN
    assert not cedar.role_type.is_retired
    assert Assignment.objects.get(pk=cedar.assignment.pk).end_date is None


# --- Lists and exports -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["roles:position-board", "roles:catalog", "roles:jd-list", "roles:org-chart"]
)
def test_lists_show_only_alices_district(alice, maple, cedar, url_name):
    body = alice.client().get(reverse(url_name)).content.decode()
    assert "Maple" in body
    assert "Cedar" not in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_position_export_has_only_alices_rows(alice, maple, cedar, fmt):
    response = alice.client().get(reverse("roles:position-export", args=[fmt]))
    rows = _csv_rows(response) if fmt == "csv" else _xlsx_rows(response)
    assert rows[0][0] == "requisition_number"
    assert [r[0] for r in rows[1:]] == ["Maple-1"]
    assert "Zimmerman" not in str(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("url_name", "mine", "theirs"),
    [
        ("roles:catalog-export", "Maple coach type", "Cedar coach type"),
        ("roles:jd-export", "Maple coach", "Cedar coach"),
        ("roles:figure-export", "Maple coach type", "Cedar coach type"),
    ],
)
def test_other_exports_have_only_alices_rows(alice, maple, cedar, fmt, url_name, mine, theirs):
    response = alice.client().get(reverse(url_name, args=[fmt]))
    rows = _csv_rows(response) if fmt == "csv" else _xlsx_rows(response)
    cells = {str(cell) for row in rows for cell in row}
    assert mine in cells
    assert not any(theirs in cell for cell in cells)


def test_person_export_has_only_their_history(alice, maple, cedar):
    rows = _csv_rows(
        alice.client().get(reverse("roles:person-export", args=[maple.staff.pk, "csv"]))
    )
    assert [r[0] for r in rows[1:]] == ["Maple-1"]


def test_position_board_school_filter_ignores_another_districts_school(alice, maple, cedar):
    response = alice.client().get(reverse("roles:position-board"), {"school": cedar.school.pk})
    assert response.status_code == 400
    assert "school" in response.context["form"].errors


# --- The API ---------------------------------------------------------------------------------


def test_api_reads_of_district_b_are_404(alice, maple, cedar):
    client = alice.client()
    job = cedar.version.job_description_id
    paths = [
        f"/positions/{cedar.position.pk}",
        f"/job-descriptions/{job}",
        f"/job-descriptions/{job}/versions/1",
        f"/role-types/{cedar.role_type.pk}",
        f"/assignments/{cedar.assignment.pk}",
    ]
    for path in paths:
        response = client.get(API + path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"


def test_api_writes_to_district_b_are_404_and_change_nothing(alice, maple, cedar):
    client = alice.client()
    job = cedar.draft.job_description_id
    before = row_counts()
    calls = [
        ("patch", f"/job-descriptions/{job}/versions/1", {"summary": "Hacked"}),
        ("post", f"/job-descriptions/{job}/versions/1/publish", {}),
        ("post", f"/job-descriptions/{cedar.version.job_description_id}/versions", {}),
        ("post", f"/positions/{cedar.position.pk}/transitions", {"to": "frozen"}),
        ("post", f"/assignments/{cedar.assignment.pk}/end",
         {"end_date": "2026-06-30", "reason": "other"}),
        ("post", f"/role-types/{cedar.role_type.pk}/retire", {}),
    ]  # fmt: skip
    for method, path, body in calls:
        response = getattr(client, method)(
            API + path, json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 404, path
    assert row_counts() == before


def test_api_lists_hold_only_alices_rows(alice, maple, cedar):
    client = alice.client()
    positions = client.get(f"{API}/positions").json()
    assignments = client.get(f"{API}/assignments").json()
    types = client.get(f"{API}/role-types").json()
    assert [p["requisition_number"] for p in positions["items"]] == ["Maple-1"]
    assert [a["id"] for a in assignments["items"]] == [maple.assignment.pk]
    assert [t["name"] for t in types["items"]] == ["Maple coach type"]


def _post(client: Client, path: str, body: dict):
    return client.post(API + path, json.dumps(body), content_type="application/json")


def test_api_body_references_to_district_b_are_422_not_success(alice, maple, cedar):
    client = alice.client()
    mine_job = maple.version.job_description_id
    before = row_counts()
    cases = [
        ("/job-descriptions", {"title": "New", "role_type_id": cedar.role_type.pk},
         "body.role_type_id"),
        ("/positions", {"job_description_id": cedar.version.job_description_id,
                        "requisition_number": "X-1", "school_year": YEAR},
         "body.job_description_id"),
        ("/positions", {"job_description_id": mine_job, "school_id": cedar.school.pk,
                        "requisition_number": "X-2", "school_year": YEAR},
         "body.school_id"),
        ("/assignments", {"position_id": cedar.position.pk, "staff_id": maple.staff.pk,
                          "begin_date": "2026-02-01", "fte": "0.10"},
         "body.position_id"),
        ("/assignments", {"position_id": maple.position.pk, "staff_id": cedar.staff.pk,
                          "begin_date": "2026-02-01", "fte": "0.10"},
         "body.staff_id"),
        (f"/job-descriptions/{maple.draft.job_description_id}/versions/1/reviews",
         {"reviewer_id": cedar.principal.pk, "reviewer_role": "principal",
          "decision": "approved"},
         "body.reviewer_id"),
    ]  # fmt: skip
    for path, body, field in cases:
        response = _post(client, path, body)
        assert response.status_code == 422, (path, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert row_counts() == before
    assert not JobDescriptionReview.objects.filter(reviewer=cedar.principal).exists()


@pytest.mark.parametrize(
    ("path", "param"),
    [("/positions", "school_id"), ("/assignments", "staff_id"), ("/assignments", "position_id")],
)
def test_api_list_filters_naming_district_b_are_422(alice, maple, cedar, path, param):
    value = {
        "school_id": cedar.school.pk,
        "staff_id": cedar.staff.pk,
        "position_id": cedar.position.pk,
    }[param]
    response = alice.client().get(API + path, {param: value})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [f"body.{param}"]


def test_naming_district_b_in_the_header_gives_no_access(alice, cedar):
    response = alice.client().get(f"{API}/positions", headers={"X-Trellis-District": "cedar"})
    assert response.status_code == 403


# --- Forms offer only the district's own choices ----------------------------------------------


def test_position_form_refuses_another_districts_version(alice, maple, cedar):
    response = alice.client().post(
        reverse("roles:position-create"),
        {"version": cedar.version.pk, "requisition_number": "X-1", "fte": "1.00",
         "school_year": school_year_of(timezone.localdate()), "reason": "new",
         "status": "open"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "version" in response.context["form"].errors
    assert not Position.objects.filter(requisition_number="X-1").exists()


def test_assignment_form_refuses_another_districts_staff(alice, maple, cedar):
    response = alice.client().post(
        reverse("roles:assignment-create", args=[maple.position.pk]),
        {"staff": cedar.staff.pk, "begin_date": "2026-02-01", "fte": "0.50"},
    )
    assert response.status_code == 400
    assert "staff" in response.context["assign_form"].errors
    assert Assignment.objects.filter(position=maple.position).count() == 1


def test_job_description_form_refuses_another_districts_role_type(alice, maple, cedar):
    response = alice.client().post(
        reverse("roles:jd-create"),
        {"role_type": cedar.role_type.pk, "title": "Sneaky", "level": "school",
         "commitment": "full_time"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "role_type" in response.context["head"].errors
    assert not JobDescription.objects.filter(title="Sneaky").exists()


def test_review_form_offers_only_the_districts_leaders(alice, maple, cedar):
    url = reverse("roles:version-detail", args=[maple.draft.job_description_id, 1])
    body = alice.client().get(url).content.decode()
    assert "Mapleprincipal" in body and "Cedarprincipal" not in body


# --- The consortium lead -----------------------------------------------------------------------


def test_consortium_lead_sees_the_role_map_in_districts(dana, maple, cedar):
    response = dana.client().get(reverse("roles:consortium-figure"))
    assert response.status_code == 200
    figure = response.context["figure"]
    assert figure.unit == "districts"
    own = [r for g in figure.groups for r in g.rows if r.label == "District's own roles"]
    # Both districts have one school-level position of their own type: 2 districts, not names.
    assert [r.counts for r in own] == [[0, 2, 0]]
    body = response.content.decode()
    assert "Alvarez" not in body and "Maple-1" not in body


@pytest.mark.parametrize(
    "url",
    [
        reverse("roles:catalog"),
        reverse("roles:position-board"),
        reverse("roles:jd-list"),
        reverse("roles:figure"),
        reverse("roles:org-chart"),
        reverse("roles:position-export", args=["csv"]),
    ],
)
def test_consortium_lead_cannot_open_district_pages(dana, maple, url):
    assert dana.client().get(url).status_code in {403, 404}


def test_consortium_lead_cannot_open_district_records(dana, maple):
    client = dana.client()
    urls = [
        reverse("roles:position-detail", args=[maple.position.pk]),
        reverse("roles:version-detail", args=[maple.version.job_description_id, 1]),
        reverse("roles:person", args=[maple.staff.pk]),
        reverse("roles:assignment-end", args=[maple.assignment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in {403, 404}, url
    assert client.get(f"{API}/positions").status_code == 403
    assert client.get(f"{API}/positions/{maple.position.pk}").status_code in {403, 404}


def test_a_district_admin_cannot_see_the_consortium_map(alice, maple):
    assert alice.client().get(reverse("roles:consortium-figure")).status_code == 403
    assert (
        alice.client().get(reverse("roles:consortium-figure-export", args=["csv"])).status_code
        == 403
    )


# --- A teacher only looks --------------------------------------------------------------------


def test_teacher_cannot_open_the_editing_pages(bob, maple):
    client = bob.client()
    job = maple.draft.job_description_id
    urls = [
        reverse("roles:jd-create"),
        reverse("roles:version-edit", args=[job, 1]),
        reverse("roles:position-create"),
        reverse("roles:position-edit", args=[maple.position.pk]),
        reverse("roles:role-type-create"),
        reverse("roles:assignment-end", args=[maple.assignment.pk]),
    ]
    answers = {url: client.get(url).status_code for url in urls}
    assert answers == dict.fromkeys(answers, 403)


def test_teacher_cannot_write_anything(bob, maple):
    client = bob.client()
    job = maple.draft.job_description_id
    sign = {"reviewer": maple.principal.pk, "reviewer_role": "principal", "decision": "approved"}
    posts = {
        reverse("roles:jd-create"): {
            "role_type": maple.role_type.pk, "title": "Bob's job", "level": "school",
            "commitment": "full_time"
        },
        reverse("roles:version-edit", args=[job, 1]): {
            "summary": "Bob was here", "level": "school", "commitment": "full_time"
        },
        reverse("roles:version-action", args=[job, 1, "review"]): sign,
        reverse("roles:version-action", args=[job, 1, "publish"]): {},
        reverse("roles:version-action", args=[maple.version.job_description_id, 1, "retire"]): {},
        reverse("roles:position-create"): {
            "version": maple.version.pk, "requisition_number": "B-1", "fte": "1.00",
            "school_year": YEAR, "reason": "new", "status": "open"
        },
        reverse("roles:position-transition", args=[maple.position.pk]): {"to": "closed"},
        reverse("roles:assignment-create", args=[maple.position.pk]): {
            "staff": maple.principal.pk, "begin_date": "2026-02-01", "fte": "0.50"
        },
        reverse("roles:assignment-end", args=[maple.assignment.pk]): {
            "end_date": "2026-06-30", "end_reason": "other"
        },
        reverse("roles:role-type-create"): {"name": "Bob type", "category": "administrative"},
        reverse("roles:catalog-seed"): {},
    }  # fmt: skip
    before = row_counts()
    answers = {url: client.post(url, data).status_code for url, data in posts.items()}
    assert answers == dict.fromkeys(answers, 403)
    assert row_counts() == before
    maple.draft.refresh_from_db()
    assert maple.draft.status == VersionStatus.DRAFT and maple.draft.summary == ""


def test_teacher_sees_the_board_but_no_edit_buttons(bob, maple):
    body = bob.client().get(reverse("roles:position-board")).content.decode()
    assert "Maple-1" in body
    assert reverse("roles:position-create") not in body
    assert reverse("roles:position-export", args=["csv"]) not in body


def test_teacher_cannot_export(bob, maple):
    assert bob.client().get(reverse("roles:position-export", args=["csv"])).status_code == 403
    assert not AuditEvent.objects.filter(action="roles.positions_exported").exists()


def test_hr_can_publish_through_the_page(hana, maple):
    services.review_record(
        version=maple.draft,
        reviewer=maple.principal,
        reviewer_role="principal",
        decision="approved",
        actor=None,
    )
    url = reverse("roles:version-action", args=[maple.draft.job_description_id, 1, "publish"])
    response = hana.client().post(url)
    maple.draft.refresh_from_db()
    assert response.status_code == 302
    assert maple.draft.status == VersionStatus.PUBLISHED and maple.draft.published_by == hana.user
