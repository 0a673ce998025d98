"""Quarantine's section of the community's daily report (plan 四(二)): people in centralised
and home quarantine, quarantines started and released, close contacts, tests due, done,
overdue and positive, new index cases. Each figure is one grouped query for all communities
asked about, counted "as of the end of the day" so that a past day reads as it stood then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span, figures_by_community
from fangkong.core.registry import FigureRecords, ReportFigure, ReportSection

from .models import Case, CaseKind, CaseReason, CaseStatus, IndexCase, ScheduledTest, TestItemResult

P = "quarantine."
FIGURES = (
    ReportFigure(P + "centralised", _("In centralised quarantine")),
    ReportFigure(P + "home", _("In home quarantine")),
    ReportFigure(P + "started", _("Quarantines started today")),
    ReportFigure(P + "released", _("Released today")),
    ReportFigure(P + "close_contacts", _("Close contacts in quarantine")),
    ReportFigure(P + "tests_due", _("Tests due today")),
    ReportFigure(P + "tests_done", _("Test results recorded today")),
    ReportFigure(P + "tests_overdue", _("Tests overdue")),
    ReportFigure(P + "tests_positive", _("Positive results today"), counts_cases=True),
    ReportFigure(P + "index_cases", _("New index cases"), counts_cases=True),
)


def _case_figures(day: dt.date) -> tuple[Q, dict[str, Q]]:
    """The cases that may count on `day` and what each case figure counts among them."""
    start, end = day_span(day)
    # in quarantine at the end of the day: started by then, not closed before
    held = Q(start_date__lte=day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    # centralised or home quarantine (a lockdown's isolation is counted with the lockdowns)
    quarantined = Q(kind__in=(CaseKind.CENTRALISED, CaseKind.HOME))
    base = Q(start_date__lte=day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))
    return base, {
        "centralised": held & Q(kind=CaseKind.CENTRALISED),
        "home": held & Q(kind=CaseKind.HOME),
        "started": Q(start_date=day) & quarantined,
        "released": Q(status=CaseStatus.RELEASED, closed_at__gte=start, closed_at__lt=end)
        & quarantined,
        "close_contacts": held & Q(reason=CaseReason.CLOSE_CONTACT),
    }


def _test_figures(day: dt.date) -> tuple[Q, dict[str, Q]]:
    """The scheduled tests that may count on `day` and what each test figure counts."""
    start, end = day_span(day)
    recorded = Q(result_at__gte=start, result_at__lt=end)
    pending_at_end = Q(result="") | Q(result_at__gte=end)
    # overdue only while its case is still open at the day's end (a case referred to hospital
    # keeps its pending tests, which nobody will take)
    case_open = Q(case__closed_at__isnull=True) | Q(case__closed_at__gte=end)
    base = Q(due_date=day) | recorded | (Q(due_date__lt=day) & pending_at_end)
    return base, {
        "tests_due": Q(due_date=day),
        "tests_done": recorded & ~Q(result=""),
        "tests_overdue": Q(due_date__lt=day) & pending_at_end & case_open,
        "tests_positive": recorded & Q(result=TestItemResult.POSITIVE),
    }


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    case_base, case_figures = _case_figures(day)
    cases = (
        Case.objects.filter(case_base, community_id__in=community_ids)
        .values("community_id")
        .annotate(**{name: Count("id", filter=q) for name, q in case_figures.items()})
        .order_by()
    )
    test_base, test_figures = _test_figures(day)
    tests = (
        ScheduledTest.objects.filter(test_base, case__community_id__in=community_ids)
        .values(community_id=F("case__community_id"))
        .annotate(**{name: Count("id", filter=q) for name, q in test_figures.items()})
        .order_by()
    )
    index_cases = (
        IndexCase.objects.filter(community_id__in=community_ids, reported_on=day)
        .values("community_id")
        .annotate(index_cases=Count("id"))
        .order_by()
    )
    return figures_by_community(P, cases, tests, index_cases)


def records(key: str, community_id: int, day: dt.date) -> FigureRecords | None:
    name = key.removeprefix(P)
    case_base, case_figures = _case_figures(day)
    if name in case_figures:
        return FigureRecords("cases", Q(community_id=community_id) & case_base & case_figures[name])
    test_base, test_figures = _test_figures(day)
    if name in test_figures:
        return FigureRecords(
            "tests", Q(case__community_id=community_id) & test_base & test_figures[name]
        )
    return None


def link(key: str, community_id: int, day: dt.date) -> str:
    name = key.removeprefix(P)
    if name == "index_cases":
        return reverse("quarantine:index_list")
    queries: dict[str, dict[str, str]] = {
        "centralised": {"kind": CaseKind.CENTRALISED},
        "home": {"kind": CaseKind.HOME},
        "close_contacts": {"reason": CaseReason.CLOSE_CONTACT},
        "released": {"status": CaseStatus.RELEASED},
        "tests_overdue": {"flag": "overdue"},
        "tests_positive": {"flag": "positive", "status": "all"},
    }
    query = queries.get(name, {})
    url = reverse("quarantine:case_list")
    return f"{url}?{urlencode(query)}" if query else url


SECTION = ReportSection(_("Quarantine and testing"), FIGURES, compute, link, records)
