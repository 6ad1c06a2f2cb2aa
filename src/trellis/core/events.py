"""Domain events: how a lower app tells higher ones that something happened, without importing
them. ``publish`` runs each subscriber after the current transaction commits (never for work
that was rolled back); subscribers register in their app's ``ready()``.

Events published so far:
- ``roles.assignment_started``: assignment_id, district_id, staff_id, position_id
- ``roles.assignment_ended``: assignment_id, district_id, staff_id, position_id, reason
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

Handler = Callable[..., None]
_SUBSCRIBERS: defaultdict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    if handler not in _SUBSCRIBERS[name]:
        _SUBSCRIBERS[name].append(handler)


def publish(name: str, **payload: Any) -> None:
    for handler in list(_SUBSCRIBERS.get(name, ())):
        transaction.on_commit(lambda h=handler: h(**payload))  # type: ignore[misc]
