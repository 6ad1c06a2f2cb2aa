"""Class data reports in a real Chromium, axe on every page: the teacher imports a class (a
student's name is refused first), reads its heatmap; the coach reads it; the principal, who
evaluates the teacher, gets a 404."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.coaching import services
from trellis.coaching.models import ClassReport, ClassResult, Standard
from trellis.coaching.tests.helpers import cast

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FILES = Path(__file__).parent / "files"
CODES = ("CCSS.MATH.CONTENT.4.NBT.B.5", "CCSS.MATH.CONTENT.4.NF.A.1", "CCSS.MATH.CONTENT.4.NF.A.2")


def switch_to(context: BrowserContext, page: Page, person, base_url: str) -> None:
    context.clear_cookies()
    sign_in_with_session(context, person, base_url)
    page.goto("/coaching/")


def fill_import(page: Page, file: Path) -> None:
    page.get_by_label("Title").fill("Grade 4 math, unit 3")
    page.get_by_label("Results file").set_input_files(str(file))
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()


@pytest.mark.browser
def test_a_teacher_imports_a_class_the_coach_reads_it_and_the_principal_cannot(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, tmp_path
):
    c = cast(with_log=False)
    services.relationship_create(
        district=c.district, coach=c["cole"].staff, teacher=c["tess"].staff,
        begin_date=timezone.localdate() - dt.timedelta(days=30), actor=c["alice"].user,
    )  # fmt: skip
    for code in CODES:
        Standard.objects.create(district=c.district, code=code, description="A grade-4 standard")

    # The teacher finds class reports from the coaching page
    switch_to(context, page, c["tess"], live_server.url)
    page.get_by_role("link", name="Open class data reports").click()
    expect(heading(page)).to_have_text("Class data reports")
    assert_accessible(page, axe)
    page.get_by_role("link", name="Import a class report").click()
    expect(heading(page)).to_have_text("Import a class report")
    assert_accessible(page, axe)

    # A file with a student's name is refused at its line, and nothing is imported
    named = tmp_path / "named.csv"
    named.write_text(
        (FILES / "class_simple.csv").read_text().replace("S-03,", "Ana Lopez,", 1),
        encoding="utf-8",
    )
    fill_import(page, named)
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("named.csv, line 8, column student_code")).to_be_visible()
    expect(page.get_by_text("never names").first).to_be_visible()
    assert_accessible(page, axe)
    assert ClassReport.objects.count() == 0

    # The real file comes in and the heatmap opens with its high and low points
    fill_import(page, FILES / "class_simple.csv")
    expect(page.get_by_role("status")).to_contain_text("Imported 12 results")
    expect(heading(page)).to_have_text("Grade 4 math, unit 3")
    heatmap = page.get_by_role("table", name="Levels by student and standard")
    expect(heatmap.get_by_role("row")).to_have_count(1 + 4 + 1)  # header, students, class mean
    expect(heatmap.get_by_role("columnheader", name=CODES[0])).to_be_visible()
    expect(page.get_by_role("region", name="High points")).to_contain_text(CODES[0])
    expect(page.get_by_role("region", name="Low points")).to_contain_text(CODES[2])
    expect(page.get_by_role("table", name="Students to check in with")).to_contain_text("S-04")
    assert_accessible(page, axe)
    report_url = page.url
    assert ClassResult.objects.count() == 12

    # The coach reads it too
    switch_to(context, page, c["cole"], live_server.url)
    page.get_by_role("link", name="Open class data reports").click()
    page.get_by_role("link", name="Grade 4 math, unit 3").click()
    expect(page.get_by_role("region", name="Low points")).to_contain_text("S-04")
    assert_accessible(page, axe)

    # The principal evaluates the teacher: the report is not there for them
    switch_to(context, page, c["pat"], live_server.url)
    page.get_by_role("link", name="Open class data reports").click()
    expect(page.get_by_text("Grade 4 math, unit 3")).to_have_count(0)
    assert_accessible(page, axe)
    response = page.goto(report_url)
    assert response is not None and response.status == 404
    expect(page.get_by_text("S-04")).to_have_count(0)
