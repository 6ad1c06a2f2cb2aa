"""Hiring reports for HR: the funnel per posting and per source, time to hire, score
distributions, panel agreement per interview process, and internal vs external hires."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trellis.core.models import District
from trellis.hiring import selectors
from trellis.hiring.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    InterviewTemplate,
    Posting,
    Source,
)

STAGES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SCREENED,
    ApplicationStatus.INTERVIEWING,
    ApplicationStatus.DEBRIEF,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
)
BUCKET = 30  # points per bar of the score distribution (ten bars on a 300-point scale)


@dataclass
class FunnelRow:
    label: str
    counts: list[int]  # applications that reached each stage, in STAGES order


@dataclass
class HiringReport:
    stages: list[str]
    by_posting: list[FunnelRow]
    by_source: list[FunnelRow]
    days_to_hire: float | None
    hires: int
    distribution: list[tuple[str, int]]
    agreement: list[selectors.TemplateAgreement]
    internal_external: list[tuple[str, int, int]] = field(default_factory=list)


def _reached(district: District) -> dict[int, set[str]]:
    reached: dict[int, set[str]] = defaultdict(set)
    for application_id, status in ApplicationEvent.objects.filter(district=district).values_list(
        "application_id", "to_status"
    ):
        reached[application_id].add(status)
    return reached


def hiring_report(*, district: District) -> HiringReport:
    reached = _reached(district)
    applications = list(
        Application.objects.filter(district=district).values_list(
            "pk",
            "posting_id",
            "candidate__source",
            "candidate__staff_id",
            "submitted_at",
            "posting__position__version__job_description__role_type__name",
        )
    )

    def funnel(keys: Mapping[Any, str], key_of: int) -> list[FunnelRow]:
        counts: dict[object, list[int]] = {k: [0] * len(STAGES) for k in keys}
        for row in applications:
            for i, stage in enumerate(STAGES):
                if stage in reached.get(row[0], set()) or stage == ApplicationStatus.SUBMITTED:
                    counts.setdefault(row[key_of], [0] * len(STAGES))[i] += 1
        return [FunnelRow(keys.get(k, str(k)), v) for k, v in counts.items() if any(v)]

    postings = dict(Posting.objects.filter(district=district).values_list("pk", "title"))
    by_posting = funnel(postings, 1)
    by_source = funnel(dict(Source.choices), 2)

    accepted_at = dict(
        ApplicationEvent.objects.filter(
            district=district, to_status=ApplicationStatus.ACCEPTED
        ).values_list("application_id", "at")
    )
    days = [
        (accepted_at[row[0]] - row[4]).total_seconds() / 86400
        for row in applications
        if row[0] in accepted_at
    ]
    split: dict[str, Counter[str]] = defaultdict(Counter)
    for row in applications:
        if row[0] in accepted_at:
            split[row[5] or "—"]["internal" if row[3] else "external"] += 1

    results = selectors.district_results(district=district, agreement=False)
    totals = [r.total * 300 / r.total_points for r in results.values()]
    bars = Counter(min(int(t // BUCKET), 300 // BUCKET - 1) for t in totals)
    distribution = [
        (f"{i * BUCKET}–{(i + 1) * BUCKET}", bars.get(i, 0)) for i in range(300 // BUCKET)
    ]
    templates = InterviewTemplate.objects.filter(
        district=district, postings__isnull=False
    ).distinct()
    return HiringReport(
        stages=[ApplicationStatus(s).label for s in STAGES],
        by_posting=by_posting,
        by_source=by_source,
        days_to_hire=statistics.median(days) if days else None,
        hires=len(days),
        distribution=distribution,
        agreement=[selectors.template_agreement(t) for t in templates],
        internal_external=sorted((k, v["internal"], v["external"]) for k, v in split.items()),
    )
