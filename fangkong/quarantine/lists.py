"""The case list's filters, shared by the page and the API: open cases by default, flags for
a positive result and an overdue test, and "ready for release review"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from fangkong.core.models import User

from .blockers import fever_or_symptom_condition
from .forms import ALL, OPEN, CaseFilterForm
from .models import OPEN_STATUSES, Case, CaseStatus, ScheduledTest, TestItemResult


def _positive() -> Exists:
    return Exists(ScheduledTest.objects.filter(case=OuterRef("pk"), result=TestItemResult.POSITIVE))


def _overdue(today: dt.date) -> Exists:
    return Exists(ScheduledTest.objects.filter(case=OuterRef("pk"), result="", due_date__lt=today))


def with_flags(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """Whether each case has a positive result, and an overdue test."""
    return qs.annotate(has_positive=_positive(), has_overdue=_overdue(today))


def _tests_negative(today: dt.date) -> Q:
    # no test in force without a negative result (an invalid one retested is replaced by its
    # retest: `blockers.tests_in_force`)
    blocking = ScheduledTest.objects.filter(case=OuterRef("pk")).filter(
        Q(result="")
        | Q(result=TestItemResult.POSITIVE)
        | Q(result=TestItemResult.INVALID, retests__isnull=True)
    )
    return ~Q(Exists(blocking))


#: each release criterion that `release.release_verdict` checks before the signatures (the
#: fields of `ReleaseCriteria`), as a condition on cases on a given day
CRITERIA: dict[str, Callable[[dt.date], Q]] = {
    # served on start + days, the day after the last day (`planned_end`)
    "period_served": lambda today: Q(planned_end__lt=today),
    "no_fever_or_symptom": lambda today: ~fever_or_symptom_condition(),
    "all_tests_negative": _tests_negative,
}
#: the criteria left to the review itself: a review may be requested while only the
#: signatures are missing (`release.SIGNATURE_CODES`)
SIGNATURE_CRITERIA = frozenset({"cadre_signoff", "medic_signoff"})


def ready_for_review(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """Cases in quarantine that nothing but the signatures keeps from release, under the
    release criteria of each case's own policy version: each criterion holds, or that version
    switched it off (stored by `PolicyRules.to_data` as false; a criterion missing from an
    older version is on, as `PolicyRules.from_data` reads it)."""
    condition = Q()
    for name, holds in CRITERIA.items():
        condition &= Q(**{f"policy__rules__release__{name}": False}) | holds(today)
    return qs.filter(condition, status=CaseStatus.IN_QUARANTINE)


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
