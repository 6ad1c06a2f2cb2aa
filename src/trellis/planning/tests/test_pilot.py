"""The suggested pilot covers every school, has the requested size, prefers early volunteers and
is as balanced as a brute force over all subsets can make it."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.planning.pilot import Volunteer, suggest_pilot

BANDS = ["k2", "35", "68"]
AREAS = ["ela", "math", "sci"]


def imbalance(chosen, volunteers, school_teachers):
    """The objective as the module states it, computed here independently: weighted gaps in
    hundredths of a teacher from targets rounded half up to a whole hundredth."""

    def gap(count, target):
        return abs(100 * count - math.floor(target * 100 + Fraction(1, 2)))

    size = len(chosen)
    total = sum(school_teachers.values())
    score = 0
    for school in {v.school for v in volunteers}:
        target = Fraction(size * school_teachers[school], total) if total else Fraction(0)
        score += 2 * gap(sum(v.school == school for v in chosen), target)
    for attribute in ("band", "area"):
        groups = {getattr(v, attribute) for v in volunteers}
        for group in groups:
            count = sum(getattr(v, attribute) == group for v in chosen)
            score += gap(count, Fraction(size, len(groups)))
    return score


def brute_force(volunteers, school_teachers, size):
    schools = {v.school for v in volunteers}
    return min(
        imbalance(subset, volunteers, school_teachers)
        for subset in itertools.combinations(volunteers, min(size, len(volunteers)))
        if {v.school for v in subset} == schools
    )


volunteer_rows = st.lists(
    st.tuples(
        st.integers(0, 3), st.sampled_from(BANDS), st.sampled_from(AREAS), st.integers(0, 20)
    ),
    max_size=10,
)
headcounts = st.lists(st.integers(0, 60), min_size=5, max_size=5)


def build(rows, teachers):
    volunteers = [Volunteer(key, *row) for key, row in enumerate(rows)]
    return volunteers, dict(enumerate(teachers))


@settings(max_examples=80, deadline=None)
@given(volunteer_rows, headcounts, st.data())
def test_the_suggestion_covers_every_school_with_volunteers_and_has_the_requested_size(
    rows, teachers, data
):
    volunteers, school_teachers = build(rows, teachers)
    schools = {v.school for v in volunteers}
    size = data.draw(st.integers(max(1, len(schools)), len(volunteers) + 3))

    suggestion = suggest_pilot(volunteers, school_teachers, size)

    chosen = [v for v in volunteers if v.key in set(suggestion.chosen)]
    assert suggestion.size == len(suggestion.chosen) == min(size, len(volunteers))
    assert suggestion.chosen == sorted(set(suggestion.chosen))
    assert {v.school for v in chosen} == schools
    assert suggestion.uncovered_schools == sorted(set(school_teachers) - schools)
    assert [g.group for g in suggestion.schools] == sorted(school_teachers)
    assert {g.group: g.chosen for g in suggestion.schools} == {
        s: sum(v.school == s for v in chosen) for s in school_teachers
    }
    assert [g.group for g in suggestion.bands] == sorted({v.band for v in volunteers})
    assert [g.group for g in suggestion.areas] == sorted({v.area for v in volunteers})


@settings(max_examples=300, deadline=None)
@given(volunteer_rows.filter(lambda rows: len(rows) >= 4), headcounts, st.data())
def test_the_balance_equals_the_brute_force_optimum_on_small_cases(rows, teachers, data):
    volunteers, school_teachers = build(rows, teachers)
    schools = {v.school for v in volunteers}
    size = data.draw(st.integers(max(1, len(schools)), max(1, len(volunteers))))

    suggestion = suggest_pilot(volunteers, school_teachers, size)

    chosen = [v for v in volunteers if v.key in set(suggestion.chosen)]
    assert suggestion.optimal
    assert imbalance(chosen, volunteers, school_teachers) == brute_force(
        volunteers, school_teachers, size
    )


@settings(max_examples=60, deadline=None)
@given(volunteer_rows, headcounts, st.data())
def test_earlier_volunteers_are_preferred_within_a_class(rows, teachers, data):
    volunteers, school_teachers = build(rows, teachers)
    schools = {v.school for v in volunteers}
    size = data.draw(st.integers(max(1, len(schools)), max(1, len(volunteers))))

    chosen = set(suggest_pilot(volunteers, school_teachers, size).chosen)

    for a, b in itertools.permutations(volunteers, 2):
        if (a.school, a.band, a.area) == (b.school, b.band, b.area) and b.key in chosen:
            assert a.key in chosen or (a.rank, a.key) > (b.rank, b.key)


def test_the_earliest_volunteer_of_a_class_is_the_one_taken():
    given_ = [
        Volunteer(1, 1, "k2", "ela", rank=9),
        Volunteer(2, 1, "k2", "ela", rank=3),
        Volunteer(3, 1, "k2", "ela", rank=5),
    ]
    suggestion = suggest_pilot(given_, {1: 30}, 2)
    assert suggestion.chosen == [2, 3]


def test_a_pilot_as_large_as_the_volunteers_takes_them_all():
    volunteers = [Volunteer(k, k % 3, BANDS[k % 2], AREAS[k % 3], k) for k in range(7)]
    suggestion = suggest_pilot(volunteers, {0: 10, 1: 20, 2: 5, 3: 40}, 50)
    assert suggestion.chosen == list(range(7))
    assert suggestion.size == 7
    assert suggestion.uncovered_schools == [3]


def test_the_same_input_in_any_order_gives_the_same_suggestion():
    rng = random.Random(3)
    volunteers = [
        Volunteer(k, rng.randrange(6), rng.choice(BANDS), rng.choice(AREAS), rng.randrange(50))
        for k in range(120)
    ]
    teachers = {s: rng.randint(20, 60) for s in range(6)}
    first = suggest_pilot(volunteers, teachers, 30)
    rng.shuffle(volunteers)
    assert suggest_pilot(volunteers, teachers, 30) == first


def test_a_pilot_too_small_to_cover_every_school_is_refused_with_the_numbers():
    volunteers = [Volunteer(k, k, "k2", "ela", k) for k in range(4)]
    with pytest.raises(ValueError, match=r"pilot of 3 teachers .* all 4 schools .* at least 4\."):
        suggest_pilot(volunteers, dict.fromkeys(range(4), 10), 3)


def test_bad_input_is_refused():
    one = Volunteer(1, 1, "k2", "ela", 0)
    with pytest.raises(ValueError, match="at least one teacher"):
        suggest_pilot([one], {1: 10}, 0)
    with pytest.raises(ValueError, match="no headcount: 1"):
        suggest_pilot([one], {2: 10}, 1)
    with pytest.raises(ValueError, match="repeated: 1"):
        suggest_pilot([one, Volunteer(1, 1, "35", "math", 1)], {1: 10}, 1)
    with pytest.raises(ValueError, match="negative"):
        suggest_pilot([one], {1: 10, 2: -1}, 1)


def test_a_district_like_the_study_gets_a_proportional_pilot():
    # Given 345 teachers in four schools and 80 volunteers over two bands and two areas,
    school_teachers = {1: 120, 2: 95, 3: 80, 4: 50}
    volunteers = []
    for school, count in zip(school_teachers, (26, 22, 18, 14), strict=True):
        for i in range(count):
            band, area = ("k2", "35")[i % 2], ("ela", "math")[i // 2 % 2]
            volunteers.append(Volunteer(len(volunteers), school, band, area, len(volunteers)))

    # when a pilot of about a tenth is suggested,
    suggestion = suggest_pilot(volunteers, school_teachers, 33)

    # then it has 33 teachers, everyone's school is in it, in proportion to its size.
    assert suggestion.size == 33
    assert suggestion.optimal
    for school in suggestion.schools:
        assert school.chosen >= 1
        assert abs(school.chosen - school.target) < 1
        assert school.target == pytest.approx(33 * school_teachers[school.group] / 345)
    assert sorted(b.chosen for b in suggestion.bands) == [16, 17]
    assert sorted(a.chosen for a in suggestion.areas) == [16, 17]


def test_a_statewide_pilot_has_the_right_size_and_covers_every_school():
    rng = random.Random(11)
    bands = ["k2", "35", "68", "912", "pk"]
    areas = ["ela", "math", "sci", "ss", "art", "music", "pe", "wl", "sped"]
    school_teachers = {s: rng.randint(15, 120) for s in range(450)}
    volunteers = [
        Volunteer(
            k,
            k if k < 450 else rng.randrange(450),
            rng.choice(bands),
            rng.choice(areas),
            rng.randrange(100_000),
        )
        for k in range(13_000)
    ]

    suggestion = suggest_pilot(volunteers, school_teachers, 6_600)

    assert suggestion.size == len(suggestion.chosen) == 6_600
    assert all(school.chosen >= 1 for school in suggestion.schools)
    assert Counter(v.school for v in volunteers if v.key in set(suggestion.chosen)) == {
        school.group: school.chosen for school in suggestion.schools
    }
