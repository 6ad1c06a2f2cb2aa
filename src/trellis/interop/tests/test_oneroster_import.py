"""OneRoster 1.2 import: the sample set, a re-import that changes nothing, a delta, bulk ends,
and every kind of broken roster reported exactly with nothing written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import connection

from trellis.core.models import AuditEvent
from trellis.interop.models import ImportRun, ImportStatus
from trellis.interop.tests.rosters import (
    HARBOR,
    MAPLE,
    MAPLE_DELTA,
    MAPLE_LEA,
    import_now,
    make_zip,
)
from trellis.org.models import (
    Employment,
    School,
    SchoolAssignment,
    SeparationReason,
    Staff,
    StaffClassification,
)

pytestmark = pytest.mark.django_db

TABLES = ("org_school", "org_staff", "org_schoolassignment", "org_employment")


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of the roster tables, timestamps included."""
    result = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 — fixed names
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


@pytest.fixture
def maple(district_a):
    district_a.lea_id = MAPLE_LEA
    district_a.save()
    return district_a


@pytest.fixture
def imported(maple, alice):
    run = import_now(maple, MAPLE, alice.user)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    return run


def test_sample_set_imports_staff_only(imported, maple):
    counts = imported.counts
    assert counts["schools"] == {"created": 4, "updated": 0, "ended": 0, "unchanged": 0}
    assert counts["staff"]["created"] == 363
    assert counts["assignments"]["created"] == 363
    assert counts["ignored"] == {"users": 5, "roles": 5}
    assert imported.mode == "bulk"
    assert Staff.objects.filter(district=maple).count() == 363
    # Students and guardians are never stored, in any table.
    assert not Staff.objects.filter(sourced_id__startswith="stu-").exists()
    assert not Staff.objects.filter(sourced_id__startswith="gdn-").exists()
    assert not SchoolAssignment.objects.filter(sourced_id__contains="stu-").exists()
    principal = Staff.objects.get(district=maple, sourced_id="MV00091")
    assert principal.classification == StaffClassification.PRINCIPAL
    assert principal.school is not None and principal.school.name == "Birch Elementary"
    assert Employment.objects.filter(staff=principal, end_date__isnull=True).count() == 1
    event = AuditEvent.objects.get(action="interop.roster_imported")
    assert event.changes["staff.created"] == [None, 363]


def test_reimport_changes_nothing(imported, maple, alice):
    before = snapshot()
    again = import_now(maple, MAPLE, alice.user)
    assert again.status == ImportStatus.SUCCEEDED
    for kind in ("schools", "staff", "assignments"):
        figures = again.counts[kind]
        assert figures["created"] == figures["updated"] == figures["ended"] == 0, kind
    assert again.counts["staff"]["unchanged"] == 363
    assert snapshot() == before


def test_delta_adds_ends_and_moves(imported, maple, alice):
    run = import_now(maple, MAPLE_DELTA, alice.user)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.mode == "delta"
    assert run.counts["staff"]["created"] == 1
    assert run.counts["staff"]["ended"] == 1
    assert run.counts["ignored"]["users"] == 1  # the new student

    hired = Staff.objects.get(district=maple, sourced_id="MV09001")
    assert hired.school.name == "Birch Elementary" and hired.is_active
    assert hired.employments.get().hire_date.isoformat() == "2026-11-09"

    left = Staff.objects.get(district=maple, sourced_id="MV00094")
    assert not left.is_active  # ended, not erased
    employment = left.employments.get()
    assert employment.end_date is not None
    assert employment.separation_reason == SeparationReason.ROSTER_REMOVED
    assert not left.school_assignments.filter(end_date__isnull=True).exists()

    moved = Staff.objects.get(district=maple, sourced_id="MV00095")
    old = moved.school_assignments.get(sourced_id="role-MV00095")
    new = moved.school_assignments.get(sourced_id="role-MV00095-cw")
    assert old.end_date is not None and new.end_date is None
    assert new.school.name == "Cottonwood Elementary"
    assert moved.school.name == "Cottonwood Elementary"  # their main school follows the role
    assert run.counts["staff"]["updated"] == 1
    assert not Staff.objects.filter(sourced_id="stu-mv-1004").exists()

    before = snapshot()
    assert import_now(maple, MAPLE_DELTA, alice.user).status == ImportStatus.SUCCEEDED
    assert snapshot() == before  # the same delta twice changes nothing more


def _drop_lines(*starts: str):
    def rewrite(data: bytes) -> bytes:
        lines = data.decode().splitlines(keepends=True)
        return "".join(line for line in lines if not line.startswith(starts)).encode()

    return rewrite


def test_bulk_ends_who_it_no_longer_lists(imported, maple, alice, tmp_path):
    roster = make_zip(
        tmp_path / "r.zip",
        MAPLE,
        change={"users.csv": _drop_lines("MV00010,"), "roles.csv": _drop_lines("role-MV00010,")},
    )
    run = import_now(maple, roster, alice.user)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.counts["staff"]["ended"] == 1
    gone = Staff.objects.get(district=maple, sourced_id="MV00010")
    assert not gone.is_active
    assert gone.school_assignments.get().end_date is not None
    assert Staff.objects.filter(district=maple).count() == 363  # history kept


def test_matches_hand_entered_records_on_numbers_never_on_email(maple, alice, tmp_path):
    typed = School.objects.create(district=maple, name="Aspen Elementary", school_id=3201101)
    same_number = Staff.objects.create(
        district=maple, staff_unique_id="MV00003", first_name="S", last_name="P"
    )
    run = import_now(maple, MAPLE, alice.user)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    typed.refresh_from_db()
    same_number.refresh_from_db()
    assert typed.sourced_id == "sch-3201101"
    assert same_number.sourced_id == "MV00003" and same_number.first_name == "Shelly"
    assert run.counts["schools"]["updated"] == 1
    assert run.counts["staff"]["updated"] == 1


def test_email_alone_never_links_someone(maple, alice):
    # A hand-entered person with another number but the roster's email: the roster's person
    # is not merged into them; the clash is reported instead.
    Staff.objects.create(
        district=maple,
        staff_unique_id="HAND-1",
        first_name="Shelly",
        last_name="Payne",
        email="shelly.payne.3@maple-valley.example.org",
    )
    before = snapshot()
    run = import_now(maple, MAPLE, alice.user)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {
            "file": "users.csv",
            "line": 5,
            "column": "email",
            "message": "shelly.payne.3@maple-valley.example.org is already the email of "
            "Shelly Payne.",
        }
    ]
    assert snapshot() == before


def test_another_districts_roster_is_refused(maple, alice):
    before = snapshot()
    run = import_now(maple, HARBOR, alice.user)
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["file"] == "orgs.csv"
    assert run.errors[0]["line"] == 2
    assert "this roster is for LEA 3200130" in run.errors[0]["message"]
    assert snapshot() == before


def test_same_numbers_in_another_district_are_left_alone(maple, district_b, alice):
    other = Staff.objects.create(
        district=district_b,
        staff_unique_id="MV00003",
        sourced_id="MV00003",
        first_name="Zed",
        last_name="Other",
    )
    assert import_now(maple, MAPLE, alice.user).status == ImportStatus.SUCCEEDED
    other.refresh_from_db()
    assert other.first_name == "Zed" and other.district_id == district_b.pk


def _swap_first_columns(data: bytes) -> bytes:
    header, rest = data.split(b"\n", 1)
    cols = header.split(b",")
    cols[6], cols[7] = cols[7], cols[6]
    return b",".join(cols) + b"\n" + rest


def _replace(old: bytes, new: bytes):
    def rewrite(data: bytes) -> bytes:
        assert old in data
        return data.replace(old, new, 1)

    return rewrite


BROKEN = {
    "missing header column": (
        {"users.csv": _replace(b",givenName,familyName,", b",familyName,")},
        ("users.csv", 1, None, "the header is missing 'givenName'."),
    ),
    "shuffled header": (
        {"users.csv": _swap_first_columns},
        (
            "users.csv",
            1,
            "familyName",
            "the columns are out of order: column 7 should be 'givenName', not 'familyName'. "
            "OneRoster fixes the order of every column.",
        ),
    ),
    "duplicate sourcedId": (
        {"users.csv": _replace(b"\nMV00004,", b"\nMV00003,")},
        (
            "users.csv",
            6,
            "sourcedId",
            "'MV00003' is used again (first on line 5); each sourcedId is unique.",
        ),
    ),
    "role at an unknown org": (
        {
            "roles.csv": _replace(b"MV00003,primary,teacher,", b"MV00003,primary,teacher,")
            and _replace(
                b"role-MV00003,,,MV00003,primary,counselor,2020-08-02,,sch-3201101,",
                b"role-MV00003,,,MV00003,primary,counselor,2020-08-02,,sch-9999,",
            )
        },
        ("roles.csv", 5, "orgSourcedId", "'sch-9999' is not an org in orgs.csv."),
    ),
    "impossible date": (
        {
            "roles.csv": _replace(
                b"role-MV00003,,,MV00003,primary,counselor,2020-08-02,",
                b"role-MV00003,,,MV00003,primary,counselor,2025-13-01,",
            )
        },
        (
            "roles.csv",
            5,
            "beginDate",
            "'2025-13-01' is not a date; write it as YYYY-MM-DD, for example 2026-08-24.",
        ),
    ),
    "Latin-1 file": (
        {
            "users.csv": _replace(
                b",Shelly,Payne,", "Shélly".encode("latin-1").join([b",", b",Payne,"])
            )
        },
        (
            "users.csv",
            5,
            None,
            "the file is not UTF-8 (byte 0xE9); save it as UTF-8 and upload it again.",
        ),
    ),
    "empty file": (
        {"roles.csv": b""},
        ("roles.csv", None, None, "the file is empty; it needs at least its header row."),
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_roster_reports_exactly_and_writes_nothing(case, maple, alice, tmp_path):
    change, expected = BROKEN[case]
    roster = make_zip(tmp_path / "broken.zip", MAPLE, change=change)
    before = snapshot()
    events = AuditEvent.objects.filter(action="interop.roster_imported").count()
    run = import_now(maple, roster, alice.user)
    assert run.status == ImportStatus.FAILED
    file, line, column, message = expected
    assert {"file": file, "line": line, "column": column, "message": message} in run.errors
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="interop.roster_imported").count() == events


def test_broken_delta_over_an_import_changes_nothing(imported, maple, alice, tmp_path):
    roster = make_zip(
        tmp_path / "broken-delta.zip",
        MAPLE_DELTA,
        change={"roles.csv": _replace(b"2026-11-09,,sch-3201102", b"2026-11-31,,sch-3201102")},
    )
    before = snapshot()
    run = import_now(maple, roster, alice.user)
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["line"] == 2 and run.errors[0]["column"] == "beginDate"
    assert snapshot() == before


def test_every_problem_is_reported_at_once(maple, alice, tmp_path):
    roster = make_zip(
        tmp_path / "many.zip",
        MAPLE,
        change={
            "roles.csv": lambda d: d.replace(b",2025-08-01,", b",2025-02-30,"),
        },
    )
    run = import_now(maple, roster, alice.user)
    bad = MAPLE.joinpath("roles.csv").read_bytes().count(b",2025-08-01,")
    assert bad > 3
    assert run.error_count == bad
    assert {e["column"] for e in run.errors} == {"beginDate"}


def test_zip_with_a_path_outside_its_folder(maple, alice, tmp_path):
    roster = make_zip(tmp_path / "evil.zip", MAPLE, extra={"../../outside.csv": b"a,b\n1,2\n"})
    before = snapshot()
    run = import_now(maple, roster, alice.user)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {
            "file": "evil.zip",
            "line": None,
            "column": None,
            "message": "the zip holds '../../outside.csv', a path outside its folder; nothing "
            "was read from it.",
        }
    ]
    assert not (tmp_path.parent / "outside.csv").exists()
    assert snapshot() == before


def test_a_200_mb_file_is_refused_before_reading(maple, alice, tmp_path):
    huge = tmp_path / "huge.zip"
    with huge.open("wb") as out:
        out.write(b"PK\x03\x04")
        out.truncate(200 * 1_048_576)  # a sparse file: 200 MB on paper, nothing on disk
    run = import_now(maple, huge, alice.user)
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["message"] == "the file is 200.0 MB; the limit is 100 MB."
    assert not Staff.objects.exists()


def test_a_zip_that_unpacks_too_large_is_refused(maple, alice, tmp_path, monkeypatch):
    from trellis.interop import oneroster

    monkeypatch.setattr(oneroster, "MAX_UNPACKED_BYTES", 1000)
    run = import_now(maple, make_zip(tmp_path / "bomb.zip", MAPLE), alice.user)
    assert run.status == ImportStatus.FAILED
    assert "unpacks to" in run.errors[0]["message"]


def test_not_a_zip(maple, alice, tmp_path):
    path = tmp_path / "roster.zip"
    path.write_text("sourcedId,name\n")
    run = import_now(maple, path, alice.user)
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["message"].startswith("this is not a zip file.")


def test_a_run_is_taken_once(imported):
    from trellis.interop import services

    again = services.run_import(imported.pk)
    assert again.status == ImportStatus.SUCCEEDED
    assert ImportRun.objects.count() == 1


def test_bulk_status_must_be_empty_or_active(maple, alice, tmp_path):
    roster = make_zip(
        tmp_path / "r.zip", MAPLE, change={"users.csv": _replace(b"\nMV00003,,", b"\nMV00003,x,")}
    )
    run = import_now(maple, roster, alice.user)
    assert run.errors[0]["column"] == "status" and run.errors[0]["line"] == 5


def test_manifest_is_required(maple, alice, tmp_path):
    roster = tmp_path / "no-manifest.zip"
    import zipfile

    with zipfile.ZipFile(roster, "w") as archive:
        for name in ("orgs.csv", "users.csv", "roles.csv"):
            archive.write(MAPLE / name, name)
    run = import_now(maple, roster, alice.user)
    assert run.errors[0]["file"] == "manifest.csv"
    assert Path(MAPLE / "manifest.csv").exists()


def test_an_update_of_everyone_stamps_them_in_a_bounded_number_of_queries(
    imported, maple, alice, tmp_path, django_assert_max_num_queries
):
    stamp = Staff.objects.get(district=maple, sourced_id="MV00003").updated_at
    renamed = make_zip(
        tmp_path / "renamed.zip",
        MAPLE,
        change={"users.csv": lambda d: d.replace(b",true,", b",false,")},
    )
    with django_assert_max_num_queries(120):  # not one query per person: 363 people change
        run = import_now(maple, renamed, alice.user)
    assert run.counts["staff"]["ended"] == 363
    assert run.counts["assignments"]["ended"] == 363
    person = Staff.objects.get(district=maple, sourced_id="MV00003")
    assert not person.is_active and person.updated_at > stamp


def test_a_roster_never_coarsens_a_classification_hr_recorded(maple, alice):
    coordinator = Staff.objects.create(
        district=maple,
        staff_unique_id="MV00003",
        first_name="S",
        last_name="P",
        classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
    )
    coach = Staff.objects.create(
        district=maple,
        staff_unique_id="MV00005",
        first_name="J",
        last_name="J",
        classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
    )
    assert import_now(maple, MAPLE, alice.user).status == ImportStatus.SUCCEEDED
    coordinator.refresh_from_db()
    coach.refresh_from_db()
    assert coordinator.classification == StaffClassification.COUNSELOR
    assert coach.classification == StaffClassification.INSTRUCTIONAL_COORDINATOR
    role = coach.school_assignments.get()
    assert role.classification == StaffClassification.TEACHER  # new roles take the role's own


def test_trellis_own_oneroster_export_imports_back_unchanged(imported, maple, alice, tmp_path):
    from trellis.interop.oneroster_out import write_roster

    folder = tmp_path / "out"
    folder.mkdir()
    for name, text in write_roster(maple).items():
        (folder / name).write_text(text)
    before = snapshot()
    again = import_now(maple, folder, alice.user)
    assert again.status == ImportStatus.SUCCEEDED, again.errors
    assert again.counts["staff"] == {"created": 0, "updated": 0, "ended": 0, "unchanged": 363}
    assert snapshot() == before
