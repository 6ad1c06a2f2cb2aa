"""Reads for the communications plan (overdue = its date has passed and it is not done) and
the feedback sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core.models import District
from trellis.rollout.models import Audience, Communication, FeedbackSession, Initiative


def _overdue(today: dt.date) -> Q:
    return Q(done_on__isnull=True, planned_on__lt=today)


def communication_list(
    *, initiative: Initiative, audience: str = "", todo: bool = False, today: dt.date | None = None
) -> QuerySet[Communication]:
    """The plan by date, each row with ``overdue``; ``todo`` keeps what is not done yet."""
    qs = Communication.objects.filter(district_id=initiative.district_id, initiative=initiative)
    if audience:
        qs = qs.filter(audience=audience)
    if todo:
        qs = qs.filter(done_on__isnull=True)
    overdue = ExpressionWrapper(_overdue(today or timezone.localdate()), BooleanField())
    return qs.select_related("owner").annotate(overdue=overdue).order_by("planned_on", "pk")


def communication_get(*, district: District, pk: int) -> Communication:
    return get_object_or_404(
        Communication.objects.select_related("initiative", "owner"), district=district, pk=pk
    )


@dataclass(frozen=True)
class AudienceCount:
    audience: str
    label: str
    planned: int
    done: int
    overdue: int


def audience_counts(*, initiative: Initiative, today: dt.date | None = None) -> list[AudienceCount]:
    """Every audience, in the plan's order, with how much of its plan is done (one query)."""
    rows = {
        row["audience"]: row
        for row in Communication.objects.filter(
            district_id=initiative.district_id, initiative=initiative
        )
        .values("audience")
        .annotate(
            planned=Count("pk"),
            done=Count("pk", filter=Q(done_on__isnull=False)),
            overdue=Count("pk", filter=_overdue(today or timezone.localdate())),
        )
        .order_by()
    }
    empty = {"planned": 0, "done": 0, "overdue": 0}
    return [
        AudienceCount(code, label, **{k: rows.get(code, empty)[k] for k in empty})
        for code, label in Audience.choices
    ]


def feedback_list(*, initiative: Initiative, audience: str = "") -> QuerySet[FeedbackSession]:
    qs = FeedbackSession.objects.filter(district_id=initiative.district_id, initiative=initiative)
    if audience:
        qs = qs.filter(audience=audience)
    return qs.order_by("-held_on", "-pk")


def feedback_get(*, district: District, pk: int) -> FeedbackSession:
    return get_object_or_404(
        FeedbackSession.objects.select_related("initiative"), district=district, pk=pk
    )
