"""The insight pages in a real Chromium, axe on every page: alice's dashboard with every tile,
the board report with its print button, the grantee landscape sorted by award, and dana's
consortium side by side."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, main_nav, sign_in_with_session
from trellis.insights.services import grantees_load
from trellis.insights.tests import builders as build

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def maple(alice, school_a, school_b, charlie):
    """Something in every area of Maple Valley; Cedar Ridge has one open position."""
    build.positions(school_a, alice.user, filled=1, open_=2)
    build.applications(school_a, alice.user, this_year=3, screened=1, last_year=0)
    build.learning(school_a, attendees=2, certified=1, in_progress=1)
    build.grant_cliff(school_a, alice.user)
    build.coaching_log(school_a, [45, 30])
    build.rollout(school_a, alice.user, teachers_n=4, implementing=2, questions=2, done=1)
    build.retention_history(school_a)
    build.positions(school_b, charlie.user, filled=0, open_=1)
    grantees_load()


@pytest.mark.browser
def test_alice_reads_her_dashboard_prints_the_board_report_and_sorts_the_landscape(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice, maple
):
    sign_in_with_session(context, alice, live_server.url)

    # The dashboard: every tile, each a link to its area
    page.goto("/")
    expect(heading(page)).to_have_text("Maple Valley")
    tiles = page.locator(".tiles")
    for title in ("Roles", "Hiring", "Learning", "Pay and the grant cliff", "Coaching",
                  "Rollout", "Retention"):  # fmt: skip
        expect(tiles.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(page.locator("#tile-coaching")).to_contain_text("75 minutes")
    expect(page.locator("#tile-retention")).to_contain_text("50%")
    assert_accessible(page, axe)

    # The board report: its print button is there and says how to make a PDF
    with page.expect_navigation():
        page.get_by_role("link", name="Board report", exact=True).click()
    expect(heading(page)).to_contain_text("report to the board")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.get_by_text("Save as PDF")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Sustaining the roles: the grant cliff")
    ).to_be_visible()
    assert_accessible(page, axe)
    # printed (Chromium's own print to PDF, as "Save as PDF" makes it): the report, not the menu
    page.emulate_media(media="print")
    expect(main_nav(page)).to_be_hidden()
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF-") and b"/Type /Page" in pdf
    page.emulate_media(media="screen")

    # The landscape, sorted by award: the largest grants first
    with page.expect_navigation():
        main_nav(page).get_by_role("link", name="Grantee landscape", exact=True).click()
    expect(heading(page)).to_have_text("Grantee landscape")
    assert_accessible(page, axe)
    page.get_by_label("Sort by").select_option("-award")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    first = page.get_by_role("table", name="Grantees and their personalized-learning approaches, "
                             "with totals").locator("tbody tr").first  # fmt: skip
    expect(first).to_contain_text("Green River Regional Educational Cooperative")
    expect(page.get_by_role("table", name="Award and students served by grantee")).to_be_visible()
    assert_accessible(page, axe)


@pytest.mark.browser
def test_dana_sees_the_member_districts_side_by_side(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, dana, maple
):
    sign_in_with_session(context, dana, live_server.url)
    page.goto("/")
    expect(heading(page)).to_have_text("Tri-County")
    table = page.get_by_role("table", name="Member districts of Tri-County")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("Maple Valley")
    expect(table).to_contain_text("Cedar Ridge")
    expect(table.locator("tfoot")).to_contain_text("All member districts")
    assert_accessible(page, axe)
