"""Figure 8: audit completeness. Three measurements, all needed for the bar:

1. **Every service writes its event.** Every public function of every ``services`` module (or
   package) of every app is found by walking the package. The product's own tests of those
   services (every non-browser test file under ``src/trellis`` that imports a services module:
   real calls on a real database, built with the factories) run in a child pytest with the
   ``trust.audit_probe`` plugin, which watches each call of each service: a call that changed
   rows itself (inserts, updates, deletes, read from SQLite's change counter, its nested
   services' share taken off) must have added an audit event itself. The bar: 0 calls that
   wrote without an event, and every service either exercised or listed below with the reason
   it is not, so a new service that no test calls fails the figure.
2. **Events cannot be changed through the app or the admin.** ``save()`` of an existing event,
   ``delete()``, the queryset's ``update()``/``delete()``, and a superuser's requests to the
   admin's add, change, delete and bulk-delete pages: each is refused and the event is
   unchanged.
3. **On PostgreSQL the application's role cannot update or delete them.** A database of the
   figure's own is migrated with ``trellis manage migrate`` (on the server ``DATABASE_URL``
   names when it is PostgreSQL, else postgres@127.0.0.1:5432) and, connected as the role
   Trellis uses, raw SQL UPDATE and DELETE of an event fail; the deletion's escape hatch opens
   only for the district it names. PostgreSQL is part of the figure whatever database the
   session runs on: the bar is about PostgreSQL, so a run without it records a miss.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import transaction
from django.test import Client
from psycopg import sql

from trellis.core.audit import audit_record
from trellis.core.models import AuditEvent
from trellis.factories import DistrictFactory, StaffFactory, UserFactory
from trust.audit_probe import service_functions
from trust.databases import pg_base

ROOT = Path(__file__).resolve().parent.parent
TRELLIS = Path(sys.executable).with_name("trellis")

# Public functions of services modules that no product test calls and whose source records no
# event, and why that is acceptable. An entry here is a claim: keep it short and true.
NOT_EXERCISED: dict[str, str] = {
    "trellis.rollout.services.cohorts:require_manager": "a permission check for views",
    "trellis.rollout.services.initiative:pillars_text": "formats pillars for the editor",
    "trellis.surveys.services:require_respondent": "a permission check for the answer page",
    "trellis.signin.services:signin_resolve": "writes only through _staff_link, which records "
    "signin.staff_linked",
}

# Public functions of services modules that are not writes of their own: they may change rows
# through the services they call, or build objects without saving them.
NOT_A_WRITE: dict[str, str] = {
    "trellis.insights.services:grantees_load": "reference data shipped with the code (the "
    "study's published grantee landscape): no person acts and no district's data changes",
}


# ---- 1. every service writes its event ---------------------------------------------------


# Test files about who may reach what (pages, API, tenancy, walls, exports) and the browser's:
# they call the same services as the service tests, and would add many minutes.
SKIPPED_TESTS = (
    "browser", "pages", "api", "tenancy", "access", "wall", "anonymity", "privacy", "exports",
    "scale",
)  # fmt: skip


def _test_files() -> list[str]:
    pattern = re.compile(r"^\s*from trellis\.[\w.]+ import .*services|services import", re.M)
    files = []
    for path in sorted((ROOT / "src" / "trellis").glob("*/tests/test_*.py")):
        if any(word in path.name for word in SKIPPED_TESTS):
            continue

        if pattern.search(path.read_text(encoding="utf-8")):
            files.append(str(path.relative_to(ROOT)))
    return files


def _probe(work: Path) -> tuple[dict[str, Any], str]:
    out = work / "probe.json"
    env = {**os.environ, "TRELLIS_AUDIT_PROBE_OUT": str(out), "TRELLIS_VAR_DIR": str(work)}
    env["PYTHONPATH"] = str(ROOT)
    for name in ("DATABASE_URL", "SECRET_KEY", "TRELLIS_ENV", "TRELLIS_TASKS"):
        env.pop(name, None)  # the probe reads SQLite's change counter
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "trust.audit_probe",
         *_test_files()],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=3000,
    )  # fmt: skip
    tail = result.stdout.strip().splitlines()[-1:] if result.stdout else []
    if not out.exists():
        return {}, f"the probe wrote nothing (exit {result.returncode}): {result.stderr[-600:]}"
    return json.loads(out.read_text()), " ".join(tail)


def _records_an_event(function: Any) -> bool:
    """Read the source: a service no test calls must at least call ``audit_record``."""
    return "audit_record(" in inspect.getsource(inspect.unwrap(function))


def _services_measured(work: Path) -> dict[str, Any]:
    report, run = _probe(work)
    functions = service_functions()
    names = sorted(functions)
    exercised = [n for n in names if report.get(n, {}).get("calls", 0) > report[n]["raised"]]
    unexercised = [n for n in names if n not in exercised]
    static = [n for n in unexercised if _records_an_event(functions[n])]
    missing = [n for n in unexercised if n not in static and n not in NOT_EXERCISED]
    unaudited = {
        n: report[n]["unaudited"]
        for n in names
        if report.get(n, {}).get("unaudited") and n not in NOT_A_WRITE
    }
    stale = sorted((set(NOT_EXERCISED) | set(NOT_A_WRITE)) - set(names))
    calls = sum(report.get(n, {}).get("calls", 0) for n in names)
    writes = sum(report.get(n, {}).get("wrote", 0) for n in names)
    ok = bool(report) and not unaudited and not missing and not stale and len(exercised) > 0
    return {
        "services": len(names),
        "exercised": len(exercised),
        "unexercised_read_audited": len(static),
        "unexercised_listed": len([n for n in unexercised if n in NOT_EXERCISED]),
        "unexercised_unlisted": missing,
        "calls": calls,
        "writing_calls": writes,
        "unaudited_services": unaudited,
        "unaudited_calls": sum(unaudited.values()),
        "not_a_write_listed": len(NOT_A_WRITE),
        "helper_calls_without_caller": sum(r.get("helper_direct", 0) for r in report.values()),
        "stale_entries": stale,
        "product_tests": run,
        "ok": ok,
    }


# ---- 2. events cannot be changed through the app or the admin ------------------------------


def _refused(action: Any) -> bool:
    try:
        with transaction.atomic():  # a savepoint: a refusal must not spoil the test's transaction
            action()
    except PermissionError:
        return True
    return False


def _row(event: AuditEvent) -> tuple[Any, ...]:
    return tuple(AuditEvent.objects.filter(pk=event.pk).values_list())


def _app_and_admin() -> dict[str, Any]:
    district = DistrictFactory()
    actor = UserFactory()
    event = audit_record(
        actor=actor, action="org.staff_created", target=StaffFactory(district=district)
    )
    before = _row(event)
    tries: dict[str, bool] = {}

    def edit() -> None:
        event.action = "org.nothing_happened"
        event.save()

    tries["model save"] = _refused(edit)
    tries["model delete"] = _refused(event.delete)
    tries["queryset update"] = _refused(
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x")
    )
    tries["queryset delete"] = _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    tries["bulk update"] = _refused(lambda: AuditEvent.objects.bulk_update([event], ["action"]))
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    base = "/admin/core/auditevent"
    form = {"action": "org.nothing_happened", "actor_label": "someone", "target_type": "x"}
    answers = {
        "admin add": client.post(f"{base}/add/", form).status_code,
        "admin change": client.post(f"{base}/{event.pk}/change/", form).status_code,
        "admin delete": client.post(f"{base}/{event.pk}/delete/", {"post": "yes"}).status_code,
        "admin bulk delete": client.post(
            f"{base}/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
        ).status_code,
    }
    for name, status in answers.items():
        tries[name] = status in (403, 404) or (name == "admin bulk delete" and status in (200, 302))
    unchanged = _row(event) == before and AuditEvent.objects.filter(pk=event.pk).exists()
    refused = sum(tries.values())
    return {
        "attempts": len(tries),
        "refused": refused,
        "allowed": sorted(k for k, v in tries.items() if not v),
        "admin_status": answers,
        "event_unchanged": unchanged,
        "ok": refused == len(tries) and unchanged,
    }


# ---- 3. PostgreSQL: the application's role cannot update or delete them -------------------


def _pg_attempt(db: psycopg.Connection[Any], *steps: tuple[str, list[Any]]) -> bool:
    """True when the database refused the statements (run in one transaction)."""
    try:
        with db.transaction():
            for statement, params in steps:
                db.execute(statement, params)  # type: ignore[arg-type]
    except psycopg.Error:
        return True
    return False


HATCH = "SELECT set_config('trellis.erasing_district', %s, true)"


def _postgres(work: Path) -> dict[str, Any]:
    base, name = pg_base(), f"trellis_trust_audit_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        return {"ok": False, "error": f"PostgreSQL not reachable at {base}: {error}"[:300]}
    with admin:
        ident = sql.Identifier(name)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(ident))
        try:
            return _pg_measure(work, f"{base}/{name}")
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))


def _pg_measure(work: Path, url: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "TRELLIS_VAR_DIR": str(work / "pg")}
    migrated = subprocess.run(
        [str(TRELLIS), "manage", "migrate", "--verbosity", "0"],
        env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    if migrated.returncode != 0:
        return {"ok": False, "error": f"migrate failed: {migrated.stderr[-400:]}"}
    with psycopg.connect(url, autocommit=True) as db:
        event, district = _pg_event(db)
        tries = {
            "update": _pg_attempt(db, (UPDATE_ONE, [event])),
            "update all": _pg_attempt(db, (UPDATE_ALL, [])),
            "delete": _pg_attempt(db, (DELETE_ONE, [event])),
            "delete all": _pg_attempt(db, (DELETE_ALL, [])),
            "delete, another district named": _pg_erase(db, event, "999999"),
            "update, its district named": _pg_attempt(db, (HATCH, [district]), (UPDATE_ALL, [])),
        }
        kept = db.execute("SELECT count(*) FROM core_auditevent WHERE id = %s", [event]).fetchone()
        opened = not _pg_erase(db, event, district)
        role = db.execute("SELECT current_user").fetchone()
    refused = sum(tries.values())
    return {
        "role": role[0] if role else "",
        "attempts": len(tries),
        "refused": refused,
        "allowed": sorted(k for k, v in tries.items() if not v),
        "event_kept": bool(kept and kept[0] == 1),
        "deletion_hatch_opens_for_its_district": opened,
        "ok": refused == len(tries) and bool(kept and kept[0] == 1) and opened,
    }


UPDATE_ONE = "UPDATE core_auditevent SET action = 'x' WHERE id = %s"
UPDATE_ALL = "UPDATE core_auditevent SET changes = '{}'"
DELETE_ONE = "DELETE FROM core_auditevent WHERE id = %s"
DELETE_ALL = "DELETE FROM core_auditevent"


def _pg_event(db: psycopg.Connection[Any]) -> tuple[int, str]:
    """One district and one event of it, written the way the app writes: INSERT."""
    district = db.execute(
        "INSERT INTO core_district (name, slug, lea_id, state, locale, created_at) "
        "VALUES ('Audit Drill', 'audit-drill', 999001, 'NV', 'suburb', now()) RETURNING id"
    ).fetchone()
    row = db.execute(
        "INSERT INTO core_auditevent (district_id, actor_label, action, target_type, target_id, "
        "target_label, changes, occurred_at) VALUES (%s, 'drill', 'core.drill', 'core.district', "
        "'', '', '{}', now()) RETURNING id",
        [district[0] if district else None],
    ).fetchone()
    assert row is not None and district is not None
    return int(row[0]), str(district[0])


def _pg_erase(db: psycopg.Connection[Any], event: int, district: str) -> bool:
    """Delete the event with the deletion's setting naming ``district``; True when refused."""
    return _pg_attempt(db, (HATCH, [district]), (DELETE_ONE, [event]))


# ---- the figure -------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_service_is_audited_and_no_event_can_be_changed(figure):
    with tempfile.TemporaryDirectory(prefix="trellis-trust-audit-") as tmp:
        work = Path(tmp)
        services = _services_measured(work)
        app = _app_and_admin()
        postgres = _postgres(work)
    ok = services["ok"] and app["ok"] and postgres["ok"]
    figure(
        "audit",
        ok=ok,
        summary=f"{services['exercised']} of {services['services']} services exercised "
        f"({services['calls']:,} calls, {services['writing_calls']:,} writing), "
        f"{services['unaudited_calls']} writes without an event, "
        f"{services['unexercised_read_audited']} more read to call audit_record, "
        f"{len(services['unexercised_unlisted'])} unexercised and unlisted; "
        f"app and admin: {app['refused']}/{app['attempts']} changes refused; PostgreSQL: "
        + (
            f"{postgres['refused']}/{postgres['attempts']} raw changes refused"
            if "attempts" in postgres
            else f"MISSED ({postgres.get('error')})"
        ),
        services=services,
        app_and_admin=app,
        postgresql=postgres,
    )
    assert ok, {"services": services, "app": app, "postgresql": postgres}
