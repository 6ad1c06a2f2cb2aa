"""Interview data tasks in a real Chromium, with axe on every page: a panelist opens the data
part of an interview from the posting, reads the class and the answer key, then opens the view
for the candidate, where the key is nowhere; HR attaches a data task to a part and previews a
new data set."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.conftest import Persona
from trellis.hiring import data_tasks
from trellis.hiring.models import DataTask, DataTaskKind
from trellis.hiring.tests.helpers import hiring_setup, schedule

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TRACKER_TITLE = "Grade 6 mathematics: unit mastery tracker"


@pytest.mark.browser
def test_a_panelist_reads_the_data_and_key_and_the_candidate_view_hides_the_key(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
):
    # Given an interview for a posting whose process has a mastery-tracker part
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    schedule(hiring.posting, hiring.applications, actor=alice.user)
    task = DataTask.objects.get(
        component__template=hiring.template, kind=DataTaskKind.MASTERY_TRACKER
    )
    key = data_tasks.data_set(task).key
    assert key is not None
    panelist = Persona(user=hiring.seats[0].staff.user, district=alice.district)
    sign_in_with_session(context, panelist, live_server.url)

    # When the panelist opens the data task from the posting
    page.goto(f"/hiring/postings/{hiring.posting.pk}/")
    page.get_by_role("link", name=f"Data task: {TRACKER_TITLE}").click()

    # Then they see the class as a table, and the answer key
    expect(heading(page)).to_have_text(TRACKER_TITLE)
    table = page.get_by_role("table", name=TRACKER_TITLE)
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name="S24", exact=True)).to_be_visible()
    expect(table.get_by_role("columnheader", name="6.RP.A.1")).to_be_visible()
    answer_key = page.get_by_role("region", name="Answer key (panel only)")
    expect(answer_key).to_be_visible()
    expect(answer_key).to_contain_text(key.weakest[0].code)
    expect(answer_key).to_contain_text(key.behind[0].student)
    assert_accessible(page, axe)

    # When they open the view for the candidate
    page.get_by_role("link", name="Show to candidate").click()

    # Then the same data is there, and the answer key is not
    expect(heading(page)).to_have_text(TRACKER_TITLE)
    expect(page.get_by_role("table", name=TRACKER_TITLE)).to_be_visible()
    expect(page.get_by_role("region", name="Answer key (panel only)")).to_have_count(0)
    expect(page.locator("#answer-key")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Answer key")
    expect(page.locator("main")).not_to_contain_text("Furthest behind")
    assert_accessible(page, axe)


@pytest.mark.browser
def test_hr_attaches_a_data_task_and_previews_a_new_data_set(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    alice,
):
    hiring = hiring_setup(alice.district, actor=alice.user, applicants=1)
    part = hiring.template.components.get(order=4)
    sign_in_with_session(context, alice, live_server.url)
    page.goto(f"/hiring/processes/{hiring.template.pk}/")
    page.get_by_role("link", name=f"Data task of {part.name}").click()
    expect(heading(page)).to_contain_text("Data task")
    assert_accessible(page, axe)

    # An empty standards list is refused at the field, accessibly
    page.get_by_label("Title shown above the data").fill("Grade 6 data")
    page.get_by_label("Number of students").fill("16")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("not saved")
    expect(page.locator(".errorlist").first).to_contain_text("at least two standards")
    assert not DataTask.objects.filter(component=part).exists()
    assert_accessible(page, axe)

    # Two standards and a new data set: a preview, not yet saved
    page.get_by_role("checkbox", name="6.RP.A.1").check()
    page.get_by_role("checkbox", name="6.EE.A.2").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Make a new data set").click()
    expect(page.get_by_role("heading", name="Preview (not saved yet)")).to_be_visible()
    expect(page.get_by_role("table", name="Grade 6 data")).to_be_visible()
    assert_accessible(page, axe)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved the data task")
    task = DataTask.objects.get(component=part)
    assert task.standards == ["6.RP.A.1", "6.EE.A.2"] and task.students == 16
