"""``trellis manage import_roster --district SLUG PATH``: import a OneRoster 1.2 zip or folder
now, in this process, and print the summary (or every problem, with file, line and column)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from trellis.core.models import District
from trellis.interop import services
from trellis.interop.models import ImportStatus


class Command(BaseCommand):
    help = "Import a OneRoster 1.2 roster (zip or folder) into one district."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--district", required=True, help="The district's slug.")
        parser.add_argument(
            "--progress-file", type=Path, help="Also write progress here (JSON), as it goes."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            district = District.objects.get(slug=opts["district"])
        except District.DoesNotExist as error:
            raise CommandError(f"No district {opts['district']!r}.") from error
        run = services.import_path(district=district, path=path.resolve())
        run = services.run_import(run.pk, progress_file=opts["progress_file"])
        if run.status != ImportStatus.SUCCEEDED:
            for problem in run.errors:
                where = problem["file"]
                if problem.get("line"):
                    where += f", line {problem['line']}"
                if problem.get("column"):
                    where += f", column {problem['column']}"
                self.stderr.write(f"{where}: {problem['message']}")
            raise CommandError(f"Not imported: {run.error_count} problems; nothing was written.")
        for kind, outcomes in run.counts.items():
            figures = ", ".join(f"{n} {outcome}" for outcome, n in outcomes.items())
            self.stdout.write(f"{kind}: {figures}")
        self.stdout.write(f"Imported ({run.mode}).")
