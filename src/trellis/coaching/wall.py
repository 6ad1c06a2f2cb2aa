"""The wall between coaching and evaluation: the one place that decides who may read a coaching
record's content (notes, next steps, comments, a consultant's feedback).

Readers are the people in the relationship and those the teacher shared with; nothing else
grants it, not a district role, not an export or API permission. A teacher's evaluator is
refused even when they hold one of those places (a principal who coaches, a share made before
they became the evaluator). Evaluators are:

- the person named as the teacher's evaluator (``Staff.supervisor``), and
- a principal of the teacher's school (a principal-role member whose staff record is at that
  school). A principal-role member with no school on record is treated as everyone's evaluator
  in the district: when we cannot tell, the wall stays shut.

Every read of content goes through :func:`readable_relationships` (a queryset, so lists, the
API, exports and the log page share it) and each write checks :func:`can_read` or the narrower
:func:`is_coach` / :func:`is_teacher`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from trellis.coaching.models import Relationship
from trellis.core.models import District, Membership, Role, User
from trellis.org.models import Staff

_NO_SCHOOL = -1  # matches no school: a principal with no school on record walls off everyone


def _principal_schools(user: User, district_id: int) -> list[int] | None:
    """The schools ``user`` is principal of in the district; None if they are not a principal;
    ``[_NO_SCHOOL]`` marks a principal we cannot place (everyone is walled)."""
    if not Membership.objects.filter(
        user=user, district_id=district_id, role=Role.PRINCIPAL
    ).exists():
        return None
    school_id = (
        Staff.objects.filter(district_id=district_id, user=user)
        .values_list("school_id", flat=True)
        .first()
    )
    return [school_id] if school_id is not None else [_NO_SCHOOL]


def evaluates(user: User, district_id: int) -> Q:
    """A filter on Relationship: the teacher is one ``user`` evaluates."""
    condition = Q(teacher__supervisor__user=user)
    schools = _principal_schools(user, district_id)
    if schools == [_NO_SCHOOL]:
        condition |= Q(pk__isnull=False)  # every relationship
    elif schools:
        condition |= Q(teacher__school_id__in=schools)
    return condition


def readable_relationships(*, user: User, district: District | int) -> QuerySet[Relationship]:
    """Relationships whose content ``user`` may read."""
    if not user.is_authenticated or not user.is_active:
        return Relationship.objects.none()
    district_id = district if isinstance(district, int) else district.pk
    own = Q(teacher__user=user)
    involved = Q(coach__user=user) | Q(pk__in=_shared_with(user))
    return Relationship.objects.filter(district_id=district_id).filter(
        own | (involved & ~evaluates(user, district_id))
    )


def _shared_with(user: User) -> QuerySet[Relationship]:
    return Relationship.objects.filter(shares__user=user).values("pk")  # type: ignore[return-value]


def can_read(user: User, relationship: Relationship) -> bool:
    return (
        readable_relationships(user=user, district=relationship.district_id)
        .filter(pk=relationship.pk)
        .exists()
    )


def is_evaluator(user: User, teacher: Staff) -> bool:
    """Does ``user`` evaluate ``teacher``? (Used to refuse shares and coach pairings.)"""
    if teacher.user_id is not None and teacher.user_id == user.pk:
        return False
    if teacher.supervisor_id is not None and (
        Staff.objects.filter(pk=teacher.supervisor_id, user=user).exists()
    ):
        return True
    schools = _principal_schools(user, teacher.district_id)
    if schools is None:
        return False
    return schools == [_NO_SCHOOL] or teacher.school_id in schools


def is_coach(user: User, relationship: Relationship) -> bool:
    return relationship.coach.user_id == user.pk and not is_evaluator(user, relationship.teacher)


def is_teacher(user: User, relationship: Relationship) -> bool:
    return relationship.teacher.user_id is not None and relationship.teacher.user_id == user.pk
