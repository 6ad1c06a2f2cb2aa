"""Forms for the readiness checklist pages. They parse and label; ``rollout.services.checklist``
checks the rules (who may change what, a web address that is http(s), an accepted file) and the
views show its errors at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from trellis.core.models import District
from trellis.org.models import Staff
from trellis.roles.forms import staff_field
from trellis.rollout.checklist import RECOMMENDATIONS
from trellis.rollout.forms.taskforce import DATE, DATE_ERRORS
from trellis.rollout.models import ChecklistItem, EvidenceKind, ItemStatus
from trellis.rollout.services.checklist import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, MAX_NOTE

RECOMMENDATION_CHOICES = [(r.number, f"{r.number}. {r.title}") for r in RECOMMENDATIONS]


def _owner_field(district: District, current: Staff | None = None) -> forms.Field:
    """Current staff, and the question's owner even if they have since left: saving the form
    must not drop them without anyone choosing to."""
    still_here = Q(is_active=True) | Q(pk=getattr(current, "pk", None))
    people = Staff.objects.filter(still_here, district=district).order_by(
        "last_name", "first_name", "id"
    )
    field = staff_field(district, "Owner", people)
    field.required = False
    field.empty_label = "Nobody yet"  # type: ignore[attr-defined]
    field.help_text = "Who answers the question and gathers the evidence."
    return field


def _due_field() -> forms.DateField:
    return forms.DateField(label="Due on", widget=DATE, required=False, error_messages=DATE_ERRORS)


class QuestionForm(forms.Form):
    """The district's own question under one of the five recommendations."""

    recommendation = forms.TypedChoiceField(choices=RECOMMENDATION_CHOICES, coerce=int)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1_000,
        label="Question",
        help_text="A question the district wants answered before it goes further.",
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(district)
        self.fields["due_on"] = _due_field()

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("owner", "due_on")}


class ItemForm(forms.Form):
    """Status and due date; the owner only for a rollout manager."""

    status = forms.ChoiceField(choices=ItemStatus.choices)

    def __init__(
        self, *args: Any, item: ChecklistItem, district: District, with_owner: bool, **kwargs: Any
    ) -> None:
        # The owner as a Staff row, so a staff-id box (a large district) shows their staff id.
        kwargs["initial"] = {"status": item.status, "owner": item.owner, "due_on": item.due_on}
        super().__init__(*args, **kwargs)
        if with_owner:
            self.fields["owner"] = _owner_field(district, item.owner)
        self.fields["due_on"] = _due_field()


class EvidenceForm(forms.Form):
    """One kind of evidence; the page shows one form per kind, each with its own prefix."""

    WORDS = {  # kind: (heading, button)
        EvidenceKind.NOTE: ("Add a note", "Add the note"),
        EvidenceKind.LINK: ("Add a link", "Add the link"),
        EvidenceKind.FILE: ("Attach a file", "Attach the file"),
    }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == EvidenceKind.NOTE:
            self.fields["text"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=MAX_NOTE,
                label="Note", help_text="What was done or decided, and where it is recorded.",
            )  # fmt: skip
        elif kind == EvidenceKind.LINK:
            self.fields["url"] = forms.CharField(
                max_length=500, required=False, label="Web address",
                help_text="A page or shared document, starting with https://.",
            )  # fmt: skip
            self.fields["text"] = _description("What the link shows")
        else:
            accepted = ", ".join(f".{t}" for t in EVIDENCE_TYPES)
            self.fields["file"] = forms.FileField(
                required=False, label="File",
                help_text=f"{accepted}; at most {EVIDENCE_MAX_BYTES // 1_048_576} MB.",
                widget=forms.ClearableFileInput(attrs={"accept": accepted.replace(" ", "")}),
            )  # fmt: skip
            self.fields["text"] = _description("What the file shows")

    @property
    def heading(self) -> str:
        return self.WORDS[EvidenceKind(self.kind)][0]

    @property
    def button(self) -> str:
        return self.WORDS[EvidenceKind(self.kind)][1]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        upload = data.get("file")
        return {"kind": self.kind, "text": data.get("text", ""), "url": data.get("url", ""),
                "upload": upload or None}  # fmt: skip


def _description(label: str) -> forms.CharField:
    return forms.CharField(max_length=500, required=False, label=label)
