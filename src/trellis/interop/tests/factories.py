"""Factories for the org records the interop exports read; related rows share one district."""

from __future__ import annotations

import datetime as dt

import factory

from trellis.factories import StaffFactory
from trellis.org.models import Credential, Employment, SchoolAssignment


class SchoolAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolAssignment

    staff = factory.SubFactory(StaffFactory)
    district = factory.SelfAttribute("staff.district")
    school = factory.SelfAttribute("staff.school")
    classification = factory.SelfAttribute("staff.classification")
    begin_date = dt.date(2024, 8, 1)


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    staff = factory.SubFactory(StaffFactory)
    district = factory.SelfAttribute("staff.district")
    hire_date = dt.date(2024, 8, 1)


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    staff = factory.SubFactory(StaffFactory)
    district = factory.SelfAttribute("staff.district")
    identifier = factory.Sequence(lambda n: f"LIC-{n:06d}")
    state = factory.SelfAttribute("district.state")
    issuance_date = dt.date(2020, 7, 1)
