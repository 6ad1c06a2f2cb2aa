"""Throughput under load: `trellis serve` (gunicorn, 2 workers) on loopback, hit by concurrent
clients for a bounded number of requests and seconds; it stops by itself."""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from benchmarks.measure import Result

CONCURRENCY = 8
MAX_REQUESTS = 3000
MAX_SECONDS = 20.0
RPS_GOAL = 300.0
WORKERS = 2


@dataclass
class LoadStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)  # 0: no answer


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _hammer(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    max_requests: int = MAX_REQUESTS,
    max_seconds: float = MAX_SECONDS,
    concurrency: int = CONCURRENCY,
) -> LoadStats:
    stats = LoadStats()
    lock = threading.Lock()
    issued = 0
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        nonlocal issued
        while True:
            with lock:
                if issued >= max_requests or time.perf_counter() > deadline:
                    return
                issued += 1
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                conn.close()
            except OSError:
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                stats.latencies_ms.append(elapsed)
                stats.errors += 0 if status == 200 else 1
                stats.statuses[status] = stats.statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats.seconds = time.perf_counter() - started
    return stats


def _wait_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("trellis serve exited before it answered")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("trellis serve did not answer /healthz")


def run_load(*, database_url: str, scale: str) -> list[Result]:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from trellis.core.models import User
    from trellis.core.services import api_token_create
    from trellis.demo.scale import SCALES, generate
    from trellis.signin import middleware as signin

    generate(scale=scale)
    user = User.objects.get(username=f"bench-{SCALES[scale].big.slug}")  # type: ignore[union-attr]
    token = api_token_create(user=user, name="load")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    # Signed in just now with the second factor typed: the admin's role needs one, and without
    # it every page answers with a redirect to the two-factor page.
    now = int(time.time())
    session[signin.STARTED], session[signin.SEEN], session[signin.VERIFIED] = now, now, True
    session.create()
    vendor = connection.vendor
    connection.close()

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    server = subprocess.Popen(  # noqa: S603 — our own CLI with fixed arguments
        [sys.executable, "-m", "gunicorn", "trellis.config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(WORKERS), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    results = []
    try:
        _wait_healthy(port, server)
        cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
        targets = [
            ("load: staff list API", "/api/v1/staff?sort=name&limit=50",
             {"Authorization": f"Bearer {token}"}),
            ("load: district home", "/", cookie),
        ]  # fmt: skip
        for name, path, headers in targets:
            _hammer(port, path, headers)  # warm the workers' connections and caches
            stats = _hammer(port, path, headers)
            results.append(_load_result(name, vendor, scale, stats))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results


def _load_result(name: str, vendor: str, scale: str, stats: LoadStats) -> Result:
    lat = sorted(stats.latencies_ms)
    rps = len(lat) / stats.seconds if stats.seconds else 0.0
    p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))] if lat else 0.0
    return Result(
        workload=name, database=vendor, scale=scale,
        median_ms=statistics.median(lat) if lat else 0.0, p95_ms=p95, peak_kib=0.0,
        limit_name=f"goal {RPS_GOAL:.0f} req/s", limit_ms=1000 / RPS_GOAL,
        ratio=RPS_GOAL / rps if rps and not stats.errors else 999.0, budget=1.0,
        budget_note=f"{rps:,.0f} req/s, {stats.errors} errors in {len(lat):,} requests, "
        f"{CONCURRENCY} clients, {WORKERS} workers",
        extra={"rps": rps, "errors": stats.errors, "requests": len(lat)},
    )  # fmt: skip
