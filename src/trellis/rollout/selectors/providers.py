"""Reads for content provider reviews: the committee's weighted results per provider and round,
and who has scored."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from trellis.core.models import District
from trellis.org.models import Staff
from trellis.rollout.models import (
    Criterion,
    Initiative,
    Provider,
    ProviderReview,
    ProviderScore,
    Purchase,
    Renewal,
    ReviewStatus,
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


def round_providers(*, review: ProviderReview, review_round: str) -> QuerySet[Provider]:
    """The providers a round scores: all of them at first, only what was bought a year on."""
    providers = review.providers.order_by("name", "pk")
    return providers.filter(purchase=Purchase.BUY) if review_round == Round.REVISIT else providers


def provider_get(*, review: ProviderReview, pk: int) -> Provider:
    return get_object_or_404(Provider, review=review, pk=pk)


@dataclass(frozen=True)
class ProviderResult:
    provider: Provider
    by_criterion: dict[int, Decimal]  # criterion id → mean score (1–5), to two places
    means: list[Decimal | None]  # the same, in the order of the criteria (None: not scored)
    weighted: Decimal | None  # weighted mean on the 1–5 scale, to two places
    scorers: int

    @property
    def out_of_100(self) -> int | None:
        """The weighted mean as a share of the top score (5 → 100)."""
        if self.weighted is None:
            return None
        return int((self.weighted * 20).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class RoundResults:
    review_round: str
    criteria: list[Criterion]
    rows: list[ProviderResult]  # best first

    @property
    def label(self) -> str:
        return Round(self.review_round).label


def _to_decimal(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(TWO, rounding=ROUND_HALF_UP)


def results(*, review: ProviderReview, review_round: str = Round.INITIAL) -> RoundResults:
    """Each provider's mean per criterion and the weighted mean (the criteria's means weighted
    by their weights), best first; the re-review covers only what was bought. The means are
    kept exact until they are shown, so rounding never reorders two providers."""
    criteria = criteria_of(review=review)
    total_weight = sum(c.weight for c in criteria)
    scores = ProviderScore.objects.filter(provider__review=review, round=review_round)
    means: dict[int, dict[int, Fraction]] = defaultdict(dict)
    for row in (
        scores.values("provider_id", "criterion_id")
        .annotate(total=Sum("score"), n=Count("id"))
        .order_by()
    ):
        means[row["provider_id"]][row["criterion_id"]] = Fraction(row["total"], row["n"])
    scorers = dict(
        scores.values("provider_id")
        .annotate(n=Count("member", distinct=True))
        .values_list("provider_id", "n")
        .order_by()
    )
    rows = []
    for provider in round_providers(review=review, review_round=review_round):
        scored = means.get(provider.pk, {})
        weighted = None
        if criteria and all(c.pk in scored for c in criteria):
            weighted = _to_decimal(
                sum((scored[c.pk] * c.weight for c in criteria), Fraction(0)) / total_weight
            )
        shown = {pk: _to_decimal(mean) for pk, mean in scored.items()}
        rows.append(
            ProviderResult(
                provider, shown, [shown.get(c.pk) for c in criteria], weighted,
                scorers.get(provider.pk, 0),
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (r.weighted is None, -(r.weighted or 0), r.provider.name))
    return RoundResults(review_round, criteria, rows)


def results_by_round(*, review: ProviderReview) -> list[RoundResults]:
    """The initial round's results, and the re-review's once it has opened."""
    rounds = [results(review=review)]
    if review.status in (ReviewStatus.REVISITING, ReviewStatus.CLOSED):
        rounds.append(results(review=review, review_round=Round.REVISIT))
    return rounds


@dataclass(frozen=True)
class MemberProgress:
    member: Staff
    scored: int  # cells of this round's sheet the member has scored
    expected: int  # cells on the sheet now (providers × criteria)

    @property
    def done(self) -> bool:
        return self.expected > 0 and self.scored >= self.expected

    @property
    def partly(self) -> bool:
        """Scored before a provider or criterion was added: the sheet needs finishing."""
        return 0 < self.scored < self.expected


def committee_progress(
    *, review: ProviderReview, review_round: str = Round.INITIAL
) -> list[MemberProgress]:
    """Every committee member with how much of this round's sheet they have scored."""
    providers = round_providers(review=review, review_round=review_round)
    expected = providers.count() * review.criteria.count()
    cells = dict(
        ProviderScore.objects.filter(
            provider__review=review, round=review_round, provider__in=providers
        )
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
        .order_by()
    )
    return [MemberProgress(m, cells.get(m.pk, 0), expected) for m in committee(review=review)]


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


@dataclass(frozen=True)
class ReviewState:
    """What the review page's next step rests on, from lists the page has already read."""

    anyone_scored: bool
    done: int  # members whose sheet for the open round is complete
    bought: list[str]
    yearly_cost: Decimal
    pending: list[str]  # bought, with renew or drop still to decide
    total_weight: int


def review_state(
    *, providers: list[Provider], progress: list[MemberProgress], criteria: list[Criterion]
) -> ReviewState:
    bought = [p for p in providers if p.purchase == Purchase.BUY]
    return ReviewState(
        anyone_scored=any(p.scored for p in progress),
        done=sum(p.done for p in progress),
        bought=[p.name for p in bought],
        yearly_cost=sum((p.annual_cost or Decimal(0) for p in bought), Decimal(0)),
        pending=[p.name for p in bought if p.renewal == Renewal.PENDING],
        total_weight=sum(c.weight for c in criteria),
    )
