"""District sign-in in a real Chromium: the admin's page and form, the sign-in page's buttons, and
a refused SAML sign-in through the local IdP, every page checked with axe."""

from __future__ import annotations

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from trellis.browser_testing import assert_accessible, heading, main_nav, sign_in_with_session
from trellis.core.models import User
from trellis.factories import StaffFactory
from trellis.signin import services
from trellis.signin.models import ProviderKind, SignInProvider
from trellis.signin.tests.conftest import PAT

# The live server reads the database from its own thread, so each test commits for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.browser
def test_alice_adds_a_provider_fixing_what_the_form_points_out(
    transactional_db, live_server, context: BrowserContext, page: Page, axe: Axe, alice
):
    # given alice, Maple Valley's admin, opens Sign-in from the menu
    sign_in_with_session(context, alice, live_server.url)
    page.goto("/")
    main_nav(page).get_by_role("link", name="Sign-in", exact=True).click()
    expect(heading(page)).to_have_text("Sign-in providers")
    assert_accessible(page, axe)

    # when she adds Google without its client secret
    page.get_by_role("link", name="Add a sign-in provider").click()
    expect(heading(page)).to_have_text("Add a sign-in provider")
    assert_accessible(page, axe)
    page.get_by_label("Provider").select_option("google")
    page.get_by_label("Button label").fill("Maple Valley Google")
    page.get_by_label("Client id").fill("maple.apps.example")
    page.get_by_role("button", name="Save").click()

    # then the form says so at the field, and nothing is saved
    expect(
        page.get_by_text("Enter the client secret the provider gave your district.")
    ).to_be_visible()
    assert_accessible(page, axe)
    assert not SignInProvider.objects.exists()

    # when she types the secret and saves again
    page.get_by_label("Client secret").fill("a-secret-from-google-123")
    page.get_by_role("button", name="Save").click()

    # then the list shows the button and the redirect URI to give Google
    expect(heading(page)).to_have_text("Sign-in providers")
    expect(page.get_by_text("Sign in with Maple Valley Google")).to_be_visible()
    expect(page.get_by_text("/accounts/oidc/maple-google/login/callback/")).to_be_visible()
    assert_accessible(page, axe)


@pytest.mark.browser
def test_a_person_from_another_district_is_refused_at_the_end_of_a_saml_sign_in(
    transactional_db, live_server, page: Page, axe: Axe, saml_idp, charlie, school_a
):
    # given Pat is on Maple Valley's roster, and Cedar Ridge signs in through the local IdP,
    # which has read Cedar Ridge's service provider metadata
    StaffFactory(district=school_a.district, school=school_a, username="pat.lindqvist")
    cedar = services.signin_provider_create(
        district=charlie.district, kind=ProviderKind.SAML, actor=charlie.user,
        data={"label": "Cedar Ridge staff", "metadata_url": saml_idp.metadata_url},
    )  # fmt: skip
    metadata = reverse("saml_metadata", kwargs={"organization_slug": cedar.app.client_id})
    saml_idp.trust(requests.get(f"{live_server.url}{metadata}", timeout=10).text)
    users_before = User.objects.count()

    # when Pat opens the sign-in page, which offers Cedar Ridge's button
    page.goto("/login/")
    assert_accessible(page, axe)
    page.get_by_role("button", name="Sign in with Cedar Ridge staff").click()

    # and signs in at the IdP, which posts its answer back to Trellis
    page.locator("input[name=username]").fill(PAT.username)
    page.locator("input[name=password]").fill(PAT.password)
    page.get_by_role("button", name="Sign in").click()

    # then Trellis refuses, says why, and creates nobody
    expect(heading(page)).to_have_text("Cedar Ridge could not sign you in")
    expect(page.get_by_role("alert")).to_contain_text("No staff record in Cedar Ridge matches")
    assert_accessible(page, axe)
    assert User.objects.count() == users_before
