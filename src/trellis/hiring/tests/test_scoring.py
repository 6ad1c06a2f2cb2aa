"""The panel's numbers, on plain data (no database): component scores, the total on the
template's scale, the components to discuss, and Krippendorff's alpha checked against an
independent implementation written here and against Krippendorff's own published example.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trellis.hiring import scoring
from trellis.hiring.scoring import ComponentSpec, CriterionSpec, component_score, panel_result

# --- An independent interval alpha ----------------------------------------------------------


def interval_alpha(data):
    """Krippendorff's alpha, interval metric, from the coincidence-matrix formulation.

    ``data`` is raters × units; None is a missing value. Only units with at least two values
    are pairable; n is the number of pairable values.

        D_o = (1/n) Σ_u 1/(m_u − 1) Σ_{i≠j in u} (v_i − v_j)²
        D_e = 1/(n(n − 1)) Σ_{i≠j over all pairable values} (v_i − v_j)²
        alpha = 1 − D_o / D_e

    None when it is undefined (fewer than two pairable values, or D_e = 0). Exact (Fraction)
    arithmetic, so it shares no rounding with the code under test.
    """
    if not data:
        return None
    units = [[Fraction(v) for v in column if v is not None] for column in zip(*data, strict=True)]
    pairable = [unit for unit in units if len(unit) >= 2]
    values = [v for unit in pairable for v in unit]
    n = len(values)
    if n < 2:
        return None
    observed = Fraction(0)
    for unit in pairable:
        within = sum(
            (a - b) ** 2
            for (i, a), (j, b) in itertools.product(enumerate(unit), repeat=2)
            if i != j
        )
        observed += within / (len(unit) - 1)
    observed /= n
    expected = sum(
        (a - b) ** 2 for (i, a), (j, b) in itertools.product(enumerate(values), repeat=2) if i != j
    ) / (n * (n - 1))
    if expected == 0:
        return None
    return float(1 - observed / expected)


def test_the_reference_alpha_itself_on_a_case_worked_by_hand():
    # Units (1, 2) and (2, 1): each contributes 2·1² / 1 = 2, so D_o = 4 / 4 = 1. The four
    # values 1, 2, 2, 1 have 8 ordered pairs that differ by 1, so D_e = 8 / 12; alpha = −0.5.
    assert interval_alpha([[1, 2], [2, 1]]) == pytest.approx(-0.5)
    assert interval_alpha([[1, 2, 3], [1, 2, 3]]) == pytest.approx(1.0)


# --- Components and the total ---------------------------------------------------------------


def crit(id_: int, low: int = 1, high: int = 4) -> CriterionSpec:
    return CriterionSpec(id=id_, scale_min=low, scale_max=high)


def comp(id_: int, criteria, points: int = 50, weight: str = "1.00") -> ComponentSpec:
    return ComponentSpec(
        id=id_, name=f"Part {id_}", points=points, weight=Decimal(weight), criteria=tuple(criteria)
    )


# Six parts of 50 points with 1, 2, 3, 4, 2 and 3 criteria; part 5 is rated 0–5, the rest 1–4.
SIX = [
    comp(1, [crit(11)]),
    comp(2, [crit(21), crit(22)]),
    comp(3, [crit(31), crit(32), crit(33)]),
    comp(4, [crit(41), crit(42), crit(43), crit(44)]),
    comp(5, [crit(51, 0, 5), crit(52, 0, 5)]),
    comp(6, [crit(61), crit(62), crit(63)]),
]
ROWS = {  # panelist → ratings in criterion order 11, 21, 22, 31, …
    101: [4, 4, 1, 2, 3, 4, 1, 1, 1, 1, 5, 0, 3, 3, 3],
    102: [4, 3, 3, 2, 3, 4, 4, 4, 4, 4, 5, 5, 3, 3, 3],
    103: [4, 2, 2, 2, 3, 4, 1, 4, 1, 4, 0, 0, 3, 3, 3],
    104: [1, 4, 4, 2, 3, 4, 2, 2, 3, 3, 1, 4, 3, 3, 3],
}
CRITERIA = [c for component in SIX for c in component.criteria]
RATINGS = {p: {c.id: v for c, v in zip(CRITERIA, row, strict=True)} for p, row in ROWS.items()}
# Worked by hand: part 1: 50, 50, 50, 0 → 37.5; part 2: 25, 33⅓, 16⅔, 50 → 31.25; part 3:
# 33⅓ each; part 4: 0, 50, 25, 25 → 25; part 5: 25, 50, 0, 25 → 25; part 6: 33⅓ each.
HAND_MEANS = [
    Fraction(75, 2),
    Fraction(125, 4),
    Fraction(100, 3),
    Fraction(25),
    Fraction(25),
    Fraction(100, 3),
]


def by_hand(components, ratings, total_points):
    """The documented formula, step by step, in exact arithmetic."""
    means = []
    for component in components:
        scores = []
        for panelist in ratings:
            shares = [
                Fraction(ratings[panelist][c.id] - c.scale_min, c.scale_max - c.scale_min)
                for c in component.criteria
            ]
            scores.append(component.points * sum(shares) / len(shares))
        means.append(sum(scores) / len(scores))
    weights = [Fraction(str(c.weight)) for c in components]
    weighted = sum(w * m for w, m in zip(weights, means, strict=True))
    full = sum(w * c.points for w, c in zip(weights, components, strict=True))
    return means, total_points * weighted / full


def test_the_hand_worked_means_agree_with_the_formula():
    means, _ = by_hand(SIX, RATINGS, 300)
    assert means == HAND_MEANS


def test_component_scores_are_points_times_the_mean_share_of_the_scale():
    assert component_score(SIX[0], RATINGS[104]) == pytest.approx(0.0)
    assert component_score(SIX[1], RATINGS[101]) == pytest.approx(25.0)  # shares 1 and 0
    assert component_score(SIX[2], RATINGS[101]) == pytest.approx(100 / 3)  # ⅓, ⅔, 1
    assert component_score(SIX[4], RATINGS[104]) == pytest.approx(25.0)  # 0–5 scale: 1/5, 4/5
    assert component_score(SIX[3], RATINGS[102]) == pytest.approx(50.0)


def test_equal_weights_total_is_the_sum_of_component_means_out_of_300():
    result = panel_result(SIX, RATINGS, 300)
    assert [r.mean for r in result.components] == pytest.approx([float(m) for m in HAND_MEANS])
    assert result.total == pytest.approx(float(sum(HAND_MEANS)))
    assert result.total == pytest.approx(2225 / 12)
    assert result.total_points == 300
    assert result.panelists == 4
    part2 = result.components[1]
    assert part2.by_panelist == pytest.approx({101: 25.0, 102: 100 / 3, 103: 50 / 3, 104: 50.0})
    assert part2.spread == pytest.approx(50 - 50 / 3)
    assert part2.share == pytest.approx(31.25 / 50)
    assert result.components[2].spread == pytest.approx(0.0)
    assert result.components[2].stdev == pytest.approx(0.0)


def test_unequal_weights_rescale_the_weighted_sum_to_the_templates_points():
    weights = ["2.00", "1.00", "1.00", "1.00", "1.00", "0.50"]
    weighted = [
        comp(c.id, c.criteria, points=c.points, weight=w) for c, w in zip(SIX, weights, strict=True)
    ]
    _, expected = by_hand(weighted, RATINGS, 300)
    result = panel_result(weighted, RATINGS, 300)
    # 300 × (2·37.5 + 31.25 + 33⅓ + 25 + 25 + ½·33⅓) / (2·50 + 4·50 + ½·50) = 2475 / 13.
    assert expected == Fraction(2475, 13)
    assert result.total == pytest.approx(float(expected))
    assert result.total != pytest.approx(2225 / 12)


def test_unequal_points_and_another_scale():
    components = [
        comp(1, [crit(1), crit(2)], points=100, weight="1.50"),
        comp(2, [crit(3, 0, 10)], points=20, weight="0.25"),
        comp(3, [crit(4), crit(5), crit(6)], points=30),
    ]
    ratings = {
        1: {1: 4, 2: 2, 3: 7, 4: 1, 5: 2, 6: 3},
        2: {1: 3, 2: 3, 3: 10, 4: 4, 5: 4, 6: 4},
        3: {1: 1, 2: 1, 3: 0, 4: 2, 5: 2, 6: 2},
    }
    means, expected = by_hand(components, ratings, 150)
    result = panel_result(components, ratings, 150)
    assert [r.mean for r in result.components] == pytest.approx([float(m) for m in means])
    assert result.total == pytest.approx(float(expected))


def test_full_and_empty_marks_are_the_ends_of_the_scale():
    top = {p: {c.id: c.scale_max for c in CRITERIA} for p in range(3)}
    bottom = {p: {c.id: c.scale_min for c in CRITERIA} for p in range(3)}
    assert panel_result(SIX, top, 300).total == pytest.approx(300.0)
    assert panel_result(SIX, bottom, 300).total == pytest.approx(0.0)


@st.composite
def panels(draw, *, equal_weights: bool = False):
    count = draw(st.integers(1, 6))
    components = []
    next_id = itertools.count(1)
    for index in range(count):
        criteria = []
        for _ in range(draw(st.integers(1, 4))):
            low = draw(st.integers(0, 3))
            criteria.append(crit(next(next_id), low, low + draw(st.integers(1, 6))))
        weight = "1.00" if equal_weights else f"{draw(st.integers(1, 1000)) / 100:.2f}"
        components.append(comp(index + 1, criteria, draw(st.integers(1, 100)), weight))
    ratings = {}
    for panelist in range(draw(st.integers(1, 5))):
        ratings[panelist] = {
            c.id: draw(st.integers(c.scale_min, c.scale_max))
            for component in components
            for c in component.criteria
        }
    return components, ratings


@settings(max_examples=150, deadline=None)
@given(panel=panels(), total_points=st.integers(1, 10_000))
def test_the_total_always_lies_on_the_templates_scale(panel, total_points):
    components, ratings = panel
    result = panel_result(components, ratings, total_points)
    slack = 1e-9 * total_points
    assert -slack <= result.total <= total_points + slack
    _, expected = by_hand(components, ratings, total_points)
    assert result.total == pytest.approx(float(expected))


@settings(max_examples=150, deadline=None)
@given(panel=panels(equal_weights=True))
def test_equal_weights_and_points_summing_to_the_scale_give_the_sum_of_means(panel):
    components, ratings = panel
    total_points = sum(c.points for c in components)
    result = panel_result(components, ratings, total_points)
    assert result.total == pytest.approx(sum(r.mean for r in result.components))


# --- What to discuss ------------------------------------------------------------------------


def test_discuss_lists_the_largest_spread_relative_to_points_first():
    components = [
        comp(1, [crit(1, 0, 10)], points=100),  # 50 and 90: spread 40 of 100 (0.4)
        comp(2, [crit(2, 0, 10)], points=50),  # 10 and 35: spread 25 of 50 (0.5)
        comp(3, [crit(3, 0, 10)], points=20),  # 6 and 10: spread 4 of 20 (0.2)
        comp(4, [crit(4, 0, 10)], points=30),  # 18 and 18: no spread
    ]
    ratings = {1: {1: 5, 2: 2, 3: 3, 4: 6}, 2: {1: 9, 2: 7, 3: 5, 4: 6}}
    result = panel_result(components, ratings, 200, discuss=4)
    assert [r.spread for r in result.components] == pytest.approx([40, 25, 4, 0])
    assert [r.component.id for r in result.discuss] == [2, 1, 3]
    assert [r.component.id for r in panel_result(components, ratings, 200).discuss] == [2, 1]


def test_nothing_to_discuss_when_the_panel_agrees():
    ratings = {p: RATINGS[101] for p in (1, 2, 3)}
    assert panel_result(SIX, ratings, 300).discuss == []


# --- Krippendorff's alpha -------------------------------------------------------------------

KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorffs_published_example_is_0_849_interval():
    # "Computing Krippendorff's Alpha-Reliability" (2011): 4 observers, 12 units, missing
    # values; the interval alpha is 0.849.
    assert round(scoring.alpha(KRIPPENDORFF_2011), 3) == 0.849
    assert round(interval_alpha(KRIPPENDORFF_2011), 3) == 0.849


DATA_SETS = {
    "published example": KRIPPENDORFF_2011,
    "two raters, complete": [[1, 2, 3, 4, 2, 3], [1, 3, 3, 4, 1, 3]],
    "reversed": [[1, 2], [2, 1]],
    "three raters, gaps": [
        [1, 2, None, 4, 4, 3],
        [2, 2, 3, None, 4, 1],
        [None, 1, 3, 4, None, 2],
    ],
    "a unit with one value": [[1, 4, 2, 3], [2, 4, None, 3], [1, 3, None, None]],
    "shares of a scale": [
        [0.0, 1 / 3, 2 / 3, 1.0, 0.5],
        [1 / 3, 1 / 3, 1.0, 1.0, None],
        [0.0, 0.0, 2 / 3, 2 / 3, 0.75],
        [0.0, 2 / 3, 1 / 3, 1.0, 0.25],
    ],
    "systematic disagreement": [[1, 1, 4, 4], [4, 4, 1, 1]],
}


@pytest.mark.parametrize("data", DATA_SETS.values(), ids=DATA_SETS.keys())
def test_alpha_matches_the_independent_implementation(data):
    expected = interval_alpha(data)
    assert expected is not None
    assert scoring.alpha(data) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    data=st.integers(2, 5).flatmap(
        lambda raters: st.integers(2, 8).flatmap(
            lambda units: st.lists(
                st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=units, max_size=units),
                min_size=raters,
                max_size=raters,
            )
        )
    )
)
def test_alpha_matches_the_independent_implementation_on_any_data(data):
    expected = interval_alpha(data)
    assume(expected is not None)
    assert scoring.alpha(data) == pytest.approx(expected, abs=1e-9)


def test_alpha_is_none_for_a_single_rater():
    assert scoring.alpha([[1, 2, 3, 4]]) is None
    assert scoring.alpha([]) is None


def test_alpha_is_none_when_every_value_is_equal():
    assert scoring.alpha([[3, 3, 3], [3, 3, 3], [3, None, 3]]) is None


def test_alpha_is_none_when_no_unit_has_two_values():
    assert scoring.alpha([[1, None, 3], [None, 2, None]]) is None


def test_alpha_is_none_when_the_pairable_values_are_all_equal():
    # Only units 1 and 2 are pairable and all their values are 1: D_e = 0, so alpha is
    # undefined (the lone 2 in unit 3 does not count). The docstring promises None.
    data = [[1, 1, None], [1, 1, 2]]
    assert interval_alpha(data) is None
    assert scoring.alpha(data) is None


def test_panel_alpha_is_computed_on_shares_of_each_scale():
    result = panel_result(SIX, RATINGS, 300)
    shares = [[c.share(RATINGS[p][c.id]) for c in CRITERIA] for p in sorted(RATINGS)]
    assert result.alpha == pytest.approx(interval_alpha(shares), abs=1e-9)
    # A single panelist has nobody to agree with.
    assert panel_result(SIX, {1: RATINGS[101]}, 300).alpha is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.none(), st.integers(min_value=1, max_value=4)), min_size=6, max_size=6
        ),
        min_size=2,
        max_size=5,
    )
)
def test_alpha_matches_the_krippendorff_package_on_random_panels(rows):
    import krippendorff
    import numpy as np

    ours = scoring.alpha(rows)
    assume(ours is not None)  # the undefined cases are tested above
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    reference = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert ours == pytest.approx(reference, abs=1e-9)
