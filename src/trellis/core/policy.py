"""The one answer to "may this user do this here?", used by pages, the API and exports alike.

Permissions are per district and come from the user's memberships in it. Objects are checked
through their ``district_id``; asking about another district's object is simply "no", and the
selectors that fetch objects already scope by district, so such objects answer 404.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from trellis.core.models import Consortium, District, Membership, Role, User


class HasDistrict(Protocol):
    district_id: int


VIEW = "org.view"
EDIT = "org.edit"
EXPORT = "org.export"
AUDIT_VIEW = "audit.view"
MEMBERS_MANAGE = "members.manage"
ROLES_EDIT = "roles.edit"  # role catalog, job descriptions, positions, assignments
ROLES_REVIEW = "roles.review"  # sign off on a job description draft
HIRING_MANAGE = "hiring.manage"  # postings, candidates, panels, offers, hiring reports
PAY_VIEW = "pay.view"  # salary schedules, placements, position costs, projections
PAY_EDIT = "pay.edit"
LEARNING_MANAGE = "learning.manage"  # catalog, sessions, attendance, certifications, PLCs, tracks
COACHING_MANAGE = "coaching.manage"  # open coaching relationships (caseloads); never the notes
# Counts of coaching by type, school and month. No permission anywhere grants coaching notes:
# those are read by the coach, the teacher and whoever the teacher shares them with.
COACHING_AGGREGATES = "coaching.aggregates"
# The initiative: vision, taskforce, checklist, communications, phases and cohorts, content
# reviews. Everyone reads the plan; principals also record their own school's vision.
ROLLOUT_MANAGE = "rollout.manage"
PATHWAYS_MANAGE = "pathways.manage"  # ladders, HR's standing record, everyone's readiness
PATHWAYS_REPORTS = "pathways.reports"  # turnover, retention, flows, the leadership pipeline
SURVEYS_MANAGE = "surveys.manage"  # instruments, administrations, invitations, reminders
# Survey results, always with small groups suppressed: nobody, admins included, sees an answer
# that can be tied to a person.
SURVEYS_RESULTS = "surveys.results"
# Roster imports (OneRoster, spreadsheets) and the Ed-Fi export of a district's staff data.
INTEROP_MANAGE = "interop.manage"

_EVERYONE = frozenset({VIEW})
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: frozenset(
        {
            VIEW,
            EDIT,
            EXPORT,
            AUDIT_VIEW,
            MEMBERS_MANAGE,
            ROLES_EDIT,
            ROLES_REVIEW,
            HIRING_MANAGE,
            PAY_VIEW,
            PAY_EDIT,
            LEARNING_MANAGE,
            COACHING_MANAGE,
            COACHING_AGGREGATES,
            ROLLOUT_MANAGE,
            PATHWAYS_MANAGE,
            PATHWAYS_REPORTS,
            SURVEYS_MANAGE,
            SURVEYS_RESULTS,
            INTEROP_MANAGE,
        }
    ),
    Role.HR: frozenset(
        {
            *(VIEW, EDIT, EXPORT, ROLES_EDIT, ROLES_REVIEW, HIRING_MANAGE, PAY_VIEW, PAY_EDIT),
            *(LEARNING_MANAGE, COACHING_MANAGE, COACHING_AGGREGATES),
            *(PATHWAYS_MANAGE, PATHWAYS_REPORTS, SURVEYS_MANAGE, SURVEYS_RESULTS),
            INTEROP_MANAGE,
        }
    ),
    Role.PRINCIPAL: frozenset(
        {VIEW, EXPORT, ROLES_REVIEW, COACHING_AGGREGATES, PATHWAYS_REPORTS, SURVEYS_RESULTS}
    ),
    Role.COACH: _EVERYONE,
    Role.TEACHER: _EVERYONE,
    Role.PANELIST: _EVERYONE,
    Role.VIEWER: frozenset({VIEW, EXPORT, COACHING_AGGREGATES, PATHWAYS_REPORTS, SURVEYS_RESULTS}),
}


# Who must sign in with a second factor: district admins, HR, and every role that can export.
TWO_FACTOR_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.HR}
    | {role for role, granted in ROLE_PERMISSIONS.items() if EXPORT in granted}
)


def requires_two_factor(user: User) -> bool:
    """Is ``user`` staff of the admin site, or do they hold, in any district, a role that must
    sign in with a second factor?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:  # the admin site reaches every district
        return True
    return any(roles & TWO_FACTOR_ROLES for roles in _roles_by_district(user).values())


def district_roles(user: User, district_id: int) -> frozenset[str]:
    """The roles ``user`` holds in one district, cached on the user object for the request."""
    return _roles_by_district(user).get(district_id, frozenset())


def _roles_by_district(user: User) -> dict[int, frozenset[str]]:
    cache: dict[int, frozenset[str]] | None = getattr(user, "_trellis_roles", None)
    if cache is None:
        cache = {}
        for did, role in Membership.objects.filter(user=user, district__isnull=False).values_list(
            "district_id", "role"
        ):
            assert did is not None
            cache[did] = cache.get(did, frozenset()) | {role}
        user._trellis_roles = cache  # type: ignore[attr-defined]
    return cache


def permissions(user: User, district: District | int | None) -> frozenset[str]:
    if district is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    district_id = district if isinstance(district, int) else district.pk
    granted: frozenset[str] = frozenset()
    for role in district_roles(user, district_id):
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return granted


def can(user: User, perm: str, target: District | HasDistrict | None) -> bool:
    """May ``user`` do ``perm`` to ``target`` (a district, or any object with a district)?"""
    if target is None:
        return False
    district_id = target.pk if isinstance(target, District) else target.district_id
    return perm in permissions(user, district_id)


def require(user: User, perm: str, target: District | HasDistrict | None) -> None:
    if not can(user, perm, target):
        raise PermissionDenied("You do not have permission to do that in this district.")


def user_districts(user: User) -> QuerySet[District]:
    if not user.is_authenticated:
        return District.objects.none()
    return District.objects.filter(memberships__user=user).distinct().order_by("name")


def led_consortia(user: User) -> QuerySet[Consortium]:
    """Consortia whose aggregates this user may see (consortium lead memberships only)."""
    if not user.is_authenticated:
        return Consortium.objects.none()
    return Consortium.objects.filter(
        memberships__user=user, memberships__role=Role.CONSORTIUM_LEAD
    ).distinct()


def first_led_consortium(user: User) -> Consortium | None:
    """The consortium (by name, the first) a consortium lead's pages show."""
    return led_consortia(user).order_by("name").first()
