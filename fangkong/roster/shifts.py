"""The duty roster's shifts, from the policy's pattern (plan 三(一)5 "24小时轮流值班").

Pure: no Django. A pattern is the shifts' start times in minutes after midnight, ascending
(`fangkong.policy.validity.shift_starts` reads and checks the policy's text). Each shift runs
to the next start; the last one runs to the first start of the next day, so it may cross
midnight. A day's shifts are the ones that start on it; the shift "now" may be the last one of
the day before (still running after midnight).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fangkong.policy.validity import MINUTES_A_DAY, shift_starts

__all__ = ["Slot", "current_slot", "day_slots", "overlaps", "parse", "slot_at", "week_days"]


@dataclass(frozen=True, slots=True)
class Slot:
    """One shift of one day: its number in the day (0 = the first), its start and end."""

    day: dt.date
    index: int
    start: dt.datetime
    end: dt.datetime

    @property
    def crosses_midnight(self) -> bool:
        return self.end.date() != self.start.date() and self.end.time() != dt.time(0)

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def parse(pattern: str) -> tuple[int, ...]:
    """The start minutes of a pattern ("00:00,08:00,16:00"); ValueError when not valid."""
    starts = shift_starts(pattern)
    if starts is None:
        raise ValueError(f"not a valid shift pattern: {pattern!r}")
    return starts


def _at(day: dt.date, minutes: int, tz: dt.tzinfo | None) -> dt.datetime:
    # wall-clock arithmetic: the day's midnight plus the minutes, in the local zone
    naive = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minutes)
    return naive.replace(tzinfo=tz)


def day_slots(starts: tuple[int, ...], day: dt.date, tz: dt.tzinfo | None = None) -> list[Slot]:
    """The shifts that start on `day`, in order; the last one ends at the first start of the
    next day."""
    ends = (*starts[1:], starts[0] + MINUTES_A_DAY)
    return [
        Slot(day, i, _at(day, start, tz), _at(day, end, tz))
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


def slot_at(starts: tuple[int, ...], day: dt.date, index: int, tz: dt.tzinfo | None = None) -> Slot:
    """Shift number `index` of `day` (IndexError when the pattern has fewer)."""
    if not 0 <= index < len(starts):
        raise IndexError(index)
    return day_slots(starts, day, tz)[index]


def current_slot(starts: tuple[int, ...], now: dt.datetime) -> Slot:
    """The shift running at `now` (local time; aware or naive, the slot is alike): of today,
    or the last one of yesterday when it is still running after midnight."""
    today = now.date()
    for day in (today, today - dt.timedelta(days=1)):
        for slot in reversed(day_slots(starts, day, now.tzinfo)):
            if slot.start <= now < slot.end:
                return slot
    raise AssertionError("the shifts of a valid pattern cover every moment")  # pragma: no cover


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    """Whether two shifts (start, end), ends excluded, share a moment: one person cannot be on
    both. Back to back (one ends when the other starts) is not an overlap."""
    return a[0] < b[1] and b[0] < a[1]


def week_days(day: dt.date) -> list[dt.date]:
    """The seven days, Monday to Sunday, of the week of `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7)]
