"""The disinfection section of the community's daily report (fangkong/reports): the places
due that day, those covered (disinfected as often as the policy asks) and those missed, as the
log stood at the end of the day (today's not-yet-covered places are still due, not missed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import ReportFigure, ReportSection

from . import coverage, queries

P = "disinfection."
DUE = P + "places_due"
COVERED = P + "places_covered"
MISSED = P + "places_missed"


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    found = queries.by_community(community_ids, day, timezone.localdate())
    out: dict[int, dict[str, int]] = {}
    for community_id, rows in found.items():
        out[community_id] = {
            DUE: len(rows),
            COVERED: sum(1 for r in rows if r.status == coverage.COVERED),
            MISSED: sum(1 for r in rows if r.status == coverage.MISSED),
        }
    return out


def link(key: str, community_id: int, day: dt.date) -> str:
    return f"{reverse('disinfection:today')}?community={community_id}&day={day.isoformat()}"


SECTION = ReportSection(
    title=_("Disinfection"),
    figures=(
        ReportFigure(DUE, _("Places to disinfect")),
        ReportFigure(COVERED, _("Places disinfected as often as required")),
        ReportFigure(MISSED, _("Places not disinfected enough (missed)")),
    ),
    compute=compute,
    link=link,
)
