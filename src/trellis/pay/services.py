"""Writes for pay. Each validates, saves and audits in one transaction; imports check every line
first and write nothing if any is wrong."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from openpyxl import load_workbook

from trellis.core.audit import audit_record
from trellis.core.models import District, User
from trellis.core.numbers import is_whole
from trellis.core.schoolyear import validate_school_year
from trellis.core.writes import assign_fields, save_validated
from trellis.org.models import Staff
from trellis.pay import calc
from trellis.pay.models import (
    FundingSource,
    FundingSplit,
    PayTerms,
    Placement,
    SalarySchedule,
    Scenario,
    ScenarioChange,
    ScheduleCell,
)
from trellis.roles.models import Position

TERMS_FIELDS = (
    "stipend",
    "summer_stipend",
    "extension_months",
    "lateral",
    "paid_by_consortium",
    "budget_step",
    "budget_lane",
    "priority",
)
SOURCE_FIELDS = ("name", "kind", "amount", "starts_on", "ends_on", "allowed_uses")
MAX_FILE_BYTES = 2 * 1024 * 1024
Cells = Mapping[tuple[int, str], Decimal]


# --- Schedules ------------------------------------------------------------------------------


def _check_grid(lanes: Sequence[str], cells: Cells) -> None:
    errors: list[str] = []
    if not lanes:
        errors.append("A schedule needs at least one lane (BA, MA…).")
    if len({lane.strip().lower() for lane in lanes}) != len(lanes):
        errors.append("Each lane must appear once.")
    steps = sorted({step for step, _ in cells})
    if not steps:
        errors.append("A schedule needs at least one step.")
    elif steps != list(range(1, steps[-1] + 1)):
        missing = sorted(set(range(1, steps[-1] + 1)) - set(steps))
        errors.append(f"Steps must run 1, 2, 3… without gaps; missing step {missing[0]}.")
    for step in steps:
        for lane in lanes:
            amount = cells.get((step, lane))
            if amount is None:
                errors.append(f"Step {step}, {lane}: the salary is missing.")
            elif amount < 0:
                errors.append(f"Step {step}, {lane}: a salary cannot be negative.")
    if errors:
        raise ValidationError({"cells": errors[:20]})


@transaction.atomic
def schedule_save(
    *,
    district: District,
    school_year: str,
    lanes: Sequence[str],
    cells: Cells,
    contract_months: Decimal = Decimal("10"),
    contract_days: int = 185,
    name: str = "Teacher salary schedule",
    actor: User | None,
) -> tuple[SalarySchedule, list[str]]:
    """Create or replace a district's schedule for a school year; returns it and the places
    where it does not increase (allowed, but worth a look)."""
    validate_school_year(school_year)
    lanes = [lane.strip() for lane in lanes]
    _check_grid(lanes, cells)
    schedule = SalarySchedule.objects.select_for_update().filter(
        district=district, school_year=school_year
    ).first() or SalarySchedule(district=district, school_year=school_year)
    schedule.name, schedule.lanes = name, lanes
    schedule.contract_months, schedule.contract_days = contract_months, contract_days
    save_validated(schedule)
    schedule.cells.all().delete()
    ScheduleCell.objects.bulk_create(
        ScheduleCell(
            district=district, schedule=schedule, step=step, lane=lane, amount=calc.money(amount)
        )
        for (step, lane), amount in sorted(cells.items())
    )
    warnings = calc.schedule_warnings(
        calc.Schedule(school_year, tuple(lanes), dict(cells), contract_months, contract_days)
    )
    audit_record(
        actor=actor,
        action="pay.schedule_saved",
        target=schedule,
        changes={"cells": [None, len(cells)], "warnings": [None, len(warnings)]},
    )
    return schedule, warnings


MAX_STEPS = 100  # no salary schedule has more steps than this


def _rows(upload: UploadedFile) -> list[list[str]]:
    name = (upload.name or "").lower()
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise ValidationError({"file": "The file is larger than 2 MB; a schedule is far smaller."})
    data = upload.read()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a bad file
            raise ValidationError({"file": "This is not a readable Excel workbook."}) from exc
        if sheet is None:
            raise ValidationError({"file": "The workbook has no sheet to read."})
        try:
            return [
                ["" if v is None else str(v).strip() for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as exc:  # a damaged sheet fails only as its rows are read
            raise ValidationError({"file": "This is not a readable Excel workbook."}) from exc
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": "Save the CSV as UTF-8."}) from exc
        try:
            return [
                [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))
            ]
        except csv.Error as exc:  # a field past the csv module's limit, a stray quote…
            raise ValidationError({"file": f"The CSV could not be read: {exc}."}) from exc
    raise ValidationError({"file": "Upload a .csv or .xlsx file."})


def parse_schedule_file(upload: UploadedFile) -> tuple[list[str], dict[tuple[int, str], Decimal]]:
    """A grid: a header row ``step, <lane>, <lane>…`` then one row per step. Every problem is
    reported with its line and column, all at once."""
    rows = [row for row in _rows(upload) if any(row)]
    if not rows:
        raise ValidationError({"file": "The file is empty."})
    header = rows[0]
    lanes = [h for h in header[1:] if h]
    errors: list[str] = []
    if not header or header[0].strip().lower() != "step" or not lanes:
        errors.append("Line 1: the first row must be “step” followed by the lane names.")
    cells: dict[tuple[int, str], Decimal] = {}
    seen: set[int] = set()
    for line, row in enumerate(rows[1:], start=2):
        try:
            if not is_whole(row[0], max_digits=3):
                raise ValueError
            step = int(row[0])
            if not 1 <= step <= MAX_STEPS:
                raise ValueError
        except (ValueError, IndexError):
            errors.append(
                f"Line {line}, column 1: “{(row[0] if row else '')[:40]}” is not a step number "
                f"(1 to {MAX_STEPS})."
            )
            continue
        if step in seen:
            errors.append(f"Line {line}, column 1: step {step} appears twice.")
        seen.add(step)
        for column, lane in enumerate(lanes, start=2):
            raw = row[column - 1].replace("$", "").replace(",", "") if len(row) >= column else ""
            try:
                amount = Decimal(raw)
                if not amount.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(f"Line {line}, column {column} ({lane}): “{raw}” is not a salary.")
                continue
            if amount < 0:
                errors.append(
                    f"Line {line}, column {column} ({lane}): a salary cannot be negative."
                )
                continue
            cells[(step, lane)] = amount
    if seen and not errors:
        missing = sorted(set(range(1, max(seen) + 1)) - seen)
        if missing:
            errors.append(f"Step {missing[0]} is missing between 1 and {max(seen)}.")
    if errors:
        raise ValidationError({"file": errors[:50]})
    return lanes, cells


@transaction.atomic
def schedule_import(
    *, district: District, school_year: str, upload: UploadedFile, actor: User | None
) -> tuple[SalarySchedule, list[str]]:
    lanes, cells = parse_schedule_file(upload)
    existing = SalarySchedule.objects.filter(district=district, school_year=school_year).first()
    kwargs: dict[str, Any] = {}
    if existing is not None:
        kwargs = {
            "contract_months": existing.contract_months,
            "contract_days": existing.contract_days,
            "name": existing.name,
        }
    return schedule_save(
        district=district, school_year=school_year, lanes=lanes, cells=cells, actor=actor, **kwargs
    )


@transaction.atomic
def schedule_copy(
    *, schedule: SalarySchedule, school_year: str, percent: Decimal, actor: User | None
) -> tuple[SalarySchedule, list[str]]:
    """Next year's schedule: every cell changed by ``percent``."""
    validate_school_year(school_year)
    if SalarySchedule.objects.filter(
        district_id=schedule.district_id, school_year=school_year
    ).exists():
        raise ValidationError({"school_year": f"There is already a schedule for {school_year}."})
    if not Decimal("-50") <= percent <= Decimal("50"):
        raise ValidationError({"percent": "Give a change between −50 % and 50 %."})
    cells = {(c.step, c.lane): c.amount for c in schedule.cells.all()}
    raised = calc.schedule_raised(
        calc.Schedule(schedule.school_year, tuple(schedule.lanes), cells), percent, school_year
    )
    return schedule_save(
        district=schedule.district,
        school_year=school_year,
        lanes=schedule.lanes,
        cells=raised.cells,
        contract_months=schedule.contract_months,
        contract_days=schedule.contract_days,
        name=schedule.name,
        actor=actor,
    )


@transaction.atomic
def placement_set(
    *, staff: Staff, school_year: str, step: int, lane: str, actor: User | None
) -> Placement:
    placement, _ = Placement.objects.update_or_create(
        district_id=staff.district_id,
        staff=staff,
        school_year=school_year,
        defaults={"step": step, "lane": lane.strip()},
    )
    placement.full_clean()
    audit_record(
        actor=actor,
        action="pay.placement_set",
        target=staff,
        changes={"placement": [None, f"{school_year}: step {step}, {lane}"]},
    )
    return placement


# --- Positions: terms and funding -----------------------------------------------------------


@transaction.atomic
def terms_save(
    *, position: Position, data: Mapping[str, Any], actor: User | None
) -> tuple[PayTerms, list[str]]:
    """Set how a position is paid; returns flags (stipends outside the study's range)."""
    terms = PayTerms.objects.select_for_update().filter(position=position).first() or PayTerms(
        district_id=position.district_id, position=position
    )
    assign_fields(terms, data, TERMS_FIELDS)
    if terms.lateral and (terms.stipend or terms.summer_stipend or terms.extension_months):
        raise ValidationError(
            {
                "lateral": "A lateral move has no stipend or extension; clear "
                "them or untick “lateral move”."
            }
        )
    save_validated(terms)
    audit_record(
        actor=actor,
        action="pay.terms_saved",
        target=position,
        changes={k: [None, str(getattr(terms, k))] for k in data},
    )
    flags = calc.stipend_flags(
        calc.Terms(stipend=terms.stipend, summer_stipend=terms.summer_stipend)
    )
    return terms, flags


@transaction.atomic
def splits_save(
    *,
    position: Position,
    school_year: str,
    splits: Mapping[FundingSource, Decimal],
    actor: User | None,
) -> list[FundingSplit]:
    """Replace a position's funding for a school year; the shares must add to exactly 100 %."""
    validate_school_year(school_year)
    errors: dict[str, str] = {}
    shares = {source: Decimal(percent) for source, percent in splits.items() if percent}
    if any(s.district_id != position.district_id for s in shares):
        errors["splits"] = "Choose funding sources of this district."
    elif any(p < 0 or p > 100 for p in shares.values()):
        errors["splits"] = "Each share is between 0 and 100 %."
    elif sum(shares.values(), Decimal("0")) != Decimal("100"):
        total = sum(shares.values(), Decimal("0"))
        errors["splits"] = f"The shares add to {total:g} %; they must add to 100 %."
    if errors:
        raise ValidationError(errors)
    FundingSplit.objects.filter(position=position, school_year=school_year).delete()
    rows = [
        FundingSplit(
            district_id=position.district_id,
            position=position,
            school_year=school_year,
            source=s,
            percent=p,
        )
        for s, p in shares.items()
    ]
    for row in rows:
        row.full_clean()
    FundingSplit.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="pay.funding_split",
        target=position,
        changes={
            "funding": [None, ", ".join(f"{p:g}% {s.name}" for s, p in shares.items())],
            "school_year": [None, school_year],
        },
    )
    return rows


@transaction.atomic
def source_create(
    *, district: District, data: Mapping[str, Any], actor: User | None
) -> FundingSource:
    source = FundingSource(district=district)
    assign_fields(source, data, SOURCE_FIELDS)
    if FundingSource.objects.filter(district=district, name__iexact=source.name).exists():
        raise ValidationError({"name": f"A funding source called “{source.name}” exists."})
    if source.starts_on and source.ends_on and source.ends_on < source.starts_on:
        raise ValidationError({"ends_on": "A grant cannot end before it starts."})
    save_validated(source)
    audit_record(
        actor=actor,
        action="pay.source_created",
        target=source,
        changes={"name": [None, source.name]},
    )
    return source


# --- Scenarios ------------------------------------------------------------------------------


@transaction.atomic
def scenario_create(
    *,
    district: District,
    name: str,
    description: str = "",
    changes: Sequence[Mapping[str, Any]],
    actor: User | None,
) -> Scenario:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the scenario."})
    if Scenario.objects.filter(district=district, name__iexact=name).exists():
        raise ValidationError({"name": f"A scenario called “{name}” exists."})
    if not changes:
        raise ValidationError({"changes": "A scenario needs at least one change."})
    scenario = Scenario.objects.create(
        district=district, name=name, description=description, created_by=actor
    )
    for data in changes:
        change = ScenarioChange(district=district, scenario=scenario, **data)
        if change.kind == "contract_months" and change.months is None:
            raise ValidationError({"months": "Give the new contract length in months."})
        if change.kind == "to_fund" and change.source_id is None:
            raise ValidationError({"source": "Choose the funding source to move to."})
        if change.role_type_id and change.role_type.district_id != district.pk:  # type: ignore[union-attr]
            raise ValidationError({"role_type": "Choose a role type of this district."})
        save_validated(change)
    audit_record(
        actor=actor,
        action="pay.scenario_created",
        target=scenario,
        changes={"changes": [None, len(changes)]},
    )
    return scenario
