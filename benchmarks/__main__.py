"""`make bench`: every workload on SQLite, and on PostgreSQL too when DATABASE_URL points there.

Each database runs in its own child process on a fresh benchmark database (never the one named
by DATABASE_URL itself). Lines print as results arrive; everything goes to var/bench/ as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = Path(os.environ.get("TRELLIS_VAR_DIR", ROOT / "var")) / "bench"


def _databases(scale: str, load: bool) -> list[tuple[str, str]]:
    suffix = f"{scale.lower()}{'_load' if load else ''}"
    dbs = [("sqlite", f"sqlite:///{OUT_DIR / f'bench_{suffix}.sqlite3'}")]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        base = url.rsplit("/", 1)[0]
        dbs.append(("postgresql", f"{base}/trellis_bench_{suffix}"))
    return dbs


def _git_commit() -> str:
    try:
        git = shutil.which("git") or "git"
        return subprocess.run(  # noqa: S603 — fixed arguments
            [git, "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _machine() -> dict[str, Any]:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory = meminfo.read_text().splitlines()[0].split(":")[1].strip()
    return {
        "hostname": platform.node(), "platform": platform.platform(),
        "python": platform.python_version(), "cpus": os.cpu_count(), "memory": memory,
    }  # fmt: skip


def _child(url: str, scale: str, load: bool, only: str | None) -> list[dict[str, Any]]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    args = [sys.executable, "-m", "benchmarks.run", "--database-url", url, "--scale", scale,
            "--out", str(out)] + (["--load"] if load else [])  # fmt: skip
    args += ["--only", only] if only else []
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TRELLIS_VAR_DIR"] = str(OUT_DIR / "var")
    subprocess.run(args, cwd=ROOT, env=env, check=True)  # noqa: S603 — our own module
    results: list[dict[str, Any]] = json.loads(out.read_text())
    out.unlink()
    return results


def _line(r: dict[str, Any]) -> str:
    from benchmarks.measure import Result

    fields = {k: v for k, v in r.items() if k != "within_budget"}
    return Result(**fields).line()


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--scale", default=os.environ.get("SCALE", "L"), choices=["S", "M", "L"])
    parser.add_argument("--load-scale", default="M", choices=["S", "M", "L"])
    parser.add_argument("--no-load", action="store_true", help="skip the loopback load test")
    parser.add_argument(
        "--only", choices=["imports", "assignment"], help="run only this workload, no load test"
    )
    opts = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)

    results: list[dict[str, Any]] = []
    no_load = opts.no_load or opts.only is not None
    runs = [(opts.scale, False)] + ([] if no_load else [(opts.load_scale, True)])
    for scale, load in runs:
        for name, url in _databases(scale, load):
            what = "load test" if load else "workloads"
            print(f"\n--- {what} on {name} at scale {scale}", flush=True)
            for r in _child(url, scale, load, opts.only):
                results.append(r)
                print(_line(r), flush=True)

    over = [r for r in results if not r["within_budget"]]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "when": stamp, "git_commit": _git_commit(), "machine": _machine(),
        "databases": sorted({r["database"] for r in results}),
        "scales": {"workloads": opts.scale, "load": None if no_load else opts.load_scale},
        "only": opts.only,
        "results": results, "over_budget": [r["workload"] + "/" + r["database"] for r in over],
    }  # fmt: skip
    # One workload's run leaves latest.json to the last full run, which later runs compare with.
    paths = [OUT_DIR / f"results-{stamp}.json"] + ([] if opts.only else [OUT_DIR / "latest.json"])
    for path in paths:
        path.write_text(json.dumps(report, indent=2))
    print(f"\n{len(results)} results, {len(over)} over budget; written to {paths[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
