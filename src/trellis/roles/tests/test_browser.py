"""Roles and positions in a real Chromium: the whole journey from a new role type to an ended
assignment, with axe on every page it visits, and the remaining roles pages checked too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.factories import StaffFactory
from trellis.roles import services
from trellis.roles.models import (
    Assignment,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    RoleLevel,
    RoleType,
    VersionStatus,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def click_and_wait(page: Page, name: str) -> None:
    """Press a button that posts a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.browser
def test_alice_builds_a_role_from_catalog_to_an_ended_assignment(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice,
    school_a, staff_a,
):  # fmt: skip
    # Given Maple Valley has a principal and a teacher, Ana Alvarez, and alice is signed in
    StaffFactory(district=alice.district, school=school_a, first_name="Pat",
                 last_name="Lindqvist", classification="principal")  # fmt: skip
    sign_in_with_session(context, alice, live_server.url)

    # When she opens the empty role catalog and adds a role type of her own
    page.goto("/roles/")
    expect(heading(page)).to_have_text("Role catalog")
    expect(page.get_by_text("The catalog is empty")).to_be_visible()
    assert_accessible(page, axe)
    page.get_by_role("link", name="Add a role type").click()
    page.get_by_label("Name").fill("Implementation specialist")
    page.get_by_label("Category").select_option(label="Instructional leadership")
    page.get_by_label("Default level").select_option(label="School")
    assert_accessible(page, axe)
    click_and_wait(page, "Save")
    expect(heading(page)).to_have_text("Implementation specialist")
    assert_accessible(page, axe)

    # And writes a job description for it
    page.get_by_role("link", name="Write a job description").click()
    page.get_by_label("Title").fill("Implementation specialist, K–5 mathematics")
    page.get_by_label("Level").select_option(label="School")
    page.get_by_label("Responsibilities").fill(
        "Coach teachers on mastery tracking\nRead class reports with teachers"
    )
    page.get_by_label("Communicating with adults").select_option(label="Essential")
    assert_accessible(page, axe)
    click_and_wait(page, "Save draft")
    expect(page.get_by_text("Version 1 · Draft")).to_be_visible()
    assert_accessible(page, axe)

    # Then publishing before a principal signs off is refused, with the reason
    click_and_wait(page, "Publish version 1")
    expect(page.get_by_role("status")).to_contain_text("A principal must sign off")
    version = JobDescriptionVersion.objects.get(number=1)
    assert version.status == VersionStatus.DRAFT

    # When she records the principal's sign-off and publishes
    page.get_by_label("Reviewer").select_option(label=_staff_label("Lindqvist", "Pat", school_a))
    page.get_by_label("Reviewing as").select_option(label="Principal")
    page.get_by_label("Decision").select_option(label="Signed off")
    click_and_wait(page, "Record review")
    expect(page.get_by_text("Signed off by Pat Lindqvist")).to_be_visible()
    click_and_wait(page, "Publish version 1")
    expect(page.get_by_text("Version 1 · Published")).to_be_visible()
    assert_accessible(page, axe)

    # And starts a second version, adds a responsibility, has it signed off and publishes it
    click_and_wait(page, "Start a new version")
    expect(page.get_by_text("Version 2 · Draft")).to_be_visible()
    page.get_by_role("link", name="Edit draft").click()
    responsibilities = page.get_by_label("Responsibilities")
    responsibilities.fill(responsibilities.input_value() + "\nLead the grade-band PLC")
    assert_accessible(page, axe)
    click_and_wait(page, "Save draft")
    page.get_by_label("Reviewer").select_option(label=_staff_label("Lindqvist", "Pat", school_a))
    click_and_wait(page, "Record review")
    click_and_wait(page, "Publish version 2")
    expect(page.get_by_text("Version 2 · Published")).to_be_visible()
    assert JobDescriptionVersion.objects.get(number=1).status == VersionStatus.RETIRED

    # Then the two versions compare side by side, the added line marked
    page.get_by_role("link", name="Compare versions").click()
    expect(heading(page)).to_contain_text("Compare versions")
    expect(page.locator("ins")).to_contain_text("Lead the grade-band PLC")
    assert_accessible(page, axe)

    # When she opens a position at Aspen Elementary from the published description
    page.goto("/positions/")
    assert_accessible(page, axe)
    page.get_by_role("link", name="Add a position").click()
    page.get_by_label("Job description").select_option(
        label="Implementation specialist, K–5 mathematics"
    )
    page.get_by_label("School:", exact=True).select_option(label=school_a.name)
    page.get_by_label("Requisition number").fill("MV-0042")
    assert_accessible(page, axe)
    click_and_wait(page, "Save")
    expect(heading(page)).to_contain_text("Open")
    assert_accessible(page, axe)

    # And fills it with Ana
    page.get_by_label("Staff member").select_option(
        label=_staff_label("Alvarez", "Ana", school_a, staff_a.staff_unique_id)
    )
    page.get_by_label("Begins").fill("2026-08-03")
    click_and_wait(page, "Assign")
    expect(heading(page)).to_contain_text("Filled")
    expect(page.get_by_role("cell", name="Ana Alvarez", exact=True)).to_be_visible()
    assert_accessible(page, axe)

    # Then ending her assignment before it began is refused at the field
    page.get_by_role("link", name="End assignment").click()
    page.get_by_label("Last day").fill("2026-07-01")
    page.get_by_label("Why it ended").select_option(label="Promoted")
    click_and_wait(page, "Save")
    expect(page.get_by_label("Last day")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("it cannot end before that")).to_be_visible()
    assert_accessible(page, axe)

    # And a real last day with a reason ends it, keeps the history and reopens the position
    page.get_by_label("Last day").fill("2027-06-30")
    click_and_wait(page, "Save")
    expect(heading(page)).to_contain_text("Open")
    expect(page.get_by_role("cell", name="Promoted", exact=True)).to_be_visible()
    assignment = Assignment.objects.get()
    assert (assignment.end_date, assignment.end_reason) == (dt.date(2027, 6, 30), "promoted")
    assert Position.objects.get().status == PositionStatus.OPEN


def _staff_label(last: str, first: str, school, staff_id: str | None = None) -> str:
    from trellis.org.models import Staff

    if staff_id is None:
        staff_id = Staff.objects.get(last_name=last, first_name=first).staff_unique_id
    return f"{last}, {first} — {school.name} ({staff_id})"


@pytest.fixture
def roles_setup(alice, school_a, staff_a):
    """A seeded catalog, a published district-level job description, a filled position."""
    district = alice.district
    services.role_types_seed(district=district, actor=alice.user)
    coordinator = RoleType.objects.get(district=district, standard_key="district_coordinator")
    job = services.job_description_create(
        district=district, role_type=coordinator, title="Personalized learning coordinator",
        data={"responsibilities": "Keep the plan consistent", "level": RoleLevel.DISTRICT},
        actor=alice.user,
    )  # fmt: skip
    version = services.version_publish(version=job.versions.get(), actor=alice.user)
    position = services.position_create(
        district=district, actor=alice.user, status=PositionStatus.OPEN,
        data={"version": version, "school": None, "requisition_number": "MV-0001",
              "fte": Decimal("1.00"), "school_year": "2026-27"},
    )  # fmt: skip
    services.assignment_create(position=position, staff=staff_a, begin_date=dt.date(2026, 8, 3),
                               actor=alice.user)  # fmt: skip
    return {"job": job, "position": position, "staff": staff_a}


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    ["/roles/?state=retired", "/roles/job-descriptions/", "/roles/org-chart/",
     "/roles/by-level/", "/positions/?status=filled", "/people/{staff}/assignments/",
     "/staff/{staff}/", "/positions/?page=abc"],
    ids=["catalog filtered", "job descriptions", "org chart", "roles by level", "board",
         "person", "staff with links", "board bad page"],
)  # fmt: skip
def test_the_other_roles_pages_are_accessible(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice,
    roles_setup, path,
):  # fmt: skip
    sign_in_with_session(context, alice, live_server.url)
    page.goto(path.format(staff=roles_setup["staff"].pk))
    assert_accessible(page, axe)


@pytest.mark.browser
def test_the_consortium_role_map_is_accessible_and_counts_districts(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, dana,
    roles_setup,
):  # fmt: skip
    sign_in_with_session(context, dana, live_server.url)
    page.goto("/consortium/roles/")
    expect(heading(page)).to_contain_text("Tri-County")
    row = page.get_by_role("row", name="District coordinator")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")  # district level: one district
    assert_accessible(page, axe)
