"""``trellis manage export_oneroster --district SLUG FOLDER``: write the district's staff roster
as OneRoster 1.2 CSV files (bulk) into FOLDER."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from trellis.core.models import District
from trellis.interop.oneroster_out import write_roster


class Command(BaseCommand):
    help = "Write a district's staff roster as OneRoster 1.2 CSV files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--district", required=True, help="The district's slug.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            district = District.objects.get(slug=opts["district"])
        except District.DoesNotExist as error:
            raise CommandError(f"No district {opts['district']!r}.") from error
        folder: Path = opts["folder"]
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in write_roster(district).items():
            (folder / name).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote the {district.name} roster to {folder}.")
