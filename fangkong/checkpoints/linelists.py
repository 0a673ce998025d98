"""The gates' line list (issue 13 item 4): every passage of a period (the gate log exports
one day; this, any period)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import LineColumn, LineList

from .capabilities import CheckpointCapability
from .daily_report import STOP_LABELS
from .models import Direction, EntryKind, GateEntry, HealthCode, Verdict

REASONS = {reason.value: label for reason, label in STOP_LABELS.items()}


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[GateEntry]:
    return (
        GateEntry.objects.visible_to(user)
        .filter(at__gte=day_span(start)[0], at__lt=day_span(end)[1])
        .order_by("at", "id")
    )


GATE_ENTRIES = LineList(
    title=_("Gate entries"),
    capability=CheckpointCapability.VIEW_GATE_LOG,
    record_type="checkpoints.gateentry",
    rows=_rows,
    columns=(
        LineColumn(_("Time"), "at", 16, when=True),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Gate"), "gate__name", 10),
        LineColumn(_("Direction"), "direction", 6, labels=dict(Direction.choices)),
        LineColumn(_("Who"), "kind", 8, labels=dict(EntryKind.choices)),
        LineColumn(_("Resident"), "resident__name", 10),
        LineColumn(_("Name (visitor)"), "name", 10),
        LineColumn(_("Plate"), "plate", 10),
        LineColumn(_("Temperature"), "temperature", 8),
        LineColumn(_("Health code"), "health_code", 8, labels=dict(HealthCode.choices)),
        LineColumn(_("Answer"), "verdict", 6, labels=dict(Verdict.choices)),
        LineColumn(
            _("Reasons"), "reasons", 30, labels={k.value: v for k, v in STOP_LABELS.items()}
        ),
    ),
)
