"""The keep-within-budget choice equals a brute-force optimum on small cases."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.planning.keep import Candidate, choose


def brute_force(candidates, budget):
    best = (-1, 0)
    for r in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, r):
            cost = sum(c.cost_cents for c in subset)
            if cost <= budget:
                best = max(best, (sum(c.priority for c in subset), -cost))
    return best[0], -best[1]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5_000_000), st.integers(0, 10)), min_size=0, max_size=9),
    st.integers(0, 12_000_000),
)
def test_choice_equals_the_brute_force_optimum(items, budget):
    candidates = [Candidate(i, cost, priority) for i, (cost, priority) in enumerate(items)]
    choice = choose(candidates, budget)
    best_priority, best_cost = brute_force(candidates, budget)
    assert choice.optimal
    assert choice.cost_cents <= budget
    assert choice.priority == best_priority
    assert choice.cost_cents == best_cost  # the cheapest of the equally good sets
    assert {c.key for c in choice.kept} | {c.key for c in choice.dropped} == set(range(len(items)))


def test_a_known_case_and_its_explanation():
    coach, tosa, leader = (
        Candidate(1, 9_000_000, 5),
        Candidate(2, 6_500_000, 4),
        Candidate(3, 300_000, 3),
    )
    choice = choose([coach, tosa, leader], 9_500_000)
    assert [c.key for c in choice.kept] == [1, 3]
    assert choice.left_cents == 200_000
    assert [c.key for c in choice.dropped] == [2]


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        choose([Candidate(1, 10, 1)], -1)
    with pytest.raises(ValueError):
        choose([Candidate(1, -10, 1)], 10)
