"""The scale generator's rollout step: the shape the benchmarks rely on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from trellis.core.models import District, User
from trellis.demo.scale import generate
from trellis.org.models import Staff, StaffClassification
from trellis.rollout.models import Amnesty, Cohort, CohortMember, Initiative
from trellis.rollout.selectors.cohorts import pilot_suggestion, progress_by_school, share_count

pytestmark = pytest.mark.django_db


def test_the_scale_rollout_puts_every_teacher_in_a_cohort_and_plans_a_pilot():
    result = generate(scale="S")
    district = District.objects.get(slug="scale-s")
    teachers = Staff.objects.filter(district=district, is_active=True,
                                    classification=StaffClassification.TEACHER).count()  # fmt: skip
    rollout = Initiative.objects.get(district=district, name="Scale rollout")
    assert CohortMember.objects.filter(cohort__initiative=rollout).count() == teachers
    assert Amnesty.objects.filter(initiative=rollout).count() == teachers
    progress = progress_by_school(initiative=rollout, school_year="2026-27")
    assert progress.total.implementing == progress.total.teachers == teachers
    planning = Initiative.objects.get(district=district, name="Scale pilot planning")
    pilot = Cohort.objects.get(initiative=planning)
    suggestion = pilot_suggestion(phase=pilot.phase)
    assert suggestion.result.size == share_count(Decimal(10), teachers)
    assert not suggestion.result.uncovered_schools
    assert result.rows["rollout"] > 2 * teachers
    # and the pages the benchmarks time answer for the bench admin
    client = Client()
    client.force_login(User.objects.get(username="bench-scale-s"))
    assert client.get(f"/rollout/{rollout.pk}/progress/?school_year=2026-27").status_code == 200
    assert client.get(f"/rollout/cohorts/{pilot.pk}/suggest/").status_code == 200
