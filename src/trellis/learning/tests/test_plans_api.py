"""The learning-plan, PLC and onboarding API (/api/v1/, tag ``learning``): the same visibility
as the pages (a hidden plan is 404), problem+json errors at the field, nothing written on a
refusal, and the operations listed in the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from openapi_spec_validator import validate

from trellis.core.services import api_token_create
from trellis.learning.models import ItemDone, PlanGoal, PlcMeeting
from trellis.learning.services import plans as services
from trellis.learning.tests.plans_helpers import (
    activity,
    goal,
    person,
    plc,
    principal,
    start,
    this_year,
    today,
    track,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(user) -> Client:
    token = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {token}"})


def post(client: Client, path: str, body: dict | None = None):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def fields(response) -> list[str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return [e["field"] for e in response.json()["errors"]]


@pytest.fixture
def ana(district_a, school_a):
    return person(district_a, school_a, first_name="Ana", last_name="Alvarez")


def test_my_plan_is_read_by_school_year(ana):
    client = bearer(ana.user)
    empty = client.get(f"{API}/learning/plans/me")
    assert empty.status_code == 200
    assert empty.json() == {"staff_id": ana.pk, "school_year": this_year(), "goals": []}
    made = goal(ana, text="Read one book on feedback")
    body = client.get(f"{API}/learning/plans/me", {"school_year": this_year()}).json()
    assert [(g["id"], g["source"], g["status"]) for g in body["goals"]] == [
        (made.pk, "self", "planned")
    ]
    bad = client.get(f"{API}/learning/plans/me", {"school_year": "2026"})
    assert bad.status_code == 422 and fields(bad) == ["query.school_year"]
    worse = client.get(f"{API}/learning/plans/me", {"school_year": "2026-29"})
    assert worse.status_code == 422 and fields(worse) == ["body.school_year"]


def test_without_a_staff_record_my_plan_is_404(bob):
    response = bearer(bob.user).get(f"{API}/learning/plans/me")
    assert response.status_code == 404


def test_a_plan_by_staff_id_is_404_to_anyone_but_the_person_evaluator_and_managers(
    district_a, school_a, ana, alice, charlie
):
    goal(ana)
    path = f"{API}/learning/plans/{ana.pk}"
    pat = principal(district_a, school_a)
    for user in (ana.user, pat.user, alice.user):
        assert bearer(user).get(path).status_code == 200
    colleague = person(district_a, school_a)
    for user in (colleague.user, charlie.user):
        response = bearer(user).get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_adding_goals_follows_who_may_set_which_source(district_a, school_a, ana, alice):
    course = activity(district_a)
    body = {"text": "Lead a data talk", "source": "self", "owner_id": ana.pk}
    mine = post(bearer(ana.user), f"/learning/plans/{ana.pk}/goals", body)
    assert mine.status_code == 201, mine.content
    assert mine.json()["source"] == "self" and mine.json()["owner_id"] == ana.pk
    # the person cannot pass a goal off as the evaluator's
    posing = post(bearer(ana.user), f"/learning/plans/{ana.pk}/goals", {**body, "text": "X",
                  "source": "supervisor"})  # fmt: skip
    assert posing.status_code == 403
    coached = post(
        bearer(alice.user),
        f"/learning/plans/{ana.pk}/goals",
        {**body, "text": "Co-plan", "source": "coach", "activity_ids": [course.pk]},
    )
    assert coached.status_code == 201 and coached.json()["activity_ids"] == [course.pk]
    assert PlanGoal.objects.count() == 2


def test_bad_goals_are_422_at_the_field_and_write_nothing(alice, ana, staff_b, district_b):
    client = bearer(alice.user)
    path = f"/learning/plans/{ana.pk}/goals"
    base = {"text": "Grow", "source": "supervisor", "owner_id": ana.pk}
    cases = [
        ({"text": "Grow", "source": "supervisor"}, "body.payload.owner_id"),
        ({**base, "owner_id": staff_b.pk}, "body.owner_id"),
        ({**base, "review_on": "1999-01-01"}, "body.review_on"),
        ({**base, "activity_ids": [activity(district_b).pk]}, "body.activity_ids.0"),
        ({**base, "source": "gossip"}, "body.payload.source"),
        ({**base, "colour": "red"}, "body.payload.colour"),
        ({**base, "text": ""}, "body.payload.text"),
    ]
    for body, field in cases:
        response = post(client, path, body)
        assert response.status_code == 422, body
        assert field in fields(response), (body, fields(response))
    assert not PlanGoal.objects.exists()


def test_moving_a_goal_through_the_api(district_a, school_a, ana):
    made = goal(ana)
    client = bearer(ana.user)
    moved = post(client, f"/learning/goals/{made.pk}/move", {"to": "active"})
    assert moved.status_code == 200 and moved.json()["status"] == "active"
    refused = post(client, f"/learning/goals/{made.pk}/move", {"to": "planned"})
    assert refused.status_code == 422 and fields(refused) == ["body.to"]
    colleague = person(district_a, school_a)
    hidden = post(bearer(colleague.user), f"/learning/goals/{made.pk}/move", {"to": "met"})
    assert hidden.status_code == 404
    coach_goal = goal(ana, source="coach", owner=colleague)
    assert (
        post(client, f"/learning/goals/{coach_goal.pk}/move", {"to": "active"}).status_code == 403
    )
    made.refresh_from_db()
    assert made.status == "active"


def test_plcs_and_their_meetings_through_the_api(district_a, school_a, ana, charlie):
    fay = person(district_a, school_a)
    outsider = person(district_a, school_a)
    group = plc(district_a, [ana], facilitator=fay)
    listed = bearer(ana.user).get(f"{API}/learning/plcs").json()
    assert [p["name"] for p in listed["items"]] == [group.name] and listed["count"] == 1
    assert bearer(outsider.user).get(f"{API}/learning/plcs").json()["count"] == 0
    path = f"/learning/plcs/{group.pk}/meetings"
    recorded = post(
        bearer(fay.user),
        path,
        {"held_on": f"{today():%Y-%m-%d}", "notes": "Talked data", "attendee_ids": [ana.pk]},
    )
    assert recorded.status_code == 201 and recorded.json()["attendee_ids"] == [ana.pk]
    meetings = bearer(ana.user).get(f"{API}{path}").json()
    assert [m["notes"] for m in meetings["items"]] == ["Talked data"]
    assert bearer(outsider.user).get(f"{API}{path}").status_code == 403
    assert bearer(charlie.user).get(f"{API}{path}").status_code == 404
    assert post(bearer(ana.user), path, {"held_on": f"{today():%Y-%m-%d}"}).status_code == 403


def test_bad_meetings_are_422_and_write_nothing(district_a, school_a, ana, staff_b):
    fay = person(district_a, school_a)
    group = plc(district_a, [ana], facilitator=fay)
    client = bearer(fay.user)
    path = f"/learning/plcs/{group.pk}/meetings"
    later = today() + dt.timedelta(days=3)
    cases = [
        ({"held_on": f"{later:%Y-%m-%d}", "attendee_ids": [ana.pk]}, "body.attendees"),
        ({"held_on": f"{today():%Y-%m-%d}", "attendee_ids": [fay.pk]}, "body.attendees"),
        ({"held_on": f"{today():%Y-%m-%d}", "attendee_ids": [staff_b.pk]}, "body.attendee_ids.0"),
        ({"held_on": "not a date"}, "body.payload.held_on"),
    ]
    for body, field in cases:
        response = post(client, path, body)
        assert response.status_code == 422 and fields(response) == [field], body
    assert not PlcMeeting.objects.exists()


def test_onboarding_checklists_through_the_api(district_a, school_a, ana):
    made = track(district_a)
    onboarding = services.onboarding_assign(assignment=start(ana), actor=None)
    first = made.items.order_by("order").first()
    client = bearer(ana.user)
    checklists = client.get(f"{API}/learning/onboarding/me").json()
    assert [(c["id"], len(c["items"]), c["done"]) for c in checklists] == [(onboarding.pk, 2, 0)]
    path = f"/learning/onboarding/{onboarding.pk}/items/{first.pk}/tick"
    ticked = post(client, path)
    assert ticked.status_code == 200 and ticked.json()["done"] == 1
    assert ticked.json()["items"][0]["done_on"] == f"{today():%Y-%m-%d}"
    again = post(client, path)
    assert again.status_code == 422 and fields(again) == ["body.item"]
    pat = principal(district_a, school_a)
    assert post(bearer(pat.user), path).status_code == 403
    colleague = person(district_a, school_a)
    assert post(bearer(colleague.user), path).status_code == 404
    other_track = post(client, f"/learning/onboarding/{onboarding.pk}/items/999999/tick")
    assert other_track.status_code == 404
    assert ItemDone.objects.count() == 1


def test_openapi_lists_the_plan_plc_and_onboarding_operations(db):
    document = Client().get(f"{API}/openapi.json").json()
    validate(document)
    tagged = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "learning" in operation.get("tags", [])
    }
    assert {
        ("get", f"{API}/learning/plans/me"),
        ("get", f"{API}/learning/plans/{{staff_id}}"),
        ("post", f"{API}/learning/plans/{{staff_id}}/goals"),
        ("post", f"{API}/learning/goals/{{goal_id}}/move"),
        ("get", f"{API}/learning/plcs"),
        ("get", f"{API}/learning/plcs/{{plc_id}}/meetings"),
        ("post", f"{API}/learning/plcs/{{plc_id}}/meetings"),
        ("get", f"{API}/learning/onboarding/me"),
        ("post", f"{API}/learning/onboarding/{{onboarding_id}}/items/{{item_id}}/tick"),
    } <= tagged
