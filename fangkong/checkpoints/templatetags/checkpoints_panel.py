"""The workbench panel of the checkpoints: the stops of the user's jurisdiction nobody has
handled yet (one query, at most PANEL_LIMIT + 1 rows), and for a guard the way to the gate."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.checkpoints.models import GateEntry
from fangkong.checkpoints.reasons import described
from fangkong.core.roles import Capability

register = template.Library()

PANEL_LIMIT = 10


@register.inclusion_tag("checkpoints/_panel.html", takes_context=True)
def gate_stops_panel(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    out: dict[str, Any] = {
        "show": False,
        "guard": False,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
    if user is None or not user.is_authenticated:
        return out
    out["guard"] = user.can(Capability.GUARD_GATE) and not user.can(Capability.HANDLE_STOPS)
    if not user.can(Capability.HANDLE_STOPS):
        return out
    rows = list(
        GateEntry.objects.visible_to(user)
        .unhandled()
        .select_related("gate", "resident", "host")
        .order_by("-at", "-id")[: PANEL_LIMIT + 1]
    )
    out.update(
        show=True,
        stops=[{"entry": e, "reasons": described(list(e.reasons))} for e in rows[:PANEL_LIMIT]],
        more=len(rows) > PANEL_LIMIT,
    )
    return out
