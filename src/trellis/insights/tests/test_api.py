"""The insights API (tag ``insights``): the dashboard's numbers under the page's rules, the
consortium for its leads, and the grantee landscape with its totals."""

from __future__ import annotations

import pytest

from trellis.core.models import AuditEvent
from trellis.insights.services import grantees_load
from trellis.insights.tests import builders as build
from trellis.surveys.tests import builders as surveys_build

pytestmark = pytest.mark.django_db
API = "/api/v1/insights"


@pytest.fixture
def maple(alice, school_a):
    build.positions(school_a, alice.user, filled=1, open_=1)
    build.grant_cliff(school_a, alice.user)
    build.coaching_log(school_a, [30, 15])
    build.retention_history(school_a)


def test_alice_gets_every_tile_of_her_district(alice, maple):
    response = alice.client().get(f"{API}/dashboard")
    assert response.status_code == 200
    data = response.json()
    assert data["district"] == "Maple Valley" and data["school_year"] == build.year()
    assert data["roles"]["counts"]["filled"] >= 1
    assert data["pay"]["grant"] == "RTT-D" and data["pay"]["school_year"] == build.year(1)
    assert [c["grant"] for c in data["cliffs"]] == ["RTT-D"]
    assert (data["coaching"]["entries"], data["coaching"]["minutes"]) == (2, 45)
    assert data["retention"] == {"kept": 1, "eligible": 2, "percent": 50}
    assert data["hiring"] is None and data["learning"] is None and data["survey"] is None
    assert AuditEvent.objects.filter(action="pay.viewed", actor=alice.user).exists()


def test_the_latest_survey_comes_through_the_api_for_readers_of_results(alice, bob, school_a):
    survey = surveys_build.instrument(school_a.district, alice.user)
    latest = surveys_build.closed_round(survey, title="Spring 2026")
    for likert in (4, 4, 3, 2, 1):
        surveys_build.respond(latest, likert=likert)
    data = alice.client().get(f"{API}/dashboard").json()["survey"]
    assert (data["title"], data["respondents"]) == ("Spring 2026", 5)
    assert data["url"] == f"/surveys/rounds/{latest.pk}/results/"
    assert data["items"] and {i["result"] for i in data["items"]} == {"60% agree"}
    assert bob.client().get(f"{API}/dashboard").json()["survey"] is None


def test_bob_gets_no_pay_coaching_or_retention_through_the_api(bob, maple):
    data = bob.client().get(f"{API}/dashboard").json()
    assert data["pay"] is None and data["cliffs"] == []
    assert data["coaching"] is None and data["retention"] is None
    assert data["roles"] is not None


def test_charlie_cannot_reach_maple_valley_by_naming_it(charlie, maple, district_b):
    client = charlie.client()
    own = client.get(f"{API}/dashboard").json()
    assert own["district"] == "Cedar Ridge" and own["roles"] is None and own["pay"] is None
    named = client.get(f"{API}/dashboard", headers={"X-Trellis-District": "maple"})
    assert named.status_code == 403


def test_the_consortium_is_for_its_lead_only(dana, alice, maple, district_b):
    data = dana.client().get(f"{API}/consortium").json()
    (consortium,) = data
    assert consortium["consortium"] == "Tri-County"
    assert [m["name"] for m in consortium["members"]] == ["Cedar Ridge", "Maple Valley"]
    assert consortium["members"][0]["roles"] is None
    assert consortium["total"]["retention"]["percent"] == 50
    assert "pay" not in consortium["total"] and "coaching" not in consortium["total"]
    assert alice.client().get(f"{API}/consortium").status_code == 403


def test_the_grantees_list_filters_sorts_and_pages(bob):
    grantees_load()
    client = bob.client()
    everyone = client.get(f"{API}/grantees").json()
    assert everyone["count"] == 21
    page = client.get(f"{API}/grantees", {"approach": "mastery", "sort": "-award", "limit": 2})
    data = page.json()
    assert data["count"] == 8
    assert [g["short_name"] for g in data["items"]] == ["Puget Sound", "Miami-Dade"]
    assert data["items"][0]["approaches"] == ["mastery", "career_exposure", "blended"]


def test_the_grantee_totals_are_table_1s_totals_row(bob):
    grantees_load()
    data = bob.client().get(f"{API}/grantees/totals").json()
    assert (data["grantees"], data["award_usd"], data["students_served"]) == (
        21,
        503_152_312,
        446_412,
    )
    counts = {row["approach"]: row["grantees"] for row in data["by_approach"]}
    assert list(counts.values()) == [8, 7, 9, 4, 4, 14]
    only_2012 = bob.client().get(f"{API}/grantees/totals", {"cohort_year": 2012}).json()
    assert only_2012["grantees"] == 16


@pytest.mark.parametrize(
    ("query", "field"),
    [({"approach": "flipped"}, "query.approach"), ({"cohort_year": 2014}, "query.cohort_year"),
     ({"sort": "budget"}, "query.sort")],
)  # fmt: skip
def test_a_bad_filter_is_a_problem_at_its_field(bob, query, field):
    response = bob.client().get(f"{API}/grantees", query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json()["errors"]}


def test_the_api_needs_a_signed_in_caller(client):
    assert client.get(f"{API}/dashboard").status_code == 401
    assert client.get(f"{API}/grantees").status_code == 401
