"""Reading and checking a OneRoster 1.2 CSV roster: the manifest, orgs, users and roles.

Nothing here touches the database. :func:`read_roster` turns a zip (or a folder) into checked
rows and a list of problems, every one named by file, line and column, all of them at once.
Students, guardians and their relatives are dropped as soon as their role is known and are
never kept in memory past the check, let alone stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from trellis.core.numbers import is_whole
from trellis.core.problems import Problem
from trellis.core.uploads import ZIP_READ_ERRORS
from trellis.org.roster import OrgRow, RoleRow, UserRow

# The limits of one roster: a zip (and what it unpacks to) and a single file.
MAX_ARCHIVE_BYTES = 100 * 1_048_576
MAX_UNPACKED_BYTES = 400 * 1_048_576
MAX_REPORTED = 500  # problems kept in full; the count covers the rest

MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
USERS = "users.csv"
ROLES = "roles.csv"

# OneRoster 1.2 column order for the files Trellis reads; other files may be present.
HEADERS: dict[str, tuple[str, ...]] = {
    ORGS: (
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ),
    USERS: (
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    ROLES: (
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    ORGS: ("sourcedId", "name", "type"),
    USERS: ("sourcedId", "enabledUser", "username", "givenName", "familyName"),
    ROLES: ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
}
ORG_TYPES = frozenset({"department", "school", "district", "local", "state", "national"})
STAFF_ROLES = frozenset(
    {
        "aide",
        "counselor",
        "districtAdministrator",
        "principal",
        "proctor",
        "siteAdministrator",
        "systemAdministrator",
        "teacher",
    }
)
NON_STAFF_ROLES = frozenset({"student", "parent", "guardian", "relative"})
ROLE_TYPES = frozenset({"primary", "secondary"})
STATUSES = frozenset({"active", "tobedeleted"})
MODES = frozenset({"bulk", "delta", "absent"})
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Roster:
    """The checked contents of one roster. ``modes`` says, per file, bulk, delta or absent."""

    modes: dict[str, str] = field(default_factory=dict)
    orgs: list[OrgRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)  # staff only
    roles: list[RoleRow] = field(default_factory=list)  # staff roles only
    ignored_users: int = 0  # students, guardians and relatives, counted and dropped
    ignored_roles: int = 0

    @property
    def mode(self) -> str:
        """delta when any file Trellis reads is a delta; bulk otherwise."""
        return "delta" if "delta" in {self.modes.get(f) for f in HEADERS} else "bulk"

    @property
    def rows(self) -> int:
        return len(self.orgs) + len(self.users) + len(self.roles)


class Problems:
    """Collects problems; keeps the first few hundred in full and counts the rest."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.count = 0

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if len(self.kept) < MAX_REPORTED:
            self.kept.append(Problem(file, line, column, message))

    def __bool__(self) -> bool:
        return self.count > 0


# -- Unpacking ---------------------------------------------------------------------------------


def unpack(path: Path, name: str = "") -> tuple[dict[str, bytes], Problems]:
    """The roster's files by name, from a zip or a folder, refusing anything unsafe. ``name``
    is what the person who uploaded it called it."""
    problems = Problems()
    name = name or path.name
    if path.is_dir():
        found = {
            p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.suffix.lower() == ".csv"
        }
        return found, problems
    size = path.stat().st_size
    if size > MAX_ARCHIVE_BYTES:
        problems.add(
            name,
            None,
            None,
            f"the file is {size / 1_048_576:.1f} MB; the limit is "
            f"{MAX_ARCHIVE_BYTES / 1_048_576:.0f} MB.",
        )
        return {}, problems
    if size == 0:
        problems.add(name, None, None, "the file is empty.")
        return {}, problems
    if not zipfile.is_zipfile(path):
        problems.add(
            name,
            None,
            None,
            "this is not a zip file. Upload the roster as one zip "
            "holding manifest.csv, orgs.csv, users.csv and roles.csv.",
        )
        return {}, problems
    files: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES:
                problems.add(
                    name,
                    None,
                    None,
                    f"the zip unpacks to {unpacked / 1_048_576:.0f} "
                    f"MB; the limit is {MAX_UNPACKED_BYTES / 1_048_576:.0f} MB.",
                )
                return {}, problems
            for member in members:
                inner = PurePosixPath(member.filename.replace("\\", "/"))
                if inner.is_absolute() or ".." in inner.parts or ":" in member.filename:
                    problems.add(
                        name,
                        None,
                        None,
                        f"the zip holds {member.filename!r}, a path "
                        "outside its folder; nothing was read from it.",
                    )
                    continue
                if inner.suffix.lower() != ".csv" or inner.name.startswith("."):
                    continue
                if inner.name in files:
                    problems.add(
                        name, None, None, f"the zip holds two files named {inner.name}; keep one."
                    )
                    continue
                files[inner.name] = archive.read(member)
    except ZIP_READ_ERRORS as error:
        problems.add(name, None, None, f"the zip could not be read ({error}).")
        return {}, problems
    if problems:
        return {}, problems
    return files, problems


# -- Reading one CSV ---------------------------------------------------------------------------


def _decode(file: str, data: bytes, problems: Problems) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.add(
            file,
            line,
            None,
            f"the file is not UTF-8 (byte 0x{data[error.start]:02X}"
            "); save it as UTF-8 and upload it again.",
        )
        return None
    return text.removeprefix("\ufeff")


def _table(
    file: str, data: bytes, problems: Problems
) -> tuple[list[str], Iterable[tuple[int, list[str]]]] | None:
    """The header and the numbered rows of one file, or None when it cannot be read."""
    if not data.strip():
        problems.add(file, None, None, "the file is empty; it needs at least its header row.")
        return None
    text = _decode(file, data, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (csv.Error, StopIteration) as error:
        problems.add(file, 1, None, f"the header row could not be read ({error}).")
        return None

    def rows() -> Iterable[tuple[int, list[str]]]:
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                yield reader.line_num, row
        except csv.Error as error:
            problems.add(file, reader.line_num, None, f"the row could not be read ({error}).")

    return header, rows()


def _check_header(file: str, header: list[str], problems: Problems) -> bool:
    expected = HEADERS[file]
    present = set(header)
    missing = [c for c in expected if c not in present]
    if missing:
        problems.add(
            file, 1, None, "the header is missing " + ", ".join(repr(c) for c in missing) + "."
        )
        return False
    for position, (found, wanted) in enumerate(zip(header, expected, strict=False), start=1):
        if found != wanted:
            problems.add(
                file,
                1,
                found,
                f"the columns are out of order: column {position} "
                f"should be {wanted!r}, not {found!r}. OneRoster fixes the order of "
                "every column.",
            )
            return False
    extra = [h for h in header[len(expected) :] if not h.startswith("metadata.")]
    if extra:
        problems.add(
            file,
            1,
            extra[0],
            f"{extra[0]!r} is not a OneRoster 1.2 column; "
            "extra columns must be named metadata.<something>.",
        )
        return False
    return True


def _date(file: str, line: int, column: str, value: str, problems: Problems) -> dt.date | None:
    if not value:
        return None
    if _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(
        file,
        line,
        column,
        f"{value!r} is not a date; write it as YYYY-MM-DD, for example 2026-08-24.",
    )
    return None


def _datetime_ok(value: str) -> bool:
    if not _DATETIME.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class _Rows:
    """The checks every OneRoster row shares: width, required fields, status, timestamp, and
    a sourcedId seen once."""

    def __init__(self, file: str, mode: str, problems: Problems) -> None:
        self.file, self.mode, self.problems = file, mode, problems
        self.columns = HEADERS[file]
        self.seen: dict[str, int] = {}

    def record(self, line: int, row: list[str]) -> dict[str, str] | None:
        file, problems = self.file, self.problems
        if len(row) < len(self.columns):
            problems.add(
                file,
                line,
                None,
                f"the row has {len(row)} fields; the header has {len(self.columns)}.",
            )
            return None
        values = {c: row[i].strip() for i, c in enumerate(self.columns)}
        ok = True
        status, stamp = values["status"], values["dateLastModified"]
        # A delta's tobedeleted row needs only its sourcedId, status and timestamp.
        required = ("sourcedId",) if status == "tobedeleted" else REQUIRED[file]
        for column in required:
            if not values[column]:
                problems.add(file, line, column, f"{column} is required.")
                ok = False
        if self.mode == "delta":
            if status not in STATUSES:
                problems.add(
                    file,
                    line,
                    "status",
                    f"a delta file needs status active or tobedeleted, not {status!r}.",
                )
                ok = False
            if not _datetime_ok(stamp):
                problems.add(
                    file,
                    line,
                    "dateLastModified",
                    "a delta file needs "
                    "dateLastModified as an ISO 8601 date and time, for example "
                    f"2026-08-24T14:05:00.000Z, not {stamp!r}.",
                )
                ok = False
        elif status and status != "active":
            problems.add(
                file,
                line,
                "status",
                f"a bulk file cannot say {status!r}: it lists "
                "what exists, so leave status empty or write active.",
            )
            ok = False
        elif stamp and not _datetime_ok(stamp):
            problems.add(
                file,
                line,
                "dateLastModified",
                f"{stamp!r} is not an ISO 8601 date "
                "and time, for example 2026-08-24T14:05:00.000Z.",
            )
            ok = False
        sourced_id = values["sourcedId"]
        if sourced_id:
            if sourced_id in self.seen:
                problems.add(
                    file,
                    line,
                    "sourcedId",
                    f"{sourced_id!r} is used again (first "
                    f"on line {self.seen[sourced_id]}); each sourcedId is unique.",
                )
                ok = False
            else:
                self.seen[sourced_id] = line
            if len(sourced_id) > 255:
                problems.add(file, line, "sourcedId", "sourcedId is longer than 255 characters.")
                ok = False
        values["status"] = status or "active"
        return values if ok else None


# -- The roster --------------------------------------------------------------------------------


def _manifest(files: Mapping[str, bytes], problems: Problems) -> dict[str, str]:
    if MANIFEST not in files:
        problems.add(
            MANIFEST,
            None,
            None,
            "the roster has no manifest.csv; OneRoster 1.2 "
            "needs one naming each file bulk, delta or absent.",
        )
        return {}
    table = _table(MANIFEST, files[MANIFEST], problems)
    if table is None:
        return {}
    header, rows = table
    if header[:2] != ["propertyName", "value"]:
        problems.add(MANIFEST, 1, None, "the header must be propertyName,value.")
        return {}
    properties: dict[str, str] = {}
    for line, row in rows:
        if len(row) < 2:
            problems.add(MANIFEST, line, None, "each row needs a propertyName and a value.")
            continue
        properties[row[0].strip()] = row[1].strip()
    version = properties.get("oneroster.version", "")
    if version != "1.2":
        problems.add(
            MANIFEST,
            None,
            "oneroster.version",
            f"Trellis reads OneRoster 1.2; this roster says {version or 'nothing'!r}.",
        )
    modes: dict[str, str] = {}
    for file in HEADERS:
        key = f"file.{file.removesuffix('.csv')}"
        mode = properties.get(key, "")
        if mode not in MODES:
            problems.add(
                MANIFEST,
                None,
                key,
                f"{key} must be bulk, delta or absent, not {mode or 'empty'!r}.",
            )
            continue
        modes[file] = mode
        if mode != "absent" and file not in files:
            problems.add(
                file, None, None, f"the manifest says {mode}, but the roster has no {file}."
            )
    if modes and {modes.get(f) for f in HEADERS} >= {"bulk", "delta"}:
        problems.add(
            MANIFEST,
            None,
            None,
            "orgs, users and roles must all be bulk or all be delta (absent is fine in a delta).",
        )
    if modes.get(ORGS) == "absent" and modes.get(USERS) == "bulk":
        problems.add(MANIFEST, None, "file.orgs", "a bulk roster needs orgs.csv.")
    return modes


def read_roster(
    files: Mapping[str, bytes],
    *,
    known_orgs: Iterable[str] = (),
    known_users: Iterable[str] = (),
) -> tuple[Roster, Problems]:
    """Check every file and return the staff part of the roster. ``known_*`` are the sourcedIds
    already in the district, which a delta may refer to without repeating them."""
    problems = Problems()
    roster = Roster()
    roster.modes = _manifest(files, problems)
    if problems:
        return roster, problems

    org_types: dict[str, str] = {}
    if roster.modes[ORGS] != "absent":
        _read_orgs(files[ORGS], roster, org_types, problems)
    users: dict[str, UserRow] = {}
    if roster.modes[USERS] != "absent":
        _read_users(files[USERS], roster, users, problems)
    roles: list[RoleRow] = []
    if roster.modes[ROLES] != "absent":
        _read_roles(files[ROLES], roster, roles, problems)
    if problems:
        return roster, problems

    delta = roster.mode == "delta"
    orgs_known = set(org_types) | (set(known_orgs) if delta else set())
    users_known = set(users) | (set(known_users) if delta else set())
    where = " or in the district's earlier rosters" if delta else ""
    for org in roster.orgs:
        if org.parent and org.parent not in orgs_known:
            problems.add(
                ORGS,
                org.line,
                "parentSourcedId",
                f"{org.parent!r} is not an org in orgs.csv{where}.",
            )
    for user in users.values():
        if user.status != "tobedeleted" and user.primary_org and user.primary_org not in orgs_known:
            problems.add(
                USERS,
                user.line,
                "primaryOrgSourcedId",
                f"{user.primary_org!r} is not an org in orgs.csv{where}.",
            )
    staff_ids: set[str] = set()
    for role in roles:
        if role.status == "tobedeleted":
            continue
        if role.org not in orgs_known:
            problems.add(
                ROLES, role.line, "orgSourcedId", f"{role.org!r} is not an org in orgs.csv{where}."
            )
        if role.user not in users_known:
            problems.add(
                ROLES,
                role.line,
                "userSourcedId",
                f"{role.user!r} is not a user in users.csv{where}.",
            )
        if role.role in STAFF_ROLES:
            staff_ids.add(role.user)
    if problems:
        return roster, problems

    # Only staff are kept: a user is staff when one of their roles is a staff role. In a delta,
    # a user row without roles in this file may be a known staff member being changed.
    roster.roles = [r for r in roles if r.role in STAFF_ROLES or r.status == "tobedeleted"]
    roster.ignored_roles = len(roles) - len(roster.roles)
    known = set(known_users) if delta else set()
    roster.users = [u for u in users.values() if u.sourced_id in staff_ids or u.sourced_id in known]
    roster.ignored_users = len(users) - len(roster.users)
    for role in roster.roles:
        if role.begin and role.end and role.end < role.begin:
            problems.add(ROLES, role.line, "endDate", "the role ends before it begins.")
    return roster, problems


def _read_orgs(data: bytes, roster: Roster, types: dict[str, str], problems: Problems) -> None:
    table = _table(ORGS, data, problems)
    if table is None or not _check_header(ORGS, table[0], problems):
        return
    rows = _Rows(ORGS, roster.modes[ORGS], problems)
    for line, raw in table[1]:
        values = rows.record(line, raw)
        if values is None:
            continue
        kind = values["type"]
        if kind not in ORG_TYPES:
            problems.add(
                ORGS,
                line,
                "type",
                f"{kind!r} is not an org type; use one of " + ", ".join(sorted(ORG_TYPES)) + ".",
            )
            continue
        if kind == "school" and not is_whole(values["identifier"]):
            problems.add(
                ORGS,
                line,
                "identifier",
                "a school's identifier must be its state "
                f"school id (digits only), not {values['identifier'] or 'empty'!r}.",
            )
            continue
        if len(values["name"]) > 200:
            problems.add(ORGS, line, "name", "the name is longer than 200 characters.")
            continue
        types[values["sourcedId"]] = kind
        roster.orgs.append(
            OrgRow(
                line,
                values["sourcedId"],
                values["status"],
                values["name"],
                kind,
                values["identifier"],
                values["parentSourcedId"],
            )
        )


_LIMITS = {
    "username": 150,
    "givenName": 75,
    "familyName": 75,
    "middleName": 75,
    "identifier": 32,
    "email": 254,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _read_users(data: bytes, roster: Roster, users: dict[str, UserRow], problems: Problems) -> None:
    table = _table(USERS, data, problems)
    if table is None or not _check_header(USERS, table[0], problems):
        return
    rows = _Rows(USERS, roster.modes[USERS], problems)
    for line, raw in table[1]:
        values = rows.record(line, raw)
        if values is None:
            continue
        if values["status"] == "tobedeleted":
            users[values["sourcedId"]] = UserRow(
                line, values["sourcedId"], "tobedeleted", False, "", "", "", "", "", "", ""
            )
            continue
        ok = True
        enabled = values["enabledUser"].lower()
        if enabled not in {"true", "false"}:
            problems.add(
                USERS,
                line,
                "enabledUser",
                f"enabledUser must be true or false, not {values['enabledUser']!r}.",
            )
            ok = False
        for column, limit in _LIMITS.items():
            if len(values[column]) > limit:
                problems.add(USERS, line, column, f"{column} is longer than {limit} characters.")
                ok = False
        if values["email"] and not _EMAIL.match(values["email"]):
            problems.add(USERS, line, "email", f"{values['email']!r} is not an email address.")
            ok = False
        if not ok:
            continue
        users[values["sourcedId"]] = UserRow(
            line,
            values["sourcedId"],
            values["status"],
            enabled == "true",
            values["username"],
            values["givenName"],
            values["familyName"],
            values["middleName"],
            values["identifier"],
            values["email"].lower(),
            values["primaryOrgSourcedId"],
        )


def _read_roles(data: bytes, roster: Roster, roles: list[RoleRow], problems: Problems) -> None:
    table = _table(ROLES, data, problems)
    if table is None or not _check_header(ROLES, table[0], problems):
        return
    rows = _Rows(ROLES, roster.modes[ROLES], problems)
    for line, raw in table[1]:
        values = rows.record(line, raw)
        if values is None:
            continue
        if values["status"] == "tobedeleted":
            roles.append(
                RoleRow(line, values["sourcedId"], "tobedeleted", "", "", "", None, None, "")
            )
            continue
        role, role_type = values["role"], values["roleType"]
        if role not in STAFF_ROLES | NON_STAFF_ROLES:
            problems.add(ROLES, line, "role", f"{role!r} is not a OneRoster role.")
            continue
        if role_type not in ROLE_TYPES:
            problems.add(
                ROLES,
                line,
                "roleType",
                f"roleType must be primary or secondary, not {role_type!r}.",
            )
            continue
        begin = _date(ROLES, line, "beginDate", values["beginDate"], problems)
        end = _date(ROLES, line, "endDate", values["endDate"], problems)
        roles.append(
            RoleRow(
                line,
                values["sourcedId"],
                values["status"],
                values["userSourcedId"],
                role_type,
                role,
                begin,
                end,
                values["orgSourcedId"],
            )
        )
