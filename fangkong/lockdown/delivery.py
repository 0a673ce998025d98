"""When is a supply request overdue, and in what order does a volunteer see theirs? Pure.

A request not delivered within the policy's `delivery_limit_hours` of being made (an urgent
one: `urgent_delivery_limit_hours`) is overdue and escalates to the community leader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fangkong.policy.rules import PolicyRules

# Urgencies (the values of `models.Urgency`).
NORMAL = "normal"
URGENT = "urgent"
URGENCIES = (NORMAL, URGENT)

# Request statuses (the values of `models.SupplyStatus`).
OPEN = "open"
ASSIGNED = "assigned"
DELIVERED = "delivered"
CANCELLED = "cancelled"
STATUSES = (OPEN, ASSIGNED, DELIVERED, CANCELLED)
#: statuses of a request still waiting for its delivery (`models.PENDING_SUPPLY`)
PENDING = frozenset({OPEN, ASSIGNED})


def limit_hours(urgency: str, rules: PolicyRules) -> int:
    return rules.urgent_delivery_limit_hours if urgency == URGENT else rules.delivery_limit_hours


def due_at(requested_at: dt.datetime, urgency: str, rules: PolicyRules) -> dt.datetime:
    """The moment the request must be delivered by."""
    return requested_at + dt.timedelta(hours=limit_hours(urgency, rules))


def is_overdue(
    requested_at: dt.datetime, urgency: str, status: str, rules: PolicyRules, now: dt.datetime
) -> bool:
    """Not delivered (nor cancelled), and past its limit."""
    return status in PENDING and now >= due_at(requested_at, urgency, rules)


@dataclass(frozen=True, slots=True)
class Queued:
    """What orders a volunteer's list: vulnerable households first, then urgent, then oldest."""

    vulnerable: bool
    urgency: str
    requested_at: dt.datetime
    pk: int


def queue_key(item: Queued) -> tuple[int, int, dt.datetime, int]:
    return (
        0 if item.vulnerable else 1,
        0 if item.urgency == URGENT else 1,
        item.requested_at,
        item.pk,
    )
