"""Which district a request works in."""

from __future__ import annotations

from django.http import HttpRequest

from trellis.core import policy
from trellis.core.models import District, User
from trellis.core.policy import user_districts

SESSION_KEY = "trellis_district_id"
HEADER = "HTTP_X_TRELLIS_DISTRICT"
_UNSET = object()


def _resolve(request: HttpRequest) -> District | None:
    user = request.user
    if not user.is_authenticated:
        return None
    districts = user_districts(user)
    # An API client names the district by slug; a person picks it with the district switcher.
    wanted_slug = request.META.get(HEADER)
    if wanted_slug:
        return districts.filter(slug=wanted_slug).first()
    wanted_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if wanted_id is not None:
        chosen = districts.filter(pk=wanted_id).first()
        if chosen is not None:
            return chosen
    return districts.first()


def district_of(request: HttpRequest) -> District | None:
    """The district the signed-in user works in now, or None if they belong to none.

    Resolved once per request: from the X-Trellis-District header (API), else the session's
    choice, else the user's first district — always one the user is a member of.
    """
    cached = getattr(request, "_trellis_district", _UNSET)
    if cached is _UNSET:
        cached = _resolve(request)
        request._trellis_district = cached  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]


def require_district(request: HttpRequest, perm: str) -> tuple[District, User]:
    """The active district and user, if the user may ``perm`` there; else PermissionDenied."""
    district = district_of(request)
    user: User = request.user  # type: ignore[assignment]
    policy.require(user, perm, district)
    assert district is not None
    return district, user
