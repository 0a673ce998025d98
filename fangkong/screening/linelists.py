"""Screening's line lists (issue 13 item 4): the returnees registered in a period, and the
refusals to cooperate recorded in it (三(二)3, referred to the police officer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.days import day_span
from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.registry import LineColumn, LineList
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.models import RiskLevel

from .capabilities import ScreeningCapability
from .models import (
    Measure,
    Refusal,
    RefusalKind,
    RefusalStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[Registration]:
    return (
        Registration.objects.visible_to(user)
        .filter(created_at__gte=day_span(start)[0], created_at__lt=day_span(end)[1])
        .order_by("created_at", "id")
    )


RETURNEES = LineList(
    title=_("Returnees"),
    capability=PolicyCapability.VIEW_CASES,
    record_type="screening.registration",
    rows=_rows,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Grid"), "grid__name", 12),
        LineColumn(_("Name (registry)"), "resident__name", 10),
        LineColumn(_("Name (as given)"), "claimed_name", 10),
        LineColumn(_("ID number"), "resident__doc_number", 20, mask=mask_document),
        LineColumn(_("ID number (as given)"), "claimed_doc_number", 20, mask=mask_document),
        LineColumn(_("Phone"), "claimed_phone", 14, mask=mask_phone),
        LineColumn(_("Arrival date"), "arrival_date", 11),
        LineColumn(_("Risk level"), "level", 10, labels=dict(RiskLevel.choices)),
        LineColumn(_("Measure"), "measure", 14, labels=dict(Measure.choices)),
        LineColumn(_("Status"), "status", 10, labels=dict(RegistrationStatus.choices)),
        LineColumn(_("Source"), "source", 10, labels=dict(RegistrationSource.choices)),
        LineColumn(_("Registered at"), "created_at", 16, when=True),
    ),
)


def _refusals(user: Any, start: dt.date, end: dt.date) -> QuerySet[Refusal]:
    return (
        Refusal.objects.visible_to(user)
        .filter(recorded_at__gte=day_span(start)[0], recorded_at__lt=day_span(end)[1])
        .order_by("recorded_at", "id")
    )


REFUSALS = LineList(
    title=_("Refusals to cooperate"),
    capability=ScreeningCapability.VIEW_REFERRALS,
    record_type="screening.refusal",
    rows=_refusals,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Grid"), "grid__name", 12),
        LineColumn(_("Name"), "resident__name", 10),
        LineColumn(_("ID number"), "resident__doc_number", 20, mask=mask_document),
        LineColumn(_("Phone"), "resident__phone", 14, mask=mask_phone),
        LineColumn(
            pgettext_lazy("refusal", "Refused"), "kind", 14, labels=dict(RefusalKind.choices)
        ),
        LineColumn(_("Status"), "status", 14, labels=dict(RefusalStatus.choices)),
        LineColumn(_("Recorded at"), "recorded_at", 16, when=True),
    ),
)
