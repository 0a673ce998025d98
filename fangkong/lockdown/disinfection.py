"""The disinfection schedule of a lockdown's public areas. Pure; no Django.

The policy's `lockdown_disinfections_per_day` slots split the day evenly (two a day: slot 1
until noon, slot 2 until midnight). A slot not done by its end is missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def slot_window(
    day: dt.date, slot: int, per_day: int, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of slot `slot` (1..per_day) of `day`, in the time zone `tz`."""
    if per_day < 1 or not 1 <= slot <= per_day:
        raise ValueError(f"slot {slot} of {per_day}")
    midnight = dt.datetime.combine(day, dt.time(0), tz)
    length = dt.timedelta(days=1) / per_day
    return midnight + length * (slot - 1), midnight + length * slot


def is_missed(
    day: dt.date,
    slot: int,
    per_day: int,
    *,
    done: bool,
    stopped: bool,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> bool:
    """Past its end (the day taken in the local time zone `tz`), not done, and still due (the
    lockdown was not lifted before)."""
    if done or stopped:
        return False
    return now >= slot_window(day, slot, per_day, tz)[1]


def slots_for(day: dt.date, areas: Iterable[str], per_day: int) -> list[tuple[str, int]]:
    """(area, slot) of every disinfection due on `day`."""
    return [(area, slot) for area in areas for slot in range(1, per_day + 1)]


def days_to_schedule(
    locked_on: dt.date, today: dt.date, scheduled: Iterable[dt.date]
) -> list[dt.date]:
    """The days from the lock to today that have no slot yet (generated when read)."""
    have = set(scheduled)
    days = []
    day = locked_on
    while day <= today:
        if day not in have:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
