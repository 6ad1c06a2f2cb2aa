"""Fixtures shared by the rollout tests: Maple Valley's initiative, run by alice, with a few
teachers in two schools; Cedar Ridge (charlie) is the other district."""

from __future__ import annotations

import pytest

from trellis.factories import SchoolFactory, StaffFactory
from trellis.org.models import AcademicSubject, StaffClassification
from trellis.rollout.services.initiative import initiative_create


@pytest.fixture
def initiative(alice, district_a):
    return initiative_create(
        district=district_a,
        data={
            "name": "Personalized learning for every child",
            "approaches": ["blended", "mastery"],
            "first_year": "2025-26",
            "last_year": "2027-28",
        },
        actor=alice.user,
    )


@pytest.fixture
def other_initiative(charlie, district_b):
    return initiative_create(
        district=district_b,
        data={"name": "Cedar's plan", "approaches": ["project_based"],
              "first_year": "2025-26", "last_year": "2027-28"},
        actor=charlie.user,
    )  # fmt: skip


@pytest.fixture
def school_a2(district_a):
    return SchoolFactory(district=district_a, name="Birch Elementary")


def make_teachers(school, n, subject=AcademicSubject.ELA, prefix="T"):
    """``n`` current teachers at ``school``."""
    return [
        StaffFactory(district=school.district, school=school, academic_subject=subject,
                     classification=StaffClassification.TEACHER)
        for _ in range(n)
    ]  # fmt: skip
