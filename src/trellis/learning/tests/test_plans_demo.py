"""The demo's PLCs, onboarding tracks and persona learning plans: loaded once on top of the demo
districts, with meetings, checklists and goals of several sources and states."""

from __future__ import annotations

import datetime as dt

import pytest

from trellis.core.models import District, User
from trellis.demo.learning_plans import learning_plans_load
from trellis.demo.loader import demo_load
from trellis.learning.models import (
    LearningPlan,
    Onboarding,
    OnboardingTrack,
    PlanGoal,
    Plc,
    PlcMeeting,
)
from trellis.learning.selectors import plans as selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def maple(db):
    demo_load()
    return District.objects.get(slug="maple-valley")


def test_the_demo_district_gets_plcs_tracks_and_persona_plans_once(maple):
    alice = User.objects.get(username="alice")
    # demo_load already ran the loader for every district: the rows are there
    assert Plc.objects.filter(district=maple).exists()
    # a PLC for the coaches and TOSAs, one for implementation specialists, with past meetings
    coaches = Plc.objects.get(district=maple, name="Coaches PLC")
    assert coaches.facilitator.user.username == "cole"
    assert coaches.members.count() == 5  # three instructional coaches and two technology TOSAs
    meetings = PlcMeeting.objects.filter(plc=coaches)
    assert meetings.count() == 4
    assert all(m.agenda and m.notes and m.challenges and m.successes for m in meetings)
    assert all(m.attendees.exists() for m in meetings)
    assert Plc.objects.get(district=maple, name="Implementation specialists PLC").members.exists()
    # coach onboarding for new and experienced people, with a checklist for each current coach
    assert set(
        OnboardingTrack.objects.filter(district=maple).values_list("audience", flat=True)
    ) == {"new", "experienced"}
    assert Onboarding.objects.filter(district=maple).count() == 3
    # Bob's and Cole's plans have goals of several sources and states, one review overdue
    goals = PlanGoal.objects.filter(plan__staff__user__username__in=("bob", "cole"))
    assert {g.source for g in goals} == {"self", "supervisor", "coach"}
    assert {g.status for g in goals} >= {"planned", "active", "met", "deferred", "dropped"}
    bob_plan = LearningPlan.objects.get(staff__user__username="bob")
    assert any(
        selectors.is_overdue(g, selectors.today() + dt.timedelta(days=1))
        for g in bob_plan.goals.all()
    )
    # and a second run changes nothing
    assert learning_plans_load(maple, alice) == 0


def test_a_district_without_coaches_gets_only_what_fits(maple):
    cedar = District.objects.get(slug="cedar-ridge")
    learning_plans_load(cedar, None)
    assert not Plc.objects.filter(district=cedar, name="Coaches PLC").exists()
    assert Plc.objects.filter(district=cedar, name="Implementation specialists PLC").exists()
    assert OnboardingTrack.objects.filter(district=cedar).count() == 2  # ready for a first coach
    assert not Onboarding.objects.filter(district=cedar).exists()
    assert not LearningPlan.objects.filter(district=cedar, staff__user__username="bob").exists()
