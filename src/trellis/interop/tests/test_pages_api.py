"""Data exchange through its pages and the API: upload, progress, summary, problems, exports,
who may do it, and tenancy; and a round trip from OneRoster in to Ed-Fi out."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.core.services import api_token_create
from trellis.interop.edfi.export import export_district
from trellis.interop.edfi.validation import validate
from trellis.interop.models import ImportRun, ImportStatus
from trellis.interop.tests.rosters import MAPLE, MAPLE_LEA, import_now, make_zip
from trellis.org.models import SchoolAssignment, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def maple(district_a):
    district_a.lea_id = MAPLE_LEA
    district_a.save()
    return district_a


def _upload(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/zip")


def test_upload_runs_and_shows_the_summary(
    maple, hana, tmp_path, django_capture_on_commit_callbacks
):
    roster = make_zip(tmp_path / "maple.zip", MAPLE)
    client = hana.client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("interop:home"), {"file": _upload(roster)})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interop:run", args=[run.public_id])
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.file_name == "maple.zip"
    page = client.get(response["Location"]).content.decode()
    assert "What the import changed" in page
    assert ">363<" in page  # staff created
    assert "5 students, guardians and other non-staff were skipped" in page
    listing = client.get(reverse("interop:home")).content.decode()
    assert "maple.zip" in listing and "Imported" in listing
    exported = client.get(reverse("interop:runs-export", args=["csv"]))
    csv = b"".join(exported.streaming_content).decode()
    assert "maple.zip" in csv and "Imported" in csv


def test_a_broken_roster_shows_every_problem_and_exports_them(
    maple, hana, tmp_path, django_capture_on_commit_callbacks
):
    roster = make_zip(
        tmp_path / "broken.zip",
        MAPLE,
        change={"roles.csv": lambda d: d.replace(b",2025-08-01,", b",2025-13-01,")},
    )
    client = hana.client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("interop:home"), {"file": _upload(roster)})
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"Nothing was imported: {run.error_count} problems found." in page
    assert "2025-13-01" in page
    exported = client.get(reverse("interop:run-errors-export", args=[run.public_id, "csv"]))
    lines = b"".join(exported.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "File,Line,Column,Problem"
    assert len(lines) == run.error_count + 1
    assert AuditEvent.objects.filter(action="interop.import_problems_exported").count() == 1
    assert not Staff.objects.exists()


def test_the_upload_field_refuses_what_is_not_a_zip(maple, hana):
    client = hana.client()
    text = SimpleUploadedFile("users.csv", b"sourcedId\n", content_type="text/csv")
    response = client.post(reverse("interop:home"), {"file": text})
    assert response.status_code == 400
    assert "Upload the roster as a .zip file" in response.content.decode()
    assert not ImportRun.objects.exists()
    fake = SimpleUploadedFile("roster.zip", b"not a zip at all", content_type="application/zip")
    response = client.post(reverse("interop:home"), {"file": fake})
    assert response.status_code == 400
    assert "does not look like a .zip file" in response.content.decode()


def test_progress_while_running_and_an_interrupted_run(maple, hana, tmp_path, settings):
    from trellis.interop import services

    run = services.import_path(district=maple, path=make_zip(tmp_path / "m.zip", MAPLE))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, worker_pid=None)
    services.write_progress(services.progress_path(run), "writing", 300, 1200)
    client = hana.client()
    url = reverse("interop:run", args=[run.public_id])
    part = client.get(url, {"part": "status"}).content.decode()
    assert 'value="25"' in part and "300 of 1200 rows" in part
    assert 'hx-trigger="every 1s"' in part
    # Its worker is gone and it has been quiet past the limit: it shows as interrupted.
    settings.TRELLIS_IMPORT_STALE_SECONDS = 0
    import os
    import time

    old = time.time() - 60
    os.utime(services.progress_path(run), (old, old))
    page = client.get(url).content.decode()
    assert "Nothing of it was written" in page
    run.refresh_from_db()
    assert run.status == ImportStatus.INTERRUPTED


def test_only_admins_and_hr_of_the_district(maple, alice, bob):
    run = import_now(maple, MAPLE, alice.user)
    persona = bob
    client = persona.client()
    assert client.get(reverse("interop:home")).status_code in {403, 404}
    detail = client.get(reverse("interop:run", args=[run.public_id]))
    assert detail.status_code in {403, 404}
    assert client.get(reverse("interop:edfi", args=["staffs"])).status_code in {403, 404}
    token = api_token_create(user=persona.user)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get(f"/api/v1/interop/imports/{run.public_id}").status_code in {403, 404}
    assert api.get("/api/v1/interop/edfi/staffs").status_code in {403, 404}


def test_another_districts_import_is_not_found_even_by_its_own_admin_elsewhere(
    maple, district_b, alice, charlie, tmp_path
):
    run = import_now(maple, MAPLE, alice.user)
    client = charlie.client()
    response = client.get(reverse("interop:run", args=[run.public_id]))
    assert response.status_code == 404
    assert "maple" not in client.get(reverse("interop:home")).content.decode().lower()
    api = Client(headers={"Authorization": f"Bearer {api_token_create(user=charlie.user)}"})
    assert api.get(f"/api/v1/interop/imports/{run.public_id}").status_code == 404
    assert api.get("/api/v1/interop/imports").json()["count"] == 0
    assert api.get("/api/v1/interop/edfi/staffs").json()["items"] == []


def test_api_import_then_read_it(maple, alice, tmp_path, django_capture_on_commit_callbacks):
    api = Client(headers={"Authorization": f"Bearer {api_token_create(user=alice.user)}"})
    roster = make_zip(tmp_path / "api.zip", MAPLE)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/interop/imports", {"file": _upload(roster)})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["file_name"] == "api.zip"
    detail = api.get(f"/api/v1/interop/imports/{body['id']}").json()
    assert detail["status"] == "succeeded"
    assert detail["counts"]["staff"]["created"] == 363
    assert detail["progress"]["percent"] == 100
    listing = api.get("/api/v1/interop/imports").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]
    bad = api.post(
        "/api/v1/interop/imports",
        {"file": SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")},
    )
    assert bad.status_code == 422
    assert "file" in json.dumps(bad.json())


def test_api_edfi_pages_and_bad_paging(maple, alice):
    import_now(maple, MAPLE, alice.user)
    api = Client(headers={"Authorization": f"Bearer {api_token_create(user=alice.user)}"})
    first = api.get("/api/v1/interop/edfi/staffs", {"limit": 100}).json()
    second = api.get("/api/v1/interop/edfi/staffs", {"limit": 100, "offset": 100}).json()
    assert len(first["items"]) == 100 and len(second["items"]) == 100
    ids = {d["staffUniqueId"] for d in first["items"]} | {
        d["staffUniqueId"] for d in second["items"]
    }
    assert len(ids) == 200
    assert api.get("/api/v1/interop/edfi/staffs", {"limit": 0}).status_code == 422
    assert AuditEvent.objects.filter(action="interop.edfi_exported").count() == 2
    assert api.get("/api/v1/interop/edfi/students").status_code == 404


def test_edfi_download_streams_valid_documents(maple, alice):
    import_now(maple, MAPLE, alice.user)
    response = alice.client().get(reverse("interop:edfi", args=["staffs"]))
    assert response.status_code == 200
    documents = json.loads(b"".join(response.streaming_content))
    assert len(documents) == 363
    assert all(validate("staffs", d) == [] for d in documents)
    event = AuditEvent.objects.get(action="interop.edfi_exported")
    assert event.actor == alice.user and event.changes == {"resource": [None, "staffs"]}


def test_round_trip_keeps_every_staff_member_and_assignment(maple, alice):
    run = import_now(maple, MAPLE, alice.user)
    assert run.status == ImportStatus.SUCCEEDED
    exported = export_district(maple)
    for resource, documents in exported.items():
        for document in documents:
            assert validate(resource, document) == [], (resource, document)

    roster_people = {
        line.split(",", 1)[0]
        for line in MAPLE.joinpath("users.csv").read_text().splitlines()[1:]
        if not line.startswith(("stu-", "gdn-"))
    }
    assert {d["staffUniqueId"] for d in exported["staffs"]} == roster_people

    school_ids = {s.pk: s.school_id for s in maple.schools.all()}
    expected = {
        (
            a.staff.staff_unique_id,
            school_ids.get(a.school_id, MAPLE_LEA),
            a.begin_date.isoformat(),
        )
        for a in SchoolAssignment.objects.filter(district=maple).select_related("staff")
    }
    assert len(expected) == 363
    got = {
        (
            d["staffReference"]["staffUniqueId"],
            d["educationOrganizationReference"]["educationOrganizationId"],
            d["beginDate"],
        )
        for d in exported["staffEducationOrganizationAssignmentAssociations"]
    }
    assert got == expected


def test_the_staff_page_shows_roster_roles_and_employment(maple, alice, tmp_path):
    import_now(maple, MAPLE, alice.user)
    from trellis.interop.tests.rosters import MAPLE_DELTA

    import_now(maple, MAPLE_DELTA, alice.user)
    moved = Staff.objects.get(district=maple, sourced_id="MV00095")
    page = alice.client().get(reverse("org:staff-detail", args=[moved.pk])).content.decode()
    assert "Roster id" in page and "MV00095" in page
    assert page.count("Birch Elementary") >= 1 and "Cottonwood Elementary" in page
    left = Staff.objects.get(district=maple, sourced_id="MV00094")
    page = alice.client().get(reverse("org:staff-detail", args=[left.pk])).content.decode()
    assert "Removed from the district roster" in page
