"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks: the application's own
role included, and raw SQL included, not only the model and the admin.

The one exception is district deletion (``trellis.core.deletion``): inside its transaction it
sets ``trellis.erasing_district`` to the district's id (and ``trellis.erasing_events`` to the ids
of events with no district that are about that district or its deleted accounts) with
``set_config(..., true)``, which lasts until the transaction ends, and the trigger lets exactly
those rows be deleted. UPDATE is never allowed.

SQLite keeps to the model-level guard (``AuditEvent.save``/``delete`` and its queryset): a
SQLite trigger cannot read a transaction-local setting, and the test suite's flush deletes rows.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION trellis_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    erasing text := coalesce(current_setting('trellis.erasing_district', true), '');
    events text := coalesce(current_setting('trellis.erasing_events', true), '');
BEGIN
    IF TG_OP = 'DELETE' AND erasing <> '' AND (
        OLD.district_id::text = erasing
        OR (OLD.district_id IS NULL AND OLD.id::text = ANY(string_to_array(events, ',')))
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Audit events cannot be changed or deleted (% on core_auditevent refused).',
        TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION trellis_audit_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS trellis_audit_append_only();
"""


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_tenancy_accounts_audit"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FUNCTION), _on_postgresql(REVERSE), elidable=False),
    ]
