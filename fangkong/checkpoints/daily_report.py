"""The gates' section of the community's daily report (plan 四(二)): passages recorded that
day, and people stopped, in all and by reason (`gate.StopReason`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import FigureRecords, ReportFigure, ReportSection

from .gate import StopReason
from .models import GateEntry, Verdict

P = "checkpoints."
STOP_LABELS = {
    StopReason.PASS_FORGED: _("stopped: pass not valid"),
    StopReason.PASS_REVOKED: _("stopped: pass revoked"),
    StopReason.PASS_OTHER_COMMUNITY: _("stopped: pass of another community"),
    StopReason.QUARANTINE: _("stopped: in quarantine"),
    StopReason.LOCKDOWN: _("stopped: lives in a locked building"),
    StopReason.FEVER: _("stopped: fever"),
    StopReason.HEALTH_CODE: _("stopped: health code not green"),
    StopReason.NOT_RESIDENT: _("stopped: not a resident under closed management"),
    StopReason.NON_ESSENTIAL: _("stopped: visit not essential"),
}
FIGURES = (
    ReportFigure(P + "entries", _("Gate passages recorded today")),
    ReportFigure(P + "stops", _("People stopped at the gates today")),
    *(ReportFigure(f"{P}stop_{reason.value}", label) for reason, label in STOP_LABELS.items()),
)


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    start, end = day_span(day)
    out: dict[int, dict[str, int]] = {}
    rows = (
        GateEntry.objects.filter(community_id__in=community_ids, at__gte=start, at__lt=end)
        .values("community_id", "verdict", "reasons")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        figures = out.setdefault(row["community_id"], {})
        figures[P + "entries"] = figures.get(P + "entries", 0) + row["n"]
        if row["verdict"] != Verdict.STOP:
            continue
        figures[P + "stops"] = figures.get(P + "stops", 0) + row["n"]
        for reason in row["reasons"] or ():
            key = f"{P}stop_{reason}"
            figures[key] = figures.get(key, 0) + row["n"]
    return out


def records(key: str, community_id: int, day: dt.date) -> FigureRecords:
    start, end = day_span(day)
    where = Q(community_id=community_id, at__gte=start, at__lt=end)
    name = key.removeprefix(P)
    if name != "entries":
        where &= Q(verdict=Verdict.STOP)
    if name.startswith("stop_"):
        # one of the entry's reasons (a JSON list of words); quoted, so a word is matched whole
        where &= Q(reasons__icontains=f'"{name.removeprefix("stop_")}"')
    return FigureRecords("gate_entries", where)


def link(key: str, community_id: int, day: dt.date) -> str:
    query: dict[str, str] = {"day": day.isoformat()}
    if key != P + "entries":
        query["verdict"] = Verdict.STOP
    return f"{reverse('checkpoints:log')}?{urlencode(query)}"


SECTION = ReportSection(_("Gates"), FIGURES, compute, link, records)
