"""Writes owned by core: API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from trellis.core.audit import audit_record
from trellis.core.models import ApiToken, User
from trellis.core.policy import user_districts


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "cli", actor: User | None = None) -> str:
    """Create a bearer token for ``user`` and return it; only its hash is stored.

    Each district the user belongs to sees the event in its audit log.
    """
    raw = "trl_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], key_hash=token_hash(raw))
    for district in user_districts(user):
        audit_record(
            actor=actor or user, action="core.api_token_created", target=token, district=district
        )
    return raw
