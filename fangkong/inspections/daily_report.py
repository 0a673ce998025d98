"""Inspections' section of the community's daily report (plan 四(三)): rounds made that day,
findings recorded, rectifications still open and overdue at the end of the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span, figures_by_community
from fangkong.core.registry import FigureRecords, ReportFigure, ReportSection

from .models import Finding, FindingStatus, Inspection

P = "inspections."
FIGURES = (
    ReportFigure(P + "rounds", _("Inspections made today")),
    ReportFigure(P + "findings", _("Findings recorded today")),
    ReportFigure(P + "unresolved", _("Findings not yet closed")),
    ReportFigure(P + "overdue", _("Rectifications overdue")),
)


def _finding_figures(day: dt.date) -> dict[str, Q]:
    start, end = day_span(day)
    # not closed at the end of the day (closed is final: verified_at marks it)
    unresolved = Q(created_at__lt=end) & (~Q(status=FindingStatus.CLOSED) | Q(verified_at__gte=end))
    # still to rectify at the end of the day, its deadline passed
    to_rectify = Q(created_at__lt=end) & (
        Q(rectified_at__isnull=True) | Q(rectified_at__gte=end) | Q(status=FindingStatus.OPEN)
    )
    return {
        "findings": Q(created_at__gte=start, created_at__lt=end),
        "unresolved": unresolved,
        "overdue": to_rectify & Q(deadline__lt=day),
    }


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    rounds = (
        Inspection.objects.filter(community_id__in=community_ids, on=day)
        .values("community_id")
        .annotate(rounds=Count("id"))
        .order_by()
    )
    figures = _finding_figures(day)
    findings = (
        Finding.objects.filter(community_id__in=community_ids)
        .filter(Q(created_at__lt=day_span(day)[1]))
        .values("community_id")
        .annotate(**{name: Count("id", filter=q) for name, q in figures.items()})
        .order_by()
    )
    return figures_by_community(P, rounds, findings)


def records(key: str, community_id: int, day: dt.date) -> FigureRecords | None:
    name = key.removeprefix(P)
    figures = _finding_figures(day)
    if name not in figures:
        return None
    return FigureRecords("findings", Q(community_id=community_id) & figures[name])


def link(key: str, community_id: int, day: dt.date) -> str:
    return reverse("inspections:list")


SECTION = ReportSection(_("Inspections"), FIGURES, compute, link, records)
