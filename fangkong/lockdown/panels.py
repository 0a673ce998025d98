"""What lockdown brings to pages it does not own (fangkong.core.registry): the lockdown panel of
the workbench and the lockdown links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import Panel, register_nav, register_panel

from .templatetags.lockdown_tags import lockdown_panel


def _panel(request: HttpRequest) -> dict[str, Any]:
    return lockdown_panel({"user": request.user, "request": request})


register_panel("lockdown", Panel("lockdown/_panel.html", _panel), order=50)
register_nav(
    "lockdown",
    "lockdown:list",
    _("Lockdowns"),
    order=140,
    group="gates",
    any_of=("view_lockdowns",),
)
register_nav(
    "lockdown.deliveries",
    "lockdown:my_deliveries",
    _("My deliveries"),
    order=150,
    group="gates",
    any_of=("deliver_supplies",),
    none_of=("view_lockdowns",),
)
