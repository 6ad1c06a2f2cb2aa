"""The demo catalog, sessions and certification cohorts, and the scale generator's learning
step: the shape they promise, and that loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trellis.core.models import District, User
from trellis.demo.learning_catalog import CATALOG, learning_catalog_load, learning_catalog_scale
from trellis.demo.loader import demo_load
from trellis.demo.people import PeopleSource
from trellis.factories import DistrictFactory, SchoolFactory, StaffFactory
from trellis.learning.models import (
    Activity,
    ActivitySource,
    Candidacy,
    CertificationProgram,
    Enrolment,
    RequirementEvidence,
    Session,
)
from trellis.learning.selectors import catalog as selectors
from trellis.org.models import Staff

pytestmark = pytest.mark.django_db


def test_the_demo_district_learns_in_three_cohorts_and_loading_again_changes_nothing(db):
    demo_load()  # loads each demo district's catalog with learning_catalog_load
    maple = District.objects.get(slug="maple-valley")
    alice = User.objects.get(username="alice")
    today = timezone.localdate()
    for slug in ("maple-valley", "cedar-ridge", "harbor-point"):
        assert Activity.objects.filter(district__slug=slug).count() == len(CATALOG), slug

    # Every source and every element of initial training is in the catalog
    activities = Activity.objects.filter(district=maple)
    assert set(activities.values_list("source", flat=True)) == set(ActivitySource.values)
    assert {c.count > 0 for c in selectors.element_coverage(district=maple)} == {True}
    # Past sessions have their attendance; upcoming ones are open
    sessions = Session.objects.filter(district=maple)
    assert sessions.filter(starts_on__gt=today).count() >= 5
    past = Enrolment.objects.filter(district=maple, session__starts_on__lte=today)
    assert past.exists() and not past.filter(attended__isnull=True).exists()
    assert not Enrolment.objects.filter(session__starts_on__gt=today, attended__isnull=False)

    # 345 teachers in the ELA and math programs, in three cohorts at varied progress
    programs = CertificationProgram.objects.filter(district=maple)
    assert sorted(programs.values_list("name", flat=True)) == [
        "Blended-learning specialist (ELA)", "Blended-learning specialist (math)",
    ]  # fmt: skip
    assert all(p.requirements.count() == 3 for p in programs)
    candidacies = Candidacy.objects.filter(district=maple)
    cohorts = Counter(candidacies.values_list("cohort", flat=True))
    assert sum(cohorts.values()) == 345 and len(cohorts) == 3
    pilot, second, current = sorted(cohorts)
    assert cohorts[pilot] == 34 and not candidacies.filter(cohort=pilot, certified_on=None)
    certified_last_year = candidacies.filter(cohort=second, certified_on__isnull=False).count()
    assert cohorts[second] * 0.6 < certified_last_year < cohorts[second]
    assert not candidacies.filter(cohort=current, certified_on__isnull=False).exists()
    just_started = candidacies.filter(started_on__gt=today - dt.timedelta(days=7))
    assert just_started.exists()
    assert RequirementEvidence.objects.filter(candidacy__district=maple).exists()
    # The teacher persona is in this year's cohort, with progress to see
    bob = Staff.objects.get(district=maple, user__username="bob")
    assert candidacies.get(staff=bob).cohort == current

    # Certified candidates' dates agree with what progress says
    sample = list(candidacies.filter(certified_on__isnull=False)[:20])
    progress = selectors.candidacy_progress(candidacies=sample)
    assert all(progress[c.pk].completed_on == c.certified_on for c in sample)

    # The pages read the demo: the program page and "My learning" for bob
    program = programs.get(content_area="ela")
    for user, url in [
        (alice, reverse("learning:program", args=[program.pk])),
        (alice, reverse("learning:hours")),
        (bob.user, reverse("learning:mine")),
    ]:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url

    # Loading again changes nothing
    counts = (Activity.objects.count(), Enrolment.objects.count(), Candidacy.objects.count())
    assert learning_catalog_load(maple, alice) == 0
    assert (Activity.objects.count(), Enrolment.objects.count(), Candidacy.objects.count()) == (
        counts
    )


def test_the_scale_step_fills_a_district_in_bulk(db):
    # given a district of 120 current staff (the generator registers this step for its own)
    district = DistrictFactory()
    school = SchoolFactory(district=district)
    StaffFactory.create_batch(120, district=district, school=school)
    # when the learning step runs for it
    rows = learning_catalog_scale([district], PeopleSource(1))
    # then it wrote what it says, sessions over three years, with attendance where held
    enrolments = Enrolment.objects.filter(district=district)
    candidacies = Candidacy.objects.filter(district=district)
    assert rows == (
        Activity.objects.count() + Session.objects.count() + enrolments.count()
        + CertificationProgram.objects.count() + 6 + candidacies.count()
        + RequirementEvidence.objects.count()
    )  # fmt: skip
    assert enrolments.count() >= 120 * 2  # about three sessions a person over three years
    assert not enrolments.filter(session__starts_on__gt=timezone.localdate(),
                                 attended__isnull=False).exists()  # fmt: skip
    assert candidacies.filter(certified_on__isnull=False).exists()
    assert candidacies.filter(certified_on__isnull=True).exists()
    assert set(Session.objects.values_list("school_year", flat=True)) == {
        "2024-25", "2025-26", "2026-27",
    }  # fmt: skip
    assert not RequirementEvidence.objects.filter(completed_on__gt=timezone.localdate()).exists()
