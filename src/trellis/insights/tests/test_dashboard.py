"""The district dashboard: each tile's numbers from data made for it, tiles absent for an area
with nothing in it or for a reader without the permission, and district walls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.factories import SchoolFactory
from trellis.insights import selectors
from trellis.insights.tests import builders as build
from trellis.pay import calc
from trellis.surveys.tests import builders as surveys_build

pytestmark = pytest.mark.django_db
D = Decimal


def board_of(persona):
    """The dashboard ``persona`` gets from the home page."""
    response = persona.client().get(reverse("insights:home"))
    assert response.status_code == 200
    return response.context["board"], response.content.decode()


def test_the_roles_tile_counts_live_positions_filled_and_open(alice, school_a):
    # given three coach positions, one of them held
    build.positions(school_a, alice.user, filled=1, open_=2)
    # when alice opens her dashboard
    board, page = board_of(alice)
    # then the roles tile says one filled and two open, and links to the positions board
    assert (board.roles.filled, board.roles.open, board.roles.live) == (1, 2, 3)
    assert 'id="tile-roles"' in page and reverse("roles:position-board") in page


def test_the_hiring_tile_counts_this_school_years_applications_by_status(alice, school_a):
    # given four applications this school year (one screened) and two from last year
    build.applications(school_a, alice.user, this_year=4, screened=1, last_year=2)
    # when alice opens her dashboard
    board, page = board_of(alice)
    # then the funnel counts only this year's, by where each stands
    assert board.hiring.total == 4
    assert board.hiring.counts == {"submitted": 3, "screened": 1}
    assert board.hiring.rows == [("Submitted", 3), ("Screened", 1)]
    # and a hiring manager's tile leads to the hiring reports
    assert reverse("hiring:report") in page


def test_the_learning_tile_adds_this_years_hours_and_counts_certification(alice, school_a):
    # given a six-hour session attended by two teachers, one certified and three working
    build.learning(school_a, attendees=2, certified=1, in_progress=3)
    # when alice opens her dashboard
    board, _ = board_of(alice)
    # then twelve hours by two people, and one certified with three in progress
    tile = board.learning
    assert (tile.hours, tile.people, tile.certified, tile.in_progress) == (D("12"), 2, 1, 3)


def test_the_pay_tile_shows_the_first_year_after_the_grant_unfunded(alice, school_a):
    # given three coaches paid in full by a grant that ends with this school year
    build.grant_cliff(school_a, alice.user)
    # when alice (who may see pay) opens her dashboard
    board, page = board_of(alice)
    # then next year is unfunded: each coach at step 3 (a step a year), the schedule up 2 %,
    # eleven months on a ten-month contract
    base = calc.money(D("48300") * D("1.02"))
    each = base + calc.money(base / 10)
    assert board.pay.grant == "RTT-D" and board.pay.school_year == build.year(1)
    assert board.pay.unfunded == 3 * each == board.pay.grant_share
    assert "162,578" in page
    # and her view of pay figures is recorded, as pay records its own
    assert AuditEvent.objects.filter(action="pay.viewed", actor=alice.user).exists()


def test_the_coaching_tile_counts_entries_and_minutes_and_never_shows_a_note(alice, school_a):
    # given a coach's two entries this year, 45 and 30 minutes
    build.coaching_log(school_a, [45, 30])
    # when alice opens her dashboard
    board, page = board_of(alice)
    # then two entries and 75 minutes, and no word of what was written
    assert (board.coaching.entries, board.coaching.minutes) == (2, 75)
    assert build.SECRET_NOTE not in page


def test_the_rollout_tile_shows_teachers_implementing_and_the_checklist(alice, school_a):
    # given five teachers, two in this year's cohort, and one of four questions done
    initiative = build.rollout(
        school_a, alice.user, teachers_n=5, implementing=2, questions=4, done=1
    )
    # when alice opens her dashboard
    board, page = board_of(alice)
    # then two of five implement (40 %) and the checklist is a quarter done
    tile = board.rollout
    assert (tile.implementing, tile.teachers, tile.implementing_percent) == (2, 5, 40)
    assert (tile.checklist_done, tile.checklist_applicable, tile.checklist_percent) == (1, 4, 25)
    assert reverse("rollout:progress", args=[initiative.pk]) in page


def test_the_retention_tile_pools_one_year_retention_across_roles(alice, school_a):
    # given two people who began coaching over a year ago, one still coaching
    build.retention_history(school_a)
    # when alice opens her dashboard
    board, _ = board_of(alice)
    # then one of two stayed a year: 50 %
    assert (board.retention.kept, board.retention.eligible, board.retention.percent) == (1, 2, 50)


def test_a_district_with_nothing_yet_shows_its_facts_and_no_tile(alice, school_a, staff_a):
    # given a district with one school and one teacher and nothing else
    # when alice opens her dashboard
    board, page = board_of(alice)
    # then no tile, no error, and the home page's facts are still there
    assert not board.has_tiles
    assert 'class="card tile"' not in page and "The initiative in" not in page
    assert "Staff by school" in page and "Aspen Elementary" in page
    assert "Staff by classification" in page


@pytest.fixture
def everything(alice, school_a):
    """Maple Valley with something in every area."""
    build.positions(school_a, alice.user, filled=1, open_=1)
    build.applications(school_a, alice.user, this_year=2, screened=0, last_year=0)
    build.learning(school_a, attendees=1, certified=1, in_progress=0)
    build.grant_cliff(school_a, alice.user)
    build.coaching_log(school_a, [20])
    build.rollout(school_a, alice.user, teachers_n=2, implementing=1, questions=1, done=0)
    build.retention_history(school_a)


def test_alice_sees_every_tile_when_every_area_has_something(alice, everything):
    board, page = board_of(alice)
    for area in ("roles", "hiring", "learning", "pay", "coaching", "rollout", "retention"):
        assert getattr(board, area) is not None, area
        assert f'id="tile-{area}"' in page
    assert board.survey is None  # no survey has closed yet


def test_bob_sees_no_pay_coaching_or_retention_tile(bob, everything):
    # given every area has something; bob is a teacher
    # when he opens his dashboard
    board, page = board_of(bob)
    # then he gets the shared figures but not pay, coaching counts or retention
    assert board.roles and board.hiring and board.learning and board.rollout
    assert board.pay is None and board.coaching is None and board.retention is None
    for area in ("pay", "coaching", "retention"):
        assert f'id="tile-{area}"' not in page
    assert "$" not in page.split('id="initiative"')[1]
    # and his tiles lead only to pages he may open
    assert reverse("hiring:home") in page and reverse("hiring:report") not in page
    assert reverse("learning:programs") in page and reverse("learning:hours") not in page
    assert not AuditEvent.objects.filter(action="pay.viewed", actor=bob.user).exists()


def test_a_board_viewer_sees_coaching_counts_and_retention_but_not_pay(vera, everything):
    # given vera sits on the board (the viewer role)
    # when she opens the dashboard
    board, _ = board_of(vera)
    # then coaching counts and retention are hers to see, pay is not
    assert board.coaching and board.retention and board.pay is None


def test_charlie_never_sees_maple_valleys_numbers(charlie, everything, district_b):
    # given Maple Valley has something in every area and Cedar Ridge one school
    SchoolFactory(district=district_b, name="Ridgeview Middle")
    # when charlie opens his dashboard
    board, page = board_of(charlie)
    # then his district has no tile at all, and nothing of Maple's shows
    assert board.district == district_b and not board.has_tiles
    assert "Maple Valley" not in page and "Aspen" not in page and "RTT-D" not in page


def test_the_latest_closed_survey_gives_its_agreement_questions_small_totals_hidden(
    alice, vera, bob, school_a
):
    # given an older round and the latest one: 6 of 7 agree everywhere in the latest
    survey = surveys_build.instrument(school_a.district, alice.user)
    older = surveys_build.closed_round(survey, title="Spring 2025")
    older.closes_on -= dt.timedelta(days=365)
    older.opens_on -= dt.timedelta(days=365)
    older.save()
    for _ in range(5):
        surveys_build.respond(older, likert=1)
    latest = surveys_build.closed_round(survey, title="Spring 2026", min_group=7)
    for likert in (4, 3, 3, 3, 3, 3, 2):
        surveys_build.respond(latest, school=school_a, likert=likert)
    # when alice opens her dashboard
    board, page = board_of(alice)
    # then the tile reads the latest round through its suppressed results
    assert board.survey.title == "Spring 2026" and board.survey.respondents == 7
    likert = survey.items.filter(kind="likert", retired_at__isnull=True).count()
    assert likert and len(board.survey.items) == likert
    assert {i.result for i in board.survey.items} == {"86% agree"}
    assert 'id="tile-survey"' in page
    assert reverse("surveys:results", args=[latest.pk]) in page
    # and the board viewer sees it too, the teacher does not
    assert board_of(vera)[0].survey is not None
    assert board_of(bob)[0].survey is None and 'id="tile-survey"' not in board_of(bob)[1]


def test_a_latest_survey_with_too_few_answers_says_so_instead_of_a_number(alice, school_a):
    survey = surveys_build.instrument(school_a.district, alice.user)
    latest = surveys_build.closed_round(survey, min_group=5)
    for _ in range(4):
        surveys_build.respond(latest, likert=4)
    headlines = selectors.survey_headlines(district=school_a.district)
    assert headlines.respondents is None
    assert {i.result for i in headlines.items} == {"fewer than 5 answers"}
    assert "%" not in "".join(i.result for i in headlines.items)


def test_the_dashboard_costs_the_same_queries_for_a_little_data_or_a_lot(alice, school_a):
    # given a little of every area
    build.positions(school_a, alice.user, filled=1, open_=1)
    build.applications(school_a, alice.user, this_year=1, screened=0, last_year=0)
    build.learning(school_a, attendees=1, certified=1, in_progress=0)
    build.grant_cliff(school_a, alice.user)
    build.coaching_log(school_a, [20])
    build.rollout(school_a, alice.user, teachers_n=2, implementing=1, questions=1, done=0)
    build.retention_history(school_a)
    client = alice.client()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("insights:home"))
    # when every area has several times as much
    other = SchoolFactory(district=school_a.district, name="Birch Elementary")
    build.positions(other, alice.user, filled=2, open_=3)
    build.applications(other, alice.user, this_year=5, screened=2, last_year=1)
    build.learning(other, attendees=4, certified=2, in_progress=2)
    build.coaching_log(other, [10, 20, 30])
    build.retention_history(other)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("insights:home"))
    # then the page asks the database the same number of times: no query per row
    assert len(many) == len(few)


def test_the_dashboard_exports_its_figures_for_those_who_may_export(alice, bob, everything):
    # when alice exports the dashboard
    response = alice.client().get(reverse("insights:dashboard-export", args=["csv"]))
    text = b"".join(response.streaming_content).decode()
    # then every figure is a row: area, measure, value
    assert text.splitlines()[0].lstrip("\ufeff") == "area,measure,value"
    assert "Staff,Schools,1" in text and "Retention,One-year retention (%),50" in text
    assert f'Pay,"Unfunded in {build.year(1)}, the first year after RTT-D"' in text
    assert AuditEvent.objects.filter(action="pay.exported", actor=alice.user).exists()
    # and a teacher may not export it
    assert bob.client().get(reverse("insights:dashboard-export", args=["csv"])).status_code == 403
