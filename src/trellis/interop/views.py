"""Pages of data exchange: upload a roster, watch it run, read what it did."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.forms import add_service_errors
from trellis.core.listing import export_response, paginate
from trellis.core.models import District
from trellis.core.numbers import is_whole
from trellis.core.tenancy import require_district
from trellis.interop import selectors, services, sheets
from trellis.interop.edfi.export import RESOURCES, iter_resource
from trellis.interop.models import ImportRun
from trellis.interop.oneroster import MAX_ARCHIVE_BYTES


class RosterForm(forms.Form):
    file = forms.FileField(
        label="Roster (.zip)",
        help_text=(
            "A OneRoster 1.2 CSV export from your student information system: one zip with "
            "manifest.csv, orgs.csv, users.csv and roles.csv. Staff are imported; students and "
            f"guardians are skipped and never stored. Up to {MAX_ARCHIVE_BYTES // 1_048_576} MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class SheetForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (.csv or .xlsx)",
        help_text="Start from the template. Rows are matched on the first column; every row is "
        "checked as if typed in on its page, and one bad row stops the whole sheet.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Data exchange", "interop:home"), *extra]


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, policy.INTEROP_MANAGE)
    form = RosterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_start(
                district=district, upload=form.cleaned_data["file"], actor=user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("interop:run", public_id=run.public_id)
    return _home(request, district, form=form)


def _home(
    request: HttpRequest,
    district: District,
    *,
    form: RosterForm | None = None,
    sheet_forms: dict[str, SheetForm] | None = None,
) -> HttpResponse:
    forms_by_kind = {kind: SheetForm(prefix=kind) for kind in sheets.SHEETS}
    forms_by_kind.update(sheet_forms or {})
    form = form or RosterForm()
    context = {
        "form": form,
        "sheet_forms": [(sheets.SHEETS[k], f) for k, f in forms_by_kind.items()],
        "page": paginate(selectors.import_runs(district), _page(request)),
        "crumbs": _crumbs(),
        "edfi_resources": RESOURCES,
    }
    failed = form.errors or any(f.errors for f in forms_by_kind.values())
    return render(request, "interop/home.html", context, status=400 if failed else 200)


@login_required
@require_http_methods(["POST"])
def sheet_import(request: HttpRequest, kind: str) -> HttpResponse:
    district, user = require_district(request, policy.INTEROP_MANAGE)
    if kind not in sheets.SHEETS:
        raise Http404("No such spreadsheet import.")
    form = SheetForm(request.POST, request.FILES, prefix=kind)
    if form.is_valid():
        try:
            run = services.import_start(
                district=district, upload=form.cleaned_data["file"], actor=user, kind=kind
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("interop:run", public_id=run.public_id)
    return _home(request, district, sheet_forms={kind: form})


@login_required
@require_GET
def sheet_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    require_district(request, policy.INTEROP_MANAGE)
    if kind not in sheets.SHEETS:
        raise Http404("No such spreadsheet import.")
    sheet = sheets.SHEETS[kind]
    if fmt == "xlsx":
        response = HttpResponse(
            sheets.template_xlsx(sheet),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(sheets.template_csv(sheet), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="trellis-{kind}-template.{fmt}"'
    return response


def _page(request: HttpRequest) -> int | None:
    value = request.GET.get("page", "")
    return int(value) if is_whole(value) else None


def _run(request: HttpRequest, public_id: str) -> ImportRun:
    district, _user = require_district(request, policy.INTEROP_MANAGE)
    try:
        run = selectors.import_run(district, public_id)
    except (ImportRun.DoesNotExist, ValidationError) as error:
        raise Http404("No such import in this district.") from error
    return services.interrupted_if_stale(run)


@login_required
@require_GET
def run_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    run = _run(request, public_id)
    context = {
        "run": run,
        "progress": selectors.progress(run),
        "summary": selectors.summary_rows(run),
        "crumbs": _crumbs((run.file_name, None)),
    }
    if request.GET.get("part") == "status":
        return render(request, "interop/_run_status.html", context)
    return render(request, "interop/run.html", context)


@login_required
@require_GET
def run_errors_export(request: HttpRequest, public_id: str, fmt: str) -> HttpResponseBase:
    run = _run(request, public_id)
    audit_record(actor=request.user, action="interop.import_problems_exported", target=run)  # type: ignore[arg-type]
    rows = (
        [e["file"], e.get("line") or "", e.get("column") or "", e["message"]] for e in run.errors
    )
    return export_response(
        fmt=fmt,
        stem=f"import-problems-{run.public_id}",
        header=["File", "Line", "Column", "Problem"],
        rows=rows,
    )


@login_required
@require_GET
def runs_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    district, user = require_district(request, policy.INTEROP_MANAGE)
    audit_record(actor=user, action="interop.imports_exported", target=district, district=district)
    rows = (
        [
            r.created_at.isoformat(timespec="seconds"),
            r.get_kind_display(),
            r.file_name,
            r.get_status_display(),
            r.mode,
            r.error_count,
            r.created_by.get_username() if r.created_by else "system",
        ]
        for r in selectors.import_runs(district).iterator()
    )
    return export_response(
        fmt=fmt,
        stem="imports",
        header=["Started", "Kind", "File", "Outcome", "Mode", "Problems", "By"],
        rows=rows,
    )


def _json_array(documents: Iterator[dict[str, object]]) -> Iterator[str]:
    yield "["
    for n, document in enumerate(documents):
        yield ("," if n else "") + "\n" + json.dumps(document, separators=(",", ":"))
    yield "\n]\n"


@login_required
@require_GET
def edfi_download(request: HttpRequest, resource: str) -> HttpResponseBase:
    """One Ed-Fi resource of the district as a JSON array, streamed a chunk at a time."""
    district, user = require_district(request, policy.INTEROP_MANAGE)
    if resource not in RESOURCES:
        raise Http404("No such Ed-Fi resource.")
    audit_record(
        actor=user,
        action="interop.edfi_exported",
        target=district,
        district=district,
        changes={"resource": [None, resource]},
    )
    response = StreamingHttpResponse(
        _json_array(iter_resource(district, resource)), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{district.slug}-{resource}.json"'
    return response
