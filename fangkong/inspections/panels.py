"""What inspections bring to pages they do not own (fangkong.core.registry): the workbench
panel (overdue rectifications for whoever inspects, one's own to rectify, rectified ones to
verify), the menu entry, a section of the daily report and the line list of findings."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When, Window
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.access import can
from fangkong.core.models import User
from fangkong.core.registry import (
    Panel,
    provide,
    register_line_list,
    register_nav,
    register_panel,
    register_report_section,
)
from fangkong.tasks.models import Priority, SourceKind
from fangkong.tasks.sources import INSPECTION_FINDING, Source

from . import linelists
from .capabilities import InspectionCapability
from .daily_report import SECTION
from .models import Finding, FindingStatus

#: rectifications listed on the workbench
PANEL_SHOWN = 6


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not can(user, InspectionCapability.VIEW_INSPECTIONS):
        return None
    today = timezone.localdate()
    inspector = can(user, InspectionCapability.INSPECT)
    overdue = Q(status=FindingStatus.OPEN, deadline__lt=today)
    mine = Q(owner=user) & ~Q(status=FindingStatus.CLOSED)
    wanted = mine
    if inspector:
        wanted |= overdue | Q(status=FindingStatus.RECTIFIED)
    found = list(
        Finding.objects.visible_to(user)
        .filter(wanted)
        .select_related("community", "owner")
        .annotate(
            rank=Case(
                When(overdue, then=Value(0)),
                When(status=FindingStatus.OPEN, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            total=Window(Count("id")),
        )
        .order_by("rank", "deadline", "id")[:PANEL_SHOWN]
    )
    if not found:
        return None
    total: int = getattr(found[0], "total", 0)
    return {
        "show": "overdue" if inspector else "mine",
        "rows": [
            {
                "f": f,
                "overdue": f.is_overdue(today),
                "to_verify": f.status == FindingStatus.RECTIFIED,
            }
            for f in found
        ],
        "more": max(total - len(found), 0),
    }


def _finding_source(user: User, pk: int) -> Source | None:
    """A finding as the record a task comes from (tasks/sources.py asks), if `user` sees it."""
    finding = Finding.objects.visible_to(user).filter(pk=pk).first()
    if finding is None:
        return None
    label = gettext("Inspection finding #%(id)s") % {"id": finding.pk}
    return Source(
        SourceKind.INSPECTION,
        finding.pk,
        label,
        reverse("inspections:finding", args=[finding.pk]),
        finding.community_id,
        gettext("Rectify: %(what)s") % {"what": finding.what[:60]},
        Priority.HIGH,
    )


provide(INSPECTION_FINDING, _finding_source)
register_panel("inspections", Panel("inspections/_panel.html", _panel), order=45)
register_nav(
    "inspections",
    "inspections:list",
    _("Inspections"),
    order=70,
    group="prevention",
    any_of=(InspectionCapability.VIEW_INSPECTIONS,),
)
register_report_section("inspections", SECTION, order=90)
register_line_list("findings", linelists.FINDINGS, order=90)
