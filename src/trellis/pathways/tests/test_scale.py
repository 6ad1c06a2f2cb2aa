"""The scale generator's pathways step: years of history behind the benchmarks' pages."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client

from trellis.core.models import District, User
from trellis.demo.scale import generate
from trellis.org.models import Staff
from trellis.pathways.models import Ladder, Standing
from trellis.pathways.selectors.history import MoveKind, district_moves, new_leaders, retention
from trellis.pathways.selectors.ladders import ladder_rank
from trellis.roles.models import Assignment, Position, PositionStatus, RoleType

pytestmark = pytest.mark.django_db


def test_the_scale_step_gives_a_tenth_of_the_staff_a_career_with_every_kind_of_move():
    result = generate(scale="S")
    district = District.objects.get(slug="scale-s")
    # About a tenth of the staff have five school years of history, most of it ended
    history = Assignment.objects.filter(district=district, begin_date__year__lt=2026)
    people = history.values("staff").distinct().count()
    staff = Staff.objects.filter(district=district).count()
    assert 0.08 * staff <= people <= 0.16 * staff
    # Posts whose holders have all moved on are closed
    closed = Position.objects.filter(district=district, status=PositionStatus.CLOSED)
    assert closed.exists() and not history.filter(position__in=closed, end_date=None).exists()
    assert result.rows["pathways"] > history.count()
    # Leaders beside the study's roles, and a four-step ladder
    leaders = set(RoleType.objects.filter(district=district, standard_key="").values_list(
        "name", flat=True))  # fmt: skip
    assert leaders == {"Principal", "Assistant principal", "Learning director"}
    assert Ladder.objects.get(district=district).steps.count() == 4
    # Promotions, lateral moves, returns and exits; retention and new leaders to show
    moves = district_moves(district=district, ladder_rank=ladder_rank(district=district))
    kinds = Counter(m.kind for m in moves)
    assert {MoveKind.PROMOTION, MoveKind.LATERAL, MoveKind.RETURN, MoveKind.EXIT} <= set(kinds)
    assert any(row.rate(1) is not None for row in retention(district=district))
    assert new_leaders(district=district)
    # Everyone who left has an exit; HR's standing is recorded for those who stay
    gone = set(
        Staff.objects.filter(district=district, is_active=False).values_list("pk", flat=True)
    )
    left = {m.staff_id for m in moves if m.staff_id in gone}
    assert left and left == {m.staff_id for m in moves if m.staff_id in gone and m.kind == "exit"}
    assert Standing.objects.filter(district=district, good=False).exists()
    # and the report pages the benchmarks time answer for the bench admin
    client = Client()
    client.force_login(User.objects.get(username="bench-scale-s"))
    for path in ("/pathways/retention/", "/pathways/flows/?first_year=2021-22&last_year=2026-27"):
        assert client.get(path).status_code == 200, path
