"""The workbench panel of the checkpoints: the stops of the user's jurisdiction nobody has
handled yet (one query, at most PANEL_LIMIT + 1 rows), and for a guard the way to the gate."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.checkpoints.capabilities import CheckpointCapability
from fangkong.checkpoints.models import GateEntry, Pass
from fangkong.checkpoints.reasons import described

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
    out["guard"] = user.can(CheckpointCapability.GUARD_GATE) and not user.can(
        CheckpointCapability.HANDLE_STOPS
    )
    if not user.can(CheckpointCapability.HANDLE_STOPS):
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


@register.inclusion_tag("checkpoints/_resident_pass.html", takes_context=True)
def resident_pass_card(context: Any, resident: Any) -> dict[str, Any]:
    """The resident page's "Pass" card: their valid pass (print, revoke, reissue) or the
    button to issue one — for staff who issue passes (one query); nothing for the others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or resident.merged_into_id:
        return {"show": False}
    if not user.can(CheckpointCapability.ISSUE_PASSES):
        return {"show": False}
    card = Pass.objects.valid().filter(resident=resident).first()
    household = resident.household
    return {
        "show": True,
        "resident": resident,
        "card": card,
        "building_id": household.building_id if household else None,
        "household_id": resident.household_id,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
