"""Coach assignment in a real Chromium, axe on every page: a coaching manager runs the proposal,
changes one pair (a refused one first), approves, and sees the caseloads."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.coaching.models import Relationship
from trellis.coaching.tests.test_assignment import BEGIN, YEAR, World

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Manager:
    def __init__(self, world: World) -> None:
        self.user = world.manager

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


def click_and_wait(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.browser
def test_a_manager_runs_the_proposal_changes_a_pair_approves_and_sees_the_caseloads(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe
):
    world = World()
    sign_in_with_session(context, Manager(world), live_server.url)
    page.goto("/coaching/caseloads/")
    page.get_by_role("link", name="Propose next year's caseloads").click()
    expect(heading(page)).to_have_text("Coach assignment")
    assert_accessible(page, axe)

    # The coaches and their capacity
    page.get_by_role("link", name="Coaches and their capacity (2)").click()
    expect(page.get_by_role("table")).to_contain_text("Oak")  # Ada taught there
    assert_accessible(page, axe)
    page.go_back()

    # Run the proposal (at once here; a worker runs it beside the web server)
    page.get_by_label("School year").select_option(YEAR)
    page.get_by_label("Coaching starts").fill(f"{BEGIN:%Y-%m-%d}")
    click_and_wait(page, "Run the proposal")
    expect(heading(page)).to_have_text(f"Coach assignment for {YEAR}")
    expect(page.get_by_text("4 of 5", exact=True)).to_be_visible()
    kim = page.get_by_role("row").filter(has_text="Kim Teacher")
    expect(kim).to_contain_text(
        "The coaches who could take them (Ada Stone) taught at their school."
    )
    assert_accessible(page, axe)

    # Moving Kim to Ada is refused (she taught at Kim's school); Max goes without a coach
    kim.get_by_role("link", name="Change Kim Teacher's coach").click()
    page.get_by_label("Coach").select_option(label="Ada Stone")
    click_and_wait(page, "Save")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("flagged at hire")).to_be_visible()
    assert_accessible(page, axe)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Change Max Teacher's coach").click()
    page.get_by_label("Coach").select_option(label="No coach this year")
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("Max Teacher's coach changed")
    max_row = page.get_by_role("row").filter(has_text="Max Teacher")
    expect(max_row).to_contain_text("No coach")
    expect(max_row).to_contain_text("changed")

    # Approve, and the caseloads show the new pairs
    click_and_wait(page, "Approve and open the coaching relationships")
    expect(heading(page)).to_have_text("Coach caseloads")
    expect(page.get_by_role("status")).to_contain_text("2 coaching relationships opened")
    table = page.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="Ada Stone")).to_contain_text("2")
    expect(table.get_by_role("row").filter(has_text="Ben Ortiz")).to_contain_text("1")
    assert_accessible(page, axe)
    assert set(
        Relationship.objects.filter(end_date__isnull=True).values_list(
            "teacher__first_name", "coach__first_name"
        )
    ) == {("Lee", "Ben"), ("Noa", "Ada"), ("Oli", "Ada")}
