"""Reads for initiatives and their vision."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from trellis.core.models import Approach, District
from trellis.org.models import School
from trellis.rollout.models import Initiative, SchoolVision, VisionStatus, VisionVersion

APPROACH_LABELS = dict(Approach.choices)


def initiative_list(*, district: District) -> QuerySet[Initiative]:
    return Initiative.objects.filter(district=district).select_related("grant")


def initiative_get(*, district: District, pk: int) -> Initiative:
    return get_object_or_404(
        Initiative.objects.select_related("grant", "district"), district=district, pk=pk
    )


def approach_labels(initiative: Initiative) -> list[str]:
    return [APPROACH_LABELS.get(code, code) for code in initiative.approaches]


def vision_versions(*, initiative: Initiative) -> QuerySet[VisionVersion]:
    return initiative.visions.select_related("published_by").order_by("-number")


def vision_get(*, initiative: Initiative, number: int) -> VisionVersion:
    return get_object_or_404(VisionVersion, initiative=initiative, number=number)


def vision_published(*, initiative: Initiative) -> VisionVersion | None:
    return initiative.visions.filter(status=VisionStatus.PUBLISHED).first()


def vision_draft(*, initiative: Initiative) -> VisionVersion | None:
    return initiative.visions.filter(status=VisionStatus.DRAFT).first()


@dataclass(frozen=True)
class SchoolAnswer:
    school: School
    current: SchoolVision | None
    earlier: int  # how many earlier answers the school's history holds

    @property
    def up_to_date(self) -> bool:
        """Answered the version that is published now."""
        return self.current is not None and self.current.version.status == VisionStatus.PUBLISHED


def school_answers(*, initiative: Initiative) -> list[SchoolAnswer]:
    """Every school with its latest answer to this initiative's vision (two queries)."""
    schools = list(School.objects.filter(district_id=initiative.district_id).order_by("name"))
    answers = (
        SchoolVision.objects.filter(
            district_id=initiative.district_id, version__initiative=initiative
        )
        .select_related("version", "recorded_by")
        .order_by("school_id", "-recorded_at", "-pk")
    )
    latest: dict[int, SchoolVision] = {}
    counts: dict[int, int] = {}
    for answer in answers:
        latest.setdefault(answer.school_id, answer)
        counts[answer.school_id] = counts.get(answer.school_id, 0) + 1
    return [SchoolAnswer(s, latest.get(s.pk), max(counts.get(s.pk, 0) - 1, 0)) for s in schools]


def school_history(*, initiative: Initiative, school: School) -> QuerySet[SchoolVision]:
    return (
        SchoolVision.objects.filter(
            district_id=initiative.district_id, version__initiative=initiative, school=school
        )
        .select_related("version", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def school_get(*, district: District, pk: int) -> School:
    return get_object_or_404(School, district=district, pk=pk)
