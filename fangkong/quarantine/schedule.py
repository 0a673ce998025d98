"""When a case's tests fall, from the policy version it was opened under. Pure; no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScheduledTest:
    #: quarantine day (1 = the start date); 0 for a test taken at once on registration
    day: int
    due: dt.date


def test_schedule(
    start: dt.date, days: int, test_days: Iterable[int], *, at_once: bool = False
) -> list[ScheduledTest]:
    """The tests of a quarantine of `days` days starting on `start`.

    `test_days` are quarantine days (1-based); days beyond the period are refused, duplicates
    collapse. `at_once` adds a test on the start date itself (day 0: a close contact's first
    screening), unless day 1 is already a test day.
    """
    wanted = sorted(set(test_days))
    if any(d < 1 or d > days for d in wanted):
        raise ValueError(f"test days {wanted} fall outside a {days}-day quarantine")
    items = [ScheduledTest(d, start + dt.timedelta(days=d - 1)) for d in wanted]
    if at_once and 1 not in wanted:
        items.insert(0, ScheduledTest(0, start))
    return items


def planned_end(start: dt.date, days: int) -> dt.date:
    """The last day of a quarantine of `days` days (the start date is day 1)."""
    return start + dt.timedelta(days=days - 1)
