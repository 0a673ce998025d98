"""What masstesting brings to pages it does not own (fangkong.core.registry): the open rounds panel
of the workbench and the rounds link."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import Panel, register_nav, register_panel

from .templatetags.masstesting import rounds_panel


def _panel(request: HttpRequest) -> dict[str, Any]:
    return rounds_panel({"user": request.user, "request": request})


register_panel("masstesting", Panel("masstesting/_panel.html", _panel), order=60)
register_nav(
    "masstesting",
    "masstesting:round_list",
    _("Testing rounds"),
    order=160,
    group="testing",
    any_of=("view_rounds",),
)
