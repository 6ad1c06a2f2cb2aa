"""Figure 13: load. A bounded loopback load run against a real server: gunicorn with
``benchmarks/load.py``'s workers (``trellis serve``'s server and application), in production
mode (``TRELLIS_ENV=production``, DEBUG off, behind a TLS proxy as a district runs it, every
middleware on: the session clocks and the two-factor check included), on a
PostgreSQL database of the figure's own holding the scale generator's S district (372 staff in
4 schools, as ``make bench`` loads it). Concurrent clients (load.py's) ask the busiest pages as
the signed-in district admin (a session cookie) and the busiest API operations with an API
token, each target for at most ``REQUESTS`` requests or ``SECONDS`` seconds after a short
warm-up. Every answer must be 200; a connection refused, a timeout or any other status counts
as an error. Recorded per target and overall: requests, requests per second, p50 and p95
latency, errors, and the statuses seen.

The PostgreSQL server is the one ``DATABASE_URL`` names when it is a PostgreSQL URL, else
postgres@127.0.0.1:5432; the database is created and dropped by the figure.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.load import CONCURRENCY, WORKERS, LoadStats, _free_port, _hammer, _wait_healthy
from trust.databases import pg_database

ROOT = Path(__file__).resolve().parent.parent
SCALE = "S"
REQUESTS = 600  # per target, at most
SECONDS = 4.0  # per target, at most
WARMUP = 16  # requests per target before measuring (at most WARMUP_SECONDS)
WARMUP_SECONDS = 1.5
MIN_REQUESTS = 20  # per target: fewer measures nothing

# (name, path, credential): the pages people open most and the API reads integrations poll.
TARGETS = [
    ("district home page", "/", "session"),
    ("staff list page", "/staff/", "session"),
    ("staff list page, searched", "/staff/?q=a", "session"),
    ("staff member page", "/staff/{staff}/", "session"),
    ("staff list API", "/api/v1/staff?sort=name&limit=50", "token"),
    ("staff member API", "/api/v1/staff/{staff}", "token"),
    ("schools API", "/api/v1/schools", "token"),
    ("dashboard API", "/api/v1/insights/dashboard", "token"),
]


def prepare() -> None:
    """In a child process against the new database: tables, the S district, a signed-in
    session and an API token for its admin; prints them as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from trellis.core.models import User
    from trellis.core.services import api_token_create
    from trellis.demo.scale import SCALES, generate
    from trellis.org.models import Staff
    from trellis.signin import middleware as signin
    from trust.schema import build_schema

    build_schema()
    generate(scale=SCALE)
    user = User.objects.get(username=f"bench-{SCALES[SCALE].big.slug}")  # type: ignore[union-attr]
    token = api_token_create(user=user, name="trust load")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    now = int(time.time())  # signed in just now, second factor typed (the admin needs one)
    session[signin.STARTED], session[signin.SEEN], session[signin.VERIFIED] = now, now, True
    session.create()
    staff = Staff.objects.filter(district__slug=SCALES[SCALE].big.slug).order_by("pk")  # type: ignore[union-attr]
    print(
        json.dumps(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "token": token,
                "staff": staff.values_list("pk", flat=True)[len(staff) // 2],
                "rows": Staff.objects.count(),
            }
        )
    )


def _env(url: str, var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TRELLIS_VAR_DIR": str(var_dir),
        "TRELLIS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRELLIS_BEHIND_PROXY": "1",
        "DEBUG": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("TRELLIS_TASKS", None)
    return env


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def _numbers(stats: LoadStats) -> dict[str, Any]:
    lat = sorted(stats.latencies_ms)
    return {
        "requests": len(lat),
        "rps": round(len(lat) / stats.seconds, 1) if stats.seconds else 0.0,
        "p50_ms": round(statistics.median(lat), 1) if lat else 0.0,
        "p95_ms": round(_percentile(lat, 0.95), 1),
        "errors": stats.errors,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "seconds": round(stats.seconds, 2),
    }


def _run(work: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    with pg_database(f"trellis_trust_load_{os.getpid()}") as url:
        env = _env(url, work / "var")
        port = _free_port()
        started = time.monotonic()
        with (work / "server.log").open("wb") as log:  # it boots while the data is made
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "trellis.config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(WORKERS),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            prepared = subprocess.run(
                [sys.executable, "-c", "from trust.test_load import prepare; prepare()"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
        except BaseException:
            server.kill()
            server.wait()
            raise
        setup_s = time.monotonic() - started
        if prepared.returncode != 0:
            server.kill()
            server.wait()
            raise RuntimeError(f"preparing failed: {prepared.stderr[-800:]}")
        given = json.loads(prepared.stdout.strip().splitlines()[-1])
        results: dict[str, dict[str, Any]] = {}
        booted = time.monotonic()
        try:
            _wait_healthy(port, server)
            boot_s = time.monotonic() - booted
            proxy = {"X-Forwarded-Proto": "https"}
            credentials = {
                "session": {**proxy, "Cookie": given["cookie"]},
                "token": {**proxy, "Authorization": f"Bearer {given['token']}"},
            }
            for name, path, credential in TARGETS:
                path = path.format(staff=given["staff"])
                headers = credentials[credential]
                _hammer(port, path, headers, max_requests=WARMUP, max_seconds=WARMUP_SECONDS)
                stats = _hammer(port, path, headers, max_requests=REQUESTS, max_seconds=SECONDS)
                results[name] = {"path": path, "as": credential, **_numbers(stats)}
        finally:
            stopping = time.monotonic()
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            stop_s = time.monotonic() - stopping
        log_tail = (work / "server.log").read_text(errors="replace")[-1500:]
        meta = {
            "setup_seconds": round(setup_s, 1),
            "server_wait_seconds": round(boot_s, 1),
            "stop_seconds": round(stop_s, 1),
            "staff_rows": given["rows"],
            "server_log_tail": log_tail if any(r["errors"] for r in results.values()) else "",
        }
        return results, meta


def test_busiest_pages_and_api_answer_under_load_without_errors(figure):
    started = time.monotonic()
    error = ""
    results: dict[str, dict[str, Any]] = {}
    meta: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="trellis-trust-load-") as tmp:
        try:
            results, meta = _run(Path(tmp))
        except Exception as exc:  # a run that breaks is a miss on the scorecard, not an error
            error = f"{type(exc).__name__}: {exc}"[:800]
    requests = sum(r["requests"] for r in results.values())
    errors = sum(r["errors"] for r in results.values())
    seconds = sum(r["seconds"] for r in results.values())
    rps = requests / seconds if seconds else 0.0
    slowest = max(results.items(), key=lambda kv: kv[1]["p95_ms"], default=("", {"p95_ms": 0}))
    ok = (
        not error
        and len(results) == len(TARGETS)
        and errors == 0
        and all(r["requests"] >= MIN_REQUESTS for r in results.values())
    )
    figure(
        "load",
        ok=ok,
        summary=(
            f"MISSED ({error[:200]})"
            if error
            else f"{errors} errors in {requests:,} requests to {len(results)} pages and API "
            f"operations: {rps:,.0f} req/s overall with {CONCURRENCY} clients and "
            f"{WORKERS} workers on PostgreSQL; p95 at most {slowest[1]['p95_ms']:.0f} ms "
            f"({slowest[0]})"
        ),
        requests=requests,
        errors=errors,
        rps=round(rps, 1),
        concurrency=CONCURRENCY,
        workers=WORKERS,
        database="postgresql",
        scale=SCALE,
        targets=results,
        seconds=round(time.monotonic() - started, 1),
        error=error,
        **meta,
    )
    assert ok, (error, results, meta)
