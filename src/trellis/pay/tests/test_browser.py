"""Pay in a real Chromium, axe on every page: edit a schedule, set a position's terms and
funding split, see the projection and the cliff, compare two scenarios, and ask what to keep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.pay import services
from trellis.pay.models import FundingSplit, PayTerms, ScheduleCell
from trellis.pay.tests.helpers import GRID, coach_positions, upload
from trellis.roles.models import RoleType

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
D = Decimal


def click_and_wait(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.fixture
def pay_setup(hana, alice, school_a):
    district = hana.district
    schedule, _ = services.schedule_import(
        district=district, school_year="2026-27", upload=upload(GRID), actor=alice.user
    )
    positions = coach_positions(district, school_a, alice.user, 2, prefix="MV-")
    coach = RoleType.objects.get(district=district, standard_key="instructional_strategies_coach")
    grant = services.source_create(
        district=district,
        actor=alice.user,
        data={
            "name": "RTT-D grant",
            "kind": "grant",
            "starts_on": dt.date(2024, 7, 1),
            "ends_on": dt.date(2027, 6, 30),
        },
    )
    general = services.source_create(
        district=district, actor=alice.user, data={"name": "General fund", "kind": "general"}
    )
    services.splits_save(
        position=positions[1], school_year="2026-27", actor=alice.user, splits={grant: D("100")}
    )
    services.scenario_create(
        district=district,
        actor=alice.user,
        name="Coaches at 10.5 months",
        changes=[{"kind": "contract_months", "role_type": coach, "months": D("10.5")}],
    )
    services.scenario_create(
        district=district,
        actor=alice.user,
        name="Coaches to the general fund",
        changes=[{"kind": "to_fund", "role_type": coach, "source": general}],
    )
    return {"schedule": schedule, "positions": positions, "grant": grant, "general": general}


@pytest.mark.browser
def test_hr_edits_pay_sees_the_cliff_compares_scenarios_and_chooses_what_to_keep(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    hana,
    pay_setup,
):
    sign_in_with_session(context, hana, live_server.url)
    page.goto("/pay/")
    expect(heading(page)).to_have_text("Pay and sustainability")
    assert_accessible(page, axe)

    # Edit a schedule cell
    page.get_by_role("link", name="Teacher salary schedule 2026-27").click()
    assert_accessible(page, axe)
    page.get_by_label("Step 2, MA").fill("47500")
    click_and_wait(page, "Save the schedule")
    expect(page.get_by_role("status")).to_contain_text("Saved the 2026-27 schedule")
    assert ScheduleCell.objects.get(step=2, lane="MA").amount == D("47500.00")

    # Set a position's terms (an 11-month coach with a stipend) and its funding split
    position = pay_setup["positions"][0]
    page.goto(f"/pay/positions/{position.pk}/")
    assert_accessible(page, axe)
    page.get_by_label("School-year stipend").fill("3000")
    page.get_by_label("Contract extension (months)").fill("1")
    page.get_by_label("Budget lane").fill("MA")
    page.get_by_label("Priority").fill("5")
    click_and_wait(page, "Save terms")
    expect(page.get_by_role("status")).to_contain_text("Saved the pay terms")
    page.get_by_label("RTT-D grant (%)").fill("60")
    page.get_by_label("General fund (%)").fill("30")
    click_and_wait(page, "Save the split")
    expect(page.get_by_role("alert")).to_contain_text("add to 90 %")
    assert_accessible(page, axe)
    page.get_by_label("General fund (%)").fill("40")
    click_and_wait(page, "Save the split")
    assert PayTerms.objects.get(position=position).extension_months == D("1")
    assert FundingSplit.objects.filter(position=position).count() == 2

    # The projection shows the cliff when the grant ends in June 2027
    page.goto("/pay/projection/?years=4&cola=2")
    expect(page.get_by_text("when RTT-D grant ends")).to_contain_text("from 2027-28")
    assert_accessible(page, axe)

    # Two scenarios beside the baseline
    page.get_by_label("Compare “Coaches at 10.5 months”").check()
    page.get_by_label("Compare “Coaches to the general fund”").check()
    click_and_wait(page, "Project")
    table = page.get_by_role("table", name="Total and unfunded cost per year")
    expect(table).to_contain_text("Coaches at 10.5 months: total")
    expect(table).to_contain_text("Coaches to the general fund: unfunded")
    assert_accessible(page, axe)

    # What to keep after the grant, within a budget for one of the two
    page.goto("/pay/keep/")
    page.get_by_label("Yearly budget after the grant").fill("60000")
    page.get_by_label("For the school year").fill("2027-28")
    click_and_wait(page, "Choose")
    expect(page.get_by_role("list", name="The choice")).to_contain_text("1 positions kept")
    kept = page.get_by_role("heading", name="Kept").locator("xpath=following-sibling::div[1]")
    expect(kept).to_contain_text("MV-0")  # priority 5 beats the default 3
    assert_accessible(page, axe)


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        "/pay/board/",
        "/pay/schedules/{schedule}/copy/",
        "/pay/sources/new/",
        "/pay/schedules/import/",
        "/pay/scenarios/new/",
        "/pay/keep/?budget=abc",
        "/pay/mine/",
        "/pay/projection/?years=0",
    ],
    ids=[
        "board",
        "copy",
        "new source",
        "import",
        "new scenario",
        "keep bad budget",
        "my pay",
        "projection bad years",
    ],
)
def test_the_other_pay_pages_are_accessible(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    hana,
    pay_setup,
    path,
):
    sign_in_with_session(context, hana, live_server.url)
    page.goto(path.format(schedule=pay_setup["schedule"].pk))
    assert_accessible(page, axe)


@pytest.mark.browser
def test_the_consortium_average_schedule_is_accessible(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    dana,
    pay_setup,
):
    sign_in_with_session(context, dana, live_server.url)
    page.goto("/consortium/schedule/?year=2026-27")
    expect(heading(page)).to_contain_text("average schedule 2026-27")
    assert_accessible(page, axe)
