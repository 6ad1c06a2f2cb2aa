"""The communications plan and a content provider review in a real Chromium, axe on every page:
alice plans two communications, ticks one off and records a feedback session; then she starts
a review of two providers, two committee teachers score them on their own sheets, and she
recommends one, decides the purchase, opens the year-one re-review, records the teachers'
feedback with a renewal and closes the review."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.conftest import Persona
from trellis.rollout.models import Communication, FeedbackSession, ProviderReview, ReviewStatus
from trellis.rollout.tests.test_providers import teacher_with_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TODAY = timezone.localdate()


def click_and_wait(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def visit(page: Page, axe: Axe, name: str, role: str = "link") -> None:
    """Follow a link (or press a button) to the next page and check it with axe."""
    click_and_wait(page, name, role)
    assert_accessible(page, axe)


def switch_to(context: BrowserContext, page: Page, persona: Persona, url: str, base: str):
    context.clear_cookies()
    sign_in_with_session(context, persona, base)
    page.goto(url)


def score_sheet(page: Page, axe: Axe, values: dict[str, str]) -> None:
    """Open one's own sheet from the review page, give each provider its score on every
    criterion, and save."""
    visit(page, axe, "Score the providers")
    for provider, label in values.items():
        section = page.get_by_role("region", name=provider)
        for group in section.get_by_role("group").all():
            group.get_by_label(label).check()
    click_and_wait(page, "Save the scores")
    expect(page.get_by_role("status")).to_contain_text("scores")
    assert_accessible(page, axe)


@pytest.mark.browser
def test_alice_runs_the_communications_plan_and_a_content_review_to_its_close(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
    initiative,
    district_a,
    school_a,
):
    base = live_server.url
    tara = teacher_with_login(district_a, school_a, "tara", first_name="Tara", last_name="Tran")
    omar = teacher_with_login(district_a, school_a, "omar", first_name="Omar", last_name="Ortiz")
    switch_to(context, page, alice, f"/rollout/{initiative.pk}/communications/", base)
    expect(heading(page)).to_have_text("Communications")
    assert_accessible(page, axe)

    # Two communications planned; a message left empty is refused at its field first
    lines = [
        (
            "School board",
            "The board hears the plan and the budget",
            "Meeting or presentation",
            TODAY - dt.timedelta(days=2),
        ),
        (
            "Families",
            "A letter home on what changes in class",
            "Letter home",
            TODAY + dt.timedelta(days=14),
        ),
    ]
    for number, (audience, message, channel, day) in enumerate(lines):
        visit(page, axe, "Plan a communication")
        page.get_by_label("Audience").select_option(label=audience)
        page.get_by_label("How").select_option(label=channel)
        page.get_by_label("Date").fill(f"{day:%Y-%m-%d}")
        if number == 0:
            click_and_wait(page, "Save")
            expect(page.get_by_text("Write what this audience needs to hear.")).to_be_visible()
            assert_accessible(page, axe)
        page.get_by_label("Message").fill(message)
        click_and_wait(page, "Save")
        expect(page.get_by_role("status")).to_contain_text("Saved to the communications plan")
    plan = page.get_by_role("table", name="Communications plan")
    expect(plan.get_by_text("Overdue")).to_have_count(1)
    assert_accessible(page, axe)

    # The board meeting has happened: tick it off
    done = page.get_by_role("button", name=re.compile(rf"^Done\W+the {lines[0][3]:%Y-%m-%d}"))
    with page.expect_navigation():
        done.click()
    expect(plan.get_by_text("Overdue")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Undo done"))).to_have_count(1)
    expect(page.get_by_role("table", name="Done of planned, by audience")).to_contain_text("1 of 1")
    assert_accessible(page, axe)
    assert Communication.objects.filter(done_on=TODAY).count() == 1

    # A feedback session with families
    visit(page, axe, "Record a feedback session")
    page.get_by_label("Audience").select_option(label="Families")
    page.get_by_label("Held on").fill(f"{TODAY - dt.timedelta(days=1):%Y-%m-%d}")
    page.get_by_label("Format").fill("Evening forum at Aspen")
    page.get_by_label("Participants").fill("42")
    page.get_by_label("What we heard").fill("Families worry about screen time.")
    page.get_by_label("What we will do about it").fill("Publish the screen-time guidance.")
    click_and_wait(page, "Save")
    expect(heading(page)).to_have_text("Feedback sessions")
    expect(page.get_by_role("table", name="Feedback sessions")).to_contain_text("screen time")
    assert_accessible(page, axe)
    assert FeedbackSession.objects.count() == 1

    # A content review: two teachers on the committee, three criteria
    page.get_by_role("navigation", name="Initiative sections").get_by_role(
        "link", name="Content reviews"
    ).click()
    expect(heading(page)).to_have_text("Content reviews")
    assert_accessible(page, axe)
    visit(page, axe, "Start a review")
    page.get_by_label("Title").fill("Middle-school math content")
    page.get_by_label("Content area").select_option(label="Mathematics")
    page.get_by_label("Committee").select_option([str(tara.staff.pk), str(omar.staff.pk)])
    page.get_by_label("Criteria").fill(
        "Standards alignment | 3 | Covers our standards\nData for teachers | 2 |\nCost | 1 |"
    )
    click_and_wait(page, "Save")
    expect(heading(page)).to_have_text("Middle-school math content")
    assert_accessible(page, axe)
    for name in ("Summit Learning", "Edgenuity"):
        visit(page, axe, "Add a provider")
        page.get_by_label("Name").fill(name)
        click_and_wait(page, "Save")
        expect(page.get_by_role("status")).to_contain_text(f"Added {name}")
    assert_accessible(page, axe)
    review_url = page.url

    # Each committee member scores on their own sheet
    switch_to(context, page, tara.persona, review_url, base)
    assert_accessible(page, axe)
    score_sheet(page, axe, {"Summit Learning": "3 Adequate", "Edgenuity": "5 Excellent"})
    switch_to(context, page, omar.persona, review_url, base)
    score_sheet(page, axe, {"Summit Learning": "2 Weak", "Edgenuity": "4 Strong"})

    # Alice sees the results, best first, and recommends
    switch_to(context, page, alice, review_url, base)
    results = page.get_by_role("table", name="Results: Initial review")
    expect(results.get_by_role("row").nth(1)).to_contain_text("Edgenuity")
    expect(results.get_by_role("row").nth(1)).to_contain_text("4.50")
    expect(results.get_by_role("row").nth(1)).to_contain_text("90")
    assert_accessible(page, axe)
    # (a manager could type in a member's paper sheet here; the sheet picker passes axe too)
    visit(page, axe, "Enter the paper sheet of Omar Ortiz")
    expect(heading(page)).to_contain_text("Scores of Omar Ortiz")
    expect(page.get_by_label("Score sheet of")).to_be_visible()
    page.go_back()
    visit(page, axe, "Recommend a provider")
    page.get_by_label("Edgenuity").check()
    page.get_by_label("Why").fill("Best on standards and data; teachers liked it in trials.")
    click_and_wait(page, "Save")
    expect(page.get_by_text("The committee recommends Edgenuity")).to_be_visible()
    assert_accessible(page, axe)

    # The district decides: buy Edgenuity, pass on Summit
    visit(page, axe, "Decide purchases")
    page.get_by_role("group", name="Edgenuity").get_by_label("Purchase", exact=True).check()
    page.get_by_label("Yearly cost of Edgenuity ($)").fill("18500")
    page.get_by_role("group", name="Summit Learning").get_by_label("Do not purchase").check()
    click_and_wait(page, "Save")
    expect(page.get_by_role("status")).to_contain_text("Recorded the purchase decision")
    assert_accessible(page, axe)

    # A year on: the re-review, the teachers' feedback and the renewal, then close
    visit(page, axe, "Open the year-one re-review", role="button")
    expect(page.get_by_text("Still to decide: Edgenuity")).to_be_visible()
    visit(page, axe, "Record renew or drop for Edgenuity")
    page.get_by_label("Renew", exact=True).check()
    page.get_by_label("What teachers said").fill("Used every week; the mastery data helped.")
    click_and_wait(page, "Save")
    expect(page.get_by_role("table", name=re.compile("Renew or drop"))).to_contain_text(
        "Used every week"
    )
    assert_accessible(page, axe)
    visit(page, axe, "Close the review", role="button")
    expect(page.get_by_text("This review is closed.")).to_be_visible()
    assert ProviderReview.objects.get().status == ReviewStatus.CLOSED
