"""Results: percent agreeing, breakdowns and slices, always suppressed; nothing while open."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trellis.factories import SchoolFactory
from trellis.surveys.models import Status
from trellis.surveys.selectors.results import DIMENSIONS, NotReady, headline, results
from trellis.surveys.suppression import cells_of, leaks, suppress
from trellis.surveys.tests.builders import closed_round, instrument, respond


@pytest.fixture
def survey(alice, district_a):
    return instrument(district_a, alice.user)


def item_named(result, key):
    return next(r for r in result.items if r.item.key == key)


def test_percent_agreeing_counts_agree_and_strongly_agree(survey, district_a):
    # given 10 answers to a 4-point item: 3 strongly disagree, 1 disagree, 4 agree, 2 strongly
    round_ = closed_round(survey)
    for value, n in ((1, 3), (2, 1), (3, 4), (4, 2)):
        for _ in range(n):
            respond(round_, likert=value)
    pay = item_named(results(administration=round_), "pay-attracts")
    assert pay.total.n == 10
    assert pay.total.agree == pytest.approx(0.6)
    assert pay.total.counts == [3, 1, 4, 2]


def test_a_small_school_is_hidden_with_the_next_smallest_beside_it(survey, district_a):
    schools = [SchoolFactory(district=district_a, name=n) for n in ("Aspen", "Birch", "Cedar")]
    round_ = closed_round(survey)
    for school, n in zip(schools, (12, 7, 2), strict=True):
        for _ in range(n):
            respond(round_, school=school, likert=4)
    rows = {c.label: c.n for c in item_named(results(administration=round_, breakdown="school"),
                                             "pay-keeps").rows}  # fmt: skip
    assert rows == {"Aspen": 12, "Birch": None, "Cedar": None}


def test_comments_need_the_larger_group_and_come_sorted(survey, district_a):
    round_ = closed_round(survey, min_text=10)
    for n in range(9):
        respond(round_, comment=f"comment {9 - n}")
    assert item_named(results(administration=round_), "comments").comments == []
    respond(round_, comment="another")
    shown = item_named(results(administration=round_), "comments").comments
    assert shown == sorted(shown) and len(shown) == 10


def test_nothing_is_shown_while_the_survey_is_open(survey):
    round_ = closed_round(survey)
    round_.status = Status.OPEN
    round_.save()
    with pytest.raises(NotReady):
        results(administration=round_)


def test_a_slice_and_a_breakdown_of_the_same_kind_are_refused(survey):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        results(administration=closed_round(survey), breakdown="school", slice_by=("school", "1"))


groups = st.sampled_from(["building_leader", "instructional_leader", "other"])


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(st.tuples(groups, st.integers(0, 3), st.integers(1, 4)), max_size=40),
       st.sampled_from([None, *DIMENSIONS]), st.integers(3, 8))  # fmt: skip
def test_every_reported_cell_holds_at_least_the_minimum(
    alice, district_a, data, breakdown, minimum
):
    # given any set of responses, schools and groups, and any breakdown
    schools = [None, *(SchoolFactory(district=district_a) for _ in range(3))]
    survey = instrument(district_a, alice.user, name=f"Survey {uuid.uuid4().hex[:8]}")
    round_ = closed_round(survey, min_group=minimum)
    for group, school, likert in data:
        respond(round_, group=group, school=schools[school], likert=likert)
    # when the results are read whole, by every breakdown and for every slice
    slices = [None] + [("group", g) for g in ("building_leader", "other")]
    for slice_by in slices:
        shown = results(administration=round_, breakdown=None if slice_by and breakdown == "group"
                        else breakdown, slice_by=slice_by)  # fmt: skip
        for item in shown.items:
            # then no visible cell rests on fewer than the minimum
            for cell in [item.total, *item.rows]:
                assert cell.n is None or cell.n >= minimum
            # and a hidden part is never the visible total minus the visible parts
            if item.total.n is not None and item.rows:
                hidden = [r for r in item.rows if r.n is None]
                assert len(hidden) != 1
    # and the same holds across every slice and breakdown of the whole lattice
    records = [{"group": g, "school": None if s == 0 else str(schools[s].pk), "cohort": None}
               for g, s, _ in data]  # fmt: skip
    assert leaks(suppress(cells_of(records, DIMENSIONS), DIMENSIONS, minimum), DIMENSIONS) == []


@pytest.mark.parametrize("answered", [4, 5, 9])
def test_the_headline_gives_the_same_totals_as_the_full_results(survey, district_a, answered):
    # given a round whose answers spread over two schools, one of them small
    schools = [SchoolFactory(district=district_a, name=n) for n in ("Aspen", "Birch")]
    round_ = closed_round(survey)
    for i in range(answered):
        respond(round_, school=schools[i % 3 == 0], likert=1 + i % 4)
    # when the dashboard's headline and the report each read the round
    people, cells = headline(administration=round_)
    full = results(administration=round_)
    # then every agreement question's total and the respondents are the same in both
    likert = {r.item.pk: r.total for r in full.items if r.item.kind == "likert"}
    assert {item.pk: cell for item, cell in cells} == likert and likert
    assert people == full.respondents
    assert (people is None) == (answered < 5)
