"""One database's benchmark run (a child process: Django is configured once per process).

python -m benchmarks.run --database-url URL --scale L --out results.json [--load | --only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def _prepare_database(url: str) -> None:
    """Start from an empty database so every run measures the same thing."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", default="L", choices=["S", "M", "L"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--load", action="store_true", help="run the loopback load test instead")
    parser.add_argument("--only", choices=["imports", "assignment"],
                        help="run only a workload that needs no generated data")  # fmt: skip
    opts = parser.parse_args()

    _prepare_database(opts.database_url)
    os.environ["DATABASE_URL"] = opts.database_url
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory and slows each request
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if opts.load:
        from benchmarks.load import run_load

        results = run_load(database_url=opts.database_url, scale=opts.scale)
    elif opts.only == "imports":
        from benchmarks.imports import imports_results

        results = imports_results(scale=opts.scale)
    elif opts.only == "assignment":
        from benchmarks.assignment import assignment_results

        results = assignment_results(scale=opts.scale)
    else:
        from benchmarks.workloads import run_workloads

        results = run_workloads(scale=opts.scale)
    payload: list[dict[str, Any]] = [r.as_dict() for r in results]
    Path(opts.out).write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
