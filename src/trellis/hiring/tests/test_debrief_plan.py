"""The hiring debrief hands its development goals to the new hire's learning plan (through
learning's service): in the school year the assignment starts, owned by the new hire, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from trellis.hiring import services
from trellis.hiring.models import Candidate, DevelopmentGoal, GoalStatus
from trellis.hiring.tests.helpers import hiring_setup, scored
from trellis.learning.models import LearningPlan, PlanGoal

pytestmark = pytest.mark.django_db

# One row per seat, one rating (1–4) per part: parts 3 and 4 fall below the 70 % threshold.
MATRIX = [
    [4, 3, 3, 2, 4, 3],
    [4, 3, 2, 2, 4, 3],
    [3, 3, 3, 2, 4, 4],
    [4, 4, 3, 1, 4, 3],
]


@pytest.fixture
def hiring(district_a, hana):
    return hiring_setup(district_a, actor=hana.user, applicants=1)


def hire(hiring, actor, begin: dt.date):
    application = scored(hiring, hiring.applications[0], MATRIX)
    services.offer_make(application=application, actor=actor)
    application, _ = services.offer_accept(application=application, begin_date=begin, actor=actor)
    return application


def test_a_new_hires_plan_carries_the_debrief_goals_once(hiring, hana):
    # given a candidate hired to start on 1 August 2026
    application = hire(hiring, hana.user, dt.date(2026, 8, 1))
    staff = Candidate.objects.get(pk=application.candidate_id).staff
    # when the debrief runs, and runs again
    goals = services.debrief_goals_create(application=application, actor=hana.user)
    again = services.debrief_goals_create(application=application, actor=hana.user)
    # then the 2026-27 plan holds each development goal once, owned by the new hire
    plan = LearningPlan.objects.get(staff=staff)
    assert plan.school_year == "2026-27"
    in_plan = list(plan.goals.order_by("id"))
    assert [g.text for g in in_plan] == [g.text for g in goals]
    assert {(g.source, g.owner_id, g.status) for g in in_plan} == {("debrief", staff.pk, "planned")}
    assert sorted(g.source_ref for g in in_plan) == sorted(f"hiring.goal:{g.pk}" for g in goals)
    assert sorted(g.pk for g in again) == sorted(g.pk for g in goals)
    assert PlanGoal.objects.count() == len(goals) == 2
    # and hiring records that the goals are in a learning plan
    assert set(DevelopmentGoal.objects.values_list("status", flat=True)) == {GoalStatus.IN_PLAN}
    assert {g.status for g in goals} == {GoalStatus.IN_PLAN}


def test_the_plan_is_for_the_school_year_the_assignment_starts(hiring, hana):
    application = hire(hiring, hana.user, dt.date(2027, 8, 2))
    services.debrief_goals_create(application=application, actor=hana.user)
    assert LearningPlan.objects.get().school_year == "2027-28"


def test_goals_still_open_from_before_plans_join_the_plan_on_the_next_run(hiring, hana):
    application = hire(hiring, hana.user, dt.date(2026, 8, 1))
    goals = services.debrief_goals_create(application=application, actor=hana.user)
    # as if the goals had been made before learning plans existed
    PlanGoal.objects.all().delete()
    DevelopmentGoal.objects.update(status=GoalStatus.OPEN)
    services.debrief_goals_create(application=application, actor=hana.user)
    assert PlanGoal.objects.count() == len(goals)
    assert set(DevelopmentGoal.objects.values_list("status", flat=True)) == {GoalStatus.IN_PLAN}


def test_a_met_development_goal_is_not_put_back_in_a_plan(hiring, hana):
    application = hire(hiring, hana.user, dt.date(2026, 8, 1))
    services.debrief_goals_create(application=application, actor=hana.user)
    PlanGoal.objects.all().delete()
    DevelopmentGoal.objects.update(status=GoalStatus.MET)
    services.debrief_goals_create(application=application, actor=hana.user)
    assert not PlanGoal.objects.exists()


def test_a_refused_debrief_writes_no_plan(hiring, hana):
    application = scored(hiring, hiring.applications[0], MATRIX)
    with pytest.raises(ValidationError, match="accepted candidate"):
        services.debrief_goals_create(application=application, actor=hana.user)
    assert not LearningPlan.objects.exists() and not DevelopmentGoal.objects.exists()
