"""Interview data tasks: the made-up class a part of the interview puts before the candidate (a
teacher's mastery-tracker report, or a student data set to find the high and low points in).

The class comes from the coaching heatmap's generator (students are codes S01…, never names)
and its high and low points from the same heatmap, so the panel's answer key is exactly what the
class report pages compute. Only the seed and the shape are stored: the same seed always gives
the same class, so every candidate on a posting reads the same data.

Who sees it: the posting's panel and HR, with the answer key; the candidate sees the data, never
the key, on the page the panel puts on the screen (candidates do not sign in to Trellis).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404

from trellis.coaching import heatmap
from trellis.coaching.models import Standard
from trellis.core.audit import audit_record
from trellis.core.models import District, User
from trellis.core.writes import assign_fields, save_validated
from trellis.hiring import carson_city, selectors, services
from trellis.hiring.models import (
    DATA_TASK_SEED_MAX,
    DATA_TASK_STANDARDS,
    Component,
    DataTask,
    DataTaskKind,
    Interview,
    InterviewTemplate,
)

DATA_TASK_FIELDS = (
    "kind",
    "title",
    "prompt",
    "seed",
    "students",
    "standards",
    "scale_min",
    "scale_max",
)
# A standard code as districts write them: CCSS.MATH.6.RP.A.1, RL.7.1, NGSS-MS-LS1-1, …
STANDARD_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,59}")


# --- The data set and its answer key (plain data, no database) -------------------------------


@dataclass(frozen=True)
class DataCell:
    level: int | None
    band: int  # 1 (lowest quarter of the scale) … 4 (highest), for the shading only


@dataclass(frozen=True)
class DataRow:
    student: str
    cells: list[DataCell]


def _two_places(value: Fraction) -> str:
    return f"{float(value):.2f}"


@dataclass(frozen=True)
class StandardPoint:
    code: str
    mean: Fraction
    proficient_share: Fraction  # share of the class at or above the proficient level

    @property
    def mean_text(self) -> str:
        return _two_places(self.mean)

    @property
    def percent_text(self) -> str:
        return f"{round(float(self.proficient_share) * 100)}%"


@dataclass(frozen=True)
class StudentPoint:
    student: str
    mean: Fraction

    @property
    def mean_text(self) -> str:
        return _two_places(self.mean)


@dataclass(frozen=True)
class GapPoint:
    student: str
    standard: str
    level: int
    class_mean: Fraction

    @property
    def class_mean_text(self) -> str:
        return _two_places(self.class_mean)


@dataclass(frozen=True)
class AnswerKey:
    """The high and low points, as ``heatmap.build`` finds them."""

    strongest: list[StandardPoint]
    weakest: list[StandardPoint]
    ahead: list[StudentPoint]
    behind: list[StudentPoint]
    gaps: list[GapPoint]


@dataclass(frozen=True)
class DataSet:
    kind: str
    title: str
    prompt: str
    seed: int
    scale_min: int
    scale_max: int
    proficient: int
    standards: list[str]  # in the order the template lists them
    rows: list[DataRow]
    summary: list[StandardPoint]  # per standard, in column order: a tracker report's last rows
    key: AnswerKey | None  # None in the candidate's copy

    @property
    def is_tracker_report(self) -> bool:
        return self.kind == DataTaskKind.MASTERY_TRACKER

    @property
    def kind_label(self) -> str:
        return DataTaskKind(self.kind).label

    def without_key(self) -> DataSet:
        """The candidate's copy: a tracker report keeps its class summary, a data set to be
        read from scratch does not, and neither has the answer key."""
        return replace(self, key=None, summary=self.summary if self.is_tracker_report else [])

    def export_rows(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [row.student, *(cell.level for cell in row.cells)]


def _band(level: int, scale_min: int, scale_max: int) -> int:
    return 1 + min(3, (level - scale_min) * 4 // (scale_max - scale_min + 1))


def data_set(task: DataTask) -> DataSet:
    """The class ``task`` describes, and its answer key; the same task always gives the same."""
    cells = heatmap.synthetic(
        seed=task.seed,
        students=task.students,
        standards=list(task.standards),
        scale_min=task.scale_min,
        scale_max=task.scale_max,
    )
    heat = heatmap.build(cells, scale_min=task.scale_min, scale_max=task.scale_max)
    codes = list(task.standards)
    rows = []
    for student in heat.students:
        levels = [heat.level(student, code) for code in codes]
        rows.append(
            DataRow(
                student,
                [
                    DataCell(v, _band(v, task.scale_min, task.scale_max) if v is not None else 0)
                    for v in levels
                ],
            )
        )
    return DataSet(
        kind=task.kind,
        title=task.title,
        prompt=task.prompt,
        seed=task.seed,
        scale_min=task.scale_min,
        scale_max=task.scale_max,
        proficient=heat.proficient,
        standards=codes,
        rows=rows,
        summary=[_standard_point(heat, c) for c in codes if c in heat.standard_mean],
        key=answer_key(heat),
    )


def _standard_point(heat: heatmap.Heatmap, code: str) -> StandardPoint:
    return StandardPoint(code, heat.standard_mean[code], heat.standard_proficient[code])


def answer_key(heat: heatmap.Heatmap) -> AnswerKey:
    """The heatmap's high and low points, with the numbers behind each."""
    return AnswerKey(
        strongest=[_standard_point(heat, c) for c in heat.strongest],
        weakest=[_standard_point(heat, c) for c in heat.weakest],
        ahead=[StudentPoint(s, heat.student_mean[s]) for s in heat.ahead],
        behind=[StudentPoint(s, heat.student_mean[s]) for s in heat.behind],
        gaps=[
            GapPoint(g.student, g.standard, g.level, heat.standard_mean[g.standard])
            for g in heat.gaps
        ],
    )


def new_seed() -> int:
    """A fresh seed for "make a new data set": short enough to read out and type back."""
    return 1 + secrets.randbelow(999_999)


def standard_codes(values: Iterable[str]) -> list[str]:
    """Codes as typed or chosen: trimmed, each once (first place kept), each a plausible code,
    two to twelve of them; else a ValidationError for the ``standards`` field."""
    codes = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    bad = [c for c in codes if not STANDARD_CODE.fullmatch(c)]
    low, high = DATA_TASK_STANDARDS
    if bad:
        message = (
            f"Not a standard code: {', '.join(bad[:3])}. Use letters, digits and . _ : / - "
            "(at most 60 characters)."
        )
        code = "bad_code"
    elif len(codes) < low:
        message = "Choose or type at least two standards, so the data has a high and a low point."
        code = "too_few"
    elif len(codes) > high:
        message, code = f"Use at most {high} standards; you gave {len(codes)}.", "too_many"
    else:
        return codes
    raise ValidationError({"standards": ValidationError(message, code=code)})


def standard_choices(*, district: District, also: Iterable[str] = ()) -> list[str]:
    """Codes to pick from: the district's own standards (from its class reports), the shipped
    process's, and any a task already uses."""
    own = Standard.objects.filter(district=district).values_list("code", flat=True)
    shipped = [*carson_city.MATH_6, *carson_city.ELA_7]
    # A district code that is not a plain code (a space, say) can still be typed in the box.
    return [c for c in dict.fromkeys([*also, *own, *shipped]) if STANDARD_CODE.fullmatch(c)]


# --- Reads ------------------------------------------------------------------------------------


def interview_data_task(
    *, district: District, user: User, interview_pk: int, component_pk: int
) -> tuple[Interview, Component, DataTask]:
    """A part's data task as used in one interview: for HR and the posting's panel; anyone else,
    in this district or another, gets 404, as if it did not exist."""
    interview = get_object_or_404(
        Interview.objects.select_related("posting__template"), district=district, pk=interview_pk
    )
    selectors.posting_get(district=district, user=user, pk=interview.posting_id)
    component = get_object_or_404(
        Component.objects.filter(template_id=interview.posting.template_id),
        district=district,
        pk=component_pk,
    )
    task = DataTask.objects.filter(district=district, component=component).first()
    if task is None:
        raise Http404("This part has no data task.")
    return interview, component, task


def template_data_tasks(template: InterviewTemplate) -> dict[int, DataTask]:
    """Component id → its data task, for one template."""
    tasks = DataTask.objects.filter(district_id=template.district_id, component__template=template)
    return {t.component_id: t for t in tasks}


# --- Writes -----------------------------------------------------------------------------------


def _describe(task: DataTask | None) -> str | None:
    if task is None:
        return None
    return (
        f"{task.title} ({task.get_kind_display()}, {task.students} students, "
        f"{', '.join(task.standards)}, seed {task.seed})"
    )


@transaction.atomic
def data_task_save(*, component: Component, data: Mapping[str, Any], actor: User) -> DataTask:
    """Attach a data task to a part, or change it; only while the process is unused (a scored
    version keeps the data its candidates saw)."""
    template = InterviewTemplate.objects.select_for_update().get(pk=component.template_id)
    services.require_unlocked(template)
    task = DataTask.objects.filter(component=component).first()
    before = _describe(task)
    if task is None:
        task = DataTask(district_id=component.district_id, component=component)
    values = dict(data)
    if "standards" in values:
        values["standards"] = standard_codes(values["standards"])
    assign_fields(task, values, DATA_TASK_FIELDS)
    if task.seed is not None and not 1 <= task.seed <= DATA_TASK_SEED_MAX:
        raise ValidationError({"seed": f"Use a seed from 1 to {DATA_TASK_SEED_MAX}."})
    if (
        isinstance(task.scale_min, int)
        and isinstance(task.scale_max, int)
        and task.scale_max < task.scale_min + 2
    ):
        raise ValidationError({"scale_max": "The scale needs at least three levels."})
    save_validated(task)
    audit_record(
        actor=actor,
        action="hiring.data_task_saved",
        target=template,
        changes={"data_task": [before, _describe(task)], "part": [None, component.name]},
    )
    return task


@transaction.atomic
def data_task_remove(*, component: Component, actor: User) -> None:
    template = InterviewTemplate.objects.select_for_update().get(pk=component.template_id)
    services.require_unlocked(template)
    task = DataTask.objects.filter(component=component).first()
    if task is None:
        return
    audit_record(
        actor=actor,
        action="hiring.data_task_removed",
        target=template,
        changes={"data_task": [_describe(task), None], "part": [None, component.name]},
    )
    task.delete()


@transaction.atomic
def standard_data_tasks_attach(*, template: InterviewTemplate, actor: User | None) -> int:
    """Give the shipped process's data parts their shipped data tasks where they have none (for
    districts seeded before data tasks existed). It only adds what a part lacks, never changes a
    task a candidate saw, so it runs on a version already scored with; returns how many."""
    if template.standard_key != carson_city.KEY:
        return 0
    specs = {p.name: p.data_task for p in carson_city.PARTS if p.data_task is not None}
    added = 0
    for component in template.components.filter(name__in=specs, data_task__isnull=True):
        spec = specs[component.name]
        assert spec is not None
        task = services.shipped_data_task(component, spec)
        save_validated(task)
        audit_record(
            actor=actor,
            action="hiring.data_task_saved",
            target=template,
            changes={"data_task": [None, _describe(task)], "part": [None, component.name]},
        )
        added += 1
    return added
