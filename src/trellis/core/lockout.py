"""Slow down password guessing without letting anyone lock someone else out.

Failures are counted per (username, address) pair, so guesses from one address lock that
address out of that account only; the real owner signing in from elsewhere is unaffected. A
second, higher limit per address stops one address spraying many usernames.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from trellis.core.models import LoginAttempt


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.TRELLIS_LOCKOUT_WINDOW_SECONDS)


def _normal(username: str) -> str:
    return username.strip().lower()[:150]


def is_locked(*, username: str, address: str) -> bool:
    recent = LoginAttempt.objects.filter(address=address, attempted_at__gte=_since())
    if recent.count() >= settings.TRELLIS_LOCKOUT_PER_ADDRESS:
        return True
    pair = recent.filter(username=_normal(username)).count()
    return pair >= settings.TRELLIS_LOCKOUT_PER_USERNAME_AND_ADDRESS


def failure_record(*, username: str, address: str) -> None:
    LoginAttempt.objects.create(username=_normal(username), address=address)


def success_record(*, username: str, address: str) -> None:
    """A correct password clears that pair's failures (and old rows everywhere)."""
    LoginAttempt.objects.filter(username=_normal(username), address=address).delete()
    LoginAttempt.objects.filter(attempted_at__lt=_since()).delete()


def client_address(meta: dict[str, str]) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return meta.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104  # nosec B104 — a placeholder, never bound
