"""What the disinfection log brings to pages it does not own (fangkong.core.registry): the
workbench panel (today's places still due; yesterday's missed places, flagged to their owner
and the leader), the menu entry, the daily report's section and the line list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.access import can
from fangkong.core.registry import (
    Panel,
    register_line_list,
    register_nav,
    register_panel,
    register_report_section,
)

from . import coverage, linelists, queries
from .capabilities import DisinfectionCapability
from .daily_report import SECTION
from .models import Place

#: rows of each list on the workbench
PANEL_SHOWN = 8


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not can(user, DisinfectionCapability.VIEW_DISINFECTION):
        return None
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    found = queries.days_of(Place.objects.visible_to(user), [yesterday, today], today)
    due = [r for r in found[today] if r.status == coverage.DUE]
    missed = [r for r in found[yesterday] if r.status == coverage.MISSED]
    if not can(user, DisinfectionCapability.MANAGE_PLACES):
        # flagged to its owner; the leader and office see every one
        missed = [r for r in missed if r.place.owner_id == user.pk]
    return {
        "shown": True,
        "due": due[:PANEL_SHOWN],
        "due_more": max(len(due) - PANEL_SHOWN, 0),
        "missed": missed[:PANEL_SHOWN],
        "missed_more": max(len(missed) - PANEL_SHOWN, 0),
        "lockdown": queries.lockdown_areas(user, today),
    }


register_panel("disinfection", Panel("disinfection/_panel.html", _panel), order=56)
register_nav(
    "disinfection",
    "disinfection:today",
    _("Disinfection"),
    order=78,
    group="prevention",
    any_of=(DisinfectionCapability.VIEW_DISINFECTION,),
)

# The section of the community's daily report (fangkong/reports).
register_report_section("disinfection", SECTION, order=86)

# The line list of entries (fangkong/reports).
register_line_list("disinfection.entries", linelists.ENTRIES, order=81)
