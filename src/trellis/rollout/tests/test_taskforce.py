"""The taskforce: members and their seats, the meeting-time finder, meetings with attendance and
notes, and actions; through the services, the pages, the exports and the API. Another district
gets 404 for all of it, a teacher reads it but cannot manage it, and bad input is refused at
the field with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from trellis.core.models import AuditEvent
from trellis.factories import StaffFactory
from trellis.planning.meeting_time import parse_windows
from trellis.rollout.models import Action, Attendance, Meeting, MeetingStatus, Seat
from trellis.rollout.models import TaskforceMember as Member
from trellis.rollout.selectors import taskforce as selectors
from trellis.rollout.services import taskforce as services

pytestmark = pytest.mark.django_db
API = "/api/v1/rollout"
# Only Wednesday 15:00–16:30 suits both required members (Pat and Tia) for 90 minutes.
AVAILABILITY = {
    "pat": "Mon 15:00-17:00, Wed 15:00-16:30",
    "tia": "Wed 15:00-17:00, Thu 14:00-16:00",
    "cole": "Mon 15:00-17:00, Thu 14:00-16:00",
}
SEATS = {"pat": Seat.PRINCIPAL, "tia": Seat.TEACHER_LEADER, "cole": Seat.COACH}
NOT_A_TIME = "Mondays after lunch"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def join(initiative, staff, actor, **data):
    data = {"staff": staff, "seat": Seat.OTHER, "joined_on": days_ago(60), **data}
    return services.member_save(initiative=initiative, data=data, actor=actor)


def plan(initiative, actor, day: dt.date, **data):
    data = {"starts_at": at(day), "minutes": 90, **data}
    return services.meeting_schedule(initiative=initiative, data=data, actor=actor)


def export_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def people(district_a, school_a):
    return {
        name: StaffFactory(district=district_a, school=school_a, first_name=name.title(),
                           last_name=f"{name.title()}son")
        for name in ("pat", "tia", "cole")
    }  # fmt: skip


@pytest.fixture
def taskforce(initiative, alice, people):
    return {
        name: join(initiative, staff, alice.user, seat=SEATS[name], required=name != "cole",
                   availability=AVAILABILITY[name])
        for name, staff in people.items()
    }  # fmt: skip


@pytest.fixture
def held(initiative, alice, taskforce):
    """Last week's meeting, held, with Pat and Tia present and Cole absent."""
    meeting = plan(initiative, alice.user, days_ago(7), location="Board room", agenda="The vision")
    return services.meeting_record(meeting=meeting, present=[taskforce["pat"], taskforce["tia"]],
                                   notes="Agreed the draft vision.", actor=alice.user)  # fmt: skip


@pytest.fixture
def action(initiative, alice, held, people):
    """Pat's action from last week's meeting, due yesterday: overdue."""
    return services.action_add(initiative=initiative, text="Share the draft with principals",
                               owner=people["pat"], due_on=days_ago(1), meeting=held,
                               actor=alice.user)  # fmt: skip


@pytest.fixture
def bob_staff(bob, district_a, school_a):
    return StaffFactory(district=district_a, school=school_a, user=bob.user, first_name="Bob")


@pytest.fixture
def theirs(other_initiative, charlie, district_b):
    """Cedar Ridge's taskforce: a member, a held meeting and an action."""
    staff = StaffFactory(district=district_b, school__district=district_b)
    member = join(other_initiative, staff, charlie.user)
    meeting = plan(other_initiative, charlie.user, days_ago(3))
    services.meeting_record(meeting=meeting, present=[member], notes="", actor=charlie.user)
    done = services.action_add(initiative=other_initiative, text="Theirs", owner=staff,
                               due_on=days_ago(1), meeting=meeting, actor=charlie.user)  # fmt: skip
    return {"initiative": other_initiative, "member": member, "meeting": meeting, "action": done}


# --- Members --------------------------------------------------------------------------------


def test_a_member_joins_once_and_someone_already_on_the_taskforce_is_refused(
    initiative, alice, taskforce, people
):
    # given Pat is on the taskforce
    # when alice adds Pat again
    with pytest.raises(ValidationError) as refused:
        join(initiative, people["pat"], alice.user)
    # then the form would say so at the person, and nothing is written
    assert "already on the taskforce" in refused.value.message_dict["staff"][0]
    assert Member.objects.filter(initiative=initiative).count() == 3


def test_the_member_form_says_a_person_is_already_on_the_taskforce(alice, initiative, taskforce,
                                                                    people):  # fmt: skip
    response = alice.client().post(
        reverse("rollout:taskforce-member-new", args=[initiative.pk]),
        {"staff": people["pat"].pk, "seat": Seat.PRINCIPAL},
    )
    assert response.status_code == 400
    assert "already on the taskforce" in response.context["form"].errors["staff"][0]
    assert Member.objects.filter(initiative=initiative).count() == 3


def test_availability_that_does_not_parse_gets_the_parsers_message_at_the_field(
    alice, initiative, people
):
    # given the parser's own words for text it cannot read
    with pytest.raises(ValueError) as parsed:
        parse_windows(NOT_A_TIME)
    # when alice adds a member with that availability
    response = alice.client().post(
        reverse("rollout:taskforce-member-new", args=[initiative.pk]),
        {"staff": people["pat"].pk, "seat": Seat.PRINCIPAL, "availability": NOT_A_TIME},
    )
    # then the form shows them at the availability field and nobody joins
    assert response.status_code == 400
    assert response.context["form"].errors["availability"] == [str(parsed.value)]
    assert not Member.objects.exists()


def test_adding_a_member_through_the_page_records_their_seat(alice, initiative, people, school_a):
    response = alice.client().post(
        reverse("rollout:taskforce-member-new", args=[initiative.pk]),
        {"staff": people["pat"].pk, "seat": Seat.PRINCIPAL, "school": school_a.pk,
         "required": "on", "availability": AVAILABILITY["pat"]},
    )  # fmt: skip
    assert response.status_code == 302
    member = Member.objects.get(initiative=initiative)
    assert (member.seat, member.school, member.required) == (Seat.PRINCIPAL, school_a, True)
    assert member.joined_on == timezone.localdate()


def test_editing_a_seat_keeps_the_date_the_member_joined(alice, taskforce):
    pat = taskforce["pat"]
    response = alice.client().post(
        reverse("rollout:taskforce-member-edit", args=[pat.pk]),
        {"seat": Seat.DIRECTOR, "availability": "Fri 09:00-10:00"},
    )
    assert response.status_code == 302
    pat.refresh_from_db()
    assert (pat.seat, pat.required, pat.joined_on) == (Seat.DIRECTOR, False, days_ago(60))


def test_a_member_leaves_and_shows_among_the_former_members(alice, initiative, taskforce):
    cole = taskforce["cole"]
    client = alice.client()
    early = client.post(reverse("rollout:taskforce-member-leave", args=[cole.pk]),
                        {"left_on": f"{days_ago(90)}"})  # fmt: skip
    assert "before they joined" in early.context["form"].errors["left_on"][0]
    client.post(reverse("rollout:taskforce-member-leave", args=[cole.pk]),
                {"left_on": f"{timezone.localdate()}"})  # fmt: skip
    page = client.get(reverse("rollout:taskforce", args=[initiative.pk]))
    assert [m.pk for m in page.context["former"].object_list] == [cole.pk]
    assert cole.pk not in [m.pk for m in page.context["members"].object_list]


def test_a_member_keeps_their_own_availability_and_a_non_member_has_no_such_page(
    bob, bob_staff, alice, initiative, taskforce
):
    # given bob is on the taskforce
    join(initiative, bob_staff, alice.user)
    url = reverse("rollout:taskforce-availability", args=[initiative.pk])
    # when he types text the parser cannot read, then his own times
    bad = bob.client().post(url, {"availability": NOT_A_TIME})
    good = bob.client().post(url, {"availability": "Tue 16:00-17:00"})
    # then the first is refused at the field and the second kept
    assert bad.status_code == 400 and "availability" in bad.context["form"].errors
    assert good.status_code == 302
    assert Member.objects.get(staff=bob_staff).availability == "Tue 16:00-17:00"
    # and alice, who is not a member, has no "my availability" page
    assert alice.client().get(url).status_code == 404


def test_a_member_cannot_change_someone_elses_availability(bob, bob_staff, alice, taskforce):
    with pytest.raises(PermissionDenied):
        services.availability_save(member=taskforce["pat"], availability="", actor=bob.user)
    assert taskforce["pat"].availability == AVAILABILITY["pat"]


# --- The meeting-time finder ----------------------------------------------------------------


def test_the_finder_shows_first_the_time_the_required_members_share(alice, initiative, taskforce):
    # given Pat and Tia (required) share only Wednesday 15:00-16:30, Cole gave other times
    # when alice looks for a 90-minute meeting
    response = alice.client().get(
        reverse("rollout:taskforce-times", args=[initiative.pk]), {"minutes": 90}
    )
    # then Wednesday at 15:00 comes first, with no required member missing
    first = response.context["choices"][0]
    assert (first.slot.weekday, first.slot.start) == (2, dt.time(15, 0))
    assert first.missing == []
    body = response.content.decode()
    assert body.index("Wednesday 15:00") < body.index("Monday 15:00")
    # and its "plan a meeting" link carries the date and time
    link = (f"{reverse('rollout:taskforce-meeting-new', args=[initiative.pk])}"
            f"?on={first.first_date:%Y-%m-%d}&amp;at=15:00&amp;minutes=90")  # fmt: skip
    assert link in body


def test_the_finder_lists_members_who_gave_no_availability(alice, initiative, taskforce, bob_staff):
    join(initiative, bob_staff, alice.user)
    response = alice.client().get(reverse("rollout:taskforce-times", args=[initiative.pk]))
    assert response.context["silent"] == [bob_staff.full_name]
    assert "Members who gave no availability" in response.content.decode()


def test_the_finder_suggests_no_time_when_nobody_gave_availability(alice, initiative, people):
    for staff in people.values():
        join(initiative, staff, alice.user)
    response = alice.client().get(reverse("rollout:taskforce-times", args=[initiative.pk]))
    assert response.context["choices"] == []
    assert "No member has given the times they can meet yet" in response.content.decode()


def test_a_suggested_time_prefills_the_meeting_form(alice, initiative, taskforce):
    day = timezone.localdate() + dt.timedelta(days=9)
    response = alice.client().get(
        reverse("rollout:taskforce-meeting-new", args=[initiative.pk]),
        {"on": f"{day}", "at": "15:00", "minutes": "90"},
    )
    body = response.content.decode()
    assert f'value="{day}"' in body and 'value="15:00"' in body


def test_the_cadence_suggests_the_next_meeting_after_the_last_one_held(initiative, held):
    # given the last meeting was held a week ago and the taskforce meets every 6 weeks
    suggested = selectors.next_meeting_on(initiative=initiative, today=timezone.localdate())
    # then the next one is five weeks from now
    assert suggested == days_ago(7) + dt.timedelta(weeks=initiative.meeting_weeks)


# --- Meetings -------------------------------------------------------------------------------


def test_a_taskforce_with_no_members_cannot_plan_a_meeting(alice, initiative):
    response = alice.client().post(
        reverse("rollout:taskforce-meeting-new", args=[initiative.pk]),
        {"on": f"{timezone.localdate()}", "at": "15:00", "minutes": "90"},
    )
    assert response.status_code == 400
    assert "no members yet" in " ".join(response.context["form"].non_field_errors())
    assert not Meeting.objects.exists()


def test_a_meeting_date_typed_as_garbage_is_refused_at_the_field(alice, initiative, taskforce):
    response = alice.client().post(
        reverse("rollout:taskforce-meeting-new", args=[initiative.pk]),
        {"on": "next Tuesday", "at": "25:99", "minutes": "90"},
    )
    errors = response.context["form"].errors
    assert "YYYY-MM-DD" in errors["on"][0] and "HH:MM" in errors["at"][0]
    assert not Meeting.objects.exists()


def test_recording_with_nobody_present_is_refused_at_present_and_writes_nothing(
    alice, initiative, taskforce
):
    # given a meeting that took place yesterday
    meeting = plan(initiative, alice.user, days_ago(1))
    # when alice records it with nobody ticked
    response = alice.client().post(
        reverse("rollout:taskforce-meeting-record", args=[meeting.pk]), {"notes": "Quiet."}
    )
    # then the message is at "present" and the meeting stays planned, with no attendance
    assert response.status_code == 400
    assert "no one present" in response.context["form"].errors["present"][0]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes) == (MeetingStatus.PLANNED, "")
    assert not Attendance.objects.exists()


def test_recording_a_meeting_writes_attendance_for_every_member_that_day(
    alice, initiative, taskforce
):
    meeting = plan(initiative, alice.user, days_ago(1))
    response = alice.client().post(
        reverse("rollout:taskforce-meeting-record", args=[meeting.pk]),
        {"present": [taskforce["pat"].pk, taskforce["cole"].pk], "notes": "Pilot schools."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes) == (MeetingStatus.HELD, "Pilot schools.")
    marks = {a.member.staff.first_name: a.present for a in meeting.attendance.all()}
    assert marks == {"Pat": True, "Tia": False, "Cole": True}
    detail = alice.client().get(reverse("rollout:taskforce-meeting", args=[meeting.pk]))
    assert detail.context["attendance"][0][0].staff.first_name in {"Pat", "Tia", "Cole"}
    assert "Pilot schools." in detail.content.decode()


def test_a_meeting_that_has_not_happened_cannot_be_recorded(alice, initiative, taskforce):
    meeting = plan(initiative, alice.user, timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(meeting=meeting, present=[taskforce["pat"]], notes="",
                                actor=alice.user)  # fmt: skip
    assert "not happened yet" in refused.value.messages[0]
    assert not Attendance.objects.exists()


def test_a_cancelled_meeting_is_planned_again_and_a_held_one_cannot_be_cancelled(
    alice, initiative, taskforce, held
):
    client = alice.client()
    meeting = plan(initiative, alice.user, timezone.localdate() + dt.timedelta(days=3))
    status = reverse("rollout:taskforce-meeting-status", args=[meeting.pk])
    client.post(status, {"to": "cancelled"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    client.post(status, {"to": "planned"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    refused = client.post(reverse("rollout:taskforce-meeting-status", args=[held.pk]),
                          {"to": "cancelled"}, follow=True)  # fmt: skip
    assert "cannot become cancelled" in refused.content.decode()
    held.refresh_from_db()
    assert held.status == MeetingStatus.HELD


def test_only_a_planned_meeting_can_be_changed(alice, held):
    client = alice.client()
    response = client.get(reverse("rollout:taskforce-meeting-edit", args=[held.pk]))
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Only a planned meeting can be changed." in page.content.decode()


# --- Actions --------------------------------------------------------------------------------


def test_an_action_is_added_from_a_meeting_with_an_owner_from_the_staff(alice, held, people):
    url = reverse("rollout:taskforce-action-new", args=[held.pk])
    bad = alice.client().post(url, {"text": "Visit Highline", "owner": people["cole"].pk,
                                    "due_on": "soon-ish"})  # fmt: skip
    assert "YYYY-MM-DD" in bad.context["form"].errors["due_on"][0]
    assert not Action.objects.exists()
    ok = alice.client().post(url, {"text": "Visit Highline", "owner": people["cole"].pk,
                                   "due_on": f"{timezone.localdate()}"})  # fmt: skip
    assert ok.status_code == 302
    assert Action.objects.get().meeting == held


def test_the_owner_or_a_manager_closes_an_action_and_nobody_else(
    bob, bob_staff, alice, initiative, held, action
):
    # given bob does not own Pat's action
    done = reverse("rollout:taskforce-action-done", args=[action.pk])
    assert bob.client().post(done).status_code == 403
    # when he owns one, he closes and reopens it
    his = services.action_add(initiative=initiative, text="Book the library", owner=bob_staff,
                              due_on=timezone.localdate(), actor=alice.user)  # fmt: skip
    bob.client().post(reverse("rollout:taskforce-action-done", args=[his.pk]))
    his.refresh_from_db()
    assert his.done_on == timezone.localdate()
    bob.client().post(reverse("rollout:taskforce-action-reopen", args=[his.pk]))
    his.refresh_from_db()
    assert his.done_on is None
    # and a manager closes anyone's
    alice.client().post(done)
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


def test_closing_a_done_action_again_is_refused(alice, action):
    services.action_close(action=action, done=True, actor=alice.user)
    with pytest.raises(ValidationError):
        services.action_close(action=action, done=True, actor=alice.user)


# --- The taskforce page ---------------------------------------------------------------------


def test_the_taskforce_page_shows_members_meetings_and_an_overdue_action(
    bob, initiative, taskforce, held, action
):
    # given a held meeting with two of three present, and Pat's action overdue
    # when bob (a teacher) opens the taskforce page
    response = bob.client().get(reverse("rollout:taskforce", args=[initiative.pk]))
    body = response.content.decode()
    # then he reads it all, without the managers' buttons
    assert response.status_code == 200
    assert [m.attended for m in response.context["members"].object_list if m.required] == [1, 1]
    assert "2 of 3" in body and "Held" in body
    assert "Share the draft with principals" in body and "Overdue" in body
    assert "Add a member" not in body and "Plan a meeting" not in body
    assert "Export CSV" not in body  # teachers do not export


def test_an_empty_taskforce_says_what_to_do_first(alice, initiative):
    body = alice.client().get(reverse("rollout:taskforce", args=[initiative.pk])).content
    assert "Nobody is on the taskforce yet" in body.decode()
    assert "No meetings yet" in body.decode()


def test_meetings_are_listed_newest_first_fifty_a_page(alice, initiative, taskforce):
    for n in range(52):
        plan(initiative, alice.user, days_ago(n + 1))
    url = reverse("rollout:taskforce", args=[initiative.pk])
    first = alice.client().get(url).context["page"]
    assert len(first.object_list) == 50 and first.object_list[0].starts_at == at(days_ago(1))
    second = alice.client().get(url, {"page": 2}).context["page"]
    assert [m.starts_at for m in second.object_list] == [at(days_ago(51)), at(days_ago(52))]


# --- Exports --------------------------------------------------------------------------------


def test_members_meetings_and_actions_export_as_csv_and_excel(
    alice, initiative, taskforce, held, action
):
    client = alice.client()
    members = export_rows(client.get(
        reverse("rollout:taskforce-members-export", args=[initiative.pk, "csv"])))  # fmt: skip
    assert members[0][0] == "Name" and len(members) == 4
    assert {(r[0], r[-1]) for r in members[1:]} == {
        ("Pat Patson", "1"), ("Tia Tiason", "1"), ("Cole Coleson", "0")}  # fmt: skip
    meetings = export_rows(client.get(
        reverse("rollout:taskforce-meetings-export", args=[initiative.pk, "csv"])))  # fmt: skip
    assert meetings[1][4:7] == ["Held", "2", "1"]
    actions = export_rows(client.get(
        reverse("rollout:taskforce-actions-export", args=[initiative.pk, "csv"])))  # fmt: skip
    assert actions[1][:2] == ["Share the draft with principals", "Pat Patson"]
    excel = client.get(reverse("rollout:taskforce-actions-export", args=[initiative.pk, "xlsx"]))
    assert excel.status_code == 200 and excel.content[:2] == b"PK"


# --- Tenancy and permissions ----------------------------------------------------------------

# Every URL name of the taskforce pages, with what its argument is and how it is called.
URLS = {
    "taskforce": ("initiative", "get"),
    "taskforce-members": ("initiative", "get"),
    "taskforce-member-new": ("initiative", "post"),
    "taskforce-members-export": ("initiative", "export"),
    "taskforce-member-edit": ("member", "post"),
    "taskforce-member-leave": ("member", "post"),
    "taskforce-availability": ("initiative", "post"),
    "taskforce-times": ("initiative", "get"),
    "taskforce-meeting-new": ("initiative", "post"),
    "taskforce-meetings-export": ("initiative", "export"),
    "taskforce-meeting": ("meeting", "get"),
    "taskforce-meeting-edit": ("meeting", "post"),
    "taskforce-meeting-record": ("meeting", "post"),
    "taskforce-meeting-status": ("meeting", "post-only"),
    "taskforce-action-new": ("meeting", "post"),
    "taskforce-actions": ("initiative", "get"),
    "taskforce-actions-export": ("initiative", "export"),
    "taskforce-action-done": ("action", "post-only"),
    "taskforce-action-reopen": ("action", "post-only"),
}
# What a teacher may not do: every manager's page and button, closing someone else's action, and
# exports (teachers do not export).
FORBIDDEN_TO_TEACHERS = {
    "taskforce-member-new", "taskforce-member-edit", "taskforce-member-leave",
    "taskforce-meeting-new", "taskforce-meeting-edit", "taskforce-meeting-record",
    "taskforce-meeting-status", "taskforce-action-new", "taskforce-action-done",
    "taskforce-action-reopen", "taskforce-members-export", "taskforce-meetings-export",
    "taskforce-actions-export",
}  # fmt: skip


def requests_for(objects: dict) -> list[tuple[str, str, str]]:
    """(name, method, url) for every taskforce URL, pointed at ``objects``."""
    calls = []
    for name, (target, how) in URLS.items():
        args = [objects[target].pk, "csv"] if how == "export" else [objects[target].pk]
        url = reverse(f"rollout:{name}", args=args)
        if how in ("get", "post", "export"):
            calls.append((name, "get", url))
        if how in ("post", "post-only"):
            calls.append((name, "post", url))
        if how == "export":
            calls.append((name, "get", reverse(f"rollout:{name}", args=[args[0], "xlsx"])))
    return calls


def test_the_tenancy_table_covers_every_taskforce_url():
    from trellis.rollout.views import taskforce as views  # once the URL converters exist

    assert set(URLS) == {p.name for p in views.urlpatterns}


def test_another_district_gets_404_for_every_taskforce_page_export_and_button(
    charlie, initiative, taskforce, held, action
):
    # given district A's taskforce, meeting and action, and charlie who runs district B
    objects = {"initiative": initiative, "member": taskforce["pat"], "meeting": held,
               "action": action}  # fmt: skip
    writes = AuditEvent.objects.count()
    client = charlie.client()
    # when he asks for each page, export and button by id
    for name, method, url in requests_for(objects):
        response = getattr(client, method)(url, {"to": "cancelled", "left_on": "2030-01-01"})
        # then none of them exists for him
        assert response.status_code == 404, (name, method)
    # and nothing was written
    assert AuditEvent.objects.count() == writes


def test_district_a_gets_404_for_district_bs_taskforce(alice, theirs):
    client = alice.client()
    for name, method, url in requests_for(theirs):
        assert getattr(client, method)(url).status_code == 404, (name, method)


def test_a_teacher_reads_the_taskforce_and_gets_403_on_every_managers_write(
    bob, initiative, taskforce, held, action
):
    objects = {"initiative": initiative, "member": taskforce["pat"], "meeting": held,
               "action": action}  # fmt: skip
    client = bob.client()
    for name, method, url in requests_for(objects):
        response = getattr(client, method)(url, {"to": "cancelled"})
        if name in FORBIDDEN_TO_TEACHERS:
            assert response.status_code == 403, (name, method)
        elif name == "taskforce-availability":
            assert response.status_code == 404  # bob is not on this taskforce
        else:
            assert response.status_code == 200, (name, method)
    assert Meeting.objects.get(pk=held.pk).status == MeetingStatus.HELD


def test_every_taskforce_write_is_in_the_audit_log(alice, initiative, taskforce, held, action):
    services.action_close(action=action, done=True, actor=alice.user)
    services.availability_save(member=taskforce["cole"], availability="", actor=alice.user)
    services.member_leave(member=taskforce["cole"], on=timezone.localdate(), actor=alice.user)
    logged = set(AuditEvent.objects.filter(district=initiative.district)
                 .values_list("action", flat=True))  # fmt: skip
    assert logged >= {
        "rollout.taskforce_member_added", "rollout.meeting_planned", "rollout.meeting_recorded",
        "rollout.action_added", "rollout.action_closed", "rollout.availability_changed",
        "rollout.taskforce_member_left",
    }  # fmt: skip


# --- API ------------------------------------------------------------------------------------


def test_members_meetings_and_actions_through_the_api(alice, initiative, people):
    client = alice.client()
    base = f"{API}/initiatives/{initiative.pk}"
    added = client.post(f"{base}/taskforce/members", {
        "staff_id": people["pat"].pk, "seat": "principal", "required": True,
        "availability": AVAILABILITY["pat"], "joined_on": f"{days_ago(30)}"},
        content_type="application/json")  # fmt: skip
    assert added.status_code == 201, added.content
    member_id = added.json()["id"]
    listed = client.get(f"{base}/taskforce/members").json()
    assert listed["count"] == 1 and listed["items"][0]["staff"]["id"] == people["pat"].pk
    planned = client.post(f"{base}/meetings", {"starts_at": f"{days_ago(2)}T15:00:00"},
                          content_type="application/json")  # fmt: skip
    assert planned.status_code == 201, planned.content
    meeting_id = planned.json()["id"]
    recorded = client.post(f"{API}/meetings/{meeting_id}/record",
                           {"present_ids": [member_id], "notes": "Kick-off"},
                           content_type="application/json")  # fmt: skip
    assert recorded.json()["status"] == "held" and recorded.json()["present"] == 1
    made = client.post(f"{base}/actions", {"text": "Draft the letter", "owner_id": people["tia"].pk,
                       "due_on": f"{days_ago(1)}", "meeting_id": meeting_id},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["overdue"] is True
    done = client.post(f"{API}/actions/{made.json()['id']}/done")
    assert done.json()["done_on"] == f"{timezone.localdate()}"
    assert client.get(f"{base}/actions", {"open": True}).json()["count"] == 0


def test_the_api_refuses_another_districts_staff_and_meeting_at_the_field(
    alice, initiative, taskforce, held, staff_b, theirs
):
    client = alice.client()
    base = f"{API}/initiatives/{initiative.pk}"
    member = client.post(f"{base}/taskforce/members", {"staff_id": staff_b.pk, "seat": "other"},
                         content_type="application/json")  # fmt: skip
    assert member.status_code == 422
    assert [e["field"] for e in member.json()["errors"]] == ["body.staff_id"]
    action = client.post(f"{base}/actions", {"text": "x", "owner_id": staff_b.pk,
                         "due_on": "2030-01-01", "meeting_id": theirs["meeting"].pk},
                         content_type="application/json")  # fmt: skip
    assert action.status_code == 422
    again = client.post(f"{base}/taskforce/members", {"staff_id": taskforce["pat"].staff_id,
                        "seat": "principal"}, content_type="application/json")  # fmt: skip
    assert [e["field"] for e in again.json()["errors"]] == ["body.staff_id"]
    assert "already on the taskforce" in again.json()["errors"][0]["message"]
    record = client.post(f"{API}/meetings/{held.pk}/record",
                         {"present_ids": [theirs["member"].pk]},
                         content_type="application/json")  # fmt: skip
    assert [e["field"] for e in record.json()["errors"]] == ["body.present_ids.0"]
    assert Member.objects.filter(initiative=initiative).count() == 3
    assert not Action.objects.filter(initiative=initiative).exists()
    assert Attendance.objects.filter(meeting=held, present=True).count() == 2


def test_the_api_records_nobody_present_as_an_error_at_present(alice, initiative, taskforce):
    meeting = plan(initiative, alice.user, days_ago(1))
    response = alice.client().post(f"{API}/meetings/{meeting.pk}/record", {"present_ids": []},
                                   content_type="application/json")  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["body.present"]
    assert not Attendance.objects.exists()


def test_the_api_answers_404_to_another_district_and_403_to_a_teacher(
    charlie, bob, initiative, taskforce, held, action, people
):
    base = f"{API}/initiatives/{initiative.pk}"
    for path in (f"{base}/taskforce/members", f"{base}/meetings", f"{base}/actions"):
        assert charlie.client().get(path).status_code == 404, path
        assert bob.client().get(path).status_code == 200, path
    posts = {
        f"{base}/taskforce/members": {"staff_id": people["pat"].pk, "seat": "other"},
        f"{base}/meetings": {"starts_at": "2026-01-01T15:00:00"},
        f"{API}/meetings/{held.pk}/record": {"present_ids": [taskforce["pat"].pk]},
        f"{base}/actions": {"text": "x", "owner_id": people["pat"].pk, "due_on": "2030-01-01"},
        f"{API}/actions/{action.pk}/done": {},
    }
    for path, body in posts.items():
        assert charlie.client().post(path, body, content_type="application/json"
                                     ).status_code == 404, path  # fmt: skip
        assert bob.client().post(path, body, content_type="application/json"
                                 ).status_code == 403, path  # fmt: skip
    assert Action.objects.get(pk=action.pk).done_on is None
