"""Figure 6: parser robustness. Every importer and parser of uploaded or pasted input, fed
generated input by hypothesis (random bytes, and valid samples mutated: bytes flipped, inserted,
deleted, truncated, re-encoded, given byte-order marks, huge fields, odd quoting, odd cells, zips
with odd entries and odd headers), and the two biggest (the OneRoster roster reader and the class
report reader) by atheris, coverage-guided, in a bounded subprocess. Each input must parse or be
refused with the parser's own refusal (its problems, its ValidationError, its conflict): any
other exception is a miss. Runs are repeatable (``derandomize=True``; atheris with a fixed seed).

The roster and sheet writers run against the database (a district with a school, by the
factories); everything else is the parser alone. Memory is capped while the parsers run, so an
input that asks for unbounded memory is caught as a ``MemoryError`` rather than taking the
machine down."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from trellis.coaching import class_reports
from trellis.core.uploads import check_upload
from trellis.factories import DistrictFactory, SchoolFactory, StaffFactory
from trellis.hiring.data_tasks import standard_codes
from trellis.hiring.services import check_cv
from trellis.interop import oneroster, sheets
from trellis.interop.services import ZIP_MAGIC
from trellis.learning.forms_plans import StaffIdsField
from trellis.org.models import Staff
from trellis.org.roster import RosterConflict, apply_roster
from trellis.pay.services import parse_schedule_file
from trellis.planning.meeting_time import parse_windows
from trellis.rollout.forms.providers import StaffIdsByLineField, parse_criteria
from trellis.rollout.services.checklist import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES
from trellis.rollout.services.initiative import parse_pillars

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
ROSTERS = SRC / "trellis" / "interop" / "fixtures" / "oneroster"
REPORT_FILES = SRC / "trellis" / "coaching" / "tests" / "files"
LEA_ID = 3200130  # harbor-point's district
SCHOOL_ID = 3201102
ATHERIS_RUNS = 20_000
MEMORY_HEADROOM = 2 * 1024**3


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # a miss is recorded, not raised: no shrinking
        suppress_health_check=list(HealthCheck),
    )


# --- Valid samples -------------------------------------------------------------------------


def _roster(name: str, lines: int | None = None) -> dict[str, bytes]:
    files = {}
    for path in sorted((ROSTERS / name).glob("*.csv")):
        data = path.read_bytes()
        if lines is not None:
            data = b"".join(data.splitlines(keepends=True)[:lines])
        files[path.name] = data
    return files


def _small_roster() -> dict[str, bytes]:
    """harbor-point cut to eight users and their roles: small, and still a valid roster."""
    files = _roster("harbor-point")
    users = files["users.csv"].splitlines(keepends=True)[:9]
    kept = {line.split(b",", 1)[0] for line in users[1:]}
    roles = files["roles.csv"].splitlines(keepends=True)
    files["users.csv"] = b"".join(users)
    files["roles.csv"] = b"".join([roles[0], *(r for r in roles[1:] if r.split(b",")[3] in kept)])
    return files


ROSTER_SAMPLES = [_small_roster(), _roster("maple-valley-delta"), _roster("harbor-point")]
KNOWN_ORGS = {"lea-3200130", "sch-3201101", "sch-3201102", "sch-3201103"}
REPORT_SIMPLE = (REPORT_FILES / "class_simple.csv").read_bytes()
REPORT_RESULTS = (REPORT_FILES / "results.csv").read_bytes()
REPORT_ITEMS = (REPORT_FILES / "lineItems.csv").read_bytes()
STANDARD_CODES = sorted(
    set(
        re.findall(r"CCSS\.MATH\.CONTENT\.[0-9A-Z.]+[0-9]", (REPORT_SIMPLE + REPORT_ITEMS).decode())
    )
)
STANDARDS = {code.upper(): code for code in STANDARD_CODES}


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


STAFF_ROWS = [
    list(sheets.STAFF_SHEET.names),
    ["MV01", "Rosa", "Ibarra", "", "rosa@example.org", str(SCHOOL_ID), "teacher", "math",
     "2026-08-24", "4", "6", "masters"],
    ["MV02", "Ana", "Lo", "M", "", "", "", "", "", "", "", ""],
]  # fmt: skip
POSITION_ROWS = [
    list(sheets.POSITIONS_SHEET.names),
    ["REQ-1", "Instructional coach", str(SCHOOL_ID), "0.5", "2026-27", "open", "new", "x"],
]
PAY_ROWS = [["step", "BA", "MA"], ["1", "50000", "55000"], ["2", "$51,000", "56000.50"]]
SHEET_SAMPLES = {
    "staff": [_csv(STAFF_ROWS), sheets.template_csv(sheets.STAFF_SHEET).encode()],
    "positions": [_csv(POSITION_ROWS)],
}
SHEET_XLSX = {
    "staff": [_xlsx(STAFF_ROWS), sheets.template_xlsx(sheets.STAFF_SHEET)],
    "positions": [_xlsx(POSITION_ROWS)],
}
PAY_CSV = [_csv(PAY_ROWS)]
PAY_XLSX = [_xlsx([["step", "BA"], [1, 50000], [2, 51000.5]]), _xlsx(PAY_ROWS)]
DOCUMENTS = [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    ZIP_MAGIC + b"\x14\x00\x06\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"{\\rtf1\\ansi hello}",
    b"Rosa Ibarra\nTeacher\n",
]
PASTES = [
    "Student-centered | 3 | Puts students first\nEvidence | 2 | Research\n",
    "Equity: every student\n- Coherence: one plan\n",
    "Mon 15:30-17:00, Tue 7:15-8:00; thursday 15:00–16:30",
    "CCSS.MATH.CONTENT.4.NF.A.1\nCCSS.MATH.CONTENT.4.NF.A.2, 4.NBT.B.5",
    "S00001\nS00002, S00003",
]

# --- Strategies ----------------------------------------------------------------------------

ODD_BYTES = [
    b'"', b'""', b'"\n"', b"\r", b"\r\n", b"\n", b"\x00", b",", b";", b"\t", b"\\",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xff", b"\x80", b"\xed\xa0\x80", b"\xc3", "²".encode(),
    "١٢".encode(), "\u2028".encode(), "Ⅻ".encode(), b"NaN", b"Infinity", b"-0", b"1e999",
    b"tobedeleted", b"delta", b"absent", b"metadata.x", b"=cmd|'/c calc'!A1",
]  # fmt: skip
BIG_NUMBERS = [b"99999999999999999999", b"9" * 5000]
ODD_CELLS = [
    "", " ", "²", "¹²", "١٢٣", "Ⅻ", "𝟗", "-1", "0", "00", "1e6", "NaN", "-Infinity", "sNaN",
    "1_000", "0x10", "3.50", "4.0000000001", "99999999999", "9" * 5000, "2026-02-30",
    "2026-13-01T00:00:00Z", "2026-08-24T14:05:00+99:00", "9999-12-31", "0001-01-01",
    "tobedeleted", "active", "delta", "bulk", "absent", "school", "district", "teacher",
    "student", "primary", "true", "FALSE", "x" * 300, "a@b", "@", "S-01", "O'Neil",
    "CCSS.MATH.CONTENT.4.NF.A.1", "[{}]", '[{"learningObjectiveIds": [1, null, {}]}]', "null",
    "{}", '"', "\x00", "\u202e", "\ud7ff", "=1+1", "lea-3200130", "sch-3203101",
]  # fmt: skip
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"]
odd_text = st.one_of(st.sampled_from(ODD_CELLS), st.text(max_size=40))


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], numbers: bool = True) -> bytes:
    """A valid sample, then one to six byte-level changes."""
    data = bytearray(draw(st.sampled_from(seeds)))
    tokens = ODD_BYTES + (BIG_NUMBERS if numbers else [])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.integers(0, 9))
        if op == 0 and data:  # flip a bit
            at = min(at, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == 1:  # insert an odd token
            data[at:at] = draw(st.sampled_from(tokens))
        elif op == 2:  # insert random bytes
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == 3:  # delete a run
            del data[at : at + draw(st.integers(1, 40))]
        elif op == 4:  # truncate
            del data[at:]
        elif op == 5:  # a huge field
            size = draw(st.sampled_from([300, 5000, 140_000]))
            data[at:at] = draw(st.sampled_from([b'"', b""])) + b"x" * size
        elif op == 6:  # a byte-order mark
            data[0:0] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
        elif op == 7:  # another encoding
            text = bytes(data).decode("utf-8", "replace")
            data = bytearray(text.encode(draw(st.sampled_from(ENCODINGS)), "replace"))
        elif op == 8:  # duplicate a slice
            end = draw(st.integers(at, min(len(data), at + 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 50))
        else:  # odd quoting: a lone quote or a bare CR after a delimiter
            data[at:at] = draw(st.sampled_from([b',"', b'"x"y', b"\r", b'"\r\n"']))
    return bytes(data)


@st.composite
def cell_mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A valid CSV sample with one to four cells replaced: reaches the checks past the header."""
    rows = [
        list(r) for r in csv.reader(io.StringIO(draw(st.sampled_from(seeds)).decode(), newline=""))
    ]
    for _ in range(draw(st.integers(1, 4))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(odd_text)
    if draw(st.booleans()):
        rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))  # a duplicate row
    return _csv(rows)


def any_bytes(seeds: list[bytes], csv_like: bool = True, numbers: bool = True) -> Any:
    options = [st.binary(max_size=2000), mutated(seeds, numbers)]
    if csv_like:
        options.append(cell_mutated(seeds))
    return st.one_of(*options)


ODD_NAMES = [
    "../evil.csv", "/abs.csv", "a\\..\\..\\b.csv", "C:x.csv", "dir/", "__MACOSX/._results.csv",
    ".hidden.csv", "X.CSV", "nested/deep/manifest.csv", "manifest.csv", "results.csv",
    "lineItems.csv", "notes.txt", "é.csv", "",
]  # fmt: skip
COMPRESSIONS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


@st.composite
def zipped(draw: st.DrawFn, members: list[dict[str, bytes]]) -> bytes:
    """A zip of a sample's files (some mutated), odd entries, and perhaps odd header bytes."""
    files = dict(draw(st.sampled_from(members)))
    entries = []
    for name, data in files.items():
        if draw(st.integers(0, 3)) == 0:
            data = draw(mutated([data]))
        if draw(st.integers(0, 9)):
            entries.append((name, data))
    for _ in range(draw(st.integers(0, 3))):
        entries.append((draw(st.sampled_from(ODD_NAMES)), draw(st.binary(max_size=60))))
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the odd entries
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name or "noname", (2026, 1, 1, 0, 0, 0))
                info.compress_type = draw(st.sampled_from(COMPRESSIONS))
                archive.writestr(info, data)
    out = bytearray(buffer.getvalue())
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 3))
        found = re.finditer(rb"PK\x01\x02|PK\x03\x04", bytes(out))
        heads = [m.start() for m in found if m.start() + 12 < len(out)]
        if kind == 0 and heads:  # flags: encrypted, utf-8 names, data descriptor
            at = draw(st.sampled_from(heads))
            offset = 8 if out[at + 2] == 1 else 6
            out[at + offset] ^= draw(st.sampled_from([0x01, 0x08, 0x40]))
            if offset == 8:
                out[at + offset + 1] ^= 0x08
        elif kind == 1 and heads:  # compression method
            at = draw(st.sampled_from(heads))
            offset = 10 if out[at + 2] == 1 else 8
            out[at + offset] = draw(st.sampled_from([1, 6, 9, 12, 14, 98, 99]))
        elif kind == 2 and out:  # any byte
            at = draw(st.integers(0, len(out) - 1))
            out[at] = draw(st.integers(0, 255))
        elif kind == 3:  # truncated
            del out[draw(st.integers(0, len(out))) :]
    return bytes(out)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def roster_files(draw: st.DrawFn) -> dict[str, bytes]:
    files = dict(draw(st.sampled_from(ROSTER_SAMPLES[:2])))
    for name in draw(st.lists(st.sampled_from(sorted(files)), min_size=1, max_size=3, unique=True)):
        how = draw(st.integers(0, 3))
        if how == 0:
            files[name] = draw(mutated([files[name]]))
        elif how == 1:
            files[name] = draw(st.binary(max_size=300))
        elif how == 2 and draw(st.booleans()):
            del files[name]
        else:
            files[name] = draw(cell_mutated([files[name]]))
    return files


@st.composite
def report_uploads(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return [("class.csv", draw(any_bytes([REPORT_SIMPLE])))]
    if kind == 1:
        results = draw(any_bytes([REPORT_RESULTS]))
        items = draw(any_bytes([REPORT_ITEMS]))
        return [("results.csv", results), ("lineItems.csv", items)]
    if kind == 2:
        pair = {"results.csv": REPORT_RESULTS, "lineItems.csv": REPORT_ITEMS}
        return [("report.zip", draw(zipped([pair])))]
    count = draw(st.integers(1, 3))  # class_report_import refuses no file before reading
    return [(draw(st.sampled_from(ODD_NAMES)), draw(st.binary(max_size=300))) for _ in range(count)]


# --- The harness ---------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    call: Callable[[Any], object]
    refusals: tuple[type[BaseException], ...]


class Tally:
    def __init__(self) -> None:
        self.runs: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self.examples: dict[tuple[str, str], str] = {}  # (parser, exception) -> an input

    def attempt(self, target: Target, value: Any) -> None:
        self.runs[target.name] += 1
        try:
            target.call(value)
        except target.refusals:
            pass
        except Exception as error:  # any other exception is the miss we count
            self.misses[target.name] += 1
            key = (target.name, f"{type(error).__name__}: {str(error)[:120]}")
            self.examples.setdefault(key, repr(value)[:300])


def _fuzz(tally: Tally, target: Target, strategy: Any, examples: int) -> None:
    @_settings(examples)
    @given(strategy)
    def run(value: Any) -> None:
        tally.attempt(target, value)

    run()


@contextmanager
def _memory_cap() -> Iterator[None]:
    """Cap the address space a little above what the process uses now, then restore it."""
    status = Path("/proc/self/status").read_text()
    used = int(re.search(r"VmSize:\s+(\d+)", status).group(1)) * 1024  # type: ignore[union-attr]
    before = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (used + MEMORY_HEADROOM, before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, before)


# --- The parsers ---------------------------------------------------------------------------


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    """An upload as Django's own parser hands it over: a base name, never empty, "." or ".."
    (Django refuses those itself, before any of our code runs)."""
    name = PurePosixPath(name.replace("\\", "/")).name
    return SimpleUploadedFile(name if name not in {"", ".", ".."} else "upload", data)


def _targets(tmp: Path, district: Any) -> list[tuple[Target, Any, int, list[Any]]]:
    """Each parser, the input it is fed, how many generated examples, and fixed probes."""
    roster_zip = tmp / "roster.zip"

    def unpack(data: bytes) -> None:
        roster_zip.write_bytes(data)
        files, problems = oneroster.unpack(roster_zip, "roster.zip")
        if not problems:
            oneroster.read_roster(files)

    def read_roster(files: dict[str, bytes]) -> None:
        oneroster.read_roster(files, known_orgs=KNOWN_ORGS, known_users={"u-1"})

    def apply(files: dict[str, bytes]) -> None:
        roster, problems = oneroster.read_roster(files)
        if problems:
            return
        with transaction.atomic():
            apply_roster(district, mode=roster.mode, orgs=roster.orgs, users=roster.users,
                         roles=roster.roles, today=dt.date(2026, 9, 1))  # fmt: skip
            transaction.set_rollback(True)

    def read_table(name: str) -> Callable[[bytes], None]:
        def call(data: bytes) -> None:
            path = tmp / name
            path.write_bytes(data)
            sheets.read_table(path, name, oneroster.Problems())

        return call

    def import_sheet(kind: str, name: str) -> Callable[[bytes], None]:
        def call(data: bytes) -> None:
            path = tmp / name
            path.write_bytes(data)
            with transaction.atomic():
                sheets.import_sheet(district=district, kind=kind, path=path, name=name, actor=None)
                transaction.set_rollback(True)

        return call

    def reports(files: list[tuple[str, bytes]]) -> None:
        uploads = [_upload(name or "upload", data) for name, data in files]
        class_reports.read_files(uploads, standards=STANDARDS, scale_min=1, scale_max=4)

    def pay(name: str) -> Callable[[bytes], None]:
        return lambda data: parse_schedule_file(_upload(name, data))

    def uploads(value: tuple[str, bytes]) -> None:
        name, data = value
        check_cv(_upload(name, data))
        for types in ({"zip": ZIP_MAGIC}, {"csv": b"", "xlsx": ZIP_MAGIC}, EVIDENCE_TYPES):
            check_upload(_upload(name, data), field="file", label="The file", types=types,
                         max_bytes=EVIDENCE_MAX_BYTES)  # fmt: skip

    staff = Staff.objects.filter(district=district)
    ids_field = StaffIdsField(queryset=staff)
    lines_field = StaffIdsByLineField(queryset=staff)

    pasted = st.one_of(
        st.text(max_size=300),
        mutated([p.encode() for p in PASTES]).map(lambda b: b.decode("utf-8", "replace")),
        st.lists(odd_text, max_size=6).map(lambda cells: " | ".join(cells)),
        st.lists(odd_text, max_size=6).map(lambda cells: "\n".join(cells)),
    )
    upload_names = st.one_of(
        st.sampled_from(["cv.pdf", "cv.docx", "cv.doc", "cv.odt", "cv.rtf", "cv.txt", "CV.PDF",
                         "cv", "cv.", ".pdf", "a.b.docx", "cv.pdf.exe", "ü.txt", "r.zip",
                         "s.csv", "s.xlsx", "e.pptx", "x" * 300 + ".pdf"]),
        st.text(max_size=30),
    )  # fmt: skip
    refused = (ValidationError,)
    huge_step = _csv([["step", "BA"], ["1", "50000"], ["1000000000", "60000"]])
    huge_field = b'step,BA\n1,"' + b"x" * 140_000 + b'"\n'
    zip_flags = _zip({"manifest.csv": b"propertyName,value\n"})
    encrypted, method = bytearray(zip_flags), bytearray(zip_flags)
    central = zip_flags.find(b"PK\x01\x02")
    encrypted[6] |= 1
    encrypted[central + 8] |= 1
    method[8] = method[central + 10] = 99
    sup_roster = dict(ROSTER_SAMPLES[0])
    sup_roster["orgs.csv"] = sup_roster["orgs.csv"].replace(b",3203101,", ",²,".encode())
    sup_rows = [list(r) for r in STAFF_ROWS[:2]]
    sup_rows[1][9] = "²"
    return [
        (Target("oneroster.unpack+read_roster (zip)", unpack, ()),
         st.one_of(st.binary(max_size=2000), zipped(ROSTER_SAMPLES),
                   mutated([_zip(ROSTER_SAMPLES[0])])),
         300, [bytes(encrypted), bytes(method)]),
        (Target("oneroster.read_roster", read_roster, ()), roster_files(), 350, []),
        (Target("org.roster.apply_roster (db)", apply, (RosterConflict,)), roster_files(), 120,
         [sup_roster]),
        (Target("sheets.read_table (csv)", read_table("staff.csv"), ()),
         any_bytes(SHEET_SAMPLES["staff"] + SHEET_SAMPLES["positions"]), 300, [huge_field]),
        (Target("sheets.read_table (xlsx)", read_table("staff.xlsx"), ()),
         any_bytes(SHEET_XLSX["staff"], csv_like=False), 150, []),
        (Target("sheets.import_sheet staff (db)", import_sheet("staff", "staff.csv"),
                (sheets.SheetRejected,)),
         any_bytes(SHEET_SAMPLES["staff"]), 250, [_csv(sup_rows)]),
        (Target("sheets.import_sheet positions (db)", import_sheet("positions", "p.csv"),
                (sheets.SheetRejected,)),
         any_bytes(SHEET_SAMPLES["positions"]), 150, []),
        (Target("sheets.import_sheet staff xlsx (db)", import_sheet("staff", "staff.xlsx"),
                (sheets.SheetRejected,)),
         any_bytes(SHEET_XLSX["staff"], csv_like=False), 80, []),
        (Target("class_reports.read_files", reports, (class_reports.ReportFileError,)),
         report_uploads(), 600, []),
        (Target("pay.parse_schedule_file (csv)", pay("schedule.csv"), refused),
         any_bytes(PAY_CSV, numbers=False), 300, [huge_field, huge_step]),
        (Target("pay.parse_schedule_file (xlsx)", pay("schedule.xlsx"), refused),
         any_bytes(PAY_XLSX, csv_like=False, numbers=False), 120, []),
        (Target("core.uploads.check_upload (CV, roster, sheet, evidence)", uploads, refused),
         st.tuples(upload_names, st.one_of(st.binary(max_size=64), mutated(DOCUMENTS))), 300, []),
        (Target("rollout.parse_criteria (paste)", parse_criteria, refused), pasted, 250,
         ["Fit | ² | what it means"]),
        (Target("rollout.parse_pillars (paste)", parse_pillars, refused), pasted, 200, []),
        (Target("planning.parse_windows (paste)", parse_windows, (ValueError,)), pasted, 250, []),
        (Target("hiring.standard_codes (paste)", lambda t: standard_codes(t.splitlines()),
                refused), pasted, 200, []),
        (Target("staff ids, one a line (paste, db)", ids_field.clean, refused), pasted, 100, []),
        (Target("staff ids by line (paste, db)", lines_field.clean, refused), pasted, 100, []),
    ]  # fmt: skip


# --- Atheris -------------------------------------------------------------------------------

ATHERIS_HARNESS = textwrap.dedent(
    """
    import io, json, os, sys, zipfile
    from pathlib import Path, PurePosixPath

    import atheris

    with atheris.instrument_imports(include=["trellis"]):
        import django

        django.setup()
        from django.core.files.uploadedfile import SimpleUploadedFile
        from trellis.coaching import class_reports
        from trellis.interop import oneroster

    WHICH, OUT = sys.argv[1], Path(sys.argv[2])
    STANDARDS = json.loads(os.environ["FUZZ_STANDARDS"])
    ROSTER = OUT / "roster.zip"
    SPLIT = b"\\n==\\n"
    seen = set()

    def record(error, data):
        key = f"{type(error).__name__}: {str(error)[:120]}"
        if key not in seen and len(seen) < 20:
            seen.add(key)
            with (OUT / "misses.jsonl").open("a") as out:
                out.write(json.dumps({"error": key, "input": data.hex()}) + "\\n")
        with (OUT / "missed").open("a") as out:
            out.write("x")

    def roster(data):
        if not data:
            return
        body = data[1:]
        if data[0] & 1:
            ROSTER.write_bytes(body)
            files, problems = oneroster.unpack(ROSTER, "roster.zip")
            if problems:
                return
        else:
            names = ["manifest.csv", "orgs.csv", "users.csv", "roles.csv"]
            files = dict(zip(names, body.split(SPLIT)))
        oneroster.read_roster(files)

    def report(data):
        if not data:
            return
        body = data[1:]
        if data[0] % 3 == 0:
            uploads = [SimpleUploadedFile("class.csv", body)]
        elif data[0] % 3 == 1:
            parts = body.split(SPLIT, 1) + [b""]
            uploads = [SimpleUploadedFile("results.csv", parts[0]),
                       SimpleUploadedFile("lineItems.csv", parts[1])]
        else:
            uploads = [SimpleUploadedFile("report.zip", body)]
        try:
            class_reports.read_files(uploads, standards=STANDARDS, scale_min=1, scale_max=4)
        except class_reports.ReportFileError:
            pass

    TARGET = {"roster": roster, "report": report}[WHICH]

    def test_one(data):
        try:
            TARGET(data)
        except Exception as error:
            record(error, data)

    atheris.Setup([sys.argv[0], *sys.argv[3:]], test_one)
    atheris.Fuzz()
    """
)


def _atheris_corpus(which: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    split = b"\n==\n"
    if which == "roster":
        small = ROSTER_SAMPLES[0]
        order = ["manifest.csv", "orgs.csv", "users.csv", "roles.csv"]
        seeds = [b"\x00" + split.join(small.get(n, b"") for n in order), b"\x01" + _zip(small)]
    else:
        pair = {"results.csv": REPORT_RESULTS, "lineItems.csv": REPORT_ITEMS}
        seeds = [b"\x00" + REPORT_SIMPLE, b"\x01" + REPORT_RESULTS + split + REPORT_ITEMS,
                 b"\x02" + _zip(pair)]  # fmt: skip
    for number, seed in enumerate(seeds):
        (folder / f"seed{number}").write_bytes(seed)


def _atheris_start(tmp: Path) -> dict[str, tuple[subprocess.Popen[str], Path]] | str:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return "not installed"
    script = tmp / "atheris_harness.py"
    script.write_text(ATHERIS_HARNESS)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "trellis.config.settings"
        ),
        "FUZZ_STANDARDS": json.dumps(STANDARDS),
    }  # fmt: skip
    started = {}
    for which in ("roster", "report"):
        out = tmp / f"atheris-{which}"
        _atheris_corpus(which, out / "corpus")
        command = [sys.executable, str(script), which, str(out), f"-runs={ATHERIS_RUNS}",
                   "-seed=1", "-max_total_time=100", "-max_len=4096", "-print_final_stats=1",
                   str(out / "corpus")]  # fmt: skip
        log = (out / "log").open("w")
        started[which] = (
            subprocess.Popen(command, cwd=out, env=env, stdout=log, stderr=subprocess.STDOUT,
                             text=True),
            out,
        )  # fmt: skip
    return started


def _atheris_finish(
    started: dict[str, tuple[subprocess.Popen[str], Path]],
) -> tuple[dict[str, int], dict[str, int], list[str], list[str]]:
    runs, misses, examples, broken = {}, {}, [], []
    for which, (process, out) in started.items():
        try:
            code = process.wait(timeout=150)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        log = (out / "log").read_text(errors="replace")
        done = re.findall(r"Done (\d+) runs", log)
        runs[which] = int(done[-1]) if done else 0
        missed = out / "missed"
        misses[which] = len(missed.read_text()) if missed.exists() else 0
        if keep := os.environ.get("TRUST_PARSERS_KEEP"):  # to replay atheris's inputs
            Path(keep).mkdir(parents=True, exist_ok=True)
            for name in ("misses.jsonl", "log"):
                if (out / name).exists():
                    (Path(keep) / f"atheris-{which}-{name}").write_bytes((out / name).read_bytes())
        if (out / "misses.jsonl").exists():
            for line in (out / "misses.jsonl").read_text().splitlines():
                record = json.loads(line)
                examples.append(f"atheris {which}: {record['error']} on {record['input'][:600]}")
        if code != 0 or not done:
            broken.append(f"atheris {which} exited {code}: {log[-400:]}")
    return runs, misses, examples, broken


# --- The figure ----------------------------------------------------------------------------


def test_every_parser_parses_or_refuses_what_it_is_given(figure):
    district = DistrictFactory(lea_id=LEA_ID)
    SchoolFactory(district=district, school_id=SCHOOL_ID)
    for number in range(1, 4):
        StaffFactory(district=district, staff_unique_id=f"S{number:05d}")
    started_at = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        atheris_runs = _atheris_start(tmp)
        tally = Tally()
        seconds: dict[str, float] = {}
        targets = _targets(tmp, district)
        try:
            with _memory_cap():
                for target, strategy, examples, probes in targets:
                    for probe in probes:
                        tally.attempt(target, probe)
                    began = time.monotonic()
                    _fuzz(tally, target, strategy, examples)
                    seconds[target.name] = round(time.monotonic() - began, 1)
        except BaseException:
            for process, _ in (atheris_runs if isinstance(atheris_runs, dict) else {}).values():
                process.kill()
                process.wait()
            raise
        if isinstance(atheris_runs, str):
            atheris_status, a_runs, a_misses, a_examples, broken = atheris_runs, {}, {}, [], []
        else:
            a_runs, a_misses, a_examples, broken = _atheris_finish(atheris_runs)
            atheris_status = "ran" if not broken else "broken"
    hypothesis_runs = sum(tally.runs.values())
    total_runs = hypothesis_runs + sum(a_runs.values())
    misses = sum(tally.misses.values()) + sum(a_misses.values())
    missed = [f"{parser}: {error} on {value}" for (parser, error), value in tally.examples.items()]
    missed += a_examples
    ok = (
        misses == 0
        and atheris_status == "ran"
        and len(tally.runs) == len(targets)
        and hypothesis_runs >= 4000
        and all(n >= ATHERIS_RUNS for n in a_runs.values())
    )
    atheris_note = (
        f"atheris {sum(a_runs.values()):,} runs over the roster and class report readers"
        if atheris_status == "ran"
        else f"atheris {atheris_status}, not run"
    )
    by_parser = sorted(
        {name for name, _ in tally.examples} | {f"atheris {w}" for w in a_misses if a_misses[w]}
    )
    figure(
        "parsers",
        ok=ok,
        summary=f"{misses:,} uncaught exceptions in {total_runs:,} executions of "
        f"{len(targets)} parsers (hypothesis {hypothesis_runs:,}; {atheris_note})"
        + (f"; misses in {', '.join(by_parser)}" if by_parser else ""),
        executions=total_runs,
        hypothesis_executions=hypothesis_runs,
        atheris_executions=a_runs,
        atheris=atheris_status,
        per_parser=dict(tally.runs),
        uncaught=misses,
        uncaught_per_parser={**tally.misses, **{f"atheris {k}": v for k, v in a_misses.items()}},
        examples=missed[:30],
        atheris_problems=broken,
        seconds=round(time.monotonic() - started_at, 1),
        seconds_per_parser=seconds,
    )
    assert ok, "\n".join(missed[:30] + broken) or f"atheris {atheris_status}"
