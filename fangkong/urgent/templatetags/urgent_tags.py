"""The offer of a new urgent report on pages of other apps whose record calls for one (a
positive pooled tube of a testing round), shown to whoever may report."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.core.access import can
from fangkong.masstesting.models import MemberResult, Round, RoundMember, Tube

from ..capabilities import UrgentCapability

register = template.Library()

#: tubes offered at most on a round's page
TUBES_SHOWN = 20


@register.inclusion_tag("urgent/_tube_offers.html", takes_context=True)
def urgent_tube_offers(context: dict[str, Any], rnd: Round) -> dict[str, Any]:
    """The round's positive pooled tubes with a member the user may see."""
    user = context.get("user")
    if user is None or not can(user, UrgentCapability.REPORT_URGENT):
        return {"tubes": []}
    seen = RoundMember.objects.visible_to(user).filter(round=rnd).values("tube_id")
    tubes = list(
        Tube.objects.filter(
            round=rnd, pooled=True, result=MemberResult.POSITIVE, pk__in=seen
        ).order_by("code")[:TUBES_SHOWN]
    )
    return {"tubes": tubes}
