"""The suppression rules hold for any response set: no visible cell rests on fewer than the
minimum, and no hidden group comes back by subtraction (property-based)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.surveys.suppression import TOTAL, cell, cells_of, leaks, suppress, total_hidden

DIMENSIONS = ("group", "school", "cohort")

records = st.lists(
    st.fixed_dictionaries({
        "group": st.sampled_from(["building", "instructional", "other"]),
        "school": st.sampled_from(["a", "b", "c", "d", None]),
        "cohort": st.sampled_from(["pilot", "second", None]),
    }),
    max_size=60,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(records, st.integers(min_value=3, max_value=10))
def test_no_cell_is_small_and_no_hidden_group_comes_back_by_subtraction(rows, minimum):
    result = suppress(cells_of(rows, DIMENSIONS), DIMENSIONS, minimum)
    assert leaks(result, DIMENSIONS) == []


@settings(max_examples=500, deadline=None)
@given(records, st.integers(min_value=3, max_value=10))
def test_the_total_is_hidden_exactly_when_the_headline_says(rows, minimum):
    # The dashboard's headline reads the whole round's totals without the lattice on this.
    counts = cells_of(rows, DIMENSIONS)
    result = suppress(counts, DIMENSIONS, minimum)
    assert (result.n(TOTAL) is None) == total_hidden(counts, DIMENSIONS, minimum)
    if len(rows) < minimum:
        assert result.n(TOTAL) is None


def test_one_person_per_school_hides_the_total_they_would_give_away():
    # given five principals of five schools, and a minimum of five
    rows = [{"school": s, "group": "building", "cohort": None} for s in "abcde"]
    result = suppress(cells_of(rows, DIMENSIONS), DIMENSIONS, 5)
    # then each school's row is hidden, so a total of five would say each holds one
    assert result.n(TOTAL) is None
    assert total_hidden(cells_of(rows, DIMENSIONS), DIMENSIONS, 5)
    # with one more from school a, no row can be told apart
    more = suppress(cells_of([*rows, rows[0]], DIMENSIONS), DIMENSIONS, 5)
    assert more.n(TOTAL) == 6


def test_one_small_school_hides_the_next_smallest_too():
    # given 20 people in school a, 9 in b and 2 in c, all in one group
    rows = [{"school": s, "group": "g", "cohort": None}
            for s, n in (("a", 20), ("b", 9), ("c", 2)) for _ in range(n)]  # fmt: skip
    result = suppress(cells_of(rows, DIMENSIONS), DIMENSIONS, 5)
    # then c is hidden for its size, and b beside it, so the total minus a does not give c
    assert result.n(cell(school="a")) == 20
    assert result.n(cell(school="c")) is None and result.n(cell(school="b")) is None
    assert result.n(TOTAL) == 31


def test_a_total_below_the_minimum_hides_everything():
    rows = [{"school": "a", "group": "g", "cohort": None} for _ in range(4)]
    result = suppress(cells_of(rows, DIMENSIONS), DIMENSIONS, 5)
    assert all(result.n(key) is None for key in result.counts)


def test_the_leak_check_finds_a_single_hidden_part():
    from trellis.surveys.suppression import Suppressed

    rows = [{"school": s, "group": "g", "cohort": None}
            for s, n in (("a", 20), ("c", 2)) for _ in range(n)]  # fmt: skip
    counts = cells_of(rows, DIMENSIONS)
    naive = Suppressed(counts, frozenset({cell(school="c"), cell(school="c", group="g"),
                                          cell(school="c", cohort="")}), 5)  # fmt: skip
    assert any("gives away" in p for p in leaks(naive, DIMENSIONS))
