"""The consortium dashboard: member districts side by side and totalled, for consortium
leads only, aggregates only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from trellis.insights.tests import builders as build

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(alice, charlie, school_a, school_b, staff_a, staff_b):
    """Maple Valley has positions, applications, learning, a rollout and retention history;
    Cedar Ridge only positions and applications."""
    build.positions(school_a, alice.user, filled=1, open_=2)
    build.applications(school_a, alice.user, this_year=3, screened=1, last_year=1)
    build.learning(school_a, attendees=2, certified=1, in_progress=1)
    build.rollout(school_a, alice.user, teachers_n=3, implementing=2, questions=2, done=1)
    build.retention_history(school_a)
    build.positions(school_b, charlie.user, filled=0, open_=1)
    build.applications(school_b, charlie.user, this_year=2, screened=0, last_year=0)


def test_dana_sees_each_member_district_side_by_side_with_totals(dana, members):
    # when dana, who leads the consortium, opens its dashboard
    response = dana.client().get(reverse("insights:consortium"))
    assert response.status_code == 200
    (board,) = response.context["dashboards"]
    cedar, maple = board.members
    # then each district's numbers sit side by side
    assert (maple.name, cedar.name) == ("Maple Valley", "Cedar Ridge")
    assert (maple.roles.filled, maple.roles.open) == (2, 4)  # + the retention history's posts
    assert (cedar.roles.filled, cedar.roles.open) == (0, 2)  # + the posting's position
    assert (maple.hiring.total, cedar.hiring.total) == (3, 2)
    assert maple.learning.hours == Decimal("12") and maple.learning.certified == 1
    # every current teacher counts: Ana, the learners, the candidates and the rollout's three
    assert (maple.rollout.implementing, maple.rollout.teachers) == (2, 1 + 2 + 2 + 3)
    assert maple.retention.percent == 50
    # and a district with none of an area has nothing there, shown as a dash
    assert cedar.learning is None and cedar.rollout is None and cedar.retention is None
    assert "—" in response.content.decode()
    # and the totals add the districts up
    total = board.total
    assert (total.roles.filled, total.roles.open, total.hiring.total) == (2, 6, 5)
    assert total.staff == maple.staff + cedar.staff
    assert total.rollout.implementing == 2 and total.retention.eligible == 2


def test_dana_never_sees_a_staff_record_or_a_note(dana, members, staff_a, staff_b):
    body = dana.client().get(reverse("insights:consortium")).content.decode()
    assert staff_a.last_name not in body and staff_b.last_name not in body
    assert build.SECRET_NOTE not in body
    # and the consortium page shows neither pay nor coaching
    assert "$" not in body and "Coaching" not in body


def test_a_consortium_with_an_empty_member_shows_dashes_not_errors(dana, district_a, district_b):
    response = dana.client().get(reverse("insights:consortium"))
    (board,) = response.context["dashboards"]
    assert response.status_code == 200
    assert all(m.roles is None and m.hiring is None for m in board.members)
    assert board.total.roles is None


def test_a_district_admin_may_not_see_the_consortium_or_export_it(alice, charlie, members):
    for persona in (alice, charlie):
        client = persona.client()
        assert client.get(reverse("insights:consortium")).status_code == 403
        export = reverse("insights:consortium-export", args=["csv"])
        assert client.get(export).status_code == 403


def test_the_consortium_export_has_a_row_per_member_and_the_total(dana, members):
    response = dana.client().get(reverse("insights:consortium-export", args=["csv"]))
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("consortium,district,schools,current_staff,teachers")
    assert [line.split(",")[1] for line in lines[1:]] == [
        "Cedar Ridge",
        "Maple Valley",
        "All member districts",
    ]
    # an area a district has none of is empty, not zero
    cedar = lines[1].split(",")
    assert cedar[lines[0].split(",").index("learning_hours")] == ""
