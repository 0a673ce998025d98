"""What checkpoints brings to pages it does not own (fangkong.core.registry): the workbench's gate-
stops panel and the gate links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import Panel, register_nav, register_panel

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
