"""A closed round's results, as ``selectors.results`` gives them (small groups already hidden):
for each question the share agreeing and the spread of answers, broken down by group, school
or cohort, for everyone or one slice; the trend across rounds; and the CSV/Excel export, one
row per question and cell, hidden cells blank."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response
from trellis.core.models import District
from trellis.core.tenancy import require_district
from trellis.surveys.forms.results import ResultsForm
from trellis.surveys.models import Administration
from trellis.surveys.selectors import surveys as selectors
from trellis.surveys.selectors.results import (
    DIMENSION_LABELS,
    NotReady,
    Results,
    results,
    trend,
)
from trellis.surveys.views.common import RESULTS, crumbs, notice, require_export

HIDDEN = "hidden"


def _read(request: HttpRequest, district: District,
          admin: Administration) -> tuple[ResultsForm, Results | None]:  # fmt: skip
    """The form and the results it asks for; None when it is not valid. Raises NotReady."""
    # The study reports by respondent group, so that is where a report starts.
    data = request.GET if "breakdown" in request.GET else {"breakdown": "group"}
    form = ResultsForm(data, district=district)
    breakdown, slice_by = form.chosen()
    if form.errors:
        return form, None
    try:
        return form, results(administration=admin, breakdown=breakdown, slice_by=slice_by)
    except NotReady:
        raise
    except ValidationError as error:
        add_service_errors(form, error)
        return form, None


@login_required
@require_GET
def results_page(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, RESULTS)
    admin = selectors.administration_get(district=district, pk=pk)
    context: dict[str, Any] = {
        "round": admin,
        "crumbs": crumbs((f"Results: {admin.title}", None)),
        "can_manage": policy.can(user, policy.SURVEYS_MANAGE, district),
    }
    try:
        form, result = _read(request, district, admin)
    except NotReady as error:
        context["not_ready"] = error.messages[0]
        return render(request, "surveys/results.html", context)
    context |= {
        "form": form, "result": result, "min_group": admin.min_group,
        "by": DIMENSION_LABELS.get(result.breakdown or "", "") if result else "",
        "rows": [(r, trend(administration=admin, item=r.item),
                  list(zip(r.scale, r.total.counts or [], strict=False)))
                 for r in (result.items if result else [])],
    }  # fmt: skip
    return render(request, "surveys/results.html", context, status=200 if result else 400)


def result_rows(result: Results) -> Iterator[list[Any]]:
    """One row per question and cell; a hidden cell has no numbers, only "hidden"."""
    by = DIMENSION_LABELS.get(result.breakdown or "", "")
    for r in result.items:
        for cell in [r.total, *r.rows]:
            shown = not cell.hidden
            spread = "; ".join(f"{label}: {n}" for label, n in zip(r.scale, cell.counts or [],
                                                                    strict=False))  # fmt: skip
            yield [
                result.slice_label, r.item.section.title if r.item.section else "", r.item.key,
                r.item.text, r.item.get_kind_display(), "" if cell is r.total else by,
                cell.label, "shown" if shown else HIDDEN, cell.n if shown else "",
                round(100 * cell.agree) if shown and cell.agree is not None else "",
                spread if shown else "", "\n".join(r.comments) if cell is r.total else "",
            ]  # fmt: skip


@login_required
@require_GET
def results_export(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponseBase:
    district, _ = require_export(request, RESULTS)
    admin = selectors.administration_get(district=district, pk=pk)
    try:
        form, result = _read(request, district, admin)
    except NotReady as error:
        return notice(request, "No results yet", error.messages[0], status=409)
    if result is None:
        return notice(request, "Choose again", " ".join(
            str(m) for messages in form.errors.values() for m in messages), status=400)  # fmt: skip
    return export_response(
        fmt=fmt, stem=f"survey-results-{admin.pk}", rows=result_rows(result),
        header=["Of", "Section", "Key", "Question", "Kind", "Breakdown", "Cell", "Shown", "Answers",
                "Agree (%)", "Spread of answers", "Comments"],
    )  # fmt: skip


urlpatterns = [
    path("surveys/rounds/<int:pk>/results/", results_page, name="results"),
    path(
        "surveys/rounds/<int:pk>/results/export.<export:fmt>", results_export, name="results-export"
    ),
]
