"""Time-based one-time codes (RFC 6238), as every authenticator app makes them.

Codes are six digits for 30-second steps; one step either side is accepted, for a phone whose
clock is a little off. ``matching_step`` says which step a code belongs to, so the caller can
refuse a second use of the same step. Recovery codes are random, shown once and stored as a
SHA-256 hash: they are long and random enough that a slow hash adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
import segno
from django.utils import timezone

STEP_SECONDS = 30
DIGITS = 6
ISSUER = "Trellis"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper is read back without guessing.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32(length=32)  # 160 bits, as RFC 4226 recommends


def step_at(moment: dt.datetime | None = None) -> int:
    moment = moment or timezone.now()
    return int(moment.timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def plain_code(raw: str) -> str:
    return "".join(raw.split()).replace("-", "").lower()


def matching_step(secret: str, raw: str, moment: dt.datetime | None = None) -> int | None:
    """The step (now, one before or one after) whose code ``raw`` is, or None."""
    code = plain_code(raw)
    if not secret or len(code) != DIGITS or not code.isdigit():
        return None  # no secret (one that could not be unsealed) matches nothing
    now = step_at(moment)
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    return totp.provisioning_uri(name=account, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The ``otpauth://`` address as an SVG QR code, ready for an ``<img src>``."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(raw: str) -> str:
    return hashlib.sha256(plain_code(raw).encode()).hexdigest()


def looks_like_recovery_code(raw: str) -> bool:
    code = plain_code(raw)
    return len(code) == 10 and all(c in _RECOVERY_ALPHABET for c in code)
