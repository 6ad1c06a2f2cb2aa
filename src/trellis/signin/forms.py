from __future__ import annotations

from typing import Any

from django import forms

from trellis.core import lockout
from trellis.core.forms import LOCKED_MESSAGE
from trellis.core.models import User
from trellis.signin.models import ProviderKind, SignInProvider

CODE = lockout.Step.CODE
CODES_LOCKED_MESSAGE = (
    "Too many wrong codes for this account. Wait 15 minutes and try again. Phone lost? Use a "
    "recovery code then, or ask whoever runs Trellis for your district to reset two-factor "
    "sign-in."
)
OIDC_HELP = "OpenID Connect kinds (Google, Microsoft, Clever, ClassLink, other)."


class ProviderForm(forms.Form):
    """A district's sign-in provider. Every check that needs the database or the network is the
    service's; this form only collects what the admin typed."""

    kind = forms.ChoiceField(choices=ProviderKind.choices, label="Provider")
    label = forms.CharField(
        max_length=40,
        label="Button label",
        help_text="The button reads “Sign in with …”, e.g. Maple Valley Google.",
    )
    client_id = forms.CharField(
        max_length=191, required=False, label="Client id", help_text=f"For {OIDC_HELP}"
    )
    secret = forms.CharField(
        max_length=191,
        required=False,
        label="Client secret",
        # Never sent back to the browser, not even to the admin who typed it.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=f"For {OIDC_HELP} Never shown again after saving.",
    )
    server_url = forms.CharField(
        max_length=500,
        required=False,
        label="Server address",
        help_text="The provider's OpenID Connect issuer. Google, Clever and ClassLink fill it "
        "in themselves; Microsoft needs your tenant's, "
        "https://login.microsoftonline.com/TENANT-ID/v2.0.",
    )
    metadata_url = forms.CharField(
        max_length=500,
        required=False,
        label="SAML metadata address",
        help_text="For SAML: where your identity provider publishes its metadata.",
    )
    metadata_xml = forms.CharField(
        required=False,
        label="SAML metadata XML",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For SAML, instead of the address: the metadata file's contents.",
    )

    def __init__(self, *args: Any, provider: SignInProvider | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        if provider is not None:
            # The kind names the provider's accounts; a different kind is a new provider.
            self.fields["kind"].disabled = True
            kept = "A secret is saved. Leave this empty to keep it, or type a new one."
            self.fields["secret"].help_text = kept

    @classmethod
    def initial_for(cls, provider: SignInProvider) -> dict[str, Any]:
        app = provider.app
        idp = app.settings.get("idp", {})
        return {
            "kind": provider.kind,
            "label": provider.label,
            "client_id": app.client_id if not provider.is_saml else "",
            "server_url": app.settings.get("server_url", ""),
            "metadata_url": idp.get("metadata_url", ""),
            "metadata_xml": idp.get("xml", ""),
        }

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "kind"}


class TwoFactorCodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, to sign in, a recovery code).

    Wrong codes count into the sign-in lockout for this (username, address) pair, like wrong
    passwords, and into a cap on wrong codes for the username from every address; the check
    itself (and the replay guard) is the service's.
    """

    code = forms.CharField(
        max_length=20,
        label="Code",
        help_text="The six digits your authenticator app shows for Trellis.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, user: User, address: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.address = address

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username = self.user.get_username()
        if lockout.codes_locked(username=username):
            raise forms.ValidationError(CODES_LOCKED_MESSAGE, code="locked")
        if lockout.is_locked(username=username, address=self.address):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        return cleaned

    def failed(self, message: str, *, counted: bool = False) -> None:
        """Show ``message`` at the field; count the wrong code unless the service has."""
        if not counted:
            username = self.user.get_username()
            lockout.failure_record(username=username, address=self.address, step=CODE)
        self.add_error("code", message)

    def passed(self) -> None:
        username = self.user.get_username()
        lockout.success_record(username=username, address=self.address, step=CODE)
