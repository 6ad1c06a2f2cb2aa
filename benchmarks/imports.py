"""Roster import: a OneRoster 1.2 zip of staff users and their roles (150,000 of each at L, in 60
schools and the district office) imported into an empty district, then imported again unchanged,
each against the same rows loaded the cheapest way the database has: ``COPY`` from the CSV bytes
into plain tables on PostgreSQL; on SQLite, which has no ``COPY``, the CSV parsed and inserted
with ``executemany`` in one transaction.

What is timed is ``services.run_import``: unpack, check, and write in one transaction, with the
import's own record, audit row and progress file, as a worker runs it. Every first import starts
from the same state, a new district whose LEA id is written into the roster's district org; the
re-import goes into the district the import before it filled, and changes nothing. The roster is
generated from a seed into the bench's var folder and never committed.

An import at L takes tens of seconds, so these workloads time themselves: one round (an import
and its re-import) first, then as many more as fit in ``SECONDS``, at most ``RUNS``. Peak memory
is the process's peak resident set during one import above where it stood when the import began
(Linux's VmHWM, reset through /proc/self/clear_refs), so it counts the database driver and the
unpacked files too, and costs no time, which tracemalloc, tracing each of an import's millions of
allocations, would.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import gc
import io
import statistics
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from benchmarks.measure import Result
from trellis.core.models import District
from trellis.demo.people import PeopleSource
from trellis.interop import oneroster, services
from trellis.interop.models import ImportRun, ImportStatus

USERS = {"S": 15_000, "M": 50_000, "L": 150_000}  # one role each: as many roles as users
SCHOOLS = 60
SEED = 20_260_801
LEA_BASE = 8_100_000  # clear of the scale generator's 7,000,000 + …
LEA = "lea-0000000"  # the district org in users.csv and roles.csv, until a district is known
STAMP = "2026-08-01T06:00:00.000Z"
RUNS = 5
SECONDS = 90.0  # all rounds together, the first always run: one round at L
LIMIT_RUNS = 5
# An import reads and checks every cell in Python, builds a model object per row, writes three
# tables (employment besides staff and assignments) under their indexes (a dozen on staff) and
# audits it; a COPY only parses the rows into unindexed tables. A COPY of the same rows into the
# real tables alone measured about 45× the bare one at M on PostgreSQL (their indexes), so the
# budget is 100×: checking and matching may cost about as much again as the database's own work.
# SQLite's limit (executemany, no COPY) is slower, so its ratios run lower.
IMPORT_BUDGET = 100.0

# Where a district's roles sit: a few leaders and counsellors per school, some office staff at
# the district org, and the rest teachers and aides spread over the schools.
PER_SCHOOL = (("principal", 1), ("siteAdministrator", 2), ("counselor", 3))
OFFICE = (("districtAdministrator", 40), ("systemAdministrator", 60), ("proctor", 100))


# -- The roster --------------------------------------------------------------------------------


def _csv(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _roles_plan(n: int, people: PeopleSource) -> list[tuple[str, str]]:
    """(role, org) for each of ``n`` users, leaders first, in a seeded order."""
    plan = [(role, f"sch-{k:03d}") for k in range(1, SCHOOLS + 1) for role, per in PER_SCHOOL
            for _ in range(per)]  # fmt: skip
    plan += [(role, LEA) for role, count in OFFICE for _ in range(count * n // 150_000)]
    while len(plan) < n:
        role = "aide" if people.rng.random() < 0.15 else "teacher"
        plan.append((role, f"sch-{people.rng.randint(1, SCHOOLS):03d}"))
    return plan[:n]


def _people_rows(n: int) -> tuple[bytes, bytes]:
    """users.csv and roles.csv: ``n`` staff, one primary role each (1 % of them disabled),
    the same on every run."""
    people = PeopleSource(SEED)
    users, roles = [], []
    user_columns = oneroster.HEADERS[oneroster.USERS]
    role_columns = oneroster.HEADERS[oneroster.ROLES]
    for i, (role, org) in enumerate(_roles_plan(n, people), start=1):
        first, last = people.name()
        email = f"{first}.{last}.{i}@bench.example.org".lower().replace(" ", "").replace("'", "")
        user = {
            "sourcedId": f"u{i:07d}", "dateLastModified": STAMP, "username": email,
            "enabledUser": "false" if people.rng.random() < 0.01 else "true",
            "givenName": first, "familyName": last, "identifier": f"B{i:07d}", "email": email,
            "middleName": people.rng.choice("ABCDEJLMRST") if people.rng.random() < 0.4 else "",
            "primaryOrgSourcedId": org,
        }  # fmt: skip
        users.append([user.get(c, "") for c in user_columns])
        held = {
            "sourcedId": f"r{i:07d}", "dateLastModified": STAMP, "userSourcedId": f"u{i:07d}",
            "roleType": "primary", "role": role, "beginDate": people.hire_date().isoformat(),
            "orgSourcedId": org,
        }  # fmt: skip
        roles.append([held.get(c, "") for c in role_columns])
    return _csv(user_columns, users), _csv(role_columns, roles)


def _orgs(lea_id: int) -> bytes:
    lea = f"lea-{lea_id}"
    rows = [[lea, "", STAMP, f"Bench Import District {lea_id}", "district", str(lea_id), ""]]
    rows += [[f"sch-{k:03d}", "", STAMP, f"Bench School {k:03d}", "school", str(900_000 + k), lea]
             for k in range(1, SCHOOLS + 1)]  # fmt: skip
    return _csv(oneroster.HEADERS[oneroster.ORGS], rows)


def _manifest() -> bytes:
    rows = [["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
    rows += [[f"file.{f.removesuffix('.csv')}", "bulk"] for f in oneroster.HEADERS]
    rows += [["source.systemName", "Trellis bench"], ["source.systemCode", "trellis-bench"]]
    return _csv(("propertyName", "value"), rows)


@dataclass
class BenchRoster:
    """The CSV files of one scale's roster, but for orgs.csv, which names each district by its
    own LEA id (as do the office staff's rows, written with ``LEA`` until then)."""

    users: int
    files: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def build(cls, n: int) -> BenchRoster:
        users, roles = _people_rows(n)
        return cls(n, {oneroster.MANIFEST: _manifest(), oneroster.USERS: users,
                       oneroster.ROLES: roles})  # fmt: skip

    def for_district(self, lea_id: int) -> dict[str, bytes]:
        lea = f"lea-{lea_id}".encode()
        files = {name: data.replace(LEA.encode(), lea) for name, data in self.files.items()}
        return {**files, oneroster.ORGS: _orgs(lea_id)}


def _write_zip(path: Path, files: Mapping[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


# -- One import --------------------------------------------------------------------------------

CLEAR_REFS = Path("/proc/self/clear_refs")


def _rss_kib(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {name}")


def _timed(fn: Callable[[], ImportRun]) -> tuple[ImportRun, float, float]:
    """The run, its seconds, and the peak resident set above the start in KiB (0 where Linux's
    /proc is not there to say)."""
    gc.collect()
    measured = CLEAR_REFS.exists()
    if measured:
        # Hand freed heap back first, so the start is what is live, not what an earlier
        # workload once needed; then VmHWM starts again from VmRSS.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        CLEAR_REFS.write_text("5")
        before = _rss_kib("VmRSS")
    started = time.perf_counter()
    run = fn()
    seconds = time.perf_counter() - started
    return run, seconds, float(_rss_kib("VmHWM") - before) if measured else 0.0


def _import(district: District, path: Path, expect: str) -> tuple[float, float]:
    """Import ``path`` into ``district``; every staff member and assignment must come out
    ``expect`` (created, or unchanged)."""
    queued = services.import_path(district=district, path=path)
    run, seconds, peak = _timed(lambda: services.run_import(queued.pk))
    outcomes = [run.counts.get(kind, {}) for kind in ("staff", "assignments")]
    if run.status != ImportStatus.SUCCEEDED or any(
        o.get(expect) != sum(o.values()) for o in outcomes
    ):
        raise RuntimeError(f"bench import {run.status}: {run.counts or run.errors[:3]}")
    Path(run.file.path).unlink(missing_ok=True)  # the import's own copy of the zip
    services.progress_path(run).unlink(missing_ok=True)
    return seconds, peak


def _district() -> District:
    lea_id = LEA_BASE + District.objects.filter(slug__startswith="bench-import-").count()
    return District.objects.create(
        slug=f"bench-import-{lea_id}", name=f"Bench Import District {lea_id}", lea_id=lea_id,
        state="NV",
    )  # fmt: skip


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    peaks_kib: list[float] = field(default_factory=list)

    def add(self, seconds: float, peak: float) -> None:
        self.seconds.append(seconds)
        self.peaks_kib.append(peak)


def _rounds(roster: BenchRoster, folder: Path) -> tuple[Samples, Samples]:
    """Imports into new districts and their re-imports: one round, then more while another
    round like the first still fits in ``SECONDS``."""
    imports, reimports = Samples(), Samples()
    while len(imports.seconds) < RUNS:
        district = _district()
        path = _write_zip(
            folder / f"roster_{roster.users}.zip", roster.for_district(district.lea_id)
        )
        imports.add(*_import(district, path, "created"))
        reimports.add(*_import(district, path, "unchanged"))
        first = imports.seconds[0] + reimports.seconds[0]
        if sum(imports.seconds) + sum(reimports.seconds) + first > SECONDS:
            break
    return imports, reimports


# -- The limit ---------------------------------------------------------------------------------

TYPES = {"dateLastModified": "timestamp with time zone", "enabledUser": "boolean",
         "beginDate": "date", "endDate": "date"}  # fmt: skip
LIMIT_FILES = (oneroster.ORGS, oneroster.USERS, oneroster.ROLES)


def _table(name: str) -> str:
    return "bench_" + name.removesuffix(".csv")


def _create_tables(cursor: CursorWrapper) -> None:
    for name in LIMIT_FILES:
        columns = ", ".join(f'"{c}" {TYPES.get(c, "text")}' for c in oneroster.HEADERS[name])
        cursor.execute(f"CREATE TEMPORARY TABLE {_table(name)} ({columns})")


def _load_copy(cursor: CursorWrapper, files: Mapping[str, bytes]) -> None:
    for name in LIMIT_FILES:
        sql = f"COPY {_table(name)} FROM STDIN WITH (FORMAT csv, HEADER true)"
        with cursor.copy(sql) as copy:
            copy.write(files[name])


def _load_executemany(cursor: CursorWrapper, files: Mapping[str, bytes]) -> None:
    for name in LIMIT_FILES:
        rows = list(csv.reader(io.StringIO(files[name].decode("utf-8"), newline="")))
        marks = ", ".join(["%s"] * len(oneroster.HEADERS[name]))
        cursor.executemany(f"INSERT INTO {_table(name)} VALUES ({marks})", rows[1:])


LIMIT_NAMES = {
    "postgresql": "raw COPY of the CSV rows",
    "sqlite": "raw executemany of the CSV rows (SQLite has no COPY)",
}


def _limit_seconds(files: Mapping[str, bytes]) -> float:
    """One load of the same rows into plain temporary tables, in one transaction."""
    load = _load_copy if connection.vendor == "postgresql" else _load_executemany
    with transaction.atomic(), connection.cursor() as cursor:
        _create_tables(cursor)
        started = time.perf_counter()
        load(cursor, files)
        seconds = time.perf_counter() - started
        for name in LIMIT_FILES:
            cursor.execute(f"DROP TABLE {_table(name)}")
    return seconds


# -- The workloads -----------------------------------------------------------------------------


def _row(name: str, scale: str, samples: Samples, limit_s: float, rows: int,
         note: str = "") -> Result:  # fmt: skip
    ordered = sorted(samples.seconds)
    median = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    peak = max(samples.peaks_kib)
    runs = len(ordered)
    notes = [f"{rows:,} users + roles, {rows / median:,.0f} rows/s", *([note] if note else []),
             f"{runs} run{'s' if runs > 1 else ''}",
             "peak = resident set (VmHWM)" if peak else "peak memory not measured"]  # fmt: skip
    return Result(
        workload=name, database=connection.vendor, scale=scale, median_ms=median * 1000,
        p95_ms=p95 * 1000, peak_kib=peak, limit_name=LIMIT_NAMES[connection.vendor],
        limit_ms=limit_s * 1000, ratio=median / limit_s, budget=IMPORT_BUDGET,
        budget_note="; ".join(notes),
        extra={"rows": rows, "rows_per_second": rows / median, "seconds": ordered,
               "peak_mib": peak / 1024, "peak_measure": "VmHWM above VmRSS at the start"},
    )  # fmt: skip


def imports_results(scale: str) -> list[Result]:
    roster = BenchRoster.build(USERS[scale])
    imports, reimports = _rounds(roster, Path(settings.VAR_DIR) / "bench-rosters")
    files = roster.for_district(LEA_BASE)
    limit_s = statistics.median(_limit_seconds(files) for _ in range(LIMIT_RUNS))
    rows = 2 * roster.users
    return [
        _row("roster import", scale, imports, limit_s, rows, "into a new district"),
        _row("roster re-import", scale, reimports, limit_s, rows, "the same zip, 0 changes"),
    ]
