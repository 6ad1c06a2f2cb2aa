"""Writes for the communications plan (who hears what, how, when, from whom; done or not) and
the feedback sessions that record what the district heard back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.core import policy
from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import User
from trellis.core.writes import assign_fields, save_validated
from trellis.rollout.models import Communication, FeedbackSession, Initiative

COMMUNICATION_FIELDS = ("audience", "message", "channel", "planned_on", "owner")
FEEDBACK_FIELDS = ("audience", "held_on", "format", "participants", "heard", "response")
MAX_TEXT = 10_000


def _check_text(instance: Any, fields: tuple[str, ...]) -> None:
    errors = {
        name: f"Keep this under {MAX_TEXT:,} characters."
        for name in fields
        if len(getattr(instance, name) or "") > MAX_TEXT
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def communication_save(
    *,
    initiative: Initiative,
    data: Mapping[str, Any],
    actor: User,
    communication: Communication | None = None,
) -> Communication:
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    made = communication is None
    if communication is None:
        communication = Communication(district_id=initiative.district_id, initiative=initiative)
    before = {} if made else snapshot(communication, COMMUNICATION_FIELDS)
    assign_fields(communication, data, COMMUNICATION_FIELDS)
    owner = communication.owner
    if owner is not None and owner.district_id != initiative.district_id:
        raise ValidationError({"owner": "Choose an owner who works in this district."})
    if not (communication.message or "").strip():
        raise ValidationError({"message": "Write what this audience needs to hear."})
    _check_text(communication, ("message",))
    save_validated(communication)
    audit_record(
        actor=actor,
        action="rollout.communication_planned" if made else "rollout.communication_changed",
        target=communication,
        changes=diff(before, snapshot(communication, COMMUNICATION_FIELDS)),
    )
    return communication


@transaction.atomic
def communication_done(
    *, communication: Communication, done: bool, actor: User, on: dt.date | None = None
) -> Communication:
    """Tick a communication off as sent or held (or untick it, to undo)."""
    policy.require(actor, policy.ROLLOUT_MANAGE, communication)
    today = timezone.localdate()
    on = on or today
    if done and on > today:
        raise ValidationError({"done_on": "Tick it off once it has gone out."})
    before = communication.done_on
    communication.done_on = on if done else None
    communication.save(update_fields=["done_on"])
    audit_record(
        actor=actor,
        action="rollout.communication_done" if done else "rollout.communication_reopened",
        target=communication,
        changes={"done_on": [str(before) if before else None, str(on) if done else None]},
    )
    return communication


@transaction.atomic
def feedback_save(
    *,
    initiative: Initiative,
    data: Mapping[str, Any],
    actor: User,
    session: FeedbackSession | None = None,
) -> FeedbackSession:
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    made = session is None
    if session is None:
        session = FeedbackSession(district_id=initiative.district_id, initiative=initiative)
    before = {} if made else snapshot(session, FEEDBACK_FIELDS)
    assign_fields(session, data, FEEDBACK_FIELDS)
    held_on: dt.date | None = session.held_on
    if held_on is not None and held_on > timezone.localdate():
        raise ValidationError({"held_on": "Record a feedback session once it has been held."})
    if not (session.heard or "").strip():
        raise ValidationError({"heard": "Write down what you heard."})
    _check_text(session, ("heard", "response"))
    save_validated(session)
    audit_record(
        actor=actor,
        action="rollout.feedback_recorded" if made else "rollout.feedback_changed",
        target=session,
        changes=diff(before, snapshot(session, FEEDBACK_FIELDS)),
    )
    return session
