"""The risk-area register as the rest of the system reads it.

`facts_during` hands the classifier the areas of a period as plain data (`places.AreaFact`),
in one query. `county_risk` is a county's own level on a day: the highest level in force among
the areas inside it, counting those declared for the whole prefecture or province around it
(it drives the community's closed management, F2).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from fangkong.core.models import User

from .models import RiskArea
from .places import AreaFact, Place
from .rules import Level, highest


def fact_of(area: RiskArea) -> AreaFact:
    return AreaFact(
        place=Place(code=area.code, name=area.division_name, sub_name=area.sub_name),
        level=area.level,
        start=area.start,
        end=area.end,
        area_id=area.pk,
    )


def facts_during(start: dt.date, end: dt.date) -> list[AreaFact]:
    """Every area at risk on some day in [start, end], as plain data (one query)."""
    rows = (
        RiskArea.objects.during(start, end)
        .order_by("code", "sub_name", "start", "id")
        .values_list("id", "code", "division_name", "sub_name", "level", "start", "end")
    )
    return [
        AreaFact(Place(code, name, sub), level, s, e, pk)
        for pk, code, name, sub, level, s, e in rows
    ]


def county_risk(code6: str, day: dt.date) -> tuple[Level, list[RiskArea]]:
    """The county's level on `day` and the areas behind it, highest level first (one query).

    Low when no area inside the county, or around it, is at risk that day.
    """
    code6 = code6[:6]
    areas = list(RiskArea.objects.on(day).inside(code6).order_by("code", "sub_name", "id"))
    areas.sort(key=lambda a: -Level(a.level).rank)
    return highest(Level(a.level) for a in areas), areas


def filtered_areas(user: User, status: str, on: dt.date, level: str, q: str) -> QuerySet[RiskArea]:
    """The register as the list page and the API filter it: `status` "in_force" (on the day
    `on`), "ended" (before `on`) or "all"; a level; part of the name or a code prefix."""
    qs = RiskArea.objects.visible_to(user)
    if status == "in_force":
        qs = qs.on(on)
    elif status == "ended":
        qs = qs.ended_by(on)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(
            Q(division_name__contains=q) | Q(sub_name__contains=q) | Q(code__startswith=q)
        )
    return qs.order_by("-start", "code", "sub_name", "id")
