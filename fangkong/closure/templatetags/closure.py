"""The closure panel of the workbench: `{% load closure %}{% closure_panel %}`.

For a user bound to one community (or grid): its level, whether closed management is on, and
the checklist items missing with their owners. For a township admin: the communities under
closed management, each with what it misses. At most six queries, whatever the number of
communities (levels 2, checklist 3, owners 1).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fangkong.closure.capabilities import ClosureCapability
from fangkong.core.access import can
from fangkong.core.models import Community, User

from .. import checklist as rule
from ..board import facts_of, kind_label, reason_text
from ..levels import community_levels

register = template.Library()

#: communities listed on a township admin's panel; the closure page has the rest
MAX_SHOWN = 12


@register.inclusion_tag("closure/_panel.html", takes_context=True)
def closure_panel(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not can(user, ClosureCapability.VIEW_CLOSURE):
        return {"shown": False}
    today = timezone.localdate()
    found = community_levels(Community.objects.visible_to(user).order_by("code"), today)
    if not found:
        return {"shown": False}
    closed = [(c, now) for c, now in found if now.closed_management]
    facts = facts_of(c.pk for c, _now in closed[:MAX_SHOWN])
    found_missing = [
        (community, now, rule.missing(facts.get(community.pk, [])))
        for community, now in closed[:MAX_SHOWN]
    ]
    owner_ids = {m.owner_id for _c, _n, ms in found_missing for m in ms if m.owner_id}
    owners = {u.pk: str(u) for u in User.objects.filter(pk__in=owner_ids)} if owner_ids else {}
    rows = [
        {
            "community": community,
            "now": now,
            "missing": [
                {
                    "label": kind_label(m.kind),
                    "owner": owners.get(m.owner_id) if m.owner_id else None,
                    "item_id": m.item_id,
                    "why": " ".join(reason_text(r) for r in m.reasons),
                }
                for m in missing
            ],
        }
        for community, now, missing in found_missing
    ]
    single = len(found) == 1
    return {
        "shown": True,
        "single": single,
        "community": found[0][0] if single else None,
        "now": found[0][1] if single else None,
        "rows": rows,
        "more": max(len(closed) - MAX_SHOWN, 0),
        "total": len(found),
        "today": today,
    }
