"""Fixtures shared by the pathways page, API and browser tests: Maple Valley's ladder from the
classroom through coaching to the principal's office, a teacher (Tess) with a certification
still to start, a coach (Cody) two years in, bob's own staff record, a past promotion (Pia) for
the reports, and Cedar Ridge's own ladder (charlie's district)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from trellis.factories import StaffFactory
from trellis.learning.models import CertificationProgram
from trellis.org.models import StaffClassification
from trellis.pathways.services import StepSpec, ladder_save, steps_save
from trellis.pathways.tests.history_builders import hold, role
from trellis.roles.models import EndReason, RoleLevel


def teacher(school, first_name, years=3, **kwargs):
    """A current teacher at ``school`` hired ``years`` ago."""
    hired = timezone.localdate() - dt.timedelta(days=round(years * 365.25))
    return StaffFactory(district=school.district, school=school, first_name=first_name,
                        last_name=kwargs.pop("last_name", "Tester"), hire_date=hired,
                        classification=StaffClassification.TEACHER, **kwargs)  # fmt: skip


def specs(coach, principal, blended, principal_certs=True):
    """Classroom teacher → instructional coach → principal, each higher step asking for the
    blended-learning certification (unless ``principal_certs`` is False: a dropped one)."""
    return [
        StepSpec("Classroom teacher", classifications=[StaffClassification.TEACHER]),
        StepSpec("Instructional coach", role_type_ids=[coach.pk], min_years=Decimal(2),
                 min_hours=Decimal(30), certification_ids=[blended.pk]),
        StepSpec("Principal", role_type_ids=[principal.pk], min_years=Decimal(1),
                 certification_ids=[blended.pk] if principal_certs else []),
    ]  # fmt: skip


@pytest.fixture
def catalog(district_a):
    """Maple's coach and principal role types and its blended-learning certification."""
    return {
        "coach": role(district_a, "Instructional coach", RoleLevel.SCHOOL,
                      standard_key="instructional_strategies_coach"),
        "principal": role(district_a, "Principal", RoleLevel.SCHOOL,
                          StaffClassification.PRINCIPAL),
        "blended": CertificationProgram.objects.create(district=district_a,
                                                       name="Blended learning"),
    }  # fmt: skip


@pytest.fixture
def people(district_a, school_a, catalog, bob):
    """Tess (teacher, three years), Cody (coach for two years and a month), Pia (coach who was
    promoted to principal last year) and bob's own record (a teacher)."""
    today = timezone.localdate()
    tess = teacher(school_a, "Tess", last_name="Teague")
    cody = teacher(school_a, "Cody", years=6, last_name="Coates")
    pia = teacher(school_a, "Pia", years=8, last_name="Park")
    mine = teacher(school_a, "Bob", years=1, last_name="Baker", user=bob.user)
    coaching = hold(catalog["coach"], cody, today - dt.timedelta(days=760))
    hold(catalog["coach"], pia, today - dt.timedelta(days=1_200), today - dt.timedelta(days=400),
         EndReason.PROMOTED)  # fmt: skip
    hold(catalog["principal"], pia, today - dt.timedelta(days=399))
    return {"tess": tess, "cody": cody, "pia": pia, "bob": mine, "coaching": coaching}


@pytest.fixture
def ladder(alice, district_a, catalog, people):
    made = ladder_save(district=district_a, name="Teacher to principal", actor=alice.user,
                       description="From the classroom to the principal's office.")  # fmt: skip
    steps_save(ladder=made, actor=alice.user,
               specs=specs(catalog["coach"], catalog["principal"], catalog["blended"]))  # fmt: skip
    return made


@pytest.fixture
def other_ladder(charlie, district_b, school_b):
    """Cedar Ridge's ladder and one of its people."""
    coach = role(district_b, "Cedar coach", RoleLevel.SCHOOL)
    made = ladder_save(district=district_b, name="Cedar path", actor=charlie.user)
    steps_save(ladder=made, actor=charlie.user, specs=[
        StepSpec("Teacher", classifications=[StaffClassification.TEACHER]),
        StepSpec("Coach", role_type_ids=[coach.pk], min_years=Decimal(1)),
    ])  # fmt: skip
    made.person = teacher(school_b, "Cedric")
    made.coach = coach
    return made


def step_rows(*rows, name="Teacher to principal", description=""):
    """The ladder page's POST: the ladder's fields and twelve step rows (``rows`` first, given
    as dicts of field → value, the rest empty)."""
    data = {"name": name, "description": description, "steps-TOTAL_FORMS": "12",
            "steps-INITIAL_FORMS": "12", "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "12"}  # fmt: skip
    for n in range(12):
        row = rows[n] if n < len(rows) else {}
        data[f"steps-{n}-hours_years"] = "2"
        for field, value in row.items():
            data[f"steps-{n}-{field}"] = value
    return data


def good_rows(catalog, principal_certs=True):
    c = catalog
    return [
        {"name": "Classroom teacher", "classifications": ["teacher"]},
        {"name": "Instructional coach", "role_types": [str(c["coach"].pk)], "min_years": "2",
         "min_hours": "30", "certifications": [str(c["blended"].pk)]},
        {"name": "Principal", "role_types": [str(c["principal"].pk)], "min_years": "1",
         "certifications": [str(c["blended"].pk)] if principal_certs else []},
    ]  # fmt: skip
