"""What decides about a daily report, in plain Python (no Django): whether it came on time,
whether a day may be reported as 无病例零报告, the figures after corrections, the township's
completeness and totals. Views and actions gather the facts and call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: report states, as stored (`models.ReportStatus`)
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"


def deadline(day: dt.date, at: str, tz: dt.tzinfo) -> dt.datetime:
    """The moment the report of `day` is due: `at` ("16:00") on that day, local time."""
    hour, minute = (int(part) for part in at.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def is_on_time(submitted_at: dt.datetime, day: dt.date, at: str, tz: dt.tzinfo) -> bool:
    """Whether a report submitted at `submitted_at` (aware) came by the day's deadline."""
    return submitted_at <= deadline(day, at, tz)


def apply_corrections(
    computed: Mapping[str, int], corrections: Mapping[str, int]
) -> dict[str, int]:
    """The figures as submitted: the computed ones, each corrected one replaced."""
    out = dict(computed)
    out.update(corrections)
    return out


def cases_in(figures: Mapping[str, int], case_keys: Iterable[str]) -> list[str]:
    """The figures that count cases and are not zero (a day with any is not a zero report)."""
    return [key for key in case_keys if figures.get(key, 0) > 0]


@dataclass(frozen=True, slots=True)
class Received:
    """What the township knows of one community's report of a day."""

    community_id: int
    status: str  # DRAFT when there is no report
    on_time: bool | None = None


@dataclass(frozen=True, slots=True)
class Completeness:
    due: int
    submitted: tuple[int, ...]
    on_time: tuple[int, ...]
    late: tuple[int, ...]
    #: no report, a draft, or returned and not sent again
    missing: tuple[int, ...]
    returned: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def completeness(expected: Iterable[int], received: Iterable[Received]) -> Completeness:
    """Which of the `expected` communities reported, on time or late, and which did not.

    A report counts as submitted while the township holds it (submitted or approved); one
    returned for correction counts as missing until it is sent again. On time or late is the
    first submission's."""
    by_id = {r.community_id: r for r in received}
    expected_ids = list(dict.fromkeys(expected))
    submitted: list[int] = []
    on_time: list[int] = []
    late: list[int] = []
    missing: list[int] = []
    returned: list[int] = []
    for cid in expected_ids:
        r = by_id.get(cid)
        if r is None or r.status in (DRAFT, RETURNED):
            missing.append(cid)
            if r is not None and r.status == RETURNED:
                returned.append(cid)
            continue
        submitted.append(cid)
        (on_time if r.on_time else late).append(cid)
    return Completeness(
        due=len(expected_ids),
        submitted=tuple(submitted),
        on_time=tuple(on_time),
        late=tuple(late),
        missing=tuple(missing),
        returned=tuple(returned),
    )


def totals(reports: Iterable[Mapping[str, int]], keys: Iterable[str]) -> dict[str, int]:
    """Each figure summed over the reports (a figure a report lacks counts 0)."""
    rows = list(reports)
    return {key: sum(int(r.get(key, 0)) for r in rows) for key in keys}


def differences(today: Mapping[str, int], yesterday: Mapping[str, int]) -> dict[str, int]:
    """Today's figure minus yesterday's, for each of today's figures."""
    return {key: int(value) - int(yesterday.get(key, 0)) for key, value in today.items()}
