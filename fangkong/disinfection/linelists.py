"""The disinfection log's line list (fangkong/reports): the entries of a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import LineColumn, LineList

from .capabilities import DisinfectionCapability
from .models import Category, Entry, PlaceKind


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[Entry]:
    return (
        Entry.objects.visible_to(user)
        .filter(done_at__gte=day_span(start)[0], done_at__lt=day_span(end)[1])
        .order_by("done_at", "id")
    )


ENTRIES = LineList(
    title=_("Disinfection log"),
    capability=DisinfectionCapability.VIEW_DISINFECTION,
    record_type="disinfection.entry",
    rows=_rows,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Place"), "place__name", 16),
        LineColumn(_("Kind"), "place__kind", 10, labels=dict(PlaceKind.choices)),
        LineColumn(_("Category"), "place__category", 12, labels=dict(Category.choices)),
        LineColumn(_("Disinfected at"), "done_at", 16, when=True),
        LineColumn(_("Disinfected by"), "done_by__display_name", 10),
        LineColumn(_("Agent"), "agent__kind__name", 12),
        LineColumn(_("Amount used"), "amount", 8),
        LineColumn(_("Unit"), "agent__kind__unit", 6),
        LineColumn(_("Note"), "note", 20),
    ),
)
