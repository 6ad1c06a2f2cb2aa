"""Spreadsheet imports of staff and positions (CSV or Excel), with a template to fill in.

Every row goes through the same service a person's edit on the staff or position page goes
through, so a sheet is checked by the same rules, and each problem is named by its line and
column. The whole sheet is written in one transaction: one bad row and nothing is written.
Rows are matched on the district's staff number or requisition number, never on email.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook

from trellis.core.models import District, User
from trellis.core.numbers import is_whole
from trellis.interop.oneroster import MAX_REPORTED, Problems
from trellis.org import services as org_services
from trellis.org.models import (
    AcademicSubject,
    LevelOfEducation,
    School,
    Staff,
    StaffClassification,
)
from trellis.roles import services as roles_services
from trellis.roles.models import (
    JobDescriptionVersion,
    Position,
    PositionReason,
    PositionStatus,
    VersionStatus,
)

MAX_SHEET_BYTES = 10 * 1_048_576
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _choices(choices: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{value} ({label})" for value, label in choices)


STAFF_SHEET = Sheet(
    "staff",
    "Staff",
    (
        Column(
            "staff_id", True, "The district's own staff number; rows are matched on it.", "MV01234"
        ),
        Column("first_name", True, "Given name.", "Rosa"),
        Column("last_name", True, "Family name.", "Ibarra"),
        Column("middle_name", False, "Middle name.", ""),
        Column(
            "email",
            False,
            "Work email, unique in the district.",
            "rosa.ibarra@maple-valley.example.org",
        ),
        Column(
            "school_id",
            False,
            "The state school id of their main school; empty for the district office.",
            "3201102",
        ),
        Column(
            "classification",
            False,
            "One of: " + _choices(StaffClassification.choices) + ". Empty: teacher.",
            "teacher",
        ),
        Column("subject", False, "One of: " + _choices(AcademicSubject.choices) + ".", "math"),
        Column("hire_date", False, "YYYY-MM-DD.", "2026-08-24"),
        Column("years_prior_teaching", False, "Whole years, 0 to 60.", "4"),
        Column("years_prior_professional", False, "Whole years, 0 to 60.", "6"),
        Column(
            "highest_education",
            False,
            "One of: " + _choices(LevelOfEducation.choices) + ".",
            "masters",
        ),
    ),
)
POSITIONS_SHEET = Sheet(
    "positions",
    "Positions",
    (
        Column(
            "requisition_number",
            True,
            "The HR requisition number; rows are matched on it.",
            "REQ-2027-014",
        ),
        Column(
            "job_title",
            True,
            "The title of one of the district's published job descriptions.",
            "Instructional coach",
        ),
        Column(
            "school_id",
            False,
            "The state school id; empty for a district-office position.",
            "3201101",
        ),
        Column("fte", False, "Full-time equivalent, 0.05 to 1.00. Empty: 1.00.", "1.00"),
        Column("school_year", True, "For example 2026-27.", "2026-27"),
        Column("status", False, "A new position: planned or open. Empty: planned.", "open"),
        Column(
            "reason", False, "One of: " + _choices(PositionReason.choices) + ". Empty: new.", "new"
        ),
        Column("notes", False, "Anything HR should know.", ""),
    ),
)
SHEETS = {s.kind: s for s in (STAFF_SHEET, POSITIONS_SHEET)}


# -- Templates ---------------------------------------------------------------------------------


def template_csv(sheet: Sheet) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(sheet.names)
    return out.getvalue()


def template_xlsx(sheet: Sheet) -> bytes:
    """The header to fill in, and a second sheet saying what each column takes."""
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = sheet.title
    data.append(list(sheet.names))
    guide = book.create_sheet("How to fill it in")
    guide.append(["Column", "Required", "What goes in it", "Example"])
    for column in sheet.columns:
        guide.append([column.name, "yes" if column.required else "no", column.help, column.example])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- Reading ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(
    path: Path, name: str, problems: Problems
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and numbered rows of a CSV (UTF-8) or an Excel workbook's first sheet."""
    size = path.stat().st_size
    if size > MAX_SHEET_BYTES:
        problems.add(
            name,
            None,
            None,
            f"the file is {size / 1_048_576:.1f} MB; the limit is "
            f"{MAX_SHEET_BYTES // 1_048_576} MB.",
        )
        return [], []
    if size == 0:
        problems.add(name, None, None, "the file is empty; it needs at least its header row.")
        return [], []
    lower = name.lower()
    rows: list[tuple[int, list[str]]] = []
    if lower.endswith(".xlsx"):
        try:
            book = load_workbook(path, read_only=True, data_only=True)
            active = book.active
            assert active is not None
            for number, values in enumerate(active.iter_rows(values_only=True), start=1):
                rows.append((number, [_text(v) for v in values]))
            book.close()
        except Exception:  # openpyxl raises many kinds for a broken file
            problems.add(name, None, None, "this is not a readable Excel workbook (.xlsx).")
            return [], []
    elif lower.endswith(".csv"):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            problems.add(
                name,
                line,
                None,
                f"the file is not UTF-8 (byte "
                f"0x{data[error.start]:02X}); save it as UTF-8 and upload it again.",
            )
            return [], []
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            rows = [(reader.line_num, [c.strip() for c in row]) for row in reader]
        except csv.Error as error:
            problems.add(name, reader.line_num, None, f"the row could not be read ({error}).")
            return [], []
    else:
        problems.add(name, None, None, "upload a .csv or .xlsx file.")
        return [], []
    rows = [(n, r) for n, r in rows if any(r)]
    if not rows:
        problems.add(name, None, None, "the file is empty; it needs at least its header row.")
        return [], []
    header = [h.strip().lower() for h in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    return header, rows[1:]


def _check_header(sheet: Sheet, name: str, header: list[str], problems: Problems) -> bool:
    missing = [c.name for c in sheet.columns if c.required and c.name not in header]
    unknown = [h for h in header if h and h not in sheet.names]
    if missing:
        problems.add(
            name,
            1,
            None,
            "the header is missing "
            + ", ".join(repr(m) for m in missing)
            + ". Start from the template.",
        )
    for column in unknown:
        problems.add(
            name,
            1,
            column,
            f"{column!r} is not a column of this sheet; the columns "
            "are " + ", ".join(sheet.names) + ".",
        )
    duplicated = {h for h in header if h and header.count(h) > 1}
    for column in sorted(duplicated):
        problems.add(name, 1, column, f"{column!r} appears twice in the header.")
    return not (missing or unknown or duplicated)


# -- Writing ---------------------------------------------------------------------------------


class RowError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _date(value: str, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise RowError({column: f"{value!r} is not a date; write it as YYYY-MM-DD."}) from error


def _whole(value: str, column: str) -> int | None:
    if not value:
        return None
    if not is_whole(value):
        raise RowError({column: f"{value!r} is not a whole number of years."})
    return int(value)


def _choice(value: str, column: str, choices: Iterable[tuple[str, str]], default: str) -> str:
    if not value:
        return default
    for code, label in choices:
        if value.lower() in {code, label.lower()}:
            return code
    raise RowError({column: f"{value!r} is not one of: " + ", ".join(c for c, _ in choices) + "."})


class _Context:
    def __init__(self, district: District) -> None:
        self.district = district
        self.schools = {s.school_id: s for s in School.objects.filter(district=district)}

    def school(self, value: str, column: str = "school_id") -> School | None:
        if not value:
            return None
        if not is_whole(value) or int(value) not in self.schools:
            raise RowError(
                {column: f"no school in {self.district.name} has the state id {value!r}."}
            )
        return self.schools[int(value)]


_STAFF_FIELD_COLUMN = {
    "staff_unique_id": "staff_id",
    "school": "school_id",
    "academic_subject": "subject",
}


def _staff_row(ctx: _Context, row: Mapping[str, str], actor: User | None) -> str:
    data: dict[str, Any] = {
        "staff_unique_id": row.get("staff_id", ""),
        "first_name": row.get("first_name", ""),
        "last_name": row.get("last_name", ""),
    }
    optional: dict[str, Callable[[str], Any]] = {
        "middle_name": lambda v: v,
        "email": lambda v: v.lower(),
        "school_id": lambda v: ctx.school(v),
        "classification": lambda v: _choice(
            v, "classification", StaffClassification.choices, StaffClassification.TEACHER
        ),
        "subject": lambda v: _choice(v, "subject", AcademicSubject.choices, ""),
        "hire_date": lambda v: _date(v, "hire_date"),
        "years_prior_teaching": lambda v: _whole(v, "years_prior_teaching"),
        "years_prior_professional": lambda v: _whole(v, "years_prior_professional"),
        "highest_education": lambda v: _choice(
            v, "highest_education", LevelOfEducation.choices, ""
        ),
    }
    field_of = {"school_id": "school", "subject": "academic_subject"}
    errors: dict[str, str] = {}
    for column, convert in optional.items():
        if column not in row:
            continue
        try:
            data[field_of.get(column, column)] = convert(row[column])
        except RowError as error:
            errors.update(error.errors)
    if errors:
        raise RowError(errors)
    existing = Staff.objects.filter(
        district=ctx.district, staff_unique_id=data["staff_unique_id"]
    ).first()
    if existing is None:
        org_services.staff_create(district=ctx.district, data=data, actor=actor)  # type: ignore[arg-type]
        return "created"
    if all(getattr(existing, k) == v for k, v in data.items()):
        return "unchanged"
    org_services.staff_update(staff=existing, data=data, actor=actor)  # type: ignore[arg-type]
    return "updated"


_POSITION_FIELD_COLUMN = {"version": "job_title", "school": "school_id"}


def _position_row(ctx: _Context, row: Mapping[str, str], actor: User | None) -> str:
    errors: dict[str, str] = {}
    title = row.get("job_title", "")
    versions = JobDescriptionVersion.objects.filter(
        job_description__district=ctx.district,
        job_description__title__iexact=title,
        status=VersionStatus.PUBLISHED,
    ).order_by("-id")
    version = versions.first()
    if version is None:
        errors["job_title"] = (
            f"{ctx.district.name} has no published job description called {title!r}."
        )
    data: dict[str, Any] = {
        "requisition_number": row.get("requisition_number", ""),
        "school_year": row.get("school_year", ""),
    }
    try:
        data["school"] = ctx.school(row.get("school_id", ""))
    except RowError as error:
        errors.update(error.errors)
    fte = row.get("fte", "")
    if fte:
        try:
            data["fte"] = Decimal(fte)
        except InvalidOperation:
            errors["fte"] = f"{fte!r} is not a number; write it like 1.00 or 0.5."
    try:
        data["reason"] = _choice(
            row.get("reason", ""), "reason", PositionReason.choices, PositionReason.NEW
        )
        status = _choice(
            row.get("status", ""), "status", PositionStatus.choices, PositionStatus.PLANNED
        )
    except RowError as error:
        errors.update(error.errors)
        status = PositionStatus.PLANNED
    if "notes" in row:
        data["notes"] = row["notes"]
    if errors:
        raise RowError(errors)
    data["version"] = version
    existing = Position.objects.filter(
        district=ctx.district, requisition_number__iexact=data["requisition_number"]
    ).first()
    if existing is None:
        roles_services.position_create(district=ctx.district, data=data, actor=actor, status=status)
        return "created"
    if existing.school_id != (data["school"].pk if data["school"] else None):
        raise RowError(
            {
                "school_id": "a position keeps its school; close it and add a new "
                "requisition to move it."
            }
        )
    if existing.version.job_description_id != version.job_description_id:  # type: ignore[union-attr]
        raise RowError(
            {
                "job_title": "a position keeps its job description; close it and add a "
                "new requisition for another job."
            }
        )
    if status != existing.status:
        raise RowError(
            {
                "status": "change a position's status on its page; a sheet only adds "
                "positions and updates their details."
            }
        )
    editable = {k: v for k, v in data.items() if k in roles_services.POSITION_EDITABLE}
    if all(getattr(existing, k) == v for k, v in editable.items()):
        return "unchanged"
    roles_services.position_update(position=existing, data=editable, actor=actor)
    return "updated"


_ROW_WRITERS = {
    "staff": (_staff_row, _STAFF_FIELD_COLUMN),
    "positions": (_position_row, _POSITION_FIELD_COLUMN),
}


class SheetRejected(Exception):
    def __init__(self, problems: Problems) -> None:
        super().__init__(f"{problems.count} problems")
        self.problems = problems


def import_sheet(
    *, district: District, kind: str, path: Path, name: str, actor: User | None
) -> dict[str, dict[str, int]]:
    """Write every row or none: raises :class:`SheetRejected` with every problem found."""
    sheet = SHEETS[kind]
    problems = Problems()
    header, rows = read_table(path, name, problems)
    if problems or not _check_header(sheet, name, header, problems):
        raise SheetRejected(problems)
    if len(rows) > MAX_ROWS:
        problems.add(
            name,
            None,
            None,
            f"the sheet has {len(rows)} rows; import at most {MAX_ROWS} at a time.",
        )
        raise SheetRejected(problems)
    writer, field_column = _ROW_WRITERS[kind]
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    seen: dict[str, int] = {}
    key = sheet.columns[0].name
    with transaction.atomic():
        ctx = _Context(district)
        for line, values in rows:
            row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}
            for required in sheet.columns:
                if required.required and not row.get(required.name):
                    problems.add(name, line, required.name, f"{required.name} is required.")
            identity = row.get(key, "").lower()
            if identity in seen:
                problems.add(
                    name,
                    line,
                    key,
                    f"{row.get(key)!r} is already on line {seen[identity]}; each appears once.",
                )
                continue
            seen[identity] = line
            if any(c.required and not row.get(c.name) for c in sheet.columns):
                continue
            try:
                with transaction.atomic():  # a savepoint: the next rows are still checked
                    counts[writer(ctx, row, actor)] += 1
            except RowError as error:
                for where, message in error.errors.items():
                    problems.add(name, line, where, message)
            except ValidationError as error:
                for field, messages in _messages(error).items():
                    at = field_column.get(field, field) if field != "__all__" else None
                    for message in messages:
                        problems.add(name, line, at, message)
            if problems.count >= MAX_REPORTED:
                break
        if problems:
            raise SheetRejected(problems)  # leaving the block rolls every row back
    return {kind: {**counts, "ended": 0}}


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()}
    return {"__all__": list(error.messages)}
