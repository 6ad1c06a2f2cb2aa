"""The suggested meeting times put required members first, then everyone, then the earliest, and
agree with a brute force; the availability parser reads what people type and names what it
cannot read."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.planning.meeting_time import Member, Window, find_times, parse_windows

MON, TUE, WED, THU, FRI = range(5)


def t(text):
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def window(day, start, end):
    return Window(day, t(start), t(end))


def test_the_only_time_all_required_members_share_comes_first():
    # Given three principals whose afternoons overlap only on Wednesday 15:30-16:30,
    members = [
        Member(1, True, (window(WED, "15:00", "16:30"), window(MON, "8:00", "9:00"))),
        Member(2, True, (window(WED, "15:30", "17:30"), window(TUE, "8:00", "9:00"))),
        Member(3, True, (window(WED, "14:00", "16:30"), window(MON, "8:00", "9:00"))),
        Member(4, False, (window(THU, "15:00", "17:00"),)),
    ]

    # when an hour is sought,
    slots = find_times(members, duration_minutes=60)

    # then Wednesday at 15:30 comes first with every principal there.
    best = slots[0]
    assert (best.weekday, best.start, best.end) == (WED, t("15:30"), t("16:30"))
    assert best.required_present == (1, 2, 3)
    assert best.required_missing == ()
    assert best.others_present == ()
    assert len(slots) == 5
    assert all(len(s.required_present) < 3 for s in slots[1:])


def test_required_attendance_beats_total_attendance():
    # Given two required members free on Monday, one of them also on Tuesday, and five others
    # free only on Tuesday,
    required = [
        Member(1, True, (window(MON, "9:00", "10:00"), window(TUE, "9:00", "10:00"))),
        Member(2, True, (window(MON, "9:00", "10:00"),)),
    ]
    others = [Member(k, False, (window(TUE, "9:00", "10:00"),)) for k in range(10, 15)]

    # when an hour is sought,
    slots = find_times([*required, *others], duration_minutes=60, top=2)

    # then Monday, with both required members, beats Tuesday, with six people.
    assert [s.weekday for s in slots] == [MON, TUE]
    assert slots[0].attendance == 2
    assert slots[1].attendance == 6
    assert slots[1].required_missing == (2,)


def test_with_nobody_free_the_earliest_slots_come_first():
    slots = find_times([Member(1, True, ())], duration_minutes=30, step_minutes=30, top=3)
    assert [(s.weekday, s.start, s.end) for s in slots] == [
        (MON, t("7:00"), t("7:30")),
        (MON, t("7:30"), t("8:00")),
        (MON, t("8:00"), t("8:30")),
    ]
    assert slots[0].required_missing == (1,)


def test_a_window_that_holds_only_part_of_the_slot_does_not_count():
    member = Member(1, True, (window(FRI, "15:00", "15:45"),))
    slots = find_times([member], duration_minutes=60, weekdays=[FRI])
    assert all(s.required_present == () for s in slots)


def test_bad_input_is_refused():
    someone = Member(1, True, (window(MON, "9:00", "10:00"),))
    for kwargs in (
        {"duration_minutes": 0},
        {"duration_minutes": 13 * 60},
        {"duration_minutes": 60, "step_minutes": 0},
        {"duration_minutes": 60, "weekdays": [7]},
        {"duration_minutes": 60, "top": 0},
        {"duration_minutes": 60, "earliest": t("18:00"), "latest": t("18:30")},
    ):
        with pytest.raises(ValueError):
            find_times([someone], **kwargs)
    backwards = Member(2, False, (window(MON, "10:00", "9:00"),))
    with pytest.raises(ValueError, match="ends before it starts"):
        find_times([someone, backwards], duration_minutes=60)
    with pytest.raises(ValueError):
        find_times([Member(3, False, (window(9, "9:00", "10:00"),))], duration_minutes=60)


# Windows on quarter-hours and on odd minutes, so that slots straddle their edges.
windows = st.builds(
    lambda day, start, length: Window(
        day,
        dt.time(start // 60, start % 60),
        dt.time(min(start + length, 23 * 60 + 59) // 60, min(start + length, 23 * 60 + 59) % 60),
    ),
    st.integers(0, 6),
    st.integers(6 * 60, 19 * 60).map(lambda m: m - m % 5),
    st.integers(5, 300),
)
members = st.lists(st.tuples(st.booleans(), st.lists(windows, max_size=4)), max_size=7).map(
    lambda rows: [Member(k, req, tuple(ws)) for k, (req, ws) in enumerate(rows)]
)


def minutes(time):
    return time.hour * 60 + time.minute


def reference(members, duration, weekdays, earliest, latest, step):
    """Every candidate as (required present, everyone present, weekday, start), counted the
    plain way, in minutes."""
    candidates = []
    for day in weekdays:
        for start in range(earliest, latest - duration + 1, step):
            present = [
                m
                for m in members
                if any(
                    w.weekday == day
                    and minutes(w.start) <= start
                    and start + duration <= minutes(w.end)
                    for w in m.windows
                )
            ]
            candidates.append((sum(m.required for m in present), len(present), day, start))
    return candidates


@settings(max_examples=150, deadline=None)
@given(
    members,
    st.sampled_from([15, 30, 45, 60, 90, 120]),
    st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True),
    st.sampled_from([5, 15, 30]),
    st.integers(1, 8),
)
def test_the_first_slot_is_the_best_a_brute_force_finds(group, duration, weekdays, step, top):
    slots = find_times(
        group, duration_minutes=duration, weekdays=weekdays, step_minutes=step, top=top
    )

    candidates = reference(group, duration, weekdays, 7 * 60, 19 * 60, step)
    assert len(slots) == min(top, len(candidates))
    best = slots[0]
    assert (len(best.required_present), best.attendance) == max(c[:2] for c in candidates)
    ranked = sorted(candidates, key=lambda c: (-c[0], -c[1], c[2], c[3]))
    assert [(s.weekday, minutes(s.start)) for s in slots] == [c[2:] for c in ranked[:top]]
    assert [(len(s.required_present), s.attendance) for s in slots] == [c[:2] for c in ranked[:top]]
    for slot in slots:
        assert minutes(slot.end) - minutes(slot.start) == duration
        assert set(slot.required_present) | set(slot.required_missing) == {
            m.key for m in group if m.required
        }
        assert all(not m.required for m in group if m.key in slot.others_present)


def test_the_parser_reads_short_and_full_day_names_and_any_separator():
    text = "Mon 15:30-17:00, tuesday 7:15-8:00; THU 15:00 - 16:30\nSun 9:05–9:35,"
    assert parse_windows(text) == (
        window(MON, "15:30", "17:00"),
        window(TUE, "7:15", "8:00"),
        window(THU, "15:00", "16:30"),
        Window(6, t("9:05"), t("9:35")),
    )


def test_the_parser_gives_nothing_for_empty_text():
    assert parse_windows("") == ()
    assert parse_windows("  \n ") == ()


@pytest.mark.parametrize(
    "piece",
    ["Mnday 15:30-17:00", "Mon 25:00-26:00", "Mon 15:30", "15:30-17:00", "Wed 3pm-4pm"],
)
def test_the_parser_names_the_piece_it_cannot_read(piece):
    with pytest.raises(ValueError) as error:
        parse_windows(f"Tue 8:00-9:00, {piece}")
    assert str(error.value) == f'"{piece}" is not a day and time range like "Mon 15:30-17:00".'


def test_the_parser_refuses_a_window_that_ends_before_it_starts():
    with pytest.raises(ValueError, match='"Fri 17:00-15:30" ends before it starts'):
        parse_windows("Fri 17:00-15:30")
    with pytest.raises(ValueError, match='"Fri 9:00-9:00"'):
        parse_windows("Fri 9:00-9:00")


@given(st.lists(windows.filter(lambda w: w.end > w.start), max_size=5))
def test_the_parser_reads_back_what_was_written(written):
    days = ["Mon", "Tuesday", "wed", "THURSDAY", "Fri", "sat", "Sunday"]
    text = "; ".join(f"{days[w.weekday]} {w.start:%H:%M}-{w.end:%H:%M}" for w in written)
    assert parse_windows(text) == tuple(written)
