"""The learning API: a manager builds the catalog and marks attendance all or nothing (errors
name the row, as ``body.rows.3.hours``); a teacher enrols and reads only their own hours and
progress; another district's records answer 404, and references to them 422."""

from __future__ import annotations

import pytest

from trellis.learning.models import Activity, Enrolment, Session
from trellis.learning.services import catalog as services
from trellis.learning.tests.catalog_helpers import (
    API,
    D,
    attend,
    bearer,
    days,
    enrol,
    fields,
    make_activity,
    make_coach_role,
    make_program,
    make_session,
    make_teacher,
    messages,
    post_json,
    walkthrough,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_staff(bob, school_a):
    return make_teacher(bob.district, school_a, user=bob.user, first_name="Bob",
                        last_name="Castle")  # fmt: skip


def test_a_manager_builds_a_session_enrols_and_marks_attendance(alice, district_a, school_a):
    client = bearer(alice.user)
    role_type, _ = make_coach_role(district_a)
    # Given an activity and a two-seat session last week, written through the API
    response = post_json(client, "/learning/activities", {
        "title": "Coaching adults", "source": "internal", "element": "coaching_skills",
        "hours": "4", "level": "new", "audience_ids": [role_type.pk], "capacity": 2,
    })  # fmt: skip
    assert response.status_code == 201, response.content
    activity = response.json()
    assert activity["audience_ids"] == [role_type.pk] and activity["offered"] is True
    response = post_json(client, "/learning/sessions", {
        "activity_id": activity["id"], "starts_on": days(-7).isoformat(), "location": "Room 4",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    session = response.json()
    assert (
        session["seat_limit"] == 2 and session["school_year"] == Session.objects.get().school_year
    )

    # When three people are enrolled, the third waits; each is warned they hold no coach role
    people = [make_teacher(district_a, school_a) for _ in range(3)]
    statuses = []
    for person in people:
        response = post_json(client, f"/learning/sessions/{session['id']}/enrolments",
                             {"staff_id": person.pk})  # fmt: skip
        assert response.status_code == 201, response.content
        statuses.append(response.json()["enrolment"]["status"])
        assert "does not hold a role" in response.json()["warnings"][0]
    assert statuses == ["enrolled", "enrolled", "waitlisted"]

    # ...and attendance is marked, one person leaving early
    response = post_json(client, f"/learning/sessions/{session['id']}/attendance", {"rows": [
        {"staff_id": people[0].pk, "attended": True},
        {"staff_id": people[1].pk, "attended": True, "hours": "2.5"},
    ]})  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["marked"] == 2
    roster = client.get(f"{API}/learning/sessions/{session['id']}/enrolments").json()
    assert roster["count"] == 3
    by_person = {r["staff_id"]: (r["status"], r["attended"], r["hours"]) for r in roster["items"]}
    assert by_person == {
        people[0].pk: ("enrolled", True, "4.00"),
        people[1].pk: ("enrolled", True, "2.50"),
        people[2].pk: ("waitlisted", None, None),
    }


def test_bulk_attendance_is_all_or_nothing_with_the_row_in_the_error(alice, district_a):
    session = make_session(make_activity(district_a, hours=D("3")), days(-2))
    people = [make_teacher(district_a) for _ in range(4)]
    enrol(session, *people)
    stranger = make_teacher(district_a)
    rows = [{"staff_id": p.pk, "attended": True} for p in people]
    rows[3]["hours"] = "-2"
    rows.append({"staff_id": stranger.pk, "attended": True})
    response = post_json(bearer(alice.user), f"/learning/sessions/{session.pk}/attendance",
                         {"rows": rows})  # fmt: skip
    assert response.status_code == 422
    assert fields(response) == ["body.rows.3.hours", "body.rows.4.staff_id"]
    assert messages(response)[0] == f"Line 4, {people[3].full_name}: hours can't be negative."
    assert not Enrolment.objects.filter(attended__isnull=False).exists()


def test_attendance_rows_that_are_not_well_formed_answer_422_at_the_row(alice, district_a):
    session = make_session(make_activity(district_a), days(-2))
    response = post_json(bearer(alice.user), f"/learning/sessions/{session.pk}/attendance",
                         {"rows": [{"staff_id": 1, "attended": "maybe", "extra": 1}]})  # fmt: skip
    assert response.status_code == 422
    # schema errors carry the parameter's name (core's convention); the row is still named
    assert fields(response) == ["body.payload.rows.0.attended", "body.payload.rows.0.extra"]


def test_attendance_for_a_session_ahead_is_refused(alice, district_a, staff_a):
    session = make_session(make_activity(district_a), days(3))
    enrol(session, staff_a)
    response = post_json(bearer(alice.user), f"/learning/sessions/{session.pk}/attendance",
                         {"rows": [{"staff_id": staff_a.pk, "attended": True}]})  # fmt: skip
    assert response.status_code == 422 and "before the session starts" in messages(response)[0]


def test_refusing_to_overbook_is_a_422_at_the_waitlist_field(alice, district_a):
    session = make_session(make_activity(district_a, capacity=1), days(3))
    enrol(session, make_teacher(district_a))
    late = make_teacher(district_a)
    response = post_json(bearer(alice.user), f"/learning/sessions/{session.pk}/enrolments",
                         {"staff_id": late.pk, "waitlist": False})  # fmt: skip
    assert response.status_code == 422 and fields(response) == ["body.waitlist"]
    assert Enrolment.objects.count() == 1


def test_cancelling_through_the_api_returns_who_was_promoted(alice, district_a):
    session = make_session(make_activity(district_a, capacity=1), days(3))
    first, second = make_teacher(district_a), make_teacher(district_a)
    seat = enrol(session, first).enrolled[0]
    enrol(session, second)
    response = post_json(bearer(alice.user), f"/learning/enrolments/{seat.pk}/cancel")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enrolment"]["status"] == "cancelled"
    assert body["promoted"]["staff_id"] == second.pk


def test_references_to_another_districts_records_are_422_at_the_field(
    alice, district_a, district_b, staff_b
):
    client = bearer(alice.user)
    foreign = make_activity(district_b, "Theirs")
    response = post_json(client, "/learning/sessions",
                         {"activity_id": foreign.pk, "starts_on": days(3).isoformat()})  # fmt: skip
    assert response.status_code == 422 and fields(response) == ["body.activity_id"]
    session = make_session(make_activity(district_a), days(3))
    response = post_json(client, f"/learning/sessions/{session.pk}/enrolments",
                         {"staff_id": staff_b.pk})  # fmt: skip
    assert response.status_code == 422 and fields(response) == ["body.staff_id"]
    role_b, _ = make_coach_role(district_b)
    response = post_json(client, "/learning/activities", {
        "title": "X", "source": "internal", "hours": "1", "audience_ids": [role_b.pk],
    })  # fmt: skip
    assert response.status_code == 422 and fields(response) == ["body.audience_ids"]
    assert not Session.objects.filter(activity=foreign).exists()
    assert not Activity.objects.filter(title="X").exists()


def test_bad_activity_bodies_answer_422_and_write_nothing(alice):
    client = bearer(alice.user)
    for body, field in [
        ({"title": "A", "source": "internal", "hours": "0.1"}, "body.hours"),
        ({"title": "A", "source": "internal", "hours": "201"}, "body.hours"),
        ({"title": "A", "source": "cruise", "hours": "2"}, "body.source"),
        ({"title": "A", "source": "internal", "hours": "2", "colour": "red"}, "body.colour"),
        ({"title": "A", "source": "internal", "hours": "2", "capacity": 0}, "body.capacity"),
    ]:
        response = post_json(client, "/learning/activities", body)
        assert response.status_code == 422, body
        assert any(f.endswith(field.removeprefix("body.")) for f in fields(response)), body
    assert not Activity.objects.exists()


def test_another_districts_records_answer_404(charlie, district_a, staff_a):
    client = bearer(charlie.user)
    activity = make_activity(district_a)
    session = make_session(activity, days(3))
    enrolment = enrol(session, staff_a).enrolled[0]
    program = make_program(district_a)
    for path in (f"/learning/activities/{activity.pk}", f"/learning/sessions/{session.pk}",
                 f"/learning/certifications/{program.pk}"):  # fmt: skip
        assert client.get(f"{API}{path}").status_code == 404, path
    assert client.get(f"{API}/learning/activities").json()["count"] == 0
    assert post_json(client, f"/learning/enrolments/{enrolment.pk}/cancel").status_code == 404
    assert post_json(client, f"/learning/sessions/{session.pk}/attendance",
                     {"rows": []}).status_code == 404  # fmt: skip


def test_a_teacher_enrols_themself_and_reads_only_their_own_hours(
    bob, bob_staff, district_a, school_a
):
    client = bearer(bob.user)
    session = make_session(make_activity(district_a), days(3))
    response = post_json(client, f"/learning/sessions/{session.pk}/enrolments", {})
    assert response.status_code == 201 and response.json()["enrolment"]["staff_id"] == bob_staff.pk
    other = make_teacher(district_a, school_a)
    response = post_json(client, f"/learning/sessions/{session.pk}/enrolments",
                         {"staff_id": other.pk})  # fmt: skip
    assert response.status_code == 403
    assert client.get(f"{API}/learning/hours").status_code == 403
    assert client.get(f"{API}/learning/sessions/{session.pk}/enrolments").status_code == 403
    body = {"title": "Mine", "source": "internal", "hours": "1"}
    assert post_json(client, "/learning/activities", body).status_code == 403
    past = make_session(make_activity(district_a, "Past", hours=D("2")), days(-3))
    enrol(past, bob_staff, other)
    attend(past, bob_staff, other)
    mine = client.get(f"{API}/learning/me/hours").json()
    assert mine["staff_id"] == bob_staff.pk and D(mine["total"]) == 2
    assert {k: D(v) for k, v in mine["by_element"].items()} == {
        "shared_vision": 0, "coaching_skills": 0, "role_skills": 2, "ongoing": 0,
    }  # fmt: skip
    assert not Activity.objects.filter(title="Mine").exists()


def test_a_teacher_cannot_mark_attendance(bob, bob_staff, district_a):
    session = make_session(make_activity(district_a), days(-3))
    enrol(session, bob_staff)
    response = post_json(bearer(bob.user), f"/learning/sessions/{session.pk}/attendance",
                         {"rows": [{"staff_id": bob_staff.pk, "attended": True}]})  # fmt: skip
    assert response.status_code == 403
    assert Enrolment.objects.get().attended is None


def test_hours_per_person_for_managers_page_by_page(alice, district_a, school_a):
    session = make_session(make_activity(district_a, hours=D("3")), days(-3))
    people = [make_teacher(district_a, school_a) for _ in range(3)]
    enrol(session, *people)
    attend(session, *people)
    client = bearer(alice.user)
    body = client.get(f"{API}/learning/hours?limit=2&school_year={session.school_year}").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert all(D(item["total"]) == 3 for item in body["items"])
    response = client.get(f"{API}/learning/hours?school_year=2026")
    assert response.status_code == 422 and fields(response) == ["body.school_year"]
    assert client.get(f"{API}/learning/hours?limit=500").status_code == 422


def test_certification_progress_for_managers_and_for_oneself(alice, bob, bob_staff, district_a):
    activity = make_activity(district_a, "Foundations")
    program = make_program(district_a, activity=activity, hours=None, walkthroughs="1")
    candidacy = services.candidacy_create(program=program, staff=bob_staff,
                                          started_on=days(-20), actor=None)  # fmt: skip
    session = make_session(activity, days(-10))
    enrol(session, bob_staff)
    attend(session, bob_staff)
    walkthrough(candidacy, days(-5))
    programs = bearer(bob.user).get(f"{API}/learning/certifications").json()
    assert [r["label"] for r in programs[0]["requirements"]] == [
        "Attend “Foundations”", "1 observed walkthrough",
    ]  # fmt: skip
    mine = bearer(bob.user).get(f"{API}/learning/me/certifications").json()
    assert mine[0]["certified_on"] == days(-5).isoformat()
    assert [r["met_on"] for r in mine[0]["requirements"]] == [
        days(-10).isoformat(), days(-5).isoformat(),
    ]  # fmt: skip
    assert (
        bearer(bob.user).get(f"{API}/learning/certifications/{program.pk}/candidates").status_code
        == 403
    )
    page = (
        bearer(alice.user)
        .get(f"{API}/learning/certifications/{program.pk}/candidates?status=certified")
        .json()
    )
    assert page["count"] == 1 and page["items"][0]["staff_id"] == bob_staff.pk
