"""The demo's initiatives: Maple Valley's three-year rollout and Harbor Point's taskforce."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from trellis.demo.loader import PASSWORD, demo_load
from trellis.org.models import Staff, StaffClassification
from trellis.rollout.models import (
    AdoptionMode,
    Amnesty,
    CohortMember,
    Initiative,
    MeetingStatus,
    MemberStatus,
    ProviderReview,
    ReviewStatus,
    VisionStatus,
)
from trellis.rollout.selectors.checklist import checklist_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    return demo_load()


def test_maple_valley_rolls_out_to_345_teachers_and_reviews_content(loaded):
    mv = Initiative.objects.get(district__slug="maple-valley")
    phases = list(mv.phases.order_by("school_year"))
    assert [p.is_pilot for p in phases] == [True, False, False]
    members = CohortMember.objects.filter(cohort__initiative=mv)
    pilot = members.filter(phase=phases[0], status=MemberStatus.ACTIVE)
    # a 33-teacher volunteer pilot in all four schools
    assert pilot.count() == 33
    assert set(pilot.values_list("source", flat=True)) == {"volunteer"}
    assert pilot.values("staff__school").distinct().count() == 4
    # everyone is in a cohort by the third year
    teachers = Staff.objects.filter(
        district=mv.district, classification=StaffClassification.TEACHER
    )
    assert members.values("staff").distinct().count() == teachers.count() == 345
    # and each has their first year as the amnesty year: 33, then the second cohort, then the rest
    years = dict(Amnesty.objects.filter(initiative=mv).values_list("school_year").annotate(
        n=Count("id")))  # fmt: skip
    assert years == {
        phases[0].school_year: 33,
        phases[1].school_year: members.filter(phase=phases[1]).count(),
        phases[2].school_year: members.filter(phase=phases[2]).count(),
    }
    assert sum(years.values()) == 345
    # the pilot teachers' committee bought the math content it recommended and renewed it
    math = ProviderReview.objects.get(title__startswith="Digital math")
    assert math.status == ReviewStatus.CLOSED
    bought = math.providers.get(purchase="buy")
    assert bought == math.recommended and bought.renewal == "renew"
    assert ProviderReview.objects.filter(status=ReviewStatus.SCORING).count() == 1
    # alice sees the plan's checks; Harbor Point's admin cannot open it
    alice, hal = Client(), Client()
    assert alice.login(username="alice", password=PASSWORD)
    assert hal.login(username="hal", password=PASSWORD)
    page = alice.get(reverse("rollout:plan", args=[mv.pk])).content.decode()
    assert "The pilot has 33 teachers" in page
    assert hal.get(reverse("rollout:plan", args=[mv.pk])).status_code == 404


def test_harbor_point_has_a_tailored_vision_a_taskforce_and_a_checklist_under_way(loaded):
    hp = Initiative.objects.get(district__slug="harbor-point")
    assert list(hp.visions.order_by("number").values_list("status", flat=True)) == [
        VisionStatus.RETIRED, VisionStatus.PUBLISHED]  # fmt: skip
    modes = {a.school.name: a.mode for a in hp.visions.get(number=2).school_versions.all()}
    assert modes["Harbor Point High School"] == AdoptionMode.TAILORED
    assert list(modes.values()).count(AdoptionMode.ADOPTED) == 3
    seats = set(hp.taskforce.values_list("seat", flat=True))
    assert {"cto", "director", "principal", "teacher_leader"} <= seats
    assert hp.meetings.filter(status=MeetingStatus.HELD).count() == 4
    assert hp.meetings.filter(status=MeetingStatus.PLANNED).count() == 1
    progress = checklist_progress(initiative=hp, with_items=False)
    assert progress.total == 23 and 0 < progress.done < progress.applicable
    hal = Client()
    assert hal.login(username="hal", password=PASSWORD)
    assert hal.get(reverse("rollout:taskforce", args=[hp.pk])).status_code == 200
    assert hal.get(reverse("rollout:checklist", args=[hp.pk])).status_code == 200
