"""Values kept sealed in the database: encrypted (Fernet: AES-128-CBC with an HMAC) under a key
derived from ``SECRET_KEY``, so that a dump or a backup of the database alone does not give them
away, and one who can write to it cannot plant a value of their own (a Fernet token carries an
HMAC). Two-factor secrets are sealed this way.

Keys rotate the way Django's signing keys do: a value sealed under a key still listed in
``SECRET_KEY_FALLBACKS`` opens, and is sealed under ``SECRET_KEY`` the next time it is saved (a
two-factor secret is saved again at each sign-in with a code). A
value that opens under none of them, or that is not sealed at all, reads as empty, and the error
log says why. (The migration that began sealing sealed the values saved before it.)
"""

from __future__ import annotations

import base64
import functools
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "sealed:"
log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"trellis sealed values")
    return Fernet(base64.urlsafe_b64encode(kdf.derive(secret_key.encode())))


def _keys() -> MultiFernet:
    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
    return MultiFernet([_fernet(key) for key in [settings.SECRET_KEY, *fallbacks]])


def seal(plain: str) -> str:
    return PREFIX + _keys().encrypt(plain.encode()).decode()


def unseal(stored: str) -> str:
    if not stored.startswith(PREFIX):
        # Written around the application (everything it saves is sealed): not to be trusted.
        log.error("A value that should be sealed is stored in plain text; it reads as empty.")
        return ""
    try:
        return _keys().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        log.error(
            "A sealed value opens under neither SECRET_KEY nor SECRET_KEY_FALLBACKS: was the "
            "key changed without keeping the old one as a fallback? It reads as empty."
        )
        return ""


class SealedField(models.TextField):  # type: ignore[type-arg]
    """Text stored sealed; Python code sees the plain value. It cannot be searched on."""

    description = "Text stored encrypted under a key derived from SECRET_KEY"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return seal(value) if value else value
