"""The grantee landscape: the study's Table 1 approach matrix with totals computed from the
reference data, sorting, filtering and the award chart beside its table."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.insights import selectors
from trellis.insights.services import grantees_load

pytestmark = pytest.mark.django_db
URL = reverse("insights:grantee-list")

# The totals row of the study's Table 1: grantees using each approach, in its column order
# (mastery/competency-based, career exposure, student-directed, college access and success,
# project-based, blended).
TABLE_1_TOTALS = {
    "mastery": 8,
    "career_exposure": 7,
    "student_directed": 9,
    "college_access": 4,
    "project_based": 4,
    "blended": 14,
}
# Table 1 has no totals for awards, students or consortia, so these are summed by hand from
# the study's appendix, one row per grantee: awards $10,000,000 (Carson City) + $19,388,399
# (Charleston) + … + $28,570,886 (Warren) = $503,152,312 (the overview's "approximately
# $500 million"); students served 4,109 + 9,493 + … + 11,711 = 446,412; and five grantees
# typed "Consortium" (Clarendon, Green River, Harmony, Kentucky Valley, Puget Sound).
APPENDIX_AWARD_USD = 503_152_312
APPENDIX_STUDENTS = 446_412
APPENDIX_CONSORTIA = 5


@pytest.fixture
def grantees(db):
    grantees_load()


def test_the_totals_computed_from_the_data_match_the_studys_table_1(grantees):
    totals = selectors.grantee_totals(list(selectors.grantee_list()))
    assert totals.grantees == 21
    assert totals.approach_counts == TABLE_1_TOTALS
    assert totals.award_usd == APPENDIX_AWARD_USD
    assert totals.students_served == APPENDIX_STUDENTS
    assert totals.consortia == APPENDIX_CONSORTIA


def test_the_page_shows_the_approach_matrix_with_its_totals_row(bob, grantees):
    # when bob opens the landscape
    response = bob.client().get(URL)
    body = response.content.decode()
    # then every grantee is a row of ✓ marks, and the last row counts them as Table 1 does
    assert body.count('<span aria-hidden="true">✓</span>') == sum(TABLE_1_TOTALS.values())
    footer = body[body.index("<tfoot>") : body.index("</tfoot>")]
    assert "$503,152,312" in footer and "446,412" in footer and "5 consortia" in footer
    for n in ("8", "7", "9", "4", "14"):
        assert f'<td class="num">{n}</td>' in footer


def test_the_totals_follow_the_filters(bob, grantees):
    # when bob keeps only the 2013 competition
    response = bob.client().get(URL, {"cohort_year": "2013"})
    totals = response.context["totals"]
    # then the five 2013 grantees are totalled, and only they
    assert totals.grantees == 5
    assert totals.award_usd == 24_980_857 + 10_000_000 + 29_999_782 + 29_999_203 + 25_878_038
    assert totals.approach_counts["student_directed"] == 3  # Clarksdale, Houston, Springdale


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("name", "Carolina Consortium for Enterprise Learning", "St. Vrain Valley School District"),
        ("-award", "Green River Regional Educational Cooperative", "Galt Joint Union Elementary "
         "School District"),
        ("-students", "Puget Sound Educational Service District", "KIPP DC"),
        ("students", "KIPP DC", "Puget Sound Educational Service District"),
        ("-cohort_year", "Carolina Consortium for Enterprise Learning", "St. Vrain Valley School "
         "District"),
    ],
)  # fmt: skip
def test_the_grantees_sort_by_name_award_students_or_competition(bob, grantees, sort, first, last):
    names = [g.name for g in bob.client().get(URL, {"sort": sort}).context["page"].object_list]
    assert (names[0], names[-1]) == (first, last)


def test_an_unknown_sort_is_rejected_at_the_field(bob, grantees):
    response = bob.client().get(URL, {"sort": "budget"})
    assert response.status_code == 400 and "sort" in response.context["form"].errors


def test_the_award_chart_has_a_bar_per_grantee_and_the_same_numbers_in_its_table(bob, grantees):
    body = bob.client().get(URL, {"approach": "project_based"}).content.decode()
    chart = body[body.index('<figure class="chart">') : body.index("</figure>")]
    table = body[body.index("<caption>Award and students served by grantee</caption>") :]
    # four project-based grantees: four bars, the largest award the longest (room kept for labels)
    assert chart.count('class="chart-bar"') == 4
    assert 'style="width: 75%"' in chart  # Houston's $29,999,782, the largest of the four
    for award in ("$29,866,398", "$29,999,782", "$10,000,000", "$25,878,038"):
        assert award in chart and award in table


def test_the_export_follows_the_sort(bob, grantees):
    export = bob.client().get(
        reverse("insights:grantee-export", args=["csv"]), {"sort": "-students"}
    )
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[1].startswith("Puget Sound Educational Service District,WA,2012,40000000,147085")
