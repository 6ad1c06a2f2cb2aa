"""What every rollout page shares: the initiative the URL names (404 outside the district),
breadcrumbs, the section tabs and the page number."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from trellis.core import policy
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.rollout.models import Initiative
from trellis.rollout.selectors.initiative import initiative_get

Crumbs = list[tuple[str, str | None]]

# The initiative's sections, in the order the tabs show them: (label, url name).
SECTIONS = (
    ("Overview", "rollout:initiative"),
    ("Vision", "rollout:vision"),
    ("Taskforce", "rollout:taskforce"),
    ("Readiness checklist", "rollout:checklist"),
    ("Communications", "rollout:comms"),
    ("Rollout plan", "rollout:plan"),
    ("Progress", "rollout:progress"),
    ("Amnesty", "rollout:amnesty"),
    ("Content reviews", "rollout:reviews"),
)


def initiative_for(
    request: HttpRequest, pk: int, perm: str = policy.VIEW
) -> tuple[District, User, Initiative]:
    """The initiative in the URL, in the user's district; another district's is a 404."""
    district, user = require_district(request, perm)
    return district, user, initiative_get(district=district, pk=pk)


def is_manager(user: User, initiative: Initiative) -> bool:
    return policy.can(user, policy.ROLLOUT_MANAGE, initiative)


def crumbs(initiative: Initiative | None, *extra: tuple[str, str | None]) -> Crumbs:
    trail: Crumbs = [("Rollout", reverse("rollout:home"))]
    if initiative is not None:
        trail.append((initiative.name, reverse("rollout:initiative", args=[initiative.pk])))
    return [*trail, *extra]


def tabs(initiative: Initiative, current: str) -> list[tuple[str, str, bool]]:
    """(label, url, is current) for the section tabs; ``current`` is a url name."""
    return [
        (label, reverse(name, args=[initiative.pk]), name == current) for label, name in SECTIONS
    ]
