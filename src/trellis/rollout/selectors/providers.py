"""Reads for content provider reviews: the committee's weighted results per provider and round,
and who has scored."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet
from django.shortcuts import get_object_or_404

from trellis.core.models import District
from trellis.org.models import Staff
from trellis.rollout.models import (
    Criterion,
    Initiative,
    Provider,
    ProviderReview,
    ProviderScore,
    Round,
)

TWO = Decimal("0.01")


def review_list(*, initiative: Initiative) -> QuerySet[ProviderReview]:
    return (
        ProviderReview.objects.filter(district_id=initiative.district_id, initiative=initiative)
        .select_related("recommended")
        .annotate(n_providers=Count("providers", distinct=True),
                  n_committee=Count("committee", distinct=True))
        .order_by("-school_year", "title", "pk")
    )  # fmt: skip


def review_get(*, district: District, pk: int) -> ProviderReview:
    return get_object_or_404(
        ProviderReview.objects.select_related("initiative", "recommended"),
        district=district,
        pk=pk,
    )


def provider_get(*, review: ProviderReview, pk: int) -> Provider:
    return get_object_or_404(Provider, review=review, pk=pk)


@dataclass(frozen=True)
class ProviderResult:
    provider: Provider
    by_criterion: dict[int, Decimal]  # criterion id → mean score (1–5)
    weighted: Decimal | None  # weighted mean on the 1–5 scale
    scorers: int

    @property
    def out_of_100(self) -> int | None:
        return None if self.weighted is None else int(self.weighted * 20)


def results(*, review: ProviderReview, review_round: str = Round.INITIAL) -> list[ProviderResult]:
    """Each provider's mean per criterion and the weighted mean, best first (one grouped query
    for the means, one for who scored)."""
    criteria = list(review.criteria.all())
    total_weight = sum(c.weight for c in criteria)
    means: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in (
        ProviderScore.objects.filter(provider__review=review, round=review_round)
        .values("provider_id", "criterion_id")
        .annotate(mean=Avg("score"))
        .order_by()
    ):
        means[row["provider_id"]][row["criterion_id"]] = Decimal(str(row["mean"])).quantize(TWO)
    scorers = dict(
        ProviderScore.objects.filter(provider__review=review, round=review_round)
        .values("provider_id")
        .annotate(n=Count("member", distinct=True))
        .values_list("provider_id", "n")
        .order_by()
    )
    out = []
    for provider in review.providers.all():
        scored = means.get(provider.pk, {})
        weighted = None
        if criteria and len(scored) == len(criteria) and total_weight:
            weighted = (
                sum(scored[c.pk] * c.weight for c in criteria) / Decimal(total_weight)
            ).quantize(TWO, rounding=ROUND_HALF_UP)
        out.append(ProviderResult(provider, scored, weighted, scorers.get(provider.pk, 0)))
    out.sort(key=lambda r: (r.weighted is None, -(r.weighted or 0), r.provider.name))
    return out


def scored_members(*, review: ProviderReview, review_round: str = Round.INITIAL) -> set[int]:
    return set(
        ProviderScore.objects.filter(provider__review=review, round=review_round)
        .values_list("member_id", flat=True)
        .distinct()
    )


def committee(*, review: ProviderReview) -> list[Staff]:
    return list(review.committee.select_related("school").order_by("last_name", "first_name"))


def my_scores(
    *, review: ProviderReview, member: Staff, review_round: str = Round.INITIAL
) -> dict[tuple[int, int], int]:
    return {
        (p, c): s
        for p, c, s in ProviderScore.objects.filter(
            provider__review=review, member=member, round=review_round
        ).values_list("provider_id", "criterion_id", "score")
    }


def criteria_of(*, review: ProviderReview) -> list[Criterion]:
    return list(review.criteria.order_by("order", "pk"))
