"""Writes for the initiative and its vision.

Vision versions move draft → published → retired through ``vision_publish`` only: publishing a
draft retires the version it replaces, a published version never changes, and the next version
starts as a copy of the latest. A school answers a published version by adopting it as written
or by recording its own tailored text; each answer is a new row, so the history stays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from trellis.core import policy
from trellis.core.audit import audit_record, diff, snapshot
from trellis.core.models import Approach, District, User
from trellis.core.writes import assign_fields, save_validated
from trellis.org.models import School, StaffClassification
from trellis.pay.models import FundingSource, SourceKind
from trellis.rollout.models import (
    AdoptionMode,
    Initiative,
    SchoolVision,
    VisionStatus,
    VisionVersion,
)

INITIATIVE_FIELDS = ("name", "summary", "approaches", "first_year", "last_year", "grant",
                     "meeting_weeks")  # fmt: skip
MAX_PILLARS = 12
MAX_STATEMENT = 5_000


def _check_initiative(initiative: Initiative) -> None:
    errors: dict[str, str] = {}
    approaches = initiative.approaches
    if not isinstance(approaches, list) or not approaches:
        errors["approaches"] = "Choose at least one approach."
    elif unknown := [a for a in approaches if a not in Approach.values]:
        errors["approaches"] = f"Not an approach we know: {', '.join(map(str, unknown))}."
    grant: FundingSource | None = initiative.grant
    if grant is not None and grant.district_id != initiative.district_id:
        errors["grant"] = "Choose a funding source of this district."
    elif grant is not None and grant.kind != SourceKind.GRANT:
        errors["grant"] = f"{grant.name} is not a grant; choose the grant that pays for this."
    if (
        initiative.first_year
        and initiative.last_year
        and (initiative.last_year < initiative.first_year)
    ):
        errors["last_year"] = "The last school year is before the first."
    duplicate = Initiative.objects.filter(
        district_id=initiative.district_id, name__iexact=initiative.name
    ).exclude(pk=initiative.pk)
    if initiative.name and duplicate.exists():
        errors["name"] = "This district already has an initiative with that name."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_create(*, district: District, data: Mapping[str, Any], actor: User) -> Initiative:
    policy.require(actor, policy.ROLLOUT_MANAGE, district)
    initiative = Initiative(district=district, created_by=actor)
    assign_fields(initiative, data, INITIATIVE_FIELDS)
    initiative.approaches = list(dict.fromkeys(initiative.approaches or []))
    _check_initiative(initiative)
    save_validated(initiative)
    audit_record(
        actor=actor,
        action="rollout.initiative_created",
        target=initiative,
        changes=diff({}, snapshot(initiative, INITIATIVE_FIELDS)),
    )
    return initiative


@transaction.atomic
def initiative_update(
    *, initiative: Initiative, data: Mapping[str, Any], actor: User
) -> Initiative:
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    before = snapshot(initiative, INITIATIVE_FIELDS)
    assign_fields(initiative, data, INITIATIVE_FIELDS)
    initiative.approaches = list(dict.fromkeys(initiative.approaches or []))
    _check_initiative(initiative)
    years = list(initiative.phases.values_list("school_year", flat=True))
    outside = [y for y in years if not initiative.first_year <= y <= initiative.last_year]
    if outside:
        raise ValidationError(
            {"last_year": f"The rollout has a phase in {', '.join(outside)}, outside these years."}
        )
    save_validated(initiative)
    audit_record(
        actor=actor,
        action="rollout.initiative_changed",
        target=initiative,
        changes=diff(before, snapshot(initiative, INITIATIVE_FIELDS)),
    )
    return initiative


# --- Vision ---------------------------------------------------------------------------------


def parse_pillars(text: str) -> list[dict[str, str]]:
    """One pillar a line, “Title: what it means” (the description is optional)."""
    pillars: list[dict[str, str]] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().lstrip("-•*").strip()
        if not line:
            continue
        title, _, description = line.partition(":")
        if not title.strip():
            raise ValidationError({"pillars": f"Line {number} has a description but no title."})
        pillars.append({"title": title.strip(), "description": description.strip()})
    return _check_pillars(pillars)


def _check_pillars(pillars: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """What every vision's pillars must be, typed in the editor or sent to the API."""
    cleaned = []
    for number, pillar in enumerate(pillars, start=1):
        title = (pillar.get("title") or "").strip()
        if not title:
            raise ValidationError({"pillars": f"Pillar {number} has no title."})
        if len(title) > 120:
            raise ValidationError(
                {"pillars": f"Pillar {number}: a title can be at most 120 characters."}
            )
        cleaned.append(
            {"title": title, "description": (pillar.get("description") or "").strip()[:500]}
        )
    if len(cleaned) > MAX_PILLARS:
        raise ValidationError({"pillars": f"Keep it to {MAX_PILLARS} pillars at most."})
    titles = [p["title"].lower() for p in cleaned]
    if len(set(titles)) != len(titles):
        raise ValidationError({"pillars": "Two pillars have the same title."})
    return cleaned


def pillars_text(pillars: Sequence[Mapping[str, str]]) -> str:
    """The pillars as the editor shows them, the inverse of ``parse_pillars``."""
    return "\n".join(
        f"{p['title']}: {p['description']}" if p.get("description") else p["title"] for p in pillars
    )


def _check_statement(statement: str) -> str:
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": "Write the vision statement."})
    if len(statement) > MAX_STATEMENT:
        raise ValidationError(
            {"statement": f"Keep the statement under {MAX_STATEMENT:,} characters."}
        )
    return statement


@transaction.atomic
def vision_draft_save(
    *,
    initiative: Initiative,
    statement: str,
    pillars: Sequence[Mapping[str, str]],
    change_note: str = "",
    actor: User,
) -> VisionVersion:
    """Write the draft: change the one open draft, or start the next version as a draft."""
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    Initiative.objects.select_for_update().get(pk=initiative.pk)
    statement = _check_statement(statement)
    pillars = _check_pillars(pillars)
    draft = initiative.visions.filter(status=VisionStatus.DRAFT).first()
    made = draft is None
    if draft is None:
        last = initiative.visions.aggregate(n=Max("number"))["n"] or 0
        draft = VisionVersion(district_id=initiative.district_id, initiative=initiative,
                              number=last + 1)  # fmt: skip
    before = snapshot(draft, ("statement", "pillars", "change_note")) if not made else {}
    draft.statement = statement
    draft.pillars = [dict(p) for p in pillars]
    draft.change_note = (change_note or "").strip()[:300]
    save_validated(draft)
    audit_record(
        actor=actor,
        action="rollout.vision_drafted" if made else "rollout.vision_draft_changed",
        target=draft,
        changes=diff(before, snapshot(draft, ("statement", "pillars", "change_note"))),
    )
    return draft


@transaction.atomic
def vision_next_version(*, initiative: Initiative, actor: User) -> VisionVersion:
    """Start the next draft as a copy of the latest version (or return the open draft)."""
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    draft = initiative.visions.filter(status=VisionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = initiative.visions.order_by("-number").first()
    if latest is None:
        raise ValidationError("There is no vision yet; write the first draft.")
    return vision_draft_save(
        initiative=initiative, statement=latest.statement, pillars=latest.pillars, actor=actor
    )


@transaction.atomic
def vision_publish(*, version: VisionVersion, actor: User) -> VisionVersion:
    policy.require(actor, policy.ROLLOUT_MANAGE, version)
    version = VisionVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VisionStatus.DRAFT:
        raise ValidationError(f"Version {version.number} is {version.status}; only a draft can be "
                              "published.")  # fmt: skip
    if not version.pillars:
        raise ValidationError(
            {"pillars": "Name at least one pillar before publishing: what the vision rests on."}
        )
    replaced = list(
        VisionVersion.objects.select_for_update().filter(
            initiative_id=version.initiative_id, status=VisionStatus.PUBLISHED
        )
    )
    for old in replaced:
        old.status = VisionStatus.RETIRED
        old.save(update_fields=["status"])
    version.status = VisionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=actor,
        action="rollout.vision_published",
        target=version,
        changes={"status": [VisionStatus.DRAFT, VisionStatus.PUBLISHED],
                 "retired": [None, [o.number for o in replaced]]},
    )  # fmt: skip
    return version


def can_answer_for_school(user: User, school: School) -> bool:
    """Rollout managers record any school's answer; a principal their own school's."""
    if policy.can(user, policy.ROLLOUT_MANAGE, school):
        return True
    return school.staff.filter(
        user=user,
        is_active=True,
        classification__in=(StaffClassification.PRINCIPAL, StaffClassification.ASSISTANT_PRINCIPAL),
    ).exists()


@transaction.atomic
def school_vision_record(
    *,
    version: VisionVersion,
    school: School,
    mode: str,
    statement: str = "",
    note: str = "",
    actor: User,
) -> SchoolVision:
    """A school adopts the published vision as written, or records its tailored version."""
    if school.district_id != version.district_id:
        raise ValidationError({"school": "Choose a school of this district."})
    if not can_answer_for_school(actor, school):
        raise PermissionDenied("Only the school's principal or a rollout manager can do this.")
    if version.status != VisionStatus.PUBLISHED:
        raise ValidationError("Schools answer the published vision; this version is not it.")
    if mode not in AdoptionMode.values:
        raise ValidationError({"mode": "Choose whether the school adopts or tailors the vision."})
    statement = (statement or "").strip()
    if mode == AdoptionMode.TAILORED:
        statement = _check_statement(statement)
        if statement == version.statement.strip():
            raise ValidationError(
                {"statement": "This is the district's text unchanged; choose “adopted as "
                 "written” instead, or write the school's own version."}
            )  # fmt: skip
    else:
        statement = ""
    answer = SchoolVision(
        district_id=version.district_id, school=school, version=version, mode=mode,
        statement=statement, note=(note or "").strip()[:300], recorded_by=actor,
    )  # fmt: skip
    save_validated(answer)
    audit_record(
        actor=actor,
        action="rollout.school_vision_recorded",
        target=answer,
        changes={"school": [None, school.name], "mode": [None, mode],
                 "version": [None, version.number]},
    )  # fmt: skip
    return answer
