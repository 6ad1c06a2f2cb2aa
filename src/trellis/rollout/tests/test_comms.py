"""The communications plan and the feedback sessions: services, pages, exports and the API; a
manager plans and ticks off, everyone in the district reads, another district sees nothing, and
bad input is refused at the field with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from trellis.core.models import AuditEvent
from trellis.factories import StaffFactory
from trellis.learning.tests.catalog_helpers import bearer, fields, messages, post_json
from trellis.rollout.models import Communication, FeedbackSession
from trellis.rollout.services.comms import communication_done, communication_save, feedback_save

pytestmark = pytest.mark.django_db

API = "/api/v1"
TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def plan(initiative, actor, **data) -> Communication:
    values = {
        "audience": "teachers",
        "message": "What personalized learning means for you",
        "channel": "meeting",
        "planned_on": days(7),
        **data,
    }
    return communication_save(initiative=initiative, data=values, actor=actor.user)


def heard(initiative, actor, **data) -> FeedbackSession:
    values = {
        "audience": "families",
        "held_on": days(-3),
        "format": "Evening forum",
        "participants": 40,
        "heard": "Worried about screen time",
        "response": "Publish the screen-time guidance",
        **data,
    }
    return feedback_save(initiative=initiative, data=values, actor=actor.user)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


# --- The plan -------------------------------------------------------------------------------


def test_a_manager_plans_a_communication_from_the_page_and_it_counts_for_its_audience(
    alice, initiative, staff_a
):
    # given alice's initiative has no communications yet
    client = alice.client()
    # when she plans one for principals, owned by Ana
    response = client.post(
        reverse("rollout:communication-new", args=[initiative.pk]),
        {
            "audience": "principals",
            "message": "The pilot needs one volunteer per school",
            "channel": "email",
            "planned_on": f"{days(10)}",
            "owner": staff_a.pk,
        },
    )
    # then it is saved, audited, and the plan counts it for principals
    assert response.status_code == 302
    saved = Communication.objects.get()
    assert (saved.audience, saved.owner, saved.done_on) == ("principals", staff_a, None)
    assert AuditEvent.objects.filter(action="rollout.communication_planned").count() == 1
    page = client.get(reverse("rollout:comms", args=[initiative.pk]))
    counts = {c.audience: (c.planned, c.done) for c in page.context["counts"]}
    assert counts["principals"] == (1, 0) and counts["board"] == (0, 0)
    assert "The pilot needs one volunteer per school" in page.content.decode()


def test_a_line_past_its_date_and_not_done_is_overdue_and_the_to_do_filter_drops_done_ones(
    alice, initiative
):
    # given one line past its date, one ticked off and one ahead
    late = plan(initiative, alice, planned_on=days(-5), message="Board briefing")
    done = plan(initiative, alice, planned_on=days(-9), audience="board", message="Board memo")
    communication_done(communication=done, done=True, actor=alice.user)
    plan(initiative, alice, planned_on=days(5), audience="families", message="Letter home")
    client = alice.client()
    # when the plan is shown whole, then filtered to what is still to do for the board
    page = client.get(reverse("rollout:comms", args=[initiative.pk]))
    todo = client.get(reverse("rollout:comms", args=[initiative.pk]), {"todo": "on"})
    board = client.get(reverse("rollout:comms", args=[initiative.pk]), {"audience": "board"})
    # then only the late one is overdue, the filter keeps what is not done
    overdue = {c.message: c.overdue for c in page.context["page"].object_list}
    assert overdue == {"Board memo": False, "Board briefing": True, "Letter home": False}
    assert [c.message for c in todo.context["page"].object_list] == [late.message, "Letter home"]
    assert [c.message for c in board.context["page"].object_list] == ["Board memo"]
    counts = {c.audience: (c.planned, c.done, c.overdue) for c in page.context["counts"]}
    assert counts["board"] == (1, 1, 0) and counts["teachers"] == (1, 0, 1)
    assert page.content.decode().count("badge problem") == 2  # the row and the count


def test_ticking_a_line_done_and_unticking_it_are_post_buttons_with_audit_events(alice, initiative):
    # given a planned line
    line = plan(initiative, alice)
    client = alice.client()
    url = reverse("rollout:communication-done", args=[line.pk])
    # when alice ticks it done, then unticks it
    client.post(url, {"done": "yes"})
    line.refresh_from_db()
    assert line.done_on == TODAY
    response = client.post(url, {"done": "no", "next": "https://evil.example/"})
    # then it is still to do again, each step audited, and she is sent back to the plan
    line.refresh_from_db()
    assert line.done_on is None
    assert response["Location"] == reverse("rollout:comms", args=[initiative.pk])
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["rollout.communication_done", "rollout.communication_reopened"]
    assert client.get(url).status_code == 405


def test_editing_a_line_keeps_its_owner_and_records_what_changed(alice, initiative, staff_a):
    line = plan(initiative, alice, owner=staff_a)
    client = alice.client()
    url = reverse("rollout:communication-edit", args=[line.pk])
    form = client.get(url).context["form"]
    assert form.initial["owner"] == staff_a.pk
    response = client.post(
        url,
        {
            "audience": "teachers",
            "message": "Changed words",
            "channel": "video",
            "planned_on": f"{days(3)}",
            "owner": staff_a.pk,
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.message, line.channel, line.owner) == ("Changed words", "video", staff_a)
    event = AuditEvent.objects.get(action="rollout.communication_changed")
    assert set(event.changes) == {"message", "channel", "planned_on"}


def test_an_empty_message_or_a_garbage_date_is_refused_at_the_field_and_nothing_is_saved(
    alice, initiative
):
    client = alice.client()
    url = reverse("rollout:communication-new", args=[initiative.pk])
    body = {
        "audience": "teachers",
        "message": "   ",
        "channel": "email",
        "planned_on": "next tuesday-ish",
    }
    response = client.post(url, body)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["message"] == ["Write what this audience needs to hear."]
    assert errors["planned_on"] == ["Write the date as year-month-day, like 2026-03-15."]
    assert "aria-invalid" in response.content.decode()
    assert not Communication.objects.exists()


def test_the_service_refuses_an_owner_of_another_district(alice, initiative, staff_b):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        plan(initiative, alice, owner=staff_b)
    assert "owner" in refused.value.message_dict
    assert not Communication.objects.exists()


def test_the_plan_paginates_and_the_export_follows_the_filters(alice, initiative):
    for n in range(52):
        plan(initiative, alice, message=f"Note {n:02d}", audience="staff" if n % 2 else "board")
    client = alice.client()
    first = client.get(reverse("rollout:comms", args=[initiative.pk]))
    last = client.get(reverse("rollout:comms", args=[initiative.pk]), {"page": "2"})
    assert len(first.context["page"].object_list) == 50
    assert len(last.context["page"].object_list) == 2
    assert 'rel="next"' in first.content.decode()
    export = client.get(
        reverse("rollout:comms-export", args=[initiative.pk, "csv"]), {"audience": "board"}
    )
    rows = csv_rows(export)
    assert rows[0] == ["Date", "Audience", "Message", "How", "Owner", "Done on", "Overdue"]
    assert len(rows) == 27 and {r[1] for r in rows[1:]} == {"School board"}
    excel = client.get(reverse("rollout:comms-export", args=[initiative.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(excel.content)).active
    assert sheet.max_row == 53


def test_an_export_neutralises_a_message_that_looks_like_a_formula(alice, initiative):
    plan(initiative, alice, message='=HYPERLINK("http://x")')
    rows = csv_rows(
        alice.client().get(reverse("rollout:comms-export", args=[initiative.pk, "csv"]))
    )
    assert rows[1][2].startswith("'=")


# --- Feedback sessions ----------------------------------------------------------------------


def test_a_manager_records_a_feedback_session_edits_it_and_exports_the_list(alice, initiative):
    client = alice.client()
    session_form = {
        "audience": "teachers",
        "held_on": f"{days(-1)}",
        "format": "Staff meeting at Aspen",
        "participants": "28",
        "heard": "Planning time is the worry",
        "response": "Protect Wednesday planning blocks",
    }
    response = client.post(reverse("rollout:feedback-new", args=[initiative.pk]), session_form)
    assert response.status_code == 302
    session = FeedbackSession.objects.get()
    changed = {**session_form, "format": "", "participants": "30"}
    changed["response"] = "Two protected blocks a week"
    edit = client.post(reverse("rollout:feedback-edit", args=[session.pk]), changed)
    assert edit.status_code == 302
    session.refresh_from_db()
    assert (session.participants, session.format) == (30, "")
    page = client.get(reverse("rollout:feedback", args=[initiative.pk]))
    assert "Two protected blocks a week" in page.content.decode()
    rows = csv_rows(client.get(reverse("rollout:feedback-export", args=[initiative.pk, "csv"])))
    assert rows[1][1:4] == ["Teachers", "", "30"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"rollout.feedback_recorded", "rollout.feedback_changed"} <= actions
    plan_page = client.get(reverse("rollout:comms", args=[initiative.pk]))
    assert "Planning time is the worry" in plan_page.content.decode()


def test_a_feedback_session_dated_in_the_future_is_refused_at_its_date(alice, initiative):
    response = alice.client().post(
        reverse("rollout:feedback-new", args=[initiative.pk]),
        {"audience": "families", "held_on": f"{days(2)}", "heard": "Not yet heard"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["held_on"] == [
        "Record a feedback session once it has been held."
    ]
    missing = alice.client().post(
        reverse("rollout:feedback-new", args=[initiative.pk]),
        {"audience": "families", "held_on": "yesterday", "heard": "", "participants": "-4"},
    )
    assert set(missing.context["form"].errors) == {"held_on", "heard", "participants"}
    assert not FeedbackSession.objects.exists()


# --- Who may do what ------------------------------------------------------------------------


def _urls(initiative, line, session) -> list[tuple[str, str]]:
    """Every page, export and API call of the section: (method, url)."""
    i = initiative.pk
    return [
        ("get", reverse("rollout:comms", args=[i])),
        ("get", reverse("rollout:comms-export", args=[i, "csv"])),
        ("get", reverse("rollout:comms-export", args=[i, "xlsx"])),
        ("get", reverse("rollout:communication-new", args=[i])),
        ("get", reverse("rollout:communication-edit", args=[line.pk])),
        ("post", reverse("rollout:communication-done", args=[line.pk])),
        ("get", reverse("rollout:feedback", args=[i])),
        ("get", reverse("rollout:feedback-export", args=[i, "csv"])),
        ("get", reverse("rollout:feedback-new", args=[i])),
        ("get", reverse("rollout:feedback-edit", args=[session.pk])),
        ("get", f"{API}/rollout/initiatives/{i}/communications"),
        ("post", f"{API}/rollout/initiatives/{i}/communications"),
        ("post", f"{API}/rollout/communications/{line.pk}/done"),
        ("get", f"{API}/rollout/initiatives/{i}/feedback"),
        ("post", f"{API}/rollout/initiatives/{i}/feedback"),
    ]


VALID_LINE = {
    "audience": "board",
    "message": "Hello",
    "channel": "email",
    "planned_on": f"{days(3)}",
}
VALID_SESSION = {"audience": "board", "held_on": f"{days(-3)}", "heard": "Questions"}


def _call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    body = VALID_SESSION if url.endswith("feedback") else VALID_LINE
    if url.endswith("/done"):
        body = {"done": True}
    return (
        post_json(client, url.removeprefix(API), body)
        if url.startswith(API)
        else (client.post(url, body))
    )


def test_another_district_gets_404_for_every_page_export_and_api_call(
    alice, charlie, initiative, other_initiative
):
    # given a line and a session in each district
    ours = (plan(initiative, alice), heard(initiative, alice))
    theirs = (plan(other_initiative, charlie), heard(other_initiative, charlie))
    # when charlie asks for district A's and alice for district B's
    for persona, target, (line, session) in (
        (charlie, initiative, ours),
        (alice, other_initiative, theirs),
    ):
        pages, api = persona.client(), bearer(persona.user)
        for method, url in _urls(target, line, session):
            response = _call(api if url.startswith(API) else pages, method, url)
            # then nothing of it exists for them
            assert response.status_code == 404, (persona.user.username, method, url)
    assert Communication.objects.count() == 2 and FeedbackSession.objects.count() == 2
    assert Communication.objects.filter(done_on__isnull=False).count() == 0


def test_a_teacher_reads_the_plan_and_feedback_but_every_write_is_forbidden(alice, bob, initiative):
    line, session = plan(initiative, alice), heard(initiative, alice)
    reads = [(m, u) for m, u in _urls(initiative, line, session) if m == "get"]
    writes = [(m, u) for m, u in _urls(initiative, line, session) if m == "post"]
    manager_pages = ("/new/", "/edit/")
    for method, url in reads:
        client = bearer(bob.user) if url.startswith(API) else bob.client()
        exporting = "/export." in url  # exports need the export permission
        expected = 403 if url.endswith(manager_pages) or exporting else 200
        assert _call(client, method, url).status_code == expected, url
    for method, url in writes:
        client = bearer(bob.user) if url.startswith(API) else bob.client()
        assert _call(client, method, url).status_code == 403, url
    for name, pk in (
        ("rollout:communication-new", initiative.pk),
        ("rollout:communication-edit", line.pk),
        ("rollout:feedback-new", initiative.pk),
        ("rollout:feedback-edit", session.pk),
    ):
        assert bob.client().post(reverse(name, args=[pk]), VALID_LINE).status_code == 403
    assert Communication.objects.count() == 1 and FeedbackSession.objects.count() == 1
    line.refresh_from_db()
    assert line.done_on is None
    page = bob.client().get(reverse("rollout:comms", args=[initiative.pk])).content.decode()
    assert "Plan a communication" not in page


# --- The API --------------------------------------------------------------------------------


def test_the_api_plans_lists_filters_and_ticks_off_communications(alice, initiative, staff_a):
    client = bearer(alice.user)
    base = f"/rollout/initiatives/{initiative.pk}/communications"
    made = post_json(
        client, base, {**VALID_LINE, "owner_id": staff_a.pk, "planned_on": f"{days(-2)}"}
    )
    assert made.status_code == 201, made.content
    assert made.json()["owner"] == staff_a.full_name and made.json()["overdue"] is True
    post_json(client, base, {**VALID_LINE, "audience": "families"})
    listed = client.get(f"{API}{base}", {"audience": "board"}).json()
    assert listed["count"] == 1 and listed["items"][0]["owner_id"] == staff_a.pk
    line_id = made.json()["id"]
    done = post_json(client, f"/rollout/communications/{line_id}/done", {})
    assert done.json()["done_on"] == f"{TODAY}" and done.json()["overdue"] is False
    todo = client.get(f"{API}{base}", {"todo": "true"}).json()
    assert [i["audience"] for i in todo["items"]] == ["families"]
    undone = post_json(client, f"/rollout/communications/{line_id}/done", {"done": False})
    assert undone.json()["done_on"] is None
    page = client.get(f"{API}{base}", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_the_api_refuses_bad_input_at_the_field_and_writes_nothing(alice, initiative, staff_b):
    client = bearer(alice.user)
    base = f"/rollout/initiatives/{initiative.pk}/communications"
    other = post_json(client, base, {**VALID_LINE, "owner_id": staff_b.pk})
    assert other.status_code == 422 and fields(other) == ["body.owner_id"]
    assert "No staff member with id" in messages(other)[0]
    empty = post_json(client, base, {**VALID_LINE, "message": "  "})
    assert empty.status_code == 422 and fields(empty) == ["body.message"]
    garbage = post_json(client, base, {**VALID_LINE, "planned_on": "soon", "colour": "red"})
    assert garbage.status_code == 422
    assert set(fields(garbage)) == {"body.payload.planned_on", "body.payload.colour"}
    future = post_json(
        client,
        f"/rollout/initiatives/{initiative.pk}/feedback",
        {**VALID_SESSION, "held_on": f"{days(1)}"},
    )
    assert future.status_code == 422 and fields(future) == ["body.held_on"]
    negative = post_json(
        client,
        f"/rollout/initiatives/{initiative.pk}/feedback",
        {**VALID_SESSION, "participants": -1},
    )
    assert negative.status_code == 422
    assert not Communication.objects.exists() and not FeedbackSession.objects.exists()


def test_the_api_records_and_lists_feedback_sessions_newest_first(alice, initiative):
    client = bearer(alice.user)
    url = f"/rollout/initiatives/{initiative.pk}/feedback"
    for held in (days(-10), days(-2)):
        response = post_json(client, url, {**VALID_SESSION, "held_on": f"{held}"})
        assert response.status_code == 201
    listed = client.get(f"{API}{url}").json()
    assert [i["held_on"] for i in listed["items"]] == [f"{days(-2)}", f"{days(-10)}"]


def test_a_communication_owner_is_chosen_from_current_staff_of_the_district(
    alice, initiative, staff_a, staff_b
):
    gone = StaffFactory(district=staff_a.district, school=staff_a.school, is_active=False)
    form = alice.client().get(reverse("rollout:communication-new", args=[initiative.pk]))
    choices = {c for c, _ in form.context["form"].fields["owner"].choices if c}
    assert {int(str(c)) for c in choices} == {staff_a.pk}
    assert gone.pk not in choices
