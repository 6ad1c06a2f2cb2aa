"""Moves, turnover, retention, new leaders and flows on a fixed history, against numbers worked
out by hand.

The history (all at Aspen unless said):
- Ann: coach 2020-08-01 → 2022-06-30 (promoted), principal from 2022-07-01.
- Ben: coach 2020-08-01 → 2021-06-30 (returned to the classroom).
- Cal: coach 2021-08-01 → 2022-06-30 (change of assignment), coach at Birch from 2022-08-01.
- Dee: technology TOSA at the district office 2020-08-01 → 2023-06-30 (retired; no longer
  employed).
- Eve: coach 2021-08-01 → 2022-06-30 (change of assignment), technology TOSA from 2022-08-01.
- Fay: hired 2023-06-15, principal at Birch from 2023-07-01.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trellis.factories import SchoolFactory, StaffFactory
from trellis.org.models import StaffClassification
from trellis.pathways.selectors import history
from trellis.pathways.selectors.history import MoveKind
from trellis.pathways.tests.history_builders import hold, role
from trellis.roles.models import EndReason, RoleLevel

D = dt.date
TODAY = D(2024, 12, 1)


@pytest.fixture
def career(district_a, school_a):
    birch = SchoolFactory(district=district_a, name="Birch Elementary")
    coach = role(district_a, "Instructional coach", RoleLevel.SCHOOL,
                 standard_key="instructional_strategies_coach")  # fmt: skip
    tosa = role(district_a, "Technology TOSA", RoleLevel.DISTRICT, standard_key="technology_coach")
    principal = role(district_a, "Principal", RoleLevel.SCHOOL, StaffClassification.PRINCIPAL)
    people = {n: StaffFactory(district=district_a, school=school_a, first_name=n)
              for n in ("Ann", "Ben", "Cal", "Dee", "Eve")}  # fmt: skip
    people["Fay"] = StaffFactory(district=district_a, school=birch, first_name="Fay",
                                 hire_date=D(2023, 6, 15))  # fmt: skip
    p = people
    hold(coach, p["Ann"], D(2020, 8, 1), D(2022, 6, 30), EndReason.PROMOTED)
    hold(principal, p["Ann"], D(2022, 7, 1))
    hold(coach, p["Ben"], D(2020, 8, 1), D(2021, 6, 30), EndReason.RETURNED_TO_CLASSROOM)
    hold(coach, p["Cal"], D(2021, 8, 1), D(2022, 6, 30), EndReason.CHANGE_OF_ASSIGNMENT)
    hold(coach, p["Cal"], D(2022, 8, 1), school=birch)
    hold(tosa, p["Dee"], D(2020, 8, 1), D(2023, 6, 30), EndReason.RETIRED, office=True)
    p["Dee"].is_active = False
    p["Dee"].save()
    hold(coach, p["Eve"], D(2021, 8, 1), D(2022, 6, 30), EndReason.CHANGE_OF_ASSIGNMENT)
    hold(tosa, p["Eve"], D(2022, 8, 1))
    hold(principal, p["Fay"], D(2023, 7, 1), school=birch)
    return {"people": people, "coach": coach, "tosa": tosa, "principal": principal,
            "schools": {school_a.pk: school_a.name, birch.pk: birch.name}}  # fmt: skip


def test_moves_are_read_from_the_history_with_their_kind_and_reason(district_a, career):
    moves = history.district_moves(district=district_a)
    names = {s.pk: n for n, s in career["people"].items()}
    got = [(names[m.staff_id], m.on, m.kind, m.reason) for m in moves]
    assert got == [
        ("Ben", D(2021, 6, 30), MoveKind.RETURN, EndReason.RETURNED_TO_CLASSROOM),
        ("Ann", D(2022, 6, 30), MoveKind.PROMOTION, EndReason.PROMOTED),
        ("Eve", D(2022, 6, 30), MoveKind.PROMOTION, EndReason.CHANGE_OF_ASSIGNMENT),
        ("Dee", D(2023, 6, 30), MoveKind.EXIT, EndReason.RETIRED),
    ]  # Cal's change of school in the same role is no move


def test_a_ladder_decides_up_or_across_where_both_roles_are_on_it(district_a, career):
    same_rung = {career["coach"].pk: {1: 2}, career["tosa"].pk: {1: 2}}
    moves = history.district_moves(district=district_a, ladder_rank=same_rung)
    eve = career["people"]["Eve"].pk
    assert [m.kind for m in moves if m.staff_id == eve] == [MoveKind.LATERAL]


def test_turnover_counts_who_held_and_who_left_each_role_in_the_year(district_a, career):
    result = history.turnover(district=district_a, school_year="2021-22",
                              schools=career["schools"])  # fmt: skip
    by_role = {r.label: (r.held, r.left) for r in result.by_role}
    # Ann, Cal and Eve coached in 2021-22 and Ann and Eve left the role; Ben had left in June
    # 2021; Dee's TOSA post went on.
    assert by_role == {"Instructional coach": (3, 2), "Technology TOSA": (1, 0)}
    assert (result.total.held, result.total.left) == (4, 2)
    assert result.total.rate == pytest.approx(0.5)
    assert dict(result.by_reason) == {EndReason.PROMOTED: 1, EndReason.CHANGE_OF_ASSIGNMENT: 1}
    assert {r.label: (r.held, r.left) for r in result.by_school} == {
        "Aspen Elementary": (3, 2),
        "District office": (1, 0),
    }


def test_retention_after_one_two_and_three_years_matches_the_hand_count(district_a, career):
    rows = {r.role: r for r in history.retention(district=district_a, today=TODAY)}
    coach, tosa = rows["Instructional coach"], rows["Technology TOSA"]
    # Coaches: Ann, Ben, Cal and Eve; a year in, Ann and Cal were still coaching; two and
    # three years in, only Cal.
    assert (coach.after[1], coach.after[2], coach.after[3]) == ((2, 4), (1, 4), (1, 4))
    assert coach.rate(1) == pytest.approx(0.5)
    # TOSAs: Dee stayed three years less a month; Eve has not been one for three years yet.
    assert (tosa.after[1], tosa.after[2], tosa.after[3]) == ((2, 2), (2, 2), (0, 1))
    assert "Principal" not in rows  # leaders are not personalized-learning roles


def test_new_leaders_and_how_many_came_from_personalized_learning_roles(district_a, career):
    rows = [(r.school_year, r.leaders, r.from_pl) for r in history.new_leaders(district=district_a)]
    assert rows == [("2022-23", 1, 1), ("2023-24", 1, 0)]  # Ann from coaching; Fay from outside


def test_flows_between_levels_count_every_start_and_every_move(district_a, career):
    result = history.flows(district=district_a, first_year="2020-21", last_year="2023-24")
    assert result.counts == {
        ("classroom", "school"): 4,  # Ann, Ben, Cal and Eve started coaching
        ("classroom", "district"): 1,  # Dee
        ("new_hire", "leader"): 1,  # Fay
        ("school", "leader"): 1,  # Ann
        ("school", "classroom"): 1,  # Ben
        ("school", "district"): 1,  # Eve
        ("district", "left"): 1,  # Dee
    }
    assert result.total == 10
    narrower = history.flows(district=district_a, first_year="2022-23", last_year="2022-23")
    # 2022-23 alone: Ann's and Eve's moves fell on June 30, 2022; only Dee's exit is in it
    assert narrower.counts == {("district", "left"): 1}


def test_another_districts_history_is_never_read(district_a, district_b, career):
    assert history.district_moves(district=district_b) == []
    assert history.retention(district=district_b, today=TODAY) == []
    assert history.new_leaders(district=district_b) == []
    everything = history.flows(district=district_b, first_year="2020-21", last_year="2024-25")
    assert everything.total == 0


def test_someone_who_left_left_from_their_last_role_only(district_a, school_a, career):
    # given Gus, who went back to the classroom in 2021, coached again and then retired
    gus = StaffFactory(district=district_a, school=school_a, first_name="Gus")
    coach, tosa = career["coach"], career["tosa"]
    hold(coach, gus, D(2019, 8, 1), D(2021, 6, 30), EndReason.RETURNED_TO_CLASSROOM)
    hold(tosa, gus, D(2022, 8, 1), D(2024, 6, 30), EndReason.OTHER)
    gus.is_active = False
    gus.save()
    # then the early return stays a return, and only the last role ends in an exit
    moves = [m.kind for m in history.district_moves(district=district_a) if m.staff_id == gus.pk]
    assert moves == [MoveKind.RETURN, MoveKind.EXIT]


def test_an_assistant_principal_who_becomes_principal_is_one_new_leader(
    district_a, school_a, career
):
    assistant = role(district_a, "Assistant principal", RoleLevel.SCHOOL,
                     StaffClassification.ASSISTANT_PRINCIPAL)  # fmt: skip
    hal = StaffFactory(district=district_a, school=school_a, first_name="Hal")
    hold(career["coach"], hal, D(2019, 8, 1), D(2021, 6, 30), EndReason.PROMOTED)
    hold(assistant, hal, D(2021, 7, 1), D(2023, 6, 30), EndReason.PROMOTED)
    hold(career["principal"], hal, D(2023, 7, 1))
    rows = {r.school_year: (r.leaders, r.from_pl) for r in history.new_leaders(district=district_a)}
    assert rows["2021-22"] == (1, 1)  # Hal, from coaching
    assert rows["2023-24"] == (1, 0)  # Fay only: Hal's principalship is not a second new leader


def test_a_planned_last_day_is_not_a_departure_yet(district_a, school_a, career):
    ida = StaffFactory(district=district_a, school=school_a, first_name="Ida")
    today = timezone.localdate()
    hold(career["coach"], ida, today - dt.timedelta(days=200), today + dt.timedelta(days=60),
         EndReason.RETIRED)  # fmt: skip
    assert not [m for m in history.district_moves(district=district_a) if m.staff_id == ida.pk]
