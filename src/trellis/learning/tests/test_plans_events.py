"""Starting an assignment (the ``roles.assignment_started`` event, delivered after commit) gives
the person their role's onboarding track: "new" the first time, "experienced" when they held the
role before; once per assignment; nothing when the role has no track or the work rolled back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from trellis.core.events import publish
from trellis.learning.models import Audience, Onboarding
from trellis.learning.services import plans as services
from trellis.learning.tests.plans_helpers import end, person, start, today, track

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(district_a, school_a):
    return person(district_a, school_a)


@pytest.fixture
def tracks(district_a):
    return {
        Audience.NEW: track(district_a, Audience.NEW),
        Audience.EXPERIENCED: track(district_a, Audience.EXPERIENCED),
    }


def test_a_person_new_to_the_role_gets_the_new_track_when_the_assignment_starts(
    ana, tracks, django_capture_on_commit_callbacks
):
    # given tracks for coaches, when ana starts her first coaching assignment
    with django_capture_on_commit_callbacks(execute=True):
        assignment = start(ana, today() - dt.timedelta(days=2))
    # then she has the new-coach checklist, dated from her first day
    onboarding = Onboarding.objects.get(staff=ana)
    assert onboarding.track == tracks[Audience.NEW]
    assert onboarding.assignment == assignment and onboarding.started_on == assignment.begin_date


def test_a_person_back_in_the_role_gets_the_experienced_track(
    ana, tracks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = start(ana, today() - dt.timedelta(days=500))
    end(first, today() - dt.timedelta(days=100))
    with django_capture_on_commit_callbacks(execute=True):
        again = start(ana)
    assert Onboarding.objects.get(assignment=again).track == tracks[Audience.EXPERIENCED]
    assert Onboarding.objects.get(assignment=first).track == tracks[Audience.NEW]


def test_the_same_assignment_is_onboarded_once(ana, tracks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = start(ana)
        # the event delivered twice (say, a retry) changes nothing
        publish(
            "roles.assignment_started",
            assignment_id=assignment.pk,
            district_id=assignment.district_id,
            staff_id=ana.pk,
            position_id=assignment.position_id,
        )
    assert Onboarding.objects.filter(assignment=assignment).count() == 1


def test_a_role_without_a_track_gives_no_checklist(ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(ana)
    assert not Onboarding.objects.exists()


def test_an_assignment_that_rolls_back_gives_no_checklist(
    ana, tracks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        start(ana, fte=Decimal("0.5"))
        raise RuntimeError("the hire was abandoned")
    assert callbacks == [] and not Onboarding.objects.exists()


def test_an_event_about_another_districts_or_a_missing_assignment_is_ignored(
    ana, tracks, district_b
):
    assignment = start(ana)
    services.assignment_started(assignment_id=assignment.pk, district_id=district_b.pk)
    services.assignment_started(assignment_id=987654, district_id=ana.district_id)
    assert not Onboarding.objects.exists()
    services.assignment_started(assignment_id=assignment.pk, district_id=ana.district_id)
    assert Onboarding.objects.get().track == tracks[Audience.NEW]


def test_history_recorded_after_the_fact_gets_no_checklist(
    ana, tracks, django_capture_on_commit_callbacks
):
    # given an assignment begun and ended before its work committed (a past post, recorded)
    with django_capture_on_commit_callbacks(execute=True):
        past = start(ana, today() - dt.timedelta(days=700))
        end(past, today() - dt.timedelta(days=300))
    # then there is no onboarding checklist to fall overdue
    assert not Onboarding.objects.filter(assignment=past).exists()
