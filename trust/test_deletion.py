"""Figure 12: district deletion. The demo consortium (three districts with every area: people,
roles, hiring, pay, learning, coaching, rollout, pathways, surveys, data exchange, audit trail)
is loaded, and a few things the demo does not make are added: an account in two districts, a
signed-in session and a failed sign-in of one of the district's own accounts, an admin log entry
about one of its rows. Then ``trellis delete-district <slug> --confirm <slug>`` runs for real,
on the district with the most filled tables, and the figure checks:

- 0 rows of that district are left: in every table with a ``district_id`` column (read with
  raw SQL, not through the deletion's own model walk), in every table reaching it through
  foreign keys (the walk's paths, and a foreign-key integrity check of the whole database,
  which would find any row left pointing at a deleted one), audit events with no district
  about it, and its own accounts; the account in two districts is kept, without the membership;
- the other districts are untouched: every table's rows of theirs, and every account and
  consortium that stays, have the same count and checksum of their contents as before;
- every model with a district reaches it (a model nobody classified fails the figure);
- the signed record verifies with ``--verify``, and the same record with one number changed
  does not.

Runs on the database the session uses (SQLite by default, PostgreSQL when ``DATABASE_URL``
names one, where the audit table's trigger is then also in force during the deletion).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from trellis.cli import main
from trellis.core import deletion
from trellis.core.models import (
    AuditEvent,
    Consortium,
    District,
    LoginAttempt,
    Membership,
    Role,
    User,
)
from trellis.demo.loader import demo_load

pytestmark = pytest.mark.django_db(transaction=True)


def _checksum(rows: list[tuple[Any, ...]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _summary(queryset: Any) -> tuple[int, str]:
    rows = list(queryset.order_by("pk").values_list())
    return len(rows), _checksum(rows)


def _others(owned: list[deletion.Owned], others: list[int]) -> dict[str, tuple[int, str]]:
    """Per table: the other districts' rows, counted and checksummed."""
    out = {o.label: _summary(o.rows_of(others)) for o in owned}
    out["core.consortium"] = _summary(Consortium.objects.all())
    return out


def _district_columns() -> list[str]:
    """Every table with a district_id column, straight from the database's catalog."""
    query = (
        "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c "
        "WHERE m.type = 'table' AND c.name = 'district_id'"
        if connection.vendor == "sqlite"
        else "SELECT table_name FROM information_schema.columns "
        "WHERE column_name = 'district_id' AND table_schema = current_schema()"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return sorted(row[0] for row in cursor.fetchall())


def _raw_left(tables: list[str], district_id: int) -> dict[str, int]:
    left = {}
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {name} WHERE district_id = %s", [district_id])  # noqa: S608
            left[table] = cursor.fetchone()[0]
    return {t: n for t, n in left.items() if n}


def _foreign_key_violations() -> int:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            return len(cursor.fetchall())
    return 0  # PostgreSQL's (deferred) constraints refused the commit if there were any


def _extras(victim: District, kept: District, tmp: Path) -> dict[str, Any]:
    """What the demo does not make: an account in two districts, a session, a failed sign-in
    and an admin log entry of the district's."""
    both = User.objects.create_user("two-districts", password="x-Unused-9")
    Membership.objects.create(user=both, district=victim, role=Role.VIEWER)
    Membership.objects.create(user=both, district=kept, role=Role.VIEWER)
    own = (
        User.objects.filter(memberships__district=victim, is_superuser=False)
        .exclude(memberships__district__in=District.objects.exclude(pk=victim.pk))
        .exclude(memberships__consortium__isnull=False)
        .first()
    )
    assert own is not None, "the demo district has no account of its own"
    Client().force_login(own)
    LoginAttempt.objects.create(username=own.username, address="192.0.2.7")
    staff = victim.staff.first()
    LogEntry.objects.create(
        user=User.objects.create_superuser("operator", password="x-Unused-9"),
        content_type=ContentType.objects.get_for_model(staff),
        object_id=str(staff.pk),
        object_repr=str(staff),
        action_flag=CHANGE,
    )
    return {"both": both.pk, "own": own.pk, "own_username": own.username}


def test_deleting_a_district_leaves_none_of_it_and_touches_no_other(figure, tmp_path):
    demo_load()
    owned = deletion.district_models()
    filled = {
        d: sum(1 for o in owned if o.rows(d).exists()) for d in District.objects.order_by("pk")
    }
    victim = max(filled, key=lambda d: (filled[d], -d.pk))
    others = [d for d in filled if d != victim]
    extras = _extras(victim, others[0], tmp_path)
    own_users = deletion.district_users(victim, owned)
    victim_rows = sum(o.rows(victim).count() for o in owned)
    victim_tables = sum(1 for o in owned if o.rows(victim).exists())
    before = _others(owned, [d.pk for d in others])
    kept_users = _summary(User.objects.exclude(pk__in=own_users))
    sessions_before = Session.objects.count()
    out = tmp_path / "deletion.json"

    # when the operator deletes the district, for real, through the command
    code = main(["delete-district", victim.slug, "--confirm", victim.slug, "--out", str(out)])

    after = _others(owned, [d.pk for d in others])
    left = {o.label: n for o in owned if (n := o.rows_of([victim.pk]).count())}
    raw_tables = _district_columns()
    raw_left = _raw_left(raw_tables, victim.pk)
    loose = AuditEvent.objects.filter(
        district__isnull=True, target_type="core.district", target_id=str(victim.pk)
    ).count()
    users_left = User.objects.filter(pk__in={*own_users, extras["own"]}).count()
    both = User.objects.filter(pk=extras["both"]).first()
    kept_memberships = list(both.memberships.values_list("district_id", flat=True)) if both else []
    both_ok = kept_memberships == [others[0].pk]
    side_left = (
        LoginAttempt.objects.filter(username=extras["own_username"]).count()
        + LogEntry.objects.exclude(user__username="operator").count()
        + LogEntry.objects.filter(content_type__model="staff").count()
        + (Session.objects.count() - sessions_before + 1)  # the one session was its account's
    )
    changed = sorted(t for t in before if before[t] != after[t])
    kept_users_same = _summary(User.objects.exclude(pk__in=own_users)) == kept_users
    fk_violations = _foreign_key_violations()
    unclassified = deletion.unclassified_models()

    verified = main(["delete-district", "--verify", str(out)]) == 0
    record = json.loads(out.read_text())
    record["total_rows_deleted"] += 1
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(record))
    tamper_refused = main(["delete-district", "--verify", str(tampered)]) != 0
    deleted_rows = record["total_rows_deleted"] - 1

    rows_left = sum(left.values()) + sum(raw_left.values()) + loose + users_left + side_left
    ok = (
        code == 0
        and rows_left == 0
        and fk_violations == 0
        and not changed
        and kept_users_same
        and both_ok
        and not unclassified
        and verified
        and tamper_refused
        and len(others) >= 2
        and victim_tables >= 50
    )
    figure(
        "deletion",
        ok=ok,
        summary=f"{rows_left} rows left of {victim.name} ({deleted_rows:,} deleted from "
        f"{victim_tables} tables); {len(changed)} of {len(before)} tables changed for the other "
        f"{len(others)} districts; record verifies: {verified}, tampered refused: "
        f"{tamper_refused} ({connection.vendor})",
        database=connection.vendor,
        district=victim.slug,
        district_rows_before=victim_rows,
        district_tables_filled=victim_tables,
        rows_deleted=deleted_rows,
        accounts_deleted=len(own_users),
        rows_left=rows_left,
        left_detail={**left, **raw_left, "loose_events": loose, "accounts": users_left},
        side_rows_left=side_left,
        tables_with_district_column=len(raw_tables),
        models_reaching_a_district=len(owned),
        unclassified_models=unclassified,
        other_districts=len(others),
        other_tables_compared=len(before),
        other_tables_changed=changed,
        kept_accounts_unchanged=kept_users_same,
        two_district_account_kept=both_ok,
        foreign_key_violations=fk_violations,
        record_verifies=verified,
        tampered_record_refused=tamper_refused,
    )
    assert ok
