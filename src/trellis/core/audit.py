"""Audit trail: every service writes one event in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from trellis.core.models import AuditEvent, District, User


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The listed fields of ``instance`` as plain JSON values, for a before/after diff."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    district: District | None = None,
    changes: Mapping[str, list[Any]] | None = None,
) -> AuditEvent:
    """Write one audit event. Call inside the service's transaction."""
    if district is None:
        district = getattr(target, "district", None)
    return AuditEvent.objects.create(
        district=district,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.get_username() if actor is not None and actor.pk else "system",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk or ""),
        target_label=str(target)[:200],
        changes=dict(changes or {}),
    )
