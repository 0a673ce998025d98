"""The life of a task: open → in progress → done, or cancelled with a reason; overdue when not
finished by its due day. A pure rule on plain data."""

from __future__ import annotations

import datetime as dt

OPEN = "open"
IN_PROGRESS = "in_progress"
DONE = "done"
CANCELLED = "cancelled"
STATUSES = (OPEN, IN_PROGRESS, DONE, CANCELLED)
FINISHED = frozenset({DONE, CANCELLED})
UNFINISHED = (OPEN, IN_PROGRESS)

#: the status a task may move to from each status
MOVES: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS, DONE, CANCELLED}),
    IN_PROGRESS: frozenset({OPEN, DONE, CANCELLED}),
    DONE: frozenset(),
    CANCELLED: frozenset(),
}


def may_move(current: str, to: str) -> bool:
    return to in MOVES.get(current, frozenset())


def needs_reason(to: str) -> bool:
    """Cancelling says why."""
    return to == CANCELLED


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    """Not finished and its due day has passed."""
    return status not in FINISHED and due is not None and due < today
