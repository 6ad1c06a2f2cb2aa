"""The rollout API for initiatives, the vision and the plan: writes with field-level errors,
nothing written on bad input, and another district's records answering 404 or 422."""

from __future__ import annotations

import pytest

from trellis.factories import SchoolFactory, StaffFactory
from trellis.org.models import AcademicSubject
from trellis.rollout.models import Amnesty, CohortMember, Initiative, Phase
from trellis.rollout.tests.test_plan import year


def call(person, path, method="get", body=None):
    client = person.client()
    if method == "get":
        return client.get(f"/api/v1{path}")
    return getattr(client, method)(f"/api/v1{path}", body or {}, content_type="application/json")


def fields(response):
    return {e["field"] for e in response.json()["errors"]}


@pytest.fixture
def api_initiative(alice):
    response = call(alice, "/rollout/initiatives", "post", {
        "name": "Every classroom", "approaches": ["blended"], "first_year": year(-1),
        "last_year": year(1)})  # fmt: skip
    assert response.status_code == 201, response.content
    return Initiative.objects.get(pk=response.json()["id"])


@pytest.fixture
def two_schools(district_a):
    schools = [SchoolFactory(district=district_a, name=n) for n in ("Aspen", "Birch")]
    return {
        s.pk: [StaffFactory(district=district_a, school=s, academic_subject=AcademicSubject.ELA)
               for _ in range(10)]
        for s in schools
    }  # fmt: skip


def test_bad_initiative_input_is_a_422_at_each_field(alice):
    response = call(alice, "/rollout/initiatives", "post", {
        "name": "", "approaches": ["telepathy"], "first_year": "26-27", "last_year": "2026-27",
        "colour": "green"})  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert {"body.payload.name", "body.payload.approaches.0", "body.payload.first_year",
            "body.payload.colour"} <= fields(response)  # fmt: skip
    assert not Initiative.objects.exists()


def test_a_teacher_reads_but_cannot_write(bob, api_initiative):
    assert call(bob, f"/rollout/initiatives/{api_initiative.pk}").status_code == 200
    response = call(
        bob,
        f"/rollout/initiatives/{api_initiative.pk}/phases",
        "post",
        {"name": "Pilot", "school_year": year(-1), "target_share": "10", "is_pilot": True},
    )
    assert response.status_code == 403
    assert not Phase.objects.exists()


def test_the_plan_through_the_api(alice, api_initiative, two_schools):
    base = f"/rollout/initiatives/{api_initiative.pk}"
    pilot = call(
        alice,
        f"{base}/phases",
        "post",
        {"name": "Pilot", "school_year": year(-1), "target_share": "10", "is_pilot": True},
    )
    assert pilot.status_code == 201
    over = call(alice, f"{base}/phases", "post", {
        "name": "All", "school_year": year(0), "target_share": "120"})  # fmt: skip
    assert over.status_code == 422 and "body.payload.target_share" in fields(over)
    cohort = call(
        alice, f"{base}/cohorts", "post", {"name": "Pilot", "phase_id": pilot.json()["id"]}
    )
    assert cohort.status_code == 201
    members = f"/rollout/cohorts/{cohort.json()['id']}/members"
    aspen, birch = list(two_schools.values())
    # a pilot in one of two schools needs the knowing yes
    refused = call(alice, members, "post", {"staff_ids": [aspen[0].pk], "source": "volunteer"})
    assert refused.status_code == 422 and "body.accept_left_out" in fields(refused)
    added = call(alice, members, "post", {"staff_ids": [aspen[0].pk, birch[0].pk],
                                          "source": "volunteer"})  # fmt: skip
    assert added.status_code == 201 and len(added.json()) == 2
    plan = call(alice, f"{base}/plan").json()
    assert plan["teachers"] == 20 and plan["phases"][0]["implementing"] == 2
    assert any("reaches all 2 schools" in c["text"] for c in plan["checks"])
    amnesty = call(alice, f"{base}/amnesty").json()
    assert amnesty["count"] == 2 and {a["school_year"] for a in amnesty["items"]} == {year(-1)}
    progress = call(alice, f"{base}/progress?school_year={year(-1)}").json()
    assert progress["total"] == {"school": "All schools", "teachers": 20, "implementing": 2,
                                 "certified": None}  # fmt: skip
    member = CohortMember.objects.filter(staff=aspen[0]).get()
    out = call(alice, f"/rollout/members/{member.pk}/transitions", "post", {"to": "withdrawn",
               "reason": "Leave"})  # fmt: skip
    assert out.status_code == 200 and out.json()["status"] == "withdrawn"


def test_another_districts_staff_in_a_body_is_a_422_and_nothing_is_written(
    alice, api_initiative, staff_b, two_schools
):
    base = f"/rollout/initiatives/{api_initiative.pk}"
    phase = call(alice, f"{base}/phases", "post", {
        "name": "All", "school_year": year(0), "target_share": "100"}).json()  # fmt: skip
    cohort = call(alice, f"{base}/cohorts", "post", {"name": "All", "phase_id": phase["id"]}).json()
    mine = next(iter(two_schools.values()))[0]
    response = call(alice, f"/rollout/cohorts/{cohort['id']}/members", "post", {
        "staff_ids": [mine.pk, staff_b.pk], "source": "assigned"})  # fmt: skip
    assert response.status_code == 422 and "body.staff_ids.1" in fields(response)
    assert not CohortMember.objects.exists() and not Amnesty.objects.exists()
    coaches = call(alice, f"{base}/cohorts", "post", {"name": "B", "phase_id": phase["id"],
                                                      "coach_ids": [staff_b.pk]})  # fmt: skip
    assert coaches.status_code == 422 and "body.coach_ids.0" in fields(coaches)


def test_another_districts_initiative_is_not_found_through_the_api(charlie, api_initiative):
    base = f"/rollout/initiatives/{api_initiative.pk}"
    for path in (base, f"{base}/plan", f"{base}/vision", f"{base}/schools", f"{base}/amnesty",
                 f"{base}/progress", f"{base}/volunteers"):  # fmt: skip
        assert call(charlie, path).status_code == 404, path
    response = call(charlie, f"{base}/phases", "post", {
        "name": "x", "school_year": year(0), "target_share": "10"})  # fmt: skip
    assert response.status_code == 404
    assert call(charlie, base, "patch", {"name": "Mine now"}).status_code == 404
    api_initiative.refresh_from_db()
    assert api_initiative.name == "Every classroom"


def test_the_vision_through_the_api(alice, bob, api_initiative, school_a):
    base = f"/rollout/initiatives/{api_initiative.pk}"
    draft = call(
        alice,
        f"{base}/vision/draft",
        "post",
        {
            "statement": "Every child at their pace.",
            "pillars": [{"title": "Agency", "description": "Students set goals."}],
        },
    )
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert call(bob, f"{base}/vision").json() == []  # drafts are for managers
    assert call(alice, f"{base}/vision/1/publish", "post").status_code == 200
    assert call(bob, f"{base}/vision").json()[0]["status"] == "published"
    answer = call(alice, f"{base}/schools/{school_a.pk}/vision", "post", {"mode": "adopted"})
    assert answer.status_code == 201
    schools = call(bob, f"{base}/schools").json()
    assert schools[0]["mode"] == "adopted" and schools[0]["version"] == 1


def test_another_districts_phase_is_not_found_and_huge_ids_are_refused(
    alice, charlie, api_initiative
):
    base = f"/rollout/initiatives/{api_initiative.pk}"
    phase = call(alice, f"{base}/phases", "post", {
        "name": "All", "school_year": year(0), "target_share": "100"}).json()  # fmt: skip
    assert (
        call(charlie, f"/rollout/phases/{phase['id']}", "patch", {"name": "x"}).status_code == 404
    )
    cohort = call(alice, f"{base}/cohorts", "post", {"name": "All", "phase_id": phase["id"]}).json()
    response = call(alice, f"/rollout/cohorts/{cohort['id']}/members", "post", {
        "staff_ids": [2**63], "source": "assigned"})  # fmt: skip
    assert response.status_code == 422 and "body.payload.staff_ids.0" in fields(response)
