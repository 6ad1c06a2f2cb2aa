from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from trellis.core import policy
from trellis.core.listing import export_response, paginate
from trellis.core.models import Consortium, User
from trellis.core.policy import led_consortia
from trellis.core.tenancy import district_of, require_district
from trellis.insights import selectors
from trellis.insights.forms import GranteeFilterForm


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The district dashboard; a consortium lead with no district goes to the consortium."""
    district = district_of(request)
    if district is None:
        if led_consortia(request.user).exists():  # type: ignore[arg-type]
            return redirect("insights:consortium")
        return render(request, "insights/no_access.html")
    district, user = require_district(request, policy.VIEW)
    board = selectors.district_dashboard(district=district, user=user)
    selectors.record_cliff_access(user=user, dashboard=board, what="dashboard")
    context = {"board": board, "overview": board.overview, "school_url": reverse("org:school-list")}
    return render(request, "insights/home.html", context)


@login_required
@require_GET
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.EXPORT)
    board = selectors.district_dashboard(district=district, user=user)
    selectors.record_cliff_access(user=user, dashboard=board, what="dashboard", exported=True)
    return export_response(
        fmt=fmt,
        stem=f"{district.slug}-dashboard-{board.school_year}",
        header=["area", "measure", "value"],
        rows=selectors.dashboard_rows(board),
    )


@login_required
@require_GET
def board_report(request: HttpRequest) -> HttpResponse:
    """One printable report of the initiative for the board or a funder."""
    district, user = require_district(request, policy.EXPORT)
    report = selectors.board_report(district=district, user=user)
    selectors.record_cliff_access(user=user, dashboard=report.dashboard, what="board report")
    context = {
        "report": report,
        "board": report.dashboard,
        "crumbs": [("Board report", None)],
    }
    return render(request, "insights/board_report.html", context)


def _led(request: HttpRequest) -> list[Consortium]:
    user: User = request.user  # type: ignore[assignment]
    consortia = list(led_consortia(user).order_by("name"))
    if not consortia:
        raise PermissionDenied("Only a consortium lead can see consortium totals.")
    return consortia


@login_required
@require_GET
def consortium(request: HttpRequest) -> HttpResponse:
    """Each member district's headline numbers, for consortium leads only; never a record."""
    dashboards = [selectors.consortium_dashboard(consortium=c) for c in _led(request)]
    context = {"dashboards": dashboards, "crumbs": [("Consortium", None)]}
    return render(request, "insights/consortium_home.html", context)


@login_required
@require_GET
def consortium_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    rows = (
        [board.consortium.name, *selectors.consortium_row(m)]
        for board in (selectors.consortium_dashboard(consortium=c) for c in _led(request))
        for m in [*board.members, board.total]
    )
    header = ["consortium", "district", *(name for name, _, _ in selectors.CONSORTIUM_COLUMNS)]
    return export_response(fmt=fmt, stem="consortium-headlines", header=header, rows=rows)


def _grantee_filters(request: HttpRequest) -> GranteeFilterForm:
    return GranteeFilterForm(request.GET)


@login_required
@require_GET
def grantee_list(request: HttpRequest) -> HttpResponse:
    """The 21 grantees: the approach matrix of the study's Table 1 with its totals, and the
    award of each grantee as a chart beside its table."""
    form = _grantee_filters(request)
    context: dict[str, Any] = {"form": form, "page": None, "crumbs": [("Grantee landscape", None)]}
    if not form.is_valid():
        return render(request, "insights/grantee_list.html", context, status=400)
    grantees = selectors.grantee_list(**form.filters())
    every = list(grantees)
    context.update(
        page=paginate(grantees, form.cleaned_data["page"]),
        every=every,
        totals=selectors.grantee_totals(every),
        peak=max((g.award_usd for g in every), default=0),
    )
    return render(request, "insights/grantee_list.html", context)


@login_required
@require_GET
def grantee_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    form = _grantee_filters(request)
    filters = form.filters() if form.is_valid() else {}
    rows = (
        (g.name, g.state, g.cohort_year, g.award_usd, g.students_served, g.locale,
         "yes" if g.is_consortium else "no", ";".join(g.approaches))
        for g in selectors.grantee_list(**filters)
    )  # fmt: skip
    header = ["name", "state", "cohort_year", "award_usd", "students_served", "locale",
              "consortium", "approaches"]  # fmt: skip
    return export_response(fmt=fmt, stem="rttd-grantees", header=header, rows=rows)
