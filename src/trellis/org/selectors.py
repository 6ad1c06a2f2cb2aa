"""Reads for schools and staff; every one is scoped to a district."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from trellis.core.models import Consortium, District, User
from trellis.org.models import Employment, School, SchoolAssignment, Staff, StaffClassification

STAFF_SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "school": ("school__name", "last_name", "first_name", "id"),
    "classification": ("classification", "last_name", "first_name", "id"),
    "hire_date": ("hire_date", "last_name", "id"),
    "-hire_date": ("-hire_date", "last_name", "id"),
}


def school_list(*, district: District, q: str = "") -> QuerySet[School]:
    qs = (
        School.objects.filter(district=district)
        .annotate(staff_count=Count("staff", filter=Q(staff__is_active=True)))
        .order_by("name", "id")  # an aggregate drops Meta.ordering
    )
    return qs.filter(name__icontains=q) if q else qs


def school_get(*, district: District, pk: int) -> School:
    return get_object_or_404(School, district=district, pk=pk)


def staff_list(
    *,
    district: District,
    q: str = "",
    school: School | None = None,
    classification: str = "",
    active: bool | None = None,
    sort: str = "name",
) -> QuerySet[Staff]:
    qs = Staff.objects.filter(district=district).select_related("school")
    if q:
        for word in q.split()[:5]:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(staff_unique_id__iexact=word)
            )
    if school is not None:
        qs = qs.filter(school=school)
    if classification:
        qs = qs.filter(classification=classification)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by(*STAFF_SORTS.get(sort, STAFF_SORTS["name"]))


def staff_of_user(*, district: District, user: User) -> Staff | None:
    """The staff record of a signed-in person in a district, if they have one."""
    if not user.pk:
        return None
    return Staff.objects.filter(district=district, user=user).first()


def staff_get(*, district: District, pk: int) -> Staff:
    return get_object_or_404(
        Staff.objects.select_related("school", "user"), district=district, pk=pk
    )


@dataclass(frozen=True)
class DistrictOverview:
    school_count: int
    staff_count: int
    teacher_count: int
    by_classification: list[tuple[str, int]]
    by_school: list[tuple[School, int]]


def district_overview(*, district: District) -> DistrictOverview:
    """Counts for the district home page, each computed in SQL."""
    active = Staff.objects.filter(district=district, is_active=True)
    labels = dict(StaffClassification.choices)
    by_class = [
        (labels.get(row["classification"], row["classification"]), row["n"])
        for row in active.values("classification").annotate(n=Count("id")).order_by("-n")
    ]
    schools = list(school_list(district=district))
    return DistrictOverview(
        school_count=len(schools),
        staff_count=sum(n for _, n in by_class),
        teacher_count=next(
            (n for key, n in by_class if key == StaffClassification.TEACHER.label), 0
        ),
        by_classification=by_class,
        by_school=[(s, s.staff_count) for s in schools],  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class MemberDistrictCounts:
    district: District
    school_count: int
    staff_count: int
    teacher_count: int


def consortium_member_counts(*, consortium: Consortium) -> list[MemberDistrictCounts]:
    """Aggregates only: how many schools and staff each member district has, no records.

    Callers must already have checked that the user leads this consortium.
    """
    districts = list(District.objects.filter(consortium=consortium).order_by("name"))
    ids = [d.pk for d in districts]
    schools = dict(
        School.objects.filter(district_id__in=ids)
        .values("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    staff = {
        row["district_id"]: row
        for row in Staff.objects.filter(district_id__in=ids, is_active=True)
        .values("district_id")
        .annotate(
            n=Count("id"),
            teachers=Count("id", filter=Q(classification=StaffClassification.TEACHER)),
        )
    }
    return [
        MemberDistrictCounts(
            district=d,
            school_count=schools.get(d.pk, 0),
            staff_count=staff.get(d.pk, {}).get("n", 0),
            teacher_count=staff.get(d.pk, {}).get("teachers", 0),
        )
        for d in districts
    ]


def school_roles(staff: Staff) -> QuerySet[SchoolAssignment]:
    """Where the person works and as what, newest first, ended ones included (from the roster
    or typed in)."""
    return SchoolAssignment.objects.filter(
        district_id=staff.district_id, staff=staff
    ).select_related("school")


def employments(staff: Staff) -> QuerySet[Employment]:
    return Employment.objects.filter(district_id=staff.district_id, staff=staff)
