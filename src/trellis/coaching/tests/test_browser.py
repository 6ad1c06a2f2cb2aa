"""Coaching in a real Chromium, axe on every page: a coach logs three entries with a teacher, the
teacher reads and comments, and the teacher's principal gets counts and never the log."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.coaching.models import Comment, Interaction
from trellis.coaching.tests.helpers import cast

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def click_and_wait(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def switch_to(context: BrowserContext, page: Page, person, base_url: str) -> None:
    context.clear_cookies()
    sign_in_with_session(context, person, base_url)
    page.goto("/coaching/")


@pytest.mark.browser
def test_a_coach_logs_three_entries_the_teacher_comments_and_the_principal_sees_counts(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe
):
    c = cast(with_log=False)
    today = timezone.localdate()

    # The coach opens a relationship with the teacher from the coaching page
    switch_to(context, page, c["cole"], live_server.url)
    expect(heading(page)).to_have_text("Coaching")
    assert_accessible(page, axe)
    page.get_by_role("link", name="Start coaching a teacher").click()
    assert_accessible(page, axe)
    page.get_by_label("Teacher").select_option(value=str(c["tess"].staff.pk))
    page.get_by_label("Focus").fill("station rotation")
    page.get_by_label("Coaching starts").fill(f"{today - dt.timedelta(days=30):%Y-%m-%d}")
    click_and_wait(page, "Save")
    expect(heading(page)).to_contain_text(f"with {c['tess'].staff.full_name}")
    assert_accessible(page, axe)

    # Three entries; a date in the future is refused at the field first
    entries = [
        ("Classroom visit", 20, "Watched the rotation; the teacher-led table ran long."),
        ("Planning together", 9, "Planned shorter rotations with a timer."),
        ("Data conversation", 2, "Exit tickets: 18 of 24 met the goal."),
    ]
    for number, (kind, days_ago, note) in enumerate(entries):
        page.get_by_role("link", name="Log coaching").click()
        page.get_by_label("What you did").select_option(label=kind)
        page.get_by_label("Minutes").fill("40")
        page.get_by_label("Notes").fill(note)
        if number == 0:
            page.get_by_label("Date").fill(f"{today + dt.timedelta(days=3):%Y-%m-%d}")
            click_and_wait(page, "Save")
            expect(page.get_by_role("alert")).to_be_visible()
            expect(page.get_by_text("in the future")).to_be_visible()
            assert_accessible(page, axe)
        page.get_by_label("Date").fill(f"{today - dt.timedelta(days=days_ago):%Y-%m-%d}")
        click_and_wait(page, "Save")
        expect(page.get_by_role("status")).to_contain_text("Saved to the coaching log")
    assert Interaction.objects.count() == 3
    expect(page.locator("article.log-entry")).to_have_count(3)

    # The teacher reads the log and comments on the latest entry
    switch_to(context, page, c["tess"], live_server.url)
    assert_accessible(page, axe)
    page.get_by_role("link", name=c["cole"].staff.full_name).click()
    expect(page.get_by_text("Exit tickets: 18 of 24 met the goal.")).to_be_visible()
    latest = today - dt.timedelta(days=2)
    page.get_by_label(f"Comment on the {latest:%b} {latest.day} entry").fill(
        "Thanks, the timer helped."
    )
    page.get_by_role("button", name="Comment").first.click()
    expect(page.get_by_role("status")).to_contain_text("Comment added")
    expect(page.get_by_text("Thanks, the timer helped.")).to_be_visible()
    assert_accessible(page, axe)
    assert Comment.objects.get().author == c["tess"].user

    # The principal sees counts by type, and the log itself is not there for them
    relationship_url = page.url
    switch_to(context, page, c["pat"], live_server.url)
    page.get_by_role("link", name="Coaching counts by type, school and month").click()
    expect(heading(page)).to_have_text("Coaching by type, school and month")
    kinds = page.get_by_role("table", name="By type of coaching")
    expect(kinds).to_contain_text("Classroom visit")
    expect(kinds).to_contain_text("Data conversation")
    expect(page.get_by_text("Exit tickets")).to_have_count(0)
    assert_accessible(page, axe)
    response = page.goto(relationship_url)
    assert response is not None and response.status == 404
    expect(page.get_by_text("Exit tickets")).to_have_count(0)


@pytest.mark.browser
def test_caseload_pages_pass_axe_for_a_manager_and_for_the_coach(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe
):
    c = cast()
    switch_to(context, page, c["alice"], live_server.url)
    page.get_by_role("link", name="Coach caseloads").click()
    expect(heading(page)).to_have_text("Coach caseloads")
    assert_accessible(page, axe)
    page.get_by_role("link", name=c["cole"].staff.full_name).click()
    expect(page.get_by_role("table", name="Teachers", exact=True)).to_contain_text(
        c["tess"].staff.full_name
    )
    expect(page.get_by_role("columnheader", name="Entries")).to_have_count(0)
    assert_accessible(page, axe)
    switch_to(context, page, c["cole"], live_server.url)
    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("columnheader", name="Entries")).to_have_count(1)
    assert_accessible(page, axe)
