"""Whether a place of the community was disinfected enough on a day. Pure; no Django.

A place has a category; the times a day each category is disinfected come from the versioned
policy (`PolicyRules.disinfections_per_day` for an ordinary place, 一日一消毒;
`key_area_disinfections_per_day` for a key area, at least twice; `busy_spot_disinfections_per_day`
for a spot touched often, 多轮、多次). The period is the local day: a place with fewer
entries than required is still due while the day lasts and missed once it is over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

ORDINARY = "ordinary"
KEY = "key"
BUSY = "busy"
CATEGORIES = (ORDINARY, KEY, BUSY)

COVERED = "covered"
DUE = "due"
MISSED = "missed"

#: the category a kind of place takes unless its manager chooses another
DEFAULT_CATEGORY = {
    "gate": KEY,
    "lift": BUSY,
    "corridor": ORDINARY,
    "bin": ORDINARY,
    "clinic": KEY,
    "care_home": KEY,
    "public_area": ORDINARY,
    "other": ORDINARY,
}


class Rules(Protocol):
    """The policy's numbers this module reads (`policy.rules.PolicyRules` has them)."""

    @property
    def disinfections_per_day(self) -> int: ...

    @property
    def key_area_disinfections_per_day(self) -> int: ...

    @property
    def busy_spot_disinfections_per_day(self) -> int: ...


def times_per_day(category: str, rules: Rules) -> int:
    if category == ORDINARY:
        return rules.disinfections_per_day
    if category == KEY:
        return rules.key_area_disinfections_per_day
    if category == BUSY:
        return rules.busy_spot_disinfections_per_day
    raise ValueError(f"unknown category {category!r}")


def entries_on(day: dt.date, done_on: Iterable[dt.date]) -> int:
    """How many of the entries (their local days) fall on `day`."""
    return sum(1 for d in done_on if d == day)


def status(
    category: str, rules: Rules, day: dt.date, done_on: Iterable[dt.date], today: dt.date
) -> str:
    """COVERED once the day has its entries; otherwise DUE while `day` is today or later,
    MISSED once it is over."""
    if entries_on(day, done_on) >= times_per_day(category, rules):
        return COVERED
    return MISSED if day < today else DUE


def still_to_do(category: str, rules: Rules, day: dt.date, done_on: Iterable[dt.date]) -> int:
    return max(times_per_day(category, rules) - entries_on(day, done_on), 0)
