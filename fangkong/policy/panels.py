"""What policy brings to pages it does not own (fangkong.core.registry): the county risk panel of
the workbench, the risk areas and policy links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import Panel, register_nav, register_panel

from .templatetags.risk import county_risk_panel


def _panel(request: HttpRequest) -> dict[str, Any]:
    return county_risk_panel({"user": request.user, "request": request})


register_panel("policy", Panel("policy/county_risk.html", _panel), order=10)
register_nav(
    "policy.areas",
    "policy:area_list",
    _("Risk areas"),
    order=80,
    group="policy",
    any_of=("view_cases", "view_people"),
)
register_nav(
    "policy.versions",
    "policy:version_list",
    _("Policy"),
    order=90,
    group="policy",
    any_of=("view_cases",),
)
