"""/api/v1 endpoints for insights (tag ``insights``): the district dashboard's numbers, the
consortium's side-by-side totals and the reference landscape of the 21 grantees. Aggregates
only; the dashboard follows the page's permission rules, tile by tile."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core.api import api_district, api_user
from trellis.core.models import Approach
from trellis.core.policy import led_consortia
from trellis.insights import selectors

router = Router(tags=["insights"])
GranteeSort = Literal[
    "name", "-name", "award", "-award", "students", "-students", "cohort_year", "-cohort_year"
]  # selectors.GRANTEE_SORTS' keys


class OverviewOut(Schema):
    school_count: int
    staff_count: int
    teacher_count: int


class RolesOut(Schema):
    filled: int
    open: int
    live: int
    counts: dict[str, int] = Field(description="Live positions by status.")


class HiringOut(Schema):
    school_year: str
    total: int
    hired: int
    counts: dict[str, int] = Field(description="This year's applications by current status.")


class LearningOut(Schema):
    school_year: str
    hours: Decimal
    people: int = Field(description="Staff with attended hours this school year.")
    certified: int
    in_progress: int


class CliffOut(Schema):
    grant: str
    school_year: str = Field(description="The first school year after the grant ends.")
    unfunded: Decimal = Field(description="Every unfunded cost of that year.")
    grant_share: Decimal = Field(description="The part of it the grant pays until it ends.")


class CoachingOut(Schema):
    school_year: str
    entries: int
    minutes: int


class RolloutOut(Schema):
    initiative_id: int | None
    initiative: str
    school_year: str
    teachers: int
    implementing: int
    implementing_percent: int | None
    checklist_done: int
    checklist_applicable: int
    checklist_percent: int | None


class RetentionOut(Schema):
    kept: int
    eligible: int
    percent: int | None


class SurveyItemOut(Schema):
    text: str
    result: str


class SurveyOut(Schema):
    title: str
    closed_on: dt.date
    respondents: int | None = Field(description="null: fewer than the round's smallest group.")
    items: list[SurveyItemOut]
    url: str


class DashboardOut(Schema):
    """A tile is null when the district has nothing in that area or you may not see it."""

    district: str
    school_year: str
    overview: OverviewOut
    roles: RolesOut | None
    hiring: HiringOut | None
    learning: LearningOut | None
    pay: CliffOut | None = Field(description="The soonest grant cliff; pay.view only.")
    cliffs: list[CliffOut] = Field(description="Every grant still paying this year; pay.view.")
    coaching: CoachingOut | None = Field(description="coaching.aggregates only.")
    rollout: RolloutOut | None
    retention: RetentionOut | None = Field(description="pathways.reports only.")
    survey: SurveyOut | None = Field(description="surveys.results only.")

    @staticmethod
    def resolve_district(obj: Any) -> str:
        return str(obj.district.name)


class MemberOut(Schema):
    """One member district; a null area means it has none of it."""

    name: str
    schools: int
    staff: int
    teachers: int
    roles: RolesOut | None
    hiring: HiringOut | None
    learning: LearningOut | None
    rollout: RolloutOut | None
    retention: RetentionOut | None


class ConsortiumOut(Schema):
    consortium: str
    school_year: str
    members: list[MemberOut]
    total: MemberOut

    @staticmethod
    def resolve_consortium(obj: Any) -> str:
        return str(obj.consortium.name)


class GranteeOut(Schema):
    id: int
    name: str
    short_name: str
    state: str
    cohort_year: int
    award_usd: int
    students_served: int
    locale: str
    is_consortium: bool
    member_districts: int | None
    approaches: list[Approach]
    notes: str


class ApproachCountOut(Schema):
    approach: Approach
    label: str
    grantees: int


class TotalsOut(Schema):
    grantees: int
    award_usd: int
    students_served: int
    consortia: int
    by_approach: list[ApproachCountOut]

    @staticmethod
    def resolve_by_approach(obj: Any) -> list[dict[str, Any]]:
        return [{"approach": c, "label": label, "grantees": n} for c, label, n in obj.by_approach]


class GranteeFilters(Schema):
    approach: Approach | None = None
    cohort_year: int | None = Field(None, ge=2012, le=2013, description="The competition.")
    q: str = Field("", max_length=100)
    sort: GranteeSort = "name"


@router.get("/insights/dashboard", response=DashboardOut,
            summary="The district dashboard's numbers")  # fmt: skip
def dashboard(request: HttpRequest) -> Any:
    district = api_district(request)
    user = api_user(request)
    board = selectors.district_dashboard(district=district, user=user)
    selectors.record_cliff_access(user=user, dashboard=board, what="API: dashboard")
    return board


@router.get("/insights/consortium", response=list[ConsortiumOut],
            summary="Each member district side by side, for consortium leads")  # fmt: skip
def consortium(request: HttpRequest) -> Any:
    led = list(led_consortia(api_user(request)).order_by("name"))
    if not led:
        raise PermissionDenied("Only a consortium lead can see consortium totals.")
    return [selectors.consortium_dashboard(consortium=c) for c in led]


def _grantees(filters: GranteeFilters) -> Any:
    return selectors.grantee_list(
        approach=filters.approach or "",
        cohort_year=filters.cohort_year,
        q=filters.q,
        sort=filters.sort,
    )


@router.get("/insights/grantees", response=list[GranteeOut],
            summary="The 21 RTT-D grantees (reference data)")  # fmt: skip
@paginate(LimitOffsetPagination)
def grantee_list(request: HttpRequest, filters: Query[GranteeFilters]) -> Any:
    return _grantees(filters)


@router.get("/insights/grantees/totals", response=TotalsOut,
            summary="Table 1's totals row for the grantees matching the filters")  # fmt: skip
def grantee_totals(request: HttpRequest, filters: Query[GranteeFilters]) -> Any:
    return selectors.grantee_totals(list(_grantees(filters)))
