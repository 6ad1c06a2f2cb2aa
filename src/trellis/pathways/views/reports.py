"""The pathways reports, for those who may read them (district admins, HR, principals and
viewers): moves, turnover, retention, the leadership pipeline and flows between role levels.
Each is worked out from assignment history when asked, and each of its tables exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.listing import export_response, page_number, paginate
from trellis.core.models import District, User
from trellis.core.tenancy import require_district
from trellis.org.selectors import staff_list
from trellis.pathways.forms.reports import FlowsForm, MovesFilterForm, YearForm
from trellis.pathways.selectors import history
from trellis.pathways.selectors.history import RETENTION_YEARS, STATE_LABELS, Move
from trellis.pathways.selectors.ladders import ladder_rank, school_names
from trellis.pathways.views.ladders import OFFICE, crumbs, require_export, tabs

REPORTS = policy.PATHWAYS_REPORTS
Reader = tuple[District, User]


def _page(request: HttpRequest, reader: Reader, name: str, title: str, **context: Any
          ) -> HttpResponse:  # fmt: skip
    """A report page with the section tabs; ``name`` is its url name."""
    district, user = reader
    context |= {"tabs": tabs(user, district, name), "crumbs": crumbs((title, None)),
                "can_manage": policy.can(user, policy.PATHWAYS_MANAGE, district)}  # fmt: skip
    return render(request, f"pathways/{name.split(':')[1]}.html", context)


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# --- Moves ----------------------------------------------------------------------------------


def _moves(district: District, kind: str, year: str) -> list[Move]:
    rank = ladder_rank(district=district)
    return history.moves_list(district=district, ladder_rank=rank, kind=kind, school_year=year)


@login_required
@require_GET
def moves(request: HttpRequest) -> HttpResponse:
    reader = district, _ = require_district(request, policy.PATHWAYS_MANAGE)
    form = MovesFilterForm(request.GET)
    page = paginate(_moves(district, *form.values()), page_number(request))  # type: ignore[arg-type]
    shown: list[Move] = list(page.object_list)
    people = staff_list(district=district).filter(pk__in=[m.staff_id for m in shown]).in_bulk()
    schools = school_names(district, [m.school_id for m in shown])
    rows = [(m, people.get(m.staff_id), schools.get(m.school_id or 0, OFFICE))
            for m in shown]  # fmt: skip
    return _page(request, reader, "pathways:moves", "Moves", form=form, page=page, rows=rows)


@login_required
@require_GET
def moves_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_export(request, policy.PATHWAYS_MANAGE)
    kind, year = MovesFilterForm(request.GET).values()
    audit_record(actor=user, action="pathways.moves_exported", target=district, district=district,
                 changes={"format": [None, fmt]})  # fmt: skip
    staff = staff_list(district=district).values_list(
        "pk", "staff_unique_id", "first_name", "last_name"
    )
    people = {pk: (uid, f"{first} {last}") for pk, uid, first, last in staff}
    schools = school_names(district)
    return export_response(
        fmt=fmt, stem=f"{district.slug}-moves",
        header=["Date", "Staff id", "Name", "Kind", "From", "To", "Reason", "School"],
        rows=([m.on, *people.get(m.staff_id, ("", "")), m.kind_label, m.from_role, m.to_role,
               m.reason_label, schools.get(m.school_id or 0, OFFICE)]
              for m in _moves(district, kind, year)),
    )  # fmt: skip


# --- Turnover -------------------------------------------------------------------------------


def _turnover(request: HttpRequest, district: District) -> tuple[YearForm, history.Turnover]:
    form = YearForm(request.GET)
    year = form.year()
    return form, history.turnover(district=district, school_year=year,
                                  schools=school_names(district))  # fmt: skip


@login_required
@require_GET
def turnover(request: HttpRequest) -> HttpResponse:
    reader = district, _ = require_district(request, REPORTS)
    form, result = _turnover(request, district)
    reasons = [(history.REASON_LABELS.get(r, r), n) for r, n in result.by_reason]
    page = paginate(result.by_school, page_number(request))  # type: ignore[arg-type]
    return _page(request, reader, "pathways:turnover", "Turnover", form=form, result=result,
                 reasons=reasons, page=page)  # fmt: skip


TURNOVER_TABLES = ("by-role", "by-school", "by-reason")


@login_required
@require_GET
def turnover_export(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    district, _ = require_export(request, REPORTS)
    if table not in TURNOVER_TABLES:
        raise Http404("No such table.")
    _, result = _turnover(request, district)
    stem = f"{district.slug}-turnover-{result.school_year}-{table}"
    if table == "by-reason":
        return export_response(fmt=fmt, stem=stem, header=["Reason", "Left"], rows=(
            [history.REASON_LABELS.get(r, r), n] for r, n in result.by_reason))  # fmt: skip
    rows = result.by_role if table == "by-role" else result.by_school
    return export_response(
        fmt=fmt, stem=stem,
        header=["Role" if table == "by-role" else "School", "Held", "Left", "Turnover (%)"],
        rows=([r.label, r.held, r.left, _pct(r.left, r.held)] for r in [*rows, result.total]),
    )  # fmt: skip


# --- Retention and the pipeline -------------------------------------------------------------


def _retention(district: District) -> list[tuple[str, list[tuple[int, int, int | None]]]]:
    """Each role with (still in it, could have been, %) after one, two and three years."""
    return [
        (row.role, [(*row.after.get(y, (0, 0)), _pct(*row.after.get(y, (0, 0))))
                    for y in RETENTION_YEARS])
        for row in history.retention(district=district)
    ]  # fmt: skip


@login_required
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    reader = district, _ = require_district(request, REPORTS)
    page = paginate(_retention(district), page_number(request))  # type: ignore[arg-type]
    return _page(request, reader, "pathways:retention", "Retention", page=page,
                 years=RETENTION_YEARS)  # fmt: skip


@login_required
@require_GET
def retention_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, _ = require_export(request, REPORTS)
    header = ["Role"] + [f"{label} after {y} year{'s' if y > 1 else ''}" for y in RETENTION_YEARS
                         for label in ("Stayed", "Started", "Retention (%)")]  # fmt: skip
    return export_response(
        fmt=fmt, stem=f"{district.slug}-retention", header=header,
        rows=([role, *(n for cell in cells for n in cell)] for role, cells in
              _retention(district)),
    )  # fmt: skip


@login_required
@require_GET
def pipeline(request: HttpRequest) -> HttpResponse:
    reader = district, _ = require_district(request, REPORTS)
    rows = history.new_leaders(district=district)[::-1]
    return _page(request, reader, "pathways:pipeline", "Leadership pipeline",
                 page=paginate(rows, page_number(request)),  # type: ignore[arg-type]
                 leader_roles=history.leader_role_types(district=district))  # fmt: skip


@login_required
@require_GET
def pipeline_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, _ = require_export(request, REPORTS)
    return export_response(
        fmt=fmt, stem=f"{district.slug}-new-leaders",
        header=["School year", "New leaders", "From personalized-learning roles", "Share (%)"],
        rows=([r.school_year, r.leaders, r.from_pl, _pct(r.from_pl, r.leaders)]
              for r in history.new_leaders(district=district)),
    )  # fmt: skip


# --- Flows ----------------------------------------------------------------------------------


def _flows(request: HttpRequest, district: District) -> tuple[FlowsForm, history.Flows]:
    form = FlowsForm.of(request.GET)
    first, last = form.years()
    return form, history.flows(district=district, first_year=first, last_year=last)


def _pairs(result: history.Flows) -> list[tuple[str, str, int]]:
    """Every flow that happened, the largest first: (from, to, people)."""
    pairs = [(STATE_LABELS[a], STATE_LABELS[b], n) for (a, b), n in result.counts.items() if n]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


@login_required
@require_GET
def flows(request: HttpRequest) -> HttpResponse:
    reader = district, _ = require_district(request, REPORTS)
    form, result = _flows(request, district)
    pairs = _pairs(result)
    # Where people come from (rows) and go to (columns): nobody is hired into "left".
    sources, targets = result.states[:-1], result.states[1:]
    matrix = [(STATE_LABELS[s], [result.counts.get((s, t), 0) for t in targets])
              for s in sources]  # fmt: skip
    first, last = form.years()
    return _page(request, reader, "pathways:flows", "Flows", form=form, result=result,
                 first=first, last=last, pairs=pairs, peak=max((p[2] for p in pairs), default=0),
                 targets=[STATE_LABELS[t] for t in targets], matrix=matrix)  # fmt: skip


@login_required
@require_GET
def flows_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, _ = require_export(request, REPORTS)
    form, result = _flows(request, district)
    first, last = form.years()
    return export_response(fmt=fmt, stem=f"{district.slug}-flows-{first}-to-{last}",
                           header=["From", "To", "People"], rows=_pairs(result))  # fmt: skip


urlpatterns = [
    path("pathways/moves/", moves, name="moves"),
    path("pathways/moves/export.<export:fmt>", moves_export, name="moves-export"),
    path("pathways/turnover/", turnover, name="turnover"),
    path("pathways/turnover/<slug:table>/export.<export:fmt>", turnover_export,
         name="turnover-export"),
    path("pathways/retention/", retention, name="retention"),
    path("pathways/retention/export.<export:fmt>", retention_export, name="retention-export"),
    path("pathways/pipeline/", pipeline, name="pipeline"),
    path("pathways/pipeline/export.<export:fmt>", pipeline_export, name="pipeline-export"),
    path("pathways/flows/", flows, name="flows"),
    path("pathways/flows/export.<export:fmt>", flows_export, name="flows-export"),
]  # fmt: skip
