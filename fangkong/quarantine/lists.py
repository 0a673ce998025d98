"""The case list's filters, shared by the page and the API: open cases by default, flags for
a positive result and an overdue test, and "ready for release review"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from fangkong.core.models import User

from .forms import ALL, OPEN, CaseFilterForm
from .models import OPEN_STATUSES, Case, CaseStatus, ScheduledTest, TestItemResult


def _positive() -> Exists:
    return Exists(ScheduledTest.objects.filter(case=OuterRef("pk"), result=TestItemResult.POSITIVE))


def _overdue(today: dt.date) -> Exists:
    return Exists(ScheduledTest.objects.filter(case=OuterRef("pk"), result="", due_date__lt=today))


def with_flags(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """Whether each case has a positive result, and an overdue test."""
    return qs.annotate(has_positive=_positive(), has_overdue=_overdue(today))


def ready_for_review(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """Cases in quarantine whose period is served and whose tests in force are all negative."""
    blocking = ScheduledTest.objects.filter(case=OuterRef("pk")).filter(
        Q(result="")
        | Q(result=TestItemResult.POSITIVE)
        | Q(result=TestItemResult.INVALID, retests__isnull=True)
    )
    return qs.filter(status=CaseStatus.IN_QUARANTINE, planned_end__lt=today).exclude(
        Exists(blocking)
    )


def filtered_cases(
    user: User, params: Any, today: dt.date
) -> tuple[CaseFilterForm, QuerySet[Case]]:
    form = CaseFilterForm(params or None, user=user)
    qs = with_flags(Case.objects.visible_to(user), today)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or OPEN
    if status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status != ALL:
        qs = qs.filter(status=status)
    for key in ("kind", "reason", "grid"):
        if data.get(key):
            qs = qs.filter(**{key: data[key]})
    q = "".join((data.get("q") or "").split())
    if q:
        qs = qs.filter(resident__name__startswith=q)
    flag = data.get("flag")
    if flag == CaseFilterForm.FLAG_OVERDUE:
        qs = qs.filter(_overdue(today))
    elif flag == CaseFilterForm.FLAG_POSITIVE:
        qs = qs.filter(_positive())
    elif flag == CaseFilterForm.FLAG_READY:
        qs = ready_for_review(qs, today)
    return form, qs
