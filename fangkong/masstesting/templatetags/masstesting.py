"""The workbench panel: the open rounds of the user's jurisdiction, with coverage and retests."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q

from fangkong.core.access import can
from fangkong.masstesting.capabilities import MassTestingCapability
from fangkong.masstesting.models import Round, RoundMember, RoundStatus

register = template.Library()

#: open rounds shown on the workbench
PANEL_ROUNDS = 5


@register.inclusion_tag("masstesting/_panel.html", takes_context=True)
def rounds_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Two queries: the open rounds, and their counts grouped by round."""
    user = context["request"].user
    if not can(user, MassTestingCapability.VIEW_ROUNDS):
        return {"show": False}
    rounds = list(
        Round.objects.visible_to(user).filter(status=RoundStatus.OPEN)[: PANEL_ROUNDS + 1]
    )
    more = len(rounds) > PANEL_ROUNDS
    rounds = rounds[:PANEL_ROUNDS]
    counts = (
        {
            row["round_id"]: row
            for row in RoundMember.objects.visible_to(user)
            .filter(round__in=[r.pk for r in rounds])
            .order_by()
            .values("round_id")
            .annotate(
                expected=Count("id"),
                sampled=Count("tube_id"),
                retest=Count("id", filter=Q(retest_needed=True)),
            )
        }
        if rounds
        else {}
    )
    rows = []
    for rnd in rounds:
        c = counts.get(rnd.pk, {"expected": 0, "sampled": 0, "retest": 0})
        percent = round(100 * c["sampled"] / c["expected"]) if c["expected"] else 0
        rows.append({"round": rnd, "percent": percent, **c})
    return {"show": True, "rows": rows, "more": more}
