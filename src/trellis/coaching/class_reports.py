"""Class data reports: a class's mastery per standard, brought in from a file and read behind the
coaching wall.

A report belongs to a teacher. The teacher and their coach (an open coaching relationship) bring
one in; it is read by the teacher, that coach and the people the teacher shares it with, never
by the teacher's evaluator (``wall.is_evaluator``: the named supervisor and the principals of
the teacher's school), not even through a share made before they became the evaluator. Every
read goes through :func:`readable_reports`.

Two kinds of file are read, both UTF-8 CSV (a byte-order mark is fine), at most 5 MB each:

* **Simple CSV**, header ``student_code,standard,level``, one row per student and standard.
* **OneRoster 1.2 gradebook CSV**: ``results.csv`` with its ``lineItems.csv``, either in one zip
  or as the two files. Columns are found by name, so extra OneRoster columns (``metadata.*``,
  ``comment``, ``scoreDate``…) may come along. From ``results.csv`` we read
  ``lineItemSourcedId``, ``studentSourcedId`` (the student's code), ``score`` (the level) and,
  if present, ``status`` and ``scoreStatus``; from ``lineItems.csv``, ``sourcedId``, ``title``
  and whichever of the standard columns below it has.

How a line item becomes a standard (the first rule that applies):

1. a ``metadata.standard`` column (OneRoster's extension columns) holding the standard's code;
2. a ``learningObjectiveSet`` column, as the REST binding writes it
   (``[{"source": "CASE", "learningObjectiveIds": ["CCSS.MATH.CONTENT.4.NF.A.1"]}]``) or as
   plain codes separated by ``;``, ``,`` or spaces: exactly one must be a district standard;
3. the ``title``, whole or its first word (``CCSS.MATH.CONTENT.4.NF.A.1: equivalent
   fractions``), when it is a district standard's code.

A line item naming a code the district does not have is a problem at its line; a line item
naming no standard at all (homework, a quiz) is left out with its results, and the page says
how many. Results marked ``tobedeleted``, or whose ``scoreStatus`` is not ``fully graded`` (or
empty), are left out and counted. A score must be a whole number (``3`` or ``3.0``).

Checks, for both kinds, all reported at once with file, line and column, and nothing written
unless every row passes: the standard is one of the district's, the level is a whole number on
the report's scale, each student and standard appears once, and a student's code is a
pseudonymous code, never a name (see :func:`code_problem`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from trellis.coaching import heatmap, wall
from trellis.coaching.heatmap import Cell, Heatmap
from trellis.coaching.models import ClassReport, ClassResult, Relationship, ReportShare, Standard
from trellis.core.audit import audit_record
from trellis.core.models import District, Membership, User
from trellis.core.problems import Problem
from trellis.core.schoolyear import validate_school_year
from trellis.core.uploads import ZIP_READ_ERRORS
from trellis.org.models import Staff

MAX_FILE_BYTES = 5 * 1_048_576
MAX_STUDENTS = 500  # a class, or a teacher's whole load; more is the wrong file
MAX_STANDARDS = 100
MAX_SHOWN = 50  # problems listed in full; the count covers the rest
MAX_LEVEL = 100
MAX_CODE = 40

SIMPLE = "csv"
ONEROSTER = "oneroster"
SIMPLE_HEADER = ("student_code", "standard", "level")
RESULTS = "results.csv"
LINE_ITEMS = "lineItems.csv"
GRADED = {"", "fully graded"}
SCORE_STATUSES = {"exempt", "fully graded", "not submitted", "partially graded", "submitted"}

ZIP_HINT = "a spreadsheet must be saved as “CSV UTF-8” first."

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
# Words only (letters, with an apostrophe, hyphen or full stop inside a name): a name, not a code.
_WORDS = re.compile(r"^[^\W\d_]+(?:[.'’\- ][^\W\d_]+)*\.?$")
_CODE_LIKE_TITLE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+){2,}$")


# --- Problems ----------------------------------------------------------------------------------


class ReportFileError(ValidationError):
    """The file was refused; ``problems`` says where. Shown at the form's file field."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None) -> None:
        self.problems = list(problems)[:MAX_SHOWN]
        self.total = total if total is not None else len(problems)
        messages = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            messages.append(f"…and {self.total - len(self.problems)} more problems.")
        super().__init__({"file": messages})


@dataclass(frozen=True)
class ResultRow:
    student_code: str
    standard: str  # the district's code, as the district spells it
    level: int


@dataclass
class Parsed:
    source: str
    rows: list[ResultRow] = field(default_factory=list)
    skipped_results: int = 0  # not fully graded, or to be deleted
    skipped_items: int = 0  # line items that name no standard


def code_problem(value: str) -> str | None:
    """Why ``value`` is not a pseudonymous student code, or None if it is one.

    A code is letters, digits, ``-`` and ``_``, at least one digit, no spaces, at most 40
    characters (``S-0142``, ``4b_17``, a OneRoster sourcedId). Anything that looks like a name —
    a space, a comma, an ``@``, or only words — is refused as a name."""
    if not value:
        return "the student code is empty."
    if any(c in value for c in " ,@\t") or _WORDS.match(value):
        return (
            "this looks like a name. Class reports take pseudonymous student codes only, never "
            "names: replace it with the student's code (for example S-0142)."
        )
    if len(value) > MAX_CODE:
        return f"a student code can be at most {MAX_CODE} characters."
    if not _CODE.match(value) or not any(c.isdigit() for c in value):
        return (
            f"“{value}” is not a student code: use letters, digits, - and _ with at least one "
            "digit (codes only, never names)."
        )
    return None


class _Checker:
    """Checks rows one at a time against the district's standards and the report's scale."""

    def __init__(self, standards: dict[str, str], scale_min: int, scale_max: int) -> None:
        self.standards = standards  # upper-cased code → the code as the district spells it
        self.scale_min, self.scale_max = scale_min, scale_max
        self.seen: dict[tuple[str, str], int] = {}
        self.problems: list[Problem] = []
        self.total = 0
        self.rows: list[ResultRow] = []

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_SHOWN:
            self.problems.append(Problem(file, line, column, message))

    def standard(self, raw: str) -> str | None:
        return self.standards.get(raw.strip().upper())

    def level(self, raw: str) -> int | None:
        """A whole number (``3`` or ``3.0``), or None."""
        text = raw.strip()
        whole, _, fraction = text.partition(".")
        if not whole.lstrip("-").isdigit() or not whole.isascii() or fraction.strip("0"):
            return None
        return int(whole)

    def row(
        self, file: str, line: int, columns: tuple[str, str, str], values: tuple[str, str, str]
    ) -> None:
        code_col, standard_col, level_col = columns
        code, raw_standard, raw_level = (v.strip() for v in values)
        ok = True
        if problem := code_problem(code):
            self.add(file, line, code_col, problem)
            ok = False
        standard = self.standard(raw_standard)
        if standard is None:
            self.add(file, line, standard_col, self._unknown(raw_standard))
            ok = False
        level = self.level(raw_level)
        scale = f"{self.scale_min} to {self.scale_max}"
        if level is None:
            self.add(
                file, line, level_col, f"“{raw_level}” is not a whole number; levels are {scale}."
            )
            ok = False
        elif not self.scale_min <= level <= self.scale_max:
            self.add(
                file, line, level_col, f"level {level} is outside this report's scale, {scale}."
            )
            ok = False
        if not ok or standard is None or level is None:
            return
        first = self.seen.setdefault((code, standard), line)
        if first != line:
            self.add(
                file,
                line,
                None,
                f"{code} already has a level for {standard} (line {first}); "
                "give each student one level per standard.",
            )
            return
        self.rows.append(ResultRow(code, standard, level))

    @staticmethod
    def _unknown(raw: str) -> str:
        if not raw:
            return "the standard is empty."
        return f"“{raw}” is not one of the district's standards; check the code against the list."

    def finish(self, file: str) -> list[ResultRow]:
        if not self.total and not self.rows:
            self.add(file, None, None, "there are no results in the file.")
        students = {r.student_code for r in self.rows}
        if len(students) > MAX_STUDENTS:
            self.add(file, None, None, f"{len(students)} students; a report holds {MAX_STUDENTS}.")
        standards = {r.standard for r in self.rows}
        if len(standards) > MAX_STANDARDS:
            self.add(file, None, None, f"{len(standards)} standards; the limit is {MAX_STANDARDS}.")
        if self.total:
            raise ReportFileError(self.problems, self.total)
        return self.rows


# --- Reading files -------------------------------------------------------------------------


def _too_big(name: str, size: int) -> Problem:
    return Problem(
        name,
        None,
        None,
        f"the file is {size / 1_048_576:.1f} MB; the limit is {MAX_FILE_BYTES // 1_048_576} MB.",
    )


def _contents(upload: UploadedFile) -> tuple[str, bytes]:
    name = PurePosixPath(upload.name or "upload").name
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise ReportFileError([_too_big(name, upload.size or 0)])
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ReportFileError([_too_big(name, len(data))])
    return name, data


def _unzip(name: str, data: bytes) -> dict[str, tuple[str, bytes]]:
    """The CSV files in a zip by lower-cased base name, each checked against the size limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        found: dict[str, tuple[str, bytes]] = {}
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.suffix.lower() != ".csv" or "__MACOSX" in path.parts:
                continue
            if info.file_size > MAX_FILE_BYTES:
                raise ReportFileError([_too_big(f"{name}/{path.name}", info.file_size)])
            found[path.name.lower()] = (path.name, archive.read(info))
        return found
    except ZIP_READ_ERRORS as error:
        raise ReportFileError(
            [Problem(name, None, None, "the zip could not be opened; export it again.")]
        ) from error


def _text(name: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReportFileError(
            [
                Problem(
                    name,
                    line,
                    None,
                    "the file is not UTF-8 text. Save it as “CSV UTF-8” "
                    "from your spreadsheet program (or export it again) and try once more.",
                )
            ]
        ) from error
    if "\x00" in text:
        raise ReportFileError([Problem(name, None, None, "this is not a CSV file.")])
    if not text.strip():
        raise ReportFileError([Problem(name, None, None, "the file is empty.")])
    return text


def _rows(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on, skipping blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if any(cell.strip() for cell in row):
                yield start, row
    except csv.Error as error:
        raise ReportFileError(
            [Problem(name, line, None, f"this line is not valid CSV ({error}).")]
        ) from error


def _header(name: str, text: str) -> list[str]:
    for _, row in _rows(name, text):
        return [c.strip() for c in row]
    return []


def read_files(
    uploads: Sequence[UploadedFile], *, standards: dict[str, str], scale_min: int, scale_max: int
) -> Parsed:
    """Read and check a simple CSV, or OneRoster's results and line items (a zip or two files).
    Raises :class:`ReportFileError` with every problem found; touches no table."""
    files: list[tuple[str, bytes]] = [_contents(u) for u in uploads]
    if len(files) == 1 and zipfile.is_zipfile(io.BytesIO(files[0][1])):
        inside = _unzip(*files[0])
        missing = [n for n in (RESULTS, LINE_ITEMS) if n.lower() not in inside]
        if missing:
            raise ReportFileError(
                [
                    Problem(
                        files[0][0],
                        None,
                        None,
                        f"the zip has no {' or '.join(missing)}; {ZIP_HINT}",
                    )
                ]
            )
        files = [inside[RESULTS.lower()], inside[LINE_ITEMS.lower()]]
    texts = [(name, _text(name, data)) for name, data in files]
    checker = _Checker(standards, scale_min, scale_max)
    kinds = {name: _kind([h.lower() for h in _header(name, text)]) for name, text in texts}
    results = [(n, t) for n, t in texts if kinds[n] == "results"]
    items = [(n, t) for n, t in texts if kinds[n] == "line items"]
    simple = [(n, t) for n, t in texts if kinds[n] == SIMPLE]
    if len(texts) == 1 and simple:
        return Parsed(SIMPLE, _read_simple(*simple[0], checker))
    if len(results) == 1 and len(items) == 1 and len(texts) == 2:
        return _read_oneroster(results[0], items[0], checker)
    raise ReportFileError(_which_file_problems(texts, kinds))


def _kind(header: list[str]) -> str | None:
    if tuple(header) == SIMPLE_HEADER:
        return SIMPLE
    if {"lineitemsourcedid", "studentsourcedid"} <= set(header):
        return "results"
    if {"sourcedid", "title"} <= set(header):
        return "line items"
    return None


def _which_file_problems(
    texts: list[tuple[str, str]], kinds: dict[str, str | None]
) -> list[Problem]:
    problems = [
        Problem(
            name,
            1,
            None,
            "the header must be “student_code,standard,level”, or a OneRoster "
            f"results.csv or lineItems.csv header; found “{','.join(_header(name, text))[:120]}”.",
        )
        for name, text in texts
        if kinds[name] is None
    ]
    if problems:
        return problems
    found = sorted(k or "" for k in kinds.values())
    if "results" in found and "line items" not in found:
        message = "OneRoster results need their lineItems.csv too (upload both, or one zip)."
    elif "line items" in found and "results" not in found:
        message = "this is OneRoster's lineItems.csv; upload results.csv with it (or one zip)."
    else:
        message = "upload one simple CSV, or OneRoster's results.csv with its lineItems.csv."
    return [Problem(texts[0][0], None, None, message)]


def _read_simple(name: str, text: str, checker: _Checker) -> list[ResultRow]:
    rows = _rows(name, text)
    next(rows)  # the header, checked by _kind
    for line, row in rows:
        if len(row) != len(SIMPLE_HEADER):
            checker.add(name, line, None, f"expected 3 columns, found {len(row)}.")
            continue
        checker.row(name, line, SIMPLE_HEADER, (row[0], row[1], row[2]))
    return checker.finish(name)


def _columns(name: str, text: str, required: Iterable[str]) -> dict[str, int]:
    header = _header(name, text)
    index = {h.lower(): i for i, h in enumerate(header)}
    missing = [c for c in required if c.lower() not in index]
    if missing:
        raise ReportFileError(
            [
                Problem(name, 1, c, "this OneRoster column is missing from the header.")
                for c in missing
            ]
        )
    return index


def _cell(row: list[str], index: dict[str, int], column: str) -> str:
    at = index.get(column.lower())
    return row[at].strip() if at is not None and at < len(row) else ""


def _read_oneroster(results: tuple[str, str], items: tuple[str, str], checker: _Checker) -> Parsed:
    parsed = Parsed(ONEROSTER)
    standard_of = _line_item_standards(*items, checker, parsed)
    name, text = results
    index = _columns(name, text, ("lineItemSourcedId", "studentSourcedId", "score"))
    rows = _rows(name, text)
    next(rows)
    for line, row in rows:
        if _cell(row, index, "status").lower() == "tobedeleted":
            parsed.skipped_results += 1
            continue
        item = _cell(row, index, "lineItemSourcedId")
        if item not in standard_of:
            checker.add(name, line, "lineItemSourcedId", f"“{item}” is not in lineItems.csv.")
            continue
        status = _cell(row, index, "scoreStatus").lower()
        if status and status not in SCORE_STATUSES:
            checker.add(name, line, "scoreStatus", f"“{status}” is not a OneRoster score status.")
            continue
        standard = standard_of[item]
        if standard is None or status not in GRADED:
            parsed.skipped_results += 1
            continue
        checker.row(
            name,
            line,
            ("studentSourcedId", "lineItemSourcedId", "score"),
            (_cell(row, index, "studentSourcedId"), standard, _cell(row, index, "score")),
        )
    if not checker.rows and not checker.total:
        checker.add(
            name, None, None, "no fully graded result names one of the district's standards."
        )
    parsed.rows = checker.finish(name)
    return parsed


def _line_item_standards(
    name: str, text: str, checker: _Checker, parsed: Parsed
) -> dict[str, str | None]:
    """Each line item's standard code (None: it names no standard and is left out)."""
    index = _columns(name, text, ("sourcedId", "title"))
    found: dict[str, str | None] = {}
    rows = _rows(name, text)
    next(rows)
    for line, row in rows:
        sourced_id = _cell(row, index, "sourcedId")
        if not sourced_id or _cell(row, index, "status").lower() == "tobedeleted":
            continue
        column, named = _named_standard(row, index)
        if not named:
            found[sourced_id] = None
            parsed.skipped_items += 1
            continue
        known = [code for code in (checker.standard(n) for n in named) if code]
        if len(set(known)) == 1:
            found[sourced_id] = known[0]
        elif known:
            checker.add(
                name,
                line,
                column,
                "a line item must name one standard; this names "
                f"{len(set(known))} ({', '.join(sorted(set(known)))}).",
            )
        else:
            checker.add(name, line, column, checker._unknown(named[0]))
    return found


def _named_standard(row: list[str], index: dict[str, int]) -> tuple[str, list[str]]:
    """The column that names the line item's standard and the code(s) it names."""
    if value := _cell(row, index, "metadata.standard"):
        return "metadata.standard", [value]
    if value := _cell(row, index, "learningObjectiveSet"):
        return "learningObjectiveSet", _objective_ids(value)
    title = _cell(row, index, "title")
    words = title.split()
    first = words[0].rstrip(":—-–,;") if words else ""
    if title and _CODE_LIKE_TITLE.match(first):
        return "title", [first]
    return "title", []


def _objective_ids(value: str) -> list[str]:
    try:
        data: Any = json.loads(value)
    except ValueError:
        return [v for v in re.split(r"[;,\s|]+", value) if v]
    sets = data if isinstance(data, list) else [data]
    ids: list[str] = []
    for entry in sets:
        if isinstance(entry, dict):
            ids += [str(i) for i in entry.get("learningObjectiveIds") or []]
        elif isinstance(entry, str):
            ids.append(entry)
    return ids


# --- The wall --------------------------------------------------------------------------------


def _open_coachees(user: User, district_id: int) -> QuerySet[Relationship]:
    return Relationship.objects.filter(
        district_id=district_id, coach__user=user, end_date__isnull=True
    ).values("teacher_id")  # type: ignore[return-value]


def readable_reports(*, user: User, district: District | int) -> QuerySet[ClassReport]:
    """Class reports ``user`` may see: their own, their coachees' (open coaching) and those
    shared with them — never one of a teacher they evaluate. Every read goes through here."""
    if not user.is_authenticated or not user.is_active:
        return ClassReport.objects.none()
    district_id = district if isinstance(district, int) else district.pk
    own = Q(teacher__user=user)
    coached = Q(teacher_id__in=_open_coachees(user, district_id))
    shared = Q(pk__in=ReportShare.objects.filter(user=user).values("report_id"))
    return ClassReport.objects.filter(district_id=district_id).filter(
        own | ((coached | shared) & ~wall.evaluates(user, district_id))
    )


def is_report_teacher(user: User, report: ClassReport) -> bool:
    return report.teacher.user_id is not None and report.teacher.user_id == user.pk


def can_upload_for(user: User, teacher: Staff) -> bool:
    """The teacher themselves, or their coach in an open relationship who does not evaluate
    them."""
    if teacher.user_id is not None and teacher.user_id == user.pk:
        return True
    coaches = _open_coachees(user, teacher.district_id).filter(teacher_id=teacher.pk).exists()
    return coaches and not wall.is_evaluator(user, teacher)


def upload_teachers(*, user: User, district: District) -> list[Staff]:
    """The teachers ``user`` may bring a class report in for: themselves and their coachees."""
    candidates = Staff.objects.filter(district=district).filter(
        Q(user=user) | Q(pk__in=_open_coachees(user, district.pk))
    )
    return [
        s
        for s in candidates.select_related("school").order_by("last_name", "first_name", "pk")
        if s.user_id == user.pk or not wall.is_evaluator(user, s)
    ]


# --- Services (writes) -----------------------------------------------------------------------


def district_standards(district: District | int) -> dict[str, str]:
    district_id = district if isinstance(district, int) else district.pk
    codes = Standard.objects.filter(district_id=district_id).values_list("code", flat=True)
    return {code.upper(): code for code in codes}


def _report_fields(title: str, school_year: str, scale_min: int, scale_max: int) -> str:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the report a title (e.g. “Grade 4 math, unit 3”)."
    elif len(title) > 200:
        errors["title"] = "A title can be at most 200 characters."
    try:
        validate_school_year(school_year)
    except ValidationError:
        errors["school_year"] = "Choose a school year such as 2025-26."
    if not 0 <= scale_min < scale_max <= MAX_LEVEL:
        errors["scale_max"] = f"The top of the scale must be above the bottom (0 to {MAX_LEVEL})."
    if errors:
        raise ValidationError(errors)
    return title


@transaction.atomic
def class_report_create(
    *,
    district: District,
    teacher: Staff,
    title: str,
    school_year: str,
    rows: Sequence[ResultRow],
    scale_min: int = 1,
    scale_max: int = 4,
    source: str = SIMPLE,
    file_name: str = "",
    actor: User,
) -> ClassReport:
    """Store a checked class: the report and one result per student and standard. The audit
    event holds counts only, never a code or a level."""
    if teacher.district_id != district.pk or not can_upload_for(actor, teacher):
        raise PermissionDenied("Only the teacher or their coach can bring in a class report.")
    title = _report_fields(title, school_year, scale_min, scale_max)
    checker = _Checker(district_standards(district), scale_min, scale_max)
    for line, row in enumerate(rows, start=1):
        checker.row("rows", line, SIMPLE_HEADER, (row.student_code, row.standard, str(row.level)))
    checked = checker.finish("rows")
    report = ClassReport(
        district=district,
        teacher=teacher,
        title=title,
        school_year=school_year,
        scale_min=scale_min,
        scale_max=scale_max,
        source=source,
        file_name=file_name[:255],
        uploaded_by=actor,
    )
    report.full_clean()
    report.save()
    ids = dict(Standard.objects.filter(district=district).values_list("code", "pk"))
    ClassResult.objects.bulk_create(
        ClassResult(
            report=report, student_code=r.student_code, standard_id=ids[r.standard], level=r.level
        )
        for r in checked
    )
    audit_record(
        actor=actor,
        action="coaching.class_report_imported",
        target=report,
        changes={
            "source": [None, source],
            "results": [None, len(checked)],
            "students": [None, len({r.student_code for r in checked})],
            "standards": [None, len({r.standard for r in checked})],
        },
    )
    return report


@transaction.atomic
def class_report_import(
    *,
    district: District,
    teacher: Staff,
    title: str,
    school_year: str,
    files: Sequence[UploadedFile],
    scale_min: int = 1,
    scale_max: int = 4,
    actor: User,
) -> tuple[ClassReport, Parsed]:
    """Bring in a class from a simple CSV or OneRoster results (see the module's docstring):
    every row checked first, then all of it written, or nothing."""
    if teacher.district_id != district.pk or not can_upload_for(actor, teacher):
        raise PermissionDenied("Only the teacher or their coach can bring in a class report.")
    _report_fields(title, school_year, scale_min, scale_max)
    if not files:
        raise ReportFileError([Problem("file", None, None, "choose a file to import.")])
    parsed = read_files(
        files, standards=district_standards(district), scale_min=scale_min, scale_max=scale_max
    )
    report = class_report_create(
        district=district,
        teacher=teacher,
        title=title,
        school_year=school_year,
        rows=parsed.rows,
        scale_min=scale_min,
        scale_max=scale_max,
        source=parsed.source,
        file_name=", ".join(PurePosixPath(f.name or "").name for f in files),
        actor=actor,
    )
    return report, parsed


@transaction.atomic
def class_report_share(*, report: ClassReport, user: User, actor: User) -> ReportShare:
    """The teacher lets one more person see the report (a mentor, a grade-level colleague)."""
    if not is_report_teacher(actor, report):
        raise PermissionDenied("Only the teacher can share their class report.")
    if not Membership.objects.filter(user=user, district_id=report.district_id).exists():
        raise ValidationError({"user": "Share only with someone who works in this district."})
    if user.pk == actor.pk:
        raise ValidationError({"user": "This is your own report; you can already see it."})
    if wall.is_evaluator(user, report.teacher):
        who = user.get_full_name() or user.get_username()
        raise ValidationError(
            {"user": f"{who} evaluates you; class reports are never shared with an evaluator."}
        )
    share, made = ReportShare.objects.get_or_create(
        report=report, user=user, defaults={"granted_by": actor}
    )
    if not made:
        raise ValidationError({"user": "You already share this report with them."})
    audit_record(
        actor=actor,
        action="coaching.class_report_shared",
        target=report,
        changes={"shared_with": [None, user.get_username()]},
    )
    return share


@transaction.atomic
def class_report_unshare(*, share: ReportShare, actor: User) -> None:
    report = share.report
    if not is_report_teacher(actor, report):
        raise PermissionDenied("Only the teacher can stop sharing their class report.")
    username = share.user.get_username()
    share.delete()
    audit_record(
        actor=actor,
        action="coaching.class_report_unshared",
        target=report,
        changes={"shared_with": [username, None]},
    )


@transaction.atomic
def class_report_delete(*, report: ClassReport, actor: User) -> None:
    """The teacher, or whoever brought it in while they may still see it, removes a report."""
    uploader = report.uploaded_by_id == actor.pk and (
        readable_reports(user=actor, district=report.district_id).filter(pk=report.pk).exists()
    )
    if not (is_report_teacher(actor, report) or uploader):
        raise PermissionDenied("Only the teacher or whoever brought it in can delete it.")
    audit_record(actor=actor, action="coaching.class_report_deleted", target=report)
    report.delete()


# --- Selectors (reads) -----------------------------------------------------------------------


def record_report_access(user: User, report: ClassReport, exported: bool = False) -> None:
    """Every read of a class report leaves an access event (without its content)."""
    action = "coaching.class_report_exported" if exported else "coaching.class_report_viewed"
    audit_record(actor=user, action=action, target=report)


def report_list(*, user: User, district: District) -> QuerySet[ClassReport]:
    """The reports ``user`` may see, newest first, with their size."""
    return (
        readable_reports(user=user, district=district)
        .select_related("teacher", "uploaded_by")
        .annotate(
            students=Count("results__student_code", distinct=True),
            standards=Count("results__standard", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def report_readable(*, user: User, district: District, pk: int) -> ClassReport:
    """A report ``user`` may see, or 404 (never 403: no hint it exists)."""
    report = (
        readable_reports(user=user, district=district)
        .select_related("teacher", "teacher__school", "uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("No such class report.")
    return report


def share_of(*, report: ClassReport, pk: int) -> ReportShare:
    share = report.shares.select_related("user", "report__teacher").filter(pk=pk).first()
    if share is None:
        raise Http404("No such share.")
    return share


def standard_list(*, district: District, q: str = "") -> QuerySet[Standard]:
    qs = Standard.objects.filter(district=district).order_by("code", "pk")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(description__icontains=q))
    return qs


def report_heatmap(*, report: ClassReport) -> Heatmap:
    cells = (
        Cell(code, standard, level)
        for code, standard, level in ClassResult.objects.filter(report=report).values_list(
            "student_code", "standard__code", "level"
        )
    )
    return heatmap.build(cells, scale_min=report.scale_min, scale_max=report.scale_max)


def one_decimal(value: Fraction) -> str:
    """A mean for people: one decimal, halves rounded up (2.25 → 2.3), exactly."""
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    return f"{'-' if value < 0 else ''}{tenths // 10}.{tenths % 10}"


def percent(value: Fraction) -> str:
    return f"{math.floor(value * 100 + Fraction(1, 2))}%"


def band(level: int, scale_min: int, scale_max: int) -> int:
    """Which of four colour bands a level falls in (0 lowest … 3 highest)."""
    return min(3, (level - scale_min) * 4 // max(1, scale_max - scale_min))


@dataclass(frozen=True)
class HeatCell:
    standard: str
    level: int | None
    band: int | None


@dataclass(frozen=True)
class HeatRow:
    student: str
    cells: list[HeatCell]
    mean: str
    point: str  # "ahead", "behind" or ""


def heat_rows(heat: Heatmap, students: Iterable[str]) -> list[HeatRow]:
    """Rows of the heatmap for the given students (a page of them)."""
    rows = []
    for student in students:
        cells = []
        for standard in heat.standards:
            level = heat.level(student, standard)
            shade = None if level is None else band(level, heat.scale_min, heat.scale_max)
            cells.append(HeatCell(standard, level, shade))
        point = "ahead" if student in heat.ahead else "behind" if student in heat.behind else ""
        rows.append(HeatRow(student, cells, one_decimal(heat.student_mean[student]), point))
    return rows


def report_table(
    *, report: ClassReport, heat: Heatmap, table: str
) -> tuple[list[str], list[list[object]]]:
    """One of the report's tables, as the page shows it, for export."""
    if table == "heatmap":
        header = ["Student", *heat.standards, "Student mean"]
        rows: list[list[object]] = [
            [r.student, *(c.level for c in r.cells), r.mean] for r in heat_rows(heat, heat.students)
        ]
        rows.append(
            ["Class mean", *(one_decimal(heat.standard_mean[s]) for s in heat.standards), ""]
        )
        return header, rows
    if table == "standards":
        descriptions = dict(
            Standard.objects.filter(
                district_id=report.district_id, code__in=heat.standards
            ).values_list("code", "description")
        )
        header = [
            "Standard",
            "Description",
            "Class mean",
            f"At level {heat.proficient} or above",
            "Point",
        ]
        return header, [
            [
                s,
                descriptions.get(s, ""),
                one_decimal(heat.standard_mean[s]),
                percent(heat.standard_proficient[s]),
                _point(heat, s),
            ]
            for s in heat.standards
        ]
    return ["Student", "Standard", "Level", "Class mean on the standard"], [
        [g.student, g.standard, g.level, one_decimal(heat.standard_mean[g.standard])]
        for g in heat.gaps
    ]


def _point(heat: Heatmap, standard: str) -> str:
    if standard in heat.strongest:
        return "High point"
    return "Low point" if standard in heat.weakest else ""
