"""Closed management's section of the community's daily report (plan 四(二), 三(一)):
whether the community was under closed management that day, and how many of the "六个一"
are not in place (counted only while closed management is on; the checklist as it stands
now, since its items keep no history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Community
from fangkong.core.registry import ReportFigure, ReportSection

from . import checklist
from .board import facts_of
from .levels import community_levels

P = "closure."
FIGURES = (
    ReportFigure(P + "closed", _("Under closed management (1 = yes)")),
    ReportFigure(P + "unmet", _("Items of the 六个一 not in place")),
)


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    levels = community_levels(Community.objects.filter(pk__in=community_ids), day)
    closed = [c.pk for c, now in levels if now.closed_management]
    facts = facts_of(closed)
    out: dict[int, dict[str, int]] = {}
    for community, now in levels:
        on = now.closed_management
        unmet = len(checklist.missing(facts.get(community.pk, []))) if on else 0
        out[community.pk] = {P + "closed": int(on), P + "unmet": unmet}
    return out


def link(key: str, community_id: int, day: dt.date) -> str:
    return reverse("closure:community_detail", args=[community_id])


SECTION = ReportSection(_("Closed management"), FIGURES, compute, link)
