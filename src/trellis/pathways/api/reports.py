"""/api/v1 endpoints for the pathways reports: moves, turnover, retention, the leadership
pipeline and flows between role levels (tag ``pathways``), for those who may read them."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import ValidationError as QueryError
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core import policy
from trellis.core.api import api_district
from trellis.core.schoolyear import school_year_of
from trellis.pathways.api.ladders import SchoolYear
from trellis.pathways.selectors import history
from trellis.pathways.selectors.history import RETENTION_YEARS, STATE_LABELS
from trellis.pathways.selectors.ladders import ladder_rank, school_names

router = Router()
REPORTS = policy.PATHWAYS_REPORTS
Kind = Literal["promotion", "lateral", "step_back", "return", "exit"]  # MoveKind's values
FLOWS_YEARS = 3  # the default range: this school year and the two before


class MoveOut(Schema):
    staff_id: int
    on: dt.date
    kind: str
    kind_label: str
    reason: str = Field(description="Why the role ended (an end reason), empty if not given.")
    from_role: str
    to_role: str
    from_state: str
    to_state: str
    school_id: int | None


class TurnoverRowOut(Schema):
    label: str
    held: int
    left: int
    rate: float | None


class ReasonOut(Schema):
    reason: str
    label: str
    left: int


class TurnoverOut(Schema):
    school_year: str
    by_role: list[TurnoverRowOut]
    by_school: list[TurnoverRowOut]
    by_reason: list[ReasonOut]
    total: TurnoverRowOut


class RetainedOut(Schema):
    years: int
    stayed: int
    started: int = Field(description="People who started in the role at least this long ago.")
    rate: float | None


class PathwaysRetentionOut(Schema):
    role: str
    after: list[RetainedOut]


class NewLeadersOut(Schema):
    school_year: str
    leaders: int
    from_pl: int = Field(description="Of them, those in a personalized-learning role before.")
    share: float | None


class FlowOut(Schema):
    from_state: str
    to_state: str
    people: int


class FlowsOut(Schema):
    first_year: str
    last_year: str
    states: dict[str, str] = Field(description="Each state and its label, in chart order.")
    flows: list[FlowOut]
    total: int


def _this_year() -> str:
    return school_year_of(timezone.localdate())


@router.get(
    "/pathways/moves",
    response=list[MoveOut],
    summary="Moves out of roles, the latest first, read from assignment history",
)
@paginate(LimitOffsetPagination)
def moves(request: HttpRequest, kind: Kind | None = None, school_year: SchoolYear | None = None
          ) -> Any:  # fmt: skip
    district = api_district(request, policy.PATHWAYS_MANAGE)
    return history.moves_list(district=district, ladder_rank=ladder_rank(district=district),
                              kind=kind or "", school_year=school_year or "")  # fmt: skip


@router.get(
    "/pathways/turnover",
    response=TurnoverOut,
    summary="Who held each role in a school year and who left it (default this year)",
)
def turnover(request: HttpRequest, school_year: SchoolYear | None = None) -> Any:
    district = api_district(request, REPORTS)
    schools = school_names(district)
    result = history.turnover(district=district, school_year=school_year or _this_year(),
                              schools=schools)  # fmt: skip
    return {
        "school_year": result.school_year, "by_role": result.by_role,
        "by_school": result.by_school, "total": result.total,
        "by_reason": [{"reason": r, "label": history.REASON_LABELS.get(r, r), "left": n}
                      for r, n in result.by_reason],
    }  # fmt: skip


@router.get(
    "/pathways/retention",
    response=list[PathwaysRetentionOut],
    summary="Each personalized-learning role's retention after 1, 2 and 3 years",
)
def retention(request: HttpRequest) -> Any:
    return [
        {"role": row.role, "after": [
            {"years": y, "stayed": row.after.get(y, (0, 0))[0],
             "started": row.after.get(y, (0, 0))[1], "rate": row.rate(y)}
            for y in RETENTION_YEARS]}
        for row in history.retention(district=api_district(request, REPORTS))
    ]  # fmt: skip


@router.get("/pathways/pipeline", response=list[NewLeadersOut],
            summary="New leaders by school year and how many came from personalized-learning "
            "roles")  # fmt: skip
def pipeline(request: HttpRequest) -> Any:
    return history.new_leaders(district=api_district(request, REPORTS))


@router.get("/pathways/flows", response=FlowsOut,
            summary="People moving between role levels over a range of school years")  # fmt: skip
def flows(request: HttpRequest, first_year: SchoolYear | None = None,
          last_year: SchoolYear | None = None) -> Any:  # fmt: skip
    district = api_district(request, REPORTS)
    last = last_year or _this_year()
    start = int(last[:4]) - FLOWS_YEARS + 1
    first = first_year or f"{start}-{(start + 1) % 100:02d}"
    if first > last:
        raise QueryError(
            [
                {
                    "loc": ("query", "last_year"),
                    "msg": "The last school year must be the first or after it.",
                }
            ]
        )
    result = history.flows(district=district, first_year=first, last_year=last)
    return {
        "first_year": first, "last_year": last, "total": result.total,
        "states": {s: STATE_LABELS[s] for s in result.states},
        "flows": [{"from_state": a, "to_state": b, "people": n}
                  for (a, b), n in sorted(result.counts.items()) if n],
    }  # fmt: skip
