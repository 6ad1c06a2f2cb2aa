"""Signing in through a district's SAML identity provider, end to end against a real IdP
(pysaml2's, started by the ``saml_idp`` fixture)."""

from __future__ import annotations

import base64
import re
from html import unescape

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.urls import reverse

from trellis.core.models import AuditEvent, Membership, Role, User
from trellis.core.tenancy import SESSION_KEY as DISTRICT_SESSION_KEY
from trellis.factories import StaffFactory
from trellis.org.models import StaffClassification
from trellis.signin import selectors
from trellis.signin.tests.conftest import PAT, browser, saml_provider_for, sign_in_with_saml

pytestmark = pytest.mark.django_db


def test_a_principal_signs_in_through_the_districts_saml_idp(saml_idp, alice, district_a, school_a):
    # given Maple Valley signs in through its SAML IdP, and Pat is its principal on the roster
    provider = saml_provider_for(district_a, saml_idp, alice.user)
    pat = StaffFactory(district=district_a, school=school_a, username="pat.lindqvist",
                       classification=StaffClassification.PRINCIPAL)  # fmt: skip
    client = browser()

    # when Pat signs in at the IdP
    response = sign_in_with_saml(client, provider, PAT)

    # then Pat lands home in Maple Valley as a new principal linked to the staff record
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:home")
    pat.refresh_from_db()
    assert pat.user is not None
    assert int(client.session[AUTH_SESSION_KEY]) == pat.user.pk
    assert client.session[DISTRICT_SESSION_KEY] == district_a.pk
    assert list(Membership.objects.filter(user=pat.user).values_list("district", "role")) == [
        (district_a.pk, Role.PRINCIPAL)
    ]
    # connected by the IdP's persistent NameID, so a renamed account still finds Pat
    assert SocialAccount.objects.get(user=pat.user).uid == PAT.uid


def test_another_districts_saml_idp_refuses_a_person_it_does_not_employ(
    saml_idp, alice, charlie, district_a, district_b, school_a
):
    # given Pat is on Maple Valley's roster only, and Cedar Ridge signs in through the same IdP
    StaffFactory(district=district_a, school=school_a, username="pat.lindqvist", email=PAT.email)
    cedar = saml_provider_for(district_b, saml_idp, charlie.user)
    users_before = User.objects.count()
    client = browser()

    # when Pat signs in through Cedar Ridge's button
    response = sign_in_with_saml(client, cedar, PAT)

    # then Pat is refused, nothing is created and nobody is signed in
    assert response.status_code == 403
    assert "No staff record in Cedar Ridge matches pat.lindqvist" in response.content.decode()
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert AUTH_SESSION_KEY not in client.session
    assert AuditEvent.objects.get(action="signin.refused").district == district_b


def test_an_assertion_altered_on_the_way_is_rejected(saml_idp, alice, district_a, school_a):
    # given Pat is on the roster and someone between the IdP and Trellis edits the answer
    provider = saml_provider_for(district_a, saml_idp, alice.user)
    StaffFactory(district=district_a, school=school_a, username="pat.lindqvist")
    StaffFactory(district=district_a, school=school_a, username="someone.else")
    client = browser()
    start = client.post(selectors.login_url(provider))
    at_provider = requests.Session()
    page = at_provider.get(start["Location"], timeout=10)
    key = re.search(r'name="key" value="([^"]+)"', page.text).group(1)
    answer = at_provider.post(
        f"{saml_idp.base_url}/sso/login",
        timeout=10,
        data={"key": key, "username": PAT.username, "password": PAT.password},
    )
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', answer.text))
    xml = base64.b64decode(unescape(fields["SAMLResponse"])).decode()
    assert ">pat.lindqvist<" in xml
    forged = xml.replace(">pat.lindqvist<", ">someone.else<")
    fields["SAMLResponse"] = base64.b64encode(forged.encode()).decode()

    # when the altered answer reaches Trellis
    posted = client.post(reverse("saml_acs", args=[provider.app.client_id]), fields)
    response = client.get(posted["Location"])

    # then its signature fails and nobody is signed in
    assert "Sign-in failed" in response.content.decode()
    assert AUTH_SESSION_KEY not in client.session
    assert not SocialAccount.objects.exists()
