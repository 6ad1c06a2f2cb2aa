"""Pages for the role catalog, job descriptions, positions, assignments and the role maps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import ListQueryForm, add_service_errors
from trellis.core.listing import export_response, paginate
from trellis.core.models import Consortium
from trellis.core.tenancy import require_district
from trellis.org.selectors import staff_get, staff_of_user
from trellis.roles import selectors, services
from trellis.roles.forms import (
    AssignmentEndForm,
    AssignmentForm,
    JobDescriptionForm,
    PositionEditForm,
    PositionFilterForm,
    PositionForm,
    PositionTransitionForm,
    ReviewForm,
    RoleTypeFilterForm,
    RoleTypeForm,
    VersionForm,
)
from trellis.roles.models import JobDescriptionVersion, Position, RoleType, VersionStatus

Crumbs = list[tuple[str, str | None]]


def _catalog_crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [("Roles", reverse("roles:catalog")), *extra]


def _jd_crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return _catalog_crumbs(("Job descriptions", reverse("roles:jd-list")), *extra)


def _board_crumbs(*extra: tuple[str, str | None]) -> Crumbs:
    return [("Positions", reverse("roles:position-board")), *extra]


def _form_page(
    request: HttpRequest, form: Any, title: str, crumbs: Crumbs, cancel: str, intro: str = ""
) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel_url": cancel, "intro": intro}
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


# --- Role catalog ---------------------------------------------------------------------------


@login_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    form = RoleTypeFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": [("Roles", None)]}
    if not form.is_valid():
        return render(request, "roles/catalog.html", context, status=400)
    context["page"] = paginate(
        selectors.role_type_list(district=district, **form.filters()), form.cleaned_data["page"]
    )
    context["has_any"] = RoleType.objects.filter(district=district).exists()
    return render(request, "roles/catalog.html", context)


@login_required
@require_GET
def catalog_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    form = RoleTypeFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    types = selectors.role_type_list(district=district, **filters)
    audit_record(actor=user, action="roles.catalog_exported", target=district, district=district)
    rows = (
        (
            t.name,
            t.get_category_display(),
            t.get_default_level_display(),
            t.staff_classification,
            "study" if t.standard_key else "district",
            "retired" if t.is_retired else "active",
            t.job_count,  # type: ignore[attr-defined]
            t.position_count,  # type: ignore[attr-defined]
            t.description,
        )
        for t in types
    )
    header = [
        "name",
        "category",
        "usual_level",
        "staff_classification",
        "source",
        "state",
        "job_descriptions",
        "live_positions",
        "description",
    ]
    return export_response(fmt=fmt, stem=f"{district.slug}-role-types", header=header, rows=rows)


@login_required
@require_POST
def catalog_seed(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    made = services.role_types_seed(district=district, actor=user)
    messages.success(request, f"Added {made} of the study's common role types.")
    return redirect("roles:catalog")


@login_required
@require_GET
def role_type_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    role_type = selectors.role_type_get(district=district, pk=pk)
    jobs = selectors.job_description_list(district=district, role_type=role_type)
    context = {
        "role_type": role_type,
        "jobs": paginate(jobs, 1, 100),
        "crumbs": _catalog_crumbs((role_type.name, None)),
    }
    return render(request, "roles/role_type_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def role_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    role_type = selectors.role_type_get(district=district, pk=pk) if pk else None
    form = RoleTypeForm(request.POST or None, instance=role_type)
    if request.method == "POST" and form.is_valid():
        try:
            if role_type is None:
                role_type = services.role_type_create(
                    district=district, data=form.cleaned_data, actor=user
                )
            else:
                services.role_type_update(role_type=role_type, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the role type {role_type.name}.")
            return redirect("roles:role-type-detail", pk=role_type.pk)
    title = f"Edit {role_type.name}" if role_type else "Add a role type"
    cancel = (
        reverse("roles:role-type-detail", args=[role_type.pk])
        if role_type
        else reverse("roles:catalog")
    )
    return _form_page(request, form, title, _catalog_crumbs((title, None)), cancel)


@login_required
@require_POST
def role_type_state(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    role_type = selectors.role_type_get(district=district, pk=pk)
    try:
        if action == "retire":
            services.role_type_retire(role_type=role_type, actor=user)
            messages.success(request, f"Retired {role_type.name}. Restore it at any time.")
        elif action == "restore":
            services.role_type_restore(role_type=role_type, actor=user)
            messages.success(request, f"Restored {role_type.name}.")
        else:
            services.role_type_delete(role_type=role_type, actor=user)
            messages.success(request, f"Deleted {role_type.name}.")
            return redirect("roles:catalog")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("roles:role-type-detail", pk=pk)


# --- Job descriptions -----------------------------------------------------------------------


@login_required
@require_GET
def jd_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    form = ListQueryForm(request.GET)
    crumbs = _catalog_crumbs(("Job descriptions", None))
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": crumbs}
    if not form.is_valid():
        return render(request, "roles/jd_list.html", context, status=400)
    jobs = selectors.job_description_list(district=district, q=form.cleaned_data["q"])
    context["page"] = paginate(jobs, form.cleaned_data["page"])
    return render(request, "roles/jd_list.html", context)


@login_required
@require_GET
def jd_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    jobs = selectors.job_description_list(district=district, q=request.GET.get("q", "")[:100])
    audit_record(
        actor=user, action="roles.job_descriptions_exported", target=district, district=district
    )

    def rows() -> Any:
        for job in jobs:
            versions = list(job.versions.all())
            current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
            yield (
                job.title,
                job.role_type.name,
                len(versions),
                current.number if current else "",
                current.get_level_display() if current else "",
                current.published_at.date() if current and current.published_at else "",
                "yes" if any(v.status == VersionStatus.DRAFT for v in versions) else "no",
            )

    header = [
        "title",
        "role_type",
        "versions",
        "published_version",
        "level",
        "published_on",
        "draft_in_progress",
    ]
    return export_response(
        fmt=fmt, stem=f"{district.slug}-job-descriptions", header=header, rows=rows()
    )


@login_required
@require_http_methods(["GET", "POST"])
def jd_new(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    data = request.POST or None
    initial = {"role_type": request.GET.get("role_type")} if request.GET.get("role_type") else {}
    head = JobDescriptionForm(data, district=district, initial=initial)
    body = VersionForm(data)
    if request.method == "POST" and head.is_valid() and body.is_valid():
        try:
            job = services.job_description_create(
                district=district,
                role_type=head.cleaned_data["role_type"],
                title=head.cleaned_data["title"],
                data=body.service_data(),
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(head, error)
        else:
            messages.success(request, f"Saved {job.title} as draft version 1.")
            return redirect("roles:version-detail", pk=job.pk, number=1)
    title = "Write a job description"
    context = {
        "head": head,
        "form": body,
        "title": title,
        "crumbs": _jd_crumbs((title, None)),
        "cancel_url": reverse("roles:jd-list"),
    }
    status = 400 if head.errors or body.errors else 200
    return render(request, "roles/version_edit.html", context, status=status)


@login_required
@require_GET
def jd_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    job = selectors.job_description_get(district=district, pk=pk)
    versions = list(selectors.version_list(job_description=job))
    current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), versions[0])
    return redirect("roles:version-detail", pk=job.pk, number=current.number)


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    version = selectors.version_get(district=district, job_pk=pk, number=number)
    job = version.job_description
    versions = list(selectors.version_list(job_description=job))
    granted = policy.permissions(user, district)
    review_form = None
    if version.status == VersionStatus.DRAFT and policy.ROLES_REVIEW in granted:
        review_form = ReviewForm(district=district, me=staff_of_user(district=district, user=user))
    context = {
        "job": job,
        "version": version,
        "versions": versions,
        "reviews": version.reviews.select_related("reviewer", "recorded_by"),
        "signed_off": services.principal_signed_off(version),
        "review_form": review_form,
        "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
        "crumbs": _jd_crumbs((job.title, None)),
    }
    return render(request, "roles/version_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    version = selectors.version_get(district=district, job_pk=pk, number=number)
    detail = reverse("roles:version-detail", args=[pk, number])
    if version.status != VersionStatus.DRAFT:
        messages.error(request, "A published or retired version cannot change; start a new one.")
        return redirect(detail)
    form = VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(version=version, data=form.service_data(), actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved draft version {version.number}.")
            return redirect(detail)
    title = f"Edit {version.job_description.title}, draft version {version.number}"
    context = {
        "form": form,
        "title": title,
        "cancel_url": detail,
        "crumbs": _jd_crumbs((version.job_description.title, detail), ("Edit", None)),
    }
    return render(request, "roles/version_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def version_action(request: HttpRequest, pk: int, number: int, action: str) -> HttpResponse:
    """Publish, retire, start the next version, or record a review."""
    perm = policy.ROLES_REVIEW if action == "review" else policy.ROLES_EDIT
    district, user = require_district(request, perm)
    version = selectors.version_get(district=district, job_pk=pk, number=number)
    target = number
    try:
        if action == "publish":
            services.version_publish(version=version, actor=user)
            messages.success(request, f"Published version {number}. It can no longer change.")
        elif action == "retire":
            services.version_retire(version=version, actor=user)
            messages.success(request, f"Retired version {number}.")
        elif action == "new-version":
            target = services.version_new_draft(
                job_description=version.job_description, actor=user
            ).number
            messages.success(request, f"Started draft version {target} as a copy.")
        else:
            form = ReviewForm(request.POST, district=district)
            if not form.is_valid():
                return _review_invalid(request, version, form)
            services.review_record(version=version, actor=user, **form.cleaned_data)
            messages.success(request, "Recorded the review.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("roles:version-detail", pk=pk, number=target)


def _review_invalid(
    request: HttpRequest, version: JobDescriptionVersion, form: ReviewForm
) -> HttpResponse:
    detail = reverse("roles:version-detail", args=[version.job_description_id, version.number])
    title = f"Review {version}"
    return _form_page(
        request, form, title, _jd_crumbs((str(version), detail), ("Review", None)), detail
    )


@login_required
@require_GET
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    job = selectors.job_description_get(district=district, pk=pk)
    versions = list(selectors.version_list(job_description=job))
    numbers = [v.number for v in versions]
    try:
        left_n = int(request.GET.get("a") or (numbers[1] if len(numbers) > 1 else numbers[0]))
        right_n = int(request.GET.get("b") or numbers[0])
    except ValueError:
        left_n = right_n = -1
    by_number = {v.number: v for v in versions}
    context: dict[str, Any] = {
        "job": job,
        "versions": versions,
        "a": left_n,
        "b": right_n,
        "crumbs": _jd_crumbs(
            (job.title, reverse("roles:jd-detail", args=[pk])), ("Compare versions", None)
        ),
    }
    if left_n not in by_number or right_n not in by_number:
        listed = ", ".join(map(str, sorted(numbers)))
        context["error"] = f"Choose two of this job description's versions ({listed})."
        return render(request, "roles/version_compare.html", context, status=400)
    left, right = sorted((by_number[left_n], by_number[right_n]), key=lambda v: v.number)
    context.update(left=left, right=right, rows=selectors.version_compare(left, right))
    return render(request, "roles/version_compare.html", context)


# --- Positions ------------------------------------------------------------------------------


@login_required
@require_GET
def position_board(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    form = PositionFilterForm(request.GET, district=district)
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": [("Positions", None)]}
    if not form.is_valid():
        return render(request, "roles/position_board.html", context, status=400)
    filters = form.filters()
    context["page"] = paginate(
        selectors.position_list(district=district, slim=True, **filters),
        form.cleaned_data["page"],
    )
    context["summary"] = selectors.position_board_summary(
        district=district, school_year=filters["school_year"]
    )
    context["position_url"] = reverse("roles:position-board")
    return render(request, "roles/position_board.html", context)


@login_required
@require_GET
def position_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    form = PositionFilterForm(request.GET, district=district)
    filters = form.filters() if form.is_valid() else {}
    positions = selectors.position_list(district=district, **filters)
    audit_record(actor=user, action="roles.positions_exported", target=district, district=district)
    rows = (
        (
            p.requisition_number,
            p.title,
            p.version.job_description.role_type.name,
            p.version.get_level_display(),
            p.place,
            p.school_year,
            p.fte,
            p.get_status_display(),
            p.get_reason_display(),
            "; ".join(f"{a.staff.full_name} ({a.fte})" for a in p.current),  # type: ignore[attr-defined]
        )
        for p in positions.iterator(chunk_size=1000)
    )
    header = [
        "requisition_number",
        "title",
        "role_type",
        "level",
        "where",
        "school_year",
        "fte",
        "status",
        "reason",
        "current_holders",
    ]
    return export_response(fmt=fmt, stem=f"{district.slug}-positions", header=header, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def position_new(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    form = PositionForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "status"}
        try:
            position = services.position_create(
                district=district, data=data, actor=user, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Created position {position.requisition_number}.")
            return redirect("roles:position-detail", pk=position.pk)
    title = "Add a position"
    intro = (
        "A position places a published job description at a school or the district office. "
        "Give it the requisition number HR uses."
    )
    return _form_page(
        request, form, title, _board_crumbs((title, None)), reverse("roles:position-board"), intro
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    position = selectors.position_get(district=district, pk=pk)
    form = PositionEditForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        try:
            services.position_update(position=position, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved position {position.requisition_number}.")
            return redirect("roles:position-detail", pk=pk)
    detail = reverse("roles:position-detail", args=[pk])
    title = f"Edit position {position.requisition_number}"
    return _form_page(
        request,
        form,
        title,
        _board_crumbs((position.requisition_number, detail), ("Edit", None)),
        detail,
    )


def _position_context(request: HttpRequest, position: Position, **forms: Any) -> dict[str, Any]:
    return {
        "position": position,
        "history": selectors.position_assignments(position=position),
        "transition_form": forms.get("transition") or PositionTransitionForm(position=position),
        "assign_form": forms.get("assign") or AssignmentForm(position=position),
        "crumbs": _board_crumbs((position.requisition_number, None)),
    }


@login_required
@require_GET
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    position = selectors.position_get(district=district, pk=pk)
    return render(request, "roles/position_detail.html", _position_context(request, position))


@login_required
@require_POST
def position_transition(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    position = selectors.position_get(district=district, pk=pk)
    form = PositionTransitionForm(request.POST, position=position)
    if form.is_valid():
        try:
            services.position_transition(
                position=position,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            position.refresh_from_db()
            messages.success(
                request,
                f"{position.requisition_number} is now {position.get_status_display().lower()}.",
            )
            return redirect("roles:position-detail", pk=pk)
    context = _position_context(request, position, transition=form)
    return render(request, "roles/position_detail.html", context, status=400)


@login_required
@require_POST
def assignment_new(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    position = selectors.position_get(district=district, pk=pk)
    form = AssignmentForm(request.POST, position=position)
    if form.is_valid():
        try:
            assignment = services.assignment_create(
                position=position, actor=user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{assignment.staff.full_name} now holds {position.requisition_number}."
            )
            return redirect("roles:position-detail", pk=pk)
    context = _position_context(request, position, assign=form)
    return render(request, "roles/position_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.ROLES_EDIT)
    assignment = selectors.assignment_get(district=district, pk=pk)
    detail = reverse("roles:position-detail", args=[assignment.position_id])
    if assignment.end_date is not None:
        messages.error(request, "This assignment has already ended.")
        return redirect(detail)
    form = AssignmentEndForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_end(
                assignment=assignment,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["end_reason"],
                note=form.cleaned_data["end_note"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Ended {assignment.staff.full_name}'s assignment.")
            return redirect(detail)
    requisition = assignment.position.requisition_number
    title = f"End {assignment.staff.full_name}'s assignment to {requisition}"
    intro = (
        f"Began {assignment.begin_date:%Y-%m-%d}. The record is kept in the position's and "
        "the person's history."
    )
    return _form_page(
        request,
        form,
        title,
        _board_crumbs((requisition, detail), ("End assignment", None)),
        detail,
        intro,
    )


# --- People, org chart, the roles-by-level figure -------------------------------------------


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    staff = staff_get(district=district, pk=pk)
    form = ListQueryForm(request.GET)
    page_number = form.cleaned_data["page"] if form.is_valid() else 1
    history = paginate(selectors.assignment_list(district=district, staff=staff), page_number)
    crumbs = [
        ("Staff", reverse("org:staff-list")),
        (staff.full_name, reverse("org:staff-detail", args=[pk])),
        ("Assignments", None),
    ]
    return render(request, "roles/person.html", {"staff": staff, "page": history, "crumbs": crumbs})


@login_required
@require_GET
def person_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    staff = staff_get(district=district, pk=pk)
    audit_record(actor=user, action="roles.person_history_exported", target=staff)
    rows = (
        (
            a.position.requisition_number,
            a.position.title,
            a.position.place,
            a.begin_date,
            a.end_date,
            a.fte,
            "yes" if a.is_tosa else "no",
            a.get_end_reason_display(),
            a.end_note,
        )
        for a in selectors.assignment_list(district=district, staff=staff)
    )
    header = [
        "requisition_number",
        "title",
        "where",
        "begin_date",
        "end_date",
        "fte",
        "tosa",
        "end_reason",
        "end_note",
    ]
    return export_response(
        fmt=fmt,
        stem=f"{district.slug}-{staff.staff_unique_id}-assignments",
        header=header,
        rows=rows,
    )


@login_required
@require_GET
def org_chart(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    units = selectors.org_chart(district=district)
    crumbs = _catalog_crumbs(("Organization chart", None))
    return render(request, "roles/org_chart.html", {"units": units, "crumbs": crumbs})


def _figure_rows(figure: selectors.RolesFigure) -> Any:
    for group in figure.groups:
        for row in group.rows:
            yield (group.label, row.label, *row.counts, row.total)


def _figure_header(figure: selectors.RolesFigure) -> list[str]:
    return ["category", "role", *(lbl.lower() for lbl in figure.level_labels), "total"]


@login_required
@require_GET
def figure(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    data = selectors.roles_by_level(district=district)
    context = {
        "figure": data,
        "crumbs": _catalog_crumbs(("Roles by level", None)),
        "export_name": "roles:figure-export",
    }
    return render(request, "roles/figure.html", context)


@login_required
@require_GET
def figure_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, _ = require_district(request, policy.EXPORT)
    data = selectors.roles_by_level(district=district)
    return export_response(
        fmt=fmt,
        stem=f"{district.slug}-roles-by-level",
        header=_figure_header(data),
        rows=_figure_rows(data),
    )


def _led_consortium(request: HttpRequest) -> Consortium:
    consortium = policy.first_led_consortium(request.user)  # type: ignore[arg-type]
    if consortium is None:
        raise PermissionDenied("Only a consortium lead can see the consortium's role map.")
    return consortium


@login_required
@require_GET
def consortium_figure(request: HttpRequest) -> HttpResponse:
    data = selectors.consortium_roles_by_level(consortium=_led_consortium(request))
    context = {
        "figure": data,
        "crumbs": [("Consortium", reverse("insights:consortium")), ("Roles by level", None)],
        "export_name": "roles:consortium-figure-export",
    }
    return render(request, "roles/figure.html", context)


@login_required
@require_GET
def consortium_figure_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    consortium = _led_consortium(request)
    data = selectors.consortium_roles_by_level(consortium=consortium)
    return export_response(
        fmt=fmt,
        stem=f"{consortium.slug}-roles-by-level",
        header=_figure_header(data),
        rows=_figure_rows(data),
    )
