"""The pathways API: ladders and their steps with errors at body.steps.<n>.<field> and nothing
written on bad input, readiness for the person and HR only, standing, succession, the reports,
and another district's records answering 404."""

from __future__ import annotations

import datetime as dt
import typing

import pytest

from trellis.core.schoolyear import school_year_of
from trellis.pathways.api.reports import Kind
from trellis.pathways.forms.reports import this_year, year_ago
from trellis.pathways.models import Ladder, Standing, Step
from trellis.pathways.selectors.history import MoveKind

pytestmark = pytest.mark.django_db


def call(person, path, method="get", body=None):
    client = person.client()
    if method == "get":
        return client.get(f"/api/v1{path}", body or {})
    return getattr(client, method)(f"/api/v1{path}", body or {}, content_type="application/json")


def fields(response):
    assert response["Content-Type"] == "application/problem+json", response.content
    return {e["field"] for e in response.json()["errors"]}


def steps_body(catalog, **changes):
    """The three steps of the fixture ladder as the API takes them; ``changes`` maps a step's
    index to the fields to change."""
    c = catalog
    steps = [
        {"name": "Classroom teacher", "classifications": ["teacher"]},
        {"name": "Instructional coach", "role_type_ids": [c["coach"].pk], "min_years": "2",
         "min_hours": "30", "certification_ids": [c["blended"].pk]},
        {"name": "Principal", "role_type_ids": [c["principal"].pk], "min_years": "1",
         "certification_ids": [c["blended"].pk]},
    ]  # fmt: skip
    for index, change in changes.items():
        steps[int(index[1:])].update(change)
    return {"steps": steps}


def steps_now():
    return list(Step.objects.order_by("ladder", "order").values_list("name", "min_years"))


def test_a_ladder_is_defined_read_renamed_and_deleted_through_the_api(alice, catalog, people):
    created = call(alice, "/pathways/ladders", "post", {"name": "Coaching path"})
    assert created.status_code == 201, created.content
    base = f"/pathways/ladders/{created.json()['id']}"
    steps = call(alice, f"{base}/steps", "put", steps_body(catalog))
    assert steps.status_code == 200, steps.content
    assert [s["order"] for s in steps.json()] == [1, 2, 3]
    assert steps.json()[1]["certification_ids"] == [catalog["blended"].pk]
    listed = call(alice, "/pathways/ladders").json()
    assert listed["count"] == 1 and len(listed["items"][0]["steps"]) == 3
    renamed = call(alice, base, "patch", {"description": "For coaches"})
    assert renamed.json()["name"] == "Coaching path"
    assert renamed.json()["description"] == "For coaches"
    assert call(alice, base, "delete").status_code == 204
    assert call(alice, base).status_code == 404


def test_readiness_standing_and_succession_through_the_api(hana, ladder, people):
    tess = people["tess"]
    (result,) = call(hana, f"/pathways/people/{tess.pk}/readiness").json()
    assert result["current_step"] == {"order": 1, "name": "Classroom teacher"}
    assert {"label": "Blended learning", "state": "missing", "detail": "Not started",
            "by": None} in result["checks"]  # fmt: skip
    year = school_year_of(tess.hire_date.replace(year=tess.hire_date.year + 2))
    recorded = call(hana, f"/pathways/people/{tess.pk}/standing", "post",
                    {"school_year": year, "good": True})  # fmt: skip
    assert recorded.status_code == 201 and recorded.json()["good"] is True
    bad = call(hana, f"/pathways/people/{tess.pk}/standing", "post",
               {"school_year": "2025-27", "good": True})  # fmt: skip
    assert bad.status_code == 422 and "body.payload.school_year" in fields(bad)
    succession = call(hana, f"/pathways/ladders/{ladder.pk}/steps/2/succession").json()
    assert succession["step"]["name"] == "Instructional coach"
    assert succession["ready_now"] == [] and succession["later"] == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"s2": {"role_type_ids": ["coach"]}}, "body.steps.2.role_type_ids"),  # a cycle
        ({"s0": {"role_type_ids": [987654]}}, "body.steps.0.role_type_ids.0"),
        ({"s1": {"min_years": "-1"}}, "body.steps.1.min_years"),
        ({"s1": {"min_hours": "-0.5"}}, "body.steps.1.min_hours"),
        ({"s2": {"certification_ids": []}}, "body.steps.2.certification_ids"),
        ({"s1": {"classifications": ["wizard"]}}, "body.steps.1.classifications"),
        ({"s1": {"name": " "}}, "body.steps.1.name"),
    ],
)
def test_bad_steps_are_a_422_at_the_field_and_nothing_is_written(
    alice, ladder, catalog, changes, field
):
    before = steps_now()
    for change in changes.values():
        if change.get("role_type_ids") == ["coach"]:
            change["role_type_ids"] = [catalog["coach"].pk]
    response = call(alice, f"/pathways/ladders/{ladder.pk}/steps", "put",
                    steps_body(catalog, **changes))  # fmt: skip
    assert response.status_code == 422
    assert field in fields(response)
    assert steps_now() == before


def test_another_districts_role_type_in_a_body_is_a_422_at_its_index(
    alice, ladder, catalog, other_ladder
):
    before = steps_now()
    body = steps_body(catalog, s1={"role_type_ids": [catalog["coach"].pk, other_ladder.coach.pk]})
    response = call(alice, f"/pathways/ladders/{ladder.pk}/steps", "put", body)
    assert response.status_code == 422 and "body.steps.1.role_type_ids.1" in fields(response)
    assert steps_now() == before


def test_unknown_fields_and_too_many_steps_are_refused_by_the_schema(alice, ladder, catalog):
    body = steps_body(catalog, s0={"colour": "green"})
    assert "body.payload.steps.0.colour" in fields(
        call(alice, f"/pathways/ladders/{ladder.pk}/steps", "put", body))  # fmt: skip
    many = {"steps": [{"name": f"Step {n}", "classifications": ["teacher"]} for n in range(13)]}
    response = call(alice, f"/pathways/ladders/{ladder.pk}/steps", "put", many)
    assert response.status_code == 422 and "body.payload.steps" in fields(response)


def test_a_duplicate_ladder_name_is_a_422_at_the_name(alice, ladder):
    response = call(alice, "/pathways/ladders", "post", {"name": "Teacher to Principal"})
    assert response.status_code == 422 and "body.name" in fields(response)
    assert Ladder.objects.count() == 1


def test_another_districts_ladder_steps_and_people_are_not_found(charlie, ladder, people):
    base = f"/pathways/ladders/{ladder.pk}"
    tess = people["tess"].pk
    for path in (base, f"{base}/steps/2/succession", f"/pathways/people/{tess}/readiness"):
        assert call(charlie, path).status_code == 404, path
    assert call(charlie, base, "patch", {"name": "Mine"}).status_code == 404
    assert call(charlie, f"{base}/steps", "put", {"steps": []}).status_code == 404
    assert call(charlie, base, "delete").status_code == 404
    standing = call(charlie, f"/pathways/people/{tess}/standing", "post",
                    {"school_year": this_year(), "good": False})  # fmt: skip
    assert standing.status_code == 404
    assert call(charlie, "/pathways/ladders").json()["count"] == 0
    ladder.refresh_from_db()
    assert ladder.name == "Teacher to principal" and ladder.steps.count() == 3
    assert not Standing.objects.exists()


def test_bob_reads_ladders_and_his_own_readiness_but_writes_nothing(bob, ladder, people, catalog):
    base = f"/pathways/ladders/{ladder.pk}"
    assert call(bob, base).status_code == 200
    assert call(bob, f"/pathways/people/{people['bob'].pk}/readiness").status_code == 200
    assert call(bob, f"/pathways/people/{people['tess'].pk}/readiness").status_code == 404
    writes = [
        ("/pathways/ladders", "post", {"name": "Mine"}),
        (base, "patch", {"name": "Mine"}),
        (base, "delete", None),
        (f"{base}/steps", "put", steps_body(catalog)),
        (f"/pathways/people/{people['bob'].pk}/standing", "post",
         {"school_year": this_year(), "good": True}),
    ]  # fmt: skip
    for path, method, body in writes:
        assert call(bob, path, method, body).status_code == 403, (path, method)
    assert call(bob, f"{base}/steps/2/succession").status_code == 403
    for report in ("moves", "turnover", "retention", "pipeline", "flows"):
        assert call(bob, f"/pathways/{report}").status_code == 403, report
    assert not Standing.objects.exists() and Ladder.objects.count() == 1


def test_the_reports_through_the_api(alice, ladder, people):
    moves = call(alice, "/pathways/moves", "get", {"kind": "promotion"}).json()
    assert moves["count"] == 1
    assert moves["items"][0]["staff_id"] == people["pia"].pk
    assert moves["items"][0]["reason"] == "promoted"
    year = school_year_of(dt.date.fromisoformat(moves["items"][0]["on"]))
    turnover = call(alice, "/pathways/turnover", "get", {"school_year": year})
    assert turnover.json()["by_reason"] == [{"reason": "promoted", "label": "Promoted", "left": 1}]
    (coach,) = call(alice, "/pathways/retention").json()
    assert coach["after"][0] == {"years": 1, "stayed": 2, "started": 2, "rate": 1.0}
    (leaders,) = call(alice, "/pathways/pipeline").json()
    assert (leaders["leaders"], leaders["from_pl"], leaders["share"]) == (1, 1, 1.0)
    flows = call(alice, "/pathways/flows").json()
    assert flows["first_year"] == year_ago(2) and flows["last_year"] == this_year()
    assert {"from_state": "school", "to_state": "leader", "people": 1} in flows["flows"]


def test_bad_report_parameters_are_a_422_at_the_query_field(alice):
    cases = [
        ("/pathways/moves", {"kind": "sideways"}, "query.kind"),
        ("/pathways/turnover", {"school_year": "2025-2026"}, "query.school_year"),
        ("/pathways/flows", {"first_year": this_year(), "last_year": year_ago(1)},
         "query.last_year"),
    ]  # fmt: skip
    for path, query, field in cases:
        response = call(alice, path, "get", query)
        assert response.status_code == 422 and field in fields(response), path


def test_the_kinds_the_api_takes_are_the_kinds_of_moves():
    assert set(typing.get_args(Kind)) == set(MoveKind.LABELS)


def test_every_pathways_route_is_in_the_openapi_document_under_its_tag(db):
    from django.test import Client

    document = Client().get("/api/v1/openapi.json").json()
    routes = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "pathways" in operation.get("tags", [])
    }
    ladder = "/pathways/ladders/{ladder_id}"
    assert routes == {
        ("GET", "/pathways/ladders"), ("POST", "/pathways/ladders"), ("GET", ladder),
        ("PATCH", ladder), ("DELETE", ladder), ("PUT", f"{ladder}/steps"),
        ("GET", f"{ladder}/steps/{{order}}/succession"),
        ("GET", "/pathways/people/{staff_id}/readiness"),
        ("POST", "/pathways/people/{staff_id}/standing"),
        ("GET", "/pathways/moves"), ("GET", "/pathways/turnover"), ("GET", "/pathways/retention"),
        ("GET", "/pathways/pipeline"), ("GET", "/pathways/flows"),
    }  # fmt: skip
