"""Reads for district sign-in: a district's providers, and the staff record an identity is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from trellis.core.models import District, User
from trellis.org.models import Staff
from trellis.signin.models import SignInProvider, TwoFactorDevice


class SignInRefused(Exception):
    """The identity may not sign in through this provider; ``message`` says why, to the person."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # a short code for the audit log


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    uid: str
    username: str = ""
    email: str = ""
    # None: the provider did not say (SAML rarely does); False: it says the address is unproven.
    email_verified: bool | None = None

    def __str__(self) -> str:
        return self.username or self.email or self.uid


def provider_list(*, district: District) -> QuerySet[SignInProvider]:
    return SignInProvider.objects.filter(district=district).select_related("app")


def provider_get(*, district: District, pk: int) -> SignInProvider:
    return get_object_or_404(provider_list(district=district), pk=pk)


def provider_for_allauth_id(provider_id: str) -> SignInProvider | None:
    """The district provider behind an allauth provider id (``SocialAccount.provider``)."""
    return (
        SignInProvider.objects.select_related("district", "app")
        .filter(app__provider_id=provider_id)
        .first()
    )


def login_url(provider: SignInProvider) -> str:
    if provider.is_saml:
        return reverse("saml_login", kwargs={"organization_slug": provider.app.client_id})
    return reverse("openid_connect_login", kwargs={"provider_id": provider.app.provider_id})


@dataclass(frozen=True)
class LoginButton:
    district: str
    label: str
    url: str


def login_buttons(*, district_slug: str = "") -> list[LoginButton]:
    """The sign-in page's district buttons, by district name then label."""
    providers = SignInProvider.objects.select_related("district", "app").order_by(
        "district__name", "label"
    )
    if district_slug:
        providers = providers.filter(district__slug=district_slug)
    return [LoginButton(p.district.name, p.label, login_url(p)) for p in providers]


def _one(candidates: QuerySet[Staff], what: str, district: District) -> Staff | None:
    found = list(candidates[:2])
    if len(found) > 1:
        raise SignInRefused(
            f"More than one staff record in {district.name} has the {what} you signed in with, "
            "so Trellis cannot tell which one is you. Ask your district's HR team to fix the "
            "roster.",
            reason="ambiguous",
        )
    return found[0] if found else None


def staff_for_identity(*, provider: SignInProvider, identity: Identity) -> Staff:
    """The staff record of the provider's district that this identity is, or SignInRefused.

    Only that district's roster is searched, on ``Staff.username`` then ``Staff.email``, ignoring
    case. A service shared by many organizations (Google, Clever, ClassLink) is matched on a
    verified email address only; a district's own provider on the roster username too, and on an
    email address it does not call unverified.
    """
    district = provider.district
    roster = Staff.objects.filter(district=district).select_related("user")
    staff = None
    if identity.username and not provider.is_shared:
        staff = _one(roster.filter(username__iexact=identity.username), "sign-in name", district)
    email_trusted = identity.email_verified is True or (
        identity.email_verified is None and not provider.is_shared
    )
    if staff is None and identity.email and email_trusted:
        staff = _one(roster.filter(email__iexact=identity.email), "email address", district)
    if staff is None:
        raise SignInRefused(
            f"No staff record in {district.name} matches {identity}. {provider.label} signs in "
            f"{district.name} staff only. If you work in {district.name}, ask HR to add your "
            "sign-in name or email address to your staff record.",
            reason="no_staff_record",
        )
    if not staff.is_active:
        raise SignInRefused(
            f"Your staff record in {district.name} says you no longer work there.",
            reason="staff_not_current",
        )
    return staff


def two_factor_confirmed(*, user: User) -> bool:
    """Has ``user`` finished setting up an authenticator app?"""
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
