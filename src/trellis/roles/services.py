"""Writes for roles and positions. Each validates, saves and audits in one transaction.

Status machines:
- job description versions: draft → published → retired (a published version never changes;
  publishing a new version retires the one it replaces);
- positions: see ``POSITION_TRANSITIONS``; ``filled`` and the way back to ``open`` follow the
  assignments and are never chosen by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from trellis.core import events
from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import District, User
from trellis.core.numbers import is_whole
from trellis.core.writes import assign_fields, save_validated
from trellis.org.models import Staff, StaffClassification
from trellis.roles.catalog import STANDARD_ROLES
from trellis.roles.models import (
    Assignment,
    Importance,
    JobDescription,
    JobDescriptionReview,
    JobDescriptionVersion,
    Position,
    PositionStatus,
    ReviewDecision,
    ReviewerRole,
    RoleLevel,
    RoleType,
    Trait,
    VersionStatus,
)

ROLE_TYPE_FIELDS = ("name", "category", "default_level", "description", "staff_classification")
VERSION_FIELDS = (
    "summary",
    "responsibilities",
    "qualifications",
    "traits",
    "level",
    "evaluative",
    "commitment",
    "contract_months",
    "lowest_grade",
    "highest_grade",
    "content_area",
)
POSITION_FIELDS = (
    "version",
    "school",
    "requisition_number",
    "fte",
    "school_year",
    "reason",
    "notes",
)
POSITION_EDITABLE = ("fte", "school_year", "reason", "notes")
ASSIGNMENT_FIELDS = ("staff", "position", "begin_date", "fte", "is_tosa")

S = PositionStatus
POSITION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.OPEN, S.CLOSED}),
    S.OPEN: frozenset({S.FILLED, S.FROZEN, S.CLOSED}),
    S.FILLED: frozenset({S.OPEN}),
    S.FROZEN: frozenset({S.OPEN, S.CLOSED}),
    S.CLOSED: frozenset(),
}
# Chosen by a person; the rest follow from assignments starting and ending.
MANUAL_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.OPEN, S.CLOSED}),
    S.OPEN: frozenset({S.FROZEN, S.CLOSED}),
    S.FILLED: frozenset(),
    S.FROZEN: frozenset({S.OPEN, S.CLOSED}),
    S.CLOSED: frozenset(),
}
PRINCIPAL_CLASSIFICATIONS = frozenset(
    {StaffClassification.PRINCIPAL, StaffClassification.ASSISTANT_PRINCIPAL}
)
MAX_PERSON_FTE = Decimal("1.00")


# --- Role catalog ---------------------------------------------------------------------------


@transaction.atomic
def role_types_seed(*, district: District, actor: User | None) -> int:
    """Add the study's ten common role types the district does not have yet."""
    have = set(
        RoleType.objects.filter(district=district)
        .exclude(standard_key="")
        .values_list("standard_key", flat=True)
    )
    names = {
        n.lower() for n in RoleType.objects.filter(district=district).values_list("name", flat=True)
    }
    made = 0
    for role in STANDARD_ROLES:
        if role.key in have:
            continue
        name = role.name if role.name.lower() not in names else f"{role.name} (study)"
        role_type = RoleType.objects.create(
            district=district,
            name=name,
            category=role.category,
            default_level=role.level,
            staff_classification=role.classification,
            description=role.description,
            standard_key=role.key,
        )
        audit_record(
            actor=actor,
            action="roles.role_type_created",
            target=role_type,
            changes=diff({}, snapshot(role_type, ROLE_TYPE_FIELDS)),
        )
        made += 1
    return made


def _check_role_type(role_type: RoleType) -> None:
    others = RoleType.objects.filter(district_id=role_type.district_id).exclude(pk=role_type.pk)
    if others.filter(name__iexact=role_type.name).exists():
        raise ValidationError(
            {"name": f"The catalog already has a role called “{role_type.name}”."}
        )


@transaction.atomic
def role_type_create(
    *, district: District, data: Mapping[str, Any], actor: User | None
) -> RoleType:
    role_type = RoleType(district=district)
    assign_fields(role_type, data, ROLE_TYPE_FIELDS)
    _check_role_type(role_type)
    save_validated(role_type)
    changes = diff({}, snapshot(role_type, ROLE_TYPE_FIELDS))
    audit_record(actor=actor, action="roles.role_type_created", target=role_type, changes=changes)
    return role_type


@transaction.atomic
def role_type_update(
    *, role_type: RoleType, data: Mapping[str, Any], actor: User | None
) -> RoleType:
    before = snapshot(RoleType.objects.select_for_update().get(pk=role_type.pk), ROLE_TYPE_FIELDS)
    assign_fields(role_type, data, ROLE_TYPE_FIELDS)
    _check_role_type(role_type)
    save_validated(role_type)
    changes = diff(before, snapshot(role_type, ROLE_TYPE_FIELDS))
    if changes:
        audit_record(
            actor=actor, action="roles.role_type_updated", target=role_type, changes=changes
        )
    return role_type


def _set_retired(role_type: RoleType, retired: bool, actor: User | None) -> RoleType:
    role_type = RoleType.objects.select_for_update().get(pk=role_type.pk)
    if role_type.is_retired != retired:
        role_type.retired_at = timezone.now() if retired else None
        role_type.save(update_fields=["retired_at", "updated_at"])
        action = "roles.role_type_retired" if retired else "roles.role_type_restored"
        audit_record(actor=actor, action=action, target=role_type,
                     changes={"retired": [not retired, retired]})  # fmt: skip
    return role_type


@transaction.atomic
def role_type_retire(*, role_type: RoleType, actor: User | None) -> RoleType:
    """Retired types stay on existing job descriptions but are not offered for new ones."""
    return _set_retired(role_type, True, actor)


@transaction.atomic
def role_type_restore(*, role_type: RoleType, actor: User | None) -> RoleType:
    return _set_retired(role_type, False, actor)


@transaction.atomic
def role_type_delete(*, role_type: RoleType, actor: User | None) -> None:
    """Only a type no job description uses can go; one in use can be retired instead."""
    used = JobDescription.objects.filter(district_id=role_type.district_id, role_type=role_type)
    count = used.count()
    if count:
        raise ValidationError(
            f"{role_type.name} is used by {count} job description{'s' if count != 1 else ''}; "
            "retire it instead, so history keeps its name."
        )
    audit_record(
        actor=actor,
        action="roles.role_type_deleted",
        target=role_type,
        changes=diff(snapshot(role_type, ROLE_TYPE_FIELDS), {}),
    )
    role_type.delete()


# --- Job descriptions -----------------------------------------------------------------------


def _clean_traits(value: Any) -> dict[str, int]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError({"traits": "Give traits as a mapping of trait to importance."})
    known = {t.value for t in Trait}
    levels = {int(i) for i in Importance}
    errors = []
    cleaned: dict[str, int] = {}
    for key, importance in value.items():
        if key not in known:
            errors.append(f"“{key}” is not a trait; use one of {', '.join(sorted(known))}.")
        elif importance in (None, 0, "0", ""):
            continue
        elif not is_whole(str(importance)) or int(importance) not in levels:
            errors.append(f"The importance of {key} must be 1 (helpful), 2 or 3 (essential).")
        else:
            cleaned[key] = int(importance)
    if errors:
        raise ValidationError({"traits": errors})
    return cleaned


def _check_version(version: JobDescriptionVersion) -> None:
    version.traits = _clean_traits(version.traits)


def _version_snapshot(version: JobDescriptionVersion) -> dict[str, Any]:
    return snapshot(version, (*VERSION_FIELDS, "status"))


@transaction.atomic
def job_description_create(
    *,
    district: District,
    role_type: RoleType,
    title: str,
    data: Mapping[str, Any],
    actor: User | None,
) -> JobDescription:
    """A new job description with its first version, a draft."""
    errors: dict[str, str] = {}
    # Read the type again under a lock: the caller's copy may predate someone retiring it.
    role_type = RoleType.objects.select_for_update().get(pk=role_type.pk)
    if role_type.district_id != district.pk:
        errors["role_type"] = "Choose a role type from this district's catalog."
    elif role_type.is_retired:
        errors["role_type"] = f"{role_type.name} is retired; restore it or choose another type."
    title = (title or "").strip()
    if JobDescription.objects.filter(district=district, title__iexact=title).exists():
        errors["title"] = f"A job description called “{title}” already exists."
    if errors:
        raise ValidationError(errors)
    job = JobDescription(district=district, role_type=role_type, title=title, created_by=actor)
    save_validated(job)
    version = JobDescriptionVersion(
        district=district,
        job_description=job,
        number=1,
        created_by=actor,
        level=role_type.default_level,
    )
    assign_fields(version, data, VERSION_FIELDS)
    _check_version(version)
    save_validated(version)
    audit_record(
        actor=actor,
        action="roles.job_description_created",
        target=job,
        changes={
            "title": [None, title],
            "role_type": [None, role_type.name],
            **diff({}, _version_snapshot(version)),
        },
    )
    return job


def _require_draft(version: JobDescriptionVersion, doing: str) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            f"Version {version.number} is {version.get_status_display().lower()} and cannot be "
            f"{doing}; start a new version to make changes."
        )


@transaction.atomic
def version_update(
    *, version: JobDescriptionVersion, data: Mapping[str, Any], actor: User | None
) -> JobDescriptionVersion:
    current = JobDescriptionVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(current, "changed")
    before = _version_snapshot(current)
    assign_fields(version, data, VERSION_FIELDS)
    _check_version(version)
    save_validated(version)
    changes = diff(before, _version_snapshot(version))
    if changes:
        audit_record(actor=actor, action="roles.version_updated", target=version, changes=changes)
    return version


@transaction.atomic
def version_new_draft(
    *, job_description: JobDescription, actor: User | None
) -> JobDescriptionVersion:
    """Start the next version as a copy of the latest one."""
    job = JobDescription.objects.select_for_update().get(pk=job_description.pk)
    versions = JobDescriptionVersion.objects.filter(
        district_id=job.district_id, job_description=job
    )
    if versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError("This job description already has a draft; edit that one.")
    latest = versions.order_by("-number").first()
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = JobDescriptionVersion(
        district_id=job.district_id, job_description=job, number=number, created_by=actor
    )
    if latest is not None:
        for name in VERSION_FIELDS:
            setattr(draft, name, getattr(latest, name))
    save_validated(draft)
    audit_record(
        actor=actor,
        action="roles.version_started",
        target=draft,
        changes={"number": [None, number]},
    )
    return draft


def principal_signed_off(version: JobDescriptionVersion) -> bool:
    return version.reviews.filter(
        reviewer_role=ReviewerRole.PRINCIPAL, decision=ReviewDecision.APPROVED
    ).exists()


@transaction.atomic
def version_publish(*, version: JobDescriptionVersion, actor: User | None) -> JobDescriptionVersion:
    """Publish a draft. It needs responsibilities, and, for school and classroom roles, a
    principal's sign-off. The version it replaces is retired."""
    version = JobDescriptionVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version, "published")
    errors: dict[str, str] = {}
    if not version.lines("responsibilities"):
        errors["responsibilities"] = "Write at least one responsibility before publishing."
    if version.level != RoleLevel.DISTRICT and not principal_signed_off(version):
        errors["__all__"] = (
            "A principal must sign off on a school or classroom role before it is published; "
            "record their review first."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = JobDescriptionVersion.objects.select_for_update().filter(
        district_id=version.district_id,
        job_description_id=version.job_description_id,
        status=VersionStatus.PUBLISHED,
    )
    for old in previous:
        old.status, old.retired_at = VersionStatus.RETIRED, now
        old.save(update_fields=["status", "retired_at", "updated_at"])
        audit_record(
            actor=actor,
            action="roles.version_retired",
            target=old,
            changes={"status": ["published", "retired"], "replaced_by": [None, version.number]},
        )
    version.status, version.published_at, version.published_by = (
        VersionStatus.PUBLISHED,
        now,
        actor,
    )
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        actor=actor,
        action="roles.version_published",
        target=version,
        changes={"status": ["draft", "published"]},
    )
    return version


@transaction.atomic
def version_retire(*, version: JobDescriptionVersion, actor: User | None) -> JobDescriptionVersion:
    """Positions that use it keep it; new positions cannot."""
    version = JobDescriptionVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError("Only a published version can be retired.")
    version.status, version.retired_at = VersionStatus.RETIRED, timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    audit_record(
        actor=actor,
        action="roles.version_retired",
        target=version,
        changes={"status": ["published", "retired"]},
    )
    return version


@transaction.atomic
def review_record(
    *,
    version: JobDescriptionVersion,
    reviewer: Staff,
    reviewer_role: str,
    decision: str,
    note: str = "",
    actor: User | None,
) -> JobDescriptionReview:
    version = JobDescriptionVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version, "reviewed")
    errors: dict[str, str] = {}
    if reviewer.district_id != version.district_id:
        errors["reviewer"] = "Choose a reviewer from this district's staff."
    elif (
        reviewer_role == ReviewerRole.PRINCIPAL
        and reviewer.classification not in PRINCIPAL_CLASSIFICATIONS
    ):
        errors["reviewer"] = (
            f"{reviewer.full_name} is not recorded as a principal or assistant principal; "
            "choose another reviewer or role."
        )
    if errors:
        raise ValidationError(errors)
    review = JobDescriptionReview(
        district_id=version.district_id,
        version=version,
        reviewer=reviewer,
        reviewer_role=reviewer_role,
        decision=decision,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    save_validated(review)
    audit_record(
        actor=actor,
        action="roles.version_reviewed",
        target=version,
        changes={
            "review": [
                None,
                f"{review.get_decision_display()} by {reviewer.full_name} ({reviewer_role})",
            ]
        },
    )
    return review


# --- Positions ------------------------------------------------------------------------------


def _check_position(position: Position, *, creating: bool) -> None:
    errors: dict[str, str] = {}
    # The status as it is now, not as the page that offered the version saw it.
    version = JobDescriptionVersion.objects.select_for_update().get(pk=position.version_id)
    position.version = version
    if version.district_id != position.district_id:
        errors["version"] = "Choose a job description from this district."
    elif creating and version.status != VersionStatus.PUBLISHED:
        errors["version"] = (
            f"{version} is {version.get_status_display().lower()}; a new position needs the "
            "published version of a job description."
        )
    if position.school is not None and position.school.district_id != position.district_id:
        errors["school"] = "Choose a school in this district."
    others = Position.objects.filter(district_id=position.district_id).exclude(pk=position.pk)
    if others.filter(requisition_number__iexact=position.requisition_number).exists():
        errors["requisition_number"] = (
            f"Requisition {position.requisition_number} is already used by another position."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def position_create(
    *,
    district: District,
    data: Mapping[str, Any],
    actor: User | None,
    status: str = PositionStatus.PLANNED,
) -> Position:
    if status not in (PositionStatus.PLANNED, PositionStatus.OPEN):
        raise ValidationError({"status": "A new position starts as planned or open."})
    position = Position(district=district, status=status)
    assign_fields(position, data, POSITION_FIELDS)
    _check_position(position, creating=True)
    save_validated(position)
    changes = diff({}, snapshot(position, (*POSITION_FIELDS, "status")))
    audit_record(actor=actor, action="roles.position_created", target=position, changes=changes)
    return position


@transaction.atomic
def position_update(*, position: Position, data: Mapping[str, Any], actor: User | None) -> Position:
    locked = Position.objects.select_for_update().get(pk=position.pk)
    before = snapshot(locked, POSITION_EDITABLE)
    assign_fields(position, data, POSITION_EDITABLE)
    held = _open_ended_fte(position)
    if held > position.fte:
        raise ValidationError(
            {"fte": f"People in this position hold {held} FTE; the position cannot have less."}
        )
    save_validated(position)
    changes = diff(before, snapshot(position, POSITION_EDITABLE))
    if changes:
        audit_record(actor=actor, action="roles.position_updated", target=position, changes=changes)
    return position


def _move(position: Position, to: str, actor: User | None, note: str) -> None:
    """Apply one status change; the caller has checked that it is allowed."""
    before = position.status
    if before == to:
        return
    if to not in POSITION_TRANSITIONS[before]:
        raise ValidationError({"status": f"A {before} position cannot become {to}."})
    position.status = to
    position.save(update_fields=["status", "updated_at"])
    changes: dict[str, list[Any]] = {"status": [before, to]}
    if note:
        changes["note"] = [None, note]
    audit_record(
        actor=actor, action="roles.position_status_changed", target=position, changes=changes
    )


@transaction.atomic
def position_transition(
    *, position: Position, to: str, actor: User | None, note: str = ""
) -> Position:
    position = Position.objects.select_for_update().get(pk=position.pk)
    allowed = MANUAL_TRANSITIONS.get(position.status, frozenset())
    if to not in allowed:
        labels = dict(PositionStatus.choices)
        choices = ", ".join(labels[s].lower() for s in sorted(allowed)) or "nothing (it is final)"
        raise ValidationError(
            {
                "status": (
                    f"A {labels[position.status].lower()} position cannot be made "
                    f"{labels.get(to, to).lower()} by hand; it can become: {choices}."
                )
            }
        )
    if to in (PositionStatus.CLOSED, PositionStatus.FROZEN) and _running_or_future(position):
        raise ValidationError(
            {
                "status": (
                    "End the current assignments first: someone holds this position until "
                    "the last day of their assignment."
                )
            }
        )
    _move(position, to, actor, (note or "").strip())
    return position


# --- Assignments ----------------------------------------------------------------------------


def _open_ended_fte(position: Position) -> Decimal:
    rows = Assignment.objects.filter(
        district_id=position.district_id, position=position, end_date__isnull=True
    ).values_list("fte", flat=True)
    return sum(rows, Decimal("0"))


def _running_or_future(position: Position) -> bool:
    today = timezone.localdate()
    return Assignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        district_id=position.district_id,
        position=position,
    ).exists()


def peak_fte(
    rows: Iterable[tuple[dt.date, dt.date | None, Decimal]], begin: dt.date, end: dt.date | None
) -> Decimal:
    """The highest total FTE of ``rows`` (begin, end, fte) on any day from ``begin`` to ``end``
    (open-ended when None). The total only rises on a day some row begins, so those days and
    ``begin`` are the only ones to check."""
    rows = [r for r in rows if (end is None or r[0] <= end) and (r[1] is None or r[1] >= begin)]
    days = {begin} | {r[0] for r in rows if r[0] > begin}
    return max(
        (
            sum((r[2] for r in rows if r[0] <= day and (r[1] is None or r[1] >= day)), Decimal("0"))
            for day in days
        ),
        default=Decimal("0"),
    )


def _check_capacity(assignment: Assignment, position: Position, staff: Staff) -> None:
    errors: dict[str, str] = {}
    begin, end, fte = assignment.begin_date, assignment.end_date, assignment.fte
    others = Assignment.objects.filter(district_id=assignment.district_id).exclude(pk=assignment.pk)
    in_position = others.filter(position=position).values_list("begin_date", "end_date", "fte")
    held = peak_fte(in_position, begin, end)
    if held + fte > position.fte:
        free = max(position.fte - held, Decimal("0"))
        errors["fte"] = (
            f"{position.requisition_number} is a {position.fte} FTE position and already holds "
            f"{held} FTE in these dates; at most {free} FTE is free."
        )
    person = others.filter(staff=staff).values_list("begin_date", "end_date", "fte")
    load = peak_fte(person, begin, end)
    if load + fte > MAX_PERSON_FTE:
        errors["staff"] = (
            f"{staff.full_name} already works {load} FTE in other positions in these dates; "
            f"this would take them over {MAX_PERSON_FTE} FTE."
        )
    if errors:
        raise ValidationError(errors)


def _settle_status(position: Position, actor: User | None) -> None:
    """Filled when the open-ended assignments use the whole FTE, open again when they do not."""
    held = _open_ended_fte(position)
    if position.status == PositionStatus.OPEN and held >= position.fte:
        _move(position, PositionStatus.FILLED, actor, "")
    elif position.status == PositionStatus.FILLED and held < position.fte:
        _move(position, PositionStatus.OPEN, actor, "")


@transaction.atomic
def assignment_create(
    *,
    position: Position,
    staff: Staff,
    begin_date: dt.date,
    fte: Decimal | None = None,
    is_tosa: bool = False,
    actor: User | None,
) -> Assignment:
    """Start an open-ended assignment; ``assignment_end`` closes it with a date and reason."""
    # Lock the position and the person so two assignments made at once cannot both fit.
    position = Position.objects.select_for_update().select_related("version").get(pk=position.pk)
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    errors: dict[str, str] = {}
    if staff.district_id != position.district_id:
        errors["staff"] = "Choose a staff member of this district."
    elif not staff.is_active:
        errors["staff"] = f"{staff.full_name} is no longer employed by the district."
    if position.status != PositionStatus.OPEN:
        errors["position"] = (
            f"{position.requisition_number} is {position.get_status_display().lower()}; "
            "only an open position can be filled."
        )
    if errors:
        raise ValidationError(errors)
    assignment = Assignment(
        district_id=position.district_id,
        position=position,
        staff=staff,
        begin_date=begin_date,
        fte=position.fte if fte is None else fte,
        is_tosa=is_tosa,
    )
    assignment.full_clean()
    _check_capacity(assignment, position, staff)
    save_validated(assignment)
    audit_record(
        actor=actor,
        action="roles.assignment_started",
        target=assignment,
        changes=diff({}, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    _settle_status(position, actor)
    events.publish(
        "roles.assignment_started",
        assignment_id=assignment.pk,
        district_id=assignment.district_id,
        staff_id=staff.pk,
        position_id=position.pk,
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, end_date: dt.date, reason: str, note: str = "", actor: User | None
) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    position = Position.objects.select_for_update().get(pk=assignment.position_id)
    errors: dict[str, str] = {}
    if assignment.end_date is not None:
        raise ValidationError(
            f"This assignment already ended on {assignment.end_date:%Y-%m-%d}; history is kept "
            "as it was."
        )
    if not reason:
        errors["end_reason"] = "Say why the assignment ended."
    if end_date is None:
        errors["end_date"] = "Give the last day of the assignment."
    elif end_date < assignment.begin_date:
        errors["end_date"] = (
            f"The assignment began on {assignment.begin_date:%Y-%m-%d}; it cannot end before that."
        )
    if errors:
        raise ValidationError(errors)
    assignment.end_date, assignment.end_reason = end_date, reason
    assignment.end_note = (note or "").strip()
    save_validated(assignment)
    audit_record(
        actor=actor,
        action="roles.assignment_ended",
        target=assignment,
        changes={"end_date": [None, str(end_date)], "end_reason": [None, reason]},
    )
    _settle_status(position, actor)
    events.publish(
        "roles.assignment_ended",
        assignment_id=assignment.pk,
        district_id=assignment.district_id,
        staff_id=assignment.staff_id,
        position_id=position.pk,
        reason=reason,
    )
    return assignment
