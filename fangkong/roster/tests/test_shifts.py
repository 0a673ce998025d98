"""The shifts of a day from the policy's pattern (pure: `roster/shifts.py`)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.validity import shift_starts
from fangkong.roster import shifts

DAY = dt.date(2026, 1, 20)


def hm(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m))


NEXT = DAY + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            "00:00,08:00,16:00",
            [(hm(DAY, 0), hm(DAY, 8)), (hm(DAY, 8), hm(DAY, 16)), (hm(DAY, 16), hm(NEXT, 0))],
        ),
        ("08:00,20:00", [(hm(DAY, 8), hm(DAY, 20)), (hm(DAY, 20), hm(NEXT, 8))]),
        ("07:30", [(hm(DAY, 7, 30), hm(NEXT, 7, 30))]),
        (
            "06:00,14:00,22:00",
            [(hm(DAY, 6), hm(DAY, 14)), (hm(DAY, 14), hm(DAY, 22)), (hm(DAY, 22), hm(NEXT, 6))],
        ),
    ],
)
def test_a_days_shifts(pattern, expected) -> None:
    slots = shifts.day_slots(shifts.parse(pattern), DAY)
    assert [(s.start, s.end) for s in slots] == expected
    assert [s.index for s in slots] == list(range(len(expected)))


@pytest.mark.parametrize(
    ("pattern", "now", "expected"),
    [
        ("00:00,08:00,16:00", hm(DAY, 10), (DAY, 1)),
        ("00:00,08:00,16:00", hm(DAY, 0), (DAY, 0)),
        ("00:00,08:00,16:00", hm(DAY, 23, 59), (DAY, 2)),
        # the night shift started yesterday and is still running after midnight
        ("08:00,20:00", hm(DAY, 3), (DAY - dt.timedelta(days=1), 1)),
        ("08:00,20:00", hm(DAY, 8), (DAY, 0)),
        ("08:00,20:00", hm(DAY, 21), (DAY, 1)),
        ("07:30", hm(DAY, 7, 29), (DAY - dt.timedelta(days=1), 0)),
    ],
)
def test_the_shift_now(pattern, now, expected) -> None:
    slot = shifts.current_slot(shifts.parse(pattern), now)
    assert (slot.day, slot.index) == expected
    assert slot.start <= now < slot.end


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((hm(DAY, 8), hm(DAY, 16)), (hm(DAY, 16), hm(NEXT, 0)), False),  # back to back
        ((hm(DAY, 8), hm(DAY, 20)), (hm(DAY, 16), hm(NEXT, 0)), True),
        ((hm(DAY, 20), hm(NEXT, 8)), (hm(NEXT, 0), hm(NEXT, 8)), True),  # across midnight
        ((hm(DAY, 0), hm(DAY, 8)), (hm(DAY, 0), hm(DAY, 8)), True),
        ((hm(DAY, 0), hm(DAY, 8)), (hm(NEXT, 0), hm(NEXT, 8)), False),
    ],
)
def test_overlap_of_two_shifts(a, b, expected) -> None:
    assert shifts.overlaps(a, b) is expected
    assert shifts.overlaps(b, a) is expected


def test_a_pattern_that_is_not_valid_is_refused() -> None:
    with pytest.raises(ValueError):
        shifts.parse("16:00,08:00")


def test_the_week_runs_monday_to_sunday() -> None:
    days = shifts.week_days(DAY)
    assert days[0] == dt.date(2026, 1, 19) and days[-1] == dt.date(2026, 1, 25)


patterns = (
    st.lists(st.integers(min_value=0, max_value=23 * 60 + 59), min_size=1, max_size=12, unique=True)
    .map(sorted)
    .filter(
        lambda ms: shift_starts(",".join(f"{m // 60:02d}:{m % 60:02d}" for m in ms)) is not None
    )
)


@given(patterns, st.integers(min_value=0, max_value=3 * 24 * 60 - 1))
def test_exactly_one_shift_covers_every_moment(minutes, offset) -> None:
    starts = tuple(minutes)
    now = hm(DAY, 0) + dt.timedelta(minutes=offset)
    slot = shifts.current_slot(starts, now)
    assert slot.start <= now < slot.end
    # the days' shifts tile time: each ends where the next begins, 24 hours a day
    days = [slot.day - dt.timedelta(days=1), slot.day, slot.day + dt.timedelta(days=1)]
    every = [s for d in days for s in shifts.day_slots(starts, d)]
    assert all(a.end == b.start for a, b in itertools.pairwise(every))
    lengths = [s.end - s.start for s in shifts.day_slots(starts, DAY)]
    assert sum(lengths, dt.timedelta()) == dt.timedelta(hours=24)
    covering = [s for s in every if s.start <= now < s.end]
    assert covering == [slot]


@given(patterns)
def test_shifts_of_one_day_never_overlap_each_other(minutes) -> None:
    slots = shifts.day_slots(tuple(minutes), DAY)
    for i, a in enumerate(slots):
        for b in slots[i + 1 :]:
            assert not shifts.overlaps((a.start, a.end), (b.start, b.end))
