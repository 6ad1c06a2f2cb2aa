"""The district admin's sign-in providers page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core import lockout, policy
from trellis.core.forms import add_service_errors
from trellis.core.models import User
from trellis.core.tenancy import require_district
from trellis.signin import selectors, services, totp
from trellis.signin.forms import ProviderForm, TwoFactorCodeForm
from trellis.signin.middleware import two_factor_passed
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


# --- Two-factor sign-in -------------------------------------------------------------------

# A half-signed-in session sees no menu: nothing behind it would open until the code is typed.
_BARE_HEADER: dict[str, Any] = {"nav_items": [], "my_districts": [], "active_district": None}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else resolve_url(settings.LOGIN_REDIRECT_URL)


def _code_form(request: HttpRequest, user: User) -> TwoFactorCodeForm:
    data = request.POST if request.method == "POST" else None
    return TwoFactorCodeForm(data, user=user, address=lockout.client_address(request.META))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Sign-in, second step: the code from the app, or a recovery code."""
    user = request.user
    assert isinstance(user, User)
    if not selectors.two_factor_confirmed(user=user):
        return redirect(f"{reverse('signin:two-factor-setup')}?{request.GET.urlencode()}")
    form = _code_form(request, user)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if services.two_factor_check(user=user, code=code, address=form.address):
            form.passed()
            two_factor_passed(request)
            return redirect(_next_url(request))
        wrong = "That code is not right, or it has been used already. Wait for a new one."
        form.failed(wrong, counted=True)
    context = {**_BARE_HEADER, "form": form, "next": _next_url(request)}
    return render(request, "signin/two_factor_verify.html", context, status=_status(form))


SETUP_STARTED = "trellis_two_factor_setup"  # in the session: this user began setting up here


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the secret as a QR code and as text, then a first code."""
    user = request.user
    assert isinstance(user, User)
    if selectors.two_factor_confirmed(user=user):
        return redirect(f"{reverse('signin:two-factor')}?{request.GET.urlencode()}")
    if not policy.requires_two_factor(user):
        # Nobody would ask this person for a code, so an app set up here would only mislead.
        messages.info(request, "Your roles do not need two-factor sign-in.")
        return redirect(_next_url(request))
    # Each session sets up with a secret of its own: one copied from another session's page
    # stops working as soon as this one starts.
    started = request.session.get(SETUP_STARTED) == user.pk
    device = services.two_factor_enrolment_start(user=user, renew=not started)
    request.session[SETUP_STARTED] = user.pk
    form = _code_form(request, user)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.failed(error.messages[0])
        else:
            form.passed()
            two_factor_passed(request)
            shown = {**_BARE_HEADER, "codes": codes, "next": _next_url(request)}
            return render(request, "signin/two_factor_recovery_codes.html", shown)
    uri = totp.provisioning_uri(device.secret, user.get_username())
    context: dict[str, Any] = {
        **_BARE_HEADER, "form": form, "next": _next_url(request),
        "secret": totp.grouped_secret(device.secret), "qr_code": totp.qr_code_data_uri(uri),
    }  # fmt: skip
    return render(request, "signin/two_factor_setup.html", context, status=_status(form))


def _status(form: TwoFactorCodeForm) -> int:
    return 400 if form.is_bound and form.errors else 200
