"""A real SAML 2.0 identity provider for the sign-in tests: pysaml2's IdP (``saml2.server.Server``)
behind a small WSGI app on a free 127.0.0.1 port, in a thread of the test process.

It publishes its metadata, reads the service provider's AuthnRequest (HTTP-Redirect), asks for a
username and password, and answers with a signed assertion through an HTTP-POST form, as any IdP
does. pysaml2 signs with the ``xmlsec1`` program by default; here it signs through the xmlsec
Python binding (the same libxmlsec1, shipped in the wheel python3-saml needs anyway), so nothing
has to be installed outside PyPI.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID
from lxml import etree

with warnings.catch_warnings():
    # pysaml2 still looks up a cipher mode where cryptography no longer keeps it; unused here.
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig
    from saml2.metadata import entity_descriptor
    from saml2.saml import (
        AUTHN_PASSWORD_PROTECTED,
        NAME_FORMAT_URI,
        NAMEID_FORMAT_PERSISTENT,
        NameID,
    )
    from saml2.server import Server
    from saml2.sigver import CryptoBackend, SignatureError

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


@dataclass(frozen=True)
class Person:
    """Someone with an account at the identity provider."""

    uid: str  # the stable subject id, sent as a persistent NameID
    username: str
    password: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""

    def attributes(self) -> dict[str, list[str]]:
        found = {"uid": self.username, "mail": self.email, "givenName": self.first_name,
                 "sn": self.last_name}  # fmt: skip
        return {name: [value] for name, value in found.items() if value}


class XmlSecBindingBackend(CryptoBackend):  # type: ignore[misc]
    """pysaml2's signing step done through the xmlsec Python binding instead of xmlsec1."""

    @property
    def version(self) -> str:
        return ".".join(str(part) for part in xmlsec.get_libxmlsec_version())

    def sign_statement(
        self, statement: Any, node_name: str, key_file: str, node_id: str | None
    ) -> str:
        data = statement if isinstance(statement, bytes) else str(statement).encode()
        root = etree.fromstring(data)
        xmlsec.tree.add_ids(root, ["ID"])
        namespace, _, local = node_name.rpartition(":")
        if node_id:
            nodes = root.xpath("//*[@ID=$id]", id=node_id)
        else:
            nodes = list(root.iter(f"{{{namespace}}}{local}"))
        if not nodes:
            raise SignatureError(f"Nothing to sign: {node_name} {node_id}")
        signature = xmlsec.tree.find_child(nodes[0], xmlsec.constants.NodeSignature)
        context = xmlsec.SignatureContext()
        context.key = xmlsec.Key.from_file(key_file, xmlsec.constants.KeyDataFormatPem)
        context.sign(signature)
        return etree.tostring(root, encoding="unicode")


def write_key_and_certificate(folder: Path, common_name: str) -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class LocalSamlIdp:
    """Start with ``start()``, stop with ``stop()``; ``trust()`` an SP's metadata first."""

    folder: Path
    people: Iterable[Person]
    base_url: str = ""
    _service_providers: list[str] = field(default_factory=list)
    _pending: dict[str, tuple[Any, str]] = field(default_factory=dict)
    _server: Server | None = None
    _httpd: WSGIServer | None = None

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/metadata"

    def start(self) -> None:
        self._key_file, self._cert_file = write_key_and_certificate(self.folder, "Local IdP")
        self._people = {p.username.lower(): p for p in self.people}
        self._httpd = make_server(
            "127.0.0.1", 0, self._app, server_class=_Threading, handler_class=_Quiet
        )
        self.base_url = f"http://127.0.0.1:{self._httpd.server_port}"
        self._server = self._build_server()
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def trust(self, sp_metadata: str) -> None:
        """Register a service provider from its metadata, as an IdP admin does."""
        if sp_metadata not in self._service_providers:
            self._service_providers.append(sp_metadata)
            self._server = self._build_server()

    def _build_server(self) -> Server:
        config = IdPConfig()
        config.load({
            "entityid": self.metadata_url,
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [
                    (f"{self.base_url}/sso/redirect", BINDING_HTTP_REDIRECT),
                ]},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": 5},
                                       "attribute_restrictions": None,
                                       "name_form": NAME_FORMAT_URI}},
            }},
            "key_file": str(self._key_file),
            "cert_file": str(self._cert_file),
            "metadata": {"inline": list(self._service_providers)},
            "crypto_backend": "XMLSecurity",  # replaced just below: no xmlsec1 program needed
        })  # fmt: skip
        server = Server(config=config)
        server.sec.crypto = XmlSecBindingBackend()
        return server

    # --- the WSGI app ---------------------------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/metadata":
            assert self._server is not None
            body = str(entity_descriptor(self._server.config))
            return self._reply(start_response, "200 OK", body, "application/samlmetadata+xml")
        if path == "/sso/redirect" and method == "GET":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            return self._sign_in_form(start_response, query)
        if path == "/sso/login" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode())
            return self._answer(start_response, {k: v[0] for k, v in form.items()})
        return self._reply(start_response, "404 Not Found", "Not found")

    def _reply(
        self, start_response: Any, status: str, body: str, kind: str = "text/html"
    ) -> list[bytes]:
        data = body.encode()
        start_response(status, [("Content-Type", f"{kind}; charset=utf-8"),
                                ("Content-Length", str(len(data)))])  # fmt: skip
        return [data]

    def _sign_in_form(self, start_response: Any, query: dict[str, list[str]]) -> list[bytes]:
        assert self._server is not None
        request = self._server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        key = secrets.token_urlsafe(16)
        self._pending[key] = (request, query.get("RelayState", [""])[0])
        return self._reply(start_response, "200 OK", self._form_html(key))

    @staticmethod
    def _form_html(key: str, error: str = "") -> str:
        return (
            "<!doctype html><title>Local IdP</title>"
            f"<p>{escape(error)}</p>"
            '<form method="post" action="/sso/login">'
            f'<input type="hidden" name="key" value="{escape(key)}">'
            '<input name="username"><input name="password" type="password">'
            "<button>Sign in</button></form>"
        )

    def _answer(self, start_response: Any, form: dict[str, str]) -> list[bytes]:
        assert self._server is not None
        pending = self._pending.get(form.get("key", ""))
        person = self._people.get(form.get("username", "").lower())
        if pending is None:
            return self._reply(start_response, "400 Bad Request", "No sign-in in progress.")
        if person is None or not secrets.compare_digest(person.password, form.get("password", "")):
            body = self._form_html(form["key"], "Wrong username or password.")
            return self._reply(start_response, "401 Unauthorized", body)
        request, relay_state = self._pending.pop(form["key"])
        args = self._server.response_args(request.message, [BINDING_HTTP_POST])
        response = self._server.create_authn_response(
            person.attributes(),
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=person.uid),
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED, "authn_auth": self.metadata_url},
            sign_assertion=True,
            sign_response=False,
            sign_alg=RSA_SHA256,  # Trellis (python3-saml) refuses SHA-1, pysaml2's default
            digest_alg=SHA256,
            in_response_to=args["in_response_to"],
            destination=args["destination"],
            sp_entity_id=args["sp_entity_id"],
            name_id_policy=args["name_id_policy"],
        )
        http = self._server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        return self._reply(start_response, "200 OK", http["data"])
