"""Local days as time spans, and the shape the daily report's sections answer in.

A report section (`core.registry.ReportSection`) answers {community id: {figure key: value}};
`figures_by_community` builds that from grouped query rows (`.values("community_id")
.annotate(…)`), prefixing each annotation with the app's name ("quarantine.centralised"),
since a query's annotation cannot contain a dot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

#: the first day anything in this product can be about (the first cases were reported in
#: December 2019); an earlier date asked for is refused, not computed
EARLIEST = dt.date(2019, 12, 1)


def day_span(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of `day` and of the next day, both aware, in the local time zone."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return start, end


def month_day(day: dt.date) -> str:
    """ "12月7日", as a day is named in a sentence."""
    return f"{day.month}月{day.day}日"


def full_date(day: dt.date) -> str:
    """ "2026年12月7日", as a document's date is written."""
    return f"{day.year}年{month_day(day)}"


def figures_by_community(
    prefix: str, *groups: Iterable[Mapping[str, Any]], key: str = "community_id"
) -> dict[int, dict[str, int]]:
    """{community id: {prefix + annotation: value}} merged from grouped rows."""
    out: dict[int, dict[str, int]] = {}
    for rows in groups:
        for row in rows:
            figures = out.setdefault(row[key], {})
            for name, value in row.items():
                if name != key:
                    figures[prefix + name] = int(value or 0)
    return out
