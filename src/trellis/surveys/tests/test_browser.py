"""A survey round in a real Chromium, axe on every page: alice builds a survey from the study's
template and opens a round for teachers, coaches and principals; a teacher, a coach and a
principal each answer it (the anonymity statement in front of them); alice closes it, reads the
report by respondent group with the small groups hidden, and exports it as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.conftest import Persona
from trellis.core.models import Role
from trellis.surveys import services
from trellis.surveys.models import Administration, Response, Status
from trellis.surveys.tests.test_services import full_answers, person

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def click_and_wait(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def answer_as(context: BrowserContext, page: Page, axe: Axe, who: Persona, base: str,
              round_title: str, agree: str) -> None:  # fmt: skip
    """Sign in as ``who``, open the round from the Surveys page and answer two questions."""
    context.clear_cookies()
    sign_in_with_session(context, who, base)
    page.goto("/surveys/")
    assert_accessible(page, axe)
    click_and_wait(page, round_title, role="link")
    expect(page.get_by_role("heading", name="Your answers are anonymous")).to_be_visible()
    expect(page.get_by_text("nobody, administrators included, can see who answered what")
           ).to_be_visible()  # fmt: skip
    assert_accessible(page, axe)
    first = page.get_by_role("group", name="1. Extra pay helps our district attract")
    first.get_by_label(agree, exact=True).check()
    traits = page.get_by_role("group", name="8. Which qualities matter most")
    traits.get_by_label("Content knowledge").check()
    traits.get_by_label("Organization").check()
    click_and_wait(page, "Send my answers")
    expect(heading(page)).to_have_text("Thank you")
    assert_accessible(page, axe)


@pytest.mark.browser
def test_a_survey_from_the_template_is_answered_by_three_people_and_reported_with_small_groups_hidden(  # noqa: E501
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice,
    district_a, school_a, tmp_path: Path,
):  # fmt: skip
    # Three people answer in the browser; nine more (six teachers, three coaches) through the
    # service, so the "other" group (seven) reports and the two small groups stay hidden.
    tess = Persona(person(district_a, Role.TEACHER, school_a, "tess"), district_a)
    cole = Persona(person(district_a, Role.COACH, school_a, "cole"), district_a)
    priya = Persona(person(district_a, Role.PRINCIPAL, school_a, "priya"), district_a)
    others = [person(district_a, Role.TEACHER, school_a) for _ in range(6)]
    others += [person(district_a, Role.COACH, school_a) for _ in range(3)]
    sign_in_with_session(context, alice, live_server.url)

    # Build the survey from the study's template
    page.goto("/surveys/")
    expect(heading(page)).to_have_text("Surveys")
    assert_accessible(page, axe)
    click_and_wait(page, "Start from the study's survey", role="link")
    assert_accessible(page, axe)
    expect(page.get_by_label("Name")).to_have_value("Staff survey")
    click_and_wait(page, "Save")
    expect(heading(page)).to_have_text("Staff survey")
    expect(page.get_by_role("heading", name="Pay and the new roles")).to_be_visible()
    assert_accessible(page, axe)

    # A round for teachers, coaches and principals: a threshold of 2 is refused at the field
    click_and_wait(page, "Start a round", role="link")
    assert_accessible(page, axe)
    page.get_by_label("Title").fill("Spring staff survey")
    for role in ("Teacher", "Coach", "Principal"):
        expect(page.get_by_label(role, exact=True)).to_be_checked()
    page.get_by_label("Smallest group reported").fill("2")
    click_and_wait(page, "Save")
    expect(page.get_by_text("Report no group smaller than 3")).to_be_visible()
    assert_accessible(page, axe)
    page.get_by_label("Smallest group reported").fill("5")
    click_and_wait(page, "Save")
    expect(heading(page)).to_have_text("Spring staff survey")
    assert_accessible(page, axe)
    click_and_wait(page, "Open the round", role="link")
    expect(page.get_by_text("each of the 12 people in the audience")).to_be_visible()
    assert_accessible(page, axe)
    click_and_wait(page, "Yes, open the round")
    expect(page.get_by_role("status")).to_contain_text("invited 12 people")
    expect(page.get_by_text("0 of 12 answered")).to_be_visible()
    assert_accessible(page, axe)
    admin = Administration.objects.get()

    # A teacher, a coach and a principal answer in the browser; the nine others by the service
    for who, agree in ((tess, "Agree"), (cole, "Strongly agree"), (priya, "Disagree")):
        answer_as(context, page, axe, who, live_server.url, "Spring staff survey", agree)
    for user in others:
        services.response_submit(invitation=admin.invitations.get(user=user),
                                 answers=full_answers(admin))  # fmt: skip
    assert Response.objects.count() == 12

    # Alice closes it and reads the report by group: the principal and the coaches are hidden
    context.clear_cookies()
    sign_in_with_session(context, alice, live_server.url)
    page.goto("/surveys/")
    click_and_wait(page, "Spring staff survey", role="link")
    expect(page.get_by_text("12 of 12 answered")).to_be_visible()
    click_and_wait(page, "Close the round", role="link")
    expect(page.get_by_text("cannot be reopened")).to_be_visible()
    assert_accessible(page, axe)
    click_and_wait(page, "Yes, close the round")
    admin.refresh_from_db()
    assert admin.status == Status.CLOSED
    assert_accessible(page, axe)
    click_and_wait(page, "Read the results", role="link")
    expect(page.get_by_label("Break down by:")).to_have_value("group")
    pay = admin.instrument.items.get(key="pay-attracts")
    table = page.locator(f"#table-{pay.pk}")
    expect(table.get_by_role("row", name="Building leader")).to_contain_text("Fewer than 5 answers")
    expect(table.get_by_role("row", name="Instructional leader")).to_contain_text(
        "Fewer than 5 answers"
    )
    expect(table.get_by_role("row", name="Other")).to_contain_text("7")
    expect(page.get_by_role("heading", name="Why some results are hidden")).to_be_visible()
    assert_accessible(page, axe)

    # By school, then the export
    page.get_by_label("Break down by:").select_option("school")
    click_and_wait(page, "Show")
    expect(page.locator(f"#table-{pay.pk}")).to_contain_text("Aspen Elementary")
    assert_accessible(page, axe)
    page.get_by_label("Break down by:").select_option("group")
    click_and_wait(page, "Show")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV of these results").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"survey-results-{admin.pk}.csv"
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    leaders = [r for r in rows if r[2] == "pay-attracts" and r[6] == "Building leader"]
    assert leaders == [[*leaders[0][:7], "hidden", "", "", "", ""]]
