"""The surveys API: a survey from the template, questions and rounds (bad input a 422 at its
field with nothing written), open, remind and close, participation as counts, results with the
same cells hidden as the pages (409 while open), answering through one's own invitation once,
the same permissions as the pages, and district A's records answering 404 to charlie."""

from __future__ import annotations

import pytest
from django.utils import timezone

from trellis.core.models import Role
from trellis.factories import SchoolFactory, StaffFactory
from trellis.surveys.models import Administration, Instrument, Item, Response, Status
from trellis.surveys.tests.builders import closed_round, instrument, respond
from trellis.surveys.tests.test_services import full_answers, link, open_round, person

pytestmark = pytest.mark.django_db


def call(persona, path, method="get", body=None):
    client = persona.client()
    if method == "get":
        return client.get(f"/api/v1{path}", body or {})
    return getattr(client, method)(f"/api/v1{path}", body or {}, content_type="application/json")


def fields(response):
    assert response["Content-Type"] == "application/problem+json", response.content
    return {e["field"] for e in response.json()["errors"]}


@pytest.fixture
def survey(alice, district_a):
    return instrument(district_a, alice.user)


@pytest.fixture
def reported(survey, school_a, district_a):
    """A closed round: 12 answers at Aspen, 2 building leaders at Birch."""
    birch = SchoolFactory(district=district_a, name="Birch Elementary")
    admin = closed_round(survey)
    for n in range(12):
        respond(admin, school=school_a, likert=3 + n % 2)
    for _ in range(2):
        respond(admin, school=birch, group="building_leader", likert=1)
    return admin


@pytest.fixture
def asked(alice, bob, survey, district_a, school_a):
    StaffFactory(district=district_a, school=school_a, user=bob.user)
    others = [person(district_a, school=school_a) for _ in range(2)]
    return open_round(survey, alice.user), others


def round_body(survey, **changes):
    today = timezone.localdate().isoformat()
    body = {"instrument_id": survey.pk, "title": "Spring round", "school_year": "2026-27",
            "opens_on": today, "closes_on": today, "audience_roles": ["teacher"]}  # fmt: skip
    return {**body, **changes}


# --- Instruments ----------------------------------------------------------------------------


def test_a_survey_from_the_template_and_a_question_added_to_it(alice):
    made = call(alice, "/surveys/instruments", "post",
                {"name": "Staff survey", "from_template": True})  # fmt: skip
    assert made.status_code == 201, made.content
    detail = made.json()
    assert detail["sections"][0]["title"] == "Pay and the new roles"
    assert len(detail["items"]) == 9 and not any(i["answered"] for i in detail["items"])
    base = f"/surveys/instruments/{detail['id']}"
    bad = call(alice, f"{base}/items", "post", {"kind": "single", "text": "How often?",
                                                "options": ["Weekly"]})  # fmt: skip
    assert bad.status_code == 422 and fields(bad) == {"body.options"}
    assert Item.objects.count() == 9
    section = call(alice, f"{base}/sections", "post", {"title": "Coaching"}).json()
    added = call(alice, f"{base}/items", "post", {
        "kind": "likert", "text": "My coach helps me.", "points": 5, "section_id": section["id"],
        "key": "coach-helps"})  # fmt: skip
    assert added.status_code == 201 and added.json()["points"] == 5
    assert call(alice, "/surveys/instruments").json()["count"] == 1


def test_a_question_in_another_districts_section_is_refused_at_the_field(alice, charlie, survey):
    theirs = call(charlie, "/surveys/instruments", "post", {"name": "Theirs"}).json()
    section = call(charlie, f"/surveys/instruments/{theirs['id']}/sections", "post",
                   {"title": "Theirs"}).json()  # fmt: skip
    refused = call(alice, f"/surveys/instruments/{survey.pk}/items", "post",
                   {"kind": "text", "text": "Anything?", "section_id": section["id"]})  # fmt: skip
    assert refused.status_code == 422 and fields(refused) == {"body.section_id"}


def test_an_answered_question_is_not_reworded_through_the_api(alice, reported, survey):
    pay = survey.items.get(key="pay-attracts")
    refused = call(alice, f"/surveys/items/{pay.pk}", "patch", {"text": "Pay is fine."})
    assert refused.status_code == 422 and fields(refused) == {"body.text"}
    pay.refresh_from_db()
    assert pay.text != "Pay is fine."
    retired = call(alice, f"/surveys/items/{pay.pk}/retire", "post")
    assert retired.json()["retired_at"] is not None and retired.json()["answered"] is True


# --- Rounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["min_group", "min_text"])
def test_a_threshold_below_three_is_a_422_at_its_field_and_nothing_is_written(alice, survey, field):
    refused = call(alice, "/surveys/administrations", "post", round_body(survey, **{field: 2}))
    assert refused.status_code == 422 and fields(refused) == {f"body.{field}"}
    assert "smaller than 3" in refused.json()["errors"][0]["message"]
    assert not Administration.objects.exists()


def test_a_round_is_created_opened_reminded_closed_and_counted(alice, survey, district_a):
    for _ in range(3):
        person(district_a)
    created = call(alice, "/surveys/administrations", "post", round_body(survey))
    assert created.status_code == 201, created.content
    base = f"/surveys/administrations/{created.json()['id']}"
    assert call(alice, f"{base}/results").status_code == 409
    opened = call(alice, f"{base}/open", "post").json()
    assert opened == {"id": created.json()["id"], "status": "open", "emailed": 3}
    assert call(alice, f"{base}/remind", "post").json()["emailed"] == 3
    assert call(alice, f"{base}/remind", "post").json()["emailed"] == 0
    assert call(alice, f"{base}/participation").json() == {"invited": 3, "answered": 0,
                                                           "rate": 0.0}  # fmt: skip
    assert call(alice, f"{base}/close", "post").json()["status"] == "closed"
    again = call(alice, f"{base}/close", "post")
    assert again.status_code == 422 and "cannot become closed" in again.content.decode()


def test_results_hide_the_same_cells_as_the_pages(alice, reported, survey):
    data = call(alice, f"/surveys/administrations/{reported.pk}/results", "get",
                {"breakdown": "school"}).json()  # fmt: skip
    pay = next(i for i in data["items"] if i["key"] == "pay-attracts")
    assert pay["total"] == {"label": "All", "hidden": False, "n": 14, "agree": 12 / 14,
                            "counts": [2, 0, 6, 6]}  # fmt: skip
    assert [(r["label"], r["hidden"], r["n"], r["counts"]) for r in pay["rows"]] == [
        ("Aspen Elementary", True, None, None), ("Birch Elementary", True, None, None)]  # fmt: skip
    sliced = call(alice, f"/surveys/administrations/{reported.pk}/results", "get",
                  {"breakdown": "school", "slice": "group:building_leader"}).json()  # fmt: skip
    assert sliced["slice_label"] == "Building leader" and sliced["respondents"] is None


@pytest.mark.parametrize(("query", "field"), [
    ({"breakdown": "group", "slice": "group:other"}, "query.slice"),
    ({"slice": "school:999999"}, "query.slice"),
    ({"breakdown": "name"}, "query.breakdown"),
])  # fmt: skip
def test_a_bad_breakdown_or_slice_is_a_422_at_the_query(alice, reported, query, field):
    refused = call(alice, f"/surveys/administrations/{reported.pk}/results", "get", query)
    assert refused.status_code == 422 and fields(refused) == {field}


# --- Answering ------------------------------------------------------------------------------


def test_bob_answers_once_through_his_invitation(bob, asked):
    admin, _ = asked
    token = link(admin, bob.user)
    answers = {str(k): v for k, v in full_answers(admin).items()}
    pay = admin.instrument.items.get(key="pay-attracts")
    off = call(bob, "/surveys/answer", "post",
               {"token": token, "answers": {**answers, str(pay.pk): 9}})  # fmt: skip
    assert off.status_code == 422 and fields(off) == {f"body.answers.{pay.pk}"}
    odd = call(bob, "/surveys/answer", "post", {"token": token, "answers": {"²": 1}})
    assert odd.status_code == 422 and fields(odd) == {"body.answers.²"}
    assert not Response.objects.exists()
    done = call(bob, "/surveys/answer", "post", {"token": token, "answers": answers})
    assert done.status_code == 201 and done.json() == {"answered": 9}
    again = call(bob, "/surveys/answer", "post", {"token": token, "answers": answers})
    assert again.status_code == 422 and Response.objects.count() == 1


def test_someone_elses_or_an_unknown_token_is_refused(bob, asked):
    admin, others = asked
    theirs = call(bob, "/surveys/answer", "post", {"token": link(admin, others[0])})
    assert theirs.status_code == 403
    assert call(bob, "/surveys/answer", "post", {"token": "nope"}).status_code == 404
    assert not Response.objects.exists()


def test_an_answer_after_the_round_closes_is_refused(bob, asked):
    admin, _ = asked
    token = link(admin, bob.user)
    Administration.objects.filter(pk=admin.pk).update(status=Status.CLOSED)
    refused = call(bob, "/surveys/answer", "post", {"token": token, "answers": {}})
    assert refused.status_code == 422 and "not open" in refused.content.decode()
    assert not Response.objects.exists()


# --- Who may call what ----------------------------------------------------------------------


def record_paths(admin):
    survey, item = admin.instrument, admin.instrument.items.first()
    base = f"/surveys/administrations/{admin.pk}"
    return {
        "get": [f"/surveys/instruments/{survey.pk}", base, f"{base}/participation",
                f"{base}/results"],
        "post": [f"/surveys/instruments/{survey.pk}/sections", f"/surveys/instruments/{survey.pk}"
                 "/items", f"{base}/open", f"{base}/remind", f"{base}/close",
                 f"/surveys/items/{item.pk}/retire"],
        "patch": [f"/surveys/items/{item.pk}"],
    }  # fmt: skip


def test_charlie_gets_404_for_every_record_of_district_a(charlie, reported):
    bodies = {"post": {"title": "x", "kind": "text", "text": "x"}, "patch": {"text": "x"}}
    for method, paths in record_paths(reported).items():
        for path in paths:
            body = bodies.get(method)
            if path.endswith(("/sections",)):
                body = {"title": "x"}
            elif path.endswith("/items"):
                body = {"kind": "text", "text": "x"}
            elif method == "post":
                body = None
            assert call(charlie, path, method, body).status_code == 404, path
    made = call(charlie, "/surveys/administrations", "post", round_body(reported.instrument))
    assert made.status_code == 404
    assert call(charlie, "/surveys/administrations").json()["count"] == 0
    assert Item.objects.filter(retired_at__isnull=False).count() == 0


def test_bob_gets_403_on_managers_calls_and_results(bob, reported):
    assert call(bob, "/surveys/instruments").status_code == 403
    assert call(bob, "/surveys/administrations").status_code == 403
    assert call(bob, f"/surveys/administrations/{reported.pk}/results").status_code == 403
    assert call(bob, "/surveys/instruments", "post", {"name": "Mine"}).status_code == 403
    assert not Instrument.objects.filter(name="Mine").exists()


def test_a_principal_reads_closed_rounds_and_their_results_only(
    alice, reported, survey, district_a, school_a
):
    from trellis.conftest import Persona

    principal = Persona(person(district_a, Role.PRINCIPAL, school_a), district_a)
    draft = call(alice, "/surveys/administrations", "post", round_body(survey)).json()
    listed = call(principal, "/surveys/administrations").json()
    assert [a["id"] for a in listed["items"]] == [reported.pk]
    assert call(principal, f"/surveys/administrations/{draft['id']}").status_code == 403
    assert call(principal, f"/surveys/administrations/{reported.pk}/results").status_code == 200
    assert call(principal, f"/surveys/administrations/{reported.pk}/close", "post").status_code \
        == 403  # fmt: skip
