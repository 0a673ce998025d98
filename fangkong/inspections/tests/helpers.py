"""Making inspections and findings in tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.inspections import actions
from fangkong.inspections.models import Finding, Inspection


def a_round(world, by="leader_a1", community="community_a1", **kw) -> Inspection:
    return actions.start(
        world.user(by),
        getattr(world, community),
        kind=kw.pop("kind", "community"),
        on=kw.pop("on", timezone.localdate()),
        inspectors=kw.pop("inspectors", "王督查、李督查"),
        **kw,
    )


def a_finding(world, inspection=None, owner="grid_g1", days=3, **kw) -> Finding:
    inspection = inspection or a_round(world)
    return actions.add_finding(
        world.user(kw.pop("by", "leader_a1")),
        inspection,
        what=kw.pop("what", "南门无人值守"),
        owner=world.user(owner),
        deadline=kw.pop("deadline", timezone.localdate() + dt.timedelta(days=days)),
        **kw,
    )
