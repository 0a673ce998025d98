"""What checkpoints brings to pages it does not own (fangkong.core.registry): the workbench's gate-
stops panel and the gate links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import (
    RECORDS_SHOWN,
    Panel,
    ResidentRecord,
    register_line_list,
    register_nav,
    register_panel,
    register_report_section,
    register_resident_records,
)

from . import linelists
from .daily_report import SECTION as REPORT_SECTION
from .models import Pass
from .templatetags.checkpoints_panel import gate_stops_panel


def _panel(request: HttpRequest) -> dict[str, Any]:
    return gate_stops_panel({"user": request.user, "request": request})


register_panel("checkpoints", Panel("checkpoints/_panel.html", _panel), order=40)
register_nav(
    "checkpoints.gate",
    "checkpoints:gate",
    _("Gate"),
    order=110,
    group="gates",
    any_of=("guard_gate",),
)
register_nav(
    "checkpoints.log",
    "checkpoints:log",
    _("Gate log"),
    order=120,
    group="gates",
    any_of=("view_gate_log",),
)
register_nav(
    "checkpoints.passes",
    "checkpoints:pass_buildings",
    _("Passes"),
    order=130,
    group="gates",
    any_of=("issue_passes",),
)


def _passes(user: Any, resident: Any) -> list[ResidentRecord]:
    """The person's gate passes (valid or revoked), for who issues passes there."""
    passes = (
        Pass.objects.visible_to(user)
        .filter(resident=resident)
        .select_related("resident__household")
        .order_by("-issued_at", "-id")[:RECORDS_SHOWN]
    )
    rows = []
    for p in passes:
        state = gettext("revoked") if p.revoked_at else gettext("valid")
        household = p.resident.household
        building = household.building_id if household is not None else None
        url = reverse("checkpoints:pass_building", args=[building]) if building else ""
        rows.append(ResidentRecord(p.issued_at, gettext("Pass"), f"{p.number} · {state}", url))
    return rows


register_resident_records("checkpoints.passes", _passes, order=60)

# The app's section of the community's daily report (fangkong/reports).
register_report_section("checkpoints", REPORT_SECTION, order=50)

# Its line lists, exported to .xlsx (fangkong/reports).
register_line_list("gate_entries", linelists.GATE_ENTRIES, order=50)
