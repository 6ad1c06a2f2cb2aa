"""Fixtures of the insight tests beyond the shared personas."""

from __future__ import annotations

import pytest

from trellis.conftest import Persona
from trellis.core.models import Role
from trellis.factories import MembershipFactory, UserFactory


@pytest.fixture
def vera(district_a) -> Persona:
    """A member of Maple Valley's school board: the viewer role."""
    user = UserFactory(username="vera")
    MembershipFactory(user=user, district=district_a, role=Role.VIEWER)
    return Persona(user=user, district=district_a)
