"""Careers read from roles' assignment history: spans in a role, moves between roles (promotion,
lateral move, return to the classroom, exit), turnover, retention, new leaders who came from
personalized-learning roles, and flows between role levels.

Everything starts from one list of plain rows per district (``held_in``), so each report costs a
couple of queries whatever the district's size; the arithmetic is in Python, where the rules
read as sentences.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone

from trellis.core.models import District
from trellis.core.schoolyear import school_year_bounds, school_year_of
from trellis.org.models import StaffClassification
from trellis.roles.models import Assignment, EndReason, RoleLevel, RoleType

GAP = dt.timedelta(days=92)  # a summer between two assignments is not a break in a career
LEADER_CLASSIFICATIONS = (
    StaffClassification.PRINCIPAL,
    StaffClassification.ASSISTANT_PRINCIPAL,
    StaffClassification.SCHOOL_ADMINISTRATOR,
    StaffClassification.LEA_ADMINISTRATOR,
    StaffClassification.SUPERINTENDENT,
)
# Principals, assistant principals and district administrators are leaders; the study's own
# personalized-learning roles (a standard key) are not, even those classified as administrators.
LEADER_TYPES = Q(staff_classification__in=LEADER_CLASSIFICATIONS, standard_key="")
EXIT_REASONS = frozenset({
    EndReason.RETIRED, EndReason.MOVED_AWAY, EndReason.EMPLOYMENT_ELSEWHERE, EndReason.PERSONAL,
    EndReason.LAYOFF, EndReason.DISMISSED,
})  # fmt: skip
LEVEL_RANK: dict[str, int] = {RoleLevel.CLASSROOM: 0, RoleLevel.SCHOOL: 1, RoleLevel.DISTRICT: 2}
REASON_LABELS = dict(EndReason.choices)
OUTSIDE_POST = "A post not on the positions board"


class MoveKind:
    PROMOTION = "promotion"
    LATERAL = "lateral"
    STEP_BACK = "step_back"
    RETURN = "return"
    EXIT = "exit"
    LABELS = {
        PROMOTION: "Promotion",
        LATERAL: "Lateral move",
        STEP_BACK: "Moved to a lower-level role",
        RETURN: "Returned to the classroom or earlier job",
        EXIT: "Left the district",
    }


# The states of the flows chart, in the order it draws them.
CLASSROOM, SCHOOL, DISTRICT, LEADER, NEW_HIRE, LEFT = (
    "classroom", "school", "district", "leader", "new_hire", "left",
)  # fmt: skip
STATE_LABELS = {
    NEW_HIRE: "Hired from outside",
    CLASSROOM: "Classroom",
    SCHOOL: "School-level role",
    DISTRICT: "District-level role",
    LEADER: "School or district leader",
    LEFT: "Left the district",
}


class Held(NamedTuple):
    """One assignment, as plain data (a tuple: thousands are built per report)."""

    id: int
    staff_id: int
    role_type_id: int
    role: str
    level: str
    leader: bool
    school_id: int | None
    begin: dt.date
    end: dt.date | None
    reason: str
    active: bool = True  # the person is still employed
    hired: dt.date | None = None  # the person's hire date

    @property
    def rank(self) -> int:
        # A leader's post sits above any other role at its level.
        return LEVEL_RANK.get(self.level, 1) * 2 + int(self.leader)

    @property
    def state(self) -> str:
        if self.leader:
            return LEADER
        states: dict[str, str] = {RoleLevel.CLASSROOM: CLASSROOM, RoleLevel.DISTRICT: DISTRICT}
        return states.get(self.level, SCHOOL)

    def covers(self, day: dt.date) -> bool:
        return self.begin <= day and (self.end is None or self.end >= day)


ID_CHUNK = 5_000  # ids a query; SQLite takes at most 32,766 parameters


def held_in(*, district: District | int, staff_ids: Iterable[int] | None = None) -> list[Held]:
    """Every assignment of the district (or of these people), oldest first, with the person's
    hire date and whether they are still employed: one query (a chunk of people at a time)."""
    if staff_ids is None:
        return _held(Assignment.objects.filter(district=district))
    ids = sorted(set(staff_ids))
    held: list[Held] = []
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        held += _held(Assignment.objects.filter(district=district, staff_id__in=chunk))
    return held


def _held(qs: QuerySet[Assignment]) -> list[Held]:
    jd = "position__version__job_description__role_type"
    rows = qs.order_by("staff_id", "begin_date", "pk").values_list(
        "pk", "staff_id", f"{jd}_id", f"{jd}__name", "position__version__level",
        f"{jd}__staff_classification", f"{jd}__standard_key", "position__school_id",
        "begin_date", "end_date", "end_reason", "staff__is_active", "staff__hire_date",
    )  # fmt: skip
    return [
        Held(pk, staff, rt, name, level, cls in LEADER_CLASSIFICATIONS and not key, school,
             begin, end, reason or "", active, hired)
        for pk, staff, rt, name, level, cls, key, school, begin, end, reason, active, hired
        in rows
    ]  # fmt: skip


def by_person(held: Iterable[Held]) -> dict[int, list[Held]]:
    people: dict[int, list[Held]] = defaultdict(list)
    for h in held:
        people[h.staff_id].append(h)
    return people


# --- Spans: a person's unbroken time in one role --------------------------------------------


@dataclass
class Span:
    staff_id: int
    role_type_id: int
    role: str
    leader: bool
    begin: dt.date
    end: dt.date | None
    last: Held
    parts: list[Held] = field(default_factory=list)

    def school_on(self, day: dt.date) -> int | None:
        """The school of the stint under way (or the last one begun) by ``day``."""
        begun = [h for h in self.parts if h.begin <= day] or self.parts[:1]
        return begun[-1].school_id


def spans_of(assignments: Sequence[Held]) -> list[Span]:
    """One person's assignments (oldest first) joined into spans per role: a new school year in
    the same role, or a move to another school in it, does not end the span."""
    spans: list[Span] = []
    open_by_role: dict[int, Span] = {}
    for h in assignments:
        span = open_by_role.get(h.role_type_id)
        if span is not None and (span.end is None or h.begin <= span.end + GAP):
            if span.end is not None:
                span.end = None if h.end is None else max(span.end, h.end)
            if h.end is None or (span.last.end is not None and h.end >= span.last.end):
                span.last = h
            span.parts.append(h)
            continue
        span = Span(h.staff_id, h.role_type_id, h.role, h.leader, h.begin, h.end, h, [h])
        spans.append(span)
        open_by_role[h.role_type_id] = span
    return spans


# --- Moves ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    staff_id: int
    on: dt.date
    kind: str
    reason: str
    from_role: str
    to_role: str
    from_state: str
    to_state: str
    school_id: int | None

    @property
    def kind_label(self) -> str:
        return MoveKind.LABELS[self.kind]

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, "") if self.reason else ""


def _next_role(after: Held, assignments: Sequence[Held]) -> Held | None:
    """The role someone took up when ``after`` ended: another role begun by then, or within a
    summer of it."""
    assert after.end is not None
    later = [
        h for h in assignments
        if h.role_type_id != after.role_type_id and h.begin > after.begin
        and h.begin <= after.end + GAP
    ]  # fmt: skip
    return min(later, key=lambda h: (h.begin, h.id), default=None)


LadderRank = dict[int, dict[int, int]]  # role type → {ladder → rung}


def _outcomes(
    assignments: Sequence[Held], spans: Sequence[Span], today: dt.date
) -> Iterator[tuple[Span, Held | None, str]]:
    """Each span that has ended, the role it led to (None: none) and the state it led to."""
    ended = [s for s in spans if s.end is not None and s.end <= today]
    # Someone who has left the district left from their last role; earlier ones led elsewhere.
    final = None
    if len(ended) == len(spans) and ended and not assignments[0].active:
        final = max(ended, key=lambda s: (s.end or s.begin, s.begin))
    for span in ended:
        last = span.last
        nxt = _next_role(last, assignments)
        if nxt is not None:
            yield span, nxt, nxt.state
        elif last.reason == EndReason.PROMOTED:
            yield span, None, LEADER
        elif last.reason in EXIT_REASONS or (
            span is final and last.reason != EndReason.RETURNED_TO_CLASSROOM
        ):
            yield span, None, LEFT
        else:
            yield span, None, CLASSROOM


def moves_of(assignments: Sequence[Held], ladder_rank: LadderRank | None = None,
             spans: Sequence[Span] | None = None, today: dt.date | None = None
             ) -> list[Move]:  # fmt: skip
    """A person's moves: every span that has ended, and where it led. ``ladder_rank`` decides
    up or down where both roles are on one ladder; otherwise the roles' levels. ``spans``: the
    person's spans, when already worked out."""
    if not assignments:
        return []
    spans = spans if spans is not None else spans_of(assignments)
    moves = []
    for span, nxt, to_state in _outcomes(assignments, spans, today or timezone.localdate()):
        last = span.last
        if nxt is not None:
            kind = _direction(last, nxt, ladder_rank or {})
            if last.reason == EndReason.PROMOTED:
                kind = MoveKind.PROMOTION
            elif last.reason == EndReason.RETURNED_TO_CLASSROOM or nxt.level == RoleLevel.CLASSROOM:
                kind = MoveKind.RETURN
            to_role = nxt.role
        else:
            kind = {LEADER: MoveKind.PROMOTION, LEFT: MoveKind.EXIT}.get(to_state, MoveKind.RETURN)
            to_role = OUTSIDE_POST if to_state == LEADER else STATE_LABELS[to_state]
        moves.append(Move(last.staff_id, span.end or last.begin, kind, last.reason, last.role,
                          to_role, last.state, to_state, last.school_id))  # fmt: skip
    return moves


def _direction(a: Held, b: Held, ladder_rank: LadderRank) -> str:
    """Up, across or down: by the rungs of a ladder both roles are on, else by level."""
    a_rungs, b_rungs = ladder_rank.get(a.role_type_id, {}), ladder_rank.get(b.role_type_id, {})
    shared = sorted(set(a_rungs) & set(b_rungs))
    up = b_rungs[shared[0]] - a_rungs[shared[0]] if shared else b.rank - a.rank
    return MoveKind.PROMOTION if up > 0 else MoveKind.LATERAL if up == 0 else MoveKind.STEP_BACK


def district_moves(*, district: District, ladder_rank: LadderRank | None = None
                   ) -> list[Move]:  # fmt: skip
    moves: list[Move] = []
    today = timezone.localdate()  # once: it is not free, and there are thousands of people
    for assignments in by_person(held_in(district=district)).values():
        moves.extend(moves_of(assignments, ladder_rank, today=today))
    moves.sort(key=lambda m: (m.on, m.staff_id))
    return moves


def moves_list(*, district: District, ladder_rank: LadderRank | None = None, kind: str = "",
               school_year: str = "") -> list[Move]:  # fmt: skip
    """The district's moves, the latest first; of one kind, in one school year, when asked."""
    return [
        m for m in reversed(district_moves(district=district, ladder_rank=ladder_rank))
        if (not kind or m.kind == kind) and (not school_year or school_year_of(m.on) == school_year)
    ]  # fmt: skip


# --- Turnover -------------------------------------------------------------------------------


@dataclass
class TurnoverRow:
    label: str
    held: int
    left: int
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float | None:
        return self.left / self.held if self.held else None


@dataclass
class Turnover:
    school_year: str
    by_role: list[TurnoverRow]
    by_school: list[TurnoverRow]
    by_reason: list[tuple[str, int]]
    total: TurnoverRow


def turnover(*, district: District, school_year: str, schools: dict[int, str]) -> Turnover:
    """Who held each role during the school year and how many left it (any way out: a
    promotion, a return to the classroom, an exit), by role, by school and by reason. A role
    handed on within the same span (a new school year, another school in the role) is not a
    departure."""
    first, last = school_year_bounds(school_year)
    until = min(last, timezone.localdate())  # a planned last day is not a departure yet
    by_role: dict[str, TurnoverRow] = {}
    by_school: dict[str, TurnoverRow] = {}
    total = TurnoverRow("All roles", 0, 0)
    for assignments in by_person(held_in(district=district)).values():
        for span in spans_of(assignments):
            if span.begin > last or (span.end is not None and span.end < first):
                continue
            school = schools.get(span.school_on(last) or 0, "District office")
            rows = (by_role.setdefault(span.role, TurnoverRow(span.role, 0, 0)),
                    by_school.setdefault(school, TurnoverRow(school, 0, 0)), total)  # fmt: skip
            # A planned last day later this year is not a departure yet.
            left = span.end is not None and first <= span.end <= until
            for row in rows:
                row.held += 1
                if left:
                    row.left += 1
                    row.reasons[span.last.reason or EndReason.OTHER] += 1
    reasons = sorted(total.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return Turnover(school_year, sorted(by_role.values(), key=lambda r: r.label),
                    sorted(by_school.values(), key=lambda r: r.label), reasons, total)  # fmt: skip


# --- Retention ------------------------------------------------------------------------------


@dataclass
class RetentionRow:
    role: str
    after: dict[int, tuple[int, int]]  # years → (still in the role, could have been)

    def rate(self, years: int) -> float | None:
        kept, eligible = self.after.get(years, (0, 0))
        return kept / eligible if eligible else None


RETENTION_YEARS = (1, 2, 3)


def retention(*, district: District, today: dt.date | None = None) -> list[RetentionRow]:
    """For each personalized-learning role: of the people who started in it at least N years
    ago, the share still in it N years after they started (N = 1, 2, 3)."""
    today = today or timezone.localdate()
    now = (today.year, today.month, today.day)
    counts: dict[str, dict[int, list[int]]] = {}  # role → years → [kept, eligible]
    for assignments in by_person(held_in(district=district)).values():
        for span in spans_of(assignments):
            if span.leader:
                continue
            cells = counts.setdefault(span.role, {})
            begin, end = span.begin, span.end
            # Dates as (year, month, day): "N years after" without building a date each time.
            until = (end.year, end.month, end.day) if end is not None else None
            for years in RETENTION_YEARS:
                mark = (begin.year + years, begin.month, begin.day)
                if mark > now:
                    break  # later marks are later still
                cell = cells.setdefault(years, [0, 0])
                cell[0] += until is None or until >= mark
                cell[1] += 1
    return [
        RetentionRow(role, {y: (kept, eligible) for y, (kept, eligible) in cells.items()})
        for role, cells in sorted(counts.items())
    ]


# --- The leadership pipeline ----------------------------------------------------------------


@dataclass
class NewLeaders:
    school_year: str
    leaders: int
    from_pl: int

    @property
    def share(self) -> float | None:
        return self.from_pl / self.leaders if self.leaders else None


PIPELINE_LOOKBACK = dt.timedelta(days=3 * 365)


def new_leaders(*, district: District) -> list[NewLeaders]:
    """By school year: people who became a principal, assistant principal or district
    administrator, and how many of them held a personalized-learning role in the three years
    before."""
    years: dict[str, NewLeaders] = {}
    for assignments in by_person(held_in(district=district)).values():
        spans = spans_of(assignments)
        for n, span in enumerate(spans):
            # Assistant principal to principal is one leader, counted when they first led.
            if not span.leader or any(s.leader for s in spans[:n]):
                continue
            year = school_year_of(span.begin)
            row = years.setdefault(year, NewLeaders(year, 0, 0))
            row.leaders += 1
            row.from_pl += any(
                not s.leader and s.begin < span.begin
                and (s.end is None or s.end >= span.begin - PIPELINE_LOOKBACK)
                for s in spans
            )  # fmt: skip
    return [years[y] for y in sorted(years)]


# --- Flows between levels -------------------------------------------------------------------


@dataclass
class Flows:
    states: list[str]
    counts: dict[tuple[str, str], int]

    def row(self, state: str) -> list[int]:
        return [self.counts.get((state, to), 0) for to in self.states]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def flows(*, district: District, first_year: str, last_year: str) -> Flows:
    """People moving between the classroom, school- and district-level roles, leadership and
    leaving, in the school years asked for: every start in a role (from the classroom, or hired
    from outside) and every move out of one."""
    start, _ = school_year_bounds(first_year)
    _, end = school_year_bounds(last_year)
    counts: Counter[tuple[str, str]] = Counter()
    today = timezone.localdate()
    for assignments in by_person(held_in(district=district)).values():
        hired = assignments[0].hired
        spans = spans_of(assignments)
        for n, span in enumerate(spans):
            came_from_a_role = any(s.end is not None and s.end + GAP >= span.begin
                                   for s in spans[:n])  # fmt: skip
            if start <= span.begin <= end and not came_from_a_role:
                new = hired is not None and abs((span.begin - hired).days) <= GAP.days
                counts[(NEW_HIRE if new else CLASSROOM, span.last.state)] += 1
        # The states a move leads between; no need for the move's kind here.
        for span, _, to_state in _outcomes(assignments, spans, today):
            if span.end is not None and start <= span.end <= end:
                counts[(span.last.state, to_state)] += 1
    return Flows([NEW_HIRE, CLASSROOM, SCHOOL, DISTRICT, LEADER, LEFT], dict(counts))


def leader_role_types(*, district: District) -> list[RoleType]:
    return list(RoleType.objects.filter(LEADER_TYPES, district=district).order_by("name"))
