"""The board report: one printable page of the initiative for district admins, HR and the
board (the viewer role)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.core.models import AuditEvent
from trellis.insights.tests import builders as build
from trellis.surveys.tests import builders as surveys_build

pytestmark = pytest.mark.django_db
URL = reverse("insights:board-report")


@pytest.fixture
def initiative(alice, school_a):
    """A rollout, a grant that ends this year and a little of the other areas."""
    build.positions(school_a, alice.user, filled=1, open_=1)
    build.applications(school_a, alice.user, this_year=2, screened=1, last_year=0)
    build.learning(school_a, attendees=1, certified=1, in_progress=1)
    build.coaching_log(school_a, [40])
    build.retention_history(school_a)
    build.grant_cliff(school_a, alice.user)
    return build.rollout(school_a, alice.user, teachers_n=4, implementing=1, questions=2, done=1)


def test_the_board_report_has_the_figures_the_plan_the_cliff_a_date_and_a_print_button(
    alice, initiative
):
    # when alice opens the board report
    response = alice.client().get(URL)
    body = response.content.decode()
    # then it is one page with the date, a print button and how to make a PDF
    assert response.status_code == 200
    assert timezone.localdate().strftime("%Y-%m-%d") in body
    assert '<button type="button" onclick="window.print()">Print</button>' in body
    assert "Save as PDF" in body
    # the dashboard's figures as tables
    for heading in ("Staff and schools", "Personalized-learning roles", "Hiring in",
                    "Growing and keeping staff"):  # fmt: skip
        assert heading in body
    # the rollout plan's phases and checks
    assert f"The rollout: {initiative.name}" in body and "First cohort" in body
    assert "Checks on the plan" in body and "No phase is marked as the pilot." in body
    # and pay's cliff, recorded as a view of pay figures
    assert "the grant cliff" in body and "RTT-D" in body and build.year(1) in body
    assert AuditEvent.objects.filter(action="pay.viewed", actor=alice.user).exists()
    # never a coaching note
    assert build.SECRET_NOTE not in body


def test_hr_and_the_board_may_open_it_and_only_pay_viewers_see_the_cliff(hana, vera, initiative):
    hr = hana.client().get(URL).content.decode()
    board = vera.client().get(URL)
    assert "the grant cliff" in hr
    assert board.status_code == 200
    assert "the grant cliff" not in board.content.decode()
    assert "RTT-D" not in board.content.decode()


def test_a_teacher_may_not_open_the_board_report(bob, initiative):
    assert bob.client().get(URL).status_code == 403


def test_charlies_board_report_is_his_districts_alone(charlie, initiative, district_b):
    body = charlie.client().get(URL).content.decode()
    assert "Cedar Ridge" in body
    assert "Maple Valley" not in body and initiative.name not in body and "RTT-D" not in body


def test_a_district_with_no_initiative_has_a_board_report_without_a_rollout(alice, school_a):
    response = alice.client().get(URL)
    assert response.status_code == 200
    assert "The rollout:" not in response.content.decode()


def test_the_board_report_carries_the_latest_surveys_agreement_without_small_groups(
    alice, school_a
):
    # given a closed round where 4 of 5 agree, split over a school of 4 and the district office
    survey = surveys_build.instrument(school_a.district, alice.user)
    latest = surveys_build.closed_round(survey, title="Spring 2026")
    for likert in (4, 3, 3, 1):
        surveys_build.respond(latest, school=school_a, likert=likert)
    surveys_build.respond(latest, likert=3)
    # when alice opens the board report
    body = alice.client().get(URL).content.decode()
    # then the survey's table gives the totals, and no school's share
    assert "<h2>Survey: Spring 2026</h2>" in body
    assert "80% agree" in body and "75% agree" not in body
