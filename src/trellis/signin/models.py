"""A district's sign-in providers: which identity services may sign its staff in.

Each provider owns one django-allauth ``SocialApp`` (OpenID Connect or SAML) holding the client
id, secret and server settings allauth reads at sign-in; this row says which district it serves.
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.db import models

from trellis.core.models import District


class ProviderKind(models.TextChoices):
    GOOGLE = "google", "Google"
    MICROSOFT = "microsoft", "Microsoft Entra ID"
    CLEVER = "clever", "Clever"
    CLASSLINK = "classlink", "ClassLink"
    OIDC = "oidc", "Another OpenID Connect provider"
    SAML = "saml", "SAML 2.0 identity provider"


# Services that sign in people of many organizations. They can vouch for a verified email
# address, never for a roster username another organization could also hand out.
SHARED_KINDS = frozenset({ProviderKind.GOOGLE, ProviderKind.CLEVER, ProviderKind.CLASSLINK})

# Where each shared service publishes its OpenID Connect discovery document.
DEFAULT_SERVER_URLS: dict[str, str] = {
    ProviderKind.GOOGLE: "https://accounts.google.com",
    ProviderKind.CLEVER: "https://clever.com",
    ProviderKind.CLASSLINK: "https://launchpad.classlink.com",
}


class SignInProvider(models.Model):
    """One way a district's staff sign in: a button on the sign-in page."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="signin_providers"
    )
    kind = models.CharField(max_length=20, choices=ProviderKind.choices)
    label = models.CharField(
        max_length=40,
        verbose_name="button label",
        help_text="Shown as “Sign in with …” on the sign-in page, e.g. Maple Valley Google.",
    )
    app = models.OneToOneField(
        SocialApp, on_delete=models.PROTECT, related_name="district_provider"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district", "label", "id"]
        constraints = [
            # One provider of each kind per district: its allauth id is "<district>-<kind>".
            models.UniqueConstraint(
                fields=["district", "kind"], name="signin_one_kind_per_district"
            ),
            models.UniqueConstraint(fields=["district", "label"], name="signin_unique_label"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.district})"

    @property
    def is_saml(self) -> bool:
        return self.kind == ProviderKind.SAML

    @property
    def is_shared(self) -> bool:
        return self.kind in SHARED_KINDS
