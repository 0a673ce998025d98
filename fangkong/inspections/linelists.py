"""Inspections' line list: the findings recorded in a period and what became of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import LineColumn, LineList
from fangkong.policy.display import INSPECTION_ITEM_LABELS

from .capabilities import InspectionCapability
from .models import Finding, FindingStatus


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[Finding]:
    return (
        Finding.objects.visible_to(user)
        .filter(created_at__gte=day_span(start)[0], created_at__lt=day_span(end)[1])
        .order_by("created_at", "id")
    )


FINDINGS = LineList(
    title=_("Inspection findings"),
    capability=InspectionCapability.VIEW_INSPECTIONS,
    record_type="inspections.finding",
    rows=_rows,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Day of the inspection"), "inspection__on", 11),
        LineColumn(_("Item"), "item", 24, labels=dict(INSPECTION_ITEM_LABELS)),
        LineColumn(_("What was found"), "what", 30),
        LineColumn(_("Where"), "place", 16),
        LineColumn(_("To be rectified by"), "owner__display_name", 10),
        LineColumn(_("Rectify by"), "deadline", 11),
        LineColumn(_("Status"), "status", 12, labels=dict(FindingStatus.choices)),
        LineColumn(_("What was done"), "evidence", 30),
        LineColumn(_("Rectified at"), "rectified_at", 16, when=True),
        LineColumn(_("Verified at"), "verified_at", 16, when=True),
    ),
)
