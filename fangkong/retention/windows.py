"""How long personal data is kept once a record is closed (issue 10, item 14).

Pure: no Django. The policy version in force says, per kind of record, how many days after
closing it is kept (`PolicyRules.retention_*_days`, 30 by default: PIPL 最小必要原则 and the
2020 notice of 中央网信办《关于做好个人信息保护利用大数据支撑联防联控工作的通知》, which
allows epidemic data to be used only for prevention and control). A record closed on day D
with a window of N days is kept through day D + N and purged from day D + N + 1 on.
A record that is not closed (no closing day) is never due.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from fangkong.policy.rules import PolicyRules


class Kind(StrEnum):
    """The kinds of record the purge takes people out of, in the order it works."""

    ALERT = "alert"
    CHECKIN = "checkin"
    CASE = "case"
    REGISTRATION = "registration"
    GATE_ENTRY = "gate_entry"
    VISITOR = "visitor"


#: the policy rule holding each kind's window
RULE_OF: dict[Kind, str] = {
    Kind.CASE: "retention_case_days",
    Kind.REGISTRATION: "retention_registration_days",
    Kind.CHECKIN: "retention_checkin_days",
    Kind.ALERT: "retention_alert_days",
    Kind.GATE_ENTRY: "retention_gate_entry_days",
    Kind.VISITOR: "retention_visitor_days",
}


def days_kept(kind: Kind, rules: PolicyRules) -> int:
    days: int = getattr(rules, RULE_OF[kind])
    return days


def cutoff(kind: Kind, rules: PolicyRules, *, today: dt.date) -> dt.date:
    """Records of `kind` closed before this day are due for purging on `today`."""
    return today - dt.timedelta(days=days_kept(kind, rules))


def is_due(kind: Kind, closed_on: dt.date | None, rules: PolicyRules, *, today: dt.date) -> bool:
    """Whether a record of `kind` closed on `closed_on` (None: still open) is purged today."""
    return closed_on is not None and closed_on < cutoff(kind, rules, today=today)
