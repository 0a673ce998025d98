"""Health monitoring's section of the community's daily report (plan 四(二)): fever and
symptom alerts raised, still open, escalated and collected by a medical institution that
day, and the people in quarantine whose check-ins that day fell short of their policy's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span, figures_by_community
from fangkong.core.registry import ReportFigure, ReportSection
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


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    start, end = day_span(day)
    raised = Q(raised_at__gte=start, raised_at__lt=end)
    open_at_end = Q(raised_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    # escalated that day: its time to escalate fell in the day, before anyone acknowledged it
    escalated = Q(escalate_at__gte=start, escalate_at__lt=min(end, timezone.now())) & (
        Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gt=F("escalate_at"))
    )
    collected = Q(collected_at__gte=start, collected_at__lt=end)
    alerts = (
        Alert.objects.filter(community_id__in=community_ids)
        .filter(raised | open_at_end | escalated | collected)
        .values("community_id")
        .annotate(
            alerts_raised=Count("id", filter=raised),
            alerts_open=Count("id", filter=open_at_end),
            alerts_escalated=Count("id", filter=escalated),
            alerts_collected=Count("id", filter=collected),
        )
        .order_by()
    )
    # in quarantine the whole day (a first day is partial: nobody is short on it)
    held = (
        Case.objects.filter(community_id__in=community_ids, start_date__lt=day)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .exclude(status=CaseStatus.REGISTERED)
    )
    per_day = checks_per_day_of(held.order_by().values("policy_id").distinct())
    short = missing_filter(with_checks_done(held, day), per_day).values("pk")
    missing = (
        Case.objects.filter(pk__in=short)
        .values("community_id")
        .annotate(checkins_missing=Count("id"))
        .order_by()
    )
    return figures_by_community(P, alerts, missing)


def link(key: str, community_id: int, day: dt.date) -> str:
    name = key.removeprefix(P)
    if name == "checkins_missing":
        return f"{reverse('health:checkin_list')}?{urlencode({'missing': 1})}"
    return reverse("health:alert_list")


SECTION = ReportSection(_("Fever and symptom alerts"), FIGURES, compute, link)
