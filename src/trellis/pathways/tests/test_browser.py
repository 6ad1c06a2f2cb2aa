"""Career pathways in a real Chromium, axe on every page: alice defines a ladder (a dropped
certification refused first), reads a teacher's readiness with the requirement she misses,
records a coach's promotion through the roles pages and sees it in the flows and retention;
then every pathways page for an admin and for a teacher."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.core.schoolyear import school_year_of
from trellis.pathways.forms.reports import this_year
from trellis.pathways.models import Ladder
from trellis.pathways.services import standing_record
from trellis.roles.models import Assignment, EndReason, Position, PositionStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def click_and_wait(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def visit(page: Page, axe: Axe, name: str) -> None:
    """Open a section from the pathways tabs and check the page."""
    tabs = page.get_by_role("navigation", name="Pathways sections")
    with page.expect_navigation():
        tabs.get_by_role("link", name=name, exact=True).click()
    assert_accessible(page, axe)


def step(page: Page, n: int) -> Locator:
    return page.get_by_role("group", name=f"Step {n}", exact=True)


def cell(page: Page, table: str, row: str, column: int) -> Locator:
    """A table's cell: the row whose header is ``row``, the ``column``-th data cell."""
    found = (
        page.get_by_role("table", name=table)
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=row, exact=True))
    )
    return found.get_by_role("cell").nth(column)


@pytest.mark.browser
def test_define_a_ladder_read_readiness_record_a_promotion_and_see_it_in_the_reports(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice,
    catalog, people,
):  # fmt: skip
    today = timezone.localdate()
    sign_in_with_session(context, alice, live_server.url)

    # Define the ladder: teacher → coach → principal, the principal step first without the
    # certification the coach step asks for
    page.goto("/pathways/")
    expect(heading(page)).to_have_text("Career pathways")
    assert_accessible(page, axe)
    click_and_wait(page, "Start a ladder", role="link")
    assert_accessible(page, axe)
    page.get_by_label("Name:", exact=True).fill("Teacher to principal")
    step(page, 1).get_by_label("Step name").fill("Classroom teacher")
    step(page, 1).get_by_label("Staff classifications").select_option("teacher")
    step(page, 2).get_by_label("Step name").fill("Instructional coach")
    step(page, 2).get_by_label("Role types").select_option(label="Instructional coach")
    step(page, 2).get_by_label("Years on the step below").fill("2")
    step(page, 2).get_by_label("Hours of professional learning").fill("30")
    step(page, 2).get_by_label("Certifications").select_option(label="Blended learning")
    step(page, 3).get_by_label("Step name").fill("Principal")
    step(page, 3).get_by_label("Role types").select_option(label="Principal")
    step(page, 3).get_by_label("Years on the step below").fill("1")
    click_and_wait(page, "Save the ladder")
    expect(step(page, 3)).to_contain_text("would skip Blended learning")
    assert_accessible(page, axe)
    assert not Ladder.objects.exists()
    step(page, 3).get_by_label("Certifications").select_option(label="Blended learning")
    click_and_wait(page, "Save the ladder")
    expect(page.get_by_role("status")).to_contain_text("Saved the ladder Teacher to principal")
    expect(heading(page)).to_have_text("Teacher to principal")
    expect(page.get_by_role("table")).to_contain_text("Certified in Blended learning")
    assert_accessible(page, axe)

    # Tess's readiness: on the classroom step, the certification not started
    page.goto(f"/pathways/people/{people['tess'].pk}/")
    expect(heading(page)).to_contain_text("Tess Teague")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Blended learning"))
    expect(row).to_contain_text("Missing")
    expect(row).to_contain_text("Not started")
    assert_accessible(page, axe)

    # The reports before the promotion
    page.goto("/pathways/flows/")
    assert_accessible(page, axe)
    flows_table = "From (rows) and to (columns)"
    to_leader = cell(page, flows_table, "School-level role", 3)
    expect(to_leader).to_have_text("1")  # Pia, last year
    visit(page, axe, "Retention")
    after_two = cell(page, "Retention after one, two and three years", "Instructional coach", 1)
    expect(after_two).to_contain_text("2 of 2 (100%)")

    # Cody's promotion: his coaching ends two months ago, a principal's post begins next day
    ended, begins = today - dt.timedelta(days=60), today - dt.timedelta(days=59)
    principal_post = Position.objects.create(
        district=catalog["principal"].district, version=catalog["principal"].version,
        school=people["cody"].school, requisition_number="P-900",
        school_year=school_year_of(begins), status=PositionStatus.OPEN,
    )  # fmt: skip
    page.goto(f"/positions/{people['coaching'].position_id}/")
    assert_accessible(page, axe)
    click_and_wait(page, "End assignment of Cody Coates", role="link")
    assert_accessible(page, axe)
    page.get_by_label("Last day").fill(ended.isoformat())
    page.get_by_label("Why it ended").select_option(EndReason.PROMOTED)
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("Ended Cody Coates's assignment")
    page.goto(f"/positions/{principal_post.pk}/")
    page.get_by_label("Staff member").select_option(str(people["cody"].pk))
    page.get_by_label("Begins").fill(begins.isoformat())
    click_and_wait(page, "Assign")
    expect(page.get_by_role("status")).to_contain_text("Cody Coates now holds P-900")
    assert_accessible(page, axe)
    assert Assignment.objects.filter(staff=people["cody"], end_date=None).get().position_id == (
        principal_post.pk
    )

    # The promotion in the flows, retention and his own timeline
    page.goto("/pathways/flows/")
    expect(cell(page, flows_table, "School-level role", 3)).to_have_text("2")
    assert_accessible(page, axe)
    visit(page, axe, "Retention")
    expect(after_two).to_contain_text("1 of 2 (50%)")
    visit(page, axe, "Moves")
    expect(page.get_by_role("table")).to_contain_text("Cody Coates")
    page.get_by_label("Kind of move:").select_option("promotion")
    click_and_wait(page, "Show")
    expect(page.get_by_text("2 in all.")).to_be_visible()
    assert_accessible(page, axe)
    page.goto(f"/pathways/people/{people['cody'].pk}/")
    expect(page.get_by_role("table", name="Roles held and moves between them, oldest first")
           ).to_contain_text("Instructional coach → Principal")  # fmt: skip
    assert_accessible(page, axe)


@pytest.mark.browser
def test_every_pathways_page_passes_axe_for_an_admin_and_a_teacher(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice, bob,
    ladder, people,
):  # fmt: skip
    pk = ladder.pk
    standing_record(staff=people["tess"], school_year=this_year(), good=True, actor=alice.user)
    everyone = ["/pathways/", f"/pathways/ladders/{pk}/", f"/pathways/people/{people['bob'].pk}/"]
    reports = [f"/pathways/{r}/" for r in ("moves", "turnover", "retention", "pipeline", "flows")]
    reports.append("/pathways/moves/?kind=promotion&school_year=1999-00")  # an error shown
    managers = [
        "/pathways/ladders/new/",
        f"/pathways/ladders/{pk}/edit/",
        f"/pathways/ladders/{pk}/steps/2/succession/",
        f"/pathways/ladders/{pk}/steps/3/succession/",
        f"/pathways/people/{people['tess'].pk}/",
        f"/pathways/people/{people['pia'].pk}/",
    ]
    for persona, paths in ((alice, everyone + reports + managers), (bob, everyone)):
        context.clear_cookies()
        sign_in_with_session(context, persona, live_server.url)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(heading(page)).to_be_visible()
            assert_accessible(page, axe)
    # the empty states too: a district with no ladders, no history
    Ladder.objects.all().delete()
    Assignment.objects.all().delete()
    context.clear_cookies()
    sign_in_with_session(context, alice, live_server.url)
    for path in ["/pathways/", *reports]:
        page.goto(path)
        expect(page.locator(".empty").first).to_be_visible()
        assert_accessible(page, axe)
