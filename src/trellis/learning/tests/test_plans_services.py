"""Learning plans, PLCs and onboarding tracks: every service's refusals (with nothing written),
the goal status machine, the debrief hand-over, who sees and edits a plan, the suggested next
PLC meeting, and how a started assignment's track is chosen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from trellis.core.models import AuditEvent
from trellis.factories import SchoolFactory, StaffFactory
from trellis.learning.models import (
    Audience,
    GoalStatus,
    ItemDone,
    LearningPlan,
    Onboarding,
    OnboardingTrack,
    PlanGoal,
    Plc,
    PlcMeeting,
    TrackItem,
)
from trellis.learning.selectors import plans as selectors
from trellis.learning.services import plans as services
from trellis.learning.tests.plans_helpers import (
    activity,
    end,
    goal,
    person,
    plc,
    principal,
    start,
    this_year,
    today,
    track,
    user_of,
)

pytestmark = pytest.mark.django_db
S = GoalStatus


def rows() -> dict[str, int]:
    models = (LearningPlan, PlanGoal, Plc, PlcMeeting, OnboardingTrack, TrackItem, Onboarding)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["ItemDone"] = ItemDone.objects.count()
    counts["audit"] = AuditEvent.objects.count()
    return counts


@pytest.fixture
def ana(district_a, school_a):
    return person(district_a, school_a, first_name="Ana", last_name="Alvarez")


# --- Plans and goals ------------------------------------------------------------------------


def test_a_person_has_one_plan_per_school_year(ana, alice):
    # given a plan made for this year
    first = services.plan_get_or_create(staff=ana, school_year="2026-27", actor=alice.user)
    # when it is asked for again, and for another year
    again = services.plan_get_or_create(staff=ana, school_year="2026-27", actor=alice.user)
    other = services.plan_get_or_create(staff=ana, school_year="2027-28", actor=alice.user)
    # then the same plan comes back and the other year has its own
    assert first.pk == again.pk != other.pk
    assert AuditEvent.objects.filter(action="learning.plan_created").count() == 2


def test_a_plan_needs_a_real_school_year(ana):
    before = rows()
    with pytest.raises(ValidationError) as caught:
        services.plan_get_or_create(staff=ana, school_year="2026-28", actor=None)
    assert "school_year" in caught.value.message_dict
    assert rows() == before


def test_a_goal_with_no_owner_is_refused_with_a_clear_message(ana):
    before = rows()
    with pytest.raises(ValidationError) as caught:
        services.goal_add(
            staff=ana, school_year=this_year(), source="self", data={"text": "Read more"},
            actor=None,
        )  # fmt: skip
    assert "no owner" in caught.value.message_dict["owner"][0]
    # and nothing is written, not even the plan
    assert rows() == before


def test_a_goal_needs_text_and_must_not_repeat_one_in_the_plan(ana):
    with pytest.raises(ValidationError) as caught:
        goal(ana, text="   ")
    assert caught.value.message_dict["text"] == ["Describe the goal."]
    goal(ana, text="Use exit tickets daily")
    before = rows()
    with pytest.raises(ValidationError) as caught:
        goal(ana, text="use exit tickets daily ")
    assert caught.value.message_dict["text"] == ["This plan already has that goal."]
    assert rows() == before


def test_an_owner_or_activity_from_another_district_is_refused(ana, staff_b, district_b):
    before = rows()
    with pytest.raises(ValidationError) as caught:
        goal(ana, owner=staff_b, activities=[activity(district_b)])
    assert set(caught.value.message_dict) == {"owner", "activities"}
    assert rows() == before


def test_a_next_review_outside_the_plan_year_or_the_next_is_refused(ana):
    year_start = int(this_year()[:4])
    for bad in (dt.date(year_start, 6, 30), dt.date(year_start + 2, 7, 1)):
        with pytest.raises(ValidationError) as caught:
            goal(ana, review_on=bad)
        assert "next review must fall between" in caught.value.message_dict["review_on"][0]
    assert not PlanGoal.objects.exists()
    assert goal(ana, review_on=dt.date(year_start + 2, 6, 30)).review_on.year == year_start + 2


def test_no_goal_for_someone_who_left_or_from_an_unknown_source(ana):
    with pytest.raises(ValidationError, match="source"):
        goal(ana, source="rumour")
    ana.is_active = False
    ana.save()
    with pytest.raises(ValidationError, match="no longer employed"):
        goal(ana)
    assert not LearningPlan.objects.exists()


def test_an_inactive_owner_is_refused_for_a_new_goal(ana, district_a, school_a):
    gone = StaffFactory(district=district_a, school=school_a, is_active=False)
    with pytest.raises(ValidationError) as caught:
        goal(ana, owner=gone)
    assert "no longer employed" in caught.value.message_dict["owner"][0]


def test_a_goal_update_changes_the_fields_given_and_is_audited(ana, district_a, alice):
    made = goal(ana, text="Plan small groups")
    course = activity(district_a)
    services.goal_update(
        goal=made,
        data={"evidence": "Three planning sheets", "activities": [course]},
        actor=alice.user,
    )
    made.refresh_from_db()
    assert made.evidence == "Three planning sheets" and made.text == "Plan small groups"
    assert list(made.activities.all()) == [course]
    event = AuditEvent.objects.filter(action="learning.goal_updated").get()
    assert event.changes["evidence"] == ["", "Three planning sheets"]
    assert event.changes["activities"] == [[], [course.pk]]
    # a field that cannot be set is an error, not ignored
    with pytest.raises(ValidationError, match="cannot be set"):
        services.goal_update(goal=made, data={"status": "met"}, actor=alice.user)
    made.refresh_from_db()
    assert made.status == S.PLANNED


def test_goals_move_along_the_allowed_transitions_only(ana):
    made = goal(ana)
    # planned cannot jump to met
    with pytest.raises(ValidationError) as caught:
        services.goal_move(goal=made, to=S.MET, actor=None)
    assert "can become" in caught.value.message_dict["to"][0]
    for step in (S.ACTIVE, S.DEFERRED, S.ACTIVE, S.DROPPED, S.ACTIVE, S.MET):
        made = services.goal_move(goal=made, to=step, actor=None, note=f"to {step}")
        assert made.status == step
    # met is final
    for step in (S.ACTIVE, S.DROPPED, S.PLANNED):
        with pytest.raises(ValidationError) as caught:
            services.goal_move(goal=made, to=step, actor=None)
        assert "met goal is final" in caught.value.message_dict["to"][0]
    events = AuditEvent.objects.filter(action="learning.goal_moved").order_by("id")
    assert [e.changes["status"] for e in events][-1] == ["active", "met"]
    assert events.last().changes["note"] == [None, "to met"]


def test_the_transition_map_reopens_only_deferred_and_dropped_goals():
    reopen = {s for s, allowed in services.GOAL_TRANSITIONS.items() if S.ACTIVE in allowed}
    assert reopen == {S.PLANNED, S.DEFERRED, S.DROPPED}
    assert services.GOAL_TRANSITIONS[S.MET] == frozenset()
    assert set(services.GOAL_TRANSITIONS) == set(S.values)


def test_a_move_to_an_unknown_status_is_refused(ana):
    made = goal(ana)
    with pytest.raises(ValidationError, match="Choose a status"):
        services.goal_move(goal=made, to="finished", actor=None)
    made.refresh_from_db()
    assert made.status == S.PLANNED


def test_debrief_goals_join_the_plan_once_owned_by_the_person(ana, hana):
    pairs = [("Grow in reading data", "hiring.goal:1"), ("Grow in modelling", "hiring.goal:2")]
    made = services.goals_from_debrief(
        staff=ana, school_year="2026-27", goals=pairs, actor=hana.user
    )
    again = services.goals_from_debrief(
        staff=ana, school_year="2026-27", goals=pairs, actor=hana.user
    )
    assert [g.pk for g in made] == [g.pk for g in again]
    assert PlanGoal.objects.count() == 2
    assert {(g.source, g.owner_id, g.status) for g in made} == {("debrief", ana.pk, "planned")}
    assert AuditEvent.objects.filter(action="learning.debrief_goals_added").count() == 1


def test_debrief_goals_need_text_and_a_reference(ana):
    before = rows()
    with pytest.raises(ValidationError) as caught:
        services.goals_from_debrief(
            staff=ana, school_year="2026-27", goals=[("", "x"), ("Fine", "")], actor=None
        )
    assert caught.value.message_dict["goals"] == [
        "Goal 1: the text is empty.",
        "Goal 2: give a reference of 1 to 60 characters.",
    ]
    assert rows() == before


# --- Who sees and edits a plan --------------------------------------------------------------


def test_the_person_the_schools_principal_and_managers_see_a_plan(district_a, school_a, ana, alice):
    pat = principal(district_a, school_a)
    for viewer in (user_of(ana), user_of(pat), alice.user):
        access = selectors.plan_staff_get(district=district_a, user=viewer, pk=ana.pk)
        assert access.can_view
    assert selectors.plan_access(district=district_a, user=user_of(pat), staff=ana).is_evaluator


def test_an_unrelated_principal_and_a_colleague_get_404(district_a, school_a, ana):
    other_principal = principal(district_a, SchoolFactory(district=district_a))
    colleague = person(district_a, school_a)
    # a principal-classified person at the school without the principal role is not evaluator
    lookalike = person(district_a, school_a, classification="principal")
    for viewer in (other_principal, colleague, lookalike):
        with pytest.raises(Http404):
            selectors.plan_staff_get(district=district_a, user=user_of(viewer), pk=ana.pk)


def test_a_named_supervisor_replaces_the_principal(district_a, school_a, ana):
    pat = principal(district_a, school_a)
    assistant = person(district_a, school_a, classification="assistant_principal")
    ana.supervisor = assistant
    ana.save()
    assert selectors.plan_staff_get(district=district_a, user=user_of(assistant), pk=ana.pk)
    with pytest.raises(Http404):
        selectors.plan_staff_get(district=district_a, user=user_of(pat), pk=ana.pk)


def test_who_may_edit_and_move_which_goals(district_a, school_a, ana, alice):
    pat = principal(district_a, school_a)
    coach = person(district_a, school_a)
    own = goal(ana, source="self")
    set_by_pat = goal(ana, source="supervisor")
    coached = goal(ana, source="coach", owner=coach)
    me = selectors.plan_access(district=district_a, user=user_of(ana), staff=ana)
    evaluator = selectors.plan_access(district=district_a, user=user_of(pat), staff=ana)
    manager = selectors.plan_access(district=district_a, user=alice.user, staff=ana)
    # the person edits their own goals and keeps the evidence of the rest
    assert me.editable_fields(own) == ("text", "owner", "review_on", "activities", "evidence")
    assert me.editable_fields(set_by_pat) == ("evidence",)
    assert me.goal_sources() == ["self"]
    # and moves goals they own, but not one owned by the coach
    assert me.can_move(set_by_pat) and not me.can_move(coached)
    # the evaluator edits supervisor goals only
    assert evaluator.can_edit(set_by_pat) and not evaluator.can_edit(own)
    assert evaluator.editable_fields(own) == () and evaluator.goal_sources() == ["supervisor"]
    # managers edit everything and may set goals of every source but the debrief
    assert all(manager.can_edit(g) for g in (own, set_by_pat, coached))
    assert manager.goal_sources() == ["supervisor", "self", "coach"]
    assert me.can_tick and manager.can_tick and not evaluator.can_tick


def test_the_evaluator_lists_the_people_they_evaluate(district_a, school_a, ana):
    pat = principal(district_a, school_a)
    supervised = person(district_a, SchoolFactory(district=district_a), supervisor=pat)
    elsewhere = person(district_a, school_a)
    elsewhere.supervisor = supervised
    elsewhere.save()
    people = selectors.evaluatees(district=district_a, user=user_of(pat), me=pat)
    assert set(people) == {ana, supervised}


def test_overdue_reviews_are_flagged(ana):
    year_start = dt.date(int(this_year()[:4]), 7, 1)
    late = goal(ana, review_on=year_start)
    met = goal(ana, review_on=year_start)
    services.goal_move(goal=met, to=S.ACTIVE, actor=None)
    services.goal_move(goal=met, to=S.MET, actor=None)
    after = year_start + dt.timedelta(days=1)
    assert selectors.is_overdue(late, after) and not selectors.is_overdue(
        PlanGoal.objects.get(pk=met.pk), after
    )


# --- PLCs -----------------------------------------------------------------------------------


def test_a_plc_name_is_unique_in_the_district(district_a, district_b, ana, staff_b):
    plc(district_a, [ana], name="Coaches PLC")
    before = rows()
    with pytest.raises(ValidationError) as caught:
        plc(district_a, [ana], name="coaches plc")
    assert caught.value.message_dict["name"] == ["A PLC called “coaches plc” exists."]
    assert rows() == before
    assert plc(district_b, [staff_b], name="Coaches PLC").district == district_b


def test_plc_members_and_facilitator_come_from_the_district_and_are_employed(
    district_a, ana, staff_b, school_a
):
    with pytest.raises(ValidationError) as caught:
        plc(district_a, [ana, staff_b], facilitator=staff_b)
    assert set(caught.value.message_dict) == {"members", "facilitator"}
    gone = StaffFactory(district=district_a, school=school_a, is_active=False, last_name="Gone")
    with pytest.raises(ValidationError, match="No longer employed"):
        plc(district_a, [ana, gone])
    assert not Plc.objects.exists()


def test_only_members_may_be_marked_present(district_a, school_a, ana):
    group = plc(district_a, [ana])
    stranger = person(district_a, school_a, first_name="Sol", last_name="Stranger")
    before = rows()
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(
            plc=group, data={"held_on": today()}, attendees=[ana, stranger], actor=None
        )
    assert "Sol Stranger" in caught.value.message_dict["attendees"][0]
    assert rows() == before


def test_a_meeting_more_than_a_day_ahead_cannot_have_attendance(district_a, ana):
    group = plc(district_a, [ana])
    later = today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(plc=group, data={"held_on": later}, attendees=[ana], actor=None)
    assert "once the meeting has happened" in caught.value.message_dict["attendees"][0]
    # a planned meeting with an agenda and nobody marked is fine, and so is tomorrow's
    planned = services.meeting_create(
        plc=group, data={"held_on": later, "agenda": "Data talk"}, attendees=[], actor=None
    )
    tomorrow = services.meeting_create(
        plc=group, data={"held_on": today() + dt.timedelta(days=1)}, attendees=[ana], actor=None
    )
    assert planned.agenda == "Data talk" and list(tomorrow.attendees.all()) == [ana]


def test_a_plc_meets_once_a_day_and_not_absurdly_far_off(district_a, ana):
    group = plc(district_a, [ana])
    services.meeting_create(plc=group, data={"held_on": today()}, attendees=[ana], actor=None)
    before = rows()
    for day, message in (
        (today(), "already has a meeting"),
        (today() + dt.timedelta(days=400), "at most a year ahead"),
        (today() - dt.timedelta(days=4000), "more than ten years ago"),
        (None, "Give the meeting's date"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.meeting_create(plc=group, data={"held_on": day}, attendees=[], actor=None)
        assert message in caught.value.message_dict["held_on"][0]
    assert rows() == before


def test_a_meeting_update_keeps_a_former_member_marked_present(district_a, school_a, ana):
    leaver = person(district_a, school_a)
    group = plc(district_a, [ana, leaver])
    meeting = services.meeting_create(
        plc=group, data={"held_on": today()}, attendees=[ana, leaver], actor=None
    )
    services.plc_update(plc=group, data={"members": [ana]}, actor=None)
    services.meeting_update(
        meeting=meeting, data={"notes": "Good talk"}, attendees=[ana, leaver], actor=None
    )
    meeting.refresh_from_db()
    assert meeting.notes == "Good talk" and meeting.attendees.count() == 2


@pytest.mark.parametrize(
    ("cadence", "last_days_ago", "expected_in"),
    [("weekly", 3, 4), ("biweekly", 3, 11), ("weekly", 20, 1), ("biweekly", 28, 0)],
)
def test_the_next_meeting_is_suggested_from_the_cadence(
    district_a, ana, cadence, last_days_ago, expected_in
):
    group = plc(district_a, [ana], cadence=cadence)
    last = today() - dt.timedelta(days=last_days_ago)
    services.meeting_create(plc=group, data={"held_on": last}, attendees=[], actor=None)
    assert selectors.next_meeting_on(plc=group) == today() + dt.timedelta(days=expected_in)


def test_a_monthly_plc_meets_again_a_month_later_and_a_new_one_today(district_a, ana):
    group = plc(district_a, [ana], cadence="monthly")
    assert selectors.next_meeting_on(plc=group) == today()
    services.meeting_create(
        plc=group, data={"held_on": dt.date(2026, 1, 31)}, attendees=[], actor=None
    )
    assert selectors.next_meeting_on(plc=group, on=dt.date(2026, 2, 1)) == dt.date(2026, 2, 28)
    assert selectors.next_meeting_on(plc=group, on=dt.date(2026, 3, 1)) == dt.date(2026, 3, 31)


# --- Onboarding tracks ----------------------------------------------------------------------


def test_a_role_has_one_track_per_audience(district_a):
    track(district_a, Audience.NEW)
    before = rows()
    with pytest.raises(ValidationError) as caught:
        track(district_a, Audience.NEW)
    assert "already has a track" in caught.value.message_dict["audience"][0]
    assert rows() == before


def test_a_track_needs_a_role_of_the_district(district_a, district_b):
    from trellis.learning.tests.plans_helpers import coach_role

    with pytest.raises(ValidationError) as caught:
        services.track_create(
            district=district_a,
            actor=None,
            data={"name": " ", "role_type": coach_role(district_b), "audience": "new"},
        )
    assert set(caught.value.message_dict) == {"name", "role_type"}


def test_track_items_are_ordered_and_checked(district_a):
    made = track(district_a, items=())
    first = services.track_item_add(track=made, actor=None, data={"title": "A", "due_days": 5})
    second = services.track_item_add(track=made, actor=None, data={"title": "B", "due_days": 9})
    assert (first.order, second.order) == (0, 1)
    before = rows()
    for data, field in (
        ({"title": "a", "due_days": 5}, "title"),
        ({"title": "C", "due_days": 400}, "due_days"),
        ({"title": "", "due_days": 5}, "title"),
        ({"title": "D", "due_days": 5, "order": 5000}, "order"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.track_item_add(track=made, actor=None, data=data)
        assert field in caught.value.message_dict
    assert rows() == before
    services.track_item_update(item=second, data={"order": 0, "due_days": 3}, actor=None)
    assert [i.title for i in selectors.track_items(track=made)] == ["A", "B"]


def test_a_ticked_item_cannot_be_removed_but_an_unticked_one_can(district_a, ana):
    made = track(district_a)
    onboarding = services.onboarding_assign(assignment=start(ana), actor=None)
    first, second = selectors.track_items(track=made)
    services.item_tick(onboarding=onboarding, item=first, actor=None)
    with pytest.raises(ValidationError, match="already ticked"):
        services.track_item_remove(item=first, actor=None)
    services.track_item_remove(item=second, actor=None)
    assert list(selectors.track_items(track=made)) == [first]


def test_a_new_person_gets_the_new_track_and_a_returning_one_the_experienced(
    district_a, school_a, ana
):
    new = track(district_a, Audience.NEW)
    experienced = track(district_a, Audience.EXPERIENCED)
    # ana is new to coaching
    first = start(ana, today() - dt.timedelta(days=400))
    assert services.onboarding_assign(assignment=first, actor=None).track == new
    # she leaves the role and comes back to it: experienced
    end(first, today() - dt.timedelta(days=30))
    again = services.onboarding_assign(assignment=start(ana), actor=None)
    assert again.track == experienced and again.started_on == today()
    # once per assignment
    assert services.onboarding_assign(assignment=first, actor=None).track == new
    assert Onboarding.objects.count() == 2


def test_a_track_for_everyone_is_the_fallback_and_no_track_means_nothing(district_a, ana):
    half = Decimal("0.50")
    assert services.onboarding_assign(assignment=start(ana, fte=half), actor=None) is None
    everyone = track(district_a, Audience.EVERYONE)
    onboarding = services.onboarding_assign(assignment=start(ana, fte=half), actor=None)
    assert onboarding.track == everyone


def test_ticking_refuses_another_tracks_item_a_future_date_and_a_second_tick(district_a, ana):
    mine = track(district_a)
    other = track(district_a, Audience.EXPERIENCED, items=(("Other item", 3),))
    onboarding = services.onboarding_assign(assignment=start(ana), actor=None)
    item = selectors.track_items(track=mine).first()
    before = rows()
    with pytest.raises(ValidationError, match="not on this person's checklist"):
        services.item_tick(onboarding=onboarding, item=other.items.get(), actor=None)
    with pytest.raises(ValidationError, match="future"):
        services.item_tick(
            onboarding=onboarding, item=item, actor=None, done_on=today() + dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="is not ticked"):
        services.item_untick(onboarding=onboarding, item=item, actor=None)
    assert rows() == before
    services.item_tick(onboarding=onboarding, item=item, actor=user_of(ana))
    with pytest.raises(ValidationError, match="already ticked"):
        services.item_tick(onboarding=onboarding, item=item, actor=None)
    services.item_untick(onboarding=onboarding, item=item, actor=None)
    assert not ItemDone.objects.exists()


def test_a_checklist_flags_items_past_their_due_day(district_a, ana):
    made = track(district_a, items=(("Soon", 5), ("Later", 60)))
    onboarding = services.onboarding_assign(
        assignment=start(ana, today() - dt.timedelta(days=10)), actor=None
    )
    soon, later = selectors.track_items(track=made)
    checklist = selectors.checklists(staff=ana)[0]
    assert [(i.item, i.overdue) for i in checklist.items] == [(soon, True), (later, False)]
    services.item_tick(onboarding=onboarding, item=soon, actor=None)
    checklist = selectors.checklists(staff=ana)[0]
    assert (checklist.done_count, checklist.overdue_count) == (1, 0)


def test_updates_are_checked_like_new_records_and_write_nothing_when_refused(district_a, ana):
    made = goal(ana, text="Plan groups")
    goal(ana, text="Read more")
    first = plc(district_a, [ana], name="First PLC")
    plc(district_a, [ana], name="Second PLC")
    new = track(district_a, Audience.NEW)
    track(district_a, Audience.EXPERIENCED)
    before = rows()
    with pytest.raises(ValidationError) as caught:
        services.goal_update(goal=made, data={"owner": None, "text": "read more"}, actor=None)
    assert set(caught.value.message_dict) == {"owner", "text"}
    with pytest.raises(ValidationError, match="exists"):
        services.plc_update(plc=first, data={"name": "second plc"}, actor=None)
    with pytest.raises(ValidationError, match="already has a track"):
        services.track_update(track=new, data={"audience": Audience.EXPERIENCED}, actor=None)
    assert rows() == before
    made.refresh_from_db()
    first.refresh_from_db()
    assert (made.text, first.name) == ("Plan groups", "First PLC")
