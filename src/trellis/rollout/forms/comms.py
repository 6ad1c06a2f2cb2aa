"""Forms for the communications plan and the feedback sessions. They parse and label; the
services check the rules (an owner of this district, a session already held) and the views show
their errors at the field."""

from __future__ import annotations

from typing import Any

from django import forms

from trellis.core.forms import PlainSelectsMixin
from trellis.core.models import District
from trellis.learning.forms_plans import one_staff_field
from trellis.rollout.models import Audience, Channel, Communication, FeedbackSession
from trellis.rollout.services.comms import MAX_TEXT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BAD_DATE = "Write the date as year-month-day, like 2026-03-15."


class CommunicationForm(forms.Form):
    audience = forms.ChoiceField(choices=Audience.choices, help_text="Who needs to hear it.")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        help_text="What this audience needs to hear, in words they use.",
        error_messages={"required": "Write what this audience needs to hear."},
    )
    channel = forms.ChoiceField(choices=Channel.choices, label="How")
    planned_on = forms.DateField(
        label="Date",
        widget=DATE,
        error_messages={"required": "Give the date it goes out.", "invalid": BAD_DATE},
    )

    def __init__(
        self,
        *args: Any,
        district: District,
        communication: Communication | None = None,
        **kwargs: Any,
    ) -> None:
        if communication is not None:
            kwargs["initial"] = {
                "audience": communication.audience,
                "message": communication.message,
                "channel": communication.channel,
                "planned_on": communication.planned_on,
                "owner": communication.owner_id,
            }
        super().__init__(*args, **kwargs)
        one_staff_field(self, "owner", district, "Owner")
        self.fields["owner"].help_text = "Who sends it or presents it (optional)."


class CommsFilterForm(PlainSelectsMixin, forms.Form):
    plain_selects = ("audience",)

    audience = forms.ChoiceField(
        choices=[("", "Every audience"), *Audience.choices], required=False
    )
    todo = forms.BooleanField(required=False, label="Only what is still to do")
    page = forms.IntegerField(min_value=1, required=False)

    def filters(self) -> dict[str, Any]:
        """The valid filters (an unknown audience shows the whole plan)."""
        if not self.is_valid():
            return {}
        return {"audience": self.cleaned_data["audience"], "todo": self.cleaned_data["todo"]}


class FeedbackForm(forms.Form):
    audience = forms.ChoiceField(choices=Audience.choices, help_text="Whom you heard from.")
    held_on = forms.DateField(
        label="Held on",
        widget=DATE,
        error_messages={"required": "Give the date the session was held.", "invalid": BAD_DATE},
    )
    format = forms.CharField(
        max_length=200,
        required=False,
        help_text="Where and how: a forum, a survey, a staff meeting.",
    )
    participants = forms.IntegerField(
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text="About how many people took part.",
        error_messages={"min_value": "A count of people cannot be negative."},
    )
    heard = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        label="What we heard",
        error_messages={"required": "Write down what you heard."},
    )
    response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        required=False,
        label="What we will do about it",
    )

    def __init__(self, *args: Any, session: FeedbackSession | None = None, **kwargs: Any):
        if session is not None:
            kwargs["initial"] = {name: getattr(session, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
