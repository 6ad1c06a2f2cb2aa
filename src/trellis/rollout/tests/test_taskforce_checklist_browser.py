"""The taskforce and the readiness checklist in a real Chromium, axe on every page: alice seats
three members with their availability, plans a meeting at the time the finder suggests, records
it as held with attendance and notes and adds an action; then she starts the checklist, gives a
question an owner and a status, adds a note and a link as evidence, and sees the progress move.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.factories import StaffFactory
from trellis.rollout.models import Action, ChecklistItem, Evidence, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# (first name, seat, required, availability): only Wednesday 15:00-16:30 suits both required.
MEMBERS = [
    ("Pat", "Principal", True, "Mon 15:00-17:00, Wed 15:00-16:30"),
    ("Tia", "Teacher-leader", True, "Wed 15:00-17:00, Thu 14:00-16:00"),
    ("Cole", "Coach or specialist", False, "Mon 15:00-17:00, Thu 14:00-16:00"),
]


def click_and_wait(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


@pytest.fixture
def staff(district_a, school_a):
    return {
        first: StaffFactory(district=district_a, school=school_a, first_name=first,
                            last_name="Rivera")
        for first, *_ in MEMBERS
    }  # fmt: skip


def add_members(page: Page, axe: Axe, staff) -> None:
    joined = timezone.localdate() - dt.timedelta(days=30)
    for number, (first, seat, required, availability) in enumerate(MEMBERS):
        click_and_wait(page, "Add a member", role="link")
        assert_accessible(page, axe)
        page.get_by_label("Who").select_option(value=str(staff[first].pk))
        page.get_by_label("Seat").select_option(label=seat)
        if required:
            page.get_by_label("Required at every meeting").check()
        page.get_by_label("Joined on").fill(f"{joined:%Y-%m-%d}")
        if number == 0:
            # Text the parser cannot read is refused at the field first
            page.get_by_label("Availability").fill("Mondays after lunch")
            click_and_wait(page, "Save")
            expect(page.get_by_role("alert").first).to_contain_text("not saved")
            expect(page.get_by_text("is not a day and time range")).to_be_visible()
            assert_accessible(page, axe)
        page.get_by_label("Availability").fill(availability)
        click_and_wait(page, "Save")
        expect(page.get_by_role("status")).to_contain_text(f"{first} Rivera joined the taskforce")
        assert_accessible(page, axe)
    members = page.get_by_role("table", name="Current members")
    expect(members.get_by_role("row")).to_have_count(4)


@pytest.mark.browser
def test_a_manager_runs_the_taskforce_and_the_readiness_checklist(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe,
    alice, initiative, staff,
):  # fmt: skip
    sign_in_with_session(context, alice, live_server.url)
    page.goto(f"/rollout/{initiative.pk}/taskforce/")
    expect(heading(page)).to_have_text("Taskforce")
    expect(page.get_by_text("Nobody is on the taskforce yet")).to_be_visible()
    assert_accessible(page, axe)
    add_members(page, axe, staff)

    # The finder puts first the time both required members share, and plans a meeting at it
    click_and_wait(page, "Find a meeting time", role="link")
    expect(heading(page)).to_have_text("Find a meeting time")
    times = page.get_by_role("table", name="Best weekly times, best first")
    expect(times.get_by_role("row").nth(1)).to_contain_text("Wednesday 15:00–16:30")
    expect(times.get_by_role("row").nth(1)).to_contain_text("All can come")
    assert_accessible(page, axe)
    with page.expect_navigation():
        times.get_by_role("link", name="Plan a meeting at this time").first.click()
    expect(heading(page)).to_have_text("Plan a meeting")
    expect(page.get_by_label("Starts at")).to_have_value("15:00")
    assert_accessible(page, axe)
    page.get_by_label("Location").fill("Board room")
    page.get_by_label("Agenda").fill("Agree the taskforce's charge")
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("Planned the meeting of")
    assert_accessible(page, axe)
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.starts_at).strftime("%a %H:%M") == "Wed 15:00"

    # A week passes: the meeting took place yesterday, so it can be recorded
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.make_aware(dt.datetime.combine(yesterday, dt.time(15, 0)))
    )
    page.reload()
    assert_accessible(page, axe)
    click_and_wait(page, "Record as held", role="link")
    assert_accessible(page, axe)
    click_and_wait(page, "Save")  # nobody ticked yet
    expect(page.get_by_text("no one present cannot be recorded")).to_be_visible()
    assert_accessible(page, axe)
    page.get_by_label("Pat Rivera (Principal)").check()
    page.get_by_label("Tia Rivera (Teacher-leader)").check()
    page.get_by_label("Notes").fill("Agreed to meet every six weeks; Cole sent apologies.")
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("as held")
    attendance = page.get_by_role("table", name="Who came")
    expect(attendance.get_by_text("Present")).to_have_count(2)
    expect(attendance.get_by_text("Absent")).to_have_count(1)
    assert_accessible(page, axe)

    # An action from the meeting, with an owner from the staff
    click_and_wait(page, "Add an action", role="link")
    assert_accessible(page, axe)
    page.get_by_label("Action").fill("Send the charge to every principal")
    page.get_by_label("Owner").select_option(value=str(staff["Pat"].pk))
    due = timezone.localdate() + dt.timedelta(days=14)
    page.get_by_label("Due on").fill(f"{due:%Y-%m-%d}")
    click_and_wait(page, "Save")
    actions = page.get_by_role("table", name="Actions from this meeting")
    expect(actions).to_contain_text("Send the charge to every principal")
    assert_accessible(page, axe)
    assert Meeting.objects.get().status == MeetingStatus.HELD
    assert Action.objects.get().owner == staff["Pat"]

    # The taskforce page shows the held meeting and the open action
    with page.expect_navigation():
        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Taskforce"
        ).click()
    expect(page.get_by_role("table", name="Meetings, newest first")).to_contain_text("2 of 3")
    assert_accessible(page, axe)

    # The readiness checklist, started from the study's questions
    with page.expect_navigation():
        page.get_by_role("navigation", name="Initiative sections").get_by_role(
            "link", name="Readiness checklist"
        ).click()
    expect(page.get_by_text("The readiness checklist has not been started")).to_be_visible()
    assert_accessible(page, axe)
    click_and_wait(page, "Start the checklist from the study's 22 questions")
    expect(page.get_by_role("status")).to_contain_text("22 of the study's questions")
    expect(page.get_by_text("0 of the 22 questions that apply")).to_be_visible()
    assert_accessible(page, axe)

    # A question gets an owner and a status, a note and a link
    first = ChecklistItem.objects.filter(initiative=initiative).order_by("order").first()
    click_and_wait(page, first.text, role="link")
    expect(heading(page)).to_have_text(first.text)
    assert_accessible(page, axe)
    page.get_by_label("Owner").select_option(value=str(staff["Tia"].pk))
    page.get_by_label("Status").select_option(label="Done")
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("Saved the question")
    assert_accessible(page, axe)
    page.get_by_role("textbox", name="Note").fill("The board adopted the vision on May 4.")
    click_and_wait(page, "Add the note")
    expect(page.get_by_role("status")).to_contain_text("Added the note")
    assert_accessible(page, axe)
    page.get_by_label("Web address").fill("ftp://files.example.org/vision.pdf")
    click_and_wait(page, "Add the link")
    expect(page.get_by_role("alert")).to_contain_text("was not added")
    assert_accessible(page, axe)
    page.get_by_label("Web address").fill("https://example.org/vision")
    page.get_by_label("What the link shows").fill("The published vision")
    click_and_wait(page, "Add the link")
    evidence = page.get_by_role("table", name="Evidence for this question")
    expect(evidence.get_by_role("link", name="The published vision")).to_be_visible()
    expect(evidence).to_contain_text("The board adopted the vision on May 4.")
    assert_accessible(page, axe)
    assert Evidence.objects.filter(item=first).count() == 2

    # Back on the checklist, the progress has moved
    with page.expect_navigation():
        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Readiness checklist"
        ).click()
    expect(page.get_by_text("1 of the 22 questions that apply")).to_be_visible()
    expect(page.get_by_label("Recommendation 1: 1 of 4 done")).to_be_visible()
    questions = page.get_by_role("table", name="Questions for recommendation 1")
    expect(questions.get_by_role("row").nth(1)).to_contain_text("Tia Rivera")
    assert_accessible(page, axe)


@pytest.fixture
def running(alice, bob, district_a, school_a, initiative, staff):
    """A taskforce with alice on it, a held meeting with an action, a planned one, and the
    checklist started with a note on its first question."""
    from trellis.rollout.services import checklist, taskforce

    me = StaffFactory(district=district_a, school=school_a, user=alice.user, first_name="Alice")
    joined = timezone.localdate() - dt.timedelta(days=30)
    members = [
        taskforce.member_save(initiative=initiative, actor=alice.user,
                              data={"staff": person, "seat": "other", "joined_on": joined})
        for person in (me, *staff.values())
    ]  # fmt: skip
    held = taskforce.meeting_schedule(initiative=initiative, actor=alice.user, data={
        "starts_at": timezone.now() - dt.timedelta(days=2), "minutes": 60})  # fmt: skip
    taskforce.meeting_record(meeting=held, present=members[:2], notes="Kick-off", actor=alice.user)
    taskforce.action_add(initiative=initiative, text="Write the charge", owner=me,
                         due_on=timezone.localdate(), meeting=held, actor=alice.user)  # fmt: skip
    planned = taskforce.meeting_schedule(initiative=initiative, actor=alice.user, data={
        "starts_at": timezone.now() + dt.timedelta(days=9), "minutes": 60})  # fmt: skip
    checklist.checklist_start(initiative=initiative, actor=alice.user)
    item = ChecklistItem.objects.filter(initiative=initiative).order_by("order").first()
    checklist.evidence_add(item=item, kind="note", text="Minutes", actor=alice.user)
    return {"members": members, "held": held, "planned": planned, "item": item}


@pytest.mark.browser
def test_every_other_taskforce_and_checklist_page_passes_axe(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe,
    alice, bob, initiative, running,
):  # fmt: skip
    pk, member, item = initiative.pk, running["members"][1], running["item"]
    pages = [
        (alice, [
            f"/rollout/{pk}/taskforce/", f"/rollout/{pk}/taskforce/members/",
            f"/rollout/{pk}/taskforce/actions/", f"/rollout/{pk}/taskforce/availability/",
            f"/rollout/{pk}/taskforce/meeting-times/?minutes=45",
            f"/rollout/{pk}/taskforce/meeting-times/?minutes=abc",
            f"/rollout/taskforce/members/{member.pk}/edit/",
            f"/rollout/taskforce/members/{member.pk}/leave/",
            f"/rollout/taskforce/meetings/{running['held'].pk}/",
            f"/rollout/taskforce/meetings/{running['planned'].pk}/",
            f"/rollout/taskforce/meetings/{running['planned'].pk}/edit/",
            f"/rollout/taskforce/meetings/{running['held'].pk}/record/",
            f"/rollout/{pk}/checklist/", f"/rollout/{pk}/checklist/questions/new/?recommendation=2",
            f"/rollout/checklist/questions/{item.pk}/",
        ]),
        (bob, [
            f"/rollout/{pk}/taskforce/", f"/rollout/{pk}/taskforce/meeting-times/",
            f"/rollout/taskforce/meetings/{running['held'].pk}/", f"/rollout/{pk}/checklist/",
            f"/rollout/checklist/questions/{item.pk}/",
        ]),
    ]  # fmt: skip
    for person, paths in pages:
        context.clear_cookies()
        sign_in_with_session(context, person, live_server.url)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(heading(page)).to_be_visible()
            assert_accessible(page, axe)
