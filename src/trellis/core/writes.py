"""What every service shares when it writes a model from validated data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def assign_fields(
    instance: models.Model, data: Mapping[str, Any], allowed: tuple[str, ...]
) -> None:
    """Copy ``data`` onto ``instance``; a field outside ``allowed`` is an error, not ignored."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)


def save_validated(instance: models.Model, exclude: list[str] | None = None) -> None:
    """``full_clean`` then save; a constraint the database enforces at the last moment (two
    people saving the same number at once) becomes a ValidationError, not a 500."""
    instance.full_clean(exclude=exclude)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError("This record clashes with one saved a moment ago.") from exc
