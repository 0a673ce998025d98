"""The supplies' section of the community's daily report (fangkong/reports): items at or
under their low-stock threshold and batches expiring within the warning window, as the stock
stood at the end of the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import ReportFigure, ReportSection

from . import queries

P = "supplies."
LOW = P + "low"
EXPIRING = P + "expiring"


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    end = min(day_span(day)[1], timezone.now())
    found = queries.state_of(community_ids, day, until=end)
    return {c: {LOW: len(s.low), EXPIRING: len(s.expiring)} for c, s in found.items()}


def link(key: str, community_id: int, day: dt.date) -> str:
    return f"{reverse('supplies:stock')}?community={community_id}"


SECTION = ReportSection(
    title=_("Supplies"),
    figures=(
        ReportFigure(LOW, _("Items at or below their low-stock threshold")),
        # the window is stock.EXPIRY_WARNING_DAYS
        ReportFigure(EXPIRING, _("Batches expired or expiring within 30 days")),
    ),
    compute=compute,
    link=link,
)
