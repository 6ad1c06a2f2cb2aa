from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe

from trellis.core import lockout, policy
from trellis.core.models import User

LOCKED_MESSAGE = (
    "Too many failed sign-ins for this account from your network. Wait 15 minutes and try "
    "again, or reset your password."
)


class LoginForm(AuthenticationForm):
    """Django's sign-in form plus the per-(username, address) lockout."""

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "") or ""
        address = lockout.client_address(self.request.META if self.request else {})
        if lockout.is_locked(username=username, address=address):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lockout.failure_record(username=username, address=address)
            raise
        user = self.get_user()
        if user is None:  # a field left empty: its own message says so
            return cleaned
        if not (settings.TRELLIS_TWO_FACTOR and policy.requires_two_factor(user)):
            # With a second factor still to come, failures stay counted until the code is
            # right: otherwise each correct password would buy another round of code guesses.
            lockout.success_record(username=username, address=address)
        return cleaned


class ListQueryForm(forms.Form):
    """Query-string parameters every list page shares."""

    page = forms.IntegerField(min_value=1, required=False, help_text="Page number, from 1.")
    q = forms.CharField(required=False, max_length=100, label="Search")


class PlainSelectsMixin:
    """Render a filter form's selects as plain data: a large district has hundreds of schools,
    and Django's widget templates cost a template render per option."""

    plain_selects: tuple[str, ...] = ()
    fields: dict[str, forms.Field]
    data: Any
    errors: Any

    def select_options(self, name: str) -> list[tuple[str, str]]:
        choices = self.fields[name].choices  # type: ignore[attr-defined]
        return [(str(value), str(label)) for value, label in choices]

    def select_controls(self) -> list[dict[str, Any]]:
        controls = []
        for name in self.plain_selects:
            selected = str(self.data.get(name, ""))
            # One string built here instead of a template loop: hundreds of options per select.
            options = mark_safe(  # noqa: S308  # nosec B308 B703 — every value and label is escaped
                "".join(
                    f'<option value="{escape(value)}"'
                    f"{' selected' if value == selected else ''}>{escape(label)}</option>"
                    for value, label in self.select_options(name)
                )
            )
            controls.append({
                "name": name, "id": f"id_{name}", "options_html": options,
                "label": self.fields[name].label or name.replace("_", " ").capitalize(),
                "errors": self.errors.get(name),
            })  # fmt: skip
        return controls


class AuditFilterForm(ListQueryForm):
    action = forms.ChoiceField(required=False, choices=[("", "Any action")])
    actor = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Who")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, actors: QuerySet[User], actions: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", "Any action")] + [(a, a) for a in actions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be on or after the start date.")
        return cleaned


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
