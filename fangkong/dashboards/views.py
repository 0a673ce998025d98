"""The dashboard (issue 13 item 5): the charts of the user's jurisdiction over a period, drawn
on the server as SVG (no script, no chart library sent to the phone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from fangkong.core import charts
from fangkong.core.access import require
from fangkong.core.days import EARLIEST

from . import series
from .capabilities import DashboardCapability
from .forms import PeriodForm


def period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date, dt.date]:
    """The period asked for (the last 14 days by default, at most `series.MAX_DAYS`) and the
    day whose gate traffic is drawn (the period's last)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    start, end = today - dt.timedelta(days=13), today
    if form.is_valid():
        end = min(form.cleaned_data["end"] or end, today)
        start = form.cleaned_data["start"] or end - dt.timedelta(days=13)
    end = max(end, EARLIEST)
    start = min(max(start, EARLIEST), end)
    if (end - start).days >= series.MAX_DAYS:
        start = end - dt.timedelta(days=series.MAX_DAYS - 1)
    return form, start, end, end


def drawn(chart: charts.Chart | None, element_id: str) -> dict[str, Any] | None:
    if chart is None:
        return None
    return {
        "id": element_id,
        "chart": chart,
        "svg": mark_safe(charts.svg(chart, element_id=element_id)),
        "legend": [(s.name, chart.colour(i)) for i, s in enumerate(chart.series)],
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = require(request.user, DashboardCapability.VIEW_DASHBOARDS)
    form, start, end, day = period(request)
    found = [
        drawn(series.returnees(user, start, end), "chart-returnees"),
        drawn(series.cases_and_alerts(user, start, end), "chart-cases"),
        drawn(series.quarantine_census(user, start, end), "chart-census"),
        drawn(series.testing_coverage(user, start, end), "chart-testing"),
        drawn(series.gate_traffic(user, day), "chart-gates"),
        drawn(series.report_completeness(user, start, end), "chart-reports"),
    ]
    return render(
        request,
        "dashboards/dashboard.html",
        {"form": form, "start": start, "end": end, "charts": [c for c in found if c]},
    )
