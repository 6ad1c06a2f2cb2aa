"""The JSON API of data exchange: roster imports and the Ed-Fi export (tag ``interop``)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
import uuid
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import api_district, api_user
from trellis.core.audit import audit_record
from trellis.interop import selectors, services
from trellis.interop.edfi.export import RESOURCES, iter_resource
from trellis.interop.models import ImportRun

router = Router(tags=["interop"])
MANAGE = policy.INTEROP_MANAGE


class ProblemOut(Schema):
    file: str
    line: int | None
    column: str | None
    message: str


class ImportOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    file_name: str
    file_size: int
    mode: str
    counts: dict[str, dict[str, int]]
    error_count: int
    errors: list[ProblemOut]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress: dict[str, Any]

    @staticmethod
    def resolve_id(run: ImportRun) -> uuid.UUID:
        return run.public_id

    @staticmethod
    def resolve_progress(run: ImportRun) -> dict[str, Any]:
        return selectors.progress(run)


class ImportListOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    file_name: str
    mode: str
    error_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_id(run: ImportRun) -> uuid.UUID:
        return run.public_id


def _run(request: HttpRequest, import_id: uuid.UUID) -> ImportRun:
    district = api_district(request, MANAGE)
    try:
        run = selectors.import_run(district, str(import_id))
    except ImportRun.DoesNotExist as error:
        raise Http404("No such import in this district.") from error
    return services.interrupted_if_stale(run)


@router.post(
    "/interop/imports",
    response={202: ImportOut},
    summary="Import a OneRoster 1.2 roster (zip); it runs in the background",
)
def import_create(request: HttpRequest, file: File[UploadedFile]) -> Any:
    district, user = api_district(request, MANAGE), api_user(request)
    run = services.import_start(district=district, upload=file, actor=user)
    run.refresh_from_db()
    return Status(202, run)


@router.get("/interop/imports", response=list[ImportListOut], summary="Imports, newest first")
@paginate(LimitOffsetPagination)
def import_list(request: HttpRequest) -> Any:
    return selectors.import_runs(api_district(request, MANAGE))


@router.get(
    "/interop/imports/{import_id}",
    response=ImportOut,
    summary="One import: its progress while it runs, then what it changed or every problem",
)
def import_detail(request: HttpRequest, import_id: uuid.UUID) -> Any:
    return _run(request, import_id)


class EdfiPage(Schema):
    limit: int = 100
    offset: int = 0


class EdfiOut(Schema):
    resource: str
    items: list[dict[str, Any]]
    limit: int
    offset: int


@router.get(
    "/interop/edfi/{resource}",
    response=EdfiOut,
    summary="The district's staff data as Ed-Fi Data Standard resources, a page at a time",
    description="Resources: " + ", ".join(RESOURCES) + ". Documents come in a stable order; "
    "page with `limit` (at most 500) and `offset`.",
)
def edfi_resource(request: HttpRequest, resource: str, page: Query[EdfiPage]) -> Any:
    district = api_district(request, MANAGE)
    if resource not in RESOURCES:
        raise Http404(f"No Ed-Fi resource {resource!r}; use one of {', '.join(RESOURCES)}.")
    if not 1 <= page.limit <= 500:
        raise ValidationError({"limit": "limit must be from 1 to 500."})
    if page.offset < 0:
        raise ValidationError({"offset": "offset cannot be negative."})
    items = list(islice(iter_resource(district, resource), page.offset, page.offset + page.limit))
    audit_record(
        actor=api_user(request),
        action="interop.edfi_exported",
        target=district,
        district=district,
        changes={"resource": [None, resource], "offset": [None, page.offset]},
    )
    return {"resource": resource, "items": items, "limit": page.limit, "offset": page.offset}
