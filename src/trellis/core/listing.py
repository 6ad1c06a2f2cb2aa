"""What every list page shares: validated query parameters, pagination and CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

PER_PAGE = 50


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


def _cell(value: Any) -> Any:
    # Neutralise spreadsheet formulas (CSV injection) in exported text.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value
