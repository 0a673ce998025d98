"""Lockdown's line list (issue 13 item 4): the supply requests of a period and their delivery."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import LineColumn, LineList

from .capabilities import LockdownCapability
from .models import RequestVia, SupplyKind, SupplyRequest, SupplyStatus, Urgency


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[SupplyRequest]:
    return (
        SupplyRequest.objects.visible_to(user)
        .filter(requested_at__gte=day_span(start)[0], requested_at__lt=day_span(end)[1])
        .order_by("requested_at", "id")
    )


DELIVERIES = LineList(
    title=_("Supply requests and deliveries"),
    capability=LockdownCapability.MANAGE_DELIVERIES,
    record_type="lockdown.supplyrequest",
    rows=_rows,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Household"), "household__address", 24),
        LineColumn(_("What"), "kind", 10, labels=dict(SupplyKind.choices)),
        LineColumn(_("Urgency"), "urgency", 8, labels=dict(Urgency.choices)),
        LineColumn(_("Requested via"), "via", 8, labels=dict(RequestVia.choices)),
        LineColumn(_("Requested at"), "requested_at", 16, when=True),
        LineColumn(_("Volunteer"), "volunteer__display_name", 10),
        LineColumn(_("Delivered at"), "delivered_at", 16, when=True),
        LineColumn(_("Status"), "status", 10, labels=dict(SupplyStatus.choices)),
    ),
)
