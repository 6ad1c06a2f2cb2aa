from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, paginate
from trellis.core.navigation import record_links, staff_notes
from trellis.core.tenancy import require_district
from trellis.org import selectors, services
from trellis.org.forms import SchoolFilterForm, SchoolForm, StaffFilterForm, StaffForm


def _school_crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Schools", reverse("org:school-list")), *extra]


def _staff_crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Staff", reverse("org:staff-list")), *extra]


@login_required
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    form = SchoolFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": [("Schools", None)]}
    if not form.is_valid():
        return render(request, "org/school_list.html", context, status=400)
    schools = selectors.school_list(district=district, q=form.cleaned_data["q"])
    context["page"] = paginate(schools, form.cleaned_data["page"])
    return render(request, "org/school_list.html", context)


@login_required
@require_GET
def school_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    schools = selectors.school_list(district=district, q=request.GET.get("q", "")[:100])
    audit_record(actor=user, action="org.schools_exported", target=district, district=district)
    rows = (
        (s.school_id, s.name, s.get_category_display(), s.get_lowest_grade_display(),
         s.get_highest_grade_display(), s.locale, s.staff_count)  # type: ignore[attr-defined]
        for s in schools
    )  # fmt: skip
    header = ["school_id", "name", "category", "lowest_grade", "highest_grade", "locale", "staff"]
    return export_response(fmt=fmt, stem=f"{district.slug}-schools", header=header, rows=rows)


@login_required
@require_GET
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    school = selectors.school_get(district=district, pk=pk)
    staff = paginate(selectors.staff_list(district=district, school=school, active=True), 1, 25)
    crumbs = _school_crumbs((school.name, None))
    return render(
        request, "org/school_detail.html", {"school": school, "page": staff, "crumbs": crumbs}
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, policy.EDIT)
    school = selectors.school_get(district=district, pk=pk) if pk else None
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        try:
            if school is None:
                school = services.school_create(
                    district=district, data=form.cleaned_data, actor=user
                )
            else:
                school = services.school_update(school=school, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {school.name}.")
            return redirect("org:school-detail", pk=school.pk)
    title = f"Edit {school.name}" if school else "Add a school"
    status = 400 if form.errors else 200
    cancel = (
        reverse("org:school-detail", args=[school.pk]) if school else reverse("org:school-list")
    )
    context = {
        "form": form,
        "title": title,
        "crumbs": _school_crumbs((title, None)),
        "cancel_url": cancel,
    }
    return render(request, "core/form_page.html", context, status=status)


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.VIEW)
    form = StaffFilterForm(request.GET, district=district)
    # Rows link to staff_url + pk: one reverse() a page instead of fifty.
    context: dict[str, Any] = {
        "form": form, "page": None, "crumbs": [("Staff", None)],
        "staff_url": reverse("org:staff-list"),
    }  # fmt: skip
    if not form.is_valid():
        return render(request, "org/staff_list.html", context, status=400)
    staff = selectors.staff_list(district=district, **form.filters())
    context["page"] = paginate(staff, form.cleaned_data["page"])
    template = "org/_staff_rows.html" if request.htmx else "org/staff_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def staff_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    form = StaffFilterForm(request.GET, district=district)
    if not form.is_valid():
        context: dict[str, Any] = {"form": form, "page": None, "crumbs": [("Staff", None)]}
        return render(request, "org/staff_list.html", context, status=400)
    staff = selectors.staff_list(district=district, **form.filters())
    audit_record(actor=user, action="org.staff_exported", target=district, district=district)
    rows = (
        (s.staff_unique_id, s.first_name, s.middle_name, s.last_name, s.email,
         s.school.name if s.school else "", s.classification, s.academic_subject,
         s.years_prior_teaching, s.years_prior_professional, s.highest_education,
         s.hire_date, "yes" if s.is_active else "no")
        for s in staff.iterator(chunk_size=2000)
    )  # fmt: skip
    header = [
        "staff_unique_id", "first_name", "middle_name", "last_name", "email", "school",
        "classification", "academic_subject", "years_prior_teaching",
        "years_prior_professional", "highest_education", "hire_date", "active",
    ]  # fmt: skip
    return export_response(fmt=fmt, stem=f"{district.slug}-staff", header=header, rows=rows)


@login_required
@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.VIEW)
    staff = selectors.staff_get(district=district, pk=pk)
    crumbs = _staff_crumbs((staff.full_name, None))
    links = record_links("staff", staff.pk, policy.permissions(user, district))
    notes = staff_notes(district.pk, [staff.pk]).get(staff.pk, [])
    context = {
        "staff": staff,
        "crumbs": crumbs,
        "links": links,
        "notes": notes,
        "school_roles": selectors.school_roles(staff),
        "employments": selectors.employments(staff),
    }
    return render(request, "org/staff_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, policy.EDIT)
    staff = selectors.staff_get(district=district, pk=pk) if pk else None
    form = StaffForm(request.POST or None, instance=staff, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            if staff is None:
                staff = services.staff_create(district=district, data=form.cleaned_data, actor=user)
            else:
                staff = services.staff_update(staff=staff, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {staff.full_name}.")
            return redirect("org:staff-detail", pk=staff.pk)
    title = f"Edit {staff.full_name}" if staff else "Add a staff member"
    status = 400 if form.errors else 200
    cancel = reverse("org:staff-detail", args=[staff.pk]) if staff else reverse("org:staff-list")
    context = {
        "form": form,
        "title": title,
        "crumbs": _staff_crumbs((title, None)),
        "cancel_url": cancel,
    }
    return render(request, "core/form_page.html", context, status=status)
