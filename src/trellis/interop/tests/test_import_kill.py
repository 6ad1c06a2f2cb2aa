"""Kill an import's process at random points and find the database exactly as it was.

The import runs as `trellis manage import_roster` in its own process against a scratch database
of the engine this test run uses (SQLite, or PostgreSQL when DATABASE_URL points there), is
killed with SIGKILL (no cleanup, no rollback of ours), and the roster tables are compared row
by row with the state before it started.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from trellis.interop.tests.rosters import MAPLE, MAPLE_LEA, files_of

TABLES = (
    "org_school",
    "org_staff",
    "org_schoolassignment",
    "org_employment",
    "core_auditevent",
)
EXTRA_STAFF = 3000
ATTEMPTS = 4


class Scratch:
    """A migrated scratch database and the environment that points the command line at it."""

    def __init__(self, url: str, var: Path) -> None:
        self.url = url
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "TRELLIS_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "trellis.config.settings",
        }

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 — our own command line, fixed arguments
            [sys.executable, "-m", "trellis.cli", "manage", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=600,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "trellis.cli", "manage", *args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()  # type: ignore[arg-type]

    def snapshot(self) -> dict[str, tuple[int, str]]:
        result = {}
        for table in TABLES:
            # Queueing an import is recorded (and committed) before it starts; that one event
            # and the run's own record are the only rows a killed import may leave behind.
            where = " WHERE action <> 'interop.import_queued'" if table == "core_auditevent" else ""
            rows = self.rows(f"SELECT * FROM {table}{where} ORDER BY id")  # noqa: S608
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return result


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    var = tmp_path_factory.mktemp("kill-var")
    engine = settings.DATABASES["default"]["ENGINE"]
    admin_url = os.environ.get("DATABASE_URL", "")
    name = f"trellis_kill_{uuid.uuid4().hex[:10]}"
    if "postgresql" in engine:
        import psycopg

        base = admin_url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        url = f"{base}/{name}"
    else:
        url = f"sqlite:///{var / 'kill.sqlite3'}"
    scratch = Scratch(url, var)
    try:
        scratch.manage("migrate", "-v", "0")
        scratch.manage(
            "shell",
            "-c",
            "from trellis.core.models import District; District.objects.create("
            f"name='Maple Valley', slug='maple-valley', lea_id={MAPLE_LEA}, state='NV')",
        )
        yield scratch
    finally:
        if "postgresql" in engine:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def big_roster(target: Path) -> Path:
    """The Maple Valley sample with thousands more teachers, and one of its people changed, so
    a finished import would change every table."""
    files = files_of(MAPLE)
    users = io.StringIO()
    roles = io.StringIO()
    users_out, roles_out = (
        csv.writer(users, lineterminator="\n"),
        csv.writer(roles, lineterminator="\n"),
    )
    schools = ["sch-3201101", "sch-3201102", "sch-3201103", "sch-3201104"]
    for n in range(EXTRA_STAFF):
        sid = f"KT{n:05d}"
        school = schools[n % 4]
        users_out.writerow(
            [
                sid,
                "",
                "",
                "true",
                f"kt{n}",
                "",
                f"Given{n}",
                f"Family{n}",
                "",
                sid,
                f"kt{n}@maple-valley.example.org",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                school,
                "",
            ]
        )
        roles_out.writerow(
            [f"role-{sid}", "", "", sid, "primary", "teacher", "2026-08-24", "", school, ""]
        )
    files["users.csv"] = (
        files["users.csv"].replace(b",Shelly,Payne,", b",Shelley,Payne,")
        + users.getvalue().encode()
    )
    files["roles.csv"] += roles.getvalue().encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def _progress(path: Path) -> dict[str, object]:
    try:
        data: dict[str, object] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data


def test_killed_imports_leave_the_database_unchanged(scratch: Scratch, tmp_path: Path) -> None:
    scratch.manage("import_roster", "--district", "maple-valley", str(MAPLE))
    before = scratch.snapshot()
    assert before["org_staff"][0] == 363
    roster = big_roster(tmp_path / "big.zip")
    total = 4 + 363 + EXTRA_STAFF + 363 + EXTRA_STAFF
    rng = random.Random(int(os.environ.get("TRELLIS_KILL_SEED", "0")) or None)
    killed_at = []
    for attempt in range(ATTEMPTS):
        progress = tmp_path / f"progress-{attempt}.json"
        # A random point: most while rows are being written, some while the roster is checked.
        phase, threshold = (
            ("checking", 0) if attempt == 0 else ("writing", rng.randrange(0, total - 1500, 500))
        )
        process = scratch.start(
            "import_roster",
            "--district",
            "maple-valley",
            str(roster),
            "--progress-file",
            str(progress),
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            state = _progress(progress)
            reached = state.get("phase") == phase and int(str(state.get("done", 0))) >= threshold
            if reached or (phase == "checking" and state.get("phase") == "writing"):
                break
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        killed_at.append((_progress(progress).get("phase"), _progress(progress).get("done")))
        assert scratch.snapshot() == before, f"attempt {attempt} killed at {killed_at[-1]}"
        succeeded = scratch.rows("SELECT COUNT(*) FROM interop_importrun WHERE status='succeeded'")
        assert succeeded == [(1,)]
    assert any(phase == "writing" for phase, _ in killed_at), killed_at

    # Left alone, the same import finishes and changes every roster table: the comparison
    # above would have seen a partial write.
    done = scratch.manage("import_roster", "--district", "maple-valley", str(roster))
    assert "Imported (bulk)." in done.stdout
    after = scratch.snapshot()
    assert after["org_staff"][0] == 363 + EXTRA_STAFF
    for table in TABLES[1:]:  # every table but the schools, which the roster leaves as they are
        assert after[table] != before[table], table


def test_a_queued_import_is_run_by_the_background_worker(scratch: Scratch, tmp_path: Path) -> None:
    """`trellis serve` hands imports to the database worker it starts; the same worker, run here
    for the tasks waiting, takes the import and finishes it."""
    env = {**scratch.env, "TRELLIS_TASKS": "database"}
    queue = (
        "from pathlib import Path; from trellis.core.models import District; "
        "from trellis.interop import services; "
        "run = services.import_path(district=District.objects.get(slug='maple-valley'), "
        f"path=Path({str(MAPLE)!r})); services._enqueue(run.pk); print(run.public_id)"
    )
    queued = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "trellis.cli", "manage", "shell", "-c", queue],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert queued.stdout.strip()
    status = "SELECT status FROM interop_importrun ORDER BY id DESC LIMIT 1"
    assert scratch.rows(status) == [("queued",)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "trellis.cli",
            "manage",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--queue-name",
            "*",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert scratch.rows(status) == [("succeeded",)]
