"""Builders for a fixed assignment history: role types with a published version at a level,
and a position and assignment for each stint, written straight to the database (the roles
services would refuse back-dated history that the tests need)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from trellis.core.schoolyear import school_year_of
from trellis.learning.models import Activity, Enrolment, Session
from trellis.org.models import StaffClassification
from trellis.roles.models import (
    Assignment,
    JobDescription,
    JobDescriptionVersion,
    Position,
    RoleCategory,
    RoleType,
)

_numbers = itertools.count(1)


def role(district, name, level, classification=StaffClassification.INSTRUCTIONAL_COORDINATOR,
         standard_key=""):  # fmt: skip
    """A role type with one published job description version at ``level``."""
    role_type = RoleType.objects.create(
        district=district, name=name, category=RoleCategory.INSTRUCTIONAL_LEADERSHIP,
        default_level=level, staff_classification=classification, standard_key=standard_key,
    )  # fmt: skip
    job = JobDescription.objects.create(district=district, role_type=role_type, title=name)
    version = JobDescriptionVersion.objects.create(
        district=district, job_description=job, number=1, status="published", level=level,
        responsibilities="Lead.",
    )  # fmt: skip
    role_type.version = version
    return role_type


def hold(role_type, staff, begin, end=None, reason="", school=None, office=False):
    """One stint of ``staff`` in ``role_type`` from ``begin`` to ``end`` (open when None), at
    ``school`` (default theirs) or at the district office."""
    position = Position.objects.create(
        district=staff.district, version=role_type.version,
        school=None if office else school or staff.school,
        requisition_number=f"R-{next(_numbers):05d}", school_year=school_year_of(begin),
        status="filled" if end is None else "open",
    )  # fmt: skip
    return Assignment.objects.create(
        district=staff.district, position=position, staff=staff, begin_date=begin,
        end_date=end, end_reason=reason,
    )  # fmt: skip


def attended(staff, hours, on: dt.date):
    """``hours`` of attended professional learning for ``staff`` on ``on``."""
    activity = Activity.objects.create(
        district=staff.district, title=f"Workshop {next(_numbers)}", source="internal",
        element="role_skills", hours=Decimal(hours),
    )  # fmt: skip
    session = Session.objects.create(district=staff.district, activity=activity, starts_on=on,
                                     school_year=school_year_of(on))  # fmt: skip
    return Enrolment.objects.create(
        district=staff.district, session=session, staff=staff, attended=True,
        hours=Decimal(hours), school_year=school_year_of(on),
    )  # fmt: skip
