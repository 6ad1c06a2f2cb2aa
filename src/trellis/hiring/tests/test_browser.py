"""The Carson City-style hiring flow in a real Chromium, with axe on every page it visits: HR
posts a position, three candidates apply on the public page, a four-seat panel is formed (the
rule check shows while the principal is missing), each panelist scores on their own screen
without seeing the others, the aggregate and agreement appear, one candidate is hired and the
debrief creates development goals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.conftest import Persona
from trellis.core.models import Role
from trellis.factories import MembershipFactory, StaffFactory, UserFactory
from trellis.hiring import services as hiring
from trellis.hiring.models import Application, ApplicationStatus, DevelopmentGoal, Scorecard
from trellis.roles import services as roles
from trellis.roles.models import Assignment, PositionStatus, RoleLevel, RoleType

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Each panelist's rating for every criterion of the candidate who is hired (1–4); they differ
# enough for the agreement statistic to mean something, and all rate "Reading a data-tracker
# report" low, so it becomes a development goal.
PANEL_RATINGS = {"employee": 3, "incumbent": 4, "leader": 3, "principal": 4}
DATA_PART_RATING = 1


def click_and_wait(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def panelist(district, school, first: str, last: str, classification: str, role: str):
    user = UserFactory(username=f"{first.lower()}")
    MembershipFactory(user=user, district=district, role=role)
    staff = StaffFactory(
        district=district,
        school=school,
        user=user,
        first_name=first,
        last_name=last,
        classification=classification,
    )
    return Persona(user=user, district=district), staff


@pytest.fixture
def hiring_setup(hana, alice, school_a):
    """An open implementation-specialist position at Aspen Elementary, the shipped template,
    and four would-be panelists."""
    district = hana.district
    roles.role_types_seed(district=district, actor=alice.user)
    coach = RoleType.objects.get(district=district, standard_key="instructional_strategies_coach")
    job = roles.job_description_create(
        district=district,
        role_type=coach,
        title="Implementation specialist, K–5",
        data={"responsibilities": "Coach teachers on data", "level": RoleLevel.DISTRICT},
        actor=alice.user,
    )
    version = roles.version_publish(version=job.versions.get(), actor=alice.user)
    roles.position_create(
        district=district,
        actor=alice.user,
        status=PositionStatus.OPEN,
        data={
            "version": version,
            "school": school_a,
            "requisition_number": "MV-0900",
            "fte": Decimal("1.00"),
            "school_year": "2026-27",
        },
    )
    hiring.template_seed(district=district, actor=alice.user)
    people = {
        "employee": panelist(district, None, "Dara", "Eastwood", "lea_specialist", Role.PANELIST),
        "incumbent": panelist(
            district, school_a, "Ivo", "Ngata", "instructional_coordinator", Role.COACH
        ),
        "leader": panelist(district, school_a, "Lena", "Torvik", "teacher", Role.TEACHER),
        "principal": panelist(district, school_a, "Paz", "Quintero", "principal", Role.PRINCIPAL),
    }
    return people


@pytest.mark.browser
def test_the_carson_city_flow_from_posting_to_development_goals(
    transactional_db,
    live_server,
    browser,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    hana,
    hiring_setup,
):
    people = hiring_setup
    # Given hana (HR) is signed in, when she posts the open position
    sign_in_with_session(context, hana, live_server.url)
    page.goto("/hiring/")
    assert_accessible(page, axe)
    page.get_by_role("link", name="Post a position").click()
    page.get_by_label("Position").select_option(
        label="MV-0900 Implementation specialist, K–5 — Aspen Elementary"
    )
    page.get_by_label("Title").fill("Implementation specialist, K–5 (Aspen)")
    assert_accessible(page, axe)
    click_and_wait(page, "Save")
    click_and_wait(page, "Open for applications")
    expect(heading(page)).to_contain_text("Open for applications")
    public_url = page.get_by_role("link", name="/jobs/").get_attribute("href")
    assert public_url

    # And three candidates apply on the public page, without signing in
    visitor = browser.new_context(base_url=live_server.url)
    public = visitor.new_page()
    for first, last in (("Ada", "Reyes"), ("Bo", "Sundqvist"), ("Cy", "Tamm")):
        public.goto(public_url)
        public.get_by_label("First name").fill(first)
        public.get_by_label("Last name").fill(last)
        public.get_by_label("Email").fill(f"{first.lower()}@example.org")
        public.get_by_label("How did you hear").select_option(
            label="University or preparation program"
        )
        public.get_by_label("Why this role?").fill("I coach my grade-level team.")
        if first == "Ada":
            assert_accessible(public, axe)
        with public.expect_navigation():
            public.get_by_role("button", name="Send application").click()
        expect(public.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(public, axe)
    visitor.close()
    assert Application.objects.count() == 3

    # When hana seats three panelists, the rule check says the principal is missing
    page.reload()
    seats = (
        ("employee", "District employee"),
        ("incumbent", "Someone already in the role"),
        ("leader", "Teacher-leader"),
    )
    for key, seat in seats:
        page.get_by_label("Panelist").select_option(value=str(people[key][1].pk))
        page.get_by_label("Seat").select_option(label=seat)
        click_and_wait(page, "Seat panelist")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("seat its principal")
    assert_accessible(page, axe)

    # And once Aspen's principal is seated, the panel meets its rules
    page.get_by_label("Panelist").select_option(value=str(people["principal"][1].pk))
    page.get_by_label("Seat").select_option(label="Principal of the receiving school")
    click_and_wait(page, "Seat panelist")
    expect(page.get_by_text("The panel meets the process's seat rules.")).to_be_visible()

    # And schedules the group interview for all three
    for name in ("Ada Reyes", "Bo Sundqvist", "Cy Tamm"):
        page.get_by_label(name).check()
    starts = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Starts").fill(f"{starts:%Y-%m-%d}T08:30")
    click_and_wait(page, "Schedule")
    expect(page.get_by_role("link", name="Calendar invite")).to_be_visible()
    assert_accessible(page, axe)
    ada = Application.objects.get(candidate__first_name="Ada")
    assert ada.status == ApplicationStatus.INTERVIEWING

    # Then each panelist scores Ada on their own screen and cannot see the others first
    for index, key in enumerate(("employee", "incumbent", "leader", "principal")):
        persona, _ = people[key]
        context.clear_cookies()
        sign_in_with_session(context, persona, live_server.url)
        page.goto(f"/hiring/applications/{ada.pk}/")
        if index:
            expect(page.get_by_text("Scores stay hidden until you submit your own")).to_be_visible()
            expect(page.get_by_text("panel agreement")).to_have_count(0)
        page.goto(f"/hiring/applications/{ada.pk}/score/")
        if index == 0:
            assert_accessible(page, axe)
        parts = page.locator("section.card")
        for p in range(parts.count()):
            rating = DATA_PART_RATING if p == 1 else PANEL_RATINGS[key]
            for group in parts.nth(p).locator("fieldset.rating").all():
                group.get_by_role("radio").nth(rating - 1).check()
        click_and_wait(page, "Submit my scores")
        expect(page.get_by_role("status")).to_contain_text("Submitted")
    assert Scorecard.objects.filter(application=ada).count() == 4

    # And hana sees the aggregate on the 300-point scale and the panel's agreement
    context.clear_cookies()
    sign_in_with_session(context, hana, live_server.url)
    page.goto(f"/hiring/applications/{ada.pk}/")
    expect(page.get_by_text("of 300 points")).to_be_visible()
    expect(page.get_by_text("panel agreement (Krippendorff's α)")).to_be_visible()
    expect(page.get_by_role("row", name="Reading a data-tracker report")).to_contain_text("0.0")
    assert_accessible(page, axe)

    # When she makes the offer and records the acceptance, Ada holds the position
    click_and_wait(page, "Make an offer")
    page.get_by_label("First day in the role").fill(f"{timezone.localdate():%Y-%m-%d}")
    click_and_wait(page, "Accepted")
    expect(page.get_by_role("status")).to_contain_text("now holds the position")
    assert Assignment.objects.filter(staff__last_name="Reyes", end_date__isnull=True).exists()

    # And the debrief turns the weakest part of her interview into a development goal
    click_and_wait(page, "Turn the weakest parts into development goals")
    expect(page.get_by_text("Grow in “Reading a data-tracker report”")).to_be_visible()
    assert_accessible(page, axe)
    goals = DevelopmentGoal.objects.filter(staff__last_name="Reyes")
    assert [g.component.name for g in goals] == ["Reading a data-tracker report"]


@pytest.fixture
def scored_posting(alice):
    from trellis.hiring.tests.helpers import hiring_setup, scored

    hiring_data = hiring_setup(alice.district, actor=alice.user, applicants=2)
    scored(
        hiring_data,
        hiring_data.applications[0],
        [[3, 2, 4, 3, 3, 2], [4, 2, 3, 3, 4, 2], [3, 1, 4, 2, 3, 3], [4, 2, 4, 3, 3, 2]],
    )
    return hiring_data


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        "/hiring/processes/",
        "/hiring/processes/{template}/",
        "/hiring/processes/{template}/edit/",
        "/hiring/reports/",
        "/hiring/postings/{posting}/",
        "/hiring/applications/{scored}/",
        "/hiring/postings/new/",
        "/jobs/{token}/",
        "/hiring/scorecards/{card}/correct/",
        "/hiring/processes/{template}/parts/new/",
    ],
    ids=[
        "processes",
        "process",
        "process edit",
        "reports",
        "posting",
        "scored candidate",
        "new posting",
        "public page",
        "scorecard correction",
        "new part",
    ],
)
def test_the_other_hiring_pages_are_accessible(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
    scored_posting,
    path,
):
    sign_in_with_session(context, alice, live_server.url)
    template = scored_posting.template
    if "edit" in path or "parts" in path:
        template = hiring.template_revise(template=template, actor=alice.user)
    card = Scorecard.objects.filter(application=scored_posting.applications[0]).first()
    response = page.goto(
        path.format(
            template=template.pk,
            posting=scored_posting.posting.pk,
            scored=scored_posting.applications[0].pk,
            token=scored_posting.posting.public_token,
            card=card.pk,
        )
    )
    assert response is not None and response.status == 200
    assert_accessible(page, axe)


@pytest.mark.browser
def test_a_scoring_screen_with_missing_ratings_shows_each_error_accessibly(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
):
    from trellis.hiring.tests.helpers import hiring_setup, schedule

    data = hiring_setup(alice.district, actor=alice.user, applicants=1)
    schedule(data.posting, data.applications)
    panelist = Persona(user=data.seats[0].staff.user, district=alice.district)
    sign_in_with_session(context, panelist, live_server.url)
    page.goto(f"/hiring/applications/{data.applications[0].pk}/score/")
    page.locator("fieldset.rating").first.get_by_role("radio").first.check()
    click_and_wait(page, "Submit my scores")
    expect(page.get_by_role("alert")).to_contain_text("Your scores were not submitted")
    expect(page.locator(".errorlist").first).to_be_visible()
    assert Scorecard.objects.count() == 0
    assert_accessible(page, axe)
