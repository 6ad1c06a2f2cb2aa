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

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


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


def alpha_units(units: Iterable[Sequence[float]]) -> float | None:
    """Krippendorff's alpha (interval) from each unit's ratings, in one pass.

    With m_u pairable ratings in unit u and n of them in all, the observed disagreement is
    D_o = (1/n) Σ_u Σ_{i≠j} (v_i − v_j)² / (m_u − 1) and the expected D_e = Σ_{i≠j over all
    pairable ratings} (v_i − v_j)² / (n(n − 1)); each double sum is 2(m Σv² − (Σv)²). Units
    rated once cannot be paired and are left out. None when no unit is rated twice or the
    pairable ratings do not vary. Checked against the ``krippendorff`` package and published
    values in the tests.
    """
    observed = 0.0
    n = 0
    total = squares = 0.0
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        unit_sum, unit_squares = math.fsum(unit), math.fsum(v * v for v in unit)
        observed += 2 * (m * unit_squares - unit_sum * unit_sum) / (m - 1)
        n += m
        total += unit_sum
        squares += unit_squares
    expected = 2 * (n * squares - total * total)
    if n < 2 or expected <= 1e-12:
        return None
    return 1 - (n - 1) * observed / expected


def alpha(data: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha (interval) for rows of raters × columns of units; None marks a
    missing rating."""
    if len(data) < 2 or not data[0]:
        return None
    columns = zip(*data, strict=True)
    return alpha_units([v for v in column if v is not None] for column in columns)


def panel_result(
    components: Sequence[ComponentSpec],
    ratings: Ratings,
    total_points: int,
    discuss: int = 2,
    agreement: bool = True,
) -> PanelResult:
    """The panel's result; ``agreement=False`` skips alpha where only the scores are wanted."""
    panelists = sorted(ratings)
    results = []
    for component in components:
        scores = {p: component_score(component, ratings[p]) for p in panelists}
        values = list(scores.values())
        mean = math.fsum(values) / len(values) if values else 0.0
        results.append(
            ComponentResult(
                component=component,
                by_panelist=scores,
                mean=mean,
                spread=(max(values) - min(values)) if values else 0.0,
                # statistics.pstdev is exact but slow (fractions); a report sums hundreds.
                stdev=math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
                if len(values) > 1
                else 0.0,
            )
        )
    weighted = sum(float(r.component.weight) * r.mean for r in results)
    full = sum(float(c.weight) * c.points for c in components)
    total = total_points * weighted / full if full else 0.0
    criteria = [c for comp in components for c in comp.criteria]
    data = (
        [
            [c.share(ratings[p][c.id]) if c.id in ratings[p] else None for c in criteria]
            for p in panelists
        ]
        if agreement
        else []
    )
    ranked = sorted(
        (r for r in results if r.spread > 0), key=lambda r: -r.spread / r.component.points
    )
    return PanelResult(
        components=results,
        total=total,
        total_points=total_points,
        alpha=alpha(data) if agreement else None,
        panelists=len(panelists),
        discuss=ranked[:discuss],
    )
