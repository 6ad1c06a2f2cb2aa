"""Demo data exchange: Harbor Point's staff roster arrives once from its student information
system as a OneRoster 1.2 file (the sample in interop's fixtures), linking every demo person to
their roster id and adding their school roles."""

from __future__ import annotations

from pathlib import Path

from trellis.core.models import District, User
from trellis.interop import services
from trellis.interop.models import ImportKind, ImportRun, ImportStatus

SAMPLES = Path(__file__).resolve().parents[1] / "interop" / "fixtures" / "oneroster"


def interop_load(district: District, actor: User) -> int:
    """Import the district's sample roster unless it has been imported already; the rows
    written."""
    done = ImportRun.objects.filter(
        district=district, kind=ImportKind.ONEROSTER, status=ImportStatus.SUCCEEDED
    )
    if done.exists():
        return 0
    run = services.import_path(district=district, path=SAMPLES / district.slug, actor=actor)
    run = services.run_import(run.pk)
    if run.status != ImportStatus.SUCCEEDED:
        raise RuntimeError(f"The demo roster did not import: {run.errors[:3]}")
    return sum(
        n for kind in ("schools", "staff", "assignments") for n in run.counts.get(kind, {}).values()
    )
