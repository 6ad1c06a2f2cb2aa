"""Starting and running imports. One import writes inside one transaction together with its own
record, so the database holds either all of it or none of it, whether the import fails, crashes
or its process is killed."""

from __future__ import annotations

import json
import logging
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from trellis.core.audit import audit_record
from trellis.core.models import District, User
from trellis.core.uploads import check_upload
from trellis.interop import oneroster, sheets
from trellis.interop.models import ImportKind, ImportRun, ImportStatus
from trellis.org.roster import RosterConflict, apply_roster, roster_ids

logger = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"


# -- Progress, written beside the database so a page can read it while the import's transaction
# is still open. -------------------------------------------------------------------------------


def progress_path(run: ImportRun) -> Path:
    return Path(settings.VAR_DIR) / "imports" / f"{run.public_id}.json"


def write_progress(path: Path, phase: str, done: int = 0, total: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
    partial.replace(path)  # atomic: a reader sees the old figures or the new, never half


def read_progress(run: ImportRun) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(progress_path(run).read_text())
    except (OSError, ValueError):
        return {"phase": "waiting", "done": 0, "total": 0}
    return data


# -- Starting ---------------------------------------------------------------------------------


def import_start(
    *, district: District, upload: UploadedFile, actor: User, kind: str = ImportKind.ONEROSTER
) -> ImportRun:
    """Keep the uploaded roster and queue its import; the import itself runs in the background
    (or at once, where no worker is configured)."""
    if kind == ImportKind.ONEROSTER:
        check_upload(
            upload,
            field="file",
            label="The roster",
            types={"zip": ZIP_MAGIC},
            max_bytes=oneroster.MAX_ARCHIVE_BYTES,
            kinds_message="Upload the roster as a .zip file holding manifest.csv, orgs.csv, "
            "users.csv and roles.csv.",
        )
    else:
        check_upload(
            upload,
            field="file",
            label="The spreadsheet",
            types={"csv": b"", "xlsx": ZIP_MAGIC},
            max_bytes=sheets.MAX_SHEET_BYTES,
            kinds_message="Upload the sheet as .csv (UTF-8) or .xlsx, starting from the template.",
        )
    with transaction.atomic():
        run = ImportRun(
            district=district,
            kind=kind,
            file_name=(upload.name or "roster.zip")[:255],
            file_size=upload.size or 0,
            created_by=actor,
        )
        extension = (upload.name or "").rsplit(".", 1)[-1].lower()
        run.file.save(f"{run.public_id}.{extension}", upload, save=False)
        run.save()
        audit_record(actor=actor, action="interop.import_queued", target=run)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def import_path(*, district: District, path: Path, actor: User | None = None) -> ImportRun:
    """Keep a copy of a roster zip or folder already on this server (the command line) and
    record its import, to be run with :func:`run_import`."""
    run = ImportRun(district=district, kind=ImportKind.ONEROSTER, file_name=path.name[:255],
                    created_by=actor)  # fmt: skip
    stored = f"imports/cli/{run.public_id}.zip"
    target = Path(settings.MEDIA_ROOT) / stored
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in sorted(path.glob("*.csv")):
                archive.write(item, item.name)
    else:
        shutil.copyfile(path, target)
    run.file.name = stored
    run.file_size = target.stat().st_size
    with transaction.atomic():
        run.save()
        audit_record(actor=actor, action="interop.import_queued", target=run)
    return run


def _enqueue(run_id: int) -> None:
    from trellis.interop.tasks import run_import_task

    run_import_task.enqueue(run_id)


# -- Running ----------------------------------------------------------------------------------


def _finish(run: ImportRun, status: str, problems: list[dict[str, Any]], count: int) -> None:
    run.status = status
    run.errors = problems
    run.error_count = count
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save(update_fields=["status", "errors", "error_count", "finished_at"])
        if status == ImportStatus.FAILED:  # a success is recorded with its counts by the caller
            audit_record(actor=run.created_by, action="interop.import_failed", target=run,
                         changes={"error_count": [None, count]})  # fmt: skip


def run_import(run_id: int, *, progress_file: Path | None = None) -> ImportRun:
    """Check the roster, then write all of it or none of it. Safe to call twice: only a queued
    run is taken."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), worker_pid=os.getpid()
    )
    run = ImportRun.objects.select_related("district", "created_by").get(pk=run_id)
    if not claimed:
        return run
    path = progress_file or progress_path(run)
    write_progress(path, "reading")
    try:
        _run(run, path)
    except Exception:
        logger.exception("import %s stopped on an unexpected error", run.pk)
        message = (
            "the import stopped on an unexpected error; nothing was written. The error is in "
            "the server log."
        )
        _finish(run, ImportStatus.FAILED, [_problem(run.file_name, message)], 1)
    finally:
        write_progress(path, "finished")
    return run


def _problem(file: str, message: str) -> dict[str, Any]:
    return {"file": file, "line": None, "column": None, "message": message}


def _run(run: ImportRun, path: Path) -> None:
    if run.kind in sheets.SHEETS:
        _run_sheet(run, path)
        return
    district = run.district
    files, problems = oneroster.unpack(Path(run.file.path), run.file_name)
    if problems:
        _finish(run, ImportStatus.FAILED, [p.as_dict() for p in problems.kept], problems.count)
        return
    write_progress(path, "checking")
    schools, staff = roster_ids(district)
    other_orgs = set()
    for earlier in ImportRun.objects.filter(
        district=district, kind=ImportKind.ONEROSTER, status=ImportStatus.SUCCEEDED
    ).values_list("other_orgs", flat=True):
        other_orgs.update(earlier)
    roster, problems = oneroster.read_roster(
        files, known_orgs=schools | other_orgs, known_users=staff
    )
    del files
    if problems:
        _finish(run, ImportStatus.FAILED, [p.as_dict() for p in problems.kept], problems.count)
        return
    total = roster.rows

    def progress(done: int, _total: int) -> None:
        write_progress(path, "writing", done, total)

    write_progress(path, "writing", 0, total)
    try:
        with transaction.atomic():
            counts: dict[str, Any] = apply_roster(
                district,
                mode=roster.mode,
                orgs=roster.orgs,
                users=roster.users,
                roles=roster.roles,
                today=timezone.localdate(),
                progress=progress,
            )
            counts["ignored"] = {
                "users": roster.ignored_users,
                "roles": roster.ignored_roles,
            }
            run.counts = counts
            run.mode = roster.mode
            run.other_orgs = sorted(o.sourced_id for o in roster.orgs if o.type != "school")
            _finish(run, ImportStatus.SUCCEEDED, [], 0)
            run.save(update_fields=["counts", "mode", "other_orgs"])
            audit_record(
                actor=run.created_by,
                action="interop.roster_imported",
                target=run,
                changes=_audit_changes(counts),
            )
    except RosterConflict as conflict:
        kept = [
            {"file": c.file, "line": c.line, "column": c.column, "message": c.message}
            for c in conflict.conflicts[: oneroster.MAX_REPORTED]
        ]
        _finish(run, ImportStatus.FAILED, kept, len(conflict.conflicts))


def _run_sheet(run: ImportRun, path: Path) -> None:
    write_progress(path, "writing")
    try:
        with transaction.atomic():
            counts = sheets.import_sheet(
                district=run.district,
                kind=run.kind,
                path=Path(run.file.path),
                name=run.file_name,
                actor=run.created_by,
            )
            run.counts = counts
            _finish(run, ImportStatus.SUCCEEDED, [], 0)
            run.save(update_fields=["counts"])
            audit_record(
                actor=run.created_by,
                action=f"interop.{run.kind}_imported",
                target=run,
                changes=_audit_changes(counts),
            )
    except sheets.SheetRejected as rejected:
        problems = rejected.problems
        _finish(run, ImportStatus.FAILED, [p.as_dict() for p in problems.kept], problems.count)


def _audit_changes(counts: dict[str, dict[str, int]]) -> dict[str, list[Any]]:
    return {
        f"{kind}.{outcome}": [None, n]
        for kind, outcomes in counts.items()
        for outcome, n in outcomes.items()
        if n
    }


def interrupted_if_stale(run: ImportRun) -> ImportRun:
    """A running import whose worker is gone is marked interrupted as it is read; the page and
    the API read a run through here, so neither can show one "running" forever."""
    from trellis.interop.selectors import is_stale  # selectors read this module's progress

    if is_stale(run):
        mark_interrupted(run)
    return run


@transaction.atomic
def mark_interrupted(run: ImportRun) -> None:
    """Record that a run's worker died; its transaction never committed, so nothing of it is in
    the database."""
    updated = ImportRun.objects.filter(
        pk=run.pk, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).update(status=ImportStatus.INTERRUPTED, finished_at=timezone.now())
    if updated:
        run.refresh_from_db()
        audit_record(actor=None, action="interop.import_interrupted", target=run)
