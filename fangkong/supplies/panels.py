"""What the supplies bring to pages they do not own (fangkong.core.registry): the workbench
panel (low stock and batches expiring), the menu entry, closure's equipment counts
(`closure.equipment_counts`), the daily report's section and the line list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.closure.equipment import EQUIPMENT_COUNTS
from fangkong.core.access import can
from fangkong.core.models import Community
from fangkong.core.registry import (
    Panel,
    provide,
    register_line_list,
    register_nav,
    register_panel,
    register_report_section,
)

from . import linelists, queries
from .capabilities import SuppliesCapability
from .daily_report import SECTION

#: rows of each list on the workbench
PANEL_SHOWN = 6


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not can(user, SuppliesCapability.VIEW_SUPPLIES):
        return None
    rows = list(Community.objects.in_jurisdiction(user).values_list("pk", "name", "township_id"))
    communities = {pk: name for pk, name, _t in rows}
    townships = {pk: township for pk, _n, township in rows}
    found = queries.state_of(communities, timezone.localdate(), townships=townships)
    low = [(communities[c], row) for c, s in found.items() for row in s.low]
    expiring = [(communities[c], row) for c, s in found.items() for row in s.expiring]
    low.sort(key=lambda r: (r[0], r[1].name))
    expiring.sort(key=lambda r: (r[1].expires_on, r[0]))
    return {
        "shown": True,
        "several": len(communities) > 1,
        "low": low[:PANEL_SHOWN],
        "low_more": max(len(low) - PANEL_SHOWN, 0),
        "expiring": expiring[:PANEL_SHOWN],
        "expiring_more": max(len(expiring) - PANEL_SHOWN, 0),
    }


register_panel("supplies", Panel("supplies/_panel.html", _panel), order=55)
register_nav(
    "supplies",
    "supplies:stock",
    _("Supplies"),
    order=77,
    group="prevention",
    any_of=(SuppliesCapability.VIEW_SUPPLIES,),
)

# The "六个一" equipment counts closure asks for (closure/equipment.py).
provide(EQUIPMENT_COUNTS, queries.equipment_counts)

# The section of the community's daily report (fangkong/reports).
register_report_section("supplies", SECTION, order=85)

# The line list of stock movements (fangkong/reports).
register_line_list("supplies.movements", linelists.MOVEMENTS, order=80)
