"""The rules of a community's stock (F15). Pure; no Django.

The balance of a batch is the sum of its movements (in positive, out negative, a stock-take's
difference either way). A stock-out never takes a batch below zero; a batch is low when the
item's whole stock in the community is at or under the item's threshold; a batch expires
soon when its expiry date falls within the warning window; a donation's uses never add up to
more than the donation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

#: a batch expiring within this many days is shown on the workbench and the daily report
EXPIRY_WARNING_DAYS = 30


def balance(deltas: Iterable[Decimal]) -> Decimal:
    return sum(deltas, Decimal(0))


def may_take(on_hand: Decimal, quantity: Decimal) -> bool:
    """A stock-out of `quantity` (above zero) leaves the batch at zero or more."""
    return quantity > 0 and on_hand - quantity >= 0


def is_low(on_hand: Decimal, threshold: Decimal) -> bool:
    """At or under the threshold (a threshold of zero never warns)."""
    return threshold > 0 and on_hand <= threshold


def expiry_state(
    expires_on: dt.date | None, today: dt.date, window: int = EXPIRY_WARNING_DAYS
) -> str:
    """ "expired", "soon" (within `window` days) or "" (no date, or later)."""
    if expires_on is None:
        return ""
    if expires_on < today:
        return "expired"
    if expires_on <= today + dt.timedelta(days=window):
        return "soon"
    return ""


def difference(expected: Decimal, counted: Decimal) -> Decimal:
    """What a stock-take writes: counted minus the balance (negative: something is missing)."""
    if counted < 0:
        raise ValueError("a count is never negative")
    return counted - expected


def left_of(amount: Decimal, used: Iterable[Decimal]) -> Decimal:
    """What is left of a donation after its uses."""
    return amount - sum(used, Decimal(0))


def may_use(amount: Decimal, used: Iterable[Decimal], more: Decimal) -> bool:
    """A use of `more` (above zero) keeps the uses within the donation."""
    return more > 0 and left_of(amount, used) - more >= 0
