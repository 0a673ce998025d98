"""What urgent reports bring to pages they do not own (fangkong.core.registry): the workbench
panel (the township: reports waiting for it, escalated first; a community: its open ones),
the menu entry, and a section of the community's daily report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, F, Q, Window
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.access import can
from fangkong.core.days import day_span
from fangkong.core.registry import (
    Panel,
    ReportFigure,
    ReportSection,
    register_nav,
    register_panel,
    register_report_section,
)
from fangkong.core.scoping import jurisdiction_level

from .capabilities import UrgentCapability
from .models import UrgentReport

#: reports listed on the workbench
PANEL_SHOWN = 8


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not can(user, UrgentCapability.VIEW_URGENT):
        return None
    now = timezone.now()
    township = jurisdiction_level(user) == "township" or user.is_superuser
    qs = UrgentReport.objects.visible_to(user)
    qs = qs.unacknowledged() if township else qs.open()
    # one query: the rows shown and, with each, how many there are in all
    found = list(
        qs.waiting_first(now)
        .select_related("community")
        .annotate(total=Window(Count("id")))[:PANEL_SHOWN]
    )
    total: int = getattr(found[0], "total", 0) if found else 0
    return {
        "shown": True,
        "township": township,
        "show": "unacknowledged" if township else "open",
        "rows": [{"report": r, "escalated": r.is_escalated(now)} for r in found],
        "more": max(total - len(found), 0),
    }


register_panel("urgent", Panel("urgent/_panel.html", _panel), order=15)
register_nav(
    "urgent",
    "urgent:list",
    _("Urgent reports"),
    order=65,
    group="prevention",
    any_of=(UrgentCapability.VIEW_URGENT,),
)


# --- the daily report -------------------------------------------------------------------------

MADE = "urgent.made"
UNACKNOWLEDGED = "urgent.unacknowledged"
ESCALATED = "urgent.escalated"


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    """The urgent reports each community made on `day`: how many, how many are still not
    acknowledged, how many escalated (not acknowledged by their deadline). One query."""
    start, end = day_span(day)
    # as the day stood at its end (the figures of a past day do not move afterwards)
    cutoff = min(end, timezone.now())
    rows = (
        UrgentReport.objects.filter(
            community_id__in=list(community_ids), reported_at__gte=start, reported_at__lt=end
        )
        .values("community_id")
        .annotate(
            made=Count("id"),
            waiting=Count(
                "id", filter=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=end)
            ),
            late=Count(
                "id",
                filter=Q(escalate_at__lte=cutoff)
                & (Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("escalate_at"))),
            ),
        )
    )
    found: dict[int, dict[str, int]] = {
        c: {MADE: 0, UNACKNOWLEDGED: 0, ESCALATED: 0} for c in community_ids
    }
    for row in rows:
        found[row["community_id"]] = {
            MADE: row["made"],
            UNACKNOWLEDGED: row["waiting"],
            ESCALATED: row["late"],
        }
    return found


_SHOW = {MADE: "all", UNACKNOWLEDGED: "unacknowledged", ESCALATED: "escalated"}


def link(key: str, community_id: int, day: dt.date) -> str:
    show = _SHOW.get(key)
    if show is None:
        return ""
    return f"{reverse('urgent:list')}?community={community_id}&day={day.isoformat()}&show={show}"


register_report_section(
    "urgent",
    ReportSection(
        title=_("Urgent reports"),
        figures=(
            ReportFigure(MADE, _("Urgent reports made that day")),
            ReportFigure(UNACKNOWLEDGED, _("Not yet acknowledged by the township")),
            ReportFigure(ESCALATED, _("Escalated (not acknowledged in time)")),
        ),
        compute=compute,
        link=link,
    ),
    order=80,
)
