"""The sample rosters and a way to make broken copies of them, as real zip files."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from trellis.core.models import District, User
from trellis.interop import services
from trellis.interop.models import ImportRun

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "oneroster"
MAPLE = SAMPLES / "maple-valley"
MAPLE_DELTA = SAMPLES / "maple-valley-delta"
HARBOR = SAMPLES / "harbor-point"
MAPLE_LEA = 3200110
HARBOR_LEA = 3200130


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def make_zip(
    target: Path,
    folder: Path,
    *,
    change: Mapping[str, bytes | Callable[[bytes], bytes]] | None = None,
    extra: Mapping[str, bytes] | None = None,
) -> Path:
    """A zip of ``folder``'s files, with some replaced or rewritten and some added (by the
    name they get inside the zip)."""
    files = files_of(folder)
    for name, how in (change or {}).items():
        files[name] = how(files[name]) if callable(how) else how
    files.update(extra or {})
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def import_now(district: District, path: Path, actor: User | None = None) -> ImportRun:
    run = services.import_path(district=district, path=path, actor=actor)
    return services.run_import(run.pk)
