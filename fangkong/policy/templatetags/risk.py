"""The county risk panel of the workbench: "本县（区）风险等级" with the areas behind it.

`{% load risk %}{% county_risk_panel %}` shows the level of the user's own county on the
current day: the county of their community (a township admin: of their township), from the
first six digits of its division code. Two queries: the code, and the areas.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fangkong.core.access import can
from fangkong.core.models import Community, Township
from fangkong.core.roles import CoreCapability
from fangkong.policy import divisions
from fangkong.policy.areas import county_risk
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.rules import Level

register = template.Library()

#: areas listed on the panel; the register page has the rest
MAX_SHOWN = 10


def county_code(user: Any) -> str | None:
    """The six-digit county code of the user's community, or of their township."""
    if not getattr(user, "is_authenticated", False):
        return None
    code: str | None = None
    if getattr(user, "community_id", None):
        code = Community.objects.filter(pk=user.community_id).values_list("code", flat=True).first()
    elif getattr(user, "township_id", None):
        code = Township.objects.filter(pk=user.township_id).values_list("code", flat=True).first()
    return code[:6] if code and len(code) >= 6 else None


@register.inclusion_tag("policy/county_risk.html", takes_context=True)
def county_risk_panel(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    code = county_code(user)
    assert user is not None
    if code is None:
        return {"shown": False}
    today = timezone.localdate()
    level, areas = county_risk(code, today)
    return {
        "shown": True,
        "code": code,
        "county": divisions.describe(code) or code,
        "level": level,
        "is_risk": level is not Level.LOW,
        "areas": areas[:MAX_SHOWN],
        "more": max(len(areas) - MAX_SHOWN, 0),
        "today": today,
        "may_open_register": any(
            can(user, c) for c in (PolicyCapability.VIEW_CASES, CoreCapability.VIEW_PEOPLE)
        ),
    }
