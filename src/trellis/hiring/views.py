"""Hiring pages: HR's postings and candidates, the panelist's scoring screen, the public
posting and application form, interview invites (.ics), templates and reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.tenancy import require_district
from trellis.hiring import data_tasks, reports, selectors, services
from trellis.hiring.forms import (
    AcceptForm,
    ApplyForm,
    CloneForm,
    ComponentForm,
    InternalApplyForm,
    MeetingForm,
    MoveForm,
    PostingForm,
    ScheduleForm,
    ScoreForm,
    SeatForm,
    TemplateForm,
)
from trellis.hiring.models import Application, Interview, Posting, Scorecard
from trellis.org.selectors import staff_of_user

Crumbs = list[tuple[str, str | None]]


def _crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [("Hiring", reverse("hiring:home")), *extra]


def _manage(request: HttpRequest) -> tuple[Any, Any]:
    return require_district(request, policy.HIRING_MANAGE)


# --- Home, postings -------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    postings = selectors.posting_list(district=district, user=user)
    to_score = selectors.to_score(user=user, district=district)
    staff_postings = selectors.open_postings_for_staff(district=district).filter(
        opens_on__lte=timezone.localdate(), closes_on__gte=timezone.localdate()
    )
    context = {
        "page": paginate(postings, page_number(request)),
        "to_score": to_score,
        "staff_postings": staff_postings,
        "manager": selectors.is_manager(user, district),
        "crumbs": [("Hiring", None)],
    }
    return render(request, "hiring/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def posting_new(request: HttpRequest) -> HttpResponse:
    district, user = _manage(request)
    form = PostingForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_create(district=district, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Created the posting “{posting.title}” as a draft.")
            return redirect("hiring:posting-detail", pk=posting.pk)
    context = {
        "form": form,
        "title": "Post a position",
        "crumbs": _crumbs(("New posting", None)),
        "cancel_url": reverse("hiring:home"),
        "intro": "",
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


def _posting_context(request: HttpRequest, posting: Posting, **forms: Any) -> dict[str, Any]:
    district = posting.district
    manager = selectors.is_manager(request.user, district)  # type: ignore[arg-type]
    applications = list(selectors.application_list(posting=posting))
    seats = list(posting.seats.select_related("staff__school"))
    return {
        "posting": posting,
        "manager": manager,
        "applications": applications,
        "seats": seats,
        "problems": selectors.panel_problems(posting),
        "conflicts": selectors.conflicts(posting),
        "interviews": posting.interviews.prefetch_related("applications__candidate"),
        "data_parts": [
            (component_id, task.title)
            for component_id, task in data_tasks.template_data_tasks(posting.template).items()
        ],
        "seat_form": forms.get("seat") or (SeatForm(district=district) if manager else None),
        "schedule_form": forms.get("schedule")
        or (ScheduleForm(posting=posting) if manager else None),
        "public_url": request.build_absolute_uri(
            reverse("hiring:public", args=[posting.public_token])
        ),
        "crumbs": _crumbs((posting.title, None)),
    }


@login_required
@require_GET
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    posting = selectors.posting_get(district=district, user=user, pk=pk)
    return render(request, "hiring/posting_detail.html", _posting_context(request, posting))


@login_required
@require_POST
def posting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    district, user = _manage(request)
    posting = selectors.posting_get(district=district, user=user, pk=pk)
    form: Any = None
    try:
        if action in ("open", "closed"):
            services.posting_transition(posting=posting, to=action, actor=user)
            messages.success(request, f"The posting is now {action}.")
        elif action == "seat":
            form = SeatForm(request.POST, district=district)
            if form.is_valid():
                services.seat_add(posting=posting, actor=user, **form.cleaned_data)
                messages.success(request, "Seated the panelist.")
            else:
                raise ValidationError("")
        elif action == "unseat":
            seat = get_object_or_404(posting.seats, pk=request.POST.get("seat"))
            services.seat_remove(seat=seat, actor=user)
            messages.success(request, "Removed the panelist.")
        elif action == "schedule":
            form = ScheduleForm(request.POST, posting=posting)
            if form.is_valid():
                data = form.cleaned_data
                services.interview_schedule(
                    posting=posting,
                    applications=list(data["applications"]),
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    location=data["location"],
                    actor=user,
                )
                messages.success(request, "Scheduled the interview; send each panelist the invite.")
            else:
                raise ValidationError("")
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        if form is not None:
            if error.messages and any(error.messages):
                add_service_errors(form, error)
            key = "seat" if action == "seat" else "schedule"
            context = _posting_context(request, posting, **{key: form})
            return render(request, "hiring/posting_detail.html", context, status=400)
        messages.error(request, " ".join(error.messages))
    return redirect("hiring:posting-detail", pk=pk)


@login_required
@require_GET
def interview_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """An invite for a calendar (RFC 5545)."""
    district, user = require_district(request, policy.VIEW)
    interview = get_object_or_404(
        Interview.objects.select_related("posting"), district=district, pk=pk
    )
    selectors.posting_get(district=district, user=user, pk=interview.posting_id)
    end = interview.starts_at + dt.timedelta(minutes=interview.duration_minutes)

    def stamp(value: dt.datetime) -> str:
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    def text(value: str) -> str:
        return (
            value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )

    names = ", ".join(
        a.candidate.full_name for a in interview.applications.select_related("candidate")
    )
    kind = "Group session" if interview.is_group else "Interview"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Trellis//Hiring//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:interview-{interview.pk}@trellis",
        f"DTSTAMP:{stamp(timezone.now())}",
        f"DTSTART:{stamp(interview.starts_at)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{text(f'{kind}: {interview.posting.title}')}",
        f"DESCRIPTION:{text(f'Candidates: {names}')}",
        f"LOCATION:{text(interview.location)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    response = HttpResponse(
        "\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


# --- Applications ---------------------------------------------------------------------------


def _application_context(
    request: HttpRequest, application: Application, **forms: Any
) -> dict[str, Any]:
    user = request.user
    district = application.district
    manager = selectors.is_manager(user, district)  # type: ignore[arg-type]
    visible = selectors.scores_visible_to(application, user)  # type: ignore[arg-type]
    seat = selectors.my_seats(user, district).filter(posting_id=application.posting_id).first()  # type: ignore[arg-type]
    submitted = set(selectors.current_scorecards(application).values_list("seat_id", flat=True))
    seats = list(application.posting.seats.select_related("staff"))
    result = selectors.application_result(application) if visible else None
    return {
        "application": application,
        "candidate": application.candidate,
        "manager": manager,
        "seat": seat,
        "seat_done": seat is not None and seat.pk in submitted,
        "seats": [(s, s.pk in submitted) for s in seats],
        "visible": visible,
        "result": result,
        "scorecards": list(selectors.current_scorecards(application)) if visible else [],
        "events": application.events.select_related("actor"),
        "goals": application.goals.select_related("component"),
        "meeting": getattr(application, "debrief_meeting", None),
        "move_form": forms.get("move") or (MoveForm(application=application) if manager else None),
        "accept_form": forms.get("accept") or AcceptForm(),
        "meeting_form": forms.get("meeting") or MeetingForm(),
        "crumbs": _crumbs(
            (
                application.posting.title,
                reverse("hiring:posting-detail", args=[application.posting_id]),
            ),
            (application.candidate.full_name, None),
        ),
    }


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    application = selectors.application_get(district=district, user=user, pk=pk)
    return render(
        request, "hiring/application_detail.html", _application_context(request, application)
    )


@login_required
@require_GET
def application_cv(request: HttpRequest, pk: int) -> FileResponse:
    district, user = require_district(request, policy.VIEW)
    application = selectors.application_get(district=district, user=user, pk=pk)
    if not application.cv:
        raise Http404("No CV was uploaded.")
    audit_record(actor=user, action="hiring.cv_viewed", target=application)
    extension = application.cv.name.rsplit(".", 1)[-1]
    return FileResponse(
        application.cv.open("rb"),
        as_attachment=True,
        filename=f"cv-{application.candidate.last_name}.{extension}",
    )


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    district, user = _manage(request)
    application = selectors.application_get(district=district, user=user, pk=pk)
    form: Any = None
    key = action
    try:
        if action == "move":
            form = MoveForm(request.POST, application=application)
            if not form.is_valid():
                raise ValidationError("")
            services.application_move(application=application, actor=user, **form.cleaned_data)
            messages.success(request, "Updated the application.")
        elif action == "offer":
            services.offer_make(application=application, actor=user)
            messages.success(request, "Recorded the offer.")
        elif action == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise ValidationError("")
            _, warnings = services.offer_accept(
                application=application, actor=user, **form.cleaned_data
            )
            messages.success(
                request, f"{application.candidate.full_name} accepted and now holds the position."
            )
            for warning in warnings:
                messages.warning(request, warning)
        elif action == "goals":
            goals = services.debrief_goals_create(application=application, actor=user)
            messages.success(
                request,
                f"Created {len(goals)} development goal{'s' if len(goals) != 1 else ''} "
                "from the interview.",
            )
        elif action == "meeting":
            key = "meeting"
            form = MeetingForm(request.POST)
            if not form.is_valid():
                raise ValidationError("")
            services.debrief_meeting_record(
                application=application, actor=user, **form.cleaned_data
            )
            messages.success(request, "Recorded the follow-up meeting.")
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        if form is not None:
            if any(error.messages):
                add_service_errors(form, error)
            context = _application_context(request, application, **{key: form})
            return render(request, "hiring/application_detail.html", context, status=400)
        messages.error(request, " ".join(error.messages))
    return redirect("hiring:application-detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """The panelist's scoring screen: one candidate, every criterion, nobody else's scores."""
    district, user = require_district(request, policy.VIEW)
    application = selectors.application_get(district=district, user=user, pk=pk)
    seat = selectors.my_seats(user, district).filter(posting_id=application.posting_id).first()
    if seat is None:
        raise PermissionDenied("Only panelists seated for this posting score its candidates.")
    detail = reverse("hiring:application-detail", args=[pk])
    if selectors.current_scorecards(application).filter(seat=seat).exists():
        messages.info(request, "You have submitted your scores for this candidate.")
        return redirect(detail)
    components = list(selectors.template_components(application.posting.template))
    form = ScoreForm(request.POST or None, components=components)
    problems = selectors.panel_problems(application.posting)
    if request.method == "POST" and form.is_valid():
        try:
            services.scorecard_submit(
                application=application,
                seat=seat,
                ratings=form.ratings(),
                notes=form.cleaned_data["notes"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Submitted. You can now see the panel's scores as they come in."
            )
            return redirect(detail)
    context = {
        "application": application,
        "form": form,
        "problems": problems,
        "seat": seat,
        "template": application.posting.template,
        "crumbs": _crumbs((application.candidate.full_name, detail), ("Score", None)),
    }
    return render(request, "hiring/score.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """HR replaces a submitted scorecard (a panelist's slip, say) by a new one with a reason;
    the original stays, marked as superseded, and both are in the audit log."""
    district, user = _manage(request)
    original = get_object_or_404(
        Scorecard.objects.select_related("application", "seat__staff"),
        district=district,
        pk=pk,
        superseded_by=None,
    )
    application = selectors.application_get(
        district=district, user=user, pk=original.application_id
    )
    detail = reverse("hiring:application-detail", args=[application.pk])
    if not selectors.scores_visible_to(application, user):
        messages.error(request, "Scores can be corrected once the whole panel has submitted.")
        return redirect(detail)
    components = list(selectors.template_components(application.posting.template))
    initial = {f"criterion_{s.criterion_id}": s.value for s in original.scores.all()}
    form = ScoreForm(request.POST or None, components=components, initial=initial)
    form.fields["notes"].label = "Why the correction"
    form.fields["notes"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            services.scorecard_correct(
                scorecard=original,
                ratings=form.ratings(),
                reason=form.cleaned_data["notes"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recorded the correction; the original scorecard is kept.")
            return redirect(detail)
    if not form.is_bound:
        form.data = {k: str(v) for k, v in initial.items()}  # show the original ratings
    context = {
        "application": application,
        "form": form,
        "problems": [],
        "seat": original.seat,
        "template": application.posting.template,
        "correcting": original,
        "crumbs": _crumbs((application.candidate.full_name, detail), ("Correct", None)),
    }
    return render(request, "hiring/score.html", context, status=400 if form.errors else 200)


# --- Public posting and application ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, token: str) -> HttpResponse:
    posting = selectors.public_posting(token)
    form = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(posting=posting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("hiring:public-thanks", token=token)
    version = posting.position.version
    context = {
        "posting": posting,
        "form": form,
        "version": version,
        "closed_to_public": posting.audience == "internal",
    }
    return render(request, "hiring/public.html", context, status=400 if form.errors else 200)


@require_GET
def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    posting = selectors.public_posting(token)
    return render(request, "hiring/public_thanks.html", {"posting": posting})


@login_required
@require_http_methods(["GET", "POST"])
def apply_internal(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    posting = get_object_or_404(selectors.open_postings_for_staff(district=district), pk=pk)
    staff = staff_of_user(district=district, user=user)
    if staff is None:
        raise PermissionDenied("Your account is not linked to a staff record; ask HR.")
    form = InternalApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                posting=posting,
                first_name=staff.first_name,
                last_name=staff.last_name,
                email=staff.email or user.email,
                staff=staff,
                actor=user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your application for {posting.title} is in.")
            return redirect("hiring:home")
    context = {
        "form": form,
        "title": f"Apply for {posting.title}",
        "cancel_url": reverse("hiring:home"),
        "crumbs": _crumbs((posting.title, None)),
        "intro": posting.summary,
        "multipart": True,
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


# --- Templates and reports ------------------------------------------------------------------


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    district, _ = _manage(request)
    templates = selectors.template_list(district=district)
    return render(
        request,
        "hiring/template_list.html",
        {"templates": templates, "crumbs": _crumbs(("Interview processes", None))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = _manage(request)
    template = selectors.template_get(district=district, pk=pk)
    form = CloneForm(request.POST or None, initial={"name": f"{template.name} (our version)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.template_clone(
                template=template, name=form.cleaned_data["name"], actor=user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Copied to “{copy.name}”.")
            return redirect("hiring:template-detail", pk=copy.pk)
    context = {
        "template": template,
        "components": selectors.template_components(template),
        "data_tasks": data_tasks.template_data_tasks(template),
        "agreement": selectors.template_agreement(template),
        "form": form,
        "crumbs": _crumbs(
            ("Interview processes", reverse("hiring:template-list")), (str(template), None)
        ),
    }
    return render(
        request, "hiring/template_detail.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def template_revise(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = _manage(request)
    template = selectors.template_get(district=district, pk=pk)
    editable = services.template_revise(template=template, actor=user)
    if editable.pk != template.pk:
        messages.success(
            request,
            f"Started version {editable.version}; scored interviews keep "
            f"version {template.version}.",
        )
    return redirect("hiring:template-edit", pk=editable.pk)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = _manage(request)
    template = selectors.template_get(district=district, pk=pk)
    detail = reverse("hiring:template-detail", args=[pk])
    if template.is_locked:
        messages.error(request, "This version has been used for scoring; make a new version.")
        return redirect(detail)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(template=template, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the interview process.")
            return redirect(detail)
    context = {
        "form": form,
        "title": f"Edit {template}",
        "cancel_url": detail,
        "intro": "",
        "crumbs": _crumbs(
            ("Interview processes", reverse("hiring:template-list")),
            (str(template), detail),
            ("Edit", None),
        ),
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def component_edit(request: HttpRequest, pk: int, component_pk: int | None = None) -> HttpResponse:
    district, user = _manage(request)
    template = selectors.template_get(district=district, pk=pk)
    component = get_object_or_404(template.components, pk=component_pk) if component_pk else None
    detail = reverse("hiring:template-detail", args=[pk])
    if request.method == "POST" and request.POST.get("delete") and component is not None:
        try:
            services.component_delete(component=component, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Removed “{component.name}”.")
        return redirect(detail)
    form = ComponentForm(request.POST or None, instance=component)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "criteria"}
        try:
            services.component_save(
                template=template,
                component=component,
                data=data,
                criteria=form.cleaned_data["criteria"].splitlines(),
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the part.")
            return redirect(detail)
    title = f"Edit “{component.name}”" if component else "Add a part"
    context = {
        "form": form,
        "title": title,
        "cancel_url": detail,
        "intro": "",
        "crumbs": _crumbs(
            ("Interview processes", reverse("hiring:template-list")),
            (str(template), detail),
            (title, None),
        ),
    }
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    district, _ = _manage(request)
    context = {
        "report": reports.hiring_report(district=district),
        "crumbs": _crumbs(("Reports", None)),
    }
    return render(request, "hiring/report.html", context)


# --- Exports --------------------------------------------------------------------------------


@login_required
@require_GET
def posting_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = _manage(request)
    postings = selectors.posting_list(district=district, user=user)
    audit_record(actor=user, action="hiring.postings_exported", target=district, district=district)
    rows = (
        (
            p.title,
            p.position.requisition_number,
            p.position.place,
            p.template.name,
            p.get_audience_display(),
            p.opens_on,
            p.closes_on,
            p.get_status_display(),
            p.application_count,  # type: ignore[attr-defined]
            p.seat_count,  # type: ignore[attr-defined]
        )
        for p in postings
    )
    header = [
        "title",
        "requisition_number",
        "where",
        "interview_process",
        "audience",
        "opens_on",
        "closes_on",
        "status",
        "applications",
        "panel_seats",
    ]
    return export_response(fmt=fmt, stem=f"{district.slug}-postings", header=header, rows=rows)


@login_required
@require_GET
def candidate_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """Candidates of one posting, with the panel's total where it is complete; HR only, and
    recorded in the audit log (candidate data is personal)."""
    district, user = _manage(request)
    posting = selectors.posting_get(district=district, user=user, pk=pk)
    results = selectors.district_results(district=district)
    audit_record(actor=user, action="hiring.candidates_exported", target=posting)
    rows = (
        (
            a.candidate.first_name,
            a.candidate.last_name,
            a.candidate.email,
            a.candidate.get_source_display(),
            "yes" if a.candidate.is_internal else "no",
            a.get_status_display(),
            a.submitted_at.date(),
            f"{results[a.pk].total:.1f}" if a.pk in results else "",
            f"{results[a.pk].alpha:.2f}"
            if a.pk in results and results[a.pk].alpha is not None
            else "",
        )
        for a in selectors.application_list(posting=posting)
    )
    header = [
        "first_name",
        "last_name",
        "email",
        "source",
        "internal",
        "status",
        "submitted_on",
        f"total_of_{posting.template.total_points}",
        "panel_alpha",
    ]
    return export_response(
        fmt=fmt, stem=f"{district.slug}-posting-{posting.pk}-candidates", header=header, rows=rows
    )


REPORT_TABLES = ("by-posting", "by-source", "scores", "internal-external")


@login_required
@require_GET
def report_export(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    district, _ = _manage(request)
    if table not in REPORT_TABLES:
        raise Http404("No such report table.")
    data = reports.hiring_report(district=district)
    header: list[str]
    rows: list[tuple[Any, ...]]
    if table in ("by-posting", "by-source"):
        funnel = data.by_posting if table == "by-posting" else data.by_source
        header = [table.removeprefix("by-"), *(s.lower() for s in data.stages)]
        rows = [(row.label, *row.counts) for row in funnel]
    elif table == "scores":
        header, rows = ["points", "candidates"], list(data.distribution)
    else:
        header, rows = ["role_type", "internal_hires", "external_hires"], data.internal_external
    return export_response(
        fmt=fmt, stem=f"{district.slug}-hiring-{table}", header=header, rows=rows
    )
