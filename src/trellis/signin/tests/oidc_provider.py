"""A real OpenID Connect provider for the sign-in tests: django-oauth-toolkit's, run as its own
small Django server in a separate process (a second Django cannot share the test process).

    python -m trellis.signin.tests.oidc_provider CONFIG.json

CONFIG.json holds ``people`` (username, password, email, first_name, last_name, and optionally
email_verified) and ``clients`` (client_id, client_secret, redirect_uris). The server keeps its
own SQLite database beside the config, binds a free port on 127.0.0.1, prints ``ready <port>``
and serves until it is terminated. Its issuer is ``http://127.0.0.1:<port>/o``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LOGIN_PAGE = """<!doctype html><title>Local OpenID provider</title>
<form method="post">{% csrf_token %}{{ form.as_p }}
<input type="hidden" name="next" value="{{ next }}"><button>Sign in</button></form>"""

urlpatterns: list[Any] = []  # filled in once Django is configured
# People whose email address the provider does not vouch for (email_verified: false).
UNVERIFIED_EMAILS: set[str] = set()


def _rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _configure(folder: Path) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="local-oidc-provider-for-tests-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(folder / "provider.sqlite3"),
            }
        },
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
        ],
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        LOGIN_URL="/login/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": _rsa_key(),
            "PKCE_REQUIRED": True,
            "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "Email"},
            "OAUTH2_VALIDATOR_CLASS": f"{__name__}.ClaimsValidator",
        },
    )


def _login(request: Any) -> Any:
    from django.contrib.auth import login
    from django.contrib.auth.forms import AuthenticationForm
    from django.http import HttpResponse
    from django.shortcuts import redirect
    from django.template import engines
    from django.utils.http import url_has_allowed_host_and_scheme

    form = AuthenticationForm(request, data=request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
        return redirect(next_url if safe else "/")
    page = engines["django"].from_string(LOGIN_PAGE)
    status = 401 if request.method == "POST" else 200
    return HttpResponse(page.render({"form": form, "next": next_url}, request), status=status)


def _load(config: dict[str, Any]) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for person in config["people"]:
        User.objects.create_user(
            person["username"], person.get("email", ""), person["password"],
            first_name=person.get("first_name", ""), last_name=person.get("last_name", ""),
        )  # fmt: skip
        if person.get("email_verified", True) is False:
            UNVERIFIED_EMAILS.add(person["username"])
    for client in config["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main(config_path: str) -> None:
    folder = Path(config_path).parent
    _configure(folder)
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class ClaimsValidator(OAuth2Validator):  # type: ignore[misc]
        """The claims a district's identity provider sends about a person."""

        def get_additional_claims(self, request: Any) -> dict[str, Any]:
            user = request.user
            return {
                "preferred_username": user.username,
                "email": user.email,
                "email_verified": user.username not in UNVERIFIED_EMAILS,
                "given_name": user.first_name,
                "family_name": user.last_name,
            }

    globals()["ClaimsValidator"] = ClaimsValidator
    urlpatterns[:] = [
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("login/", _login),
    ]
    _load(json.loads(Path(config_path).read_text()))
    httpd = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Threading, handler_class=_Quiet
    )
    sys.stdout.write(f"ready {httpd.server_port}\n")
    sys.stdout.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
