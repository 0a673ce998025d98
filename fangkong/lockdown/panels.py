"""What lockdown brings to pages it does not own (fangkong.core.registry): the lockdown panel of
the workbench and the lockdown links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import (
    RECORDS_SHOWN,
    Panel,
    ResidentRecord,
    register_line_list,
    register_nav,
    register_panel,
    register_report_section,
    register_resident_records,
)

from . import linelists
from .daily_report import SECTION as REPORT_SECTION
from .models import LockdownMember, LockdownStatus
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


def _lockdowns(user: Any, resident: Any) -> list[ResidentRecord]:
    """The lockdowns the person was registered in; one still locked stands out."""
    members = (
        LockdownMember.objects.visible_to(user)
        .filter(resident=resident)
        .select_related("lockdown__building", "lockdown__unit")
        .order_by("-added_at", "-id")[:RECORDS_SHOWN]
    )
    return [
        ResidentRecord(
            m.added_at,
            gettext("Lockdown"),
            f"{m.lockdown} · {m.lockdown.get_status_display()}",
            reverse("lockdown:detail", args=[m.lockdown_id]),
            m.lockdown.status == LockdownStatus.ACTIVE,
        )
        for m in members
    ]


register_resident_records("lockdown.members", _lockdowns, order=50)

# The app's section of the community's daily report (fangkong/reports).
register_report_section("lockdown", REPORT_SECTION, order=40)

# Its line lists, exported to .xlsx (fangkong/reports).
register_line_list("deliveries", linelists.DELIVERIES, order=60)
