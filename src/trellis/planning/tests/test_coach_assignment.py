"""The coach proposal keeps every rule, is as good as a brute force over every assignment on
small cases, never leaves a first-year teacher out while a coach who could take them has room,
and says why for every pair and every teacher left out."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.planning.coach_assignment import (
    AssignmentInputError,
    Coach,
    Teacher,
    compatible,
    propose,
)

BANDS = ["k2", "35", "68"]
AREAS = ["ela", "math"]
SCHOOLS = [1, 2, 3]


def brute_force(coaches: list[Coach], teachers: list[Teacher]) -> tuple[int, int, int]:
    """The best (first-year assigned, assigned, kept) over every assignment keeping the rules."""
    options = [[None, *[c for c in coaches if compatible(c, t)]] for t in teachers]
    best = (-1, -1, -1)
    for choice in itertools.product(*options):
        if not fits(coaches, teachers, choice):
            continue
        score = (
            sum(1 for t, c in zip(teachers, choice, strict=True) if c and t.first_year),
            sum(1 for c in choice if c),
            sum(1 for t, c in zip(teachers, choice, strict=True) if c and t.last_coach == c.key),
        )
        best = max(best, score)
    return best


def fits(coaches: list[Coach], teachers: list[Teacher], choice) -> bool:
    """Does every coach stay within their teachers and their hours?"""
    load: dict[int, int] = {}
    hours: dict[int, int] = {}
    for teacher, coach in zip(teachers, choice, strict=True):
        if coach is not None:
            load[coach.key] = load.get(coach.key, 0) + 1
            hours[coach.key] = hours.get(coach.key, 0) + teacher.hours
    return all(
        (c.capacity is None or load.get(c.key, 0) <= c.capacity)
        and (c.hours is None or hours.get(c.key, 0) <= c.hours)
        for c in coaches
    )


# A coach limited by teachers, by hours, or by both.
capacity_st = st.one_of(
    st.tuples(st.integers(1, 3), st.none()),
    st.tuples(st.none(), st.integers(1, 5)),
    st.tuples(st.integers(1, 3), st.integers(1, 5)),
)

coach_st = st.builds(
    lambda key, cap, bands, areas, barred: Coach(
        key,
        f"Coach {key}",
        cap[0],
        frozenset(bands),
        frozenset(areas),
        frozenset(barred),
        hours=cap[1],
    ),
    st.integers(0, 0),
    capacity_st,
    st.sets(st.sampled_from(BANDS), min_size=1),
    st.sets(st.sampled_from(AREAS)),
    st.sets(st.sampled_from(SCHOOLS), max_size=1),
)


@st.composite
def cases(draw):
    n_coaches = draw(st.integers(1, 3))
    coaches = []
    for key in range(1, n_coaches + 1):
        drawn = draw(coach_st)
        coaches.append(
            Coach(
                key,
                f"Coach {key}",
                drawn.capacity,
                drawn.bands,
                drawn.areas,
                drawn.barred_schools,
                hours=drawn.hours,
            )
        )
    teachers = []
    for key in range(100, 100 + draw(st.integers(1, 6))):
        teachers.append(
            Teacher(
                key,
                f"Teacher {key}",
                draw(st.sampled_from(SCHOOLS)),
                draw(st.sampled_from(BANDS)),
                draw(st.sampled_from(AREAS)),
                draw(st.booleans()),
                draw(st.one_of(st.none(), st.integers(1, n_coaches))),
                hours=draw(st.integers(1, 2)),
            )
        )
    return coaches, teachers


@settings(max_examples=150, deadline=None)
@given(cases())
def test_the_proposal_is_as_good_as_every_assignment_tried(case):
    coaches, teachers = case
    proposal = propose(coaches, teachers, time_limit_s=10)
    assert proposal.optimal
    assert proposal.score == brute_force(coaches, teachers)

    by_key = {c.key: c for c in coaches}
    for teacher in teachers:
        coach_key = proposal.pairs.get(teacher.key)
        if coach_key is None:
            assert proposal.unassigned[teacher.key]
            continue
        coach = by_key[coach_key]
        # The rules always hold: grade band, content area, never over former peers.
        assert teacher.band in coach.bands
        assert not coach.areas or teacher.area in coach.areas
        assert teacher.school not in coach.barred_schools
        assert proposal.why[teacher.key]
    choice = [by_key.get(proposal.pairs.get(t.key, -1)) for t in teachers]
    assert fits(coaches, teachers, choice)
    # No first-year teacher is left out while a coach who could take them has room for them.
    for t, teacher in enumerate(teachers):
        if teacher.first_year and teacher.key in proposal.unassigned:
            for coach in coaches:
                if compatible(coach, teacher):
                    assert not fits(coaches, teachers, [*choice[:t], coach, *choice[t + 1 :]])


def test_first_year_teachers_come_first_then_last_years_pairs():
    coach = Coach(1, "Ada", 2, frozenset({"k2"}))
    teachers = [
        Teacher(10, "Kept", 1, "k2", "ela", last_coach=1),
        Teacher(11, "New A", 1, "k2", "ela", first_year=True),
        Teacher(12, "New B", 2, "k2", "math", first_year=True),
    ]
    proposal = propose([coach], teachers)
    assert proposal.pairs == {11: 1, 12: 1}
    assert proposal.unassigned[10].startswith("Every coach who could take them is full: Ada")
    assert "first implementation year" in proposal.why[11]

    roomier = propose([Coach(1, "Ada", 3, frozenset({"k2"}))], teachers)
    assert roomier.pairs == {10: 1, 11: 1, 12: 1}
    assert "kept from last year" in roomier.why[10]


def test_reasons_for_teachers_left_out():
    coaches = [
        Coach(1, "Ada", 5, frozenset({"k2"}), frozenset({"ela"}), frozenset({7})),
    ]
    teachers = [
        Teacher(10, "Band", 1, "912", "ela"),
        Teacher(11, "Area", 1, "k2", "science"),
        Teacher(12, "Peers", 7, "k2", "ela"),
    ]
    proposal = propose(coaches, teachers)
    assert proposal.pairs == {}
    assert proposal.unassigned == {
        10: "No coach covers grade band 912.",
        11: "No coach of grade band k2 covers science.",
        12: "The coaches who could take them (Ada) taught at their school.",
    }


@pytest.mark.parametrize(
    ("coaches", "teachers", "message"),
    [
        ([Coach(1, "Ada", 0, frozenset({"k2"}))], [], "Ada: a capacity of 0 teachers"),
        ([Coach(1, "Ada", -2, frozenset({"k2"}))], [], "Ada: a capacity of -2 teachers"),
        ([Coach(1, "Ada", 2, frozenset())], [], "Ada: covers no grade band."),
        ([], [Teacher(1, "Bo", 1, "", "ela")], "Bo: no grade band; set it on their staff"),
        ([Coach(1, "Ada", None, frozenset({"k2"}))], [], "Ada: no capacity; give a number"),
        ([Coach(1, "Ada", None, frozenset({"k2"}), hours=0)], [], "Ada: 0 hours a week"),
        ([], [Teacher(1, "Bo", 1, "k2", "ela", hours=0)], "Bo: needs 0 hours; at least 1."),
    ],
)
def test_bad_input_is_refused_with_the_name(coaches, teachers, message):
    with pytest.raises(AssignmentInputError, match=message):
        propose(coaches, teachers)


def test_hours_bind_where_teachers_do_not():
    coach = Coach(1, "Ada", 5, frozenset({"k2"}), hours=3)
    teachers = [
        Teacher(10, "New", 1, "k2", "ela", first_year=True, hours=2),
        Teacher(11, "Kept", 1, "k2", "ela", last_coach=1),
        Teacher(12, "Other", 1, "k2", "ela"),
    ]
    proposal = propose([coach], teachers)
    assert proposal.optimal
    assert proposal.pairs == {10: 1, 11: 1}
    assert proposal.unassigned[12] == (
        "Every coach who could take them is full: Ada (2 of 5 teachers, 3 of 3 hours); others "
        "ranked ahead of them (first implementation year, then anyone, then last year's pairs)."
    )
    too_much = propose([coach], [Teacher(13, "Heavy", 1, "k2", "ela", hours=4)])
    assert too_much.unassigned[13] == (
        "They need 4 hours a week, more than any coach who could take them has."
    )
