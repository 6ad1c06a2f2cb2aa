"""/api/v1 endpoints for content provider reviews (tag ``rollout``): the reviews of an
initiative, one review with its results, and each step of a review. Committee members send
their own scores; rollout managers run the review (and may send a member's paper sheet).

A list item's error names its index (``body.scores.3.score``); another district's review is a
404, a reference to another district's staff a 422 at the field, and nothing is written."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from trellis.core.api import RecordId, StrictSchema, api_district, api_user, body_ref, body_refs
from trellis.core.models import District
from trellis.org.models import Staff
from trellis.org.selectors import staff_of_user
from trellis.rollout.models import Provider, ProviderReview, Purchase, Renewal, ReviewStatus, Round
from trellis.rollout.selectors import providers as selectors
from trellis.rollout.selectors.initiative import initiative_get
from trellis.rollout.services import providers as services

router = Router()
YEAR_PATTERN = r"^\d{4}-\d{2}$"
# A service names a page's cell (``score_3_7``, ``purchase_3``, ``cost_3``).
CELL = re.compile(r"^(score|purchase|cost)_[\d_]+$")


# --- Schemas --------------------------------------------------------------------------------


class ProviderReviewOut(Schema):
    id: int
    title: str
    content_area: str
    school_year: str
    status: ReviewStatus
    providers: int = Field(alias="n_providers")
    committee: int = Field(alias="n_committee")
    recommended_id: int | None
    revisit_on: dt.date | None


class ProviderCriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: int


class ProviderOut(Schema):
    id: int
    name: str
    product: str
    website: str
    purchase: Purchase
    annual_cost: Decimal | None
    decided_on: dt.date | None
    renewal: Renewal
    feedback: str


class ProviderMemberOut(Schema):
    staff_id: int = Field(alias="member.pk")
    name: str = Field(alias="member.full_name")
    scored: int = Field(description="Cells of the open round's sheet this member has scored.")
    expected: int = Field(description="Cells on the sheet: providers × criteria.")


class MeanOut(Schema):
    criterion_id: int
    mean: Decimal


class ResultOut(Schema):
    provider_id: int = Field(alias="provider.pk")
    provider: str = Field(alias="provider.name")
    means: list[MeanOut] = Field(description="Each scored criterion's mean, 1–5.")
    weighted: Decimal | None = Field(description="Weighted mean on the 1–5 scale.")
    out_of_100: int | None
    scorers: int

    @staticmethod
    def resolve_means(obj: Any) -> list[dict[str, Any]]:
        return [{"criterion_id": pk, "mean": mean} for pk, mean in obj.by_criterion.items()]


class RoundOut(Schema):
    round: str = Field(alias="review_round")
    results: list[ResultOut] = Field(alias="rows", description="Best first.")


class ReviewDetailOut(Schema):
    id: int
    title: str
    content_area: str
    school_year: str
    status: ReviewStatus
    recommended_id: int | None
    recommendation: str
    revisit_on: dt.date | None
    criteria: list[ProviderCriterionOut]
    providers: list[ProviderOut]
    committee: list[ProviderMemberOut]
    rounds: list[RoundOut]


class CriterionIn(StrictSchema):
    name: str = Field(min_length=1, max_length=120)
    weight: int = Field(ge=1, le=10, description="How much it counts, 1 to 10.")
    description: str = Field("", max_length=300)


class ProviderReviewIn(StrictSchema):
    title: str = Field(max_length=200)
    school_year: str = Field(pattern=YEAR_PATTERN, examples=["2026-27"])
    content_area: str = Field("", description="An academic subject code, or empty for several.")
    committee_ids: list[RecordId] = Field(
        max_length=500, description="Staff ids (numeric) of the committee."
    )
    criteria: list[CriterionIn] | None = Field(
        None, max_length=50, description="Left out: the district's default criteria."
    )


class ProviderIn(StrictSchema):
    name: str = Field(max_length=200)
    product: str = Field("", max_length=200)
    website: str = Field("", max_length=200)


class ScoreIn(StrictSchema):
    provider_id: int
    criterion_id: int
    score: int = Field(description="1 to 5.")


class ScoresIn(StrictSchema):
    member_id: int | None = Field(
        None, description="Managers typing in a member's paper sheet; left out: your own."
    )
    scores: list[ScoreIn] = Field(max_length=5000)


class RecommendationIn(StrictSchema):
    provider_id: int
    rationale: str = Field(max_length=10_000)


class DecisionIn(StrictSchema):
    provider_id: int
    purchase: Literal["buy", "pass"]
    annual_cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)


class DecisionsIn(StrictSchema):
    decisions: list[DecisionIn] = Field(max_length=500)
    decided_on: dt.date
    revisit_on: dt.date | None = Field(None, description="Left out: a year after the decision.")


class RenewalIn(StrictSchema):
    renewal: Literal["renew", "drop"]
    feedback: str = Field(max_length=10_000)


# --- Helpers --------------------------------------------------------------------------------


DETAIL_FIELDS = ("id", "title", "content_area", "school_year", "status", "recommended_id",
                 "recommendation", "revisit_on")  # fmt: skip


def _review(request: HttpRequest, review_id: int) -> tuple[District, ProviderReview]:
    district = api_district(request)
    return district, selectors.review_get(district=district, pk=review_id)


def _detail(review: ProviderReview) -> dict[str, Any]:
    review.refresh_from_db()  # a step's service saved its own locked copy
    scoring = services.open_round(review)
    progress = selectors.committee_progress(review=review, review_round=scoring or Round.INITIAL)
    return {
        **{name: getattr(review, name) for name in DETAIL_FIELDS},
        "criteria": selectors.criteria_of(review=review),
        "providers": list(review.providers.order_by("name", "pk")),
        "committee": progress,
        "rounds": selectors.results_by_round(review=review),
    }


def _at_items(error: ValidationError, paths: Mapping[str, str], listed: str) -> ValidationError:
    """The service names a page's cell; the API names the list item holding it, or the list
    itself when no item does (a cell left out)."""
    if not hasattr(error, "error_dict"):
        return error
    moved: dict[str, list[str]] = {}
    for key, messages in error.message_dict.items():
        path = paths.get(key) or (listed if CELL.match(key) else key)
        moved.setdefault(path, []).extend(messages)
    return ValidationError(moved)


def _member(district: District, request: HttpRequest, member_id: int | None) -> Staff:
    if member_id is None:
        me = staff_of_user(district=district, user=api_user(request))
        if me is None:
            raise PermissionDenied("Only the members of this review's committee score it.")
        return me
    member: Staff = body_ref(Staff, district, member_id, "member_id", "staff member")
    return member


def _sheet(
    review: ProviderReview, review_round: str, rows: list[ScoreIn]
) -> tuple[dict[tuple[int, int], int], dict[str, str]]:
    """The scores by (provider, criterion), each row checked where it stands in the list."""
    providers = {p.pk: p for p in review.providers.all()}
    scored = {p.pk for p in selectors.round_providers(review=review, review_round=review_round)}
    criteria = {c.pk for c in selectors.criteria_of(review=review)}
    scores: dict[tuple[int, int], int] = {}
    paths: dict[str, str] = {}
    errors: dict[str, str] = {}
    for n, row in enumerate(rows):
        key = (row.provider_id, row.criterion_id)
        if row.provider_id not in providers:
            errors[f"scores.{n}.provider_id"] = (
                f"No provider with id {row.provider_id} in this review."
            )
        elif row.provider_id not in scored:
            errors[f"scores.{n}.provider_id"] = (
                f"The district did not buy {providers[row.provider_id].name}, so it is not "
                "re-reviewed."
            )
        elif row.criterion_id not in criteria:
            errors[f"scores.{n}.criterion_id"] = (
                f"No criterion with id {row.criterion_id} in this review."
            )
        elif row.score not in services.SCORE_RANGE:
            errors[f"scores.{n}.score"] = services.SCORE_ERROR
        elif key in scores:
            errors[f"scores.{n}"] = "This provider is already scored on this criterion above."
        else:
            scores[key] = row.score
            paths[services.cell_key(*key)] = f"scores.{n}.score"
    if errors:
        raise ValidationError(errors)
    return scores, paths


def _decisions(
    review: ProviderReview, rows: list[DecisionIn]
) -> tuple[dict[int, tuple[str, Decimal | None]], dict[str, str]]:
    providers = {p.pk for p in review.providers.all()}
    decisions: dict[int, tuple[str, Decimal | None]] = {}
    paths: dict[str, str] = {}
    errors: dict[str, str] = {}
    for n, row in enumerate(rows):
        if row.provider_id not in providers:
            errors[f"decisions.{n}.provider_id"] = (
                f"No provider with id {row.provider_id} in this review."
            )
        elif row.provider_id in decisions:
            errors[f"decisions.{n}"] = "This provider is already decided above."
        else:
            decisions[row.provider_id] = (row.purchase, row.annual_cost)
            paths[f"purchase_{row.provider_id}"] = f"decisions.{n}.purchase"
            paths[f"cost_{row.provider_id}"] = f"decisions.{n}.annual_cost"
    if errors:
        raise ValidationError(errors)
    return decisions, paths


def _provider(review: ProviderReview, provider_id: int, field: str = "provider_id") -> Provider:
    provider = review.providers.filter(pk=provider_id).first()
    if provider is None:
        raise ValidationError({field: f"No provider with id {provider_id} in this review."})
    return provider


# --- Endpoints ------------------------------------------------------------------------------


@router.get(
    "/rollout/initiatives/{initiative_id}/provider-reviews",
    response=list[ProviderReviewOut],
    summary="The initiative's content provider reviews",
)
@paginate(LimitOffsetPagination)
def review_list(request: HttpRequest, initiative_id: int) -> Any:
    initiative = initiative_get(district=api_district(request), pk=initiative_id)
    return selectors.review_list(initiative=initiative)


@router.post(
    "/rollout/initiatives/{initiative_id}/provider-reviews",
    response={201: ReviewDetailOut},
    summary="Start a review with its committee and criteria (rollout managers)",
)
def review_create(request: HttpRequest, initiative_id: int, payload: ProviderReviewIn) -> Any:
    district = api_district(request)
    initiative = initiative_get(district=district, pk=initiative_id)
    criteria: Sequence[tuple[str, int, str]] = services.DEFAULT_CRITERIA
    if payload.criteria is not None:
        criteria = [(c.name, c.weight, c.description) for c in payload.criteria]
    committee = body_refs(
        Staff.objects.filter(is_active=True),
        district,
        payload.committee_ids,
        "committee_ids",
        "current staff member",
    )
    try:
        review = services.review_create(
            initiative=initiative, title=payload.title, school_year=payload.school_year,
            content_area=payload.content_area, criteria=criteria, actor=api_user(request),
            committee=committee,
        )  # fmt: skip
    except ValidationError as error:
        raise _at_items(error, {"committee": "committee_ids"}, "criteria") from error
    return Status(201, _detail(review))


@router.get(
    "/rollout/provider-reviews/{review_id}",
    response=ReviewDetailOut,
    summary="A review with its criteria, providers, committee and results per round",
)
def review_detail(request: HttpRequest, review_id: int) -> Any:
    _, review = _review(request, review_id)
    return _detail(review)


@router.post(
    "/rollout/provider-reviews/{review_id}/providers",
    response={201: ProviderOut},
    summary="Add a provider while the committee is scoring (rollout managers)",
)
def provider_create(request: HttpRequest, review_id: int, payload: ProviderIn) -> Any:
    _, review = _review(request, review_id)
    return Status(
        201, services.provider_add(review=review, actor=api_user(request), **payload.dict())
    )


@router.post(
    "/rollout/provider-reviews/{review_id}/scores",
    response=ReviewDetailOut,
    summary="Your scores (all of them, 1–5; they replace your earlier ones)",
)
def scores_submit(request: HttpRequest, review_id: int, payload: ScoresIn) -> Any:
    district, review = _review(request, review_id)
    member = _member(district, request, payload.member_id)
    services.scorer_check(review=review, member=member, actor=api_user(request))
    review_round = services.open_round(review)
    if review_round is None:
        raise ValidationError("The committee is not scoring this review now.")
    scores, paths = _sheet(review, review_round, payload.scores)
    try:
        services.scores_submit(review=review, member=member, scores=scores,
                               review_round=review_round, actor=api_user(request))  # fmt: skip
    except ValidationError as error:
        raise _at_items(error, paths, "scores") from error
    return _detail(review)


@router.post(
    "/rollout/provider-reviews/{review_id}/recommendation",
    response=ReviewDetailOut,
    summary="The committee's recommendation and why (rollout managers)",
)
def recommendation(request: HttpRequest, review_id: int, payload: RecommendationIn) -> Any:
    _, review = _review(request, review_id)
    provider = _provider(review, payload.provider_id)
    services.review_recommend(
        review=review, provider=provider, rationale=payload.rationale, actor=api_user(request)
    )
    return _detail(review)


@router.post(
    "/rollout/provider-reviews/{review_id}/decision",
    response=ReviewDetailOut,
    summary="Buy or pass on every provider, with yearly costs (rollout managers)",
)
def decision(request: HttpRequest, review_id: int, payload: DecisionsIn) -> Any:
    _, review = _review(request, review_id)
    decisions, paths = _decisions(review, payload.decisions)
    try:
        services.purchase_decide(
            review=review, decisions=decisions, decided_on=payload.decided_on,
            revisit_on=payload.revisit_on, actor=api_user(request),
        )  # fmt: skip
    except ValidationError as error:
        raise _at_items(error, paths, "decisions") from error
    return _detail(review)


@router.post(
    "/rollout/provider-reviews/{review_id}/providers/{provider_id}/renewal",
    response=ReviewDetailOut,
    summary="After a year: renew or drop a purchased provider, with teachers' feedback",
)
def renewal(request: HttpRequest, review_id: int, provider_id: int, payload: RenewalIn) -> Any:
    _, review = _review(request, review_id)
    provider = selectors.provider_get(review=review, pk=provider_id)
    services.revisit_record(provider=provider, actor=api_user(request), **payload.dict())
    return _detail(review)


STEPS = {
    "reopen": services.review_reopen,
    "revisit": services.revisit_open,
    "close": services.review_close,
}


@router.post(
    "/rollout/provider-reviews/{review_id}/{step}",
    response=ReviewDetailOut,
    summary="Back to scoring (reopen), open the year-one re-review (revisit), or close",
)
def review_step(
    request: HttpRequest, review_id: int, step: Literal["reopen", "revisit", "close"]
) -> Any:
    _, review = _review(request, review_id)
    STEPS[step](review=review, actor=api_user(request))
    return _detail(review)
