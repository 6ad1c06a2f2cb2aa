"""Slow down password guessing without letting anyone lock someone else out.

Failures are counted per (username, address) pair, so guesses from one address lock that
address out of that account only; the real owner signing in from elsewhere is unaffected. A
second, higher limit per address stops one address spraying many usernames.

Wrong two-factor codes are also counted per username from every address: only someone who had
the password reaches that step, so a cap there cannot be used by a stranger to lock the owner
out of it, and it stops one with the password and many addresses guessing codes without end.
A right code clears that username's wrong codes; a right password clears nothing of them.
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


Step = LoginAttempt.Step


def is_locked(*, username: str, address: str) -> bool:
    """Too many failures (passwords and codes) from this address, or for this username there."""
    recent = LoginAttempt.objects.filter(address=address, attempted_at__gte=_since())
    if recent.count() >= settings.TRELLIS_LOCKOUT_PER_ADDRESS:
        return True
    pair = recent.filter(username=_normal(username)).count()
    return pair >= settings.TRELLIS_LOCKOUT_PER_USERNAME_AND_ADDRESS


def codes_locked(*, username: str) -> bool:
    """Too many wrong two-factor codes for this username lately, from whatever addresses."""
    wrong = LoginAttempt.objects.filter(
        username=_normal(username), step=Step.CODE, attempted_at__gte=_since()
    ).count()
    return wrong >= settings.TRELLIS_LOCKOUT_CODES_PER_USERNAME


def failure_record(*, username: str, address: str, step: str = Step.PASSWORD) -> None:
    LoginAttempt.objects.create(username=_normal(username), address=address, step=step)


def success_record(*, username: str, address: str, step: str = Step.PASSWORD) -> None:
    """A correct password clears that pair's failures; a correct code clears them and that
    username's wrong codes from every address. Old rows go everywhere."""
    mine = LoginAttempt.objects.filter(username=_normal(username))
    mine.filter(address=address).delete()
    if step == Step.CODE:
        mine.filter(step=Step.CODE).delete()
    LoginAttempt.objects.filter(attempted_at__lt=_since()).delete()


def client_address(meta: dict[str, str]) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return meta.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104  # nosec B104 — a placeholder, never bound
