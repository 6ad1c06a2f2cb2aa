"""Writes for the readiness checklist: start it from the study's template, add the district's own
questions, give each an owner, a status and a due date, and attach evidence (a note, a link or a
file). A question's owner may update it and add evidence; so may rollout managers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max

from trellis.core import policy
from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import User
from trellis.core.uploads import check_upload
from trellis.core.writes import assign_fields, save_validated
from trellis.org.models import Staff
from trellis.rollout.checklist import QUESTIONS
from trellis.rollout.models import (
    RECOMMENDATIONS,
    ChecklistItem,
    Evidence,
    EvidenceKind,
    Initiative,
    ItemStatus,
)

ITEM_FIELDS = ("owner", "status", "due_on")
EVIDENCE_TYPES = {
    "pdf": b"%PDF",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "pptx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "ods": b"PK\x03\x04",
    "png": b"\x89PNG",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "txt": b"",
    "csv": b"",
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_NOTE = 10_000
MAX_DESCRIPTION = 500


def can_update(user: User, item: ChecklistItem) -> bool:
    if policy.can(user, policy.ROLLOUT_MANAGE, item):
        return True
    return item.owner is not None and item.owner.user_id == user.pk


@transaction.atomic
def checklist_start(*, initiative: Initiative, actor: User) -> int:
    """Copy the study's questions into the initiative; those already there are kept as they
    are. Returns how many were added."""
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    have = set(initiative.checklist.exclude(key="").values_list("key", flat=True))
    new = [
        ChecklistItem(district_id=initiative.district_id, initiative=initiative,
                      recommendation=q.recommendation, key=q.key, text=q.text, order=index)
        for index, q in enumerate(QUESTIONS, start=1)
        if q.key not in have
    ]  # fmt: skip
    ChecklistItem.objects.bulk_create(new)
    if new:
        audit_record(actor=actor, action="rollout.checklist_started", target=initiative,
                     changes={"questions": [len(have), len(have) + len(new)]})  # fmt: skip
    return len(new)


@transaction.atomic
def item_add(
    *,
    initiative: Initiative,
    recommendation: int,
    text: str,
    data: Mapping[str, Any] | None = None,
    actor: User,
) -> ChecklistItem:
    """The district's own question under one of the five recommendations."""
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    text = (text or "").strip()
    errors: dict[str, str] = {}
    if not 1 <= recommendation <= RECOMMENDATIONS:
        errors["recommendation"] = f"Choose a recommendation from 1 to {RECOMMENDATIONS}."
    if not text:
        errors["text"] = "Write the question."
    elif len(text) > 1_000:
        errors["text"] = "Keep a question under 1,000 characters."
    elif initiative.checklist.filter(text__iexact=text).exists():
        errors["text"] = "The checklist already asks this."
    if errors:
        raise ValidationError(errors)
    last = initiative.checklist.filter(recommendation=recommendation).aggregate(n=Max("order"))
    item = ChecklistItem(
        district_id=initiative.district_id,
        initiative=initiative,
        recommendation=recommendation,
        text=text,
        order=(last["n"] or 0) + 1,
    )
    assign_fields(item, data or {}, ITEM_FIELDS)
    _check_item(item)
    save_validated(item)
    audit_record(
        actor=actor,
        action="rollout.checklist_question_added",
        target=item,
        changes={"recommendation": [None, recommendation], "text": [None, text]},
    )
    return item


def _check_item(item: ChecklistItem) -> None:
    owner: Staff | None = item.owner
    if owner is not None and owner.district_id != item.district_id:
        raise ValidationError({"owner": "Choose an owner who works in this district."})
    if item.status not in ItemStatus.values:
        raise ValidationError({"status": "Choose a status from the list."})
    due: dt.date | None = item.due_on
    if due is not None and due.year < 2000:
        raise ValidationError({"due_on": "Check the year of the due date."})


@transaction.atomic
def item_update(*, item: ChecklistItem, data: Mapping[str, Any], actor: User) -> ChecklistItem:
    if not can_update(actor, item):
        raise PermissionDenied("Only the question's owner or a rollout manager can update it.")
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item, ITEM_FIELDS)
    manager = policy.can(actor, policy.ROLLOUT_MANAGE, item)
    if "owner" in data and not manager and (data["owner"] and data["owner"].pk) != item.owner_id:
        raise PermissionDenied("Only a rollout manager can hand a question to someone else.")
    assign_fields(item, data, ITEM_FIELDS)
    _check_item(item)
    save_validated(item)
    audit_record(actor=actor, action="rollout.checklist_question_updated", target=item,
                 changes=diff(before, snapshot(item, ITEM_FIELDS)))  # fmt: skip
    return item


@transaction.atomic
def evidence_add(
    *,
    item: ChecklistItem,
    kind: str,
    text: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    actor: User,
) -> Evidence:
    if not can_update(actor, item):
        raise PermissionDenied("Only the question's owner or a rollout manager can add evidence.")
    text, url = (text or "").strip(), (url or "").strip()
    evidence = Evidence(district_id=item.district_id, item=item, kind=kind, added_by=actor)
    if kind == EvidenceKind.NOTE:
        if not text:
            raise ValidationError({"text": "Write the note."})
        if len(text) > MAX_NOTE:
            raise ValidationError({"text": f"Keep a note under {MAX_NOTE:,} characters."})
        evidence.text = text
    elif kind == EvidenceKind.LINK:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise ValidationError({"url": "Give a web address starting with https://."}) from error
        evidence.url, evidence.text = url, _description(text)
    elif kind == EvidenceKind.FILE:
        if upload is None:
            raise ValidationError({"file": "Choose the file to attach."})
        check_upload(upload, field="file", label="The file", types=EVIDENCE_TYPES,
                     max_bytes=EVIDENCE_MAX_BYTES)  # fmt: skip
        evidence.filename = (upload.name or "evidence")[-200:]
        evidence.text = _description(text)
    else:
        raise ValidationError({"kind": "Choose a note, a link or a file."})
    save_validated(evidence, exclude=["file"])
    audit_record(actor=actor, action="rollout.evidence_added", target=evidence,
                 changes={"question": [None, item.pk], "kind": [None, kind]})  # fmt: skip
    if upload is not None and kind == EvidenceKind.FILE:
        # Stored last, once everything that could refuse the evidence has passed.
        evidence.file.save(evidence.filename, upload, save=True)
    return evidence


def _description(text: str) -> str:
    # Refused rather than cut short: a shortened description would be a silent partial write.
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({"text": f"Keep the description under {MAX_DESCRIPTION} characters."})
    return text


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: User) -> None:
    if not can_update(actor, evidence.item):
        raise PermissionDenied("Only the question's owner or a rollout manager can remove it.")
    audit_record(actor=actor, action="rollout.evidence_removed", target=evidence,
                 changes={"kind": [evidence.kind, None]})  # fmt: skip
    stored = evidence.file.name if evidence.file else ""
    evidence.delete()
    if stored:
        # Remove the file only once the row is gone for good.
        storage = Evidence._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))
