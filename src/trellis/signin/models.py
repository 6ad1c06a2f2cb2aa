"""A district's sign-in providers: which identity services may sign its staff in.

Each provider owns one django-allauth ``SocialApp`` (OpenID Connect or SAML) holding the client
id, secret and server settings allauth reads at sign-in; this row says which district it serves.
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.db import models

from trellis.core.models import District, User
from trellis.core.sealed import SealedField


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


class TwoFactorDevice(models.Model):
    """A person's authenticator app (TOTP, RFC 6238): the shared secret and the last code used.

    A person, not a district: one account signs in for every district it belongs to, so this row
    belongs to the user. ``confirmed_at`` is empty until the person has typed a first code, and
    an unconfirmed device never lets anyone in.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    # Sealed in the database (see trellis.core.sealed): a backup alone does not give it away.
    secret = SealedField(help_text="Base32 TOTP secret.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The 30-second step of the last code accepted: a code is good once, never replayed.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"authenticator app of {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time code for a lost phone, shown once at enrolment and kept only as a hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user}"
