"""Reads of data exchange: import runs and their progress."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from trellis.core.models import District
from trellis.interop.models import ImportRun, ImportStatus
from trellis.interop.services import progress_path, read_progress


def import_runs(district: District) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(district=district).select_related("created_by")


def import_run(district: District, public_id: str) -> ImportRun:
    return ImportRun.objects.select_related("created_by").get(
        district=district, public_id=public_id
    )


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(run: ImportRun, now: dt.datetime | None = None) -> bool:
    """A running import whose worker is gone: no progress for longer than the limit, or (on this
    server) its process has ended."""
    if run.status != ImportStatus.RUNNING:
        return False
    now = now or timezone.now()
    limit = dt.timedelta(seconds=int(getattr(settings, "TRELLIS_IMPORT_STALE_SECONDS", 300)))
    try:
        touched = dt.datetime.fromtimestamp(progress_path(run).stat().st_mtime, tz=dt.UTC)
    except OSError:
        touched = run.started_at or run.created_at
    quiet = now - touched
    return quiet > limit or (quiet > dt.timedelta(seconds=10) and not _alive(run.worker_pid))


def progress(run: ImportRun) -> dict[str, Any]:
    """Phase, rows done and the share done (0–100) for the progress bar."""
    data = read_progress(run)
    done, total = int(data.get("done", 0)), int(data.get("total", 0))
    percent = 100 if run.is_finished else (round(100 * done / total) if total else 0)
    return {**data, "done": done, "total": total, "percent": percent}


_KINDS = ("schools", "staff", "assignments")
_OUTCOMES = ("created", "updated", "ended", "unchanged")


def summary_rows(run: ImportRun) -> list[tuple[str, list[int]]]:
    """The summary table: per kind, created, updated, ended and unchanged."""
    counts = run.counts or {}
    return [
        (kind, [int(counts.get(kind, {}).get(o, 0)) for o in _OUTCOMES])
        for kind in _KINDS
        if kind in counts
    ]
