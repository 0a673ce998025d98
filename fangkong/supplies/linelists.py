"""The supplies' line list (fangkong/reports): the stock movements of a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import LineColumn, LineList

from .capabilities import SuppliesCapability
from .models import Direction, Movement, Purpose, Source


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[Movement]:
    return (
        Movement.objects.visible_to(user)
        .filter(at__gte=day_span(start)[0], at__lt=day_span(end)[1])
        .order_by("at", "id")
    )


MOVEMENTS = LineList(
    title=_("Stock movements of supplies"),
    capability=SuppliesCapability.VIEW_SUPPLIES,
    record_type="supplies.movement",
    rows=_rows,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Time"), "at", 16, when=True),
        LineColumn(_("Item"), "lot__kind__name", 14),
        LineColumn(_("Batch"), "lot__batch", 10),
        LineColumn(_("Unit"), "lot__kind__unit", 6),
        LineColumn(_("Direction"), "direction", 8, labels=dict(Direction.choices)),
        LineColumn(_("Quantity"), "delta", 10),
        LineColumn(_("From"), "source", 10, labels=dict(Source.choices)),
        LineColumn(_("Supplier or donor"), "supplier", 14),
        LineColumn(_("For"), "purpose", 10, labels=dict(Purpose.choices)),
        LineColumn(_("Gate"), "gate__name", 8),
        LineColumn(_("Supply request"), "supply_request_id", 8),
        LineColumn(_("Received by"), "received_by", 10),
        LineColumn(_("Signed by"), "signed_by__display_name", 10),
        LineColumn(_("Note"), "note", 20),
    ),
)
