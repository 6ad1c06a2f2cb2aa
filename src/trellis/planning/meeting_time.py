"""When a district taskforce can meet: the weekly time slots of a given length that the most
required members (the CTO, the principals, …) can attend, then the most members overall, then
the earliest in the week.

A single slot is a choice among a few hundred candidates (five weekdays of twelve hours in
quarter-hour steps is 225 starts), so every candidate is checked against every member's
availability. That is exact and easy to explain to the people in the room ("Wednesday at 15:30
is the only time all the principals are free"); no solver is needed.

Plain data in, plain data out: this module imports no Trellis app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PIECE = re.compile(
    r"(?P<day>[a-z]+)\s+(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[,;\n]")


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday … 6 = Sunday
    start: dt.time
    end: dt.time  # end > start, same day


@dataclass(frozen=True)
class Member:
    key: int
    required: bool
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Slot:
    weekday: int
    start: dt.time
    end: dt.time
    required_present: tuple[int, ...]
    required_missing: tuple[int, ...]
    others_present: tuple[int, ...]

    @property
    def attendance(self) -> int:
        """Everyone present, required or not."""
        return len(self.required_present) + len(self.others_present)


def find_times(
    members: Sequence[Member],
    *,
    duration_minutes: int,
    weekdays: Sequence[int] = (0, 1, 2, 3, 4),
    earliest: dt.time = dt.time(7, 0),
    latest: dt.time = dt.time(19, 0),
    step_minutes: int = 15,
    top: int = 5,
) -> list[Slot]:
    """The best `top` slots, best first: most required members present, then most members
    present, then earliest in the week.

    A member attends a slot when one of their windows on that day holds the whole slot. The
    candidates start every `step_minutes` from `earliest` and end no later than `latest`.
    """
    duration, step = dt.timedelta(minutes=duration_minutes), dt.timedelta(minutes=step_minutes)
    _check(members, duration, step, weekdays, earliest, latest, top)
    slots = [
        _slot(members, weekday, start, start + duration)
        for weekday in sorted(set(weekdays))
        for start in _starts(_offset(earliest), _offset(latest), duration, step)
    ]
    slots.sort(key=lambda s: (-len(s.required_present), -s.attendance, s.weekday, s.start))
    return slots[:top]


def parse_windows(text: str) -> tuple[Window, ...]:
    """Weekly windows from text such as "Mon 15:30-17:00" or "Tue 7:15-8:00, Thu 15:00-16:30".

    Pieces are separated by commas, semicolons or new lines; a day is its first three letters
    or its full name, in any case; times are on a 24-hour clock, joined by a hyphen or an en
    dash. A piece that cannot be read is named, exactly as typed, in the ValueError.
    """
    windows = []
    for raw in _SEPARATORS.split(text):
        piece = raw.strip()
        if piece:
            windows.append(_parse_piece(piece))
    return tuple(windows)


def _check(
    members: Sequence[Member],
    duration: dt.timedelta,
    step: dt.timedelta,
    weekdays: Sequence[int],
    earliest: dt.time,
    latest: dt.time,
    top: int,
) -> None:
    if duration <= dt.timedelta(0):
        raise ValueError("A meeting must last at least a minute.")
    if duration > _offset(latest) - _offset(earliest):
        raise ValueError(
            f"A {_minutes(duration)}-minute meeting does not fit between "
            f"{earliest:%H:%M} and {latest:%H:%M}."
        )
    if step <= dt.timedelta(0):
        raise ValueError("The step between start times must be at least a minute.")
    if top < 1:
        raise ValueError("Ask for at least one time.")
    if any(not 0 <= day <= 6 for day in weekdays):
        raise ValueError("Weekdays run from 0 (Monday) to 6 (Sunday).")
    if len({m.key for m in members}) != len(members):
        raise ValueError("Each member can be listed only once.")
    for member in members:
        for window in member.windows:
            if not 0 <= window.weekday <= 6:
                raise ValueError(f"Member {member.key} has a window on a day that is not 0–6.")
            if window.end <= window.start:
                raise ValueError(
                    f"Member {member.key} has a window that ends before it starts: "
                    f"{_day_name(window.weekday)} {window.start:%H:%M}-{window.end:%H:%M}."
                )


def _starts(
    earliest: dt.timedelta, latest: dt.timedelta, duration: dt.timedelta, step: dt.timedelta
) -> list[dt.timedelta]:
    starts = []
    start = earliest
    while start + duration <= latest:
        starts.append(start)
        start += step
    return starts


def _slot(members: Sequence[Member], weekday: int, start: dt.timedelta, end: dt.timedelta) -> Slot:
    present = {m.key for m in members if _attends(m, weekday, start, end)}
    required = sorted(m.key for m in members if m.required)
    return Slot(
        weekday=weekday,
        start=_time(start),
        end=_time(end),
        required_present=tuple(k for k in required if k in present),
        required_missing=tuple(k for k in required if k not in present),
        others_present=tuple(sorted(m.key for m in members if not m.required and m.key in present)),
    )


def _attends(member: Member, weekday: int, start: dt.timedelta, end: dt.timedelta) -> bool:
    return any(
        w.weekday == weekday and _offset(w.start) <= start and end <= _offset(w.end)
        for w in member.windows
    )


def _parse_piece(piece: str) -> Window:
    match = _PIECE.fullmatch(piece)
    day, start, end = (
        (_weekday(match["day"]), _clock(match["start"]), _clock(match["end"]))
        if match
        else (None, None, None)
    )
    if day is None or start is None or end is None:
        raise ValueError(f'"{piece}" is not a day and time range like "Mon 15:30-17:00".')
    if end <= start:
        raise ValueError(f'"{piece}" ends before it starts.')
    return Window(day, start, end)


def _weekday(name: str) -> int | None:
    name = name.lower()
    for number, day in enumerate(DAYS):
        if name in (day, day[:3]):
            return number
    return None


def _clock(text: str) -> dt.time | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        return None
    return dt.time(hours, minutes)


def _offset(time: dt.time) -> dt.timedelta:
    """A time of day as the time since midnight, so that minutes can be added to it."""
    return dt.timedelta(
        hours=time.hour, minutes=time.minute, seconds=time.second, microseconds=time.microsecond
    )


def _time(offset: dt.timedelta) -> dt.time:
    return (dt.datetime.min + offset).time()


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _day_name(weekday: int) -> str:
    return DAYS[weekday][:3].title()
