"""What every API router shares: authentication, the active district, problem+json errors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import ConfigDict

from trellis.core import policy
from trellis.core.models import ApiToken, District, User
from trellis.core.services import token_hash
from trellis.core.tenancy import district_of

PROBLEM = "application/problem+json"
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``trellis token USERNAME``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = ApiToken.objects.select_related("user").filter(key_hash=token_hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # Record use at most every few minutes, so reads do not each become a write.
        if found.last_used_at is None or now - found.last_used_at > TOKEN_TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie, or one of nobody signed in: not this scheme's request, so the API
        # answers 401 (sign in), not 403 for a CSRF token there is no reason to send.
        user = getattr(request, "user", None)
        if not request.COOKIES.get(self.param_name) or not (user and user.is_authenticated):
            return None  # a session of nobody signed in has nothing to protect either
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if user.is_authenticated else None


# An id in a list of a request body: within the database's 64-bit range, so a lookup
# ``pk__in=[…]`` never overflows (Django checks single lookups itself, not lists).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class StrictSchema(Schema):
    """Input schemas reject fields they do not know, so a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")


def api_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def api_district(request: HttpRequest, perm: str = policy.VIEW) -> District:
    """The caller's district (X-Trellis-District header by slug, else their first)."""
    district = district_of(request)
    if district is None:
        raise PermissionDenied("You are not a member of any district (or not of the one named).")
    policy.require(api_user(request), perm, district)
    return district


def problem(
    status: int, title: str, detail: str = "", errors: list[Any] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type=PROBLEM)


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An error (RFC 9457). `errors` names each field at fault, e.g. "
    "`body.scores.3.score`.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "required": ["type", "title", "status"],
}
ERRORS = {
    "400": "The request could not be read (e.g. a body that is not JSON).",
    "401": "Not signed in: send a bearer token or a session cookie.",
    "403": "Signed in, but not allowed to do this here.",
    "404": "No such record in your district (or not one you may see).",
    "422": "A field is missing or wrong; `errors` says which.",
}
EXPORT_ERRORS = {"429": "Too many exports in a minute; wait and try again (Retry-After)."}


class TrellisAPI(NinjaAPI):
    """The API whose document lists, for every operation, the errors it answers with, each as
    problem+json: clients (and schema checkers) can rely on every status it returns."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = PROBLEM_SCHEMA
        body = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path, item in schema.get("paths", {}).items():
            for operation in item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                errors = dict(ERRORS)
                if "/edfi/" in path:
                    errors |= EXPORT_ERRORS
                for status, description in errors.items():
                    operation["responses"].setdefault(
                        status, {"description": description, "content": body}
                    )
        return schema


def install_problem_handlers(api: NinjaAPI) -> None:
    """Every error the API returns is RFC 9457 problem+json, with field paths where known."""

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_path(e.get("loc", ())), "message": e.get("msg", "Invalid value.")}
            for e in exc.errors
        ]
        return problem(422, "Invalid request", "Some fields are not valid.", errors)

    @api.exception_handler(ValidationError)
    def domain_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": f"body.{field}", "message": str(message)}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "body", "message": m} for m in exc.messages]
        return problem(422, "Invalid request", "Some fields are not valid.", errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(401, "Not signed in", "Send a session cookie or a bearer token.")
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, "Forbidden", str(exc) or "You may not do that.")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, "Not found", "No such record in your district.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc.message))


def body_ref(
    model: Any, district: District, pk: int | None, field: str, what: str, optional: bool = False
) -> Any:
    """A record a request body names by id, in the caller's district; anything else is a 422
    at that field (``body.<field>``), never another district's record. With ``optional``, no
    id means None."""
    if pk is None and optional:
        return None
    found = model._default_manager.filter(district=district, pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({field: f"No {what} with id {pk} in your district."})
    return found


REFS_CHUNK = 5_000  # ids a query; SQLite takes at most 32,766 parameters


def body_refs(
    queryset: QuerySet[Any], district: District, ids: list[int], field: str, what: str
) -> list[Any]:
    """Records a request body lists by id, in the caller's district and in the order given
    (once each); every unknown id is a 422 at its index (``body.<field>.<n>``)."""
    found: dict[int, Any] = {}
    for start in range(0, len(ids), REFS_CHUNK):
        chunk = ids[start : start + REFS_CHUNK]
        found |= {r.pk: r for r in queryset.filter(district=district, pk__in=chunk)}
    errors = {f"{field}.{n}": f"No {what} with id {pk} in your district."
              for n, pk in enumerate(ids) if pk not in found}  # fmt: skip
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in dict.fromkeys(ids)]
