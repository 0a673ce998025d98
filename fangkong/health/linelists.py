"""Health monitoring's line list (issue 13 item 4): the fever and symptom alerts of a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.masking import mask_document
from fangkong.core.registry import LineColumn, LineList
from fangkong.policy.capabilities import PolicyCapability

from .models import Alert, AlertOutcome, AlertSource, AlertStatus


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[Alert]:
    return (
        Alert.objects.visible_to(user)
        .filter(raised_at__gte=day_span(start)[0], raised_at__lt=day_span(end)[1])
        .order_by("raised_at", "id")
    )


ALERTS = LineList(
    title=_("Fever and symptom alerts"),
    capability=PolicyCapability.VIEW_CASES,
    record_type="health.alert",
    rows=_rows,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Name (registry)"), "resident__name", 10),
        LineColumn(_("Name (as given)"), "person_name", 10),
        LineColumn(_("ID number"), "resident__doc_number", 20, mask=mask_document),
        LineColumn(_("Where the person is"), "place", 20),
        LineColumn(_("Reported through"), "source", 12, labels=dict(AlertSource.choices)),
        LineColumn(_("Status"), "status", 12, labels=dict(AlertStatus.choices)),
        LineColumn(_("Raised at"), "raised_at", 16, when=True),
        LineColumn(_("Acknowledged at"), "acknowledged_at", 16, when=True),
        LineColumn(_("Medical institution"), "institution", 16),
        LineColumn(_("Collected at"), "collected_at", 16, when=True),
        LineColumn(_("Outcome"), "outcome", 12, labels=dict(AlertOutcome.choices)),
    ),
)
