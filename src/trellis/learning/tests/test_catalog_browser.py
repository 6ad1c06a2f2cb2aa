"""The catalog in a real Chromium, axe on every page: a manager marks attendance on a session
(a bad line first, then the fix), the last requirement completes, and the teacher shows as
certified on the program page and on their own "My learning"."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.learning.models import Candidacy, Enrolment
from trellis.learning.services import catalog as services
from trellis.learning.tests.catalog_helpers import (
    D,
    days,
    enrol,
    make_activity,
    make_program,
    make_session,
    make_teacher,
    walkthrough,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def click_and_wait(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.fixture
def learning_setup(alice, bob, school_a):
    """Bob, a candidate for the ELA specialist certification with his walkthrough done, is
    enrolled with Ana in a foundations session held two days ago; only attendance is missing."""
    district = alice.district
    foundations = make_activity(district, "Blended-learning foundations", hours=D("6"),
                                capacity=30)  # fmt: skip
    program = make_program(district, activity=foundations, hours=None, walkthroughs="1")
    bob_staff = make_teacher(district, school_a, user=bob.user, first_name="Bob",
                             last_name="Castle", academic_subject="ela")  # fmt: skip
    ana = make_teacher(district, school_a, first_name="Ana", last_name="Alvarez")
    candidacy = services.candidacy_create(program=program, staff=bob_staff, started_on=days(-30),
                                          cohort="2026-27 cohort", actor=alice.user)  # fmt: skip
    walkthrough(candidacy, days(-10))
    session = make_session(foundations, days(-2), location="Aspen Elementary library")
    enrol(session, bob_staff, ana)
    upcoming = make_session(foundations, days(12))
    enrol(upcoming, ana)
    return {"program": program, "session": session, "upcoming": upcoming,
            "candidacy": candidacy, "bob": bob_staff, "ana": ana,
            "activity": foundations}  # fmt: skip


@pytest.mark.browser
def test_attendance_completes_a_certification_seen_by_the_manager_and_the_teacher(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
    bob,
    learning_setup,
):
    sign_in_with_session(context, alice, live_server.url)
    page.goto("/learning/")
    expect(heading(page)).to_have_text("Professional learning")
    expect(page.get_by_role("heading", name="Initial training coverage")).to_be_visible()
    assert_accessible(page, axe)

    # The manager opens the session and marks attendance; a typo is refused at its row
    session = learning_setup["session"]
    page.goto(f"/learning/sessions/{session.pk}/")
    assert_accessible(page, axe)
    expect(page.get_by_label("Bob Castle attended")).to_be_checked()
    page.get_by_label("Hours for Ana Alvarez").fill("60")
    click_and_wait(page, "Save attendance")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_label("Hours for Ana Alvarez")).to_have_accessible_description(
        "Line 1, Ana Alvarez: 60 hours is more than the 6 hours “Blended-learning foundations” "
        "credits."
    )
    assert_accessible(page, axe)
    assert not Enrolment.objects.filter(attended__isnull=False).exists()

    page.get_by_label("Hours for Ana Alvarez").fill("4.5")
    click_and_wait(page, "Save attendance")
    expect(page.get_by_role("status")).to_contain_text("Saved attendance: 2 changed")
    expect(page.get_by_role("status")).to_contain_text("Bob Castle is now certified")
    assert Candidacy.objects.get(pk=learning_setup["candidacy"].pk).certified_on == days(-2)

    # The program page shows Bob certified, among the counts by school and cohort
    page.goto(f"/learning/certifications/{learning_setup['program'].pk}/")
    row = page.get_by_role("row", name="Castle, Bob")
    expect(row).to_contain_text(f"Certified {days(-2):%Y-%m-%d}")
    expect(page.get_by_role("table", name="By cohort")).to_contain_text("2026-27 cohort")
    assert_accessible(page, axe)

    # Bob sees it on his own "My learning", with his hours
    context.clear_cookies()
    sign_in_with_session(context, bob, live_server.url)
    page.goto("/learning/mine/")
    expect(heading(page)).to_have_text("My learning")
    certifications = page.get_by_role("region", name="Blended-learning specialist (ELA)")
    expect(certifications).to_contain_text(f"Certified {days(-2):%Y-%m-%d}")
    assert_accessible(page, axe)

    # ...and enrols himself in the next session with the keyboard
    page.goto(f"/learning/sessions/{learning_setup['upcoming'].pk}/")
    page.get_by_role("button", name="Enrol me").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You are enrolled")
    assert_accessible(page, axe)


MANAGER_PAGES = {
    "catalog": "/learning/activities/",
    "catalog filtered": "/learning/activities/?element=ongoing&offered=1",
    "activity": "/learning/activities/{activity}/",
    "new activity": "/learning/activities/new/",
    "new activity with errors": None,  # posted below
    "new session": "/learning/activities/{activity}/sessions/new/",
    "sign-in sheet": "/learning/sessions/{session}/sign-in/",
    "hours": "/learning/hours/",
    "person": "/learning/people/{ana}/",
    "certifications": "/learning/certifications/",
    "new program": "/learning/certifications/new/",
    "new requirement": "/learning/certifications/{program}/requirements/new/",
    "new candidate": "/learning/certifications/{program}/candidates/new/",
    "school's teachers": "/learning/certifications/{program}/candidates/school/",
    "candidacy": "/learning/candidacies/{candidacy}/",
    "upcoming session": "/learning/sessions/{upcoming}/",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(MANAGER_PAGES))
def test_the_other_learning_pages_are_accessible(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
    learning_setup,
    name,
):
    sign_in_with_session(context, alice, live_server.url)
    ids = {k: getattr(v, "pk", v) for k, v in learning_setup.items()}
    if name == "new activity with errors":
        page.goto("/learning/activities/new/")
        page.get_by_label("Title").fill("Summer institute")
        page.get_by_label("Hours:", exact=True).fill("900")
        click_and_wait(page, "Save")
        expect(page.get_by_role("alert").first).to_contain_text("not saved")
    else:
        page.goto(MANAGER_PAGES[name].format(**ids))
    assert_accessible(page, axe)


@pytest.mark.browser
def test_a_teachers_view_of_the_catalog_is_accessible(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, bob,
    learning_setup,
):  # fmt: skip
    sign_in_with_session(context, bob, live_server.url)
    for path in ("/learning/", f"/learning/certifications/{learning_setup['program'].pk}/",
                 f"/learning/candidacies/{learning_setup['candidacy'].pk}/",
                 f"/learning/sessions/{learning_setup['session'].pk}/"):  # fmt: skip
        page.goto(path)
        expect(heading(page)).to_be_visible()
        assert_accessible(page, axe)
