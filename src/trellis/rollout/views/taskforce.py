"""Taskforce pages: its members and their seats, the meeting-time finder, meetings with their
agenda, attendance and notes, and the actions that come out of them.

Everyone in the district reads them. Rollout managers change them; a member keeps their own
availability, and an action's owner marks it done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.rollout.forms.taskforce import (
    DEFAULT_MINUTES,
    ActionForm,
    AvailabilityForm,
    DurationForm,
    LeaveForm,
    MeetingForm,
    MemberForm,
    RecordForm,
)
from trellis.rollout.models import Initiative, Meeting, MeetingStatus, TaskforceMember
from trellis.rollout.selectors import taskforce as selectors
from trellis.rollout.services import taskforce as services
from trellis.rollout.views.common import (
    Trail,
    back_to,
    crumbs,
    form_page,
    initiative_for,
    is_manager,
    tabs,
)

Managed = TypeVar("Managed", TaskforceMember, Meeting)


def _home(initiative_id: int) -> str:
    return reverse("rollout:taskforce", args=[initiative_id])


def _form_page(
    request: HttpRequest, form: Any, initiative: Initiative, title: str, *trail: Trail,
    back: str = "", intro: str = "",
) -> HttpResponse:  # fmt: skip
    home = _home(initiative.pk)
    return form_page(request, form, initiative, title, ("Taskforce", home), *trail,
                     back=back or home, intro=intro)  # fmt: skip


def _managed(
    request: HttpRequest, pk: int, get: Callable[..., Managed]
) -> tuple[District, User, Managed]:
    """A member or meeting of the manager's district (another district's is a 404)."""
    district, user = require_district(request, policy.ROLLOUT_MANAGE)
    return district, user, get(district=district, pk=pk)


# --- The taskforce and its members ----------------------------------------------------------


@login_required
@require_GET
def taskforce(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    today = timezone.localdate()
    context = {
        "initiative": initiative,
        "members": paginate(selectors.members(initiative=initiative), 1),
        "former": paginate(selectors.members(initiative=initiative, current=False), 1),
        "open_actions": paginate(selectors.actions(initiative=initiative, open_only=True), 1),
        "page": paginate(selectors.meetings(initiative=initiative), page_number(request)),
        "next_on": selectors.next_meeting_on(initiative=initiative, today=today),
        "me": selectors.member_of(initiative=initiative, user_id=user.pk),
        "can_manage": is_manager(user, initiative),
        "today": today,
        "here": request.get_full_path(),
        "tabs": tabs(initiative, "rollout:taskforce"),
        "crumbs": crumbs(initiative, ("Taskforce", None)),
    }
    return render(request, "rollout/taskforce/taskforce.html", context)


@login_required
@require_GET
def member_list(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    context = {
        "initiative": initiative,
        "page": paginate(selectors.members(initiative=initiative, current=None),
                         page_number(request)),
        "can_manage": is_manager(user, initiative),
        "crumbs": crumbs(initiative, ("Taskforce", _home(pk)), ("Members", None)),
    }  # fmt: skip
    return render(request, "rollout/taskforce/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    form = MemberForm(request.POST or None, district=district, with_staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_save(
                initiative=initiative, data=form.service_data(), actor=user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.staff.full_name} joined the taskforce.")
            return redirect(_home(pk))
    intro = "Districts that did this well gave a seat to the people who carry the work: "
    intro += "principals, teacher-leaders, coaches, the teachers' association and families."
    return _form_page(request, form, initiative, "Add a taskforce member", intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user, member = _managed(request, pk, selectors.member_get)
    form = MemberForm(request.POST or None, initial=MemberForm.initial_of(member),
                      district=district, with_staff=False)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.member_save(initiative=member.initiative, member=member,
                                 data=form.service_data(), actor=user)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {member.staff.full_name}'s seat.")
            return redirect(_home(member.initiative_id))
    title = f"Edit {member.staff.full_name}'s seat"
    return _form_page(request, form, member.initiative, title)


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, member = _managed(request, pk, selectors.member_get)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(member=member, on=form.cleaned_data["left_on"], actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.staff.full_name} has left the taskforce.")
            return redirect(_home(member.initiative_id))
    intro = "They stay in the record of the meetings they attended, as a former member."
    title = f"{member.staff.full_name} leaves the taskforce"
    return _form_page(request, form, member.initiative, title, intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's own weekly availability, which the meeting-time finder reads."""
    _, user, initiative = initiative_for(request, pk)
    member = selectors.member_of(initiative=initiative, user_id=user.pk)
    if member is None:
        raise Http404("You are not on this taskforce.")
    form = AvailabilityForm(request.POST or None, initial={"availability": member.availability})
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_save(member=member, actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved your availability.")
            return redirect("rollout:taskforce-times", pk=pk)
    intro = "The times in a usual week when you could come to a taskforce meeting."
    return _form_page(request, form, initiative, "My availability", intro=intro)


@login_required
@require_GET
def meeting_times(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    form = DurationForm(request.GET if "minutes" in request.GET else None)
    minutes = form.cleaned_data["minutes"] if form.is_valid() else DEFAULT_MINUTES
    today = timezone.localdate()
    start = selectors.next_meeting_on(initiative=initiative, today=today)
    choices, silent = selectors.meeting_times(initiative=initiative, minutes=minutes,
                                              from_day=start)  # fmt: skip
    context = {
        "initiative": initiative, "form": form, "minutes": minutes, "choices": choices,
        "silent": silent, "start": start,
        "me": selectors.member_of(initiative=initiative, user_id=user.pk),
        "can_manage": is_manager(user, initiative),
        "crumbs": crumbs(initiative, ("Taskforce", _home(pk)), ("Find a meeting time", None)),
    }  # fmt: skip
    return render(request, "rollout/taskforce/meeting_times.html", context)


# --- Meetings -------------------------------------------------------------------------------


def _meeting_url(meeting: Meeting) -> str:
    return reverse("rollout:taskforce-meeting", args=[meeting.pk])


def _day(meeting: Meeting) -> str:
    """“September 14, 2026”: the meeting's date on the district's calendar."""
    return date_format(timezone.localdate(meeting.starts_at), "F j, Y")


def _label(meeting: Meeting) -> str:
    return f"Meeting of {_day(meeting)}"


def _prefill(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    """The finder's choice (``?on=…&at=…&minutes=…``), else the date the cadence suggests."""
    today = timezone.localdate()
    initial: dict[str, Any] = {"on": selectors.next_meeting_on(initiative=initiative, today=today)}
    for name in ("on", "at", "minutes"):
        if request.GET.get(name):
            initial[name] = request.GET[name][:10]
    return initial


def _meeting_form(
    request: HttpRequest, user: User, initiative: Initiative, meeting: Meeting | None,
    initial: dict[str, Any],
) -> HttpResponse:  # fmt: skip
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(initiative=initiative, meeting=meeting,
                                                data=form.service_data(), actor=user)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Planned the meeting of {_day(meeting)}.")
            return redirect(_meeting_url(meeting))
    if meeting is None:
        return _form_page(request, form, initiative, "Plan a meeting")
    trail = (_label(meeting), _meeting_url(meeting))
    return _form_page(request, form, initiative, "Change the meeting", trail,
                      back=_meeting_url(meeting))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk, policy.ROLLOUT_MANAGE)
    return _meeting_form(request, user, initiative, None, _prefill(request, initiative))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, meeting = _managed(request, pk, selectors.meeting_get)
    if meeting.status != MeetingStatus.PLANNED:
        messages.error(request, "Only a planned meeting can be changed.")
        return redirect(_meeting_url(meeting))
    initial = MeetingForm.initial_of(meeting)
    return _meeting_form(request, user, meeting.initiative, meeting, initial)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    meeting = selectors.meeting_get(district=district, pk=pk)
    initiative = meeting.initiative
    context = {
        "initiative": initiative, "meeting": meeting,
        "attendance": selectors.meeting_attendance(meeting=meeting),
        "page": paginate(selectors.actions(initiative=initiative, meeting=meeting),
                         page_number(request)),
        "can_manage": is_manager(user, initiative),
        "has_happened": meeting.starts_at <= timezone.now(),
        "today": timezone.localdate(), "here": request.get_full_path(),
        "day": _day(meeting),
        "crumbs": crumbs(initiative, ("Taskforce", _home(initiative.pk)), (_label(meeting), None)),
    }  # fmt: skip
    return render(request, "rollout/taskforce/meeting.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, meeting = _managed(request, pk, selectors.meeting_get)
    day = timezone.localdate(meeting.starts_at)
    members = selectors.members_on(initiative=meeting.initiative, on=day)
    came = [m for m, present in selectors.meeting_attendance(meeting=meeting) if present]
    initial = {"present": came, "agenda": meeting.agenda, "notes": meeting.notes}
    form = RecordForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(meeting=meeting, actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded the meeting of {_day(meeting)} as held.")
            return redirect(_meeting_url(meeting))
    intro = "Tick who came; everyone else on the taskforce that day is recorded as absent."
    return _form_page(request, form, meeting.initiative, "Record the meeting as held",
                      (_label(meeting), _meeting_url(meeting)), back=_meeting_url(meeting),
                      intro=intro)  # fmt: skip


@login_required
@require_POST
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a planned meeting, or plan a cancelled one again."""
    _, user, meeting = _managed(request, pk, selectors.meeting_get)
    to = request.POST.get("to", "")
    try:
        services.meeting_transition(meeting=meeting, to=to, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "cancelled" if to == MeetingStatus.CANCELLED else "planned again"
        messages.success(request, f"The meeting is {done}.")
    return redirect(_meeting_url(meeting))


# --- Actions --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """An action that came out of a meeting."""
    district, user, meeting = _managed(request, pk, selectors.meeting_get)
    form = ActionForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(initiative=meeting.initiative, meeting=meeting, actor=user,
                                **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the action for {form.cleaned_data['owner']}.")
            return redirect(_meeting_url(meeting))
    trail = (_label(meeting), _meeting_url(meeting))
    return _form_page(request, form, meeting.initiative, "Add an action", trail,
                      back=_meeting_url(meeting))  # fmt: skip


@login_required
@require_GET
def action_list(request: HttpRequest, pk: int) -> HttpResponse:
    _, user, initiative = initiative_for(request, pk)
    context = {
        "initiative": initiative,
        "page": paginate(selectors.actions(initiative=initiative), page_number(request)),
        "can_manage": is_manager(user, initiative),
        "today": timezone.localdate(), "here": request.get_full_path(),
        "crumbs": crumbs(initiative, ("Taskforce", _home(pk)), ("Actions", None)),
    }  # fmt: skip
    return render(request, "rollout/taskforce/actions.html", context)


@login_required
@require_POST
def action_close(request: HttpRequest, pk: int, done: bool) -> HttpResponse:
    """Mark an action done, or open it again: its owner or a rollout manager."""
    district, user = require_district(request, policy.VIEW)
    action = selectors.action_get(district=district, pk=pk)
    try:
        services.action_close(action=action, done=done, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{action}” is {'done' if done else 'open again'}.")
    return redirect(back_to(request, _home(action.initiative_id)))


# --- Exports --------------------------------------------------------------------------------


@login_required
@require_GET
def members_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    header = ["Name", "Staff id", "Seat", "School", "Required", "Availability", "Joined on",
              "Left on", "Meetings attended"]  # fmt: skip
    rows = (
        [m.staff.full_name, m.staff.staff_unique_id, m.get_seat_display(),
         m.school.name if m.school else "", "yes" if m.required else "no", m.availability,
         m.joined_on, m.left_on, m.attended]  # type: ignore[attr-defined]
        for m in selectors.members(initiative=initiative, current=None)
    )  # fmt: skip
    return export_response(fmt=fmt, stem=f"taskforce-members-{pk}", header=header, rows=rows)


@login_required
@require_GET
def meetings_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    header = ["Date", "Starts at", "Minutes", "Location", "Status", "Present", "Absent",
              "Agenda", "Notes"]  # fmt: skip
    rows = (
        [timezone.localtime(m.starts_at).date(), f"{timezone.localtime(m.starts_at):%H:%M}",
         m.minutes, m.location, m.get_status_display(), m.present,  # type: ignore[attr-defined]
         m.recorded - m.present, m.agenda, m.notes]  # type: ignore[attr-defined]
        for m in selectors.meetings(initiative=initiative)
    )  # fmt: skip
    return export_response(fmt=fmt, stem=f"taskforce-meetings-{pk}", header=header, rows=rows)


@login_required
@require_GET
def actions_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    _, _, initiative = initiative_for(request, pk, policy.EXPORT)
    header = ["Action", "Owner", "Owner's staff id", "Due on", "Done on", "From the meeting of"]
    rows = (
        [a.text, a.owner.full_name, a.owner.staff_unique_id, a.due_on, a.done_on,
         timezone.localdate(a.meeting.starts_at) if a.meeting else ""]
        for a in selectors.actions(initiative=initiative)
    )  # fmt: skip
    return export_response(fmt=fmt, stem=f"taskforce-actions-{pk}", header=header, rows=rows)


urlpatterns = [
    path("rollout/<int:pk>/taskforce/", taskforce, name="taskforce"),
    path("rollout/<int:pk>/taskforce/members/", member_list, name="taskforce-members"),
    path("rollout/<int:pk>/taskforce/members/new/", member_new, name="taskforce-member-new"),
    path("rollout/<int:pk>/taskforce/members/export.<export:fmt>", members_export,
         name="taskforce-members-export"),
    path("rollout/taskforce/members/<int:pk>/edit/", member_edit, name="taskforce-member-edit"),
    path("rollout/taskforce/members/<int:pk>/leave/", member_leave,
         name="taskforce-member-leave"),
    path("rollout/<int:pk>/taskforce/availability/", availability,
         name="taskforce-availability"),
    path("rollout/<int:pk>/taskforce/meeting-times/", meeting_times, name="taskforce-times"),
    path("rollout/<int:pk>/taskforce/meetings/new/", meeting_new, name="taskforce-meeting-new"),
    path("rollout/<int:pk>/taskforce/meetings/export.<export:fmt>", meetings_export,
         name="taskforce-meetings-export"),
    path("rollout/taskforce/meetings/<int:pk>/", meeting_detail, name="taskforce-meeting"),
    path("rollout/taskforce/meetings/<int:pk>/edit/", meeting_edit,
         name="taskforce-meeting-edit"),
    path("rollout/taskforce/meetings/<int:pk>/record/", meeting_record,
         name="taskforce-meeting-record"),
    path("rollout/taskforce/meetings/<int:pk>/status/", meeting_status,
         name="taskforce-meeting-status"),
    path("rollout/taskforce/meetings/<int:pk>/actions/new/", action_new,
         name="taskforce-action-new"),
    path("rollout/<int:pk>/taskforce/actions/", action_list, name="taskforce-actions"),
    path("rollout/<int:pk>/taskforce/actions/export.<export:fmt>", actions_export,
         name="taskforce-actions-export"),
    path("rollout/taskforce/actions/<int:pk>/done/", action_close, {"done": True},
         name="taskforce-action-done"),
    path("rollout/taskforce/actions/<int:pk>/reopen/", action_close, {"done": False},
         name="taskforce-action-reopen"),
]  # fmt: skip
