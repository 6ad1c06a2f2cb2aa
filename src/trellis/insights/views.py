from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from trellis.core.listing import export_response, paginate
from trellis.core.policy import led_consortia
from trellis.core.tenancy import district_of
from trellis.insights import selectors
from trellis.insights.forms import GranteeFilterForm
from trellis.org.selectors import consortium_member_counts, district_overview


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The district overview; a consortium lead with no district goes to the consortium."""
    district = district_of(request)
    if district is None:
        if led_consortia(request.user).exists():  # type: ignore[arg-type]
            return redirect("insights:consortium")
        return render(request, "insights/no_access.html")
    overview = district_overview(district=district)
    context = {"overview": overview, "school_url": reverse("org:school-list")}
    return render(request, "insights/home.html", context)


@login_required
@require_GET
def consortium(request: HttpRequest) -> HttpResponse:
    """Aggregates of each member district, for consortium leads only; never staff records."""
    consortia = [
        (c, consortium_member_counts(consortium=c))
        for c in led_consortia(request.user)  # type: ignore[arg-type]
    ]
    if not consortia:
        raise PermissionDenied("Only a consortium lead can see consortium totals.")
    crumbs = [("Consortium", None)]
    return render(
        request, "insights/consortium_home.html", {"consortia": consortia, "crumbs": crumbs}
    )


def _grantee_filters(request: HttpRequest) -> GranteeFilterForm:
    return GranteeFilterForm(request.GET)


@login_required
@require_GET
def grantee_list(request: HttpRequest) -> HttpResponse:
    form = _grantee_filters(request)
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": [("Grantee landscape", None)]}
    if not form.is_valid():
        return render(request, "insights/grantee_list.html", context, status=400)
    filters = {k: v for k, v in form.cleaned_data.items() if k != "page" and v}
    context["page"] = paginate(selectors.grantee_list(**filters), form.cleaned_data["page"])
    return render(request, "insights/grantee_list.html", context)


@login_required
@require_GET
def grantee_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    form = _grantee_filters(request)
    filters = (
        {k: v for k, v in form.cleaned_data.items() if k != "page" and v} if form.is_valid() else {}
    )
    rows = (
        (g.name, g.state, g.cohort_year, g.award_usd, g.students_served, g.locale,
         "yes" if g.is_consortium else "no", ";".join(g.approaches))
        for g in selectors.grantee_list(**filters)
    )  # fmt: skip
    header = ["name", "state", "cohort_year", "award_usd", "students_served", "locale",
              "consortium", "approaches"]  # fmt: skip
    return export_response(fmt=fmt, stem="rttd-grantees", header=header, rows=rows)
