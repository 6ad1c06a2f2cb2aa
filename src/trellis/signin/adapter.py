"""django-allauth's hooks, so a district's provider signs in only that district's staff.

allauth authenticates the person with the provider; ``pre_social_login`` then decides who they
are in Trellis (``services.signin_resolve``) or refuses them before any account or session
exists. Nobody ever signs up through allauth: every account comes from a staff record.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trellis.core.models import User
from trellis.core.tenancy import SESSION_KEY
from trellis.signin import selectors, services
from trellis.signin.middleware import session_start
from trellis.signin.models import ProviderKind, SignInProvider
from trellis.signin.selectors import Identity, SignInRefused
from trellis.signin.services import SAML_ATTRIBUTES


def _first(values: Any) -> str:
    if isinstance(values, list):
        values = values[0] if values else ""
    return str(values or "").strip()


def _verified(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def identity_of(provider: SignInProvider, sociallogin: SocialLogin) -> Identity:
    """Who the provider says this is, read from what it sent (OIDC claims, SAML attributes).

    Read from ``account.extra_data``, never ``sociallogin.user``: for a returning identity allauth
    has already put the Trellis user there.
    """
    data = (
        sociallogin.account.extra_data if isinstance(sociallogin.account.extra_data, dict) else {}
    )
    uid = str(sociallogin.account.uid)
    if provider.kind == ProviderKind.SAML:
        mapping = provider.app.settings.get("attribute_mapping", SAML_ATTRIBUTES)
        found = {}
        for key, names in mapping.items():
            names = names if isinstance(names, list) else [names]
            found[key] = next((_first(data[n]) for n in names if _first(data.get(n))), "")
        return Identity(uid=uid, username=found.get("username", ""), email=found.get("email", ""))
    # allauth keeps the userinfo answer and the ID token; userinfo is the fuller of the two.
    claims = data.get("userinfo") or data.get("id_token") or {}
    return Identity(
        uid=uid,
        username=_first(claims.get("preferred_username")),
        email=_first(claims.get("email")),
        email_verified=_verified(claims.get("email_verified")),
    )


def _refused(request: HttpRequest, provider: SignInProvider | None, message: str) -> HttpResponse:
    context = {"provider": provider, "message": message}
    return render(request, "signin/refused.html", context, status=403)


class DistrictSocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = selectors.provider_for_allauth_id(sociallogin.account.provider)
        if provider is None:
            message = "This sign-in service is not set up for any district."
            raise ImmediateHttpResponse(_refused(request, None, message))
        identity = identity_of(provider, sociallogin)
        linked: User | None = sociallogin.user if sociallogin.is_existing else None
        try:
            with transaction.atomic():
                user = services.signin_resolve(
                    provider=provider, identity=identity, linked_user=linked
                )
                if linked is None:
                    sociallogin.connect(request, user)
        except SignInRefused as refusal:
            services.signin_refusal_record(
                provider=provider, identity=identity, reason=refusal.reason
            )
            raise ImmediateHttpResponse(_refused(request, provider, refusal.message)) from None

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False


class DistrictAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post_login(request, user, **kwargs)
        session_start(request)  # the session clocks start; a second factor may follow
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None:
            provider = selectors.provider_for_allauth_id(sociallogin.account.provider)
            if provider is not None:
                # Land in the district whose button they pressed, not their first district.
                request.session[SESSION_KEY] = provider.district_id
        return response
