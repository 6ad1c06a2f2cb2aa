"""The sign-in providers page: who may open it, what it checks at each field, what it never
shows again, and the buttons it puts on the sign-in page."""

from __future__ import annotations

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.signin.models import ProviderKind, SignInProvider
from trellis.signin.tests.conftest import saml_provider_for

pytestmark = pytest.mark.django_db

GOOGLE = {"kind": "google", "label": "Maple Valley Google", "client_id": "maple.apps.example",
          "secret": "first-secret-value-1234"}  # fmt: skip


def _errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_only_people_who_manage_members_open_the_page(alice, bob):
    assert alice.client().get(reverse("signin:provider-list")).status_code == 200
    assert bob.client().get(reverse("signin:provider-list")).status_code == 403
    assert bob.client().post(reverse("signin:provider-create"), GOOGLE).status_code == 403
    assert not SignInProvider.objects.exists()


def test_another_districts_admin_finds_nothing(alice, charlie):
    alice.client().post(reverse("signin:provider-create"), GOOGLE)
    provider = SignInProvider.objects.get()
    as_charlie = charlie.client()
    assert (
        "Maple Valley Google"
        not in as_charlie.get(reverse("signin:provider-list")).content.decode()
    )
    assert as_charlie.get(reverse("signin:provider-edit", args=[provider.pk])).status_code == 404
    removal = as_charlie.post(reverse("signin:provider-remove", args=[provider.pk]))
    assert removal.status_code == 404
    assert SignInProvider.objects.exists()


def test_adding_google_fills_in_its_address_and_never_shows_the_secret_again(alice, district_a):
    # when alice adds Google with its client id and secret
    client = alice.client()
    response = client.post(reverse("signin:provider-create"), GOOGLE)

    # then it is saved for Maple Valley, with Google's address, and audited without the secret
    assert response.status_code == 302
    provider = SignInProvider.objects.get()
    assert (provider.district, provider.kind, provider.app.provider_id) == (
        district_a, ProviderKind.GOOGLE, "maple-google"
    )  # fmt: skip
    assert provider.app.settings["server_url"] == "https://accounts.google.com"
    event = AuditEvent.objects.get(action="signin.provider_created")
    assert event.district == district_a
    assert "first-secret-value-1234" not in str(event.changes)
    # and neither the list nor the edit form ever sends the secret back
    for url in (
        reverse("signin:provider-list"),
        reverse("signin:provider-edit", args=[provider.pk]),
    ):
        assert "first-secret-value-1234" not in client.get(url).content.decode()


def test_an_empty_secret_keeps_the_saved_one_and_a_new_one_replaces_it(alice):
    client = alice.client()
    client.post(reverse("signin:provider-create"), GOOGLE)
    provider = SignInProvider.objects.get()
    edit = reverse("signin:provider-edit", args=[provider.pk])

    client.post(edit, {**GOOGLE, "label": "Maple Google", "secret": ""})
    assert SocialApp.objects.get().secret == "first-secret-value-1234"
    assert SignInProvider.objects.get().label == "Maple Google"

    client.post(edit, {**GOOGLE, "secret": "second-secret-value-5678"})
    assert SocialApp.objects.get().secret == "second-secret-value-5678"
    changes = AuditEvent.objects.filter(action="signin.provider_updated").latest("id").changes
    assert changes["secret"] == ["(set)", "(changed)"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**GOOGLE, "client_id": ""}, "client_id", "Enter the client id"),
        ({**GOOGLE, "secret": ""}, "secret", "Enter the client secret"),
        ({**GOOGLE, "label": ""}, "label", "This field is required."),
        ({**GOOGLE, "kind": "oidc"}, "server_url", "Enter the provider's address"),
        (
            {**GOOGLE, "kind": "oidc", "server_url": "not an address"},
            "server_url",
            "Enter a full web address",
        ),
        (
            {**GOOGLE, "kind": "oidc", "server_url": "http://id.example.org"},
            "server_url",
            "Use an https:// address",
        ),
        (
            {
                **GOOGLE,
                "kind": "microsoft",
                "server_url": "https://login.microsoftonline.com/common/v2.0",
            },
            "server_url",
            "lets any Microsoft account in",
        ),
        (
            {"kind": "saml", "label": "Maple SAML"},
            "metadata_xml",
            "Give the metadata address or paste the XML.",
        ),
        (
            {"kind": "saml", "label": "Maple SAML", "metadata_xml": "<nope/>"},
            "metadata_xml",
            "names no single sign-on address",
        ),
        (
            {"kind": "saml", "label": "Maple SAML", "metadata_xml": "not xml at all"},
            "metadata_xml",
            "This is not SAML identity provider metadata.",
        ),
        (
            {"kind": "saml", "label": "Maple SAML", "metadata_url": "http://127.0.0.1:9/none"},
            "metadata_url",
            "Could not read metadata from this address",
        ),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(alice, data, field, message):
    response = alice.client().post(reverse("signin:provider-create"), data)
    assert response.status_code == 400
    assert any(message in text for text in _errors(response).get(field, [])), _errors(response)
    assert not SignInProvider.objects.exists()
    assert not SocialApp.objects.exists()


def test_production_takes_https_addresses_only_even_on_this_machine(alice, settings):
    settings.TRELLIS_SIGNIN_ALLOW_HTTP_LOOPBACK = False
    data = {**GOOGLE, "kind": "oidc", "server_url": "http://127.0.0.1:8080/o"}
    response = alice.client().post(reverse("signin:provider-create"), data)
    assert "Use an https:// address" in _errors(response)["server_url"][0]
    assert not SignInProvider.objects.exists()


def test_a_district_has_one_provider_of_each_kind_with_distinct_labels(alice):
    client = alice.client()
    client.post(reverse("signin:provider-create"), GOOGLE)
    again = client.post(reverse("signin:provider-create"), {**GOOGLE, "label": "Other"})
    assert "already has a Google sign-in" in _errors(again)["kind"][0]
    same_label = client.post(
        reverse("signin:provider-create"),
        {**GOOGLE, "kind": "clever", "label": "maple valley google"},
    )
    assert "already called" in _errors(same_label)["label"][0]
    assert SignInProvider.objects.count() == 1


def test_pasted_saml_metadata_is_read_into_the_provider(saml_idp, alice):
    # given the metadata an IdP publishes, pasted instead of linked
    xml = requests.get(saml_idp.metadata_url, timeout=10).text
    response = alice.client().post(
        reverse("signin:provider-create"),
        {"kind": "saml", "label": "Maple SAML", "metadata_xml": xml},
    )
    assert response.status_code == 302
    idp = SocialApp.objects.get().settings["idp"]
    assert idp["entity_id"] == saml_idp.metadata_url
    assert idp["sso_url"] == f"{saml_idp.base_url}/sso/redirect"
    assert idp["x509cert"]


def test_the_list_shows_what_to_register_with_each_provider(saml_idp, alice, district_a):
    client = alice.client()
    client.post(reverse("signin:provider-create"), GOOGLE)
    saml_provider_for(district_a, saml_idp, alice.user)
    page = client.get(reverse("signin:provider-list")).content.decode()
    assert "http://testserver/accounts/oidc/maple-google/login/callback/" in page
    assert "http://testserver/accounts/saml/maple-saml/acs/" in page
    assert "http://testserver/login/?district=maple" in page


def test_removing_a_provider_takes_its_button_off_the_sign_in_page(alice):
    client = alice.client()
    client.post(reverse("signin:provider-create"), GOOGLE)
    assert (
        "Sign in with Maple Valley Google" in Client().get(reverse("core:login")).content.decode()
    )

    provider = SignInProvider.objects.get()
    response = client.post(reverse("signin:provider-remove", args=[provider.pk]))

    assert response.status_code == 302
    assert not SignInProvider.objects.exists() and not SocialApp.objects.exists()
    assert AuditEvent.objects.filter(action="signin.provider_removed").exists()
    assert "Sign in with" not in Client().get(reverse("core:login")).content.decode()


def test_the_sign_in_page_groups_buttons_by_district_and_narrows_to_one(alice, charlie):
    alice.client().post(reverse("signin:provider-create"), GOOGLE)
    charlie.client().post(
        reverse("signin:provider-create"), {**GOOGLE, "kind": "clever", "label": "Cedar Clever"}
    )
    everyone = Client().get(reverse("core:login")).content.decode()
    assert "Sign in with Maple Valley Google" in everyone
    assert "Sign in with Cedar Clever" in everyone
    cedar_only = Client().get(reverse("core:login") + "?district=cedar").content.decode()
    assert "Sign in with Cedar Clever" in cedar_only
    assert "Maple Valley Google" not in cedar_only
    # the username and password form is still there for small districts
    assert 'name="password"' in cedar_only
