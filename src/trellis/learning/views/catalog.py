"""Pages for the activity catalog, sessions and attendance, the hours report, "My learning" and
certification programs. Everyone in the district sees the catalog, the programs and their own
learning; ``learning.manage`` (district admins and HR) runs the rest."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.numbers import is_whole
from trellis.core.schoolyear import school_year_of
from trellis.core.tenancy import require_district
from trellis.learning.forms_catalog import (
    ActivityFilterForm,
    ActivityForm,
    CandidacyBulkForm,
    CandidacyForm,
    CandidateFilterForm,
    EnrolForm,
    EvidenceForm,
    HoursFilterForm,
    ProgramForm,
    RequirementForm,
    SessionForm,
)
from trellis.learning.models import EnrolmentStatus, Session
from trellis.learning.selectors import catalog as selectors
from trellis.learning.services import catalog as services
from trellis.org.models import Staff
from trellis.org.selectors import staff_get, staff_of_user

Crumbs = list[tuple[str, str | None]]
MANAGE = policy.LEARNING_MANAGE


def _crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [("Learning", reverse("learning:home")), *extra]


def _programs_crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return _crumbs(("Certifications", reverse("learning:programs")), *extra)


def _form_page(
    request: HttpRequest, form: Any, title: str, crumbs: Crumbs, cancel: str, intro: str = ""
) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel_url": cancel, "intro": intro}
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


def _manages(user: User, district: District) -> bool:
    return policy.can(user, MANAGE, district)


# --- The learning home and the catalog ------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions for everyone, with the viewer's own place in each."""
    district, user = require_district(request, policy.VIEW)
    page = paginate(selectors.session_list(district=district, upcoming=True), page_number(request))
    me = staff_of_user(district=district, user=user)
    mine = selectors.enrolments_of(staff=me, sessions=page.object_list) if me else {}
    coverage = selectors.element_coverage(district=district) if _manages(user, district) else []
    context = {
        "page": page,
        "rows": [(s, mine.get(s.pk)) for s in page.object_list],
        "coverage": coverage,
        "gaps": [c for c in coverage if not c.count],
        "offered": selectors.activity_list(district=district, offered=True).count(),
        "crumbs": [("Learning", None)],
    }
    return render(request, "learning/catalog/home.html", context)


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    form = ActivityFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": _crumbs(("Catalog", None))}
    if not form.is_valid():
        return render(request, "learning/catalog/activity_list.html", context, status=400)
    activities = selectors.activity_list(district=district, **form.filters())
    context["page"] = paginate(activities, form.cleaned_data["page"])
    context["coverage"] = coverage = selectors.element_coverage(district=district)
    context["gaps"] = [c for c in coverage if not c.count]
    return render(request, "learning/catalog/activity_list.html", context)


@login_required
@require_GET
def activity_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    form = ActivityFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    activities = selectors.activity_list(district=district, **filters).prefetch_related("audience")
    audit_record(actor=user, action="learning.catalog_exported", target=district, district=district)
    rows = (
        (a.title, a.get_source_display(), a.provider, a.get_element_display() or "Ongoing",
         a.hours, a.get_level_display(), "; ".join(r.name for r in a.audience.all()),
         a.capacity, a.upcoming, "yes" if a.is_active else "no")  # type: ignore[attr-defined]
        for a in activities
    )  # fmt: skip
    header = ["title", "source", "provider", "initial_training_element", "hours", "meant_for",
              "roles", "capacity", "upcoming_sessions", "offered"]  # fmt: skip
    return export_response(fmt=fmt, stem=f"{district.slug}-learning-catalog", header=header,
                           rows=rows)  # fmt: skip


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    activity = selectors.activity_get(district=district, pk=pk)
    sessions = selectors.session_list(district=district, activity=activity, latest_first=True)
    context = {
        "activity": activity,
        "page": paginate(sessions, page_number(request)),
        "today": selectors.today(),
        "crumbs": _crumbs(("Catalog", reverse("learning:activities")), (activity.title, None)),
    }
    return render(request, "learning/catalog/activity_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    activity = selectors.activity_get(district=district, pk=pk) if pk else None
    form = ActivityForm(request.POST or None, instance=activity, district=district)
    if request.method == "POST" and form.is_valid():
        audience = list(form.cleaned_data["audience"])
        try:
            if activity is None:
                activity = services.activity_create(
                    district=district, data=form.service_data(), audience=audience, actor=user
                )
            else:
                services.activity_update(
                    activity=activity, data=form.service_data(), audience=audience, actor=user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved “{activity.title}”.")
            return redirect("learning:activity", pk=activity.pk)
    title = f"Edit {activity.title}" if activity else "Add a learning activity"
    catalog = reverse("learning:activities")
    cancel = reverse("learning:activity", args=[activity.pk]) if activity else catalog
    return _form_page(request, form, title, _crumbs(("Catalog", catalog), (title, None)), cancel)


# --- Sessions, enrolment and attendance -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(
    request: HttpRequest, activity_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    session = selectors.session_get(district=district, pk=pk) if pk else None
    activity = (
        session.activity
        if session
        else selectors.activity_get(district=district, pk=activity_pk or 0)
    )
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                session = services.session_create(
                    activity=activity, data=form.cleaned_data, actor=user
                )
            else:
                session = services.session_update(
                    session=session, data=form.cleaned_data, actor=user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the session on {session.starts_on:%Y-%m-%d}.")
            return redirect("learning:session", pk=session.pk)
    title = f"{'Edit a' if session else 'Schedule a'} session of {activity.title}"
    detail = reverse("learning:activity", args=[activity.pk])
    cancel = reverse("learning:session", args=[session.pk]) if session else detail
    crumbs = _crumbs((activity.title, detail), ("Session", None))
    intro = f"Capacity: empty for the activity's {activity.capacity or 'unlimited'} seats."
    return _form_page(request, form, title, crumbs, cancel, intro)


def _attendance_rows(
    session: Session, seats: list[Any], posted: Any = None
) -> list[dict[str, Any]]:
    """One row per seat: what the form shows (the stored marks, or what was just posted)."""
    rows = []
    for e in seats:
        if posted is not None:
            attended = posted.get(f"attended-{e.pk}") == "yes"
            hours = posted.get(f"hours-{e.pk}", "")
        else:
            attended = e.attended is not False  # an unmarked seat starts as attended
            hours = e.hours if e.hours is not None and e.attended else session.activity.hours
        rows.append({"enrolment": e, "attended": attended, "hours": hours, "error": ""})
    return rows


def _session_page(
    request: HttpRequest, session: Session, *, enrol_form: Any = None,
    attendance: list[dict[str, Any]] | None = None, errors: list[str] | None = None,
) -> HttpResponse:  # fmt: skip
    district, user = require_district(request, policy.VIEW)
    me = staff_of_user(district=district, user=user)
    manages = _manages(user, district)
    context: dict[str, Any] = {
        "session": session,
        "activity": session.activity,
        "mine": selectors.enrolments_of(staff=me, sessions=[session]).get(session.pk)
        if me
        else None,
        "has_staff": me is not None,
        "manages": manages,
        "started": session.starts_on <= selectors.today(),
        "errors": errors or [],
        "crumbs": _crumbs(
            (session.activity.title, reverse("learning:activity", args=[session.activity_id])),
            (f"{session.starts_on:%Y-%m-%d}", None),
        ),
    }
    if manages:
        roster = selectors.session_roster(session=session)
        context["roster"] = roster
        context["attendance"] = attendance or _attendance_rows(session, roster.seats)
        context["enrol_form"] = enrol_form or EnrolForm(district=district)
    failed = bool(errors) or bool(enrol_form is not None and enrol_form.errors)
    return render(
        request, "learning/catalog/session_detail.html", context, status=400 if failed else 200
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    return _session_page(request, selectors.session_get(district=district, pk=pk))


def _my_staff(district: District, user: User) -> Staff:
    me = staff_of_user(district=district, user=user)
    if me is None:
        raise PermissionDenied("You have no staff record in this district to enrol.")
    return me


@login_required
@require_POST
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol yourself, or (a manager, naming the person) someone else."""
    district, user = require_district(request, policy.VIEW)
    session = selectors.session_get(district=district, pk=pk)
    form = EnrolForm(request.POST, district=district) if "staff" in request.POST else None
    if form is not None:
        policy.require(user, MANAGE, district)
        if not form.is_valid():
            return _session_page(request, session, enrol_form=form)
    person = form.cleaned_data["staff"] if form else _my_staff(district, user)
    waitlist = form.cleaned_data["waitlist"] if form else True
    try:
        enrolment, warnings = services.enrolment_create(
            session=session, staff=person, actor=user, waitlist=waitlist, allow_past=bool(form)
        )
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect("learning:session", pk=pk)
        add_service_errors(form, error)
        return _session_page(request, session, enrol_form=form)
    who = f"{person.full_name} is" if form else "You are"
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        messages.warning(request, f"The session is full: {who} on the waitlist for a seat.")
    else:
        messages.success(request, f"{who} enrolled.")
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("learning:session", pk=pk)


@login_required
@require_POST
def enrolment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    enrolment = selectors.enrolment_get(district=district, pk=pk)
    if enrolment.staff.user_id != user.pk:
        policy.require(user, MANAGE, district)
    try:
        promoted = services.enrolment_cancel(enrolment=enrolment, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Cancelled {enrolment.staff.full_name}'s place.")
        if promoted is not None:
            messages.success(request, f"{promoted.staff.full_name} moved up from the waitlist.")
    return redirect("learning:session", pk=enrolment.session_id)


@login_required
@require_POST
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the whole roster at once; any bad row and nothing is saved."""
    district, user = require_district(request, MANAGE)
    session = selectors.session_get(district=district, pk=pk)
    rows = _attendance_rows(session, selectors.session_roster(session=session).seats, request.POST)
    marks: list[services.AttendanceRow] = []
    for row in rows:
        hours = None
        if row["attended"] and str(row["hours"]).strip():
            try:
                hours = Decimal(str(row["hours"]).strip().replace(",", "."))
            except InvalidOperation:
                row["error"] = f"“{row['hours']}” is not a number of hours."
        marks.append(services.AttendanceRow(row["enrolment"].staff_id, row["attended"], hours))
    errors = ["A number of hours is not a number."] if any(r["error"] for r in rows) else []
    if not errors:
        try:
            outcome = services.attendance_mark(session=session, rows=marks, actor=user)
        except ValidationError as error:
            errors = _attendance_errors(error, rows)
        else:
            messages.success(request, f"Saved attendance: {outcome.marked} changed.")
            for candidacy in outcome.refresh.certified:
                messages.success(request, f"{candidacy.staff.full_name} is now certified.")
            return redirect("learning:session", pk=pk)
    return _session_page(request, session, attendance=rows, errors=errors)


def _attendance_errors(error: ValidationError, rows: list[dict[str, Any]]) -> list[str]:
    """Put each row's message beside its row; return the messages for the top of the page."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    found = []
    for key, messages_ in error.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and is_whole(parts[1]) and int(parts[1]) < len(rows):
            rows[int(parts[1])]["error"] = " ".join(messages_)
        found.extend(messages_)
    return found


@login_required
@require_GET
def session_signin(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable sign-in sheet: the enrolled names and a blank signature column."""
    district, _ = require_district(request, MANAGE)
    session = selectors.session_get(district=district, pk=pk)
    roster = selectors.session_roster(session=session)
    context = {
        "session": session,
        "seats": roster.seats,
        "district": district,
        "crumbs": _crumbs((session.activity.title, reverse("learning:session", args=[pk])),
                          ("Sign-in sheet", None)),
    }  # fmt: skip
    return render(request, "learning/catalog/signin_sheet.html", context)


@login_required
@require_GET
def session_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, MANAGE)
    session = selectors.session_get(district=district, pk=pk)
    roster = selectors.session_roster(session=session)
    audit_record(actor=user, action="learning.roster_exported", target=session)
    rows = (
        (e.staff.staff_unique_id, e.staff.last_name, e.staff.first_name,
         e.staff.school.name if e.staff.school else "", e.status,
         "" if e.attended is None else ("yes" if e.attended else "no"), e.hours)
        for e in [*roster.seats, *roster.waitlist, *roster.cancelled]
    )  # fmt: skip
    header = ["staff_id", "last_name", "first_name", "school", "status", "attended", "hours"]
    stem = f"{district.slug}-session-{session.pk}-{session.starts_on:%Y-%m-%d}"
    return export_response(fmt=fmt, stem=stem, header=header, rows=rows)


# --- Hours per person and "My learning" -----------------------------------------------------


@login_required
@require_GET
def hours(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, MANAGE)
    form = HoursFilterForm(request.GET, district=district)
    context: dict[str, Any] = {"form": form, "rows": None, "crumbs": _crumbs(("Hours", None))}
    if not form.is_valid():
        return render(request, "learning/catalog/hours.html", context, status=400)
    filters = form.filters()
    page = paginate(selectors.hours_people(district=district, **filters), form.cleaned_data["page"])
    context.update(
        page=page,
        school_year=filters["school_year"],
        columns=[label for _, label in selectors.ELEMENT_COLUMNS],
        rows=selectors.hours_page(district=district, page=page, school_year=filters["school_year"]),
    )
    return render(request, "learning/catalog/hours.html", context)


@login_required
@require_GET
def hours_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, MANAGE)
    form = HoursFilterForm(request.GET, district=district)
    if not form.is_valid():
        return render(
            request, "learning/catalog/hours.html", {"form": form, "rows": None}, status=400
        )
    filters = form.filters()
    people = selectors.hours_people(district=district, **filters)
    audit_record(actor=user, action="learning.hours_exported", target=district, district=district)
    rows = (
        (p.staff.staff_unique_id, p.staff.last_name, p.staff.first_name,
         p.staff.school.name if p.staff.school else "", p.school_year, p.sessions,
         *(hours for _, hours in p.columns), p.total)
        for p in selectors.hours_rows(district=district, people=people,
                                      school_year=filters["school_year"])
    )  # fmt: skip
    elements = [key or "ongoing" for key, _ in selectors.ELEMENT_COLUMNS]
    header = ["staff_id", "last_name", "first_name", "school", "school_year", "sessions",
              *elements, "total_hours"]  # fmt: skip
    stem = f"{district.slug}-learning-hours-{filters['school_year']}"
    return export_response(fmt=fmt, stem=stem, header=header, rows=rows)


def _learning_page(
    request: HttpRequest, district: District, staff: Staff | None, crumbs: Crumbs, own: bool
) -> HttpResponse:
    context: dict[str, Any] = {"person": staff, "own": own, "crumbs": crumbs}
    if staff is not None:
        year = school_year_of(selectors.today())
        candidacies = selectors.staff_candidacies(staff=staff)
        progress = selectors.candidacy_progress(candidacies=candidacies)
        context.update(
            school_year=year,
            upcoming=list(selectors.staff_enrolments(staff=staff, upcoming=True)),
            past=paginate(
                selectors.staff_enrolments(staff=staff, upcoming=False), page_number(request)
            ),
            hours=selectors.hours_for(district=district, people=[staff], school_year=year)[0],
            certifications=[progress[c.pk] for c in candidacies],
        )
    return render(request, "learning/catalog/mine.html", context)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    me = staff_of_user(district=district, user=user)
    return _learning_page(request, district, me, [("My learning", None)], own=True)


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, MANAGE)
    staff = staff_get(district=district, pk=pk)
    detail = reverse("org:staff-detail", args=[pk])
    crumbs = [("Staff", reverse("org:staff-list")), (staff.full_name, detail), ("Learning", None)]
    return _learning_page(request, district, staff, crumbs, own=False)


# --- Certification programs -----------------------------------------------------------------


@login_required
@require_GET
def programs(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    items = list(selectors.program_list(district=district))
    context = {"programs": items, "crumbs": _crumbs(("Certifications", None))}
    return render(request, "learning/catalog/program_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    program = selectors.program_get(district=district, pk=pk) if pk else None
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            if program is None:
                program = services.program_create(
                    district=district, data=form.cleaned_data, actor=user
                )
            else:
                services.program_update(program=program, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved “{program.name}”.")
            return redirect("learning:program", pk=program.pk)
    title = f"Edit {program.name}" if program else "Add a certification program"
    cancel = (
        reverse("learning:program", args=[program.pk]) if program else reverse("learning:programs")
    )
    return _form_page(request, form, title, _programs_crumbs((title, None)), cancel)


@login_required
@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The program's requirements; for managers, its candidates with their progress."""
    district, user = require_district(request, policy.VIEW)
    program = selectors.program_get(district=district, pk=pk)
    requirements = selectors.requirement_list(program=program)
    context: dict[str, Any] = {
        "program": program, "requirements": requirements, "page": None,
        "crumbs": _programs_crumbs((program.name, None)),
    }  # fmt: skip
    if _manages(user, district):
        form = CandidateFilterForm(request.GET, program=program)
        context["form"] = form
        if not form.is_valid():
            return render(request, "learning/catalog/program_detail.html", context, status=400)
        page = paginate(
            selectors.candidacy_list(program=program, **form.filters()), form.cleaned_data["page"]
        )
        progress = selectors.candidacy_progress(
            candidacies=list(page.object_list), requirements={program.pk: requirements}
        )
        context.update(
            page=page,
            progress=[progress[c.pk] for c in page.object_list],
            breakdown=selectors.program_breakdown(program=program),
        )
    return render(request, "learning/catalog/program_detail.html", context)


@login_required
@require_GET
def program_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, MANAGE)
    program = selectors.program_get(district=district, pk=pk)
    requirements = selectors.requirement_list(program=program)
    form = CandidateFilterForm(request.GET, program=program)
    filters = form.filters() if form.is_valid() else {}
    audit_record(actor=user, action="learning.candidates_exported", target=program)

    candidates = selectors.candidacy_list(program=program, **filters)
    rows = (
        (p.candidacy.staff.staff_unique_id, p.candidacy.staff.last_name,
         p.candidacy.staff.first_name, p.candidacy.staff.school.name if p.candidacy.staff.school
         else "", p.candidacy.cohort, p.candidacy.started_on, p.candidacy.certified_on,
         *(r.status for r in p.requirements))
        for p in selectors.progress_rows(
            candidacies=candidates, requirements={program.pk: requirements}
        )
    )  # fmt: skip
    header = ["staff_id", "last_name", "first_name", "school", "cohort", "started_on",
              "certified_on", *(str(r) for r in requirements)]  # fmt: skip
    return export_response(
        fmt=fmt, stem=f"{district.slug}-candidates-{program.pk}", header=header, rows=rows
    )


@login_required
@require_GET
def program_breakdown_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, MANAGE)
    program = selectors.program_get(district=district, pk=pk)
    breakdown = selectors.program_breakdown(program=program)
    audit_record(actor=user, action="learning.candidates_exported", target=program)
    rows = [("school", r.label, r.certified, r.in_progress, r.total) for r in breakdown.by_school]
    rows += [("cohort", r.label, r.certified, r.in_progress, r.total) for r in breakdown.by_cohort]
    header = ["group_by", "group", "certified", "in_progress", "candidates"]
    return export_response(
        fmt=fmt, stem=f"{district.slug}-certification-{program.pk}-counts", header=header, rows=rows
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_create(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    program = selectors.program_get(district=district, pk=pk)
    form = RequirementForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_add(program=program, actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added the requirement.")
            return redirect("learning:program", pk=pk)
    detail = reverse("learning:program", args=[pk])
    title = f"Add a requirement to {program.name}"
    intro = "Requirements are checked in the order added. A certification already granted stands."
    return _form_page(
        request,
        form,
        title,
        _programs_crumbs((program.name, detail), ("Requirement", None)),
        detail,
        intro,
    )


@login_required
@require_POST
def requirement_remove(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    requirement = selectors.requirement_get(district=district, pk=pk)
    try:
        services.requirement_remove(requirement=requirement, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed “{requirement}”.")
    return redirect("learning:program", pk=requirement.program_id)


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_create(request: HttpRequest, pk: int, by_school: bool = False) -> HttpResponse:
    """Make one person a candidate, or (``by_school``) every fitting teacher at a school."""
    district, user = require_district(request, MANAGE)
    program = selectors.program_get(district=district, pk=pk)
    form_class = CandidacyBulkForm if by_school else CandidacyForm
    initial = {
        "started_on": selectors.today(),
        "cohort": f"{school_year_of(selectors.today())} cohort",
    }
    form = form_class(request.POST or None, district=district, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if by_school:
                count = services.candidacies_enrol_school(
                    program=program, actor=user, **form.cleaned_data
                )
                messages.success(request, f"Added {count} candidates.")
            else:
                services.candidacy_create(program=program, actor=user, **form.cleaned_data)
                messages.success(request, f"Added {form.cleaned_data['staff'].full_name}.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("learning:program", pk=pk)
    detail = reverse("learning:program", args=[pk])
    title = f"Add {'a school’s teachers' if by_school else 'a candidate'} to {program.name}"
    return _form_page(
        request, form, title, _programs_crumbs((program.name, detail), ("Candidates", None)), detail
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's progress and walkthroughs: for them and for managers, who record more."""
    district, user = require_district(request, policy.VIEW)
    candidacy = selectors.candidacy_get(district=district, pk=pk)
    manages = _manages(user, district)
    if candidacy.staff.user_id != user.pk and not manages:
        raise PermissionDenied("Only the candidate and learning managers see this progress.")
    form = EvidenceForm(request.POST or None, program=candidacy.program) if manages else None
    if request.method == "POST":
        policy.require(user, MANAGE, district)
        assert form is not None
        if form.is_valid():
            try:
                services.evidence_record(candidacy=candidacy, actor=user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Recorded the walkthrough.")
                return redirect("learning:candidacy", pk=pk)
    progress = selectors.candidacy_progress(candidacies=[candidacy])[candidacy.pk]
    context = {
        "candidacy": candidacy, "progress": progress, "form": form, "manages": manages,
        "evidence": selectors.evidence_list(candidacy=candidacy),
        "crumbs": _programs_crumbs(
            (candidacy.program.name, reverse("learning:program", args=[candidacy.program_id])),
            (candidacy.staff.full_name, None),
        ),
    }  # fmt: skip
    status = 400 if form is not None and form.errors else 200
    return render(request, "learning/catalog/candidacy_detail.html", context, status=status)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    evidence = selectors.evidence_get(district=district, pk=pk)
    outcome = services.evidence_remove(evidence=evidence, actor=user)
    messages.success(request, "Removed the walkthrough.")
    if outcome.uncertified:
        messages.warning(
            request, "Without it the certification is no longer complete, so it was withdrawn."
        )
    return redirect("learning:candidacy", pk=evidence.candidacy_id)


P = "learning/"
urlpatterns: list[URLPattern] = [
    path(P, home, name="home"),
    path(f"{P}mine/", mine, name="mine"),
    path(f"{P}people/<int:pk>/", person, name="person"),
    path(f"{P}activities/", activity_list, name="activities"),
    path(f"{P}activities/export.<export:fmt>", activity_export, name="activity-export"),
    path(f"{P}activities/new/", activity_edit, name="activity-create"),
    path(f"{P}activities/<int:pk>/", activity_detail, name="activity"),
    path(f"{P}activities/<int:pk>/edit/", activity_edit, name="activity-edit"),
    path(f"{P}activities/<int:activity_pk>/sessions/new/", session_edit, name="session-create"),
    path(f"{P}sessions/<int:pk>/", session_detail, name="session"),
    path(f"{P}sessions/<int:pk>/edit/", session_edit, name="session-edit"),
    path(f"{P}sessions/<int:pk>/enrol/", session_enrol, name="session-enrol"),
    path(f"{P}sessions/<int:pk>/attendance/", session_attendance, name="session-attendance"),
    path(f"{P}sessions/<int:pk>/sign-in/", session_signin, name="session-signin"),
    path(f"{P}sessions/<int:pk>/export.<export:fmt>", session_export, name="session-export"),
    path(f"{P}enrolments/<int:pk>/cancel/", enrolment_cancel, name="enrolment-cancel"),
    path(f"{P}hours/", hours, name="hours"),
    path(f"{P}hours/export.<export:fmt>", hours_export, name="hours-export"),
    path(f"{P}certifications/", programs, name="programs"),
    path(f"{P}certifications/new/", program_edit, name="program-create"),
    path(f"{P}certifications/<int:pk>/", program_detail, name="program"),
    path(f"{P}certifications/<int:pk>/edit/", program_edit, name="program-edit"),
    path(f"{P}certifications/<int:pk>/export.<export:fmt>", program_export, name="program-export"),
    path(
        f"{P}certifications/<int:pk>/counts/export.<export:fmt>",
        program_breakdown_export,
        name="program-breakdown-export",
    ),
    path(
        f"{P}certifications/<int:pk>/requirements/new/",
        requirement_create,
        name="requirement-create",
    ),
    path(f"{P}requirements/<int:pk>/remove/", requirement_remove, name="requirement-remove"),
    path(f"{P}certifications/<int:pk>/candidates/new/", candidacy_create, name="candidacy-create"),
    path(
        f"{P}certifications/<int:pk>/candidates/school/",
        candidacy_create,
        {"by_school": True},
        name="candidacy-bulk",
    ),
    path(f"{P}candidacies/<int:pk>/", candidacy_detail, name="candidacy"),
    path(f"{P}evidence/<int:pk>/remove/", evidence_remove, name="evidence-remove"),
]
