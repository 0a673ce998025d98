"""The history of one figure over a period, from the reports the township received."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fangkong.core.models import Community, User

from .models import LOCKED, DailyReport


@dataclass(frozen=True, slots=True)
class Point:
    day: dt.date
    value: int
    #: reports received that day (the value is their sum)
    reports: int


def figure_history(
    user: User, key: str, start: dt.date, end: dt.date, community: Community | None = None
) -> list[Point]:
    """Each day from `start` to `end`: the figure summed over the reports the user may see
    that the township holds (submitted or approved), and how many there were."""
    qs = DailyReport.objects.visible_to(user).filter(
        date__gte=start, date__lte=end, status__in=LOCKED
    )
    if community is not None:
        qs = qs.filter(community=community)
    sums: dict[dt.date, list[int]] = {}
    for day, values in qs.values_list("date", "figures").order_by():
        found = sums.setdefault(day, [0, 0])
        found[0] += int(values.get(key, 0))
        found[1] += 1
    out = []
    day = start
    while day <= end:
        value, n = sums.get(day, (0, 0))
        out.append(Point(day, value, n))
        day += dt.timedelta(days=1)
    return out
