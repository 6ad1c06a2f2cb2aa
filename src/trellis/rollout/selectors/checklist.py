"""Reads for the readiness checklist: questions by recommendation with progress counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core.models import District
from trellis.rollout.checklist import RECOMMENDATIONS, Recommendation
from trellis.rollout.models import ChecklistItem, Evidence, Initiative, ItemStatus


def _percent(done: int, applicable: int) -> int:
    """Whole percent, halves rounded up (1 of 8 is 13 %, as people expect; ``round`` says 12)."""
    return (200 * done + applicable) // (2 * applicable) if applicable else 0


@dataclass
class RecommendationProgress:
    recommendation: Recommendation
    items: list[ChecklistItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def applicable(self) -> int:
        """Questions that count toward progress: all but those marked as not applying."""
        return self.total - self.counts.get(ItemStatus.NOT_APPLICABLE, 0)

    @property
    def done(self) -> int:
        return self.counts.get(ItemStatus.DONE, 0)

    @property
    def percent(self) -> int:
        return _percent(self.done, self.applicable)


@dataclass
class ChecklistProgress:
    recommendations: list[RecommendationProgress]
    overdue: int

    @property
    def done(self) -> int:
        return sum(r.done for r in self.recommendations)

    @property
    def applicable(self) -> int:
        return sum(r.applicable for r in self.recommendations)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.recommendations)

    @property
    def percent(self) -> int:
        return _percent(self.done, self.applicable)


def checklist_items(*, initiative: Initiative) -> QuerySet[ChecklistItem]:
    return (
        ChecklistItem.objects.filter(district_id=initiative.district_id, initiative=initiative)
        .select_related("owner")
        .annotate(evidence_count=Count("evidence"))
        .order_by("recommendation", "order", "pk")
    )


def checklist_progress(*, initiative: Initiative, with_items: bool = True) -> ChecklistProgress:
    """Counts by status for each recommendation (grouped in SQL), and the questions if asked."""
    groups = {r.number: RecommendationProgress(r) for r in RECOMMENDATIONS}
    grouped = (
        ChecklistItem.objects.filter(district_id=initiative.district_id, initiative=initiative)
        .values("recommendation", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        groups[row["recommendation"]].counts[row["status"]] = row["n"]
    if with_items:
        for item in checklist_items(initiative=initiative):
            groups[item.recommendation].items.append(item)
    overdue = ChecklistItem.objects.filter(
        district_id=initiative.district_id,
        initiative=initiative,
        due_on__lt=timezone.localdate(),
        status__in=(ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS),
    ).count()
    return ChecklistProgress(list(groups.values()), overdue)


def study_started(*, initiative: Initiative) -> bool:
    """Whether the study's questions were copied in (the district's own carry no key)."""
    return (
        ChecklistItem.objects.filter(district_id=initiative.district_id, initiative=initiative)
        .exclude(key="")
        .exists()
    )


def item_get(*, district: District, pk: int) -> ChecklistItem:
    return get_object_or_404(
        ChecklistItem.objects.select_related("owner", "initiative"), district=district, pk=pk
    )


def evidence_list(*, item: ChecklistItem) -> QuerySet[Evidence]:
    return item.evidence.select_related("added_by").order_by("added_at", "pk")


def evidence_get(*, district: District, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("item__owner", "item__initiative"),
        district=district,
        pk=pk,
    )
