"""The scale generator's pay step, for the first (biggest) district of a scale: a 2026-27
schedule, a placement for everyone holding a position, pay terms and a funding split for every
position (a grant ending in June 2028 and the general fund), in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from trellis.core.models import District
from trellis.demo.pay import LANES, _cells
from trellis.demo.people import PeopleSource
from trellis.pay.models import (
    FundingSource,
    FundingSplit,
    PayTerms,
    Placement,
    SalarySchedule,
    ScheduleCell,
    SourceKind,
)
from trellis.roles.models import Assignment, Position

BATCH = 5_000
YEAR = "2026-27"


def pay_generate(districts: Sequence[District], people: PeopleSource) -> int:
    district = districts[0]
    schedule = SalarySchedule.objects.create(district=district, school_year=YEAR, lanes=list(LANES))
    cells = [
        ScheduleCell(district=district, schedule=schedule, step=step, lane=lane, amount=amount)
        for (step, lane), amount in _cells(44_000).items()
    ]
    ScheduleCell.objects.bulk_create(cells, batch_size=BATCH)
    grant = FundingSource.objects.create(
        district=district, name="Grant", kind=SourceKind.GRANT, ends_on=dt.date(2028, 6, 30)
    )
    general = FundingSource.objects.create(
        district=district, name="General fund", kind=SourceKind.GENERAL
    )
    holders = Assignment.objects.filter(district=district, end_date__isnull=True).values_list(
        "staff_id", flat=True
    )
    placements = [
        Placement(
            district=district,
            staff_id=staff_id,
            school_year=YEAR,
            step=1 + n % 15,
            lane=LANES[n % len(LANES)],
        )
        for n, staff_id in enumerate(sorted(set(holders)))
    ]
    Placement.objects.bulk_create(placements, batch_size=BATCH)
    positions = list(Position.objects.filter(district=district).values_list("pk", flat=True))
    terms, splits = [], []
    for n, pk in enumerate(positions):
        terms.append(
            PayTerms(
                district=district,
                position_id=pk,
                extension_months=Decimal(n % 3) / 2,
                stipend=Decimal((n % 4) * 1500),
                priority=1 + n % 5,
                budget_lane="MA",
            )
        )
        share = Decimal(50 + (n % 3) * 25)
        splits.append(
            FundingSplit(
                district=district, position_id=pk, school_year=YEAR, source=grant, percent=share
            )
        )
        if share < 100:
            splits.append(
                FundingSplit(
                    district=district,
                    position_id=pk,
                    school_year=YEAR,
                    source=general,
                    percent=Decimal(100) - share,
                )
            )
    PayTerms.objects.bulk_create(terms, batch_size=BATCH)
    FundingSplit.objects.bulk_create(splits, batch_size=BATCH)
    return 3 + len(cells) + len(placements) + len(terms) + len(splits)
