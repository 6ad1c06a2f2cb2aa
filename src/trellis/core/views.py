from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from trellis.core import policy, selectors
from trellis.core.audit import audit_record
from trellis.core.forms import AuditFilterForm, LoginForm
from trellis.core.listing import export_response, paginate
from trellis.core.models import AuditEvent, District
from trellis.core.numbers import is_whole
from trellis.core.tenancy import SESSION_KEY, require_district
from trellis.signin.middleware import session_start

AUDIT_CRUMBS = [("Audit log", None)]


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        session_start(self.request)  # the session clocks start; a second factor may follow
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = reverse_lazy("core:password-change-done")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("core:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("core:password-reset-complete")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_POST
def district_switch(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("district", "")
    mine = policy.user_districts(request.user)  # type: ignore[arg-type]
    district = mine.filter(pk=int(raw)).first() if is_whole(raw) else None
    if district is None:
        raise Http404("No such district among yours.")
    request.session[SESSION_KEY] = district.pk
    messages.success(request, f"You are now working in {district.name}.")
    return redirect("insights:home")


def _audit_filters(request: HttpRequest, district: District) -> AuditFilterForm:
    return AuditFilterForm(
        request.GET,
        actors=selectors.audit_actors(district=district),
        actions=selectors.audit_actions(district=district),
    )


def _filtered_events(form: AuditFilterForm, district: District) -> QuerySet[AuditEvent]:
    filters = {k: v for k, v in form.cleaned_data.items() if k != "page" and v}
    return selectors.audit_event_list(district=district, **filters)


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.AUDIT_VIEW)
    form = _audit_filters(request, district)
    if not form.is_valid():
        context: dict[str, Any] = {"form": form, "page": None, "crumbs": AUDIT_CRUMBS}
        return render(request, "core/audit_list.html", context, status=400)
    events = _filtered_events(form, district)
    page = paginate(events, form.cleaned_data.get("page"))
    template = "core/_audit_rows.html" if request.htmx else "core/audit_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "page": page, "crumbs": AUDIT_CRUMBS})


@login_required
@require_GET
def audit_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    district, user = require_district(request, policy.AUDIT_VIEW)
    form = _audit_filters(request, district)
    if not form.is_valid():
        context: dict[str, Any] = {"form": form, "page": None, "crumbs": AUDIT_CRUMBS}
        return render(request, "core/audit_list.html", context, status=400)
    events = _filtered_events(form, district)
    audit_record(actor=user, action="core.audit_exported", target=district, district=district)
    rows = (
        (e.occurred_at.isoformat(), e.actor_label, e.action, e.target_type, e.target_id,
         e.target_label, e.changes)
        for e in events.iterator(chunk_size=2000)
    )  # fmt: skip
    header = ["occurred_at", "actor", "action", "target_type", "target_id", "target", "changes"]
    return export_response(fmt=fmt, stem=f"{district.slug}-audit", header=header, rows=rows)
