"""Writes for coaching. Audit events name what happened and when, never what was written: the
audit history is read by administrators, who may be a teacher's evaluator."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.coaching import wall
from trellis.coaching.models import (
    MAX_MINUTES,
    Comment,
    Interaction,
    InteractionKind,
    Relationship,
    Share,
)
from trellis.core.audit import audit_record
from trellis.core.models import District, Membership, User
from trellis.core.policy import COACHING_MANAGE, can
from trellis.core.schoolyear import school_year_of
from trellis.org.models import Staff

MAX_TEXT = 10_000  # a long page of notes; more is a paste gone wrong


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"{label} can be at most {MAX_TEXT:,} characters."})
    return value


@transaction.atomic
def relationship_create(
    *,
    district: District,
    coach: Staff,
    teacher: Staff,
    begin_date: dt.date,
    focus: str = "",
    actor: User,
) -> Relationship:
    """Pair a coach with a teacher. Coaching managers pair anyone; a coach opens their own."""
    if not can(actor, COACHING_MANAGE, district) and coach.user_id != actor.pk:
        raise PermissionDenied("Only coaching managers can pair other coaches with teachers.")
    if coach.district_id != district.pk or teacher.district_id != district.pk:
        raise ValidationError("The coach and the teacher must both work in this district.")
    errors: dict[str, str] = {}
    if coach.pk == teacher.pk:
        errors["teacher"] = "A coach cannot coach themselves."
    if not coach.is_active:
        errors["coach"] = f"{coach.full_name} is not currently employed."
    if not teacher.is_active:
        errors["teacher"] = f"{teacher.full_name} is not currently employed."
    if coach.user_id is not None and coach.user_id != teacher.user_id:
        coach_user = User.objects.get(pk=coach.user_id)
        if wall.is_evaluator(coach_user, teacher):
            errors["coach"] = (
                f"{coach.full_name} evaluates {teacher.full_name}; coaching stays separate from "
                "evaluation, so choose a coach who does not."
            )
    if begin_date > _today() + dt.timedelta(days=366):
        errors["begin_date"] = "The start date is more than a year away; check the year."
    if errors:
        raise ValidationError(errors)
    if Relationship.objects.filter(coach=coach, teacher=teacher, end_date__isnull=True).exists():
        raise ValidationError(
            {"teacher": f"{coach.full_name} already coaches {teacher.full_name}."}
        )
    relationship = Relationship.objects.create(
        district=district,
        coach=coach,
        teacher=teacher,
        focus=(focus or "").strip()[:200],
        begin_date=begin_date,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="coaching.relationship_created",
        target=relationship,
        changes={"coach": [None, coach.pk], "teacher": [None, teacher.pk]},
    )
    return relationship


@transaction.atomic
def relationship_end(*, relationship: Relationship, end_date: dt.date, actor: User) -> Relationship:
    if not (can(actor, COACHING_MANAGE, relationship) or wall.is_coach(actor, relationship)):
        raise PermissionDenied("Only the coach or a coaching manager can end this.")
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.end_date is not None:
        raise ValidationError({"end_date": "This coaching has already ended."})
    if end_date < relationship.begin_date:
        raise ValidationError({"end_date": "The end date is before the coaching began."})
    last = relationship.interactions.order_by("-occurred_on").values_list("occurred_on", flat=True)
    if last and last[0] > end_date:
        raise ValidationError(
            {"end_date": f"The log has an entry on {last[0]:%B %-d, %Y}, after this end date."}
        )
    relationship.end_date = end_date
    relationship.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action="coaching.relationship_ended",
        target=relationship,
        changes={"end_date": [None, str(end_date)]},
    )
    return relationship


def _validated_entry(
    relationship: Relationship,
    *,
    kind: str,
    occurred_on: dt.date,
    minutes: int,
    notes: str,
    next_steps: str,
    consultant: str,
) -> dict[str, object]:
    errors: dict[str, str] = {}
    if kind not in InteractionKind.values:
        errors["kind"] = "Choose the kind of coaching from the list."
    if occurred_on > _today():
        errors["occurred_on"] = "The date is in the future; log coaching after it happens."
    elif occurred_on < relationship.begin_date:
        errors["occurred_on"] = (
            f"The coaching began on {relationship.begin_date:%B %-d, %Y}; the date is before it."
        )
    elif relationship.end_date and occurred_on > relationship.end_date:
        errors["occurred_on"] = f"The coaching ended on {relationship.end_date:%B %-d, %Y}."
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"Minutes must be between 1 and {MAX_MINUTES} (a full day)."
    consultant = (consultant or "").strip()[:200]
    if kind == InteractionKind.CONSULTANT and not consultant:
        errors["consultant"] = "Name the consultant who did the walkthrough."
    try:
        notes = _text(notes, "notes", "Notes")
        next_steps = _text(next_steps, "next_steps", "Next steps")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "occurred_on": occurred_on,
        "minutes": minutes,
        "notes": notes,
        "next_steps": next_steps,
        "consultant": consultant if kind == InteractionKind.CONSULTANT else "",
    }


@transaction.atomic
def interaction_log(
    *,
    relationship: Relationship,
    kind: str,
    occurred_on: dt.date,
    minutes: int,
    notes: str = "",
    next_steps: str = "",
    consultant: str = "",
    actor: User,
) -> Interaction:
    """The coach adds an entry to the log."""
    if not wall.is_coach(actor, relationship):
        raise PermissionDenied("Only the coach in this relationship can add to its log.")
    fields = _validated_entry(
        relationship,
        kind=kind,
        occurred_on=occurred_on,
        minutes=minutes,
        notes=notes,
        next_steps=next_steps,
        consultant=consultant,
    )
    interaction = Interaction.objects.create(
        district_id=relationship.district_id,
        relationship=relationship,
        school_id=relationship.teacher.school_id,
        school_year=school_year_of(occurred_on),
        logged_by=actor,
        **fields,
    )
    audit_record(
        actor=actor,
        action="coaching.interaction_logged",
        target=interaction,
        changes={"kind": [None, kind], "occurred_on": [None, str(occurred_on)]},
    )
    return interaction


@transaction.atomic
def interaction_update(
    *,
    interaction: Interaction,
    kind: str,
    occurred_on: dt.date,
    minutes: int,
    notes: str = "",
    next_steps: str = "",
    consultant: str = "",
    actor: User,
) -> Interaction:
    relationship = interaction.relationship
    if not wall.is_coach(actor, relationship):
        raise PermissionDenied("Only the coach in this relationship can change its log.")
    fields = _validated_entry(
        relationship,
        kind=kind,
        occurred_on=occurred_on,
        minutes=minutes,
        notes=notes,
        next_steps=next_steps,
        consultant=consultant,
    )
    changed = sorted(k for k, v in fields.items() if getattr(interaction, k) != v)
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.school_year = school_year_of(occurred_on)
    interaction.save()
    # Which fields changed, not their values.
    audit_record(
        actor=actor,
        action="coaching.interaction_changed",
        target=interaction,
        changes={"fields": [None, changed]},
    )
    return interaction


@transaction.atomic
def comment_add(*, interaction: Interaction, text: str, actor: User) -> Comment:
    """The teacher (or the coach) answers an entry in the log."""
    relationship = interaction.relationship
    if not (wall.is_teacher(actor, relationship) or wall.is_coach(actor, relationship)):
        raise PermissionDenied("Only the teacher and the coach can comment on this log.")
    text = _text(text, "text", "A comment")
    if not text:
        raise ValidationError({"text": "Write the comment first."})
    comment = Comment.objects.create(interaction=interaction, author=actor, text=text)
    audit_record(
        actor=actor,
        action="coaching.comment_added",
        target=interaction,
        district=relationship.district,
    )
    return comment


@transaction.atomic
def share_grant(*, relationship: Relationship, user: User, actor: User) -> Share:
    """The teacher lets someone else read this coaching record (a mentor, a new coach)."""
    if not wall.is_teacher(actor, relationship):
        raise PermissionDenied("Only the teacher can share their coaching record.")
    if not Membership.objects.filter(user=user, district_id=relationship.district_id).exists():
        raise ValidationError({"user": "Share only with someone who works in this district."})
    if user.pk in (actor.pk, relationship.coach.user_id):
        raise ValidationError({"user": "They can already read this record."})
    if wall.is_evaluator(user, relationship.teacher):
        raise ValidationError(
            {
                "user": f"{user.get_full_name() or user.get_username()} evaluates you; coaching "
                "records are never shared with an evaluator."
            }
        )
    share, made = Share.objects.get_or_create(
        relationship=relationship, user=user, defaults={"granted_by": actor}
    )
    if not made:
        raise ValidationError({"user": "You already share this record with them."})
    audit_record(
        actor=actor,
        action="coaching.shared",
        target=relationship,
        changes={"shared_with": [None, user.get_username()]},
    )
    return share


@transaction.atomic
def share_revoke(*, share: Share, actor: User) -> None:
    relationship = share.relationship
    if not wall.is_teacher(actor, relationship):
        raise PermissionDenied("Only the teacher can stop sharing their coaching record.")
    username = share.user.get_username()
    share.delete()
    audit_record(
        actor=actor,
        action="coaching.share_revoked",
        target=relationship,
        changes={"shared_with": [username, None]},
    )
