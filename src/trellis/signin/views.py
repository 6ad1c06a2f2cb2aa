"""The district admin's sign-in providers page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import policy
from trellis.core.forms import add_service_errors
from trellis.core.tenancy import require_district
from trellis.signin import selectors, services
from trellis.signin.forms import ProviderForm
from trellis.signin.models import SignInProvider


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Sign-in providers", reverse("signin:provider-list")), *extra]


def _addresses(request: HttpRequest, provider: SignInProvider) -> list[tuple[str, str]]:
    """What the admin registers at the provider: where it sends people back to."""
    app = provider.app
    if provider.is_saml:
        slug = {"organization_slug": app.client_id}
        metadata = reverse("saml_metadata", kwargs=slug)
        acs = reverse("saml_acs", kwargs=slug)
        return [
            ("Service provider metadata", request.build_absolute_uri(metadata)),
            ("Assertion consumer service (ACS)", request.build_absolute_uri(acs)),
        ]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": app.provider_id})
    return [("Redirect URI", request.build_absolute_uri(callback))]


@login_required
@require_GET
def provider_list(request: HttpRequest) -> HttpResponse:
    district, _ = require_district(request, policy.MEMBERS_MANAGE)
    providers = [(p, _addresses(request, p)) for p in selectors.provider_list(district=district)]
    sign_in_page = request.build_absolute_uri(reverse("core:login")) + f"?district={district.slug}"
    context = {"providers": providers, "crumbs": [("Sign-in providers", None)],
               "sign_in_page": sign_in_page}  # fmt: skip
    return render(request, "signin/provider_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    district, user = require_district(request, policy.MEMBERS_MANAGE)
    provider = selectors.provider_get(district=district, pk=pk) if pk else None
    initial = ProviderForm.initial_for(provider) if provider else None
    form = ProviderForm(request.POST or None, initial=initial, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            if provider is None:
                provider = services.signin_provider_create(
                    district=district, kind=form.cleaned_data["kind"],
                    data=form.service_data(), actor=user,
                )  # fmt: skip
            else:
                provider = services.signin_provider_update(
                    provider=provider, data=form.service_data(), actor=user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved “{provider.label}”.")
            return redirect("signin:provider-list")
    title = f"Edit {provider.label}" if provider else "Add a sign-in provider"
    context: dict[str, Any] = {
        "form": form, "title": title, "crumbs": _crumbs((title, None)),
        "cancel_url": reverse("signin:provider-list"),
        "intro": "Staff sign in through this provider only if a staff record of "
        f"{district.name} has their sign-in name or email address.",
    }  # fmt: skip
    return render(request, "core/form_page.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def provider_remove(request: HttpRequest, pk: int) -> HttpResponse:
    district, user = require_district(request, policy.MEMBERS_MANAGE)
    provider = selectors.provider_get(district=district, pk=pk)
    services.signin_provider_remove(provider=provider, actor=user)
    messages.success(
        request, f"Removed “{provider.label}”. Its button is gone from the sign-in page."
    )
    return redirect("signin:provider-list")
