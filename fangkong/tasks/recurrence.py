"""Which occurrences of a recurring duty are due on a day (plan 三(一)5: "24小时轮流值班、
一日一消毒", the daily 大清扫, the weekly supply check). A pure rule on plain data.

A rule repeats daily, weekly on one weekday (Monday 0 … Sunday 6) or monthly on one day of
the month (the last day of a shorter month when the day does not exist), from its first day
to its last (none: for ever).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = (DAILY, WEEKLY, MONTHLY)


@dataclass(frozen=True, slots=True)
class Rule:
    frequency: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    #: weekly: Monday 0 … Sunday 6
    weekday: int | None = None
    #: monthly: 1 … 31
    month_day: int | None = None

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        if self.frequency == WEEKLY and (self.weekday is None or not 0 <= self.weekday <= 6):
            raise ValueError("a weekly rule needs a weekday 0…6")
        if self.frequency == MONTHLY and (self.month_day is None or not 1 <= self.month_day <= 31):
            raise ValueError("a monthly rule needs a day of the month 1…31")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("a rule ends on or after its first day")


def is_due(rule: Rule, day: dt.date) -> bool:
    """Whether the rule has an occurrence on `day`."""
    if day < rule.starts_on or (rule.ends_on is not None and day > rule.ends_on):
        return False
    if rule.frequency == DAILY:
        return True
    if rule.frequency == WEEKLY:
        return day.weekday() == rule.weekday
    assert rule.month_day is not None
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day == min(rule.month_day, last)


def occurrences(rule: Rule, start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """The days from `start` to `end` (both included) on which the rule is due."""
    day = max(start, rule.starts_on)
    while day <= end:
        if is_due(rule, day):
            yield day
        day += dt.timedelta(days=1)
