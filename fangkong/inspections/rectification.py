"""What happens to a finding of an inspection (plan 四(三), "督查队伍"): pure rules, no Django.

A finding is open until its owner records the rectification with evidence (rectified); the
inspector then verifies it at re-inspection: accepted (closed) or not (open again, with a new
deadline). A finding still open after its deadline is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

OPEN = "open"
RECTIFIED = "rectified"
CLOSED = "closed"
STATUSES = (OPEN, RECTIFIED, CLOSED)

#: the steps, and the status each may start from
RECTIFY = "rectify"
ACCEPT = "accept"
REJECT = "reject"
_FROM = {RECTIFY: (OPEN,), ACCEPT: (RECTIFIED,), REJECT: (RECTIFIED,)}
_TO = {RECTIFY: RECTIFIED, ACCEPT: CLOSED, REJECT: OPEN}


class NotAllowed(ValueError):
    """The step cannot be taken from the finding's status."""


def after(status: str, step: str) -> str:
    """The status after `step`, or NotAllowed."""
    if status not in STATUSES or step not in _FROM:
        raise NotAllowed(f"{step} from {status}")
    if status not in _FROM[step]:
        raise NotAllowed(f"{step} from {status}")
    return _TO[step]


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    files: int

    @property
    def given(self) -> bool:
        return bool(self.text.strip()) or self.files > 0


def is_overdue(status: str, deadline: dt.date, today: dt.date) -> bool:
    """Still to be rectified after its deadline (a rectified one waits for the inspector)."""
    return status == OPEN and deadline < today


def days_late(status: str, deadline: dt.date, today: dt.date) -> int:
    return (today - deadline).days if is_overdue(status, deadline, today) else 0
