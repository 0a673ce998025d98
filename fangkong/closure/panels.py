"""What closure brings to pages it does not own (fangkong.core.registry): the closure panel of the
workbench, its link, and the gate's answer to "is this community closed?"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import (
    Panel,
    provide,
    register_nav,
    register_panel,
    register_report_section,
)

from .daily_report import SECTION as REPORT_SECTION
from .levels import closed_management_on
from .templatetags.closure import closure_panel


def _panel(request: HttpRequest) -> dict[str, Any]:
    return closure_panel({"user": request.user, "request": request})


register_panel("closure", Panel("closure/_panel.html", _panel), order=30)
register_nav(
    "closure",
    "closure:community_list",
    _("Closed management"),
    order=100,
    group="gates",
    any_of=("view_closure",),
)

# The gate asks this on every scan (fangkong/checkpoints/closed.py).
provide("closed_management_on", closed_management_on)

# The app's section of the community's daily report (fangkong/reports).
register_report_section("closure", REPORT_SECTION, order=60)
