"""The initiative in a real Chromium, axe on every page: alice starts an initiative, writes and
publishes the vision, a principal tailors it for her school, alice builds a three-cohort rollout
with the suggested pilot, and each teacher's amnesty year shows on the amnesty list and their
staff page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.conftest import Persona
from trellis.factories import MembershipFactory, SchoolFactory, StaffFactory, UserFactory
from trellis.org.models import AcademicSubject, StaffClassification
from trellis.rollout.models import (
    Amnesty,
    CohortMember,
    GradeBand,
    Initiative,
    SchoolVision,
    VisionStatus,
)
from trellis.rollout.services import cohorts as plan
from trellis.rollout.services import initiative as services
from trellis.rollout.services.cohorts import volunteer_add
from trellis.rollout.tests.test_plan import year

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def click_and_wait(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def visit(page: Page, axe: Axe, name: str) -> None:
    """Open a section from the initiative's tabs and check the page."""
    tabs = page.get_by_role("navigation", name="Initiative sections")
    with page.expect_navigation():
        tabs.get_by_role("link", name=name, exact=True).click()
    assert_accessible(page, axe)


@pytest.fixture
def district(district_a):
    """Four schools of ten teachers (40), half ELA and half math."""
    schools = [SchoolFactory(district=district_a, name=f"{n} Elementary")
               for n in ("Aspen", "Birch", "Cottonwood", "Juniper")]  # fmt: skip
    teachers = []
    for school in schools:
        for n in range(10):
            subject = AcademicSubject.ELA if n % 2 else AcademicSubject.MATH
            teachers.append(StaffFactory(district=district_a, school=school,
                                         classification=StaffClassification.TEACHER,
                                         academic_subject=subject))  # fmt: skip
    return schools, teachers


@pytest.mark.browser
def test_vision_school_tailoring_three_cohorts_with_the_suggested_pilot_and_amnesty(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice, district
):
    schools, teachers = district
    sign_in_with_session(context, alice, live_server.url)

    # Start the initiative
    page.goto("/rollout/")
    expect(heading(page)).to_have_text("Rollout")
    assert_accessible(page, axe)
    click_and_wait(page, "Start an initiative", role="link")
    assert_accessible(page, axe)
    page.get_by_label("Name").fill("Blended learning in every classroom")
    page.get_by_label("Blended learning").check()
    page.get_by_label("Mastery / competency-based").check()
    page.get_by_label("First school year").select_option(year(-1))
    page.get_by_label("Last school year").select_option(year(1))
    click_and_wait(page, "Save")
    expect(heading(page)).to_have_text("Blended learning in every classroom")
    assert_accessible(page, axe)
    initiative = Initiative.objects.get()

    # Write the vision, see a bad pillar refused at the field, then publish it
    visit(page, axe, "Vision")
    click_and_wait(page, "Write the vision", role="link")
    page.get_by_label("Statement").fill("Every child learns at the pace that fits them.")
    page.get_by_label("Pillars").fill("Student agency: students set goals\n: a line with no title")
    click_and_wait(page, "Save")
    expect(page.get_by_text("Line 2 has a description but no title.")).to_be_visible()
    assert_accessible(page, axe)
    page.get_by_label("Pillars").fill("Student agency: students set goals\nMastery: move on "
                                      "when ready")  # fmt: skip
    click_and_wait(page, "Save")
    expect(heading(page)).to_contain_text("Vision, version 1")
    assert_accessible(page, axe)
    click_and_wait(page, "Publish version 1")
    expect(page.get_by_role("status")).to_contain_text("Version 1 is now the district's vision")
    assert_accessible(page, axe)
    assert initiative.visions.get().status == VisionStatus.PUBLISHED

    # Aspen's principal tailors it for her school
    principal = UserFactory(username="priya")
    MembershipFactory(user=principal, district=schools[0].district, role="principal")
    StaffFactory(district=schools[0].district, school=schools[0], user=principal,
                 classification=StaffClassification.PRINCIPAL)  # fmt: skip
    context.clear_cookies()
    sign_in_with_session(context, Persona(principal, schools[0].district), live_server.url)
    page.goto(f"/rollout/{initiative.pk}/vision/")
    assert_accessible(page, axe)
    click_and_wait(page, "Aspen Elementary", role="link")
    assert_accessible(page, axe)
    page.get_by_label("Tailored for the school").check()
    page.get_by_label("The school's version").fill("At Aspen every child sets a weekly goal.")
    page.get_by_label("How the school decided").fill("Staff meeting vote")
    click_and_wait(page, "Save the school's answer")
    expect(page.get_by_role("status")).to_contain_text("Recorded Aspen Elementary's vision")
    expect(page.get_by_text("At Aspen every child sets a weekly goal.")).to_be_visible()
    assert_accessible(page, axe)
    assert SchoolVision.objects.get().mode == "tailored"

    # Back as alice: three phases, a pilot of 10 % from the volunteers, two more cohorts
    for n, person in enumerate(teachers[::2]):  # twenty volunteers, five in each school
        volunteer_add(initiative=initiative, staff=person, actor=alice.user,
                      grade_band=GradeBand.K2 if n % 2 else GradeBand.G35,
                      content_area=person.academic_subject)  # fmt: skip
    context.clear_cookies()
    sign_in_with_session(context, alice, live_server.url)
    page.goto(f"/rollout/{initiative.pk}/plan/")
    assert_accessible(page, axe)
    for name, school_year, share, pilot in (("Pilot", year(-1), "10", True),
                                            ("Second cohort", year(0), "50", False),
                                            ("Everyone", year(1), "100", False)):  # fmt: skip
        click_and_wait(page, "Add a phase", role="link")
        page.get_by_label("Name").fill(name)
        page.get_by_label("School year").select_option(school_year)
        page.get_by_label("Target share of teachers (%)").fill("120" if pilot else share)
        page.get_by_label("The pilot").set_checked(pilot)
        click_and_wait(page, "Save")
        if pilot:  # a share over 100 % is refused at the field
            expect(page.get_by_text("at most 100")).to_be_visible()
            assert_accessible(page, axe)
            page.get_by_label("Target share of teachers (%)").fill(share)
            click_and_wait(page, "Save")
        expect(page.get_by_role("status")).to_contain_text(f"Saved the phase {name}")
    assert_accessible(page, axe)
    for name, phase in (("Pilot cohort", "Pilot"), ("Second cohort", "Second cohort"),
                        ("Everyone else", "Everyone")):  # fmt: skip
        page.goto(f"/rollout/{initiative.pk}/plan/")
        click_and_wait(page, "Add a cohort", role="link")
        page.get_by_label("Name").fill(name)
        phase_year = initiative.phases.get(name=phase).school_year
        page.get_by_label("Phase").select_option(label=f"{phase} ({phase_year})")
        click_and_wait(page, "Save")
        expect(heading(page)).to_have_text(name)
        if name == "Pilot cohort":
            assert_accessible(page, axe)
            click_and_wait(page, "Suggest a pilot from the volunteers", role="link")
            assert_accessible(page, axe)
            expect(page.get_by_role("table", name="By school")).to_contain_text("Juniper")
            click_and_wait(page, "Add these 4 teachers to Pilot cohort")
            expect(page.get_by_role("status")).to_contain_text("Added 4 teachers to Pilot cohort")
        elif name == "Second cohort":
            ids = "\n".join(t.staff_unique_id for t in teachers[1:33:2][:16])
            page.get_by_label("Teachers' staff ids").fill(ids + "\nNOPE-9")
            click_and_wait(page, "Add to Second cohort")
            expect(
                page.get_by_text("No current staff member has the staff id NOPE-9")
            ).to_be_visible()
            assert_accessible(page, axe)
            page.get_by_label("Teachers' staff ids").fill(ids)
            page.get_by_label("How they joined").select_option("assigned")
            click_and_wait(page, "Add to Second cohort")
            expect(page.get_by_role("status")).to_contain_text("Added 16 teachers")
        else:
            click_and_wait(page, "Add them")
            expect(page.get_by_role("status")).to_contain_text("Added 20 teachers")
        assert_accessible(page, axe)
    pilot_schools = CohortMember.objects.filter(phase__is_pilot=True).values("staff__school")
    assert pilot_schools.distinct().count() == 4
    assert CohortMember.objects.count() == 40

    # The plan's checks and progress, then each teacher's amnesty year
    page.goto(f"/rollout/{initiative.pk}/")
    visit(page, axe, "Rollout plan")
    expect(page.get_by_text("The pilot reaches all 4 schools.")).to_be_visible()
    visit(page, axe, "Progress")
    visit(page, axe, "Amnesty")
    expect(page.get_by_role("table", name="Teachers and their amnesty year")).to_contain_text(
        year(-1)
    )
    page.get_by_label("School year:").select_option(year(0))
    click_and_wait(page, "Show")
    expect(page.get_by_text("16 in all.")).to_be_visible()
    assert_accessible(page, axe)
    second = Amnesty.objects.filter(school_year=year(0)).select_related("staff").first()
    assert second is not None
    page.goto(f"/staff/{second.staff_id}/")
    expect(page.get_by_text(f"Evaluation amnesty {year(0)}")).to_be_visible()
    assert_accessible(page, axe)
    page.goto(f"/rollout/{initiative.pk}/board/")
    expect(heading(page)).to_contain_text("the plan on one page")
    assert_accessible(page, axe)


@pytest.mark.browser
def test_every_initiative_and_plan_page_passes_axe_for_a_manager_and_a_teacher(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice, bob,
    district,
):  # fmt: skip
    schools, teachers = district
    initiative = services.initiative_create(district=schools[0].district, actor=alice.user, data={
        "name": "Every classroom", "approaches": ["blended"], "first_year": year(-1),
        "last_year": year(1)})  # fmt: skip
    draft = services.vision_draft_save(initiative=initiative, statement="Every child.",
                                       pillars=[{"title": "Agency", "description": ""}],
                                       actor=alice.user)  # fmt: skip
    services.vision_publish(version=draft, actor=alice.user)
    pilot = plan.phase_save(
        initiative=initiative,
        actor=alice.user,
        data={"name": "Pilot", "school_year": year(-1), "target_share": 10, "is_pilot": True},
    )
    cohort = plan.cohort_save(
        initiative=initiative,
        actor=alice.user,
        data={"name": "Pilot cohort", "phase": pilot, "notes": ""},
    )
    plan.members_add(cohort=cohort, staff=teachers[::10], source="assigned", actor=alice.user)
    volunteer_add(initiative=initiative, staff=teachers[1], actor=alice.user,
                  grade_band=GradeBand.K2, content_area=AcademicSubject.ELA)  # fmt: skip
    StaffFactory(district=schools[0].district, school=schools[0], user=bob.user)
    pages = [f"/rollout/{initiative.pk}/{p}" for p in (
        "", "vision/", "vision/1/", "plan/", "progress/", "amnesty/", "volunteers/", "board/",
        f"vision/schools/{schools[1].pk}/")]  # fmt: skip
    manager_pages = [
        f"/rollout/{initiative.pk}/{p}"
        for p in (
            "edit/",
            "vision/draft/",
            "plan/phases/new/",
            f"plan/phases/{pilot.pk}/edit/",
            "plan/cohorts/new/",
            f"plan/cohorts/{cohort.pk}/edit/",
        )
    ] + [
        "/rollout/new/",
        f"/rollout/cohorts/{cohort.pk}/",
        f"/rollout/cohorts/{cohort.pk}/suggest/",
    ]
    for persona, paths in (
        (alice, ["/rollout/", *pages, *manager_pages]),
        (
            bob,
            [
                "/rollout/",
                *pages,
                f"/rollout/cohorts/{cohort.pk}/",
                f"/rollout/{initiative.pk}/volunteer/",
            ],
        ),
    ):
        context.clear_cookies()
        sign_in_with_session(context, persona, live_server.url)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(heading(page)).to_be_visible()
            assert_accessible(page, axe)
