"""The JSON API: authentication, OpenAPI, problem+json errors, pagination, no partial writes."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from openapi_spec_validator import validate

from trellis.core.models import AuditEvent
from trellis.core.services import api_token_create
from trellis.factories import StaffFactory
from trellis.org.models import Staff

pytestmark = pytest.mark.django_db


def bearer(persona) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(user=persona.user)}"}


def test_openapi_document_is_valid_and_public(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert {"org"} <= {tag for op in document["paths"].values() for m in op.values()
                       for tag in m.get("tags", [])}  # fmt: skip


@pytest.mark.parametrize("path", ["/api/v1/staff", "/api/v1/schools", "/api/v1/districts"])
def test_anonymous_calls_get_401_problem(db, path):
    response = Client().get(path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_a_wrong_token_is_401(db):
    response = Client().get("/api/v1/staff", headers={"Authorization": "Bearer trl_nope"})
    assert response.status_code == 401


def test_token_lists_only_her_districts_staff(alice, staff_a, staff_b):
    response = Client().get("/api/v1/staff", headers=bearer(alice))
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 1
    assert [s["last_name"] for s in body["items"]] == ["Alvarez"]


def test_lists_paginate_with_limit_and_offset(alice, district_a):
    StaffFactory.create_batch(7, district=district_a, school=None)
    body = alice.client().get("/api/v1/staff", {"limit": 3, "offset": 6}).json()
    assert body["count"] == 7 and len(body["items"]) == 1


def test_a_limit_that_is_not_a_number_names_the_field(alice):
    response = alice.client().get("/api/v1/staff", {"limit": "lots"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert any(e["field"].endswith("limit") for e in response.json()["errors"])


def post_staff(client: Client, body: dict[str, object], **headers: str):
    return client.post(
        "/api/v1/staff", json.dumps(body), content_type="application/json", headers=headers
    )


def test_creating_staff_through_the_api_audits_it(alice, school_a):
    response = post_staff(
        alice.client(),
        {"staff_unique_id": "API1", "first_name": "Ida", "last_name": "Api",
         "school_id": school_a.pk, "email": "ida@example.org"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["school_id"] == school_a.pk
    assert AuditEvent.objects.filter(action="org.staff_created", actor=alice.user).exists()


def test_unknown_fields_are_rejected_with_their_path(alice):
    response = post_staff(
        alice.client(), {"staff_unique_id": "A", "first_name": "A", "last_name": "B", "salary": 9}
    )
    assert response.status_code == 422
    assert "body.payload.salary" in [e["field"] for e in response.json()["errors"]]
    assert not Staff.objects.exists()


def test_wrong_types_are_rejected_with_their_path(alice):
    response = post_staff(
        alice.client(),
        {"staff_unique_id": "A", "first_name": "A", "last_name": "B", "years_prior_teaching": "x"},
    )
    fields = [e["field"] for e in response.json()["errors"]]
    assert response.status_code == 422
    assert any(f.endswith("years_prior_teaching") for f in fields)
    assert not Staff.objects.exists()


def test_malformed_email_is_rejected_at_the_field(alice):
    response = post_staff(
        alice.client(), {"staff_unique_id": "A", "first_name": "A", "last_name": "B", "email": "a@"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.email"]
    assert not Staff.objects.exists() and not AuditEvent.objects.exists()


def test_duplicate_staff_id_is_rejected_at_the_field(alice, staff_a):
    response = post_staff(
        alice.client(),
        {"staff_unique_id": staff_a.staff_unique_id, "first_name": "A", "last_name": "B"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.staff_unique_id"
    assert Staff.objects.count() == 1


def test_a_body_that_is_not_json_is_a_clear_error(alice):
    response = alice.client().post("/api/v1/staff", "{not json", content_type="application/json")
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"


def test_session_writes_need_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    response = post_staff(client, {"staff_unique_id": "A", "first_name": "A", "last_name": "B"})
    assert response.status_code in {401, 403}
    assert not Staff.objects.exists()


def test_teachers_can_read_but_not_write(bob, staff_a):
    client = bob.client()
    assert client.get(f"/api/v1/staff/{staff_a.pk}").status_code == 200
    response = client.patch(
        f"/api/v1/staff/{staff_a.pk}", {"first_name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_patch_changes_only_the_fields_sent(hana, staff_a):
    response = hana.client().patch(
        f"/api/v1/staff/{staff_a.pk}", {"years_prior_teaching": 4}, content_type="application/json"
    )
    staff_a.refresh_from_db()
    assert response.status_code == 200
    assert staff_a.years_prior_teaching == 4 and staff_a.last_name == "Alvarez"
    assert AuditEvent.objects.get(action="org.staff_updated").changes == {
        "years_prior_teaching": [None, 4]
    }


def test_an_anonymous_write_is_asked_to_sign_in_not_refused_for_csrf(db, alice):
    response = Client().post("/api/v1/schools", {"name": "X"}, content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    # A session cookie of nobody signed in (a visit to the sign-in page) changes nothing.
    stale = Client(enforce_csrf_checks=True)
    stale.cookies["sessionid"] = "not-a-session"
    assert stale.post("/api/v1/schools", {}, content_type="application/json").status_code == 401
    # A signed-in session still needs its CSRF token for a write.
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(alice.user)
    refused = signed_in.post("/api/v1/schools", {}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.content.decode()


def test_every_schema_of_the_api_has_a_name_of_its_own():
    """django-ninja names a schema in the OpenAPI document by its class name, so two classes of
    one name would make one describe the other's operations."""
    from ninja import Schema

    import trellis.config.api  # noqa: F401 — every router, so every schema, is loaded

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules: dict[str, set[str]] = {}
    for schema in subclasses(Schema):
        if schema.__module__.startswith("trellis."):
            modules.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: m for name, m in modules.items() if len(m) > 1} == {}


def test_the_document_lists_every_error_an_operation_answers_with(db):
    doc = Client().get("/api/v1/openapi.json").json()
    validate(doc)
    assert doc["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "422"} <= codes, (method, path)
            assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert "429" in doc["paths"]["/api/v1/interop/edfi/{resource}"]["get"]["responses"]
