"""Reads for the taskforce: members, meetings and attendance, actions, the next meeting on the
cadence and the meeting-time finder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trellis.core.models import District
from trellis.planning.meeting_time import Member, Slot, find_times, parse_windows
from trellis.rollout.models import (
    Action,
    Initiative,
    Meeting,
    MeetingStatus,
    TaskforceMember,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def members(*, initiative: Initiative, current: bool | None = True) -> QuerySet[TaskforceMember]:
    """Current members (``current=True``), former ones (``False``) or everyone (``None``),
    each with the number of meetings they attended."""
    qs = TaskforceMember.objects.filter(district_id=initiative.district_id, initiative=initiative)
    if current is not None:
        qs = qs.filter(left_on__isnull=current)
    # An aggregate drops the model's ordering, which the pages' pagination needs.
    return (
        qs.select_related("staff", "school")
        .annotate(attended=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("seat", "staff__last_name", "staff__first_name", "pk")
    )


def members_on(*, initiative: Initiative, on: dt.date) -> list[TaskforceMember]:
    """Who was on the taskforce on a date: the people whose attendance a meeting records."""
    qs = TaskforceMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on),
        district_id=initiative.district_id,
        initiative=initiative,
        joined_on__lte=on,
    )
    return list(qs.select_related("staff", "school").order_by("staff__last_name", "pk"))


def member_get(*, district: District, pk: int) -> TaskforceMember:
    return get_object_or_404(
        TaskforceMember.objects.select_related("staff", "initiative"), district=district, pk=pk
    )


def member_of(*, initiative: Initiative, user_id: int) -> TaskforceMember | None:
    return (
        TaskforceMember.objects.filter(
            initiative=initiative, staff__user_id=user_id, left_on__isnull=True
        )
        .select_related("staff")
        .first()
    )


def meetings(*, initiative: Initiative) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(district_id=initiative.district_id, initiative=initiative)
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            recorded=Count("attendance"),
        )
        .order_by("-starts_at", "-pk")
    )


def meeting_get(*, district: District, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("initiative"), district=district, pk=pk)


def meeting_attendance(*, meeting: Meeting) -> list[tuple[TaskforceMember, bool]]:
    rows = meeting.attendance.select_related("member__staff", "member__school").order_by(
        "member__seat", "member__staff__last_name"
    )
    return [(a.member, a.present) for a in rows]


def actions(
    *, initiative: Initiative, open_only: bool = False, meeting: Meeting | None = None
) -> QuerySet[Action]:
    """Open actions first, soonest due first; then done ones, in the order they were done."""
    qs = Action.objects.filter(district_id=initiative.district_id, initiative=initiative)
    if open_only:
        qs = qs.filter(done_on__isnull=True)
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    # NULLs sort first on SQLite but last on PostgreSQL unless told.
    done = F("done_on").asc(nulls_first=True)
    return qs.select_related("owner", "meeting").order_by(done, "due_on", "pk")


def action_get(*, district: District, pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("owner", "initiative"), district=district, pk=pk
    )


def next_meeting_on(*, initiative: Initiative, today: dt.date) -> dt.date:
    """The date the cadence suggests: the last held meeting plus the cadence, not in the past."""
    last = (
        initiative.meetings.filter(status=MeetingStatus.HELD)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if last is None:
        return today
    # The local date: a late-evening meeting is stored on the next day in UTC.
    held_on = timezone.localdate(last)
    return max(held_on + dt.timedelta(weeks=initiative.meeting_weeks), today)


@dataclass(frozen=True)
class TimeChoice:
    slot: Slot
    label: str
    missing: list[str]  # required members who cannot come
    attending: int
    first_date: dt.date  # the first such weekday on or after the suggested date


def meeting_times(
    *, initiative: Initiative, minutes: int, from_day: dt.date, top: int = 5
) -> tuple[list[TimeChoice], list[str]]:
    """The best weekly times for the current members, with the members who gave no availability
    (they count as unable to come)."""
    current = list(members(initiative=initiative))
    people = [
        Member(key=m.pk, required=m.required, windows=parse_windows(m.availability))
        for m in current
    ]
    names = {m.pk: m.staff.full_name for m in current}
    silent = [m.staff.full_name for m in current if not m.availability.strip()]
    if not people:
        return [], silent
    choices = []
    for slot in find_times(people, duration_minutes=minutes, top=top):
        if slot.attendance == 0:
            continue  # a time nobody can come to is no suggestion
        days_ahead = (slot.weekday - from_day.weekday()) % 7
        choices.append(
            TimeChoice(
                slot=slot,
                label=f"{WEEKDAYS[slot.weekday]} {slot.start:%H:%M}–{slot.end:%H:%M}",
                missing=[names[k] for k in slot.required_missing],
                attending=slot.attendance,
                first_date=from_day + dt.timedelta(days=days_ahead),
            )
        )
    return choices, silent
