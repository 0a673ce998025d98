"""Health monitoring's section of the community's daily report (plan 四(二)): fever and
symptom alerts raised, still open, escalated and collected by a medical institution that
day, and the people in quarantine whose check-ins that day fell short of their policy's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span, figures_by_community
from fangkong.core.registry import FigureRecords, ReportFigure, ReportSection
from fangkong.quarantine.models import Case, CaseStatus

from .models import Alert
from .worklists import checks_per_day_of, missing_filter, with_checks_done

P = "health."
FIGURES = (
    ReportFigure(P + "alerts_raised", _("Fever or symptom alerts raised today")),
    ReportFigure(P + "alerts_open", _("Alerts still open")),
    ReportFigure(P + "alerts_escalated", _("Alerts escalated to the leader today")),
    ReportFigure(P + "alerts_collected", _("People collected by a medical institution today")),
    ReportFigure(P + "checkins_missing", _("People in quarantine with check-ins missing")),
)


def _alert_figures(day: dt.date) -> dict[str, Q]:
    start, end = day_span(day)
    # escalated that day: its time to escalate fell in the day, before anyone acknowledged it
    escalated = Q(escalate_at__gte=start, escalate_at__lt=min(end, timezone.now())) & (
        Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gt=F("escalate_at"))
    )
    return {
        "alerts_raised": Q(raised_at__gte=start, raised_at__lt=end),
        "alerts_open": Q(raised_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end)),
        "alerts_escalated": escalated,
        "alerts_collected": Q(collected_at__gte=start, collected_at__lt=end),
    }


def _short_of_checkins(day: dt.date, community_ids: Sequence[int]) -> QuerySet[Case]:
    """The cases in quarantine the whole day whose check-ins fell short of their policy's."""
    end = day_span(day)[1]
    # in quarantine the whole day (a first day is partial: nobody is short on it)
    held = (
        Case.objects.filter(community_id__in=community_ids, start_date__lt=day)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .exclude(status=CaseStatus.REGISTERED)
    )
    per_day = checks_per_day_of(held.order_by().values("policy_id").distinct())
    return missing_filter(with_checks_done(held, day), per_day)


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    figures = _alert_figures(day)
    alerts = (
        Alert.objects.filter(community_id__in=community_ids)
        .filter(reduce(or_, figures.values()))
        .values("community_id")
        .annotate(**{name: Count("id", filter=q) for name, q in figures.items()})
        .order_by()
    )
    missing = (
        Case.objects.filter(pk__in=_short_of_checkins(day, community_ids).values("pk"))
        .values("community_id")
        .annotate(checkins_missing=Count("id"))
        .order_by()
    )
    return figures_by_community(P, alerts, missing)


def records(key: str, community_id: int, day: dt.date) -> FigureRecords:
    name = key.removeprefix(P)
    if name == "checkins_missing":
        short = _short_of_checkins(day, [community_id]).values("pk")
        return FigureRecords("cases", Q(pk__in=short))
    return FigureRecords("alerts", Q(community_id=community_id) & _alert_figures(day)[name])


def link(key: str, community_id: int, day: dt.date) -> str:
    name = key.removeprefix(P)
    if name == "checkins_missing":
        return f"{reverse('health:checkin_list')}?{urlencode({'missing': 1})}"
    return reverse("health:alert_list")


SECTION = ReportSection(_("Fever and symptom alerts"), FIGURES, compute, link, records)
