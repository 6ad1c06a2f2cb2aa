"""The local identity providers the sign-in tests sign in through, and the steps a browser takes
between Trellis and them.

Both are real provider software started here on free 127.0.0.1 ports and stopped after the
session: django-oauth-toolkit's OpenID Connect provider in its own process, and pysaml2's SAML
IdP in a thread. Trellis's side is driven by Django's test client (the browser at
``http://localhost``, see ``browser()``), the provider's side by a ``requests`` session; allauth
talks to the OpenID provider's token, userinfo and key endpoints over HTTP itself.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from trellis.core.models import District
from trellis.signin import selectors, services
from trellis.signin.models import ProviderKind, SignInProvider
from trellis.signin.tests.saml_idp import LocalSamlIdp, Person

# Trellis as the browser sees it. python3-saml refuses single-label host names ("testserver")
# in its addresses, as it should; localhost is allowed.
TRELLIS_HOST = "localhost"
TRELLIS = f"http://{TRELLIS_HOST}"
STARTUP_SECONDS = 60

# People with accounts at both local providers (the same people, as at a state-run provider).
ANA = Person(uid="op-0001", username="ana.alvarez", password="ana-pass-1", first_name="Ana",
             last_name="Alvarez", email="ana.alvarez@maple.example.org")  # fmt: skip
BOB = Person(uid="op-0002", username="bob.b", password="bob-pass-1", first_name="Bob",
             last_name="Baker", email="Bob.Baker@Maple.Example.org")  # fmt: skip
PAT = Person(uid="op-0003", username="pat.lindqvist", password="pat-pass-1", first_name="Pat",
             last_name="Lindqvist", email="pat.lindqvist@maple.example.org")  # fmt: skip
ZED = Person(uid="op-0004", username="zed.zimmerman", password="zed-pass-1", first_name="Zed",
             last_name="Zimmerman", email="zed@cedar.example.org")  # fmt: skip
# Her provider says her address is not proven (email_verified: false).
UMA = Person(uid="op-0005", username="uma.unverified", password="uma-pass-1", first_name="Uma",
             last_name="Upton", email="uma@maple.example.org")  # fmt: skip
PEOPLE = (ANA, BOB, PAT, ZED, UMA)
DISTRICT_SLUGS = ("maple", "cedar")  # the personas' districts (trellis/conftest.py)


def client_id_for(slug: str) -> str:
    return f"trellis-{slug}"


def client_secret_for(slug: str) -> str:
    return f"secret-for-{slug}-0123456789"


@pytest.fixture(autouse=True)
def _providers_on_plain_http_here(settings):
    # The local providers listen on http://127.0.0.1; outside production that is allowed anyway.
    settings.TRELLIS_SIGNIN_ALLOW_HTTP_LOOPBACK = True


@dataclass(frozen=True)
class LocalOidcProvider:
    issuer: str


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOidcProvider]:
    folder = tmp_path_factory.mktemp("oidc-provider")
    people = [
        {"username": p.username, "password": p.password, "email": p.email,
         "first_name": p.first_name, "last_name": p.last_name,
         "email_verified": p is not UMA}
        for p in PEOPLE
    ]  # fmt: skip
    clients = []
    for slug in DISTRICT_SLUGS:
        for kind in (ProviderKind.OIDC, ProviderKind.GOOGLE):
            callback = reverse("openid_connect_callback", kwargs={"provider_id": f"{slug}-{kind}"})
            clients.append({"client_id": f"{client_id_for(slug)}-{kind}",
                            "client_secret": client_secret_for(slug),
                            "redirect_uris": [f"{TRELLIS}{callback}"]})  # fmt: skip
    config = folder / "config.json"
    config.write_text(json.dumps({"people": people, "clients": clients}))
    # The provider is a Django project of its own: it must not read Trellis's settings.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    errors = (folder / "stderr.txt").open("w")
    process = subprocess.Popen(  # noqa: S603 — our own module, with the running interpreter
        [sys.executable, "-m", "trellis.signin.tests.oidc_provider", str(config)],
        stdout=subprocess.PIPE, stderr=errors, env=env, text=True,
    )  # fmt: skip
    try:
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
        line = process.stdout.readline() if ready else ""  # type: ignore[union-attr]
        if not line.startswith("ready "):
            process.kill()
            errors.close()
            pytest.fail(
                f"The local OpenID provider did not start:\n{Path(errors.name).read_text()}"
            )
        yield LocalOidcProvider(issuer=f"http://127.0.0.1:{line.split()[1]}/o")
    finally:
        process.terminate()
        process.wait(timeout=10)
        errors.close()


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSamlIdp]:
    idp = LocalSamlIdp(folder=tmp_path_factory.mktemp("saml-idp"), people=PEOPLE)
    idp.start()
    yield idp
    idp.stop()


def browser() -> Client:
    """Django's test client as a browser that reached Trellis at ``http://localhost``."""
    return Client(HTTP_HOST=TRELLIS_HOST)


def oidc_provider_for(
    district: District, issuer: str, actor, kind: str = ProviderKind.OIDC, label: str = ""
) -> SignInProvider:
    return services.signin_provider_create(
        district=district,
        kind=kind,
        data={"label": label or f"{district.name} ID", "server_url": issuer,
              "client_id": f"{client_id_for(district.slug)}-{kind}",
              "secret": client_secret_for(district.slug)},
        actor=actor,
    )  # fmt: skip


def saml_provider_for(district: District, idp: LocalSamlIdp, actor) -> SignInProvider:
    provider = services.signin_provider_create(
        district=district,
        kind=ProviderKind.SAML,
        data={"label": f"{district.name} SAML", "metadata_url": idp.metadata_url},
        actor=actor,
    )
    trust_service_provider(browser(), provider, idp)
    return provider


def trust_service_provider(client: Client, provider: SignInProvider, idp: LocalSamlIdp) -> None:
    """The IdP admin's half: read Trellis's service provider metadata into the IdP."""
    slug = {"organization_slug": provider.app.client_id}
    metadata = client.get(reverse("saml_metadata", kwargs=slug))
    assert metadata.status_code == 200, metadata.content
    idp.trust(metadata.content.decode())


def _hidden_inputs(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def _back_to_trellis(url: str) -> str:
    assert url.startswith(TRELLIS), f"expected a return to Trellis, got {url}"
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sign_in_with_oidc(client: Client, provider: SignInProvider, person: Person):
    """Press the button, sign in at the provider, follow it back; Trellis's last answer."""
    start = client.post(selectors.login_url(provider))
    assert start.status_code == 302, start.content
    at_provider = requests.Session()
    page = at_provider.get(start["Location"], timeout=10)  # the provider asks who this is
    assert page.status_code == 200, page.text
    fields = _hidden_inputs(page.text)
    fields.update(username=person.username, password=person.password)
    answer = at_provider.post(page.url, data=fields, allow_redirects=False, timeout=10)
    while answer.status_code == 302 and not answer.headers["Location"].startswith(TRELLIS):
        answer = at_provider.get(
            urljoin(answer.url, answer.headers["Location"]), allow_redirects=False, timeout=10
        )
    assert answer.status_code == 302, answer.text
    return client.get(_back_to_trellis(answer.headers["Location"]))


def sign_in_with_saml(client: Client, provider: SignInProvider, person: Person):
    """Press the button, sign in at the IdP, post its answer back; Trellis's last answer."""
    start = client.post(selectors.login_url(provider))
    assert start.status_code == 302, start.content
    at_provider = requests.Session()
    page = at_provider.get(start["Location"], timeout=10)
    assert page.status_code == 200, page.text
    fields = _hidden_inputs(page.text)
    fields.update(username=person.username, password=person.password)
    answer = at_provider.post(urljoin(page.url, "/sso/login"), data=fields, timeout=10)
    assert answer.status_code == 200, answer.text
    action = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
    assert action is not None, answer.text
    posted = client.post(_back_to_trellis(unescape(action.group(1))), _hidden_inputs(answer.text))
    assert posted.status_code == 302, posted.content  # allauth's ACS, then its finishing step
    return client.get(posted["Location"])
