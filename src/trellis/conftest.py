"""Personas shared by every app's tests.

District A (Maple) has alice (admin), hana (HR), bob (teacher); district B (Cedar) has charlie
(admin); dana leads the consortium both belong to and holds no district role.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.test import Client

from trellis.browser_testing import (  # noqa: F401 — fixtures for every app's browser tests
    allow_orm_beside_playwright,
    axe,
    browser,
    chromium_path,
    context,
    page,
)
from trellis.core.models import District, Membership, Role, User
from trellis.factories import (
    ConsortiumFactory,
    DistrictFactory,
    MembershipFactory,
    SchoolFactory,
    StaffFactory,
    UserFactory,
)
from trellis.org.models import School, Staff
from trellis.signin.testing import force_login_passes_two_factor  # noqa: F401 — see its module

PASSWORD = "correct horse battery"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A run that collected nothing proves nothing: make "no tests" a failure, never a pass.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@dataclass
class Persona:
    user: User
    district: District | None

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


def _persona(username: str, district: District | None, role: str) -> Persona:
    user = UserFactory(username=username)
    if district is not None:
        MembershipFactory(user=user, district=district, role=role)
    return Persona(user=user, district=district)


@pytest.fixture
def consortium(db):
    return ConsortiumFactory(name="Tri-County", slug="tri-county")


@pytest.fixture
def district_a(consortium) -> District:
    return DistrictFactory(name="Maple Valley", slug="maple", consortium=consortium)


@pytest.fixture
def district_b(consortium) -> District:
    return DistrictFactory(name="Cedar Ridge", slug="cedar", consortium=consortium)


@pytest.fixture
def alice(district_a) -> Persona:
    return _persona("alice", district_a, Role.DISTRICT_ADMIN)


@pytest.fixture
def hana(district_a) -> Persona:
    return _persona("hana", district_a, Role.HR)


@pytest.fixture
def bob(district_a) -> Persona:
    return _persona("bob", district_a, Role.TEACHER)


@pytest.fixture
def charlie(district_b) -> Persona:
    return _persona("charlie", district_b, Role.DISTRICT_ADMIN)


@pytest.fixture
def dana(consortium) -> Persona:
    persona = _persona("dana", None, Role.CONSORTIUM_LEAD)
    Membership.objects.create(user=persona.user, consortium=consortium, role=Role.CONSORTIUM_LEAD)
    return persona


@pytest.fixture
def school_a(district_a) -> School:
    return SchoolFactory(district=district_a, name="Aspen Elementary")


@pytest.fixture
def school_b(district_b) -> School:
    return SchoolFactory(district=district_b, name="Ridgeview Middle")


@pytest.fixture
def staff_a(school_a) -> Staff:
    return StaffFactory(
        district=school_a.district, school=school_a, first_name="Ana", last_name="Alvarez"
    )


@pytest.fixture
def staff_b(school_b) -> Staff:
    return StaffFactory(
        district=school_b.district, school=school_b, first_name="Zed", last_name="Zimmerman"
    )


@pytest.fixture(scope="session")
def browser_required() -> bool:
    return os.environ.get("TRELLIS_REQUIRE_BROWSER") == "1"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real passwords; in tests it only costs minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
