"""``trellis delete-district SLUG --confirm SLUG [--out FILE]``: delete every row of one district
in one transaction, print what went, table by table, and write a signed record of it.
``trellis delete-district --verify FILE`` checks such a record's signature."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.management.base import BaseCommand, CommandError

from trellis.core import deletion
from trellis.core.models import District


class Command(BaseCommand):
    help = "Delete one district and everything of it; write a signed record that it happened."
    stealth_options = ("interactive",)  # call_command(..., interactive=False): never prompt

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", nargs="?", help="The district's slug.")
        parser.add_argument(
            "--confirm", metavar="SLUG", help="The slug again: nothing is asked when it matches."
        )
        parser.add_argument(
            "--out", type=Path, help="Where to write the signed record (default: var/deletions/)."
        )
        parser.add_argument(
            "--verify",
            type=Path,
            metavar="FILE",
            help="Check a record's signature, delete nothing.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["verify"]:
            self._verify(Path(opts["verify"]))
            return
        slug = opts["slug"]
        if not slug:
            raise CommandError("Name the district to delete by its slug (or use --verify FILE).")
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"No district {slug!r}; nothing was deleted.")
        self._confirm(district, opts["confirm"], interactive=opts.get("interactive", True))
        try:
            result = deletion.district_delete(district=district)
        except deletion.DistrictDeletionError as error:
            raise CommandError(f"{error}. Nothing was deleted.") from error
        for table, count in sorted(result.rows.items()):
            self.stdout.write(f"{table:<48} {count:>8}")
        out = Path(opts["out"]) if opts["out"] else deletion.default_out(result)
        path = deletion.confirmation_write(result, out)
        self.stdout.write(
            f"Deleted {district.name} ({slug}): {result.total:,} rows in {len(result.rows)} "
            f"tables, {result.files} files. Signed record: {path}"
        )

    def _confirm(self, district: District, confirm: str | None, *, interactive: bool) -> None:
        if confirm is not None:
            if confirm != district.slug:
                raise CommandError(
                    f"--confirm {confirm!r} does not match {district.slug!r}; nothing was deleted."
                )
            return
        if not interactive or not sys.stdin.isatty():
            raise CommandError(
                f"Deleting {district.name} cannot be undone: add --confirm {district.slug}."
            )
        answer = input(
            f"This deletes {district.name} and everything of it, for good.\n"
            f"Type its slug ({district.slug}) to go ahead: "
        )
        if answer.strip() != district.slug:
            raise CommandError("Not confirmed; nothing was deleted.")

    def _verify(self, path: Path) -> None:
        try:
            record = deletion.confirmation_verify(path)
        except signing.BadSignature as error:
            raise CommandError(f"{path}: NOT a valid deletion record ({error}).") from error
        district = record.get("district", {})
        self.stdout.write(
            f"{path}: valid. {district.get('name')} ({district.get('slug')}, id "
            f"{district.get('id')}) deleted at {record.get('deleted_at')}: "
            f"{record.get('total_rows_deleted')} rows."
        )
