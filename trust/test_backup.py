"""Figure 11: the backup and restore drill. The demo consortium is loaded into a fresh database
(`trellis demo --no-serve`, in a temporary TRELLIS_VAR_DIR), backed up the way an operator
would, restored into an empty database, and every table compared, source against restored:
its row count and a checksum of every row's contents in primary-key order. Both databases
Trellis runs on are drilled:

- SQLite: the online backup API (what ``sqlite3 trellis.sqlite3 ".backup file"`` does, safe
  while the server writes in WAL mode) into a backup file, then restored from it into a new,
  empty file; ``PRAGMA integrity_check`` on the result.
- PostgreSQL: ``pg_dump -Fc`` of a database of the drill's own, ``pg_restore`` into a new,
  empty database; sequences are compared too, since a restore that reset them would fail on
  the next insert. The server is the one ``DATABASE_URL`` names when it is a PostgreSQL URL,
  else postgres@127.0.0.1:5432. When it cannot be reached the figure records a miss.

Django must also find the restored database fully migrated (``migrate --check``). A control
then deletes one row and changes one value in each restored database, and the comparison
must find exactly those two tables, so the figure is known to see a bad restore.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from trust.databases import pg_base

TRELLIS = Path(sys.executable).with_name("trellis")
MIN_TABLES = 100  # the demo fills well over a hundred tables and ~19,000 rows
MIN_ROWS = 10_000
CONTROL_VALUE_TABLE = "core_user"  # the control changes one user's first name

Summary = dict[str, tuple[int, str]]  # table -> (row count, checksum)


@dataclass
class Drill:
    database: str
    tables: int = 0
    rows: int = 0
    sequences: int = 0
    mismatches: list[str] = field(default_factory=list)
    dump_bytes: int = 0
    backup_seconds: float = 0.0
    restore_seconds: float = 0.0
    load_seconds: float = 0.0
    migrated: bool = False
    control: list[str] = field(default_factory=list)
    control_expected: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return (
            not self.error
            and not self.mismatches
            and self.tables >= MIN_TABLES
            and self.rows >= MIN_ROWS
            and self.migrated
            and bool(self.control_expected)
            and sorted(self.control) == sorted(self.control_expected)
        )

    def numbers(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "rows": self.rows,
            "sequences": self.sequences,
            "mismatches": len(self.mismatches),
            "mismatch_detail": self.mismatches[:20],
            "dump_bytes": self.dump_bytes,
            "backup_seconds": round(self.backup_seconds, 3),
            "restore_seconds": round(self.restore_seconds, 3),
            "load_seconds": round(self.load_seconds, 1),
            "migrated": self.migrated,
            "control_found": self.control,
            "error": self.error,
        }

    def line(self) -> str:
        if self.error:
            return f"{self.database}: MISSED ({self.error})"
        return (
            f"{self.database}: {len(self.mismatches)} mismatches in {self.tables} tables, "
            f"{self.rows:,} rows ({self.dump_bytes / 1e6:.1f} MB backup, restored in "
            f"{self.restore_seconds:.2f} s)"
        )


# ---- running Trellis --------------------------------------------------------------------


def _env(var_dir: Path, url: str) -> dict[str, str]:
    env = {**os.environ, "TRELLIS_VAR_DIR": str(var_dir), "DATABASE_URL": url}
    env["TRELLIS_ENV"] = "development"
    for name in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "TRELLIS_TASKS"):
        env.pop(name, None)
    return env


def _start_demo(var_dir: Path, url: str) -> subprocess.Popen[bytes]:
    var_dir.mkdir(parents=True, exist_ok=True)
    with (var_dir / "demo.log").open("wb") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [str(TRELLIS), "demo", "--no-serve"],
            env=_env(var_dir, url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _finish_demo(proc: subprocess.Popen[bytes], var_dir: Path) -> str:
    """Wait for a demo load; return "" when it worked, else the end of its output."""
    try:
        rc = proc.wait(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = -1
    if rc == 0:
        return ""
    tail = (var_dir / "demo.log").read_text(errors="replace")[-600:]
    return f"demo load failed (exit {rc}): {tail}"


def _migrated(var_dir: Path, url: str) -> bool:
    result = subprocess.run(
        [str(TRELLIS), "manage", "migrate", "--check"],
        env=_env(var_dir, url),
        capture_output=True,
        check=False,
        timeout=300,
    )
    return result.returncode == 0


def _compare(drill: Drill, source: Summary, restored: Summary) -> list[str]:
    found = []
    for table in sorted(source.keys() | restored.keys()):
        if table not in restored:
            found.append(f"{table}: missing from the restore")
        elif table not in source:
            found.append(f"{table}: only in the restore")
        elif source[table][0] != restored[table][0]:
            found.append(f"{table}: {source[table][0]} rows, {restored[table][0]} restored")
        elif source[table][1] != restored[table][1]:
            found.append(f"{table}: checksum differs")
    return [f"{drill.database} {item}" for item in found]


# ---- SQLite -----------------------------------------------------------------------------


def _sqlite_summary(path: Path) -> Summary:
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if row[0] != "sqlite_stat1"  # planner statistics, rebuilt by ANALYZE
        ]
        out: Summary = {}
        for table in tables:
            name = table.replace('"', '""')
            info = list(db.execute(f'PRAGMA table_info("{name}")'))
            pk = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
            order = ", ".join(f'"{c}"' for c in (pk or [row[1] for row in info]))
            digest = hashlib.sha256()
            count = 0
            for row in db.execute(f'SELECT * FROM "{name}" ORDER BY {order}'):  # noqa: S608
                digest.update(repr(row).encode())
                digest.update(b"\n")
                count += 1
            out[table] = (count, digest.hexdigest())
        return out


def _sqlite_control(path: Path, summary: Summary) -> list[str]:
    """Delete one row of the largest table and change one user's first name."""
    largest = max((t for t in summary if t != CONTROL_VALUE_TABLE), key=lambda t: summary[t][0])
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(f'DELETE FROM "{largest}" WHERE rowid = (SELECT max(rowid) FROM "{largest}")')  # noqa: S608
        db.execute(
            f"UPDATE {CONTROL_VALUE_TABLE} SET first_name = first_name || '!' "  # noqa: S608
            f"WHERE id = (SELECT min(id) FROM {CONTROL_VALUE_TABLE})"
        )
    return [f"sqlite {largest}: rows", f"sqlite {CONTROL_VALUE_TABLE}: checksum"]


def _drill_sqlite(work: Path) -> Drill:
    drill = Drill("sqlite")
    var_dir = work / "sqlite"
    source, backup, restored = (
        var_dir / "trellis.sqlite3",
        work / "backup.sqlite3",
        work / "restored.sqlite3",
    )
    t0 = time.monotonic()
    drill.error = _finish_demo(_start_demo(var_dir, f"sqlite:///{source}"), var_dir)
    drill.load_seconds = time.monotonic() - t0
    if drill.error:
        return drill
    t = time.monotonic()
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(backup)) as dst,
    ):
        src.backup(dst)
    drill.backup_seconds = time.monotonic() - t
    drill.dump_bytes = backup.stat().st_size
    assert not restored.exists()
    t = time.monotonic()
    with (
        contextlib.closing(sqlite3.connect(backup)) as src,
        contextlib.closing(sqlite3.connect(restored)) as dst,
    ):
        src.backup(dst)
    drill.restore_seconds = time.monotonic() - t
    with contextlib.closing(sqlite3.connect(restored)) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        drill.mismatches.append(f"sqlite integrity_check: {integrity}")
    before, after = _sqlite_summary(source), _sqlite_summary(restored)
    drill.tables, drill.rows = len(before), sum(n for n, _ in before.values())
    drill.mismatches += _compare(drill, before, after)
    drill.migrated = _migrated(var_dir, f"sqlite:///{restored}")
    drill.control_expected = _sqlite_control(restored, after)
    drill.control = _kinds(_compare(drill, before, _sqlite_summary(restored)))
    return drill


def _kinds(found: list[str]) -> list[str]:
    """ "pg x: 10 rows, 9 restored" -> "pg x: rows"; "... checksum differs" -> "...: checksum"."""
    return [f"{m.split(':')[0]}: {'checksum' if 'checksum' in m else 'rows'}" for m in found]


# ---- PostgreSQL -------------------------------------------------------------------------


def _pg(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def _tool(name: str) -> str:
    found = shutil.which(name) or f"/usr/bin/{name}"
    if not Path(found).exists():
        raise FileNotFoundError(f"{name} not found")
    return found


@contextlib.contextmanager
def _pg_databases(base: str, names: list[str]) -> Iterator[None]:
    """Create the drill's own (empty) databases, and drop them whatever happens."""
    with _pg(f"{base}/postgres") as admin:
        try:
            for name in names:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
                )
            yield
        finally:
            for name in names:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


_PG_TABLES = """
SELECT c.oid, n.nspname, c.relname,
       coalesce(array_agg(a.attname ORDER BY array_position(i.indkey, a.attnum))
                FILTER (WHERE a.attname IS NOT NULL), '{}')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
GROUP BY c.oid, n.nspname, c.relname
"""


def _pg_summary(url: str) -> tuple[Summary, dict[str, int | None]]:
    out: Summary = {}
    with _pg(url) as db:
        for _, schema, table, pk in db.execute(_PG_TABLES).fetchall():
            ident = sql.Identifier(schema, table)
            order = (
                sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in pk)
                if pk
                else sql.SQL("t::text")
            )
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY {}), '')) "
                "FROM {} AS t"
            ).format(order, ident)
            count, checksum = db.execute(query).fetchone() or (0, "")
            out[f"{schema}.{table}"] = (count, checksum)
        sequences = {
            f"{schema}.{name}": value
            for schema, name, value in db.execute(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences"
            ).fetchall()
        }
    return out, sequences


def _pg_control(url: str, summary: Summary) -> list[str]:
    """Delete one row of the largest table and change one user's first name."""
    value_table = f"public.{CONTROL_VALUE_TABLE}"
    largest = max((t for t in summary if t != value_table), key=lambda t: summary[t][0])
    schema, table = largest.split(".", 1)
    with _pg(url) as db:
        db.execute("SET session_replication_role = replica")  # no foreign-key checks
        db.execute(
            sql.SQL("DELETE FROM {t} WHERE ctid = (SELECT max(ctid) FROM {t})").format(
                t=sql.Identifier(schema, table)
            )
        )
        db.execute(
            sql.SQL(
                "UPDATE {t} SET first_name = first_name || '!' WHERE id = (SELECT min(id) FROM {t})"
            ).format(t=sql.Identifier("public", CONTROL_VALUE_TABLE))
        )
    return [f"postgresql {largest}: rows", f"postgresql {value_table}: checksum"]


def _drill_postgres(work: Path) -> Drill:
    drill = Drill("postgresql")
    base = pg_base()
    names = [f"trellis_trust_backup_{os.getpid()}_src", f"trellis_trust_backup_{os.getpid()}_dst"]
    source, restored = (f"{base}/{name}" for name in names)
    var_dir, dump = work / "postgresql", work / "trellis.dump"
    try:
        pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
        with _pg(f"{base}/postgres"):
            pass
    except (OSError, psycopg.Error) as exc:
        drill.error = f"PostgreSQL not reachable at {base}: {exc}".strip()
        return drill
    with _pg_databases(base, names):
        t0 = time.monotonic()
        drill.error = _finish_demo(_start_demo(var_dir, source), var_dir)
        drill.load_seconds = time.monotonic() - t0
        if drill.error:
            return drill
        t = time.monotonic()
        dumped = subprocess.run(
            [pg_dump, "--format=custom", f"--file={dump}", f"--dbname={source}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        drill.backup_seconds = time.monotonic() - t
        if dumped.returncode != 0:
            drill.error = f"pg_dump failed: {dumped.stderr[-600:]}"
            return drill
        drill.dump_bytes = dump.stat().st_size
        empty, _ = _pg_summary(restored)
        assert not empty, f"{names[1]} is not empty before the restore"
        t = time.monotonic()
        restore = subprocess.run(
            [pg_restore, "--exit-on-error", f"--dbname={restored}", str(dump)],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        drill.restore_seconds = time.monotonic() - t
        if restore.returncode != 0:
            drill.mismatches.append(f"postgresql pg_restore failed: {restore.stderr[-600:]}")
        (before, seq_before), (after, seq_after) = _pg_summary(source), _pg_summary(restored)
        drill.tables, drill.rows = len(before), sum(n for n, _ in before.values())
        drill.sequences = len(seq_before)
        drill.mismatches += _compare(drill, before, after)
        drill.mismatches += [
            f"postgresql sequence {name}: {value} vs {seq_after.get(name)} restored"
            for name, value in sorted(seq_before.items())
            if seq_after.get(name) != value
        ]
        drill.migrated = _migrated(var_dir, restored)
        drill.control_expected = _pg_control(restored, after)
        drill.control = _kinds(_compare(drill, before, _pg_summary(restored)[0]))
    return drill


# ---- the figure -------------------------------------------------------------------------


def _run(drill: Callable[[Path], Drill], database: str, work: Path) -> Drill:
    try:
        return drill(work)
    except Exception as exc:  # a drill that breaks is a miss on the scorecard, not an error
        return Drill(database, error=f"{type(exc).__name__}: {exc}"[:600])


def test_backup_restores_every_row_on_sqlite_and_postgresql(figure):
    with (
        tempfile.TemporaryDirectory(prefix="trellis-trust-backup-") as tmp,
        ThreadPoolExecutor(max_workers=2) as pool,  # the two demo loads run side by side
    ):
        work = Path(tmp)
        jobs = [
            pool.submit(_run, _drill_sqlite, "sqlite", work),
            pool.submit(_run, _drill_postgres, "postgresql", work),
        ]
        drills = [job.result() for job in jobs]
    ok = all(d.ok for d in drills)
    mismatches = sum(len(d.mismatches) for d in drills)
    figure(
        "backup",
        ok=ok,
        summary=f"{mismatches} mismatches; " + "; ".join(d.line() for d in drills),
        **{d.database: d.numbers() for d in drills},
    )
    assert ok, [d.numbers() for d in drills]
