"""Writes for content provider reviews: a teacher committee scores providers against weighted
criteria, recommends one, the district decides what to buy, and a year later the committee
re-scores what was bought and says whether to renew.

A review moves along ``REVIEW_TRANSITIONS`` (scoring → recommended → decided → revisiting →
closed) through the service of each step. Committee members enter their own scores; a rollout
manager may enter a member's scores from a paper sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.core import policy
from trellis.core.audit import audit_record
from trellis.core.models import User
from trellis.core.writes import save_validated
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

R = ReviewStatus
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    R.SCORING: frozenset({R.RECOMMENDED}),
    R.RECOMMENDED: frozenset({R.DECIDED, R.SCORING}),  # back to scoring to reconsider
    # Straight to closed only when nothing was bought: there is nothing to re-review.
    R.DECIDED: frozenset({R.REVISITING, R.CLOSED}),
    R.REVISITING: frozenset({R.CLOSED}),
    R.CLOSED: frozenset(),
}
# Criteria a committee starts from (weights 1–10); the district edits them.
DEFAULT_CRITERIA = (
    ("Standards alignment", 3, "Covers our state standards at the depth they ask for."),
    ("Customizability", 2, "Teachers can reorder, add and assign content to groups."),
    ("Student experience", 2, "Students can work on their own, at their own pace."),
    ("Data for teachers", 2, "Shows mastery by standard in time to act on it."),
    ("Accessibility", 2, "Works with screen readers, captions and language supports."),
    ("Cost", 1, "What it costs a year for the students who would use it."),
)
SCORE_RANGE = range(1, 6)
SCORE_ERROR = "A score is a whole number from 1 to 5."


def cell_key(provider_id: int, criterion_id: int) -> str:
    """How a score's error names its cell on the sheet."""
    return f"score_{provider_id}_{criterion_id}"


def step_check(review: ProviderReview, to: str) -> None:
    """Refuse a move the review's status does not allow (``REVIEW_TRANSITIONS``)."""
    if to not in REVIEW_TRANSITIONS.get(review.status, frozenset()):
        raise ValidationError(
            f"The review is at “{review.get_status_display()}”; it cannot move to "
            f"“{ReviewStatus(to).label}” now."
        )


def _move(review: ProviderReview, to: str) -> str:
    step_check(review, to)
    before = review.status
    review.status = to
    return before


def _committee(staff: Iterable[Staff], district_id: int) -> list[Staff]:
    chosen = list(dict.fromkeys(staff))
    if not chosen:
        raise ValidationError({"committee": "Name the teachers on the committee."})
    if any(s.district_id != district_id or not s.is_active for s in chosen):
        raise ValidationError({"committee": "Choose current staff of this district."})
    return chosen


@transaction.atomic
def review_create(
    *,
    initiative: Initiative,
    title: str,
    school_year: str,
    committee: Iterable[Staff],
    content_area: str = "",
    criteria: Sequence[tuple[str, int, str]] = DEFAULT_CRITERIA,
    actor: User,
) -> ProviderReview:
    policy.require(actor, policy.ROLLOUT_MANAGE, initiative)
    members = _committee(committee, initiative.district_id)
    if not (title or "").strip():
        raise ValidationError({"title": "Give the review a title."})
    if not criteria:
        raise ValidationError({"criteria": "List at least one criterion to score against."})
    review = ProviderReview(
        district_id=initiative.district_id, initiative=initiative, title=(title or "").strip(),
        school_year=school_year, content_area=content_area,
    )  # fmt: skip
    save_validated(review)
    review.committee.set(members)
    for line, (name, weight, description) in enumerate(criteria, start=1):
        try:
            criterion_save(review=review, name=name, weight=weight, description=description,
                           order=line, actor=actor, audit=False)  # fmt: skip
        except ValidationError as error:
            raise ValidationError(
                {"criteria": f"Line {line}: {' '.join(error.messages)}"}
            ) from error
    audit_record(
        actor=actor,
        action="rollout.provider_review_created",
        target=review,
        changes={"committee": [None, len(members)], "criteria": [None, len(criteria)]},
    )
    return review


@transaction.atomic
def committee_set(
    *, review: ProviderReview, committee: Iterable[Staff], actor: User
) -> ProviderReview:
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    members = _committee(committee, review.district_id)
    scored = set(ProviderScore.objects.filter(provider__review=review).values_list(
        "member_id", flat=True))  # fmt: skip
    if dropped := scored - {m.pk for m in members}:
        names = ", ".join(s.full_name for s in Staff.objects.filter(pk__in=dropped))
        raise ValidationError({"committee": f"{names} already scored; keep them on the committee."})
    review.committee.set(members)
    audit_record(
        actor=actor,
        action="rollout.provider_committee_changed",
        target=review,
        changes={"committee": [None, sorted(m.staff_unique_id for m in members)]},
    )
    return review


@transaction.atomic
def criterion_save(
    *,
    review: ProviderReview,
    name: str,
    weight: int,
    description: str = "",
    order: int | None = None,
    criterion: Criterion | None = None,
    actor: User,
    audit: bool = True,
) -> Criterion:
    """Add a criterion or change one; weights may change while the committee is scoring."""
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    if review.status != R.SCORING:
        raise ValidationError("Criteria change only while the committee is scoring.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the criterion."})
    if criterion is None:
        criterion = Criterion(district_id=review.district_id, review=review,
                              order=order or review.criteria.count() + 1)  # fmt: skip
    if review.criteria.filter(name__iexact=name).exclude(pk=criterion.pk).exists():
        raise ValidationError({"name": "The review already has a criterion with that name."})
    if not isinstance(weight, int) or not 1 <= weight <= 10:
        raise ValidationError({"weight": "A weight is a whole number from 1 to 10."})
    criterion.name, criterion.weight = name, weight
    criterion.description = (description or "").strip()[:300]
    save_validated(criterion)
    if audit:
        audit_record(actor=actor, action="rollout.provider_criterion_saved", target=review,
                     changes={"criterion": [None, f"{name} (weight {weight})"]})  # fmt: skip
    return criterion


@transaction.atomic
def provider_add(
    *, review: ProviderReview, name: str, product: str = "", website: str = "", actor: User
) -> Provider:
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    if review.status != R.SCORING:
        raise ValidationError("Providers are added while the committee is scoring.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the provider."})
    if review.providers.filter(name__iexact=name).exists():
        raise ValidationError({"name": "This provider is already in the review."})
    provider = Provider(
        district_id=review.district_id,
        review=review,
        name=name,
        product=(product or "").strip(),
        website=(website or "").strip(),
    )
    save_validated(provider)
    audit_record(actor=actor, action="rollout.provider_added", target=provider,
                 changes={"name": [None, name]})  # fmt: skip
    return provider


def open_round(review: ProviderReview) -> str | None:
    """The round the committee scores now: the initial one while scoring, the re-review while
    revisiting; None at any other step."""
    rounds: dict[str, str] = {R.SCORING: Round.INITIAL, R.REVISITING: Round.REVISIT}
    return rounds.get(review.status)


def _round_open(review: ProviderReview, round_: str) -> None:
    if round_ not in Round.values:
        raise ValidationError({"round": "Choose the initial review or the re-review."})
    if round_ != open_round(review):
        raise ValidationError(
            "The committee's scoring has closed for this review."
            if round_ == Round.INITIAL
            else "The year-one re-review is not open."
        )


def scorer_check(*, review: ProviderReview, member: Staff, actor: User) -> None:
    """A member scores their own sheet; a rollout manager may type in a member's paper one."""
    policy.require(actor, policy.VIEW, review)
    if member.user_id != actor.pk:
        policy.require(actor, policy.ROLLOUT_MANAGE, review)
    if not review.committee.filter(pk=member.pk).exists():
        raise PermissionDenied(f"{member.full_name} is not on this review's committee.")


@transaction.atomic
def scores_submit(
    *,
    review: ProviderReview,
    member: Staff,
    scores: Mapping[tuple[int, int], int],
    review_round: str = Round.INITIAL,
    actor: User,
) -> int:
    """One committee member's scores, 1–5 for every provider on every criterion (the
    re-review scores only what was bought). Sending them again replaces the member's own."""
    scorer_check(review=review, member=member, actor=actor)
    # One sheet at a time per review, so a double-clicked submit cannot collide with itself.
    review = ProviderReview.objects.select_for_update().get(pk=review.pk)
    _round_open(review, review_round)
    providers = list(review.providers.all())
    if review_round == Round.REVISIT:
        providers = [p for p in providers if p.purchase == Purchase.BUY]
    criteria = list(review.criteria.all())
    if not providers or not criteria:
        raise ValidationError("Add providers and criteria before scoring.")
    expected = {(p.pk, c.pk) for p in providers for c in criteria}
    errors: dict[str, str] = {}
    for p in providers:
        for c in criteria:
            value = scores.get((p.pk, c.pk))
            if value is None:
                errors[cell_key(p.pk, c.pk)] = f"Score {p.name} on {c.name}."
            elif not isinstance(value, int) or value not in SCORE_RANGE:
                errors[cell_key(p.pk, c.pk)] = SCORE_ERROR
    if extra := set(scores) - expected:
        errors["scores"] = (
            f"{len(extra)} score(s) are for providers or criteria not in this review."
        )
    if errors:
        raise ValidationError(errors)
    ProviderScore.objects.filter(
        provider__review=review, member=member, round=review_round
    ).delete()
    ProviderScore.objects.bulk_create(
        ProviderScore(district_id=review.district_id, provider_id=p, criterion_id=c,
                      member=member, round=review_round, score=scores[(p, c)])
        for p, c in sorted(expected)
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="rollout.provider_scores_submitted",
        target=review,
        changes={"member": [None, member.staff_unique_id], "round": [None, review_round]},
    )
    return len(expected)


@transaction.atomic
def review_recommend(
    *, review: ProviderReview, provider: Provider, rationale: str, actor: User
) -> ProviderReview:
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    review = ProviderReview.objects.select_for_update().get(pk=review.pk)
    step_check(review, R.RECOMMENDED)
    if provider.review_id != review.pk:
        raise ValidationError({"provider": "Choose a provider in this review."})
    if not ProviderScore.objects.filter(provider__review=review, round=Round.INITIAL).exists():
        raise ValidationError("No committee member has scored yet.")
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Say why the committee recommends it."})
    before = _move(review, R.RECOMMENDED)
    review.recommended, review.recommendation = provider, rationale.strip()
    review.save(update_fields=["status", "recommended", "recommendation"])
    audit_record(
        actor=actor,
        action="rollout.provider_recommended",
        target=review,
        changes={"status": [before, review.status], "recommended": [None, provider.name]},
    )
    return review


@transaction.atomic
def review_reopen(*, review: ProviderReview, actor: User) -> ProviderReview:
    """Take the recommendation back to scoring (a mistake, or new information)."""
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    before = _move(review, R.SCORING)
    review.recommended, review.recommendation = None, ""
    review.save(update_fields=["status", "recommended", "recommendation"])
    audit_record(actor=actor, action="rollout.provider_review_reopened", target=review,
                 changes={"status": [before, review.status]})  # fmt: skip
    return review


def a_year_after(day: dt.date) -> dt.date:
    """The same day a year later (28 February after a 29th)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _decision_errors(
    providers: Mapping[int, Provider], decisions: Mapping[int, tuple[str, Decimal | None]]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    cost_field = Provider._meta.get_field("annual_cost")
    for pk, provider in providers.items():
        choice, cost = decisions.get(pk, (Purchase.PENDING, None))
        if choice not in (Purchase.BUY, Purchase.PASS):
            errors[f"purchase_{pk}"] = f"Decide whether to buy {provider.name}."
        if cost is not None:
            try:
                cost_field.clean(cost, provider)
            except ValidationError as error:
                errors[f"cost_{pk}"] = " ".join(error.messages)
    if extra := set(decisions) - set(providers):
        errors["decisions"] = f"{len(extra)} decision(s) are for providers not in this review."
    return errors


@transaction.atomic
def purchase_decide(
    *,
    review: ProviderReview,
    decisions: Mapping[int, tuple[str, Decimal | None]],
    decided_on: dt.date,
    revisit_on: dt.date | None = None,
    actor: User,
) -> ProviderReview:
    """What the district buys, for every provider: buy (with its yearly cost) or pass."""
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    review = ProviderReview.objects.select_for_update().get(pk=review.pk)
    step_check(review, R.DECIDED)
    providers = {p.pk: p for p in review.providers.all()}
    errors = _decision_errors(providers, decisions)
    if decided_on > timezone.localdate():
        errors["decided_on"] = "Record the decision once it is made."
    revisit_on = revisit_on or a_year_after(decided_on)
    if revisit_on <= decided_on:
        errors["revisit_on"] = "The re-review comes after the decision."
    if errors:
        raise ValidationError(errors)
    before = _move(review, R.DECIDED)
    for pk, provider in providers.items():
        provider.purchase, provider.annual_cost = decisions[pk]
        provider.decided_on = decided_on
        provider.save(update_fields=["purchase", "annual_cost", "decided_on"])
    review.revisit_on = revisit_on
    review.save(update_fields=["status", "revisit_on"])
    bought = sorted(p.name for p in providers.values() if p.purchase == Purchase.BUY)
    audit_record(
        actor=actor,
        action="rollout.provider_purchase_decided",
        target=review,
        changes={"status": [before, review.status], "bought": [None, bought]},
    )
    return review


@transaction.atomic
def revisit_open(*, review: ProviderReview, actor: User) -> ProviderReview:
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    step_check(review, R.REVISITING)
    if not review.providers.filter(purchase=Purchase.BUY).exists():
        raise ValidationError("Nothing was bought, so there is nothing to re-review.")
    before = _move(review, R.REVISITING)
    review.save(update_fields=["status"])
    audit_record(actor=actor, action="rollout.provider_revisit_opened", target=review,
                 changes={"status": [before, review.status]})  # fmt: skip
    return review


@transaction.atomic
def revisit_record(*, provider: Provider, renewal: str, feedback: str, actor: User) -> Provider:
    """After a year: what teachers said about a purchased provider, and renew or drop."""
    review = provider.review
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    if review.status != R.REVISITING:
        raise ValidationError("The year-one re-review is not open.")
    if provider.purchase != Purchase.BUY:
        raise ValidationError("Only a provider the district bought is re-reviewed.")
    if renewal not in (Renewal.RENEW, Renewal.DROP):
        raise ValidationError({"renewal": "Choose renew or drop."})
    if not (feedback or "").strip():
        raise ValidationError({"feedback": "Write down what teachers said after a year."})
    before: dict[str, Any] = {"renewal": provider.renewal}
    provider.renewal, provider.feedback = renewal, feedback.strip()[:10_000]
    provider.save(update_fields=["renewal", "feedback"])
    audit_record(actor=actor, action="rollout.provider_revisited", target=provider,
                 changes={"renewal": [before["renewal"], renewal]})  # fmt: skip
    return provider


@transaction.atomic
def review_close(*, review: ProviderReview, actor: User) -> ProviderReview:
    policy.require(actor, policy.ROLLOUT_MANAGE, review)
    step_check(review, R.CLOSED)
    bought = review.providers.filter(purchase=Purchase.BUY)
    if review.status == R.DECIDED and bought.exists():
        raise ValidationError("Open the year-one re-review of what the district bought first.")
    if names := [p.name for p in bought.filter(renewal=Renewal.PENDING)]:
        raise ValidationError(f"Decide whether to renew {', '.join(names)} first.")
    before = _move(review, R.CLOSED)
    review.save(update_fields=["status"])
    audit_record(actor=actor, action="rollout.provider_review_closed", target=review,
                 changes={"status": [before, review.status]})  # fmt: skip
    return review
