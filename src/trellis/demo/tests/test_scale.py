"""The scale generator behind `make bench`: the shape it promises, the same every time."""

from __future__ import annotations

import pytest

from trellis.core.models import District, Membership, Role, User
from trellis.demo.scale import generate
from trellis.org.models import School, Staff
from trellis.roles.models import Assignment, Position, PositionStatus, RoleType

pytestmark = pytest.mark.django_db


def test_scale_s_is_one_district_with_its_teachers_and_a_bench_admin():
    result = generate(scale="S")
    district = District.objects.get(slug="scale-s")
    assert result.rows["staff"] == Staff.objects.filter(district=district).count() == 372
    assert School.objects.filter(district=district).count() == 4
    assert Membership.objects.get(user__username="bench-scale-s").role == Role.DISTRICT_ADMIN
    assert result.rows_per_second > 0
    # The roles step: ten role types, a published description each, positions at every school
    # (the pathways step adds the leaders' role types and closed posts of years past)
    positions = Position.objects.filter(district=district).exclude(status=PositionStatus.CLOSED)
    assert RoleType.objects.filter(district=district).exclude(standard_key="").count() == 10
    assert set(positions.values_list("school", flat=True)) >= set(
        School.objects.filter(district=district).values_list("pk", flat=True)
    )
    filled = positions.filter(status=PositionStatus.FILLED)
    held = Assignment.objects.filter(position__in=filled, end_date__isnull=True)
    assert held.values("position").distinct().count() == filled.count() > 0
    assert result.rows["roles and positions"] > positions.count()


def test_generation_is_deterministic():
    generate(scale="T")
    first = list(Staff.objects.order_by("staff_unique_id").values_list("first_name", "last_name"))
    District.objects.all().delete()  # takes its schools, staff, positions and memberships
    User.objects.all().delete()
    generate(scale="T")
    again = list(Staff.objects.order_by("staff_unique_id").values_list("first_name", "last_name"))
    assert again == first and len(first) == 100
