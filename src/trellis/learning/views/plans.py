"""Pages for learning plans, PLCs and onboarding.

A plan is seen by the person, their evaluator and learning managers; for anyone else it does
not exist (404). PLCs are edited by managers and the facilitator, read in full by members, and
show only their name, cadence and members to the rest of the district.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.navigation import staff_notes
from trellis.core.schoolyear import validate_school_year
from trellis.core.tenancy import require_district
from trellis.learning.forms_plans import (
    GoalForm,
    GoalMoveForm,
    MeetingForm,
    OnboardingFilterForm,
    PlanFilterForm,
    PlanYearForm,
    PlcForm,
    TrackForm,
    TrackItemForm,
)
from trellis.learning.models import PlcMeeting, TrackItem
from trellis.learning.selectors import plans as selectors
from trellis.learning.selectors.plans import PlanAccess, PlcAccess
from trellis.learning.services import plans as services
from trellis.org.selectors import staff_of_user

Crumbs = list[tuple[str, str | None]]


def _form_page(
    request: HttpRequest, form: Any, title: str, crumbs: Crumbs, cancel: str, intro: str = ""
) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel_url": cancel, "intro": intro}
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


def _year(request: HttpRequest) -> str:
    """The school year asked for (``?year=``), else this one."""
    year = request.GET.get("year", "")
    try:
        validate_school_year(year)
    except ValidationError:
        return selectors.current_year()
    return year


def _plan_url(access: PlanAccess, year: str) -> str:
    if access.is_self:
        return f"{reverse('learning:plan-mine')}?year={year}"
    return f"{reverse('learning:plan', args=[access.staff.pk])}?year={year}"


def _plan_crumbs(access: PlanAccess, year: str, *extra: tuple[str, str | None]) -> Crumbs:
    if access.is_self:
        head: Crumbs = [("My plan", _plan_url(access, year) if extra else None)]
    else:
        head = [(f"{access.staff.full_name}'s plan", _plan_url(access, year) if extra else None)]
        if access.is_manager:
            head.insert(0, ("Learning plans", reverse("learning:plans")))
    return [*head, *extra]


def _safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next", "")
    ok = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if wanted and ok else fallback


# --- Plans ----------------------------------------------------------------------------------


def _render_plan(
    request: HttpRequest, district: District, user: User, access: PlanAccess
) -> HttpResponse:
    year = _year(request)
    staff = access.staff
    plan = selectors.plan_get(staff=staff, school_year=year)
    context: dict[str, Any] = {
        "access": access,
        "staff": staff,
        "year": year,
        "plan": plan,
        "rows": selectors.goal_rows(plan, access),
        "year_form": PlanYearForm(initial={"year": year}, years=selectors.plan_years(staff=staff)),
        "checklists": selectors.checklists(staff=staff),
        "crumbs": _plan_crumbs(access, year),
        "here": request.get_full_path(),
    }
    people = [staff.pk]
    if access.is_self:
        evaluated = selectors.evaluatees(district=district, user=user, me=access.me)
        context["evaluated"] = paginate(evaluated, page_number(request))
        people += [p.pk for p in context["evaluated"].object_list]
    # Notes other areas keep on these people, such as a year of evaluation amnesty.
    notes = staff_notes(district.pk, people)
    context["notes"] = notes.get(staff.pk, [])
    if "evaluated" in context:
        context["evaluated_rows"] = [
            (p, notes.get(p.pk, [])) for p in context["evaluated"].object_list
        ]
    return render(request, "learning/plans/plan.html", context)


@login_required
@require_GET
def plan_mine(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    me = staff_of_user(district=district, user=user)
    if me is None:
        context = {"crumbs": [("My plan", None)], "district": district}
        return render(request, "learning/plans/no_staff.html", context)
    access = selectors.plan_access(district=district, user=user, staff=me)
    return _render_plan(request, district, user, access)


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    access = selectors.plan_staff_get(district=district, user=user, pk=pk)
    return _render_plan(request, district, user, access)


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    access = selectors.plan_staff_get(district=district, user=user, pk=pk)
    sources = access.goal_sources()
    if not sources:
        raise PermissionDenied("You may not add goals to this plan.")
    year = _year(request)
    form = GoalForm(request.POST or None, district=district, sources=sources, initial={"owner": pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(
                staff=access.staff,
                school_year=year,
                source=form.cleaned_data["source"],
                data=form.service_data(),
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the goal to the {year} learning plan.")
            return redirect(_plan_url(access, year))
    title = f"Add a goal to {access.staff.full_name}'s {year} learning plan"
    crumbs = _plan_crumbs(access, year, ("Add a goal", None))
    return _form_page(request, form, title, crumbs, _plan_url(access, year))


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    goal, access = selectors.goal_get(district=district, user=user, pk=pk)
    editable = access.editable_fields(goal)
    if not editable:
        raise PermissionDenied("You may not change this goal.")
    form = GoalForm(request.POST or None, instance=goal, district=district, editable=editable)
    back = _plan_url(access, goal.plan.school_year)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, data=form.service_data(), actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the goal.")
            return redirect(back)
    crumbs = _plan_crumbs(access, goal.plan.school_year, ("Edit a goal", None))
    intro = "" if len(editable) > 1 else f"The goal: “{goal.text}”. Record what shows progress."
    return _form_page(request, form, "Edit a goal", crumbs, back, intro)


@login_required
@require_http_methods(["GET", "POST"])
def goal_move(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    goal, access = selectors.goal_get(district=district, user=user, pk=pk)
    if not access.can_move(goal):
        raise PermissionDenied("You may not change this goal's status.")
    back = _plan_url(access, goal.plan.school_year)
    form = GoalMoveForm(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_move(goal=goal, actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The goal is now {goal.get_status_display().lower()}.")
            return redirect(back)
    crumbs = _plan_crumbs(access, goal.plan.school_year, ("Change a goal's status", None))
    intro = f"“{goal.text}” is {goal.get_status_display().lower()}. A met goal is final."
    return _form_page(request, form, "Change a goal's status", crumbs, back, intro)


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.LEARNING_MANAGE)
    form = PlanFilterForm(request.GET, district=district)
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": [("Learning plans", None)]}
    if not form.is_valid():
        return render(request, "learning/plans/plan_list.html", context, status=400)
    plans = selectors.plan_list(district=district, **form.filters())
    context["page"] = paginate(plans, form.cleaned_data["page"])
    return render(request, "learning/plans/plan_list.html", context)


@login_required
@require_GET
def plan_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.LEARNING_MANAGE)
    form = PlanFilterForm(request.GET, district=district)
    plans = selectors.plan_list(district=district, **(form.filters() if form.is_valid() else {}))
    audit_record(actor=user, action="learning.plans_exported", target=district, district=district)
    rows = (
        (
            p.staff.staff_unique_id,
            p.staff.full_name,
            p.staff.school.name if p.staff.school else "District office",
            p.school_year,
            p.goal_count,  # type: ignore[attr-defined]
            p.met_count,  # type: ignore[attr-defined]
            p.overdue_count,  # type: ignore[attr-defined]
            p.next_review,  # type: ignore[attr-defined]
        )
        for p in plans.iterator(chunk_size=1000)
    )
    header = [
        "staff_id",
        "name",
        "school",
        "school_year",
        "goals",
        "met",
        "reviews_overdue",
        "next_review",
    ]
    return export_response(
        fmt=fmt, stem=f"{district.slug}-learning-plans", header=header, rows=rows
    )


# --- PLCs -----------------------------------------------------------------------------------


@login_required
@require_GET
def plc_list(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    plcs = selectors.plc_list(district=district, user=user)
    context = {"page": paginate(plcs, page_number(request)), "crumbs": [("PLCs", None)]}
    return render(request, "learning/plans/plc_list.html", context)


@login_required
@require_GET
def plc_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.VIEW)
    plcs = selectors.plc_list(district=district, user=user)
    rows = (
        (
            p.name,
            p.role_type.name if p.role_type else "",
            p.get_cadence_display(),
            p.facilitator.full_name if p.facilitator else "",
            p.member_count,  # type: ignore[attr-defined]
            p.meeting_count,  # type: ignore[attr-defined]
            p.last_met,  # type: ignore[attr-defined]
            "yes" if p.is_active else "no",
        )
        for p in plcs
    )
    header = ["name", "role", "cadence", "facilitator", "members", "meetings", "last_met", "active"]
    return export_response(fmt=fmt, stem=f"{district.slug}-plcs", header=header, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def plc_new(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.LEARNING_MANAGE)
    form = PlcForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            plc = services.plc_create(district=district, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Started the PLC “{plc.name}”.")
            return redirect("learning:plc", pk=plc.pk)
    crumbs = [("PLCs", reverse("learning:plcs")), ("New PLC", None)]
    intro = "A professional learning community: people in similar roles who meet regularly."
    return _form_page(request, form, "Start a PLC", crumbs, reverse("learning:plcs"), intro)


@login_required
@require_GET
def plc_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    access = selectors.plc_get(district=district, user=user, pk=pk)
    plc = access.plc
    context: dict[str, Any] = {
        "access": access,
        "plc": plc,
        "members": selectors.plc_members(plc=plc),
        "crumbs": [("PLCs", reverse("learning:plcs")), (plc.name, None)],
    }
    if access.can_read:
        context["meetings"] = paginate(selectors.meeting_list(plc=plc), page_number(request))
    if access.can_edit:
        context["next_on"] = selectors.next_meeting_on(plc=plc)
    return render(request, "learning/plans/plc_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plc_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    access = selectors.plc_get(district=district, user=user, pk=pk)
    if not access.can_edit:
        raise PermissionDenied("Only learning managers and the facilitator edit a PLC.")
    plc = access.plc
    form = PlcForm(request.POST or None, instance=plc, district=district)
    detail = reverse("learning:plc", args=[pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.plc_update(plc=plc, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the PLC “{plc.name}”.")
            return redirect(detail)
    crumbs = [("PLCs", reverse("learning:plcs")), (plc.name, detail), ("Edit", None)]
    return _form_page(request, form, f"Edit {plc.name}", crumbs, detail)


def _meeting_page(
    request: HttpRequest, user: User, access: PlcAccess, meeting: PlcMeeting | None = None
) -> HttpResponse:
    plc = access.plc
    if not access.can_edit:
        raise PermissionDenied("Only learning managers and the facilitator record meetings.")
    initial = {} if meeting else {"held_on": selectors.next_meeting_on(plc=plc)}
    form = MeetingForm(request.POST or None, instance=meeting, plc=plc, initial=initial)
    detail = reverse("learning:plc", args=[plc.pk])
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data["attendees"])
        try:
            if meeting is None:
                services.meeting_create(
                    plc=plc, data=form.service_data(), attendees=people, actor=user
                )
            else:
                services.meeting_update(
                    meeting=meeting, data=form.service_data(), attendees=people, actor=user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded the meeting of {plc.name}.")
            return redirect(detail)
    title = f"Record a meeting of {plc.name}" if meeting is None else "Edit the meeting record"
    crumbs = [("PLCs", reverse("learning:plcs")), (plc.name, detail), (title, None)]
    intro = f"Meets {plc.get_cadence_display().lower()}."
    return _form_page(request, form, title, crumbs, detail, intro)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    return _meeting_page(request, user, selectors.plc_get(district=district, user=user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    meeting, access = selectors.meeting_get(district=district, user=user, pk=pk)
    return _meeting_page(request, user, access, meeting)


@login_required
@require_GET
def meeting_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.VIEW)
    access = selectors.plc_get(district=district, user=user, pk=pk)
    if not access.can_read:
        raise PermissionDenied("Only the PLC's members read its meetings.")
    meetings = selectors.meeting_list(plc=access.plc).prefetch_related("attendees")
    rows = (
        (
            m.held_on,
            m.agenda,
            m.notes,
            m.challenges,
            m.successes,
            "; ".join(s.full_name for s in m.attendees.all()),
        )
        for m in meetings.iterator(chunk_size=500)
    )
    header = ["held_on", "agenda", "notes", "challenges", "successes", "attendees"]
    stem = f"{district.slug}-plc-{access.plc.pk}-meetings"
    return export_response(fmt=fmt, stem=stem, header=header, rows=rows)


# --- Onboarding -----------------------------------------------------------------------------


@login_required
@require_POST
def item_tick(request: HttpRequest, pk: int, item_pk: int, action: str) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    if action not in ("tick", "untick"):
        raise Http404("No such action.")
    onboarding = selectors.onboarding_get(district=district, pk=pk)
    access = selectors.plan_access(district=district, user=user, staff=onboarding.staff)
    if not access.can_view:
        raise Http404("No such checklist.")
    if not access.can_tick:
        raise PermissionDenied("Only the person and learning managers tick the checklist.")
    item = TrackItem.objects.filter(track_id=onboarding.track_id, pk=item_pk).first()
    back = _safe_next(request, _plan_url(access, selectors.current_year()))
    try:
        if item is None:
            raise ValidationError("That item is not on this checklist.")
        if action == "tick":
            services.item_tick(onboarding=onboarding, item=item, actor=user)
            messages.success(request, f"Ticked “{item.title}”.")
        else:
            services.item_untick(onboarding=onboarding, item=item, actor=user)
            messages.success(request, f"Took back the tick on “{item.title}”.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


@login_required
@require_GET
def onboarding_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.LEARNING_MANAGE)
    form = OnboardingFilterForm(request.GET, district=district)
    crumbs = [("Onboarding", None)]
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": crumbs}
    if not form.is_valid():
        return render(request, "learning/plans/onboarding_list.html", context, status=400)
    found = selectors.onboarding_list(district=district, **form.filters())
    page = paginate(found, form.cleaned_data["page"])
    context.update(page=page, rows=[selectors.checklist_of(o) for o in page.object_list])
    return render(request, "learning/plans/onboarding_list.html", context)


@login_required
@require_GET
def onboarding_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.LEARNING_MANAGE)
    form = OnboardingFilterForm(request.GET, district=district)
    found = selectors.onboarding_list(
        district=district, **(form.filters() if form.is_valid() else {})
    )
    audit_record(
        actor=user, action="learning.onboarding_exported", target=district, district=district
    )
    rows = (
        (
            c.onboarding.staff.staff_unique_id,
            c.onboarding.staff.full_name,
            c.onboarding.staff.school.name if c.onboarding.staff.school else "District office",
            c.onboarding.track.name,
            c.onboarding.started_on,
            c.done_count,
            len(c.items),
            c.overdue_count,
        )
        for c in map(selectors.checklist_of, found.iterator(chunk_size=500))
    )
    header = ["staff_id", "name", "school", "track", "started_on", "done", "items", "overdue"]
    return export_response(fmt=fmt, stem=f"{district.slug}-onboarding", header=header, rows=rows)


def _track_crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [("Onboarding tracks", reverse("learning:tracks")), *extra]


@login_required
@require_GET
def track_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.LEARNING_MANAGE)
    tracks = selectors.track_list(district=district)
    context = {
        "tracks": paginate(tracks, page_number(request)),
        "crumbs": [("Onboarding tracks", None)],
    }
    return render(request, "learning/plans/track_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def track_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, policy.LEARNING_MANAGE)
    track = selectors.track_get(district=district, pk=pk) if pk else None
    form = TrackForm(request.POST or None, instance=track, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            if track is None:
                track = services.track_create(district=district, data=form.cleaned_data, actor=user)
            else:
                services.track_update(track=track, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the track “{track.name}”.")
            return redirect("learning:track", pk=track.pk)
    title = f"Edit {track.name}" if track else "Add an onboarding track"
    back = reverse("learning:track", args=[track.pk]) if track else reverse("learning:tracks")
    return _form_page(request, form, title, _track_crumbs((title, None)), back)


@login_required
@require_http_methods(["GET", "POST"])
def track_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A track's items in order; the form below adds one."""
    district, user = require_district(request, policy.LEARNING_MANAGE)
    track = selectors.track_get(district=district, pk=pk)
    form = TrackItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.track_item_add(track=track, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added “{item.title}”.")
            return redirect("learning:track", pk=pk)
    context = {
        "track": track,
        "items": selectors.track_items(track=track),
        "form": form,
        "crumbs": _track_crumbs((track.name, None)),
    }
    return render(request, "learning/plans/track.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def track_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.LEARNING_MANAGE)
    item = selectors.track_item_get(district=district, pk=pk)
    form = TrackItemForm(request.POST or None, instance=item)
    back = reverse("learning:track", args=[item.track_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.track_item_update(item=item, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the item.")
            return redirect(back)
    crumbs = _track_crumbs((item.track.name, back), ("Edit an item", None))
    return _form_page(request, form, f"Edit “{item.title}”", crumbs, back)


@login_required
@require_POST
def track_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.LEARNING_MANAGE)
    item = selectors.track_item_get(district=district, pk=pk)
    try:
        services.track_item_remove(item=item, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed “{item.title}”.")
    return redirect("learning:track", pk=item.track_id)


urlpatterns: list[URLPattern] = [
    path("learning/plan/", plan_mine, name="plan-mine"),
    path("learning/plans/", plan_list, name="plans"),
    path("learning/plans/export.<export:fmt>", plan_export, name="plans-export"),
    path("learning/plans/<int:pk>/", plan, name="plan"),
    path("learning/plans/<int:pk>/goals/new/", goal_new, name="goal-new"),
    path("learning/goals/<int:pk>/edit/", goal_edit, name="goal-edit"),
    path("learning/goals/<int:pk>/move/", goal_move, name="goal-move"),
    path("learning/plcs/", plc_list, name="plcs"),
    path("learning/plcs/export.<export:fmt>", plc_export, name="plcs-export"),
    path("learning/plcs/new/", plc_new, name="plc-new"),
    path("learning/plcs/<int:pk>/", plc_detail, name="plc"),
    path("learning/plcs/<int:pk>/edit/", plc_edit, name="plc-edit"),
    path("learning/plcs/<int:pk>/meetings/new/", meeting_new, name="meeting-new"),
    path(
        "learning/plcs/<int:pk>/meetings/export.<export:fmt>",
        meeting_export,
        name="meetings-export",
    ),
    path("learning/meetings/<int:pk>/edit/", meeting_edit, name="meeting-edit"),
    path("learning/onboarding/", onboarding_list, name="onboarding"),
    path("learning/onboarding/export.<export:fmt>", onboarding_export, name="onboarding-export"),
    path(
        "learning/onboarding/<int:pk>/items/<int:item_pk>/<str:action>/",
        item_tick,
        name="item-tick",
    ),
    path("learning/tracks/", track_list, name="tracks"),
    path("learning/tracks/new/", track_edit, name="track-new"),
    path("learning/tracks/<int:pk>/", track_detail, name="track"),
    path("learning/tracks/<int:pk>/edit/", track_edit, name="track-edit"),
    path("learning/tracks/items/<int:pk>/edit/", track_item_edit, name="track-item-edit"),
    path("learning/tracks/items/<int:pk>/remove/", track_item_remove, name="track-item-remove"),
]
