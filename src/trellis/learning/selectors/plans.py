"""Reads for learning plans, PLCs and onboarding, always scoped by district.

Who sees a learning plan: the person, their evaluator (``Staff.supervisor``, else the
principal-role user whose staff record is at the person's school) and learning managers. To
anyone else a plan does not exist (404), so its existence never leaks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core import policy
from trellis.core.models import District, Role, User
from trellis.core.schoolyear import school_year_choices, school_year_of
from trellis.learning.models import (
    Cadence,
    GoalSource,
    GoalStatus,
    LearningPlan,
    Onboarding,
    OnboardingTrack,
    PlanGoal,
    Plc,
    PlcMeeting,
    TrackItem,
)
from trellis.org.models import School, Staff
from trellis.org.selectors import staff_get, staff_of_user

OPEN_GOALS = (GoalStatus.PLANNED, GoalStatus.ACTIVE)
CADENCE_DAYS: dict[str, int] = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14}


def today() -> dt.date:
    return timezone.localdate()


def current_year() -> str:
    return school_year_of(today())


# --- Who may see and edit a plan ------------------------------------------------------------


@dataclass(frozen=True)
class PlanAccess:
    """What one signed-in person may do with one person's learning plan."""

    staff: Staff
    me: Staff | None
    is_self: bool
    is_evaluator: bool
    is_manager: bool

    @property
    def can_view(self) -> bool:
        return self.is_self or self.is_evaluator or self.is_manager

    def goal_sources(self) -> list[str]:
        """Sources of the goals this viewer may add (debrief goals come only from hiring)."""
        if self.is_manager:
            return [GoalSource.SUPERVISOR, GoalSource.SELF, GoalSource.COACH]
        sources: list[str] = []
        if self.is_evaluator:
            sources.append(GoalSource.SUPERVISOR)
        if self.is_self:
            sources.append(GoalSource.SELF)
        return sources

    def can_edit(self, goal: PlanGoal) -> bool:
        return (
            self.is_manager
            or (self.is_self and goal.source == GoalSource.SELF)
            or (self.is_evaluator and goal.source == GoalSource.SUPERVISOR)
        )

    def editable_fields(self, goal: PlanGoal) -> tuple[str, ...]:
        if self.can_edit(goal):
            return ("text", "owner", "review_on", "activities", "evidence")
        # The person keeps the evidence of every goal in their plan up to date.
        return ("evidence",) if self.is_self else ()

    def can_move(self, goal: PlanGoal) -> bool:
        owns = self.me is not None and goal.owner_id == self.me.pk and self.can_view
        return self.can_edit(goal) or owns

    @property
    def can_tick(self) -> bool:
        return self.is_self or self.is_manager


def _evaluates(user: User, me: Staff | None, staff: Staff) -> bool:
    if me is None or me.pk == staff.pk:
        return False
    if staff.supervisor_id is not None:
        return staff.supervisor_id == me.pk
    return (
        staff.school_id is not None
        and me.school_id == staff.school_id
        and Role.PRINCIPAL in policy.district_roles(user, staff.district_id)
    )


def plan_access(*, district: District, user: User, staff: Staff) -> PlanAccess:
    me = staff_of_user(district=district, user=user)
    return PlanAccess(
        staff=staff,
        me=me,
        is_self=me is not None and me.pk == staff.pk,
        is_evaluator=_evaluates(user, me, staff),
        is_manager=policy.can(user, policy.LEARNING_MANAGE, district),
    )


def plan_staff_get(*, district: District, user: User, pk: int) -> PlanAccess:
    """The person whose plan is asked for, if the user may see it; otherwise 404."""
    access = plan_access(district=district, user=user, staff=staff_get(district=district, pk=pk))
    if not access.can_view:
        raise Http404("No such learning plan.")
    return access


def goal_get(*, district: District, user: User, pk: int) -> tuple[PlanGoal, PlanAccess]:
    goal = get_object_or_404(
        PlanGoal.objects.select_related("plan__staff__school", "owner"), district=district, pk=pk
    )
    access = plan_access(district=district, user=user, staff=goal.plan.staff)
    if not access.can_view:
        raise Http404("No such goal.")
    return goal, access


def evaluatees(*, district: District, user: User, me: Staff | None) -> QuerySet[Staff]:
    """The people whose evaluator the user is (the supervisor, else their school's principal)."""
    if me is None:
        return Staff.objects.none()
    people = Q(supervisor=me)
    if me.school_id is not None and Role.PRINCIPAL in policy.district_roles(user, district.pk):
        people |= Q(supervisor__isnull=True, school_id=me.school_id)
    return (
        Staff.objects.filter(district=district, is_active=True)
        .filter(people)
        .exclude(pk=me.pk)
        .select_related("school")
        .order_by("last_name", "first_name", "id")
    )


# --- Plans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    goal: PlanGoal
    overdue: bool
    can_edit: bool
    can_move: bool


def _goals() -> QuerySet[PlanGoal]:
    return PlanGoal.objects.select_related("owner").prefetch_related("activities").order_by("id")


def plan_get(*, staff: Staff, school_year: str) -> LearningPlan | None:
    return (
        LearningPlan.objects.filter(
            district_id=staff.district_id, staff=staff, school_year=school_year
        )
        .prefetch_related(Prefetch("goals", queryset=_goals()))
        .first()
    )


def is_overdue(goal: PlanGoal, on: dt.date) -> bool:
    return goal.status in OPEN_GOALS and goal.review_on is not None and goal.review_on < on


def goal_rows(plan: LearningPlan | None, access: PlanAccess) -> list[GoalRow]:
    if plan is None:
        return []
    day = today()
    return [
        GoalRow(g, is_overdue(g, day), bool(access.editable_fields(g)), access.can_move(g))
        for g in plan.goals.all()
    ]


def plan_years(*, staff: Staff) -> list[str]:
    """School years for the chooser: the years around today and any year with a plan."""
    years = {y for y, _ in school_year_choices(today())}
    years |= set(
        LearningPlan.objects.filter(district_id=staff.district_id, staff=staff).values_list(
            "school_year", flat=True
        )
    )
    return sorted(years, reverse=True)


def plan_list(
    *,
    district: District,
    school: School | None = None,
    school_year: str = "",
    status: str = "",
    overdue: bool = False,
) -> QuerySet[LearningPlan]:
    """Plans with their goal counts, the next review and how many reviews are overdue."""
    day = today()
    open_goals = Q(goals__status__in=OPEN_GOALS)
    qs = LearningPlan.objects.filter(district=district).select_related("staff__school")
    if school is not None:
        qs = qs.filter(staff__school=school)
    if school_year:
        qs = qs.filter(school_year=school_year)
    if status:
        qs = qs.filter(Exists(PlanGoal.objects.filter(plan=OuterRef("pk"), status=status)))
    qs = qs.annotate(
        goal_count=Count("goals"),
        met_count=Count("goals", filter=Q(goals__status=GoalStatus.MET)),
        overdue_count=Count("goals", filter=open_goals & Q(goals__review_on__lt=day)),
        next_review=Min("goals__review_on", filter=open_goals),
    )
    if overdue:
        qs = qs.filter(overdue_count__gt=0)
    return qs.order_by("-school_year", "staff__last_name", "staff__first_name", "id")


# --- PLCs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlcAccess:
    """Managers and the facilitator edit; members read everything; others in the district see
    the name, cadence and members only."""

    plc: Plc
    is_manager: bool
    is_facilitator: bool
    is_member: bool

    @property
    def can_edit(self) -> bool:
        return self.is_manager or self.is_facilitator

    @property
    def can_read(self) -> bool:
        return self.can_edit or self.is_member


def plc_list(*, district: District, user: User) -> QuerySet[Plc]:
    """Every PLC for a learning manager; for everyone else, the ones they belong to or lead."""
    qs = (
        Plc.objects.filter(district=district)
        .select_related("facilitator", "role_type")
        .annotate(
            member_count=Count("members", distinct=True),
            meeting_count=Count("meetings", distinct=True),
            last_met=Max("meetings__held_on"),
        )
        .order_by("name", "id")
    )
    if policy.can(user, policy.LEARNING_MANAGE, district):
        return qs
    me = staff_of_user(district=district, user=user)
    if me is None:
        return qs.none()
    mine = Plc.objects.filter(Q(members=me) | Q(facilitator=me), district=district)
    return qs.filter(pk__in=mine.values("pk"))


def plc_get(*, district: District, user: User, pk: int) -> PlcAccess:
    plc = get_object_or_404(
        Plc.objects.select_related("facilitator", "role_type"), district=district, pk=pk
    )
    me = staff_of_user(district=district, user=user)
    return PlcAccess(
        plc=plc,
        is_manager=policy.can(user, policy.LEARNING_MANAGE, district),
        is_facilitator=me is not None and plc.facilitator_id == me.pk,
        is_member=me is not None and plc.members.filter(pk=me.pk).exists(),
    )


def plc_members(*, plc: Plc) -> QuerySet[Staff]:
    return plc.members.select_related("school").order_by("last_name", "first_name", "id")


def meeting_list(*, plc: Plc) -> QuerySet[PlcMeeting]:
    return (
        PlcMeeting.objects.filter(district_id=plc.district_id, plc=plc)
        .annotate(attendee_count=Count("attendees"))
        .order_by("-held_on", "-id")
    )


def meeting_get(*, district: District, user: User, pk: int) -> tuple[PlcMeeting, PlcAccess]:
    meeting = get_object_or_404(PlcMeeting, district=district, pk=pk)
    return meeting, plc_get(district=district, user=user, pk=meeting.plc_id)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # The 31st of a short month becomes its last day.
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def next_meeting_on(*, plc: Plc, on: dt.date | None = None) -> dt.date:
    """The next meeting date the cadence suggests: one step after the last meeting, moved on
    by whole steps until it is not in the past; today when the PLC has not met."""
    on = on or today()
    last: dt.date | None = PlcMeeting.objects.filter(plc=plc).aggregate(last=Max("held_on"))["last"]
    if last is None:
        return on
    days = CADENCE_DAYS.get(plc.cadence)
    suggestion, steps = last, 0
    while suggestion <= last or suggestion < on:
        steps += 1
        step = dt.timedelta(days=days * steps) if days else None
        suggestion = last + step if step else _add_months(last, steps)
    return suggestion


# --- Onboarding -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    item: TrackItem
    due_on: dt.date
    done_on: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class Checklist:
    onboarding: Onboarding
    items: list[ChecklistItem]

    @property
    def done_count(self) -> int:
        return sum(1 for i in self.items if i.done_on is not None)

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.items if i.overdue)


def _onboardings() -> QuerySet[Onboarding]:
    return Onboarding.objects.select_related("track", "staff__school").prefetch_related(
        "track__items", "done"
    )


def checklist_of(onboarding: Onboarding, on: dt.date | None = None) -> Checklist:
    """Each item of the track with its due date and whether it is done or overdue; reads only
    what ``_onboardings`` prefetched."""
    on = on or today()
    done = {d.item_id: d.done_on for d in onboarding.done.all()}
    items = []
    for item in onboarding.track.items.all():
        due = onboarding.started_on + dt.timedelta(days=item.due_days)
        done_on = done.get(item.pk)
        items.append(ChecklistItem(item, due, done_on, done_on is None and due < on))
    return Checklist(onboarding, items)


def checklists(*, staff: Staff) -> list[Checklist]:
    qs = _onboardings().filter(district_id=staff.district_id, staff=staff)
    return [checklist_of(o) for o in qs.order_by("-started_on", "id")]


def onboarding_get(*, district: District, pk: int) -> Onboarding:
    return get_object_or_404(_onboardings(), district=district, pk=pk)


def onboarding_list(
    *, district: District, track: OnboardingTrack | None = None, school: School | None = None
) -> QuerySet[Onboarding]:
    qs = _onboardings().filter(district=district)
    if track is not None:
        qs = qs.filter(track=track)
    if school is not None:
        qs = qs.filter(staff__school=school)
    return qs.order_by("-started_on", "staff__last_name", "id")


def track_list(*, district: District) -> QuerySet[OnboardingTrack]:
    _onboarded = (
        Onboarding.objects.filter(track=OuterRef("pk"))
        .order_by()
        .values("track")
        .annotate(n=Count("id"))
    )
    return (
        OnboardingTrack.objects.filter(district=district)
        .select_related("role_type")
        .annotate(
            item_count=Count("items"),
            people=Coalesce(Subquery(_onboarded.values("n")), 0),
        )
        .order_by("role_type__name", "audience", "id")
    )


def track_get(*, district: District, pk: int) -> OnboardingTrack:
    return get_object_or_404(
        OnboardingTrack.objects.select_related("role_type"), district=district, pk=pk
    )


def track_items(*, track: OnboardingTrack) -> QuerySet[TrackItem]:
    return TrackItem.objects.filter(track=track).order_by("order", "id")


def track_item_get(*, district: District, pk: int) -> TrackItem:
    return get_object_or_404(
        TrackItem.objects.select_related("track__role_type"), track__district=district, pk=pk
    )
