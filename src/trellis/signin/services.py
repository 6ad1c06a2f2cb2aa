"""Writes for district sign-in: providers set up by a district admin, and the link between a
signed-in identity and a staff record. Each validates, saves and audits in one transaction."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from trellis.core import lockout
from trellis.core.audit import audit_record
from trellis.core.models import District, Membership, Role, User
from trellis.org.models import Staff, StaffClassification
from trellis.org.services import staff_user_link
from trellis.signin import totp
from trellis.signin.models import (
    DEFAULT_SERVER_URLS,
    ProviderKind,
    RecoveryCode,
    SignInProvider,
    TwoFactorDevice,
)
from trellis.signin.selectors import Identity, SignInRefused, staff_for_identity

PROVIDER_FIELDS = ("label", "client_id", "secret", "server_url", "metadata_url", "metadata_xml")
METADATA_TIMEOUT_SECONDS = 10
WRONG_CODE = "That code is not right. Type the six digits your app shows now."

# What a SAML identity provider's attributes are called, most common names first. The uid is
# the stable subject id when the provider sends one, else the NameID.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "mail",
        "email",
    ],
    "username": [
        "urn:oid:0.9.2342.19200300.100.1.1",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
        "uid",
        "username",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
    ],
}

# A new sign-in gets the least a person of that classification needs; a district admin grants
# more (HR, coach, district admin) on purpose.
ROLE_FOR_CLASSIFICATION: dict[str, str] = {
    StaffClassification.PRINCIPAL: Role.PRINCIPAL,
    StaffClassification.INSTRUCTIONAL_COORDINATOR: Role.COACH,
}
_MICROSOFT_SHARED_TENANTS = {"common", "organizations", "consumers"}
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


# --- Providers ----------------------------------------------------------------------------


def _allauth_id(district: District, kind: str) -> str:
    return f"{district.slug}-{kind}"


def _check_url(url: str, field: str) -> str:
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {field: "Enter a full web address, starting with https://."}
        ) from None
    parts = urlsplit(url)
    loopback = _is_loopback(parts.hostname or "")
    if parts.scheme != "https" and not (loopback and settings.TRELLIS_SIGNIN_ALLOW_HTTP_LOOPBACK):
        raise ValidationError({field: "Use an https:// address: sign-in secrets travel over it."})
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _oidc_settings(
    kind: str, data: Mapping[str, Any], current: SocialApp | None
) -> tuple[str, str, dict[str, Any]]:
    errors: dict[str, str] = {}
    client_id = str(data.get("client_id") or "").strip()
    secret = str(data.get("secret") or "").strip() or (current.secret if current else "")
    server_url = str(data.get("server_url") or "").strip() or DEFAULT_SERVER_URLS.get(kind, "")
    if not client_id:
        errors["client_id"] = "Enter the client id the provider gave your district."
    if not secret:
        errors["secret"] = "Enter the client secret the provider gave your district."  # noqa: S105
    if not server_url:
        errors["server_url"] = "Enter the provider's address (its OpenID Connect issuer)."
    else:
        try:
            server_url = _check_url(server_url, "server_url")
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
        else:
            tenant = urlsplit(server_url).path.strip("/").split("/")[0].lower()
            if kind == ProviderKind.MICROSOFT and tenant in _MICROSOFT_SHARED_TENANTS:
                errors["server_url"] = (
                    f"“{tenant}” lets any Microsoft account in: use your tenant's address, "
                    "https://login.microsoftonline.com/<tenant id>/v2.0."
                )
    if errors:
        raise ValidationError(errors)
    # PKCE binds the code to this browser; providers that do not know it ignore it.
    return client_id, secret, {"server_url": server_url.rstrip("/"), "oauth_pkce_enabled": True}


def _saml_idp(data: Mapping[str, Any]) -> dict[str, Any]:
    url = str(data.get("metadata_url") or "").strip()
    xml = str(data.get("metadata_xml") or "").strip()
    if url and xml:
        raise ValidationError({"metadata_xml": "Give the metadata address or the XML, not both."})
    if not url and not xml:
        raise ValidationError({"metadata_xml": "Give the metadata address or paste the XML."})
    field = "metadata_url" if url else "metadata_xml"
    try:
        if url:
            url = _check_url(url, field)
            xml = OneLogin_Saml2_IdPMetadataParser.get_metadata(
                url, timeout=METADATA_TIMEOUT_SECONDS
            ).decode()
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml).get("idp", {})
    except ValidationError:
        raise
    except (URLError, OSError) as error:
        raise ValidationError(
            {field: f"Could not read metadata from this address: {error}."}
        ) from None
    except Exception:  # python3-saml raises bare Exceptions for XML that is not IdP metadata
        raise ValidationError({field: "This is not SAML identity provider metadata."}) from None
    entity_id, sso = parsed.get("entityId"), parsed.get("singleSignOnService", {}).get("url")
    if not entity_id or not sso:
        raise ValidationError({field: "The metadata names no single sign-on address (Redirect)."})
    if url:
        # allauth reads the metadata again at sign-in (cached), so a new certificate just works.
        return {"metadata_url": url, "entity_id": entity_id}
    if "x509cert" not in parsed:
        raise ValidationError(
            {
                field: "The metadata needs exactly one signing certificate; with several, give its "
                "address instead."
            }
        )
    return {"entity_id": entity_id, "sso_url": sso, "x509cert": parsed["x509cert"], "xml": xml}


def _app_values(
    *, district: District, kind: str, data: Mapping[str, Any], current: SocialApp | None
) -> dict[str, Any]:
    unknown = set(data) - set(PROVIDER_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in sorted(unknown)})
    label = str(data.get("label") or "").strip()
    if not label:
        raise ValidationError({"label": "Enter the label for the sign-in button."})
    clash = SignInProvider.objects.filter(district=district, label__iexact=label)
    if current is not None:
        clash = clash.exclude(app=current)
    if clash.exists():
        raise ValidationError({"label": f"Another sign-in button is already called “{label}”."})
    allauth_id = _allauth_id(district, kind)
    if kind == ProviderKind.SAML:
        extra = {
            "attribute_mapping": SAML_ATTRIBUTES,
            "advanced": {"reject_idp_initiated_sso": True},
        }
        return {"provider": "saml", "provider_id": allauth_id, "name": label,
                "client_id": allauth_id, "secret": "",
                "settings": {"idp": _saml_idp(data), **extra}}  # fmt: skip
    client_id, secret, oidc = _oidc_settings(kind, data, current)
    return {"provider": "openid_connect", "provider_id": allauth_id, "name": label,
            "client_id": client_id, "secret": secret, "settings": oidc}  # fmt: skip


def _public(app: SocialApp) -> dict[str, Any]:
    """What the audit log may keep of an app: never the secret, only whether it changed."""
    idp = app.settings.get("idp", {})
    return {
        "label": app.name,
        "client_id": app.client_id if app.provider != "saml" else "",
        "server_url": app.settings.get("server_url", ""),
        "metadata": idp.get("metadata_url") or idp.get("entity_id", ""),
        "secret": "(set)" if app.secret else "",
    }


@transaction.atomic
def signin_provider_create(
    *, district: District, kind: str, data: Mapping[str, Any], actor: User
) -> SignInProvider:
    if kind not in ProviderKind.values:
        raise ValidationError({"kind": "Choose a kind of provider from the list."})
    if SignInProvider.objects.filter(district=district, kind=kind).exists():
        label = ProviderKind(kind).label
        raise ValidationError({"kind": f"{district.name} already has a {label} sign-in."})
    values = _app_values(district=district, kind=kind, data=data, current=None)
    if SocialApp.objects.filter(provider_id=values["provider_id"]).exists():
        raise ValidationError({"kind": "A sign-in with this id already exists; ask support."})
    app = SocialApp.objects.create(**values)
    provider = SignInProvider(district=district, kind=kind, label=values["name"], app=app)
    provider.full_clean()
    provider.save()
    changes = {k: [None, v] for k, v in _public(app).items() if v}
    audit_record(actor=actor, action="signin.provider_created", target=provider, changes=changes)
    return provider


@transaction.atomic
def signin_provider_update(
    *, provider: SignInProvider, data: Mapping[str, Any], actor: User
) -> SignInProvider:
    app = SocialApp.objects.select_for_update().get(pk=provider.app_id)
    before = _public(app)
    old_secret = app.secret
    values = _app_values(district=provider.district, kind=provider.kind, data=data, current=app)
    for name in ("name", "client_id", "secret", "settings"):
        setattr(app, name, values[name])
    app.save()
    provider.label = values["name"]
    provider.full_clean()
    provider.save()
    after = _public(app)
    if app.secret != old_secret:
        after["secret"] = "(changed)"  # noqa: S105 — a marker, never the secret
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_record(
            actor=actor, action="signin.provider_updated", target=provider, changes=changes
        )
    return provider


@transaction.atomic
def signin_provider_remove(*, provider: SignInProvider, actor: User) -> None:
    """Remove the button and forget which identities it connected; the people keep their
    accounts and memberships and can still sign in another way."""
    audit_record(
        actor=actor, action="signin.provider_removed", target=provider,
        changes={"label": [provider.label, None]},
    )  # fmt: skip
    app = provider.app
    SocialAccount.objects.filter(provider=app.provider_id).delete()
    provider.delete()
    app.delete()


# --- Signing people in --------------------------------------------------------------------


def _new_username(staff: Staff, identity: Identity) -> str:
    base = staff.username or identity.username or (staff.email or identity.email).split("@")[0]
    base = _USERNAME_UNSAFE.sub("", base)[:100] or f"staff{staff.pk}"
    # Usernames are global; a name already taken (perhaps in another district) is never reused.
    candidates = [base, f"{base}.{staff.district.slug}"]
    candidates += [f"{base}.{staff.district.slug}{n}" for n in range(2, 100)]
    for candidate in candidates:
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate[:150]
    raise SignInRefused("Trellis could not name your account; ask support.", reason="no_username")


@transaction.atomic
def _staff_link(*, staff: Staff, identity: Identity, user: User | None) -> User:
    """Link ``staff`` to ``user`` (or a new user without a password) and give a membership."""
    staff = (
        Staff.objects.select_for_update(of=("self",)).select_related("district").get(pk=staff.pk)
    )
    if staff.user is not None:  # two first sign-ins at once: the other one linked it
        return staff.user
    if user is None:
        user = User(
            username=_new_username(staff, identity),
            first_name=staff.first_name[:150],
            last_name=staff.last_name[:150],
            email=staff.email or identity.email,
        )
        user.set_unusable_password()
        try:
            user.full_clean()
        except ValidationError:
            raise SignInRefused(
                "Trellis could not make an account from your staff record; ask HR to check it.",
                reason="invalid_account",
            ) from None
        user.save()
    try:
        staff_user_link(staff=staff, user=user)
    except ValidationError:
        raise SignInRefused(
            "Your account is already tied to another staff record in this district; ask HR.",
            reason="account_linked_elsewhere",
        ) from None
    role: str | None = None
    if not Membership.objects.filter(user=user, district_id=staff.district_id).exists():
        role = ROLE_FOR_CLASSIFICATION.get(staff.classification, Role.TEACHER)
        Membership.objects.create(user=user, district_id=staff.district_id, role=role)
    changes = {"user": [None, user.get_username()], "role": [None, role]}
    audit_record(actor=user, action="signin.staff_linked", target=staff, changes=changes)
    return user


def signin_resolve(
    *, provider: SignInProvider, identity: Identity, linked_user: User | None
) -> User:
    """The user this identity signs in as through ``provider``, or SignInRefused.

    ``linked_user`` is the user an earlier sign-in through this provider connected the identity
    to. The identity must be a current staff member of the provider's district. A staff record
    with a user signs that user in; one without gets ``linked_user`` or a new user (no password),
    and a membership of the district if that user had none there: principal for a principal,
    coach for an instructional coordinator, teacher (view only) for everyone else.
    """
    staff = staff_for_identity(provider=provider, identity=identity)
    district = provider.district
    if staff.user is not None:
        if linked_user is not None and linked_user.pk != staff.user.pk:
            raise SignInRefused(
                f"This sign-in is connected to a different Trellis account than your staff record "
                f"in {district.name}. Ask your district admin to sort it out.",
                reason="connected_elsewhere",
            )
        user = staff.user
    else:
        if (
            linked_user is not None
            and Staff.objects.filter(district=district, user=linked_user).exists()
        ):
            raise SignInRefused(
                f"This sign-in already belongs to another staff record in {district.name}.",
                reason="connected_elsewhere",
            )
        user = _staff_link(staff=staff, identity=identity, user=linked_user)
    if not user.is_active:
        raise SignInRefused("Your Trellis account is switched off.", reason="user_inactive")
    return user


@transaction.atomic
def signin_refusal_record(*, provider: SignInProvider, identity: Identity, reason: str) -> None:
    """Keep a refused sign-in in the district's audit log, so an admin can see why."""
    audit_record(
        actor=None, action="signin.refused", target=provider,
        changes={"identity": [None, str(identity)[:150]], "reason": [None, reason]},
    )  # fmt: skip


# --- Two-factor sign-in -------------------------------------------------------------------


def _two_factor_audit(*, user: User, actor: User | None, action: str, target: Any) -> None:
    """One event in each district the person belongs to, so each district's admins see it."""
    districts: list[District | None] = list(
        District.objects.filter(memberships__user=user).distinct()
    )
    for district in districts or [None]:
        audit_record(actor=actor, action=action, target=target, district=district)


@transaction.atomic
def two_factor_enrolment_start(*, user: User, renew: bool = False) -> TwoFactorDevice:
    """The unconfirmed device (and secret) a person sets up their app with. ``renew`` (a new
    session's first visit) draws a new secret, so a secret seen in one session is useless once
    another session has started setting up; a reload in the same session keeps its QR code."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.is_confirmed:
        raise ValidationError("Two-factor sign-in is already set up for this account.")
    if device is not None and not renew and device.secret:
        return device  # (an empty secret is one that could not be unsealed: draw a new one)
    if device is not None:
        device.secret = totp.new_secret()
        device.save(update_fields=["secret"])
        _two_factor_audit(user=user, actor=user, action="signin.two_factor_started", target=device)
        return device
    device = TwoFactorDevice.objects.create(user=user, secret=totp.new_secret())
    _two_factor_audit(user=user, actor=user, action="signin.two_factor_started", target=device)
    return device


@transaction.atomic
def two_factor_enrolment_confirm(
    *, user: User, code: str, moment: dt.datetime | None = None
) -> list[str]:
    """Turn the device on once the person types a code their app made from it.

    Returns the recovery codes, in the clear this one time; only their hashes are kept.
    """
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.is_confirmed:
        raise ValidationError("Start setting up two-factor sign-in again.")
    step = totp.matching_step(device.secret, code, moment)
    if step is None:
        raise ValidationError(WRONG_CODE, code="wrong")
    device.confirmed_at = moment or timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=totp.recovery_hash(c)) for c in codes
    )
    _two_factor_audit(user=user, actor=user, action="signin.two_factor_enrolled", target=device)
    return codes


@transaction.atomic
def two_factor_check(
    *, user: User, code: str, address: str, moment: dt.datetime | None = None
) -> bool:
    """Is ``code`` a good second factor for ``user`` now? A code from the app is good once
    (a later step than the last one used); a recovery code is good once, then spent.

    A wrong code is counted here (``lockout``, from ``address``) and recorded in the audit
    history, while the person's device row is locked: guesses sent side by side wait their
    turn, so none slips past the cap on wrong codes. A right code reseals the secret under the
    current ``SECRET_KEY`` (it may have been sealed under a fallback)."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None or not device.is_confirmed:
        return False
    username = user.get_username()
    if lockout.codes_locked(username=username):
        return False
    if totp.looks_like_recovery_code(code):
        spent = RecoveryCode.objects.filter(
            user=user, code_hash=totp.recovery_hash(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if spent:
            action = "signin.recovery_code_used"
            _two_factor_audit(user=user, actor=user, action=action, target=device)
            return True
    else:
        step = totp.matching_step(device.secret, code, moment)
        if step is not None and step > device.last_step:
            device.last_step = step
            device.save(update_fields=["last_step", "secret"])
            _two_factor_audit(
                user=user, actor=user, action="signin.two_factor_passed", target=device
            )
            return True
    lockout.failure_record(username=username, address=address, step=lockout.Step.CODE)
    _two_factor_audit(user=user, actor=user, action="signin.two_factor_failed", target=device)
    return False


@transaction.atomic
def two_factor_disable(*, user: User, actor: User | None) -> None:
    """Remove a person's authenticator app and recovery codes (a lost phone). Someone whose role
    needs two-factor sign-in sets it up again at their next sign-in."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise ValidationError(f"{user.get_username()} has not set up two-factor sign-in.")
    _two_factor_audit(user=user, actor=actor, action="signin.two_factor_disabled", target=device)
    RecoveryCode.objects.filter(user=user).delete()
    device.delete()
