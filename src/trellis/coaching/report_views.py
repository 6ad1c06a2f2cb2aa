"""Pages of the class data reports. A report is shown only to the people
``class_reports.readable_reports`` lets see it; anyone else gets a 404, the teacher's evaluator
included."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.coaching import class_reports as reports
from trellis.coaching.models import ClassReport
from trellis.coaching.report_forms import ReportImportForm, ReportShareForm
from trellis.core import policy
from trellis.core.forms import ListQueryForm, add_service_errors
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import User
from trellis.core.tenancy import require_district

STUDENTS_PER_PAGE = 50


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        ("Coaching", reverse("coaching:home")),
        ("Class data reports", reverse("coaching:class-reports")),
        *extra,
    ]


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    page = paginate(reports.report_list(user=user, district=district), page_number(request))
    context = {
        "page": page,
        "can_import": bool(reports.upload_teachers(user=user, district=district)),
        "crumbs": [*_crumbs()[:1], ("Class data reports", None)],
    }
    return render(request, "coaching/reports/list.html", context)


@login_required
@require_GET
def report_list_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.VIEW)
    rows = (
        [r.title, str(r.teacher), r.school_year, r.students, r.standards,  # type: ignore[attr-defined]
         f"{r.scale_min}–{r.scale_max}", r.created_at.date()]
        for r in reports.report_list(user=user, district=district)
    )  # fmt: skip
    header = ["Report", "Teacher", "School year", "Students", "Standards", "Scale", "Imported"]
    return export_response(fmt=fmt, stem="class-reports", header=header, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def report_import(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    teachers = reports.upload_teachers(user=user, district=district)
    if not teachers:
        raise PermissionDenied("A class report is brought in by the teacher or their coach.")
    form = ReportImportForm(request.POST or None, request.FILES or None, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files: list[UploadedFile] = [f for f in (data["file"], data.get("line_items")) if f]
        try:
            report, parsed = reports.class_report_import(
                district=district, teacher=data["teacher"], title=data["title"],
                school_year=data["school_year"], scale_min=data["scale_min"],
                scale_max=data["scale_max"], files=files, actor=user,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _imported_message(report, parsed))
            return redirect("coaching:class-report", pk=report.pk)
    context = {"form": form, "crumbs": _crumbs(("Import", None))}
    return render(
        request, "coaching/reports/import.html", context, status=400 if form.errors else 200
    )


def _imported_message(report: ClassReport, parsed: reports.Parsed) -> str:
    message = f"Imported {len(parsed.rows)} results for “{report.title}”."
    if parsed.skipped_results:
        message += (
            f" {parsed.skipped_results} results were left out (not fully graded, to be "
            "deleted, or on a line item with no standard)."
        )
    if parsed.skipped_items:
        message += f" {parsed.skipped_items} line items name no standard and were left out."
    return message


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    report = reports.report_readable(user=user, district=district, pk=pk)
    reports.record_report_access(user, report)
    return render(request, "coaching/reports/detail.html", _context(request, user, report))


def _context(request: HttpRequest, user: User, report: ClassReport, **extra: Any) -> Any:
    heat = reports.report_heatmap(report=report)
    page = paginate(heat.students, page_number(request), per_page=STUDENTS_PER_PAGE)  # type: ignore[arg-type]
    is_teacher = reports.is_report_teacher(user, report)
    header, standards = reports.report_table(report=report, heat=heat, table="standards")
    return {
        "report": report,
        "heat": heat,
        "page": page,
        "rows": reports.heat_rows(heat, page.object_list),
        "class_means": [reports.one_decimal(heat.standard_mean[s]) for s in heat.standards],
        "standards_header": header,
        "standards": standards,
        "strongest": [r for r in standards if r[0] in heat.strongest],
        "weakest": [r for r in standards if r[0] in heat.weakest],
        "ahead": [(s, reports.one_decimal(heat.student_mean[s])) for s in heat.ahead],
        "behind": [(s, reports.one_decimal(heat.student_mean[s])) for s in heat.behind],
        "legend": _legend(report),
        "check_ins": reports.report_table(report=report, heat=heat, table="check-ins")[1],
        "is_teacher": is_teacher,
        "can_delete": is_teacher or report.uploaded_by_id == user.pk,
        "shares": report.shares.select_related("user") if is_teacher else (),
        "share_form": extra.pop("share_form", ReportShareForm()),
        "crumbs": _crumbs((report.title, None)),
        **extra,
    }


def _legend(report: ClassReport) -> list[tuple[str, int]]:
    """The colour key: each band and the levels in it."""
    groups: dict[int, list[int]] = {}
    for level in range(report.scale_min, report.scale_max + 1):
        groups.setdefault(reports.band(level, report.scale_min, report.scale_max), []).append(level)
    return [
        (str(levels[0]) if len(levels) == 1 else f"{levels[0]}–{levels[-1]}", shade)
        for shade, levels in groups.items()
    ]


@login_required
@require_GET
def report_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.VIEW)
    report = reports.report_readable(user=user, district=district, pk=pk)
    reports.record_report_access(user, report, exported=True)
    heat = reports.report_heatmap(report=report)
    header, rows = reports.report_table(report=report, heat=heat, table=table)
    return export_response(
        fmt=fmt, stem=f"class-report-{report.pk}-{table}", header=header, rows=rows
    )


@login_required
@require_POST
def report_share(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    report = reports.report_readable(user=user, district=district, pk=pk)
    form = ReportShareForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"].strip()
        reader = User.objects.filter(username=username, memberships__district=district).first()
        try:
            if reader is None:
                raise ValidationError("Nobody with that username works in this district.")
            reports.class_report_share(report=report, user=reader, actor=user)
        except ValidationError as error:
            form.add_error("username", error.messages)
        else:
            messages.success(request, f"Shared with {reader.get_username()}.")
            return redirect("coaching:class-report", pk=report.pk)
    context = _context(request, user, report, share_form=form)
    return render(request, "coaching/reports/detail.html", context, status=400)


@login_required
@require_POST
def report_unshare(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    report = reports.report_readable(user=user, district=district, pk=pk)
    share = reports.share_of(report=report, pk=share_pk)
    reports.class_report_unshare(share=share, actor=user)
    messages.success(request, f"{share.user.get_username()} can no longer see this report.")
    return redirect("coaching:class-report", pk=report.pk)


@login_required
@require_POST
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    report = reports.report_readable(user=user, district=district, pk=pk)
    title = report.title
    reports.class_report_delete(report=report, actor=user)
    messages.success(request, f"Deleted the class report “{title}”.")
    return redirect("coaching:class-reports")


@login_required
@require_GET
def standard_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    form = ListQueryForm(request.GET)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = paginate(reports.standard_list(district=district, q=q), page_number(request))
    context = {"page": page, "form": form, "q": q, "crumbs": _crumbs(("Standards", None))}
    return render(request, "coaching/reports/standards.html", context)


@login_required
@require_GET
def standard_list_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, _ = require_district(request, policy.VIEW)
    form = ListQueryForm(request.GET)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    rows = (
        [s.code, s.subject, s.description]
        for s in reports.standard_list(district=district, q=q).iterator()
    )
    return export_response(
        fmt=fmt, stem="standards", header=["Standard", "Subject", "Description"], rows=rows
    )
