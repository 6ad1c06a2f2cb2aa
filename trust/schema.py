"""A new database's tables in seconds, for figures that start from an empty database in a child
process of their own (crash safety, load).

Replaying the migrations takes minutes on a busy two-core machine (the big initial migrations
are rendered model state by model state), so the tables are made straight from the models, as
``pytest --nomigrations`` does, and the one thing a migration adds beyond the models, the audit
table's append-only trigger on PostgreSQL (core 0002), is added from that migration's own SQL.
``makemigrations --check`` (run by ``make test``) keeps the models and the migrations the same.
Call after ``django.setup()``.
"""

from __future__ import annotations

import importlib


def build_schema() -> None:
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        trigger = importlib.import_module(
            "trellis.core.migrations.0002_auditevent_append_only_trigger"
        )
        with connection.cursor() as cursor:
            cursor.execute(trigger.FUNCTION)
