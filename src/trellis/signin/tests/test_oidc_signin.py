"""Signing in through a district's OpenID Connect provider, end to end against a real provider
(django-oauth-toolkit, started by the ``oidc_provider`` fixture)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.test import Client
from django.urls import reverse

from trellis.core.models import AuditEvent, Membership, Role, User
from trellis.core.tenancy import SESSION_KEY as DISTRICT_SESSION_KEY
from trellis.factories import StaffFactory
from trellis.org.models import StaffClassification
from trellis.signin import selectors
from trellis.signin.models import ProviderKind
from trellis.signin.tests.conftest import (
    ANA,
    BOB,
    UMA,
    browser,
    oidc_provider_for,
    sign_in_with_oidc,
)

pytestmark = pytest.mark.django_db


def _signed_in_user(client: Client) -> User | None:
    user_id = client.session.get(AUTH_SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def test_a_first_sign_in_links_the_staff_record_to_a_new_passwordless_teacher(
    oidc_provider, alice, district_a, school_a
):
    # given Maple Valley signs in through its OpenID provider, and Ana is on its roster by the
    # sign-in name the provider knows her by (in other letter case), with no Trellis account yet
    provider = oidc_provider_for(district_a, oidc_provider.issuer, alice.user)
    ana = StaffFactory(district=district_a, school=school_a, username="Ana.Alvarez", email="")
    client = browser()

    # when she signs in there
    response = sign_in_with_oidc(client, provider, ANA)

    # then she lands on the home page of Maple Valley, signed in as a new user linked to her record
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:home")
    ana.refresh_from_db()
    assert ana.user is not None
    assert _signed_in_user(client) == ana.user
    assert client.session[DISTRICT_SESSION_KEY] == district_a.pk
    assert not ana.user.has_usable_password()
    assert (ana.user.first_name, ana.user.last_name) == (ana.first_name, ana.last_name)
    # with the least a teacher needs, in that district only
    assert list(Membership.objects.filter(user=ana.user).values_list("district", "role")) == [
        (district_a.pk, Role.TEACHER)
    ]
    event = AuditEvent.objects.get(action="signin.staff_linked")
    assert (event.district, event.target_id) == (district_a, str(ana.pk))
    # and the home page opens for her
    assert client.get(reverse("insights:home")).status_code == 200


def test_a_staff_record_with_an_account_signs_that_account_in_matched_by_email(
    oidc_provider, alice, bob, district_a, school_a
):
    # given bob already signs in with a password and his staff record has his email address
    # in lower case; the provider sends it in mixed case and a sign-in name the roster lacks
    provider = oidc_provider_for(district_a, oidc_provider.issuer, alice.user)
    staff = StaffFactory(district=district_a, school=school_a, user=bob.user,
                         email="bob.baker@maple.example.org", username="")  # fmt: skip
    users_before = User.objects.count()
    client = browser()

    # when he signs in through the provider
    response = sign_in_with_oidc(client, provider, BOB)

    # then his existing account is the one signed in, now connected to the provider
    assert response.status_code == 302
    assert _signed_in_user(client) == bob.user
    assert User.objects.count() == users_before
    assert SocialAccount.objects.get(user=bob.user).provider == provider.app.provider_id
    staff.refresh_from_db()
    assert staff.user == bob.user
    assert Membership.objects.filter(user=bob.user).count() == 1  # nothing added


def test_signing_in_again_reuses_the_same_account(oidc_provider, alice, district_a, school_a):
    # given Ana has signed in once and signed out
    provider = oidc_provider_for(district_a, oidc_provider.issuer, alice.user)
    ana = StaffFactory(district=district_a, school=school_a, username="ana.alvarez")
    client = browser()
    sign_in_with_oidc(client, provider, ANA)
    client.post(reverse("core:logout"))
    assert _signed_in_user(client) is None

    # when she signs in again
    response = sign_in_with_oidc(client, provider, ANA)

    # then it is the same account, with one connection and one membership
    ana.refresh_from_db()
    assert response.status_code == 302
    assert _signed_in_user(client) == ana.user
    assert SocialAccount.objects.filter(user=ana.user).count() == 1
    assert Membership.objects.filter(user=ana.user).count() == 1
    assert User.objects.filter(staff_records=ana).count() == 1


def test_another_districts_provider_refuses_a_person_only_on_this_districts_roster(
    oidc_provider, alice, charlie, district_a, district_b, school_a
):
    # given Ana is on Maple Valley's roster only, and Cedar Ridge signs in through a provider
    # that also knows her
    StaffFactory(district=district_a, school=school_a, username="ana.alvarez",
                 email=ANA.email)  # fmt: skip
    cedar = oidc_provider_for(district_b, oidc_provider.issuer, charlie.user)
    users_before = User.objects.count()
    client = browser()

    # when she signs in through Cedar Ridge's button
    response = sign_in_with_oidc(client, cedar, ANA)

    # then she is refused with the reason, and nothing is created and nobody is signed in
    assert response.status_code == 403
    text = response.content.decode()
    assert "No staff record in Cedar Ridge matches ana.alvarez" in text
    assert "No Trellis account was created and you are not signed in." in text
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert _signed_in_user(client) is None
    assert client.get(reverse("insights:home")).status_code == 302  # off to the sign-in page
    # and Cedar Ridge's admin can see why in the audit log
    refusal = AuditEvent.objects.get(action="signin.refused")
    assert refusal.district == district_b
    assert refusal.changes["reason"] == [None, "no_staff_record"]


def test_a_person_on_both_rosters_is_linked_only_in_the_district_they_signed_in_through(
    oidc_provider, alice, charlie, district_a, district_b, school_a, school_b
):
    # given Ana has a staff record in both districts
    maple_ana = StaffFactory(district=district_a, school=school_a, username="ana.alvarez")
    cedar_ana = StaffFactory(district=district_b, school=school_b, username="ana.alvarez")
    cedar = oidc_provider_for(district_b, oidc_provider.issuer, charlie.user)
    client = browser()

    # when she signs in through Cedar Ridge's provider
    sign_in_with_oidc(client, cedar, ANA)

    # then only Cedar Ridge's record is linked, and her membership is Cedar Ridge's
    maple_ana.refresh_from_db()
    cedar_ana.refresh_from_db()
    assert maple_ana.user is None
    assert cedar_ana.user is not None
    assert _signed_in_user(client) == cedar_ana.user
    assert set(
        Membership.objects.filter(user=cedar_ana.user).values_list("district", flat=True)
    ) == {district_b.pk}


def test_an_email_the_provider_calls_unverified_matches_nobody(
    oidc_provider, alice, district_a, school_a
):
    # given Uma's staff record has her address, which the provider says it has not verified
    provider = oidc_provider_for(district_a, oidc_provider.issuer, alice.user)
    StaffFactory(district=district_a, school=school_a, email=UMA.email, username="")
    client = browser()

    # when she signs in
    response = sign_in_with_oidc(client, provider, UMA)

    # then she is refused
    assert response.status_code == 403
    assert _signed_in_user(client) is None
    assert not Membership.objects.filter(user__email=UMA.email).exists()


def test_a_shared_provider_cannot_vouch_for_a_roster_sign_in_name(
    oidc_provider, alice, district_a, school_a
):
    # given a provider of the kind many organizations share (Google's kind, pointed at the local
    # provider), and Ana on the roster by sign-in name with an address it does not know
    provider = oidc_provider_for(
        district_a, oidc_provider.issuer, alice.user, kind=ProviderKind.GOOGLE
    )
    ana = StaffFactory(district=district_a, school=school_a, username="ana.alvarez",
                       email="ana.a@elsewhere.example.org")  # fmt: skip
    client = browser()

    # when she signs in, her sign-in name matching the roster
    refused = sign_in_with_oidc(client, provider, ANA)

    # then she is refused: anyone could hold that name at a shared service
    assert refused.status_code == 403
    # but once the roster has her verified address, the same service signs her in
    ana.email = ANA.email
    ana.save()
    assert sign_in_with_oidc(client, provider, ANA).status_code == 302
    assert _signed_in_user(client) is not None


def test_a_principal_gets_the_principal_role_and_a_former_employee_is_refused(
    oidc_provider, alice, district_a, school_a
):
    # given a principal on the roster, and Ana, who has left the district
    provider = oidc_provider_for(district_a, oidc_provider.issuer, alice.user)
    StaffFactory(district=district_a, school=school_a, username="bob.b",
                 classification=StaffClassification.PRINCIPAL)  # fmt: skip
    StaffFactory(district=district_a, school=school_a, username="ana.alvarez", is_active=False)

    # when both sign in
    principal, former = browser(), browser()
    sign_in_with_oidc(principal, provider, BOB)
    refused = sign_in_with_oidc(former, provider, ANA)

    # then the principal is a principal of Maple Valley, and the former employee is refused
    user = _signed_in_user(principal)
    assert user is not None
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.PRINCIPAL
    ]
    assert refused.status_code == 403
    assert "no longer work there" in refused.content.decode()
    assert _signed_in_user(former) is None


def test_turning_the_provider_down_comes_back_to_a_page_that_says_so(
    oidc_provider, alice, district_a
):
    # given a sign-in under way at Maple Valley's provider
    provider = oidc_provider_for(district_a, oidc_provider.issuer, alice.user)
    client = browser()
    start = client.post(selectors.login_url(provider))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]

    # when the provider sends the person back refusing access, as it does when they decline
    callback = reverse("openid_connect_callback", kwargs={"provider_id": provider.app.provider_id})
    response = client.get(callback, {"error": "access_denied", "state": state}, follow=True)

    # then Trellis says the sign-in was cancelled, and nobody is signed in
    assert response.status_code == 200
    assert "Sign-in cancelled" in response.content.decode()
    assert _signed_in_user(client) is None
