"""Writes for career pathways: ladders and their steps, and HR's record of each person's
standing. Each is keyword-only, validates, writes in one transaction and records an audit
event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.models import District, User
from trellis.core.schoolyear import validate_school_year
from trellis.core.writes import save_validated
from trellis.learning.models import CertificationProgram
from trellis.org.models import Staff, StaffClassification
from trellis.pathways.models import Ladder, Standing, Step
from trellis.roles.models import RoleType

MAX_STEPS = 12
MAX_YEARS = Decimal(40)
MAX_HOURS = Decimal(2_000)


@dataclass
class StepSpec:
    """One step as a form or the API sends it; ids are checked against the district."""

    name: str
    role_type_ids: list[int] = field(default_factory=list)
    classifications: list[str] = field(default_factory=list)
    min_years: Decimal = Decimal(0)
    min_hours: Decimal = Decimal(0)
    hours_years: int = 2
    good_standing: bool = False
    certification_ids: list[int] = field(default_factory=list)


def _require(actor: User, district: District | Ladder) -> None:
    policy.require(actor, policy.PATHWAYS_MANAGE, district)


@transaction.atomic
def ladder_save(
    *,
    district: District,
    name: str,
    description: str = "",
    actor: User,
    ladder: Ladder | None = None,
) -> Ladder:
    _require(actor, district)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the ladder a name."})
    clash = Ladder.objects.filter(district=district, name__iexact=name)
    if ladder is not None:
        clash = clash.exclude(pk=ladder.pk)
    if clash.exists():
        raise ValidationError({"name": "The district already has a ladder with that name."})
    made = ladder is None
    if ladder is None:
        ladder = Ladder(district=district, created_by=actor)
    before = {"name": ladder.name, "description": ladder.description}
    ladder.name, ladder.description = name, (description or "").strip()[:5_000]
    save_validated(ladder)
    audit_record(
        actor=actor,
        action="pathways.ladder_created" if made else "pathways.ladder_changed",
        target=ladder,
        changes={k: [before[k] if not made else None, getattr(ladder, k)] for k in before},
    )
    return ladder


@transaction.atomic
def ladder_delete(*, ladder: Ladder, actor: User) -> None:
    _require(actor, ladder)
    audit_record(actor=actor, action="pathways.ladder_deleted", target=ladder,
                 changes={"name": [ladder.name, None]})  # fmt: skip
    ladder.delete()


def _check_spec(n: int, spec: StepSpec, types: Mapping[int, RoleType],
                programs: Mapping[int, CertificationProgram]) -> dict[str, str]:  # fmt: skip
    """Every problem of one step, under ``steps.<n>.<field>``."""
    at = f"steps.{n}"
    errors: dict[str, str] = {}
    if not (spec.name or "").strip():
        errors[f"{at}.name"] = "Give the step a name."
    if unknown := [i for i in spec.role_type_ids if i not in types]:
        errors[f"{at}.role_types"] = f"No role type with id {unknown[0]} in this district."
    if bad := [c for c in spec.classifications if c not in StaffClassification.values]:
        errors[f"{at}.classifications"] = f"{bad[0]} is not a staff classification."
    if not spec.role_type_ids and not spec.classifications:
        errors[f"{at}.role_types"] = (
            "Say who is on this step: one or more role types, or a staff classification "
            "(teacher, principal…)."
        )
    if not Decimal(0) <= Decimal(spec.min_years) <= MAX_YEARS:
        errors[f"{at}.min_years"] = f"Years must be between 0 and {MAX_YEARS}."
    if not Decimal(0) <= Decimal(spec.min_hours) <= MAX_HOURS:
        errors[f"{at}.min_hours"] = f"Hours must be between 0 and {MAX_HOURS:,}."
    if not 1 <= spec.hours_years <= 10:
        errors[f"{at}.hours_years"] = "Count hours over 1 to 10 school years."
    if unknown := [i for i in spec.certification_ids if i not in programs]:
        errors[f"{at}.certifications"] = f"No certification with id {unknown[0]} here."
    return errors


def _members(spec: StepSpec) -> set[str]:
    """What puts someone on a step, as comparable keys."""
    return {f"type:{i}" for i in spec.role_type_ids} | {f"class:{c}" for c in spec.classifications}


def _check_ladder(
    ladder: Ladder, specs: Sequence[StepSpec], programs: Mapping[int, Any]
) -> dict[str, str]:
    """Rules across steps: no role on two rungs, no certification dropped on the way up, and
    no circle with the district's other ladders. Every problem, not only the first."""
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for n, spec in enumerate(specs):
        for key in sorted(_members(spec)):
            if key in seen and seen[key] != n:
                errors[f"steps.{n}.role_types"] = (
                    f"“{spec.name}” repeats a role of step {seen[key] + 1}; a ladder cannot "
                    "lead back to a rung below."
                )
            seen.setdefault(key, n)
    for n in range(1, len(specs)):
        dropped = set(specs[n - 1].certification_ids) - set(specs[n].certification_ids)
        if dropped and all(i in programs for i in dropped):
            names = ", ".join(programs[i].name for i in sorted(dropped))
            errors[f"steps.{n}.certifications"] = (
                f"“{specs[n].name}” would skip {names}, required on the step below; a higher "
                "step keeps every certification of the steps under it."
            )
    if not errors:
        errors |= _circle_with_other_ladders(ladder, specs)
    return errors


def _circle_with_other_ladders(ladder: Ladder, specs: Sequence[StepSpec]) -> dict[str, str]:
    """Every ladder says which roles sit above which; taken together (this one as it would be)
    they must never go in a circle, however many ladders the circle runs through."""
    rungs: dict[int, list[set[str]]] = {}  # ladder → the members of each rung, bottom first
    names: dict[int, str] = {}
    others = (
        Step.objects.filter(district_id=ladder.district_id).exclude(ladder_id=ladder.pk)
        .prefetch_related("role_types").select_related("ladder").order_by("ladder_id", "order")
    )  # fmt: skip
    for step in others:
        keys = {f"type:{t.pk}" for t in step.role_types.all()}
        keys |= {f"class:{c}" for c in step.classifications}
        rungs.setdefault(step.ladder_id, []).append(keys)
        names[step.ladder_id] = step.ladder.name
    rungs[ladder.pk or 0] = [_members(spec) for spec in specs]
    above: dict[str, set[str]] = {}
    for steps in rungs.values():
        for lower, upper in pairwise(steps):
            for key in lower:
                above.setdefault(key, set()).update(upper - lower)
    mine = {key: n for n, spec in enumerate(specs) for key in _members(spec)}
    for key, n in sorted(mine.items(), key=lambda kv: kv[1]):
        if _reaches(above, start=key, goal=key):
            others_named = ", ".join(f"“{name}”" for name in sorted(names.values()))
            return {f"steps.{n}.role_types": (
                f"With the ladder{'s' if len(names) > 1 else ''} {others_named}, "
                f"“{specs[n].name}” would sit both above and below the same role: together the "
                "ladders would go in a circle.")}  # fmt: skip
    return {}


def _reaches(above: Mapping[str, set[str]], *, start: str, goal: str) -> bool:
    """Whether climbing from ``start`` ever comes back to ``goal``."""
    seen: set[str] = set()
    todo = list(above.get(start, ()))
    while todo:
        key = todo.pop()
        if key == goal:
            return True
        if key not in seen:
            seen.add(key)
            todo.extend(above.get(key, ()))
    return False


@transaction.atomic
def steps_save(*, ladder: Ladder, specs: Sequence[StepSpec], actor: User) -> list[Step]:
    """Replace the ladder's steps, bottom first, all or nothing."""
    _require(actor, ladder)
    Ladder.objects.select_for_update().get(pk=ladder.pk)
    if len(specs) < 2:
        raise ValidationError({"steps": "A ladder needs at least two steps: where people start "
                               "and where they can go."})  # fmt: skip
    if len(specs) > MAX_STEPS:
        raise ValidationError({"steps": f"Keep a ladder to {MAX_STEPS} steps."})
    types = RoleType.objects.filter(district_id=ladder.district_id).in_bulk()
    programs = CertificationProgram.objects.filter(district_id=ladder.district_id).in_bulk()
    errors: dict[str, str] = {}
    for n, spec in enumerate(specs):
        errors |= _check_spec(n, spec, types, programs)
    errors |= {k: v for k, v in _check_ladder(ladder, specs, programs).items() if k not in errors}
    if errors:
        raise ValidationError(errors)
    before = [_snapshot(step) for step in ladder.steps.prefetch_related(
        "role_types", "certifications").order_by("order")]  # fmt: skip
    ladder.steps.all().delete()
    steps = []
    for n, spec in enumerate(specs, start=1):
        step = Step(
            district_id=ladder.district_id, ladder=ladder, order=n, name=spec.name.strip()[:120],
            classifications=list(dict.fromkeys(spec.classifications)),
            min_years=Decimal(spec.min_years), min_hours=Decimal(spec.min_hours),
            hours_years=spec.hours_years, good_standing=spec.good_standing,
        )  # fmt: skip
        save_validated(step)
        step.role_types.set([types[i] for i in dict.fromkeys(spec.role_type_ids)])
        step.certifications.set([programs[i] for i in dict.fromkeys(spec.certification_ids)])
        steps.append(step)
    audit_record(actor=actor, action="pathways.steps_saved", target=ladder,
                 changes={"steps": [before, [_snapshot(step) for step in steps]]})  # fmt: skip
    return steps


def _snapshot(step: Step) -> dict[str, Any]:
    """A step's requirements as the audit history keeps them, before and after a change."""
    return {
        "name": step.name, "role types": sorted(t.name for t in step.role_types.all()),
        "classifications": step.classifications, "years": str(step.min_years),
        "hours": str(step.min_hours), "over school years": step.hours_years,
        "good standing": step.good_standing,
        "certifications": sorted(c.name for c in step.certifications.all()),
    }  # fmt: skip


@transaction.atomic
def standing_record(*, staff: Staff, school_year: str, good: bool, actor: User) -> Standing:
    """HR records a yes or no: in good standing this school year (never the evaluation)."""
    _require(actor, staff.district)
    validate_school_year(school_year)
    standing, made = Standing.objects.get_or_create(
        district_id=staff.district_id, staff=staff, school_year=school_year,
        defaults={"good": good, "recorded_by": actor},
    )  # fmt: skip
    before = None if made else standing.good
    if not made:
        standing.good, standing.recorded_by = good, actor
        standing.save(update_fields=["good", "recorded_by", "recorded_at"])
    audit_record(
        actor=actor,
        action="pathways.standing_recorded",
        target=standing,
        district=staff.district,
        changes={"good": [before, good], "school_year": [None, school_year]},
    )
    return standing
