"""Figure 7: crash safety. Imports and multi-row services are run in a real process of their own
and killed with SIGKILL at random points, many times each, on a SQLite file database and on a
PostgreSQL database of the figure's own; after every kill the database must hold everything
the operation writes or nothing.

The operations: the OneRoster import (``interop.services.run_import``, which writes through
``org/roster.py``), the staff spreadsheet import (``interop/sheets.py``), the salary schedule
import (``pay.services.schedule_import``), the class report import
(``coaching/class_reports.py``), the approval of a coach-assignment proposal
(``coaching.assignment.proposal_approve``) and adding teachers to a rollout cohort
(``rollout.services.cohorts.members_add``, with their amnesty rows).

How: a child process (``python -c``, Django set up against the database under test) makes its
tables (``trust/schema.py``) and the shared rows (a district with a school, 60 teachers, three
coaches, standards). For each trial it forks a worker, which prepares that trial's inputs (a new
district, roster zip, import run, proposal, initiative…), says it is ready and waits for the
word. The test counts the rows of every table, gives the word, and kills the worker with
SIGKILL: two kills in three after a seeded random delay (from the word to a quarter past the
operation's complete time), one in three once the worker has made a random one of its writes
(it stops there and waits for the kill). Then every table is counted again through a new
connection. The change must be nothing, or exactly the change of a run that completes
(measured first, and again after the kills, so the database is known to still work). The worker
marks its first INSERT, UPDATE or DELETE inside a transaction, so a kill that landed mid-write
(after it, before the operation ended) is told apart from one before any write or after the
commit. Each operation gets at least ``MIN_KILLS`` kills per database and more while the
figure's time lasts. At the end SQLite's ``integrity_check`` and ``foreign_key_check`` must
pass and PostgreSQL must answer a new connection.

A control shows the figure can see a partial write: rows saved in a loop, each in a
transaction of its own, killed after a random write past the first, must be caught every time.

The PostgreSQL server is the one ``DATABASE_URL`` names when it is a PostgreSQL URL, else
postgres@127.0.0.1:5432; the database is created and dropped by the figure.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from trust.databases import pg_database

ROOT = Path(__file__).resolve().parent.parent
SEED = 20_260_707
# Kills per operation and database: two in three after a random delay, one in three stopped
# after a random one of its writes; at least MIN_KILLS, then more while the time lasts.
MIN_KILLS = 6
MAX_TRIALS = 40
SECONDS = 150.0  # the whole figure, both databases side by side
REFERENCE_RUNS = 1  # complete runs before the kills; one more after them
READY_TIMEOUT = 120.0
TEACHERS = 60
COACHES = 3
ROSTER_USERS = 150
SHEET_ROWS = 10
STUDENTS = 60
STEPS, LANES = 30, 10
CONTROL_ROWS = 30
CONTROL_KILLS = 2  # per database; every one must be caught as a partial write

Counts = dict[str, int]


# ---- the child: Django against the database under test ---------------------------------------


@dataclass
class Base:
    """The shared rows every trial works with (primary keys: they outlive a fork)."""

    district: int
    manager: int
    teachers: list[int]
    coaches: list[int]
    reporter: int  # a teacher with a sign-in, for class reports


def _mark(folder: Path, name: str, text: str = "") -> None:
    partial = folder / f".{name}"
    partial.write_text(text)
    partial.replace(folder / name)


def _base() -> Base:
    from trellis.coaching.assignment import coach_profile_save
    from trellis.coaching.models import Standard
    from trellis.core.models import District, Membership, Role, User
    from trellis.demo.class_reports import STANDARDS
    from trellis.org.models import Grade, School, Staff, StaffClassification

    district = District.objects.create(
        slug="crash", name="Crash District", lea_id=7_700_000, state="NV"
    )
    school = School.objects.create(
        district=district,
        name="Crash Elementary",
        school_id=770_001,
        lowest_grade=Grade.KINDERGARTEN,
        highest_grade=Grade.FIFTH,
    )
    manager = User.objects.create_user(username="crash-admin", email="crash-admin@example.org")
    Membership.objects.create(user=manager, district=district, role=Role.DISTRICT_ADMIN)
    reporter_user = User.objects.create_user(username="crash-teacher", email="t@example.org")
    Membership.objects.create(user=reporter_user, district=district, role=Role.TEACHER)
    teachers = Staff.objects.bulk_create(
        Staff(
            district=district,
            school=school,
            staff_unique_id=f"CT{i:04d}",
            first_name="Tess",
            last_name=f"Teacher{i:04d}",
            email=f"ct{i}@example.org",
            grade_band="35",
            academic_subject="math",
            classification=StaffClassification.TEACHER,
        )
        for i in range(TEACHERS)
    )
    teachers[0].user = reporter_user
    teachers[0].save(update_fields=["user"])
    coaches = Staff.objects.bulk_create(
        Staff(
            district=district,
            school=None,
            staff_unique_id=f"CC{i:04d}",
            first_name="Cole",
            last_name=f"Coach{i}",
            email=f"cc{i}@example.org",
            classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
        )
        for i in range(COACHES)
    )
    for coach in coaches:
        coach_profile_save(
            district=district,
            staff=coach,
            max_teachers=TEACHERS,
            hours_per_week=None,
            grade_bands=["35"],
            actor=manager,
        )
    for code, subject, description in STANDARDS:
        Standard.objects.create(
            district=district, code=code, subject=subject, description=description
        )
    return Base(
        district.pk, manager.pk, [t.pk for t in teachers], [c.pk for c in coaches], teachers[0].pk
    )


def _new_district(trial: int) -> Any:
    from trellis.core.models import District

    lea = 7_800_000 + trial
    return District.objects.create(slug=f"crash-{lea}", name=f"Crash {lea}", lea_id=lea, state="NV")


def _this_year(offset: int = 0) -> str:
    from django.utils import timezone

    from trellis.core.schoolyear import school_year_of

    start = int(school_year_of(timezone.localdate())[:4]) + offset
    return f"{start}-{(start + 1) % 100:02d}"


def _import_run(run_id: int) -> Callable[[], None]:
    from trellis.interop import services
    from trellis.interop.models import ImportStatus

    def run() -> None:
        done = services.run_import(run_id)
        if done.status != ImportStatus.SUCCEEDED:
            raise RuntimeError(f"import {done.status}: {done.errors[:3]}")

    return run


def _prep_roster(base: Base, trial: int, folder: Path) -> Callable[[], None]:
    """A OneRoster zip (users and roles, schools) into a new district: org/roster.py."""
    from benchmarks.imports import BenchRoster, _write_zip
    from trellis.interop import services

    district = _new_district(trial)
    path = _write_zip(
        folder / "roster.zip", BenchRoster.build(ROSTER_USERS).for_district(district.lea_id)
    )
    return _import_run(services.import_path(district=district, path=path).pk)


def _prep_staff_sheet(base: Base, trial: int, folder: Path) -> Callable[[], None]:
    """A staff spreadsheet (CSV) into a new district: interop/sheets.py."""
    from django.core.files.base import ContentFile

    from trellis.interop.models import ImportKind, ImportRun
    from trellis.interop.sheets import STAFF_SHEET
    from trellis.org.models import School

    district = _new_district(trial)
    School.objects.create(district=district, name="Sheet School", school_id=7_900_000 + trial)
    lines = [",".join(STAFF_SHEET.names)]
    lines += [
        f"SH{i:05d},Rosa{i},Ibarra,,rosa{i}@sheet.example.org,{7_900_000 + trial},teacher,"
        f"math,2026-08-24,4,6,masters"
        for i in range(SHEET_ROWS)
    ]
    data = ("\n".join(lines) + "\n").encode()
    run = ImportRun(
        district=district, kind=ImportKind.STAFF, file_name="staff.csv", file_size=len(data)
    )
    run.file.save(f"{run.public_id}.csv", ContentFile(data), save=False)
    run.save()
    return _import_run(run.pk)


def _prep_schedule(base: Base, trial: int, folder: Path) -> Callable[[], None]:
    """A salary schedule grid (CSV) into a new district: pay.services.schedule_import."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from trellis.pay.services import schedule_import

    district = _new_district(trial)
    lanes = [f"Lane {k}" for k in range(LANES)]
    rows = ["step," + ",".join(lanes)]
    rows += [
        f"{s}," + ",".join(str(40_000 + 900 * s + 1_500 * k) for k in range(LANES))
        for s in range(1, STEPS + 1)
    ]
    data = ("\n".join(rows) + "\n").encode()

    def run() -> None:
        schedule_import(
            district=district,
            school_year=_this_year(),
            actor=None,
            upload=SimpleUploadedFile("schedule.csv", data, "text/csv"),
        )

    return run


def _prep_class_report(base: Base, trial: int, folder: Path) -> Callable[[], None]:
    """A class's results (simple CSV, every student and standard): coaching/class_reports.py."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from trellis.coaching.class_reports import class_report_import
    from trellis.coaching.models import Standard
    from trellis.core.models import District
    from trellis.org.models import Staff

    district = District.objects.get(pk=base.district)
    teacher = Staff.objects.select_related("user").get(pk=base.reporter)
    codes = list(Standard.objects.filter(district=district).values_list("code", flat=True))
    rng = random.Random(trial)
    rows = ["student_code,standard,level"]
    rows += [f"S{s:03d},{c},{rng.randint(1, 4)}" for s in range(1, STUDENTS + 1) for c in codes]
    data = ("\n".join(rows) + "\n").encode()

    def run() -> None:
        class_report_import(
            district=district,
            teacher=teacher,
            title=f"Crash trial {trial}",
            school_year=_this_year(),
            actor=teacher.user,  # type: ignore[arg-type]
            files=[SimpleUploadedFile("class.csv", data, "text/csv")],
        )

    return run


def _prep_approve(base: Base, trial: int, folder: Path) -> Callable[[], None]:
    """A ready coach-assignment proposal for every teacher, approved: proposal_approve."""
    import datetime as dt

    from trellis.coaching import assignment
    from trellis.coaching.models import (
        AssignmentProposal,
        ProposalStatus,
        ProposedPair,
        Relationship,
    )
    from trellis.core.models import User
    from trellis.core.schoolyear import school_year_bounds

    Relationship.objects.filter(district_id=base.district).delete()  # every trial opens them all
    year = _this_year(1)
    manager = User.objects.get(pk=base.manager)
    proposal = AssignmentProposal.objects.create(
        district_id=base.district,
        school_year=year,
        status=ProposalStatus.READY,
        begin_date=school_year_bounds(year)[0] + dt.timedelta(days=14),
        created_by=manager,
    )
    ProposedPair.objects.bulk_create(
        ProposedPair(
            proposal=proposal,
            teacher_id=t,
            coach_id=base.coaches[i % COACHES],
            reason="crash trial",
        )
        for i, t in enumerate(base.teachers)
    )

    def run() -> None:
        assignment.proposal_approve(proposal=proposal, actor=manager)

    return run


def _prep_cohort(base: Base, trial: int, folder: Path) -> Callable[[], None]:
    """Every teacher added to a cohort of a new initiative (members and their amnesty rows):
    rollout members_add."""
    from decimal import Decimal

    from trellis.core.models import District, User
    from trellis.org.models import Staff
    from trellis.rollout.services import cohorts
    from trellis.rollout.services.initiative import initiative_create

    manager = User.objects.get(pk=base.manager)
    initiative = initiative_create(
        district=District.objects.get(pk=base.district),
        actor=manager,
        data={
            "name": f"Crash rollout {trial}",
            "approaches": ["blended"],
            "first_year": _this_year(),
            "last_year": _this_year(1),
        },
    )
    phase = cohorts.phase_save(
        initiative=initiative,
        actor=manager,
        data={
            "name": "Wave",
            "school_year": _this_year(),
            "target_share": Decimal(50),
            "teachers_per_coach": 20,
            "is_pilot": False,
        },
    )
    cohort = cohorts.cohort_save(
        initiative=initiative, actor=manager, data={"name": "Crew", "phase": phase, "notes": ""}
    )
    teachers = list(Staff.objects.filter(pk__in=base.teachers).order_by("pk"))

    def run() -> None:
        cohorts.members_add(cohort=cohort, staff=teachers, source="assigned", actor=manager)

    return run


def _prep_control(base: Base, trial: int, folder: Path) -> Callable[[], None]:
    """The control: rows saved in a loop, each in a transaction of its own and none around the
    loop (the mistake the figure looks for). A kill after its second write must be caught."""
    from django.db import transaction

    from trellis.coaching.models import Standard

    def run() -> None:
        for i in range(CONTROL_ROWS):
            with transaction.atomic():
                Standard.objects.create(district_id=base.district, code=f"CTRL-{trial}-{i}")

    return run


PREPARE: dict[str, Callable[[Base, int, Path], Callable[[], None]]] = {
    "OneRoster import": _prep_roster,
    "staff spreadsheet import": _prep_staff_sheet,
    "salary schedule import": _prep_schedule,
    "class report import": _prep_class_report,
    "coach proposal approval": _prep_approve,
    "cohort members added": _prep_cohort,
}
CONTROL = "control: saves committed one by one"
OPS = list(PREPARE)  # the operations measured
PREPARE[CONTROL] = _prep_control
ALL = [*OPS, CONTROL]
WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")
PRELOAD = [
    "benchmarks.imports",
    "trellis.interop.services",
    "trellis.pay.services",
    "trellis.coaching.class_reports",
    "trellis.coaching.assignment",
    "trellis.rollout.services.cohorts",
    "trellis.rollout.services.initiative",
]


def _trial(base: Base, op: int, trial: int, folder: Path, stop_at: int) -> None:
    """In the forked worker: prepare, say ready, wait for the word, run, say done. With
    ``stop_at``, stop for good after that many writes inside the operation's transaction."""
    from django.db import connection

    run = PREPARE[ALL[op]](base, trial, folder)
    _mark(folder, "ready", str(os.getpid()))
    while not (folder / "go").exists():
        time.sleep(0.0005)
    started = time.perf_counter()
    first_write: list[float] = []
    writes = 0

    def spot_writes(execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal writes
        result = execute(sql_text, params, many, context)
        if connection.in_atomic_block and sql_text.lstrip().upper().startswith(WRITES):
            writes += 1
            if not first_write:
                first_write.append(time.perf_counter() - started)
                _mark(folder, "writing")
            if writes == stop_at:
                _mark(folder, "stopped")
                time.sleep(3600)  # until the SIGKILL
        return result

    with connection.execute_wrapper(spot_writes):
        run()
    took = time.perf_counter() - started
    _mark(folder, "done", f"{first_write[0] if first_write else took} {took} {writes}")


def serve() -> None:
    """The child: set Django up, make the tables, make the shared rows, then fork one worker a trial
    (a line on stdin: operation, trial, folder) and answer each with the worker's exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.config.settings")
    import django

    django.setup()
    from django.db import connections

    from trust.schema import build_schema

    build_schema()
    base = _base()
    for module in PRELOAD:  # once here, not again in every worker
        importlib.import_module(module)
    print("up", flush=True)
    for line in sys.stdin:
        op, trial, stop_at, folder = line.split(maxsplit=3)
        connections.close_all()  # the worker opens its own connection
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _trial(base, int(op), int(trial), Path(folder.strip()), int(stop_at))
            except BaseException:
                (Path(folder.strip()) / "error").write_text(traceback.format_exc())
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


# ---- the test's side: counting rows, killing workers --------------------------------------


class Db:
    """A plain connection to the database under test, for counting every table's rows."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def counts(self) -> Counts:
        """Every table's rows, in one query, through a new connection."""
        if self.name == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
                tables = [
                    r[0]
                    for r in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                counts = (f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)  # noqa: S608
                query = " UNION ALL ".join(counts)
                return dict(db.execute(query).fetchall())
        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as db:
            tables = db.execute(
                "SELECT schemaname, tablename FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchall()
            query = sql.SQL(" UNION ALL ").join(
                sql.SQL("SELECT {}, count(*) FROM {}").format(
                    sql.Literal(f"{schema}.{table}"), sql.Identifier(schema, table)
                )
                for schema, table in tables
            )
            return {name: count for name, count in db.execute(query).fetchall()}

    def healthy(self) -> str:
        """Empty when the database opens and checks out, else what is wrong."""
        if self.name == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
                integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
                broken = db.execute("PRAGMA foreign_key_check").fetchall()
            if integrity != "ok":
                return f"integrity_check: {integrity}"
            return f"foreign_key_check: {broken[:3]}" if broken else ""
        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as db:
            db.execute("SELECT count(*) FROM core_district").fetchone()
        return ""


def _delta(before: Counts, after: Counts) -> Counts:
    return {
        t: after.get(t, 0) - before.get(t, 0)
        for t in sorted(before.keys() | after.keys())
        if after.get(t, 0) != before.get(t, 0)
    }


@dataclass
class OpResult:
    name: str
    reference: Counts = field(default_factory=dict)
    trials: int = 0
    seconds: float = 0.0
    first_write_s: float = 0.0
    kills: int = 0
    mid_write: int = 0
    nothing: int = 0
    everything: int = 0
    partial: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Run:
    database: str
    ops: list[OpResult] = field(default_factory=list)
    healthy: bool = False
    reopened: int = 0
    startup_s: float = 0.0
    control_caught: int = 0
    error: str = ""

    @property
    def kills(self) -> int:
        return sum(o.kills for o in self.ops)

    @property
    def partial(self) -> int:
        return sum(len(o.partial) for o in self.ops)

    @property
    def problems(self) -> list[str]:
        return [p for o in self.ops for p in o.problems]

    @property
    def ok(self) -> bool:
        return (
            not self.error
            and self.healthy
            and len(self.ops) == len(OPS)
            and self.partial == 0
            and not self.problems
            and all(o.kills >= MIN_KILLS and o.reference for o in self.ops)
            and self.reopened == sum(o.trials for o in self.ops)
            and self.control_caught == CONTROL_KILLS
        )

    def numbers(self) -> dict[str, Any]:
        return {
            "trials": sum(o.trials for o in self.ops),
            "kills": self.kills,
            "mid_write": sum(o.mid_write for o in self.ops),
            "partial_writes": self.partial,
            "reopened": self.reopened,
            "healthy": self.healthy,
            "control_caught": f"{self.control_caught} of {CONTROL_KILLS}",
            "setup_seconds": round(self.startup_s, 1),
            "error": self.error,
            "operations": {
                o.name: {
                    "trials": o.trials,
                    "kills": o.kills,
                    "mid_write": o.mid_write,
                    "nothing": o.nothing,
                    "everything": o.everything,
                    "partial": o.partial[:5],
                    "rows_written": sum(o.reference.values()),
                    "tables": len(o.reference),
                    "seconds": round(o.seconds, 3),
                    "first_write_s": round(o.first_write_s, 3),
                    "problems": o.problems[:5],
                }
                for o in self.ops
            },
        }


class Child:
    """The child process and the trials it forks."""

    def __init__(self, db: Db, work: Path) -> None:
        self.db, self.work = db, work
        env = {
            **os.environ,
            "DATABASE_URL": db.url,
            "TRELLIS_VAR_DIR": str(work / "var"),
            "TRELLIS_ENV": "development",
            "DEBUG": "0",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        for name in ("SECRET_KEY", "ALLOWED_HOSTS", "TRELLIS_TASKS"):
            env.pop(name, None)
        self.log = (work / "child.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from trust.test_crash import serve; serve()"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            bufsize=1,
        )
        self.trials = 0
        if self._line() != "up":
            raise RuntimeError(f"the child did not start: {self._log_tail()}")

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def _log_tail(self) -> str:
        self.log.flush()
        return (self.work / "child.log").read_text(errors="replace")[-800:]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def trial(
        self, op: int, *, kill_after: float | None = None, stop_at: int = 0
    ) -> tuple[Counts, dict[str, Any]]:
        """One trial, killed ``kill_after`` seconds after the word, or once stopped after
        ``stop_at`` writes, or neither: the change in every table's rows, and what the worker
        got to."""
        self.trials += 1
        folder = self.work / f"trial-{self.trials:04d}"
        folder.mkdir()
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{op} {self.trials} {stop_at} {folder}\n")
        self._wait(folder, "ready")
        pid = int((folder / "ready").read_text())
        before = self.db.counts()
        _mark(folder, "go")
        killed = False
        if kill_after is not None or stop_at:
            if stop_at:
                self._wait(folder, "stopped")
            else:
                time.sleep(kill_after or 0.0)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed = True
        status = self._line()
        if not status.startswith("exit "):
            raise RuntimeError(f"the child stopped: {self._log_tail()}")
        after = self.db.counts()  # a fresh connection: the database reopens after the kill
        error = (folder / "error").read_text()[-600:] if (folder / "error").exists() else ""
        done = (folder / "done").read_text().split() if (folder / "done").exists() else []
        info = {
            "killed": killed and not done,
            "writing": (folder / "writing").exists(),
            "done": [float(x) for x in done],
            "error": error,
        }
        return _delta(before, after), info

    def _wait(self, folder: Path, marker: str) -> None:
        """Until the worker leaves ``marker`` (or finishes, when waiting to stop it)."""
        deadline = time.monotonic() + READY_TIMEOUT
        while not (folder / marker).exists():
            if marker == "stopped" and (folder / "done").exists():
                return
            if (folder / "error").exists() or self.proc.poll() is not None:
                self._line()
                raise RuntimeError(f"trial failed before {marker}: {self._error(folder)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"trial timed out before {marker}")
            time.sleep(0.001)

    def _error(self, folder: Path) -> str:
        path = folder / "error"
        return path.read_text()[-600:] if path.exists() else self._log_tail()


def _check(result: OpResult, delta: Counts, info: dict[str, Any]) -> None:
    result.trials += 1
    result.kills += info["killed"]  # else the worker had finished before the signal
    if info["error"]:
        result.problems.append(f"the worker failed: {info['error']}")
    if info["killed"] and info["writing"]:
        result.mid_write += 1
    if not delta:
        result.nothing += 1
    elif delta == result.reference:
        result.everything += 1
    else:
        result.partial.append(f"{delta} (complete: {result.reference})")


def _drill(db: Db, work: Path, rng: random.Random, until: float) -> Run:
    run = Run(db.name)
    started = time.monotonic()
    child = Child(db, work)  # makes the tables and the shared rows
    run.startup_s = time.monotonic() - started
    try:
        for index, name in enumerate(OPS):
            result = OpResult(name)
            run.ops.append(result)
            refs: list[Counts] = []
            writes = 0
            for _ in range(REFERENCE_RUNS):
                delta, info = child.trial(index)
                if info["error"] or not info["done"]:
                    raise RuntimeError(f"{name}: a complete run failed: {info['error']}")
                refs.append(delta)
                result.first_write_s, took, count = info["done"]
                result.seconds, writes = max(result.seconds, took), int(count)
            result.reference = refs[0]
            if any(r != refs[0] for r in refs) or not refs[0] or not writes:
                result.problems.append(f"complete runs differ or write nothing: {refs}")
            # An equal share of the time left, but always MIN_KILLS.
            deadline = time.monotonic() + (until - time.monotonic()) / (len(OPS) - index)
            while result.trials < MAX_TRIALS and (
                result.kills < MIN_KILLS or time.monotonic() < deadline
            ):
                if result.kills % 3 == 2:  # after a random one of its writes
                    delta, info = child.trial(index, stop_at=rng.randint(1, max(writes, 1)))
                else:  # at a random time, from the word to past the end
                    delay = rng.uniform(0, 1.25 * result.seconds)
                    delta, info = child.trial(index, kill_after=delay)
                _check(result, delta, info)
            run.reopened += result.trials  # each count after a kill opened the database anew
            delta, info = child.trial(index)
            if info["error"] or delta != result.reference:
                result.problems.append(f"the run after the kills: {delta} {info['error']}")
        delta, info = child.trial(len(OPS))  # the control, complete
        writes = int(info["done"][2]) if info["done"] else 0
        for _ in range(CONTROL_KILLS):
            caught, _ = child.trial(len(OPS), stop_at=rng.randint(2, max(writes, 2)))
            run.control_caught += bool(caught) and caught != delta
    finally:
        child.close()
    run.healthy = db.healthy() == ""
    return run


# ---- databases ----------------------------------------------------------------------------


def _run(database: str, work: Path, until: float) -> Run:
    rng = random.Random(f"{SEED}-{database}")
    work.mkdir()
    try:
        if database == "sqlite":
            return _drill(Db("sqlite", f"sqlite:///{work / 'crash.sqlite3'}"), work, rng, until)
        with pg_database(f"trellis_trust_crash_{os.getpid()}") as url:
            return _drill(Db("postgresql", url), work, rng, until)
    except Exception as exc:  # a drill that breaks is a miss on the scorecard, not an error
        return Run(database, error=f"{type(exc).__name__}: {exc}"[:800])


def test_killed_imports_and_services_write_all_or_nothing(figure):
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="trellis-trust-crash-") as tmp:
        runs: dict[str, Run] = {}

        def drill(database: str) -> None:
            runs[database] = _run(database, Path(tmp) / database, started + SECONDS - 10)

        threads = [threading.Thread(target=drill, args=(d,)) for d in ("sqlite", "postgresql")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    drills = [runs["sqlite"], runs["postgresql"]]
    ok = all(d.ok for d in drills)
    partial = sum(d.partial for d in drills)

    def line(d: Run) -> str:
        if d.error:
            return f"{d.database}: MISSED ({d.error[:200]})"
        mid = sum(o.mid_write for o in d.ops)
        return (
            f"{d.database}: {d.kills} kills ({mid} mid-write), {d.partial} partial, "
            f"{'reopened and checked' if d.healthy else 'NOT healthy'}, control caught "
            f"{d.control_caught} of {CONTROL_KILLS}"
        )

    figure(
        "crash",
        ok=ok,
        summary=f"{partial} partial writes in {sum(d.kills for d in drills)} kills of "
        f"{len(OPS)} operations; " + "; ".join(line(d) for d in drills),
        operations=OPS,
        seconds=round(time.monotonic() - started, 1),
        **{d.database: d.numbers() for d in drills},
    )
    assert ok, [d.numbers() for d in drills]
