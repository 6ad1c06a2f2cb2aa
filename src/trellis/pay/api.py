"""/api/v1 endpoints for pay (tag ``pay``): salary data for HR and district admins, your own
pay for everyone; every call that returns pay data records an access event."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from trellis.core import policy
from trellis.core.api import api_district, api_user
from trellis.core.schoolyear import validate_school_year
from trellis.pay import selectors

router = Router(tags=["pay"])


class ScheduleOut(Schema):
    id: int
    school_year: str
    name: str
    lanes: list[str]
    contract_months: Decimal
    contract_days: int
    cells: list[dict[str, Any]]

    @staticmethod
    def resolve_cells(obj: Any) -> Any:
        return [{"step": c.step, "lane": c.lane, "amount": c.amount} for c in obj.cells.all()]


class YearOut(Schema):
    school_year: str
    by_source: dict[str, Decimal]
    unfunded: Decimal
    total: Decimal


class PayCliffOut(Schema):
    source: str
    school_year: str
    amount: Decimal


class ProjectionOut(Schema):
    years: list[YearOut]
    cliffs: list[PayCliffOut]


class KeepIn(Schema):
    model_config = ConfigDict(extra="forbid")
    budget: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    school_year: str = Field(pattern=r"^\d{4}-\d{2}$")


class KeepItem(Schema):
    position: str
    cost: Decimal
    priority: int


class KeepOut(Schema):
    school_year: str
    budget: Decimal
    cost: Decimal
    kept: list[KeepItem]
    dropped: list[KeepItem]


class PayLine(Schema):
    item: str
    amount: Decimal


def _pay_district(request: HttpRequest, what: str) -> Any:
    district = api_district(request, policy.PAY_VIEW)
    selectors.record_access(api_user(request), district, f"API: {what}")
    return district


@router.get("/pay/schedules", response=list[ScheduleOut])
def schedule_list(request: HttpRequest) -> Any:
    district = _pay_district(request, "schedules")
    return selectors.schedule_list(district=district).prefetch_related("cells")


@router.get("/pay/schedules/{schedule_id}", response=ScheduleOut)
def schedule_detail(request: HttpRequest, schedule_id: int) -> Any:
    district = _pay_district(request, f"schedule {schedule_id}")
    return selectors.schedule_get(district=district, pk=schedule_id)


@router.get("/pay/projection", response=ProjectionOut)
def projection(request: HttpRequest, years: int = 5, cola: Decimal = Decimal("2")) -> Any:
    if not 1 <= years <= 15:
        raise ValidationError({"years": "Project over 1 to 15 years."})
    if not Decimal("-10") <= cola <= Decimal("20"):
        raise ValidationError({"cola": "Give a cost-of-living change between −10 % and 20 %."})
    district = _pay_district(request, "projection")
    result = selectors.projection(district=district, years=years, cola_percent=cola)
    names = {s.key: s.name for s in selectors.sources_of(district)}
    return {
        "years": [
            {
                "school_year": y.school_year,
                "unfunded": y.unfunded,
                "total": y.total,
                "by_source": {names[k]: v for k, v in y.by_source.items()},
            }
            for y in result.years
        ],
        "cliffs": [{"source": n, "school_year": y, "amount": a} for n, y, a in result.cliffs],
    }


@router.post("/pay/keep", response=KeepOut)
def keep(request: HttpRequest, payload: KeepIn) -> Any:
    district = _pay_district(request, "what to keep")
    validate_school_year(payload.school_year)
    report = selectors.keep_report(
        district=district, budget=payload.budget, school_year=payload.school_year
    )

    def items(rows: list[tuple[str, Decimal, int]]) -> list[dict[str, Any]]:
        return [{"position": label, "cost": cost, "priority": p} for label, cost, p in rows]

    return {
        "school_year": report.school_year,
        "budget": report.budget,
        "cost": report.cost,
        "kept": items(report.kept_rows),
        "dropped": items(report.dropped_rows),
    }


@router.get("/pay/me", response=list[PayLine], summary="Your own pay this school year")
def mine(request: HttpRequest) -> Any:
    district = api_district(request)
    user = api_user(request)
    selectors.record_access(user, district, "API: own pay")
    return [
        {"item": item, "amount": amount}
        for item, amount in selectors.own_pay(user=user, district=district)
    ]
