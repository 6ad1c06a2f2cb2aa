from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from trellis.core.models import AuditEvent, District, User


def audit_event_list(
    *,
    district: District,
    action: str = "",
    actor: User | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: str = "",
) -> QuerySet[AuditEvent]:
    """A district's audit events, newest first; dates are whole days in the server's zone."""
    qs = AuditEvent.objects.filter(district=district).select_related("actor")
    if action:
        qs = qs.filter(action=action)
    if actor is not None:
        qs = qs.filter(actor=actor)
    if since:
        qs = qs.filter(occurred_at__gte=_day_start(since))
    if until:
        qs = qs.filter(occurred_at__lt=_day_start(until + dt.timedelta(days=1)))
    if q:
        qs = qs.filter(target_label__icontains=q)
    return qs


def audit_actions(*, district: District) -> list[str]:
    return list(
        AuditEvent.objects.filter(district=district)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_actors(*, district: District) -> QuerySet[User]:
    return User.objects.filter(audit_events__district=district).distinct().order_by("username")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
