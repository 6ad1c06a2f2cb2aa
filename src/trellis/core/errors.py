from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the district's domain was broken; carries a message fit to show the user.

    It is a ``ValidationError`` so forms and the API report it at the field when one is named.
    """
