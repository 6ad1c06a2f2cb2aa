"""Learning plans, PLCs and onboarding through the pages: who sees what (a plan answers 404 to
anyone but the person, their evaluator and managers; another district's records 404; a teacher
cannot manage: 403), forms that refuse bad input at the field, exports, and list pages that run
a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trellis.factories import SchoolFactory
from trellis.learning.models import (
    Audience,
    ItemDone,
    PlanGoal,
    Plc,
    PlcMeeting,
    TrackItem,
)
from trellis.learning.selectors import plans as selectors
from trellis.learning.services import plans as services
from trellis.learning.tests.plans_helpers import (
    activity,
    client_of,
    goal,
    person,
    plc,
    principal,
    start,
    this_year,
    today,
    track,
)

pytestmark = pytest.mark.django_db


def export_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def ana(district_a, school_a):
    return person(district_a, school_a, first_name="Ana", last_name="Alvarez")


@pytest.fixture
def pat(district_a, school_a):
    return principal(district_a, school_a)


@pytest.fixture
def ana_goal(ana):
    return goal(ana, text="Run stations in the reading block", source="self")


# --- Plans: who sees them -------------------------------------------------------------------


def test_my_plan_shows_my_goals_and_chooses_the_school_year(ana, ana_goal):
    client = client_of(ana)
    response = client.get(reverse("learning:plan-mine"))
    assert response.status_code == 200
    assert "Run stations in the reading block" in response.content.decode()
    assert f'<option value="{this_year()}" selected>' in response.content.decode()
    next_year = f"{int(this_year()[:4]) + 1}-{(int(this_year()[:4]) + 2) % 100:02d}"
    later = client.get(reverse("learning:plan-mine"), {"year": next_year})
    assert f"No goals for {next_year} yet" in later.content.decode()
    # a nonsense year shows this year rather than an error
    assert client.get(reverse("learning:plan-mine"), {"year": "x"}).status_code == 200


def test_my_plan_without_a_staff_record_says_so(bob):
    response = bob.client().get(reverse("learning:plan-mine"))
    assert response.status_code == 200
    assert "not linked to a staff record" in response.content.decode()


def test_the_person_evaluator_and_managers_see_a_plan_and_everyone_else_gets_404(
    district_a, school_a, ana, pat, ana_goal, alice, hana, charlie
):
    url = reverse("learning:plan", args=[ana.pk])
    for client in (client_of(ana), client_of(pat), alice.client(), hana.client()):
        response = client.get(url)
        assert response.status_code == 200
        assert "Run stations in the reading block" in response.content.decode()
    unrelated_principal = principal(district_a, SchoolFactory(district=district_a))
    same_school_teacher = person(district_a, school_a)
    for client in (client_of(unrelated_principal), client_of(same_school_teacher)):
        assert client.get(url).status_code == 404
        assert client.get(reverse("learning:goal-edit", args=[ana_goal.pk])).status_code == 404
        assert client.get(reverse("learning:goal-move", args=[ana_goal.pk])).status_code == 404
        assert client.get(reverse("learning:goal-new", args=[ana.pk])).status_code == 404
    assert charlie.client().get(url).status_code == 404


def test_the_evaluator_finds_the_people_they_evaluate_on_their_plan_page(pat, ana):
    response = client_of(pat).get(reverse("learning:plan-mine"))
    assert "People you evaluate" in response.content.decode()
    assert reverse("learning:plan", args=[ana.pk]) in response.content.decode()


def test_another_districts_records_answer_404(district_a, ana, ana_goal, charlie):
    group = plc(district_a, [ana])
    meeting = services.meeting_create(
        plc=group, data={"held_on": today()}, attendees=[], actor=None
    )
    made = track(district_a)
    onboarding = services.onboarding_assign(assignment=start(ana), actor=None)
    item = made.items.first()
    client = charlie.client()
    for url in (
        reverse("learning:plan", args=[ana.pk]),
        reverse("learning:goal-edit", args=[ana_goal.pk]),
        reverse("learning:plc", args=[group.pk]),
        reverse("learning:meeting-edit", args=[meeting.pk]),
        reverse("learning:meetings-export", args=[group.pk, "csv"]),
        reverse("learning:track", args=[made.pk]),
        reverse("learning:track-item-edit", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    tick = reverse("learning:item-tick", args=[onboarding.pk, item.pk, "tick"])
    assert client.post(tick).status_code == 404
    assert client.post(reverse("learning:goal-move", args=[ana_goal.pk])).status_code == 404
    assert not ItemDone.objects.exists()


def test_a_teacher_cannot_manage_plans_tracks_onboarding_or_start_a_plc(ana, district_a):
    client = client_of(ana)
    made = track(district_a)
    for url in (
        reverse("learning:plans"),
        reverse("learning:plans-export", args=["csv"]),
        reverse("learning:onboarding"),
        reverse("learning:onboarding-export", args=["xlsx"]),
        reverse("learning:tracks"),
        reverse("learning:track-new"),
        reverse("learning:track", args=[made.pk]),
        reverse("learning:plc-new"),
    ):
        assert client.get(url).status_code == 403, url
    remove = reverse("learning:track-item-remove", args=[made.items.first().pk])
    assert client.post(remove).status_code == 403
    assert TrackItem.objects.filter(track=made).count() == 2


# --- Goals through the pages ----------------------------------------------------------------


def test_the_person_adds_a_self_goal_and_cannot_pass_as_the_evaluator(ana, district_a):
    client = client_of(ana)
    url = reverse("learning:goal-new", args=[ana.pk]) + f"?year={this_year()}"
    page = client.get(url).content.decode()
    assert '<option value="self"' in page and '<option value="supervisor"' not in page
    data = {"source": "self", "text": "Read one book on feedback", "owner": ana.pk}
    response = client.post(url, data)
    assert response.status_code == 302
    assert PlanGoal.objects.get().source == "self"
    response = client.post(url, {**data, "source": "supervisor", "text": "Other"})
    assert response.status_code == 400
    assert PlanGoal.objects.count() == 1


def test_a_goal_with_no_owner_is_refused_at_the_field(pat, ana):
    url = reverse("learning:goal-new", args=[ana.pk])
    response = client_of(pat).post(url, {"source": "supervisor", "text": "Lead a data talk"})
    assert response.status_code == 400
    assert "A goal with no owner is never moved" in response.content.decode()
    assert not PlanGoal.objects.exists()


def test_a_bad_review_date_and_a_foreign_activity_are_refused_at_the_field(alice, ana, district_b):
    url = reverse("learning:goal-new", args=[ana.pk])
    data = {"source": "coach", "text": "Plan groups", "owner": ana.pk}
    late = alice.client().post(url, {**data, "review_on": "2001-01-01"})
    assert late.status_code == 400
    assert "The next review must fall between" in late.content.decode()
    foreign = alice.client().post(url, {**data, "activities": [activity(district_b).pk]})
    assert foreign.status_code == 400 and "Select a valid choice" in foreign.content.decode()
    assert not PlanGoal.objects.exists()


def test_the_person_edits_only_the_evidence_of_a_goal_set_by_their_evaluator(ana, pat):
    set_by_pat = goal(ana, text="Regroup every two weeks", source="supervisor")
    url = reverse("learning:goal-edit", args=[set_by_pat.pk])
    page = client_of(ana).get(url).content.decode()
    assert 'name="evidence"' in page and 'name="text"' not in page
    response = client_of(ana).post(url, {"evidence": "Grouping sheets", "text": "Changed"})
    assert response.status_code == 302
    set_by_pat.refresh_from_db()
    assert (set_by_pat.text, set_by_pat.evidence) == ("Regroup every two weeks", "Grouping sheets")
    # the evaluator edits it in full but cannot touch the person's own goals
    own = goal(ana, text="My own goal", source="self")
    assert client_of(pat).get(url).status_code == 200
    assert client_of(pat).get(reverse("learning:goal-edit", args=[own.pk])).status_code == 403


def test_a_goal_moves_on_the_page_and_a_met_goal_stays_met(ana, ana_goal):
    client = client_of(ana)
    url = reverse("learning:goal-move", args=[ana_goal.pk])
    assert client.post(url, {"to": "active", "note": "Started"}).status_code == 302
    assert client.post(url, {"to": "met"}).status_code == 302
    ana_goal.refresh_from_db()
    assert ana_goal.status == "met"
    response = client.post(url, {"to": "active"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    ana_goal.refresh_from_db()
    assert ana_goal.status == "met"


def test_the_plan_page_flags_an_overdue_review(ana):
    goal(ana, text="Late review", review_on=dt.date(int(this_year()[:4]), 7, 1))
    page = client_of(ana).get(reverse("learning:plan-mine")).content.decode()
    if today() > dt.date(int(this_year()[:4]), 7, 1):
        assert "Review overdue" in page
    else:  # the first day of the school year: not overdue yet
        assert "Review overdue" not in page


# --- The managers' list of plans ------------------------------------------------------------


def _plans(district_a, school_a, count: int) -> None:
    for n in range(count):
        staff = person(district_a, school_a, last_name=f"Person{n:02d}")
        made = goal(staff, text=f"Goal {n}")
        if n % 2:
            services.goal_move(goal=made, to="active", actor=None)


def test_the_managers_list_filters_and_exports(alice, district_a, school_a):
    _plans(district_a, school_a, 3)
    other_school = SchoolFactory(district=district_a, name="Birch Elementary")
    elsewhere = person(district_a, other_school, last_name="Birchley")
    goal(elsewhere, text="Birch goal", review_on=dt.date(int(this_year()[:4]), 7, 1))
    client = alice.client()
    page = client.get(reverse("learning:plans")).content.decode()
    assert "Person00" in page and "Birchley" in page
    by_school = client.get(reverse("learning:plans"), {"school": other_school.pk})
    assert "Birchley" in by_school.content.decode()
    assert "Person00" not in by_school.content.decode()
    active = client.get(reverse("learning:plans"), {"status": "active"}).content.decode()
    assert "Person01" in active and "Person00" not in active
    assert client.get(reverse("learning:plans"), {"school": "nope"}).status_code == 400
    rows = export_rows(
        client.get(reverse("learning:plans-export", args=["csv"]), {"school": other_school.pk})
    )
    assert rows[0][:4] == ["staff_id", "name", "school", "school_year"]
    assert [r[1] for r in rows[1:]] == [elsewhere.full_name]
    xlsx = client.get(reverse("learning:plans-export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


def test_the_managers_list_runs_the_same_queries_for_3_or_30_plans(alice, district_a, school_a):
    client = alice.client()
    _plans(district_a, school_a, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("learning:plans")).status_code == 200
    _plans(district_a, school_a, 27)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("learning:plans")).status_code == 200
    assert len(many) == len(few)


def test_the_plan_page_runs_the_same_queries_for_2_or_20_goals(ana, district_a):
    client = client_of(ana)
    course = activity(district_a)
    for n in range(2):
        goal(ana, text=f"Goal {n}", activities=[course])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("learning:plan-mine")).status_code == 200
    for n in range(2, 20):
        goal(ana, text=f"Goal {n}", activities=[course])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("learning:plan-mine")).status_code == 200
    assert len(many) == len(few)


def test_another_districts_exports_hold_none_of_our_plans_or_plcs(charlie, ana, ana_goal, group):
    client = charlie.client()
    plans = export_rows(client.get(reverse("learning:plans-export", args=["csv"])))
    plcs = export_rows(client.get(reverse("learning:plcs-export", args=["csv"])))
    assert plans == [plans[0]] and plcs == [plcs[0]]


def test_the_staff_page_links_to_the_plan_for_managers_only(alice, pat, ana):
    url = reverse("org:staff-detail", args=[ana.pk])
    plan_url = reverse("learning:plan", args=[ana.pk])
    assert plan_url in alice.client().get(url).content.decode()
    assert plan_url not in client_of(pat).get(url).content.decode()


def test_my_plan_and_plcs_are_in_the_main_navigation(ana):
    page = client_of(ana).get(reverse("learning:plcs")).content.decode()
    assert f'href="{reverse("learning:plan-mine")}"' in page
    assert f'href="{reverse("learning:plcs")}" aria-current="page"' in page


# --- PLCs -----------------------------------------------------------------------------------


@pytest.fixture
def group(district_a, school_a, ana):
    facilitator = person(district_a, school_a, first_name="Fay", last_name="Facilitator")
    made = plc(district_a, [ana], facilitator=facilitator, name="Coaches PLC")
    services.meeting_create(
        plc=made,
        data={"held_on": today() - dt.timedelta(days=3), "notes": "Secret-ish notes"},
        attendees=[ana],
        actor=None,
    )
    return made


def test_the_plc_list_shows_members_their_plcs_and_managers_all(
    district_a, school_a, ana, group, alice
):
    plc(district_a, [person(district_a, school_a)], name="Specialists PLC")
    mine = client_of(ana).get(reverse("learning:plcs")).content.decode()
    assert "Coaches PLC" in mine and "Specialists PLC" not in mine
    every = alice.client().get(reverse("learning:plcs")).content.decode()
    assert "Coaches PLC" in every and "Specialists PLC" in every
    rows = export_rows(client_of(ana).get(reverse("learning:plcs-export", args=["csv"])))
    assert [r[0] for r in rows] == ["name", "Coaches PLC"]


def test_others_in_the_district_see_only_name_cadence_and_members(district_a, school_a, ana, group):
    outsider = client_of(person(district_a, school_a))
    response = outsider.get(reverse("learning:plc", args=[group.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Coaches PLC" in page and "Every two weeks" in page and "Ana Alvarez" in page
    assert "Secret-ish notes" not in page and "Coaching cycles grounded" not in page
    assert (
        outsider.get(reverse("learning:meetings-export", args=[group.pk, "csv"])).status_code == 403
    )
    assert outsider.get(reverse("learning:meeting-new", args=[group.pk])).status_code == 403
    assert outsider.get(reverse("learning:plc-edit", args=[group.pk])).status_code == 403


def test_a_member_reads_the_meetings_but_does_not_record_them(ana, group):
    client = client_of(ana)
    page = client.get(reverse("learning:plc", args=[group.pk])).content.decode()
    assert "Secret-ish notes" in page and "Record a meeting" not in page
    assert client.get(reverse("learning:meeting-new", args=[group.pk])).status_code == 403
    rows = export_rows(client.get(reverse("learning:meetings-export", args=[group.pk, "csv"])))
    assert rows[1][2] == "Secret-ish notes" and rows[1][5] == "Ana Alvarez"


def test_the_facilitator_records_a_meeting_on_the_suggested_date(ana, group):
    client = client_of(group.facilitator)
    url = reverse("learning:meeting-new", args=[group.pk])
    suggested = selectors.next_meeting_on(plc=group)
    assert f'value="{suggested:%Y-%m-%d}"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "held_on": f"{today():%Y-%m-%d}",
            "agenda": "Data talk",
            "challenges": "Time",
            "successes": "Stations",
            "attendees": [ana.pk],
        },
    )
    assert response.status_code == 302
    meeting = PlcMeeting.objects.get(held_on=today())
    assert list(meeting.attendees.all()) == [ana] and meeting.successes == "Stations"


def test_a_future_meeting_with_attendance_is_refused_at_the_field(ana, group):
    client = client_of(group.facilitator)
    later = today() + dt.timedelta(days=5)
    response = client.post(
        reverse("learning:meeting-new", args=[group.pk]),
        {"held_on": f"{later:%Y-%m-%d}", "attendees": [ana.pk]},
    )
    assert response.status_code == 400
    assert "once the meeting has happened" in response.content.decode()
    assert PlcMeeting.objects.count() == 1


def test_a_manager_starts_and_edits_a_plc(alice, ana, district_a):
    client = alice.client()
    response = client.post(
        reverse("learning:plc-new"),
        {"name": "Specialists PLC", "cadence": "monthly", "members": [ana.pk], "goals": "Data"},
    )
    assert response.status_code == 302
    made = Plc.objects.get(name="Specialists PLC")
    assert list(made.members.all()) == [ana]
    response = client.post(
        reverse("learning:plc-edit", args=[made.pk]),
        {"name": "Specialists PLC", "cadence": "weekly", "members": []},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.cadence == "weekly" and not made.members.exists()
    duplicate = client.post(
        reverse("learning:plc-new"), {"name": "specialists plc", "cadence": "weekly"}
    )
    assert duplicate.status_code == 400 and "exists" in duplicate.content.decode()


def test_the_plc_page_runs_the_same_queries_for_few_or_many_meetings(alice, ana, group):
    client = alice.client()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("learning:plc", args=[group.pk]))
    for n in range(1, 30):
        services.meeting_create(
            plc=group,
            data={"held_on": today() - dt.timedelta(days=3 + 7 * n), "notes": f"Meeting {n}"},
            attendees=[ana],
            actor=None,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("learning:plc", args=[group.pk]))
    assert len(many) == len(few)


def test_the_plc_list_runs_the_same_queries_for_few_or_many(alice, district_a, school_a, ana):
    client = alice.client()
    plc(district_a, [ana], name="PLC 0")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("learning:plcs"))
    for n in range(1, 12):
        plc(district_a, [ana, person(district_a, school_a)], name=f"PLC {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("learning:plcs"))
    assert len(many) == len(few)


# --- Onboarding -----------------------------------------------------------------------------


def test_the_person_ticks_an_item_on_my_plan(ana, district_a, pat):
    made = track(district_a)
    onboarding = services.onboarding_assign(assignment=start(ana), actor=None)
    item = made.items.order_by("order").first()
    page = client_of(ana).get(reverse("learning:plan-mine")).content.decode()
    assert "Coaches (new)" in page and "Meet your principal" in page
    tick = reverse("learning:item-tick", args=[onboarding.pk, item.pk, "tick"])
    response = client_of(ana).post(tick, {"next": reverse("learning:plan-mine")})
    assert response.status_code == 302 and response["Location"] == reverse("learning:plan-mine")
    assert ItemDone.objects.get().done_by == ana.user
    # the evaluator sees the checklist but does not tick it; an odd action is not found
    assert client_of(pat).post(tick).status_code == 403
    odd = reverse("learning:item-tick", args=[onboarding.pk, item.pk, "burn"])
    assert client_of(ana).post(odd).status_code == 404
    # a second tick is a message, not an error page; an outside "next" is not followed
    again = client_of(ana).post(tick, {"next": "https://evil.example/"})
    assert again.status_code == 302 and again["Location"].startswith("/learning/plan/")
    assert ItemDone.objects.count() == 1


def test_the_managers_onboarding_list_flags_overdue_items_and_exports(alice, ana, district_a):
    track(district_a, items=(("Soon", 1), ("Later", 90)))
    services.onboarding_assign(assignment=start(ana, today() - dt.timedelta(days=10)), actor=None)
    client = alice.client()
    page = client.get(reverse("learning:onboarding")).content.decode()
    assert "Alvarez, Ana" in page and "1 overdue" in page and "0 of 2" in page
    rows = export_rows(client.get(reverse("learning:onboarding-export", args=["csv"])))
    assert rows[0] == [
        "staff_id",
        "name",
        "school",
        "track",
        "started_on",
        "done",
        "items",
        "overdue",
    ]
    assert rows[1][5:] == ["0", "2", "1"]


def test_the_onboarding_list_runs_the_same_queries_for_few_or_many(alice, district_a, school_a):
    track(district_a)
    client = alice.client()
    services.onboarding_assign(assignment=start(person(district_a, school_a)), actor=None)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("learning:onboarding"))
    for _ in range(8):
        services.onboarding_assign(assignment=start(person(district_a, school_a)), actor=None)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("learning:onboarding"))
    assert len(many) == len(few)


def test_the_track_editor_adds_edits_and_removes_items(alice, district_a):
    from trellis.learning.tests.plans_helpers import coach_role

    client = alice.client()
    coach = coach_role(district_a)
    response = client.post(
        reverse("learning:track-new"),
        {"name": "New coaches", "role_type": coach.pk, "audience": Audience.NEW},
    )
    assert response.status_code == 302
    made = selectors.track_list(district=district_a).get()
    url = reverse("learning:track", args=[made.pk])
    assert client.post(url, {"title": "Meet the principal", "due_days": 5}).status_code == 302
    bad = client.post(url, {"title": "Too late", "due_days": 400})
    assert bad.status_code == 400 and "from 0 to 365" in bad.content.decode()
    item = made.items.get()
    edit = reverse("learning:track-item-edit", args=[item.pk])
    assert client.post(edit, {"title": "Meet your principal", "due_days": 7}).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.due_days) == ("Meet your principal", 7)
    listing = client.get(reverse("learning:tracks")).content.decode()
    assert "New coaches" in listing
    client.post(reverse("learning:track-item-remove", args=[item.pk]))
    assert not made.items.exists()
