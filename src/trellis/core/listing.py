"""What every list page shares: validated query parameters, pagination and CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from openpyxl import Workbook

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PER_PAGE = 50


def page_number(request: HttpRequest) -> int | None:
    """``?page=`` as a number, or None (the first page) for anything else: "²" and "٣" are
    digits to Python but not page numbers, and a huge number is just the last page."""
    raw = request.GET.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def paginate(
    queryset: QuerySet[Any], page_number: int | None, per_page: int = PER_PAGE
) -> Page[Any]:
    """The requested page; a number past the end shows the last page rather than an error."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(page_number or 1)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream rows as CSV so a 75,000-row export never sits in memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8 names correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Export"
) -> HttpResponse:
    """One worksheet, written in openpyxl's streaming mode (rows are not kept in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(
    *, fmt: str, stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponseBase:
    """The same table as CSV or as an Excel workbook (``fmt`` is ``csv`` or ``xlsx``)."""
    if fmt == "xlsx":
        return xlsx_response(filename=f"{stem}.xlsx", header=header, rows=rows, title=stem)
    return csv_response(filename=f"{stem}.csv", header=header, rows=rows)


class ExportFormatConverter:
    """``export.<export:fmt>`` in a URL: only the formats we write."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    # Neutralise spreadsheet formulas (CSV injection) in exported text; openpyxl would
    # otherwise store a string that starts with "=" as a live formula.
    if isinstance(value, dict | list | tuple):  # e.g. an audit event's changes: as JSON text
        value = json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value
