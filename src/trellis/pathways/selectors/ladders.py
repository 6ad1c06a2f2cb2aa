"""Reads for ladders, where each person stands on them, what they still need for the next step
(with an estimate of when), and succession: who is ready now or within a year.

Readiness is worked out for many people at once from four grouped reads (assignments, hours by
school year, certifications, standing), so a succession list costs the same few queries for
ten candidates or ten thousand.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core.models import District
from trellis.core.schoolyear import school_year_of
from trellis.learning.models import Candidacy, Enrolment
from trellis.org.models import School, Staff
from trellis.pathways.models import Ladder, Standing, Step
from trellis.pathways.selectors.history import (
    GAP,
    ID_CHUNK,
    LadderRank,
    Span,
    by_person,
    held_in,
    spans_of,
)

SOON = dt.timedelta(days=365)  # "ready within a year"


def _num(value: Decimal) -> str:
    """2, 2.5, 30: a requirement as people write it."""
    return f"{Decimal(value).normalize():f}"


MET, MISSING, IN_PROGRESS = "met", "missing", "in_progress"


def ladder_list(*, district: District) -> QuerySet[Ladder]:
    return Ladder.objects.filter(district=district).prefetch_related("steps")


def ladder_get(*, district: District, pk: int) -> Ladder:
    return get_object_or_404(Ladder, district=district, pk=pk)


def step_get(*, ladder: Ladder, order: int) -> Step:
    steps = Step.objects.filter(district_id=ladder.district_id, ladder=ladder)
    return get_object_or_404(steps.prefetch_related("role_types", "certifications"), order=order)


def steps_of(*, ladder: Ladder) -> list[Step]:
    return list(
        ladder.steps.prefetch_related("role_types", "certifications").order_by("order", "pk")
    )


def ladder_rank(*, district: District) -> LadderRank:
    """Role type → {ladder → rung}, for telling a promotion from a lateral move; two roles are
    compared only on a ladder they share."""
    rank: LadderRank = defaultdict(dict)
    for step in Step.objects.filter(district=district).prefetch_related("role_types"):
        for role_type in step.role_types.all():
            rank[role_type.pk][step.ladder_id] = step.order
    return dict(rank)


# --- The facts readiness needs, for many people at once -------------------------------------


@dataclass
class Facts:
    today: dt.date
    staff: dict[int, Staff]
    spans: dict[int, list[Span]]  # staff → their spans in roles, oldest first
    hours: dict[int, dict[str, Decimal]]  # staff → school year → attended hours
    certified: dict[int, set[int]]  # staff → programs certified
    started: dict[int, dict[int, dt.date]]  # staff → program under way → when it began
    standing: dict[int, bool]  # staff → HR's answer for this school year or the last


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def facts_for(*, district: District, staff: Sequence[Staff], today: dt.date | None = None) -> Facts:
    today = today or timezone.localdate()
    ids = [s.pk for s in staff]
    spans = {
        pk: spans_of(held)
        for pk, held in by_person(held_in(district=district, staff_ids=ids)).items()
    }
    hours: dict[int, dict[str, Decimal]] = defaultdict(dict)
    certified: dict[int, set[int]] = defaultdict(set)
    started: dict[int, dict[int, dt.date]] = defaultdict(dict)
    standing: dict[int, bool] = {}
    # An answer from years ago says nothing about standing now.
    recent = [school_year_of(today), school_year_of(today - SOON)]
    for chunk in _chunks(ids):
        for row in (
            Enrolment.objects.filter(district=district, staff_id__in=chunk, attended=True)
            .values("staff_id", "school_year").annotate(total=Sum("hours")).order_by()
        ):  # fmt: skip
            hours[row["staff_id"]][row["school_year"]] = row["total"] or Decimal(0)
        for staff_id, program_id, started_on, certified_on in Candidacy.objects.filter(
            district=district, staff_id__in=chunk
        ).values_list("staff_id", "program_id", "started_on", "certified_on"):
            if certified_on is not None and certified_on <= today:
                certified[staff_id].add(program_id)
            else:
                started[staff_id][program_id] = started_on
        for staff_id, good in (
            Standing.objects.filter(district=district, staff_id__in=chunk, school_year__in=recent)
            .order_by("staff_id", "-school_year").values_list("staff_id", "good")
        ):  # fmt: skip
            standing.setdefault(staff_id, good)
    return Facts(today, {s.pk: s for s in staff}, spans, hours, certified, started, standing)


# --- Where someone stands -------------------------------------------------------------------


def on_step(
    step: Step, person: Staff, spans: Sequence[Span], today: dt.date
) -> tuple[bool, dt.date | None]:
    """Whether ``person`` is on ``step``, and since when (None: not known). A role type counts
    while they hold it, from the start of an unbroken run of the step's roles (a move between
    two roles of one step does not restart the clock); a classification (teacher, principal)
    from their hire date."""
    types = {t.pk for t in step.role_types.all()}
    # Only roles already begun: a post someone will take up next term is not theirs yet.
    mine = sorted((s for s in spans if s.role_type_id in types and s.begin <= today),
                  key=lambda s: s.begin)  # fmt: skip
    current = [s for s in mine if s.end is None or s.end >= today]
    if current:
        since = min(s.begin for s in current)
        for earlier in reversed([s for s in mine if s.begin < since]):
            if earlier.end is not None and earlier.end + GAP >= since:
                since = earlier.begin
        return True, since
    if person.classification in step.classifications and person.is_active:
        return True, person.hire_date
    return False, None


@dataclass
class Check:
    label: str
    state: str  # MET, MISSING or IN_PROGRESS
    detail: str
    by: dt.date | None = None  # when it could be met, where that can be estimated


@dataclass
class Readiness:
    ladder: Ladder
    current: Step | None
    since: dt.date | None
    next: Step | None
    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.next is not None and all(c.state == MET for c in self.checks)

    @property
    def ready_by(self) -> dt.date | None:
        """When every requirement could be met: the latest estimate, if all have one."""
        if self.next is None or any(c.state != MET and c.by is None for c in self.checks):
            return None
        dates = [c.by for c in self.checks if c.by is not None]
        return max(dates) if dates else None


def readiness(ladder: Ladder, steps: Sequence[Step], person: Staff, facts: Facts) -> Readiness:
    """Where ``person`` is on ``ladder`` (the highest rung they are on) and what the next rung
    asks of them."""
    spans = facts.spans.get(person.pk, [])
    current, since = None, None
    for step in steps:
        on, began = on_step(step, person, spans, facts.today)
        if on:
            current, since = step, began
    nxt = next((s for s in steps if current is not None and s.order == current.order + 1), None)
    result = Readiness(ladder, current, since, nxt)
    if nxt is not None:
        result.checks = _checks(nxt, person, since, facts)
    return result


def _checks(step: Step, person: Staff, since: dt.date | None, facts: Facts) -> list[Check]:
    checks = []
    if step.min_years and since is None:
        checks.append(
            Check(
                _years_label(step),
                MISSING,
                "Not known: no hire date or start on this step is recorded",
            )
        )
    elif step.min_years and since is not None:
        due = since + dt.timedelta(days=math.ceil(float(step.min_years) * 365.25))
        years = (facts.today - since).days / 365.25
        checks.append(
            Check(
                _years_label(step),
                MET if due <= facts.today else MISSING,
                f"{years:.1f} years so far",
                None if due <= facts.today else due,
            )
        )
    if step.min_hours:
        checks.append(_hours_check(step, person, facts))
    for program in step.certifications.all():
        if program.pk in facts.certified.get(person.pk, set()):
            checks.append(Check(program.name, MET, "Certified"))
        elif program.pk in facts.started.get(person.pk, {}):
            # A certification takes about a school year once begun; past that, no guess.
            due = facts.started[person.pk][program.pk] + SOON
            checks.append(Check(program.name, IN_PROGRESS, "Under way",
                                due if due >= facts.today else None))  # fmt: skip
        else:
            checks.append(Check(program.name, MISSING, "Not started"))
    if step.good_standing:
        good = facts.standing.get(person.pk)
        checks.append(Check("In good standing", MET if good else MISSING,
                            {True: "Recorded by HR", False: "Not in good standing this year",
                             None: "Not recorded by HR yet"}[good]))  # fmt: skip
    return checks


def _years_label(step: Step) -> str:
    return f"{_num(step.min_years)} {'year' if step.min_years == 1 else 'years'} on the step below"


def _hours_check(step: Step, person: Staff, facts: Facts) -> Check:
    this_year = int(school_year_of(facts.today)[:4])
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(this_year - step.hours_years + 1,
                                                         this_year + 1)]  # fmt: skip
    done = sum((facts.hours.get(person.pk, {}).get(y, Decimal(0)) for y in years), Decimal(0))
    label = f"{_num(step.min_hours)} hours of learning over {step.hours_years} school years"
    if done >= step.min_hours:
        return Check(label, MET, f"{_num(done)} hours")
    pace = done / step.hours_years  # hours a year at their recent pace
    by = None
    if pace > 0:
        by = facts.today + dt.timedelta(days=math.ceil(float((step.min_hours - done) / pace) * 365))
    return Check(label, MISSING, f"{_num(done)} of {_num(step.min_hours)} hours", by)


def person_readiness(*, district: District, person: Staff) -> list[Readiness]:
    facts = facts_for(district=district, staff=[person])
    ladders = ladder_list(district=district).prefetch_related(
        "steps__role_types", "steps__certifications"
    )
    return [readiness(ladder, sorted(ladder.steps.all(), key=lambda s: s.order), person, facts)
            for ladder in ladders]  # fmt: skip


# --- Succession -----------------------------------------------------------------------------


@dataclass
class Succession:
    step: Step
    ready_now: list[tuple[Staff, Readiness]]
    within_year: list[tuple[Staff, Readiness]]
    later: int


def succession(*, district: District, ladder: Ladder, step: Step,
               today: dt.date | None = None) -> Succession:  # fmt: skip
    """The people on the rung below ``step``: ready for it now, ready within a year, or later."""
    steps = steps_of(ladder=ladder)
    below = next((s for s in steps if s.order == step.order - 1), None)
    candidates = _people_on(district, below) if below is not None else []
    facts = facts_for(district=district, staff=candidates, today=today)
    now, soon, later = [], [], 0
    for person in candidates:
        result = readiness(ladder, steps, person, facts)
        if result.current is None or result.current.pk != below.pk:  # type: ignore[union-attr]
            continue  # already higher up
        if result.ready:
            now.append((person, result))
        elif result.ready_by is not None and result.ready_by <= facts.today + SOON:
            soon.append((person, result))
        else:
            later += 1
    key = lambda pair: (pair[0].last_name, pair[0].first_name, pair[0].pk)  # noqa: E731
    return Succession(step, sorted(now, key=key), sorted(soon, key=key), later)


def _on_step(district: District, step: Step) -> QuerySet[Staff]:
    """Current staff who may be on ``step``: in one of its roles now, or of its classifications."""
    types = [t.pk for t in step.role_types.all()]
    today = timezone.localdate()
    holding = Q(
        assignments__position__version__job_description__role_type__in=types,
        assignments__begin_date__lte=today,
    ) & (Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=today))
    qs = Staff.objects.filter(district=district, is_active=True).filter(
        holding | Q(classification__in=step.classifications)
    )
    return qs.distinct()


def _people_on(district: District, step: Step) -> list[Staff]:
    qs = _on_step(district, step).select_related("school")
    return list(qs.order_by("last_name", "first_name", "pk"))


def people_on_counts(*, district: District, steps: Sequence[Step]) -> dict[int, int]:
    """Step → how many current staff hold one of its roles or classifications (counted in SQL;
    someone in a role of a higher step is counted on both)."""
    return {step.pk: _on_step(district, step).count() for step in steps}


def standing_list(*, district: District, staff: Staff) -> QuerySet[Standing]:
    """HR's yes/no for one person, the latest school year first."""
    return Standing.objects.filter(district=district, staff=staff).select_related("recorded_by")


def school_names(district: District, ids: Iterable[int | None] | None = None) -> dict[int, str]:
    """School id → name: of these schools, or of every school of the district."""
    schools = School.objects.filter(district=district)
    if ids is not None:
        schools = schools.filter(pk__in=[pk for pk in set(ids) if pk is not None])
    return dict(schools.values_list("pk", "name"))
