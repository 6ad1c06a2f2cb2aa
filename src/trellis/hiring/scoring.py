"""The panel's numbers: component scores, the total on the template's scale, the spread, and
Krippendorff's alpha for how well the panel agrees. Pure functions over plain data, so they are
tested on known data sets without a database.

- A panelist's component score is the component's points times the mean, over its criteria, of
  where each rating sits on the criterion's scale (bottom 0, top 1).
- The component mean is the mean of the panelists' component scores.
- The total is the weighted sum of component means, rescaled so full marks give the template's
  total points (with equal weights and 6 × 50 points, simply their sum out of 300).
- Agreement is Krippendorff's alpha (interval) over every criterion rating, each expressed as
  its share of the scale; 1 is perfect agreement, 0 no better than chance.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import krippendorff
import numpy as np


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    scale_min: int
    scale_max: int

    def share(self, value: int) -> float:
        return (value - self.scale_min) / (self.scale_max - self.scale_min)


@dataclass(frozen=True)
class ComponentSpec:
    id: int
    name: str
    points: int
    weight: Decimal
    criteria: tuple[CriterionSpec, ...]


@dataclass
class ComponentResult:
    component: ComponentSpec
    by_panelist: dict[int, float]  # panelist key → component score in points
    mean: float
    spread: float  # highest minus lowest panelist score, in points
    stdev: float

    @property
    def share(self) -> float:
        return self.mean / self.component.points


@dataclass
class PanelResult:
    components: list[ComponentResult]
    total: float
    total_points: int
    alpha: float | None  # None when it cannot be computed (fewer than two raters, no variation)
    panelists: int
    discuss: list[ComponentResult] = field(default_factory=list)  # most disagreement first


Ratings = Mapping[int, Mapping[int, int]]  # panelist key → criterion id → rating


def component_score(component: ComponentSpec, ratings: Mapping[int, int]) -> float:
    shares = [c.share(ratings[c.id]) for c in component.criteria]
    return component.points * (sum(shares) / len(shares))


def alpha(data: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha (interval) for rows of raters × columns of units; None marks a
    missing rating. None when undefined."""
    if len(data) < 2 or not data or not data[0]:
        return None
    matrix = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    paired = np.sum(~np.isnan(matrix), axis=0) >= 2
    pairable = matrix[:, paired]
    values = pairable[~np.isnan(pairable)]
    if values.size == 0 or np.all(values == values[0]):
        return None  # no unit rated twice, or no variation to agree or disagree about
    try:
        return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval"))
    except (ValueError, ZeroDivisionError):
        return None


def panel_result(
    components: Sequence[ComponentSpec], ratings: Ratings, total_points: int, discuss: int = 2
) -> PanelResult:
    panelists = sorted(ratings)
    results = []
    for component in components:
        scores = {p: component_score(component, ratings[p]) for p in panelists}
        values = list(scores.values())
        results.append(
            ComponentResult(
                component=component,
                by_panelist=scores,
                mean=statistics.fmean(values) if values else 0.0,
                spread=(max(values) - min(values)) if values else 0.0,
                stdev=statistics.pstdev(values) if len(values) > 1 else 0.0,
            )
        )
    weighted = sum(float(r.component.weight) * r.mean for r in results)
    full = sum(float(c.weight) * c.points for c in components)
    total = total_points * weighted / full if full else 0.0
    criteria = [c for comp in components for c in comp.criteria]
    data = [
        [c.share(ratings[p][c.id]) if c.id in ratings[p] else None for c in criteria]
        for p in panelists
    ]
    ranked = sorted(
        (r for r in results if r.spread > 0), key=lambda r: -r.spread / r.component.points
    )
    return PanelResult(
        components=results,
        total=total,
        total_points=total_points,
        alpha=alpha(data),
        panelists=len(panelists),
        discuss=ranked[:discuss],
    )
