"""Reads for the insight pages: the district dashboard, the consortium's side-by-side totals,
the board report's figures and the reference landscape of the 21 grantees.

Insights sits at the top of the dependency graph, so it reads every area, through the area's
own selectors where one gives the number (the rollout's progress and checklist, pathways'
retention, pay's projection, coaching's counts) and otherwise through one grouped query per
area over a list of districts: the district dashboard asks for one district, the consortium
for all its members, and both cost the same handful of queries per tile. Every number is an
aggregate; no function here returns a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from trellis.coaching.selectors import summary as coaching_summary
from trellis.core import policy
from trellis.core.models import Approach, Consortium, District, User
from trellis.core.schoolyear import school_year_bounds, school_year_of
from trellis.hiring.models import Application, ApplicationStatus
from trellis.insights.models import Grantee
from trellis.learning.models import Candidacy, Enrolment
from trellis.org.selectors import DistrictOverview, consortium_member_counts, district_overview
from trellis.pathways.selectors.history import retention
from trellis.pay import calc
from trellis.pay import selectors as pay_selectors
from trellis.roles.models import Position, PositionStatus
from trellis.rollout.models import Initiative
from trellis.rollout.selectors.checklist import checklist_progress
from trellis.rollout.selectors.cohorts import (
    Plan,
    initiative_year,
    progress_by_school,
    rollout_plan,
)
from trellis.surveys.models import Administration
from trellis.surveys.models import Status as SurveyStatus
from trellis.surveys.selectors.results import headline

ZERO = Decimal("0")
LIVE_POSITIONS = (
    PositionStatus.PLANNED,
    PositionStatus.OPEN,
    PositionStatus.FILLED,
    PositionStatus.FROZEN,
)
MAX_PROJECTION_YEARS = 15  # pay's own limit on a projection


def percent(part: int, whole: int) -> int | None:
    """A whole percent, halves rounded up (as the rollout's checklist rounds); None of nothing."""
    return (200 * part + whole) // (2 * whole) if whole else None


def current_school_year() -> str:
    return school_year_of(timezone.localdate())


# --- Tiles: one area's headline numbers ------------------------------------------------------


@dataclass(frozen=True)
class RolesTile:
    """Live personalized-learning positions by status."""

    counts: dict[str, int]

    @property
    def filled(self) -> int:
        return self.counts.get(PositionStatus.FILLED, 0)

    @property
    def open(self) -> int:
        return self.counts.get(PositionStatus.OPEN, 0)

    @property
    def live(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [(PositionStatus(s).label, self.counts.get(s, 0)) for s in LIVE_POSITIONS]

    @classmethod
    def combined(cls, tiles: Iterable[RolesTile | None]) -> RolesTile | None:
        shown = [t for t in tiles if t is not None]
        if not shown:
            return None
        return cls({s: sum(t.counts.get(s, 0) for t in shown) for s in LIVE_POSITIONS})


@dataclass(frozen=True)
class HiringTile:
    """Applications submitted this school year, by where each stands now."""

    school_year: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def hired(self) -> int:
        return self.counts.get(ApplicationStatus.ACCEPTED, 0)

    @property
    def rows(self) -> list[tuple[str, int]]:
        """Every status some application is in, in the funnel's order."""
        return [(s.label, self.counts[s]) for s in ApplicationStatus if self.counts.get(s)]

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)

    @classmethod
    def combined(cls, tiles: Iterable[HiringTile | None], school_year: str) -> HiringTile | None:
        shown = [t for t in tiles if t is not None]
        if not shown:
            return None
        keys = {k for t in shown for k in t.counts}
        return cls(school_year, {k: sum(t.counts.get(k, 0) for t in shown) for k in keys})


@dataclass(frozen=True)
class LearningTile:
    """Attended hours of professional learning this school year, and certification."""

    school_year: str
    hours: Decimal
    people: int  # staff with attended hours this year
    certified: int
    in_progress: int

    @classmethod
    def combined(
        cls, tiles: Iterable[LearningTile | None], school_year: str
    ) -> LearningTile | None:
        shown = [t for t in tiles if t is not None]
        if not shown:
            return None
        return cls(
            school_year,
            sum((t.hours for t in shown), ZERO),
            sum(t.people for t in shown),
            sum(t.certified for t in shown),
            sum(t.in_progress for t in shown),
        )


@dataclass(frozen=True)
class CliffTile:
    """The first school year after a grant ends: what is left unfunded then."""

    grant: str
    school_year: str
    unfunded: Decimal  # every unfunded cost of that year
    grant_share: Decimal  # the part of it the grant paid until it ended


@dataclass(frozen=True)
class CoachingTile:
    """Coaching entries and minutes this school year: counts only, never a note."""

    school_year: str
    entries: int
    minutes: int

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class RolloutTile:
    """The latest initiative: teachers implementing by this school year, and readiness."""

    initiative_id: int | None  # None: the total of several districts' initiatives
    initiative: str
    school_year: str
    teachers: int
    implementing: int
    checklist_done: int
    checklist_applicable: int

    @property
    def implementing_percent(self) -> int | None:
        return percent(self.implementing, self.teachers)

    @property
    def checklist_percent(self) -> int | None:
        return percent(self.checklist_done, self.checklist_applicable)

    @classmethod
    def combined(cls, tiles: Iterable[RolloutTile | None], school_year: str) -> RolloutTile | None:
        shown = [t for t in tiles if t is not None]
        if not shown:
            return None
        return cls(
            None,
            "All initiatives",
            school_year,
            sum(t.teachers for t in shown),
            sum(t.implementing for t in shown),
            sum(t.checklist_done for t in shown),
            sum(t.checklist_applicable for t in shown),
        )


@dataclass(frozen=True)
class RetentionTile:
    """Of the people who began a personalized-learning role at least a year ago, how many were
    still in it a year after they began (every role pooled)."""

    kept: int
    eligible: int

    @property
    def percent(self) -> int | None:
        return percent(self.kept, self.eligible)

    @classmethod
    def combined(cls, tiles: Iterable[RetentionTile | None]) -> RetentionTile | None:
        shown = [t for t in tiles if t is not None]
        if not shown:
            return None
        return cls(sum(t.kept for t in shown), sum(t.eligible for t in shown))


# --- The surveys hook ------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyItem:
    text: str
    result: str  # as the survey's report words it, e.g. "72% agree"


@dataclass(frozen=True)
class SurveyHeadlines:
    title: str
    closed_on: dt.date
    respondents: int | None  # None: fewer than the round's minimum
    min_group: int
    items: list[SurveyItem]
    url: str


def survey_headlines(*, district: District) -> SurveyHeadlines | None:
    """The latest closed survey's agreement questions for the dashboard and the board report,
    or None when the district has no closed survey.
    Read through the survey's own results, so a question with too few answers says so instead
    of a number. Callers show it only to readers with ``surveys.results``."""
    latest = (Administration.objects.filter(district=district, status=SurveyStatus.CLOSED)
              .select_related("instrument").order_by("-closes_on", "-pk").first())  # fmt: skip
    if latest is None:
        return None
    respondents, totals = headline(administration=latest)
    items = [
        SurveyItem(
            item.text,
            f"{round(cell.agree * 100)}% agree"
            if cell.agree is not None
            else f"fewer than {latest.min_group} answers",
        )
        for item, cell in totals
    ]
    return SurveyHeadlines(
        title=latest.title,
        closed_on=latest.closes_on,
        respondents=respondents,
        min_group=latest.min_group,
        items=items,
        url=reverse("surveys:results", args=[latest.pk]),
    )


# --- Grouped counts over a list of districts -------------------------------------------------


def _position_counts(district_ids: Collection[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    rows = (
        Position.objects.filter(district_id__in=district_ids, status__in=LIVE_POSITIONS)
        .values_list("district_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for district_id, status, n in rows:
        found.setdefault(district_id, {})[status] = n
    return found


def _application_counts(
    district_ids: Collection[int], school_year: str
) -> dict[int, dict[str, int]]:
    first, last = school_year_bounds(school_year)
    found: dict[int, dict[str, int]] = {}
    rows = (
        Application.objects.filter(
            district_id__in=district_ids, submitted_at__date__range=(first, last)
        )
        .values_list("district_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for district_id, status, n in rows:
        found.setdefault(district_id, {})[status] = n
    return found


def _learning_tiles(district_ids: Collection[int], school_year: str) -> dict[int, LearningTile]:
    hours = {
        row["district_id"]: row
        for row in Enrolment.objects.filter(
            district_id__in=district_ids, school_year=school_year, attended=True
        )
        .values("district_id")
        .annotate(hours=Sum("hours"), people=Count("staff_id", distinct=True))
        .order_by()
    }
    certifications = {
        row["district_id"]: row
        for row in Candidacy.objects.filter(district_id__in=district_ids)
        .values("district_id")
        .annotate(
            certified=Count("id", filter=Q(certified_on__isnull=False)),
            in_progress=Count("id", filter=Q(certified_on__isnull=True)),
        )
        .order_by()
    }
    return {
        pk: LearningTile(
            school_year,
            hours.get(pk, {}).get("hours") or ZERO,
            hours.get(pk, {}).get("people", 0),
            certifications.get(pk, {}).get("certified", 0),
            certifications.get(pk, {}).get("in_progress", 0),
        )
        for pk in district_ids
        if pk in hours or pk in certifications
    }


def latest_initiatives(district_ids: Collection[int]) -> dict[int, Initiative]:
    """Each district's latest initiative (by first school year), in one query."""
    latest: dict[int, Initiative] = {}
    for initiative in (
        Initiative.objects.filter(district_id__in=district_ids)
        .select_related("district", "grant")
        .order_by("district_id", "-first_year", "name", "pk")
    ):
        latest.setdefault(initiative.district_id, initiative)
    return latest


def _rollout_tile(initiative: Initiative, today: dt.date) -> RolloutTile:
    year = initiative_year(initiative, today)
    progress = progress_by_school(initiative=initiative, school_year=year).total
    checklist = checklist_progress(initiative=initiative, with_items=False)
    return RolloutTile(
        initiative.pk,
        initiative.name,
        year,
        progress.teachers,
        progress.implementing,
        checklist.done,
        checklist.applicable,
    )


def _retention_tile(district: District) -> RetentionTile | None:
    rows = retention(district=district)
    kept = sum(r.after.get(1, (0, 0))[0] for r in rows)
    eligible = sum(r.after.get(1, (0, 0))[1] for r in rows)
    return RetentionTile(kept, eligible) if eligible else None


def _coaching_tile(district: District, school_year: str) -> CoachingTile | None:
    counts = coaching_summary(district=district, school_year=school_year)
    if not counts.total_entries:
        return None
    return CoachingTile(school_year, counts.total_entries, counts.total_minutes)


def grant_cliffs(*, district: District) -> list[CliffTile]:
    """For each grant still paying this school year, the first school year after it ends and
    what that year leaves unfunded, from pay's projection (baseline, pay's default cost-of-
    living change), the soonest first. Salary figures: for ``pay.view`` only."""
    first_year = pay_selectors.current_year()
    start = calc.year_bounds(first_year)[0]
    ends = [s.ends for s in pay_selectors.sources_of(district) if s.is_grant and s.ends]
    ends = [day for day in ends if day >= start]
    if not ends:
        return []
    after = school_year_of(max(ends) + dt.timedelta(days=1))
    years = min(calc.year_start(after) - calc.year_start(first_year) + 1, MAX_PROJECTION_YEARS)
    projection = pay_selectors.projection(district=district, years=years)
    unfunded = {y.school_year: y.unfunded for y in projection.years}
    # A grant that ended before this school year has its "cliff" in the first year projected.
    return sorted(
        (CliffTile(name, year, unfunded[year], amount)
         for name, year, amount in projection.cliffs if year > first_year),
        key=lambda c: (c.school_year, c.grant),
    )  # fmt: skip


# --- The district dashboard ------------------------------------------------------------------


@dataclass
class Dashboard:
    """The initiative at a glance in one district. An area with nothing to show, or one the
    reader may not see, is None (no tile)."""

    district: District
    school_year: str
    overview: DistrictOverview
    roles: RolesTile | None = None
    hiring: HiringTile | None = None
    learning: LearningTile | None = None
    pay: CliffTile | None = None
    coaching: CoachingTile | None = None
    rollout: RolloutTile | None = None
    retention: RetentionTile | None = None
    survey: SurveyHeadlines | None = None
    cliffs: list[CliffTile] = field(default_factory=list)

    @property
    def has_tiles(self) -> bool:
        return any(
            (self.roles, self.hiring, self.learning, self.pay, self.coaching, self.rollout,
             self.retention, self.survey)
        )  # fmt: skip


def district_dashboard(*, district: District, user: User) -> Dashboard:
    """Every tile ``user`` may see in ``district``: the grant cliff with ``pay.view``, coaching
    counts with ``coaching.aggregates``, retention with ``pathways.reports`` (in a small
    district a role's retention is close to naming who left) and survey results with
    ``surveys.results``. The caller records the pay access (``record_cliff_access``)."""
    granted = policy.permissions(user, district)
    year = current_school_year()
    ids = [district.pk]
    positions = _position_counts(ids).get(district.pk)
    applications = _application_counts(ids, year).get(district.pk)
    initiative = latest_initiatives(ids).get(district.pk)
    board = Dashboard(
        district=district,
        school_year=year,
        overview=district_overview(district=district),
        roles=RolesTile(positions) if positions else None,
        hiring=HiringTile(year, applications) if applications else None,
        learning=_learning_tiles(ids, year).get(district.pk),
        rollout=_rollout_tile(initiative, timezone.localdate()) if initiative else None,
    )
    if policy.PAY_VIEW in granted:
        board.cliffs = grant_cliffs(district=district)
        board.pay = board.cliffs[0] if board.cliffs else None
    if policy.COACHING_AGGREGATES in granted:
        board.coaching = _coaching_tile(district, year)
    if policy.PATHWAYS_REPORTS in granted:
        board.retention = _retention_tile(district)
    if policy.SURVEYS_RESULTS in granted:
        board.survey = survey_headlines(district=district)
    return board


def record_cliff_access(
    *, user: User, dashboard: Dashboard, what: str, exported: bool = False
) -> None:
    """Pay's rule holds here too: every view and export of pay figures leaves an event."""
    if dashboard.cliffs:
        pay_selectors.record_access(
            user, dashboard.district, f"grant cliff ({what})", exported=exported
        )


def dashboard_rows(board: Dashboard) -> list[tuple[str, str, Any]]:
    """The dashboard's figures as (area, measure, value) rows: the export and the board
    report's table."""
    o = board.overview
    rows: list[tuple[str, str, Any]] = [
        ("Staff", "Schools", o.school_count),
        ("Staff", "Current staff", o.staff_count),
        ("Staff", "Teachers", o.teacher_count),
    ]
    if board.roles:
        rows += [("Roles", f"Positions {label.lower()}", n) for label, n in board.roles.rows]
    if board.hiring:
        rows.append(("Hiring", f"Applications in {board.hiring.school_year}", board.hiring.total))
        rows += [("Hiring", f"Applications: {label}", n) for label, n in board.hiring.rows]
    if board.learning:
        t = board.learning
        rows += [
            ("Learning", f"Hours attended in {t.school_year}", t.hours),
            ("Learning", "Staff with hours", t.people),
            ("Learning", "Certified", t.certified),
            ("Learning", "Working toward a certification", t.in_progress),
        ]
    rows += [
        ("Pay", f"Unfunded in {c.school_year}, the first year after {c.grant}", c.unfunded)
        for c in board.cliffs
    ]
    if board.coaching:
        rows += [
            ("Coaching", f"Entries in {board.coaching.school_year}", board.coaching.entries),
            ("Coaching", "Minutes", board.coaching.minutes),
        ]
    if board.rollout:
        r = board.rollout
        rows += [
            ("Rollout", f"Teachers implementing by {r.school_year}", r.implementing),
            ("Rollout", "Current teachers", r.teachers),
            ("Rollout", "Readiness checklist done (%)", r.checklist_percent),
        ]
    if board.retention:
        rows += [
            ("Retention", "Still in their role a year on", board.retention.kept),
            ("Retention", "Began a role at least a year ago", board.retention.eligible),
            ("Retention", "One-year retention (%)", board.retention.percent),
        ]
    if board.survey:
        rows += [(f"Survey: {board.survey.title}", i.text, i.result) for i in board.survey.items]
    return rows


# --- The board report ------------------------------------------------------------------------


@dataclass
class BoardReport:
    dashboard: Dashboard
    today: dt.date
    initiative: Initiative | None
    plan: Plan | None


def board_report(*, district: District, user: User) -> BoardReport:
    """The dashboard's figures, and the latest initiative's rollout plan with its checks."""
    board = district_dashboard(district=district, user=user)
    initiative = latest_initiatives([district.pk]).get(district.pk)
    plan = rollout_plan(initiative=initiative) if initiative else None
    return BoardReport(board, timezone.localdate(), initiative, plan)


# --- The consortium --------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberHeadlines:
    """One member district's headline numbers (None: it has none of that area)."""

    name: str
    schools: int
    staff: int
    teachers: int
    roles: RolesTile | None
    hiring: HiringTile | None
    learning: LearningTile | None
    rollout: RolloutTile | None
    retention: RetentionTile | None


@dataclass
class ConsortiumDashboard:
    consortium: Consortium
    school_year: str
    members: list[MemberHeadlines]

    @property
    def total(self) -> MemberHeadlines:
        m, year = self.members, self.school_year
        return MemberHeadlines(
            "All member districts",
            sum(r.schools for r in m),
            sum(r.staff for r in m),
            sum(r.teachers for r in m),
            RolesTile.combined(r.roles for r in m),
            HiringTile.combined((r.hiring for r in m), year),
            LearningTile.combined((r.learning for r in m), year),
            RolloutTile.combined((r.rollout for r in m), year),
            RetentionTile.combined(r.retention for r in m),
        )


def consortium_dashboard(*, consortium: Consortium) -> ConsortiumDashboard:
    """Each member district's headline numbers side by side: aggregates only, never a record.
    Pay and coaching are left out: a consortium lead holds neither permission in the members.

    Callers must already have checked that the user leads this consortium."""
    counts = consortium_member_counts(consortium=consortium)
    ids = [c.district.pk for c in counts]
    year = current_school_year()
    today = timezone.localdate()
    positions = _position_counts(ids)
    applications = _application_counts(ids, year)
    learning = _learning_tiles(ids, year)
    initiatives = latest_initiatives(ids)
    members = []
    for c in counts:
        pk = c.district.pk
        initiative = initiatives.get(pk)
        members.append(
            MemberHeadlines(
                c.district.name,
                c.school_count,
                c.staff_count,
                c.teacher_count,
                RolesTile(positions[pk]) if pk in positions else None,
                HiringTile(year, applications[pk]) if pk in applications else None,
                learning.get(pk),
                _rollout_tile(initiative, today) if initiative else None,
                _retention_tile(c.district),
            )
        )
    return ConsortiumDashboard(consortium, year, members)


# The consortium export's columns: (header, area, figure); an area a district has none of
# leaves its cells empty.
CONSORTIUM_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("schools", "", "schools"), ("current_staff", "", "staff"), ("teachers", "", "teachers"),
    ("positions_filled", "roles", "filled"), ("positions_open", "roles", "open"),
    ("applications", "hiring", "total"), ("hired", "hiring", "hired"),
    ("learning_hours", "learning", "hours"), ("certified", "learning", "certified"),
    ("certifications_in_progress", "learning", "in_progress"),
    ("teachers_implementing", "rollout", "implementing"),
    ("teachers_in_the_rollout", "rollout", "teachers"),
    ("checklist_percent", "rollout", "checklist_percent"),
    ("retention_kept", "retention", "kept"), ("retention_eligible", "retention", "eligible"),
    ("retention_percent", "retention", "percent"),
)  # fmt: skip


def consortium_row(member: MemberHeadlines) -> list[Any]:
    row: list[Any] = [member.name]
    for _, area, figure in CONSORTIUM_COLUMNS:
        tile = getattr(member, area) if area else member
        row.append(None if tile is None else getattr(tile, figure))
    return row


# --- The grantee landscape -------------------------------------------------------------------


GRANTEE_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "-name": ("-name",),
    "-award": ("-award_usd", "name"),
    "award": ("award_usd", "name"),
    "-students": ("-students_served", "name"),
    "students": ("students_served", "name"),
    "cohort_year": ("cohort_year", "name"),
    "-cohort_year": ("-cohort_year", "name"),
}


def grantee_list(
    *, approach: str = "", cohort_year: int | None = None, q: str = "", sort: str = "name"
) -> QuerySet[Grantee]:
    qs = Grantee.objects.all()
    if q:
        qs = qs.filter(name__icontains=q)
    if cohort_year:
        qs = qs.filter(cohort_year=cohort_year)
    if approach:
        # JSON containment is not on SQLite, so match the quoted code inside the list's text.
        qs = qs.filter(approaches__icontains=f'"{approach}"')
    return qs.order_by(*GRANTEE_SORTS.get(sort, GRANTEE_SORTS["name"]))


@dataclass(frozen=True)
class LandscapeTotals:
    """The totals row of the study's Table 1, computed from the grantees given."""

    grantees: int
    award_usd: int
    students_served: int
    consortia: int
    by_approach: list[tuple[str, str, int]]  # (code, label, grantees using it), Table 1's order

    @property
    def approach_counts(self) -> dict[str, int]:
        return {code: n for code, _, n in self.by_approach}


def grantee_totals(grantees: Sequence[Grantee]) -> LandscapeTotals:
    """Counted in Python: the landscape is 21 rows of reference data, already read."""
    return LandscapeTotals(
        grantees=len(grantees),
        award_usd=sum(g.award_usd for g in grantees),
        students_served=sum(g.students_served for g in grantees),
        consortia=sum(g.is_consortium for g in grantees),
        by_approach=[
            (code, label, sum(code in g.approaches for g in grantees))
            for code, label in Approach.choices
        ],
    )
