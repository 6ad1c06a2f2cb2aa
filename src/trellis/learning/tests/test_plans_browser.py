"""Learning plans, PLCs and onboarding in a real Chromium, axe on every page: a new hire's "My
plan" shows the goals from their hiring debrief and their onboarding checklist, where they tick
an item (by keyboard) and start a goal; a facilitator records a PLC meeting; and the managers'
pages are accessible."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.conftest import Persona
from trellis.core.models import Role
from trellis.factories import MembershipFactory, UserFactory
from trellis.hiring import services as hiring
from trellis.hiring.models import Candidate
from trellis.hiring.tests.helpers import hiring_setup, scored
from trellis.learning.models import Audience, ItemDone, PlanGoal, PlcMeeting
from trellis.learning.services import plans as services
from trellis.learning.tests.plans_helpers import goal, person, plc, track

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Every panelist rates parts 3 and 4 low (under the 70 % threshold); the rest are full marks.
MATRIX = [[4, 4, 2, 1, 4, 4]] * 4


def click_and_wait(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def signed_in(staff) -> Persona:
    return Persona(user=staff.user, district=staff.district)


@pytest.fixture
def new_hire(district_a, hana):
    """An external candidate hired today into a coach position (whose role has a track for
    new coaches), the debrief run, and an account for the new hire."""
    track(district_a, Audience.NEW, items=(("Meet your principal", 5), ("Shadow a coach", 20)))
    setup = hiring_setup(district_a, actor=hana.user, applicants=1)
    application = scored(setup, setup.applications[0], MATRIX)
    hiring.offer_make(application=application, actor=hana.user)
    application, _ = hiring.offer_accept(
        application=application, begin_date=timezone.localdate(), actor=hana.user
    )
    hiring.debrief_goals_create(application=application, actor=hana.user)
    staff = Candidate.objects.get(pk=application.candidate_id).staff
    user = UserFactory(username="newhire")
    MembershipFactory(user=user, district=district_a, role=Role.COACH)
    staff.user = user
    staff.save()
    return staff


@pytest.mark.browser
def test_a_new_hire_sees_the_debrief_goals_ticks_a_checklist_item_and_starts_a_goal(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, new_hire
):
    sign_in_with_session(context, signed_in(new_hire), live_server.url)
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My plan").click()
    expect(heading(page)).to_contain_text("My learning plan")
    goals = page.get_by_role("table", name="Goals for")
    expect(goals).to_contain_text("Grow in “")
    expect(goals.get_by_text("Interview debrief")).to_have_count(2)
    assert PlanGoal.objects.filter(source="debrief", plan__staff=new_hire).count() == 2
    assert_accessible(page, axe)

    # The onboarding checklist came with the assignment; tick the first item by keyboard
    checklist = page.get_by_role("table", name="Checklist: Coaches (new)")
    expect(checklist).to_contain_text("Meet your principal")
    page.get_by_role("button", name="Tick “Meet your principal”").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Ticked “Meet your principal”")
    assert ItemDone.objects.filter(onboarding__staff=new_hire).count() == 1
    expect(page.get_by_role("button", name="Undo “Meet your principal”")).to_be_visible()
    assert_accessible(page, axe)

    # Start working on the first debrief goal
    with page.expect_navigation():
        page.get_by_role("link", name="Change status of").first.click()
    expect(heading(page)).to_have_text("Change a goal's status")
    assert_accessible(page, axe)
    page.get_by_label("Change status to").select_option(label="In progress")
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("The goal is now in progress")
    assert PlanGoal.objects.filter(plan__staff=new_hire, status="active").count() == 1


@pytest.fixture
def coaches_plc(district_a, school_a):
    fay = person(district_a, school_a, role=Role.COACH, first_name="Fay", last_name="Ferreira")
    ana = person(district_a, school_a, first_name="Ana", last_name="Alvarez")
    ivo = person(district_a, school_a, first_name="Ivo", last_name="Ibsen")
    group = plc(district_a, [ana, ivo, fay], facilitator=fay, name="Coaches PLC")
    services.meeting_create(
        plc=group,
        data={"held_on": timezone.localdate() - dt.timedelta(days=14), "agenda": "Kick-off"},
        attendees=[ana, fay],
        actor=None,
    )
    return {"plc": group, "fay": fay, "ana": ana}


@pytest.mark.browser
def test_a_facilitator_records_a_plc_meeting(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, coaches_plc
):
    sign_in_with_session(context, signed_in(coaches_plc["fay"]), live_server.url)
    page.goto("/learning/plcs/")
    expect(heading(page)).to_have_text("Professional learning communities")
    assert_accessible(page, axe)
    click_and_wait(page, "Coaches PLC", role="link")
    expect(page.get_by_role("table", name="Meetings of Coaches PLC")).to_contain_text("Kick-off")
    assert_accessible(page, axe)
    click_and_wait(page, "Record a meeting", role="link")
    assert_accessible(page, axe)

    # A date a week ahead cannot carry attendance: the form says so at the field
    later = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Date").fill(f"{later:%Y-%m-%d}")
    page.get_by_label("Ana Alvarez").check()
    click_and_wait(page, "Save")
    expect(page.get_by_role("alert").first).to_contain_text("not saved")
    expect(page.get_by_text("Attendance is marked once the meeting has happened")).to_be_visible()
    assert_accessible(page, axe)

    page.get_by_label("Date").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("Agenda").fill("Share one success each")
    page.get_by_label("Notes").fill("Stations are working in grade 2.")
    page.get_by_label("Challenges").fill("Finding time during the reading block")
    page.get_by_label("Successes to share").fill("Two teachers regroup weekly")
    page.get_by_label("Ivo Ibsen").check()
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("Recorded the meeting of Coaches PLC")
    expect(page.get_by_role("table", name="Meetings of Coaches PLC")).to_contain_text(
        "Share one success each"
    )
    meeting = PlcMeeting.objects.get(held_on=timezone.localdate())
    assert sorted(s.first_name for s in meeting.attendees.all()) == ["Ana", "Ivo"]
    assert meeting.successes == "Two teachers regroup weekly"


@pytest.mark.browser
def test_the_managers_plan_plc_and_onboarding_pages_are_accessible(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
    district_a,
    school_a,
    coaches_plc,
):
    ana = coaches_plc["ana"]
    made = goal(ana, text="Plan small groups from exit tickets", source="supervisor")
    new = track(district_a)
    sign_in_with_session(context, alice, live_server.url)
    for path in (
        "/learning/plans/",
        "/learning/plans/?school=nope",
        f"/learning/plans/{ana.pk}/",
        f"/learning/plans/{ana.pk}/goals/new/",
        f"/learning/goals/{made.pk}/edit/",
        f"/learning/goals/{made.pk}/move/",
        "/learning/plcs/new/",
        f"/learning/plcs/{coaches_plc['plc'].pk}/edit/",
        "/learning/onboarding/",
        "/learning/tracks/",
        "/learning/tracks/new/",
        f"/learning/tracks/{new.pk}/",
        f"/learning/tracks/items/{new.items.first().pk}/edit/",
        "/learning/plan/",
    ):
        page.goto(path)
        expect(heading(page)).to_be_visible()
        assert_accessible(page, axe)
