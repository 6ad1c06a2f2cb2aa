"""Data exchange in a real Chromium, axe on every page: hana uploads a broken roster with the
keyboard and reads its problems, then the sample roster and reads what it changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, sign_in_with_session
from trellis.interop.tests.rosters import MAPLE, MAPLE_LEA, make_zip
from trellis.org.models import Staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def upload(page: Page, path: Path) -> None:
    page.get_by_label("Roster (.zip)").set_input_files(str(path))
    page.get_by_role("button", name="Import roster").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.browser
def test_a_roster_is_imported_from_the_page(
    transactional_db,
    live_server,
    context: BrowserContext,
    page: Page,
    axe: Axe,
    hana,
    district_a,
    tmp_path: Path,
):
    district_a.lea_id = MAPLE_LEA
    district_a.save()
    sign_in_with_session(context, hana, live_server.url)
    page.goto("/data/")
    expect(heading(page)).to_have_text("Data exchange")
    expect(page.get_by_text("No import yet.")).to_be_visible()
    assert_accessible(page, axe)

    broken = make_zip(
        tmp_path / "broken.zip",
        MAPLE,
        change={
            "roles.csv": lambda d: d.replace(
                b",2020-08-02,,sch-3201101,", b",2020-02-30,,sch-3201101,", 1
            )
        },
    )
    upload(page, broken)
    expect(page.get_by_role("heading", name="Not imported")).to_be_visible()
    expect(page.get_by_role("cell", name="'2020-02-30' is not a date", exact=False)).to_be_visible()
    assert_accessible(page, axe)
    assert not Staff.objects.exists()

    page.goto("/data/")
    upload(page, make_zip(tmp_path / "maple.zip", MAPLE))
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    table = page.get_by_role("table", name="What the import changed")
    expect(table.get_by_role("row", name="Staff 363 0 0 0")).to_be_visible()
    assert_accessible(page, axe)

    page.goto("/data/")
    expect(page.get_by_role("link", name="maple.zip")).to_be_visible()
    expect(page.get_by_role("link", name="staffs.json")).to_be_visible()
    assert_accessible(page, axe)
    assert Staff.objects.filter(district=district_a).count() == 363
