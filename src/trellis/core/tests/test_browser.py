"""Trellis driven through a real Chromium: the main journey, the keyboard, forms, the tenant wall.

Every page the journey visits is also checked with axe-core (fixtures in trellis.browser_testing).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, main_nav, sign_in_with_session
from trellis.conftest import PASSWORD
from trellis.factories import StaffFactory
from trellis.org.models import Staff
from trellis.signin import totp

# The live server reads the database from its own thread, so each test commits for real; the
# serialized rollback puts back the reference data (grantees) that migrations loaded.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# --- Tests ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_alice_signs_in_and_finds_a_staff_member_on_accessible_pages(
    transactional_db, live_server, page: Page, axe: Axe, alice, school_a, staff_a
):
    # Given a district with a school and a handful of staff, Ana Alvarez among them
    StaffFactory.create_batch(4, district=alice.district, school=school_a)
    StaffFactory(district=alice.district, school=None, first_name="Omar", last_name="Office")

    # When alice opens the sign-in page
    page.goto("/login/")
    expect(heading(page)).to_have_text("Sign in to Trellis")
    assert_accessible(page, axe)

    # And signs in with the keyboard
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/login/")
    ) as sign_in:
        page.get_by_label("Password").press("Enter")
    assert sign_in.value.status == 302, (
        f"signing in answered {sign_in.value.status} instead of redirecting home:\n"
        f"{sign_in.value.text()[:2000]}"
    )

    # Then, as a district admin, she is asked to set up two-factor sign-in first
    page.wait_for_url(f"{live_server.url}/two-factor/setup/**")
    expect(heading(page)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    assert_accessible(page, axe)

    # And types, with the keyboard, the code her app makes from the key shown
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(totp.code_for_step(secret, totp.step_at()))
    page.get_by_label("Code").press("Enter")
    expect(heading(page)).to_have_text("Two-factor sign-in is on")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        totp.RECOVERY_CODE_COUNT
    )
    assert_accessible(page, axe)
    page.get_by_role("link", name="I have saved them, continue").click()

    # Then she lands on her district's home page
    page.wait_for_url(f"{live_server.url}/")
    expect(heading(page)).to_contain_text("Maple Valley")
    assert_accessible(page, axe)

    # When she follows "Staff" in the main navigation
    main_nav(page).get_by_role("link", name="Staff", exact=True).click()

    # Then the staff list shows Ana Alvarez's row
    page.wait_for_url(f"{live_server.url}/staff/")
    expect(heading(page)).to_have_text("Staff")
    row = page.get_by_role("row").filter(has_text="Alvarez, Ana")
    expect(row).to_have_count(1)
    assert_accessible(page, axe)

    # When she opens that row
    row.get_by_role("link", name="Alvarez, Ana").click()

    # Then she sees Ana's record
    page.wait_for_url(f"{live_server.url}/staff/{staff_a.pk}/")
    expect(heading(page)).to_have_text("Ana Alvarez")
    assert_accessible(page, axe)

    # And the edit form for the record is accessible too
    page.get_by_role("link", name="Edit staff record").click()
    page.wait_for_url(f"{live_server.url}/staff/{staff_a.pk}/edit/")
    expect(heading(page)).to_have_text("Edit Ana Alvarez")
    expect(page.get_by_label("First name")).to_have_value("Ana")
    assert_accessible(page, axe)

    # When she visits the schools list and the school's own page
    main_nav(page).get_by_role("link", name="Schools", exact=True).click()
    page.wait_for_url(f"{live_server.url}/schools/")
    expect(heading(page)).to_have_text("Schools")
    assert_accessible(page, axe)

    page.get_by_role("link", name="Aspen Elementary").click()
    page.wait_for_url(f"{live_server.url}/schools/{school_a.pk}/")
    expect(heading(page)).to_have_text("Aspen Elementary")
    expect(page.get_by_role("link", name="Alvarez, Ana")).to_be_visible()
    assert_accessible(page, axe)

    # And the audit log, which an administrator may read
    main_nav(page).get_by_role("link", name="Audit log", exact=True).click()
    page.wait_for_url(f"{live_server.url}/audit/")
    expect(heading(page)).to_have_text("Audit log")
    assert_accessible(page, axe)

    # And the grantee landscape shared by every district
    main_nav(page).get_by_role("link", name="Grantee landscape", exact=True).click()
    page.wait_for_url(f"{live_server.url}/reference/grantees/")
    expect(heading(page)).to_have_text("Grantee landscape")
    assert_accessible(page, axe)


@pytest.mark.browser
def test_the_first_tab_reaches_the_skip_link_and_enter_jumps_to_main_content(
    transactional_db, live_server, context: BrowserContext, page: Page, alice
):
    # Given alice is signed in and on her home page
    sign_in_with_session(context, alice, live_server.url)
    page.goto("/")
    expect(heading(page)).to_contain_text("Maple Valley")

    # When she presses Tab once
    page.keyboard.press("Tab")

    # Then the skip link has focus
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()

    # When she presses Enter
    page.keyboard.press("Enter")

    # Then the page moves to the main content and focus follows it
    page.wait_for_url(f"{live_server.url}/#main")
    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.browser
def test_an_invalid_email_is_reported_at_the_field_and_nothing_is_saved(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice, school_a
):
    # Given alice is signed in and on the "Add a staff member" form
    sign_in_with_session(context, alice, live_server.url)
    page.goto("/staff/new/")
    expect(heading(page)).to_have_text("Add a staff member")
    staff_before = Staff.objects.count()

    # When she fills in the required fields but a malformed email, and saves
    page.get_by_label("Staff id").fill("S-BROWSER-1")
    page.get_by_label("First name").fill("Bea")
    page.get_by_label("Last name").fill("Browser")
    page.get_by_label("Email").fill("not-an-email")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/staff/new/")
    ) as saved:
        page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    # Then the form comes back with the error beside the email field
    assert saved.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("The record was not saved")
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("not-an-email")
    email_field = page.locator(".field").filter(has=page.locator("#id_email"))
    expect(email_field).to_contain_text("Enter a valid email address.")
    # Only the email is wrong: no other field is marked invalid
    expect(page.locator("[aria-invalid='true']")).to_have_count(1)
    assert_accessible(page, axe)

    # And no staff record was created
    assert Staff.objects.count() == staff_before


@pytest.mark.browser
def test_charlie_from_another_district_gets_not_found_for_alices_staff(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, charlie, staff_a
):
    # Given charlie, an administrator in Cedar Ridge, is signed in
    sign_in_with_session(context, charlie, live_server.url)

    # When he opens a Maple Valley staff record by its address
    response = page.goto(f"/staff/{staff_a.pk}/")

    # Then he gets the not-found page, and nothing of Ana's record
    assert response is not None
    assert response.status == 404
    expect(heading(page)).to_have_text("Not found")
    expect(page.get_by_text("Alvarez")).to_have_count(0)
    assert_accessible(page, axe)


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    ["/schools/new/", "/password/", "/schools/?page=abc", "/staff/?page=abc"],
    ids=["school form", "password change", "schools bad page", "staff bad page"],
)
def test_the_remaining_pages_of_an_admin_are_accessible(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice, path
):
    # given alice is signed in
    sign_in_with_session(context, alice, live_server.url)
    # when she opens the page (bad query strings included: their error pages count too)
    page.goto(path)
    # then axe finds nothing to fix
    assert_accessible(page, axe)


@pytest.mark.browser
def test_the_consortium_totals_and_the_sign_in_help_pages_are_accessible(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, dana, staff_a
):
    sign_in_with_session(context, dana, live_server.url)
    page.goto("/")
    assert heading(page).first.inner_text().startswith("Tri-County")
    assert_accessible(page, axe)
    context.clear_cookies()
    for path in ("/password/reset/", "/password/reset/sent/"):
        page.goto(path)
        assert_accessible(page, axe)
