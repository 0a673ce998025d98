"""When an urgent report escalates (plan 四(二): "第一时间报告"): a pure rule on plain data.

A report not acknowledged by the township within the policy's
`urgent_report_escalation_minutes` escalates at `reported_at + minutes`. While it waits it
"is escalated" (shown highlighted, first on the township's list); once acknowledged it no
longer is, but it "was escalated" if the acknowledgement came at or after the deadline (what
the daily report counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def escalate_at(reported_at: dt.datetime, minutes: int) -> dt.datetime:
    """The moment an unacknowledged report escalates."""
    if minutes < 1:
        raise ValueError("the escalation delay is at least one minute")
    return reported_at + dt.timedelta(minutes=minutes)


@dataclass(frozen=True, slots=True)
class ReportFacts:
    escalate_at: dt.datetime
    #: when the township acknowledged it (None: not yet)
    acknowledged_at: dt.datetime | None = None


def is_escalated(facts: ReportFacts, now: dt.datetime) -> bool:
    """Waiting for the township at or past its deadline."""
    return facts.acknowledged_at is None and now >= facts.escalate_at


def was_escalated(facts: ReportFacts, now: dt.datetime) -> bool:
    """Its deadline passed before anyone acknowledged it (now or earlier)."""
    waited_until = facts.acknowledged_at if facts.acknowledged_at is not None else now
    return waited_until >= facts.escalate_at
