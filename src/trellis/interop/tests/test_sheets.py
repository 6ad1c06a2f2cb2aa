"""Spreadsheet imports of staff and positions: templates, CSV and Excel, re-import, and bad rows
reported at their line and column with nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from trellis.interop import services
from trellis.interop.models import ImportKind, ImportRun, ImportStatus
from trellis.interop.sheets import POSITIONS_SHEET, STAFF_SHEET
from trellis.org.models import School, Staff, StaffClassification
from trellis.roles.models import Position
from trellis.roles.tests.test_services import make_published

pytestmark = pytest.mark.django_db

STAFF_HEADER = ",".join(STAFF_SHEET.names)


def run_sheet(district, kind: str, path: Path, user) -> ImportRun:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    run = services.import_start(district=district, upload=upload, actor=user, kind=kind)
    return services.run_import(run.pk)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def aspen(district_a) -> School:
    return School.objects.create(district=district_a, name="Aspen Elementary", school_id=3201101)


def test_templates_name_every_column(hana):
    client = hana.client()
    csv = client.get(reverse("interop:sheet-template", args=["staff", "csv"]))
    assert csv.content.decode().strip() == STAFF_HEADER
    xlsx = client.get(reverse("interop:sheet-template", args=["positions", "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in next(book.worksheets[0].iter_rows())] == list(POSITIONS_SHEET.names)
    guide = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert guide == list(POSITIONS_SHEET.names)
    assert client.get(reverse("interop:sheet-template", args=["pets", "csv"])).status_code == 404


def test_staff_sheet_creates_then_changes_nothing_then_updates(district_a, hana, aspen, tmp_path):
    rows = (
        "MV9001,Rosa,Ibarra,,rosa@mv.example.org,3201101,teacher,math,2026-08-24,4,6,masters\n"
        "MV9002,Lee,Chen,,,,District administrator,,,,,\n"
    )
    path = write(tmp_path, "staff.csv", STAFF_HEADER + "\n" + rows)
    run = run_sheet(district_a, ImportKind.STAFF, path, hana.user)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.counts["staff"] == {"created": 2, "updated": 0, "unchanged": 0, "ended": 0}
    rosa = Staff.objects.get(district=district_a, staff_unique_id="MV9001")
    assert rosa.school == aspen and rosa.years_prior_teaching == 4
    lee = Staff.objects.get(district=district_a, staff_unique_id="MV9002")
    assert lee.classification == StaffClassification.LEA_ADMINISTRATOR and lee.school is None

    again = run_sheet(district_a, ImportKind.STAFF, path, hana.user)
    assert again.counts["staff"]["unchanged"] == 2

    changed = write(tmp_path, "staff2.csv", STAFF_HEADER + "\n" + rows.replace(",4,6,", ",5,6,"))
    third = run_sheet(district_a, ImportKind.STAFF, changed, hana.user)
    assert third.counts["staff"]["updated"] == 1
    rosa.refresh_from_db()
    assert rosa.years_prior_teaching == 5


def test_staff_sheet_from_excel(district_a, hana, aspen, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["staff_id", "first_name", "last_name", "school_id", "hire_date"])
    import datetime as dt

    sheet.append(["MV9100", "Ana", "Ruiz", 3201101, dt.datetime(2025, 8, 20)])
    path = tmp_path / "staff.xlsx"
    book.save(path)
    run = run_sheet(district_a, ImportKind.STAFF, path, hana.user)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    ana = Staff.objects.get(staff_unique_id="MV9100")
    assert ana.school == aspen and ana.hire_date.isoformat() == "2025-08-20"


def test_bad_rows_are_all_reported_and_nothing_is_written(district_a, hana, aspen, tmp_path):
    Staff.objects.create(
        district=district_a,
        staff_unique_id="OLD1",
        first_name="O",
        last_name="Ld",
        email="taken@mv.example.org",
    )
    text = (
        STAFF_HEADER
        + "\n"
        + (
            "MV9001,Rosa,Ibarra,,,3201101,,,,,,\n"  # fine on its own
            "MV9002,,Chen,,,,,,,,,\n"  # no first name
            "MV9003,Kim,Park,,,9999999,,,,,,\n"  # unknown school
            "MV9004,Sam,Lee,,,,wizard,,2025-13-01,,,\n"  # bad classification and date
            "MV9001,Rosa,Again,,,,,,,,,\n"  # the same staff number twice
            "MV9005,Tia,Moss,,taken@mv.example.org,,,,,,,\n"  # an email someone has
            "MV9006,Al,Roe,,,,,,,99,,\n"  # more years than a career
        )
    )
    path = write(tmp_path, "staff.csv", text)
    run = run_sheet(district_a, ImportKind.STAFF, path, hana.user)
    assert run.status == ImportStatus.FAILED
    where = {(e["line"], e["column"]) for e in run.errors}
    assert where == {
        (3, "first_name"),
        (4, "school_id"),
        (5, "classification"),
        (5, "hire_date"),
        (6, "staff_id"),
        (7, "email"),
        (8, "years_prior_teaching"),
    }
    messages = {(e["line"], e["column"]): e["message"] for e in run.errors}
    assert messages[(4, "school_id")] == "no school in Maple Valley has the state id '9999999'."
    assert messages[(6, "staff_id")] == "'MV9001' is already on line 2; each appears once."
    assert not Staff.objects.filter(staff_unique_id__startswith="MV9").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("staff.csv", b"", "the file is empty; it needs at least its header row."),
        (
            "staff.csv",
            "staff_id,first_name,last_name\nA1,Zo\xe9,X\n".encode("latin-1"),
            "the file is not UTF-8 (byte 0xE9); save it as UTF-8 and upload it again.",
        ),
        (
            "staff.csv",
            b"staff_id,first_name\nA1,Zoe\n",
            "the header is missing 'last_name'. Start from the template.",
        ),
        (
            "staff.csv",
            b"staff_id,first_name,last_name,shoe_size\nA1,Zoe,X,9\n",
            "'shoe_size' is not a column of this sheet; the columns are "
            + ", ".join(STAFF_SHEET.names)
            + ".",
        ),
        (
            "staff.xlsx",
            b"PK\x03\x04 not really a workbook",
            "this is not a readable Excel workbook (.xlsx).",
        ),
    ],
)
def test_broken_files(district_a, hana, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    run = services.import_path(district=district_a, path=path)
    ImportRun.objects.filter(pk=run.pk).update(kind=ImportKind.STAFF, file_name=name)
    run = services.run_import(run.pk)
    assert run.status == ImportStatus.FAILED
    assert message in [e["message"] for e in run.errors]
    assert not Staff.objects.exists()


def test_positions_sheet(district_a, hana, aspen, tmp_path):
    make_published(district_a, title="Instructional coach")
    header = ",".join(POSITIONS_SHEET.names)
    path = write(
        tmp_path,
        "positions.csv",
        header + "\n"
        "REQ-1,Instructional coach,3201101,1.00,2026-27,open,new,Aspen's first coach\n"
        "REQ-2,instructional coach,,0.5,2026-27,,,\n",
    )
    run = run_sheet(district_a, ImportKind.POSITIONS, path, hana.user)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    first = Position.objects.get(district=district_a, requisition_number="REQ-1")
    assert first.school == aspen and first.status == "open"
    assert Position.objects.get(requisition_number="REQ-2").school is None

    bad = write(
        tmp_path,
        "bad.csv",
        header + "\n"
        "REQ-3,Data wizard,,1.00,2026-27,,,\n"
        "REQ-4,Instructional coach,,2.5,2026-27,,,\n"
        "REQ-5,Instructional coach,,1.00,26-27,,,\n"
        "REQ-1,Instructional coach,3201101,1.00,2026-27,planned,new,\n"
        "REQ-2,Instructional coach,3201101,0.5,2026-27,,,\n",
    )
    failed = run_sheet(district_a, ImportKind.POSITIONS, bad, hana.user)
    assert failed.status == ImportStatus.FAILED
    assert {(e["line"], e["column"]) for e in failed.errors} == {
        (2, "job_title"),
        (3, "fte"),
        (4, "school_year"),
        (5, "status"),
        (6, "school_id"),
    }
    assert Position.objects.filter(district=district_a).count() == 2


def test_sheet_upload_page(district_a, hana, aspen, tmp_path, django_capture_on_commit_callbacks):
    client = hana.client()
    upload = SimpleUploadedFile("staff.csv", (STAFF_HEADER + "\nMV1,A,B,,,,,,,,,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("interop:sheet-import", args=["staff"]), {"staff-file": upload}
        )
    assert response.status_code == 302
    assert ">1<" in client.get(response["Location"]).content.decode()
    wrong = SimpleUploadedFile("staff.pdf", b"%PDF-1.4")
    response = client.post(reverse("interop:sheet-import", args=["staff"]), {"staff-file": wrong})
    assert response.status_code == 400
    assert "Upload the sheet as .csv (UTF-8) or .xlsx" in response.content.decode()


def test_teachers_cannot_import_sheets(district_a, bob, tmp_path):
    upload = SimpleUploadedFile("staff.csv", (STAFF_HEADER + "\n").encode())
    response = bob.client().post(
        reverse("interop:sheet-import", args=["staff"]), {"staff-file": upload}
    )
    assert response.status_code in {403, 404}
    assert not ImportRun.objects.exists()
