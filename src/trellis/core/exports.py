"""Every export, whatever page it comes from, is rate-limited per person and recorded.

An export is any URL routed through ``export.<export:fmt>`` (CSV or Excel), and the API's Ed-Fi
downloads. Before the view runs, a person who has exported ``TRELLIS_EXPORTS_PER_MINUTE``
times in the last minute gets 429 ("wait a moment"), so one login cannot walk off with every
table at machine speed. After a successful export, an access event (``core.exported``: who,
which district, which URL, which format) joins the audit history. The count is read from the
audit history itself, so every worker process shares it.

Views still check their own permissions and scope their rows to the active district; this
guard adds what every export owes on top, in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from trellis.core.models import AuditEvent, User
from trellis.core.tenancy import district_of

ACTION = "core.exported"
DEFAULT_PER_MINUTE = 60
API_EXPORT_PREFIXES = ("/api/v1/interop/edfi/",)


def per_minute() -> int:
    return int(getattr(settings, "TRELLIS_EXPORTS_PER_MINUTE", DEFAULT_PER_MINUTE))


def _is_page_export(request: HttpRequest, view_kwargs: dict[str, Any]) -> bool:
    match = request.resolver_match
    route = match.route if match is not None else ""
    return "fmt" in view_kwargs and "export." in route


def _is_api_export(request: HttpRequest) -> bool:
    return request.method == "GET" and request.path.startswith(API_EXPORT_PREFIXES)


def _over_limit(user: User) -> bool:
    since = timezone.now() - dt.timedelta(minutes=1)
    recent = AuditEvent.objects.filter(actor=user, action=ACTION, occurred_at__gte=since)
    return recent.count() >= per_minute()


def _too_many() -> HttpResponse:
    response = HttpResponse(
        f"Too many exports: at most {per_minute()} a minute. Wait a moment and try again.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def _user(request: HttpRequest) -> User | None:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


class ExportGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 200:
            return response
        if getattr(request, "_trellis_export", False):
            self._record(request)
        elif _is_api_export(request) and (user := _user(request)) is not None:
            # A token is checked by the API view itself, so the limit is applied on the way
            # out: over it, the rows are not sent.
            if _over_limit(user):
                return _too_many()
            self._record(request)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        if not _is_page_export(request, view_kwargs):
            return None
        user = _user(request)
        if user is None:
            return None  # the view sends them to sign in
        if _over_limit(user):
            return _too_many()
        request._trellis_export = True  # type: ignore[attr-defined]
        return None

    @staticmethod
    def _record(request: HttpRequest) -> None:
        user = _user(request)
        if user is None:  # an API call's user is known only once the view has run
            return
        district = district_of(request)
        fmt = (request.resolver_match.kwargs.get("fmt") if request.resolver_match else None) or ""
        AuditEvent.objects.create(
            district=district,
            actor=user,
            actor_label=user.get_username(),
            action=ACTION,
            target_type="export",
            target_label=request.get_full_path()[:200],
            changes={"format": [None, fmt or "json"]},
        )
