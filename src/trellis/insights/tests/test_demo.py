"""The dashboards over the demo consortium: every area of Maple Valley in one page, and the
three member districts side by side."""

from __future__ import annotations

import pytest
from django.test import Client

from trellis.demo.loader import PASSWORD, demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    return demo_load()


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_alice_sees_the_demo_initiative_at_a_glance(loaded):
    board = signed_in("alice").get("/").context["board"]
    assert board.district.name == "Maple Valley School District"
    for area in ("roles", "learning", "pay", "coaching", "rollout", "retention"):
        assert getattr(board, area) is not None, area
    assert board.rollout.teachers == 345
    assert board.pay.grant == "RTT-D grant"


def test_dana_sees_the_demo_consortiums_districts_side_by_side(loaded):
    response = signed_in("dana").get("/", follow=True)
    (consortium,) = response.context["dashboards"]
    names = [m.name for m in consortium.members]
    assert "Maple Valley School District" in names and "Harbor Point Public Schools" in names
    assert consortium.total.teachers == sum(m.teachers for m in consortium.members)
    assert consortium.total.learning.hours == sum(m.learning.hours for m in consortium.members)
