"""Quarantine's line lists (issue 13 item 4): the cases held during a period and the tests
due or recorded in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.registry import LineColumn, LineList
from fangkong.policy.capabilities import PolicyCapability

from .models import Case, CaseKind, CaseReason, CaseStatus, ScheduledTest, TestItemResult


def _cases(user: Any, start: dt.date, end: dt.date) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user)
        .filter(start_date__lte=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=day_span(start)[0]))
        .order_by("start_date", "id")
    )


def _tests(user: Any, start: dt.date, end: dt.date) -> QuerySet[ScheduledTest]:
    since, until = day_span(start)[0], day_span(end)[1]
    return (
        ScheduledTest.objects.visible_to(user)
        .filter(
            Q(due_date__gte=start, due_date__lte=end) | Q(result_at__gte=since, result_at__lt=until)
        )
        .order_by("due_date", "id")
    )


CASES = LineList(
    title=_("Quarantine cases"),
    capability=PolicyCapability.VIEW_CASES,
    record_type="quarantine.case",
    rows=_cases,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Grid"), "grid__name", 12),
        LineColumn(_("Name"), "resident__name", 10),
        LineColumn(_("ID number"), "resident__doc_number", 20, mask=mask_document),
        LineColumn(_("Phone"), "resident__phone", 14, mask=mask_phone),
        LineColumn(_("Kind"), "kind", 12, labels=dict(CaseKind.choices)),
        LineColumn(_("Reason"), "reason", 12, labels=dict(CaseReason.choices)),
        LineColumn(_("Status"), "status", 10, labels=dict(CaseStatus.choices)),
        LineColumn(_("Place of quarantine"), "address", 24),
        LineColumn(_("Start"), "start_date", 11),
        LineColumn(_("Planned end"), "planned_end", 11),
        LineColumn(_("Closed at"), "closed_at", 16, when=True),
    ),
)
TESTS = LineList(
    title=_("Tests"),
    capability=PolicyCapability.VIEW_CASES,
    record_type="quarantine.scheduledtest",
    rows=_tests,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "case__community__name", 12),
        LineColumn(_("Name"), "case__resident__name", 10),
        LineColumn(_("ID number"), "case__resident__doc_number", 20, mask=mask_document),
        LineColumn(_("Due"), "due_date", 11),
        LineColumn(_("Sampled on"), "sampled_on", 11),
        LineColumn(_("Result"), "result", 10, labels=dict(TestItemResult.choices)),
        LineColumn(_("Result recorded at"), "result_at", 16, when=True),
        LineColumn(_("Laboratory"), "lab", 16),
    ),
)
