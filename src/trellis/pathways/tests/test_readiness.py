"""Ladders' rules and readiness: where someone stands, what the next step asks, estimates, and
succession."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from trellis.factories import StaffFactory
from trellis.learning.models import Candidacy, CertificationProgram
from trellis.org.models import StaffClassification
from trellis.pathways.models import Ladder, Step
from trellis.pathways.selectors import ladders as selectors
from trellis.pathways.services import StepSpec, ladder_save, standing_record, steps_save
from trellis.pathways.tests.history_builders import attended, hold, role
from trellis.roles.models import RoleLevel


@pytest.fixture
def world(alice, district_a, school_a):
    today = timezone.localdate()
    coach = role(district_a, "Instructional coach", RoleLevel.SCHOOL,
                 standard_key="instructional_strategies_coach")  # fmt: skip
    principal = role(district_a, "Principal", RoleLevel.SCHOOL, StaffClassification.PRINCIPAL)
    blended = CertificationProgram.objects.create(district=district_a, name="Blended learning")
    ladder = ladder_save(district=district_a, name="Teacher to principal", actor=alice.user)
    steps_save(ladder=ladder, actor=alice.user, specs=[
        StepSpec("Classroom teacher", classifications=["teacher"]),
        StepSpec("Instructional coach", role_type_ids=[coach.pk], min_years=Decimal(2),
                 min_hours=Decimal(30), hours_years=2, good_standing=True,
                 certification_ids=[blended.pk]),
        StepSpec("Principal", role_type_ids=[principal.pk], min_years=Decimal(3),
                 certification_ids=[blended.pk]),
    ])  # fmt: skip
    tess = StaffFactory(district=district_a, school=school_a, first_name="Tess",
                        hire_date=today - dt.timedelta(days=3 * 365))  # fmt: skip
    return {"today": today, "coach": coach, "principal": principal, "blended": blended,
            "ladder": ladder, "tess": tess}  # fmt: skip


def readiness_of(district, person):
    (result,) = selectors.person_readiness(district=district, person=person)
    return result


def test_a_teacher_sees_what_the_coach_step_asks_and_what_she_misses(district_a, world):
    # given Tess, a teacher for three years with 12 hours of learning this year
    attended(world["tess"], 12, world["today"])
    # when her readiness is read
    result = readiness_of(district_a, world["tess"])
    # then she is on the first rung and each requirement of the next is checked
    assert (result.current.name, result.next.name) == ("Classroom teacher", "Instructional coach")
    checks = {c.label: (c.state, c.detail) for c in result.checks}
    assert checks["2 years on the step below"][0] == "met"
    assert checks["30 hours of learning over 2 school years"] == ("missing", "12 of 30 hours")
    assert checks["Blended learning"] == ("missing", "Not started")
    assert checks["In good standing"] == ("missing", "Not recorded by HR yet")
    assert not result.ready
    # at 6 hours a year she needs three more years for the hours
    hours = next(c for c in result.checks if c.label.startswith("30 hours"))
    assert hours.by == world["today"] + dt.timedelta(days=3 * 365)


def test_readiness_changes_when_a_certification_is_earned(alice, district_a, world):
    tess, today = world["tess"], world["today"]
    attended(tess, 30, today)
    standing_record(staff=tess, school_year="2025-26", good=True, actor=alice.user)
    candidacy = Candidacy.objects.create(district=district_a, program=world["blended"],
                                         staff=tess, started_on=today)  # fmt: skip
    under_way = readiness_of(district_a, tess)
    assert {c.label: c.state for c in under_way.checks}["Blended learning"] == "in_progress"
    assert not under_way.ready and under_way.ready_by == today + dt.timedelta(days=365)
    # when she is certified
    Candidacy.objects.filter(pk=candidacy.pk).update(certified_on=today)
    earned = readiness_of(district_a, tess)
    assert {c.label: c.state for c in earned.checks}["Blended learning"] == "met"
    assert earned.ready


def test_a_coach_is_on_the_coach_step_since_she_began_coaching(district_a, school_a, world):
    today = world["today"]
    cora = StaffFactory(district=district_a, school=school_a, first_name="Cora")
    hold(world["coach"], cora, today - dt.timedelta(days=400))
    result = readiness_of(district_a, cora)
    assert result.current.name == "Instructional coach"
    assert result.since == today - dt.timedelta(days=400)
    years = next(c for c in result.checks if c.label.startswith("3 years"))
    assert years.state == "missing"
    assert years.by == today - dt.timedelta(days=400) + dt.timedelta(days=1096)


def test_succession_sorts_the_rung_below_into_now_within_a_year_and_later(
    alice, district_a, school_a, world
):
    today = world["today"]
    ladder, blended = world["ladder"], world["blended"]
    ready, soon, _late = (StaffFactory(district=district_a, school=school_a, first_name=n,
                                       hire_date=today - dt.timedelta(days=5 * 365))
                          for n in ("Rae", "Sol", "Lou"))  # fmt: skip
    for person in (ready, soon):
        attended(person, 40, today)
        standing_record(staff=person, school_year="2025-26", good=True, actor=alice.user)
    Candidacy.objects.create(district=district_a, program=blended, staff=ready, started_on=today,
                             certified_on=today)  # fmt: skip
    Candidacy.objects.create(district=district_a, program=blended, staff=soon, started_on=today)
    step = Step.objects.get(ladder=ladder, order=2)
    result = selectors.succession(district=district_a, ladder=ladder, step=step)
    assert [p.first_name for p, _ in result.ready_now] == ["Rae"]
    assert [p.first_name for p, _ in result.within_year] == ["Sol"]
    assert result.later >= 2  # Lou and Tess (and nobody is counted twice)


# --- The ladder's rules ----------------------------------------------------------------------


def test_a_role_on_two_rungs_is_a_cycle_and_nothing_is_written(alice, world):
    ladder, coach = world["ladder"], world["coach"]
    with pytest.raises(ValidationError) as error:
        steps_save(ladder=ladder, actor=alice.user, specs=[
            StepSpec("Coach", role_type_ids=[coach.pk]),
            StepSpec("Lead coach", role_type_ids=[world["principal"].pk]),
            StepSpec("Coach again", role_type_ids=[coach.pk]),
        ])  # fmt: skip
    assert "steps.2.role_types" in error.value.message_dict
    assert list(ladder.steps.values_list("name", flat=True)) == [
        "Classroom teacher", "Instructional coach", "Principal"]  # fmt: skip


def test_bad_steps_are_named_one_by_one(alice, district_b, world):
    from trellis.roles.models import RoleType

    theirs = RoleType.objects.create(district=district_b, name="Their coach", category="x")
    with pytest.raises(ValidationError) as error:
        steps_save(ladder=world["ladder"], actor=alice.user, specs=[
            StepSpec("Teacher", classifications=["teacher"], min_years=Decimal(-1)),
            StepSpec("Coach", role_type_ids=[theirs.pk], min_hours=Decimal(-5)),
            StepSpec("", classifications=["wizard"]),
        ])  # fmt: skip
    assert set(error.value.message_dict) == {
        "steps.0.min_years", "steps.1.role_types", "steps.1.min_hours", "steps.2.name",
        "steps.2.classifications",
    }  # fmt: skip


def test_a_higher_step_cannot_skip_a_certification_required_below(alice, world):
    with pytest.raises(ValidationError) as error:
        steps_save(ladder=world["ladder"], actor=alice.user, specs=[
            StepSpec("Teacher", classifications=["teacher"]),
            StepSpec("Coach", role_type_ids=[world["coach"].pk],
                     certification_ids=[world["blended"].pk]),
            StepSpec("Principal", role_type_ids=[world["principal"].pk]),
        ])  # fmt: skip
    assert "would skip Blended learning" in error.value.message_dict["steps.2.certifications"][0]


def test_two_ladders_cannot_disagree_about_which_role_is_higher(alice, district_a, world):
    other = ladder_save(district=district_a, name="Leadership track", actor=alice.user)
    with pytest.raises(ValidationError, match="go in a circle"):
        steps_save(ladder=other, actor=alice.user, specs=[
            StepSpec("Principal", role_type_ids=[world["principal"].pk]),
            StepSpec("Coach", role_type_ids=[world["coach"].pk]),
        ])  # fmt: skip
    assert not other.steps.exists()


def test_only_managers_write_ladders_and_standing(bob, world, district_a):
    with pytest.raises(PermissionDenied):
        ladder_save(district=district_a, name="Mine", actor=bob.user)
    with pytest.raises(PermissionDenied):
        standing_record(staff=world["tess"], school_year="2025-26", good=True, actor=bob.user)
    assert Ladder.objects.count() == 1


def test_a_move_between_two_roles_of_one_step_keeps_the_clock_running(
    alice, district_a, school_a, world
):
    # given a step that both coaches and TOSAs stand on, and Cora who coached, then became a TOSA
    today = world["today"]
    tosa = role(district_a, "Technology TOSA", RoleLevel.DISTRICT, standard_key="technology_coach")
    ladder = ladder_save(district=district_a, name="Coaching track", actor=alice.user)
    steps_save(ladder=ladder, actor=alice.user, specs=[
        StepSpec("Coach or TOSA", role_type_ids=[world["coach"].pk, tosa.pk]),
        StepSpec("Learning director", classifications=["lea_administrator"],
                 min_years=Decimal(2)),
    ])  # fmt: skip
    cora = StaffFactory(district=district_a, school=school_a, first_name="Cora")
    began = today - dt.timedelta(days=900)
    hold(world["coach"], cora, began, today - dt.timedelta(days=400), "change_of_assignment")
    hold(tosa, cora, today - dt.timedelta(days=380))
    # when her readiness on the coaching track is read
    results = {r.ladder.name: r for r in selectors.person_readiness(district=district_a,
                                                                      person=cora)}  # fmt: skip
    # then she has been on the step since she began coaching, and has her two years
    track = results["Coaching track"]
    assert track.since == began
    assert [c.state for c in track.checks] == ["met"]


def test_without_a_hire_date_the_years_are_not_known_rather_than_zero(district_a, school_a, world):
    newcomer = StaffFactory(district=district_a, school=school_a, first_name="Nia", hire_date=None)
    result = readiness_of(district_a, newcomer)
    assert result.current.name == "Classroom teacher" and result.since is None
    years = next(c for c in result.checks if "years on the step below" in c.label)
    assert (years.state, years.by) == ("missing", None)
    assert "no hire date" in years.detail


def test_three_ladders_that_go_in_a_circle_are_refused(alice, district_a, world):
    # given coach below principal (the world's ladder) and principal below a director
    director = role(
        district_a, "Director", RoleLevel.DISTRICT, StaffClassification.LEA_ADMINISTRATOR
    )
    second = ladder_save(district=district_a, name="Leadership", actor=alice.user)
    steps_save(ladder=second, actor=alice.user, specs=[
        StepSpec("Principal", role_type_ids=[world["principal"].pk]),
        StepSpec("Director", role_type_ids=[director.pk]),
    ])  # fmt: skip
    # when a third ladder puts the director below the coach
    third = ladder_save(district=district_a, name="Back down", actor=alice.user)
    with pytest.raises(ValidationError, match="go in a circle"):
        steps_save(ladder=third, actor=alice.user, specs=[
            StepSpec("Director", role_type_ids=[director.pk]),
            StepSpec("Coach", role_type_ids=[world["coach"].pk]),
        ])  # fmt: skip
    assert not third.steps.exists()


def test_a_standing_from_years_ago_does_not_count_now(alice, district_a, world):
    tess = world["tess"]
    standing_record(staff=tess, school_year="2019-20", good=True, actor=alice.user)
    result = readiness_of(district_a, tess)
    standing = next(c for c in result.checks if c.label == "In good standing")
    assert standing.state == "missing"


def test_every_problem_of_a_ladder_is_reported_at_once(alice, world):
    coach = world["coach"]
    with pytest.raises(ValidationError) as error:
        steps_save(ladder=world["ladder"], actor=alice.user, specs=[
            StepSpec("Teacher", classifications=["teacher"], min_hours=Decimal(-3)),
            StepSpec("Coach", role_type_ids=[coach.pk]),
            StepSpec("Coach again", role_type_ids=[coach.pk]),
        ])  # fmt: skip
    assert {"steps.0.min_hours", "steps.2.role_types"} <= set(error.value.message_dict)
