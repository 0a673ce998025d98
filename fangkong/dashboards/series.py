"""The dashboards' charts, each computed from the records the user may read (`visible_to`)
over a period, with one grouped query (or two) whatever the number of records: the epidemic
curve, the quarantine census, testing coverage by building, gate traffic by hour, and the
completeness of the daily reports by community. Each returns a `core.charts.Chart`, or None
when the user's role does not read those records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.capabilities import CheckpointCapability
from fangkong.checkpoints.models import GateEntry, Verdict
from fangkong.core.access import can
from fangkong.core.charts import LINE, STACKED, Chart, Series
from fangkong.core.days import day_span
from fangkong.core.models import Community, User
from fangkong.health.models import Alert
from fangkong.masstesting.capabilities import MassTestingCapability
from fangkong.masstesting.models import Round, RoundMember
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.models import RiskLevel
from fangkong.quarantine.models import Case, CaseKind, IndexCase
from fangkong.reports.capabilities import ReportCapability
from fangkong.reports.models import LOCKED, DailyReport
from fangkong.screening.models import Registration, RegistrationStatus

#: the longest period a dashboard draws, in days
MAX_DAYS = 92


def days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _labels(start: dt.date, end: dt.date) -> tuple[str, ...]:
    return tuple(d.strftime("%m-%d") for d in days(start, end))


def _span(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return day_span(start)[0], day_span(end)[1]


def returnees(user: User, start: dt.date, end: dt.date) -> Chart | None:
    """Returnees registered each day, by the risk level of where they came from."""
    if not can(user, PolicyCapability.VIEW_CASES):
        return None
    since, until = _span(start, end)
    tz = timezone.get_current_timezone()
    counts: dict[tuple[dt.date, str], int] = defaultdict(int)
    rows = (
        Registration.objects.visible_to(user)
        .filter(created_at__gte=since, created_at__lt=until)
        .exclude(status=RegistrationStatus.REJECTED)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[(row["day"], row["level"])] += row["n"]
    levels = (
        (RiskLevel.HIGH, _("from high-risk areas"), "#c0392b"),
        (RiskLevel.MEDIUM, _("from medium-risk areas"), "#e67e22"),
        (RiskLevel.LOW, _("from low-risk areas"), "#2e86c1"),
    )
    return Chart(
        title=_("Returnees registered each day"),
        categories=_labels(start, end),
        series=tuple(
            Series(str(label), tuple(counts[(d, level)] for d in days(start, end)), colour)
            for level, label, colour in levels
        ),
        kind=STACKED,
    )


def cases_and_alerts(user: User, start: dt.date, end: dt.date) -> Chart | None:
    """New index cases and fever or symptom alerts each day."""
    if not can(user, PolicyCapability.VIEW_CASES):
        return None
    since, until = _span(start, end)
    tz = timezone.get_current_timezone()
    cases = dict(
        IndexCase.objects.visible_to(user)
        .filter(reported_on__gte=start, reported_on__lte=end)
        .values("reported_on")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("reported_on", "n")
    )
    alerts = dict(
        Alert.objects.visible_to(user)
        .filter(raised_at__gte=since, raised_at__lt=until)
        .annotate(day=TruncDate("raised_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("day", "n")
    )
    return Chart(
        title=_("New cases and alerts each day"),
        categories=_labels(start, end),
        series=(
            Series(_("New index cases"), tuple(cases.get(d, 0) for d in days(start, end))),
            Series(
                _("Fever or symptom alerts"),
                tuple(alerts.get(d, 0) for d in days(start, end)),
                "#e67e22",
            ),
        ),
    )


def quarantine_census(user: User, start: dt.date, end: dt.date) -> Chart | None:
    """People in centralised and in home quarantine at the end of each day."""
    if not can(user, PolicyCapability.VIEW_CASES):
        return None
    since, until = _span(start, end)
    tz = timezone.get_current_timezone()
    # +1 on the day a case starts, -1 on the day it closes (not held at that day's end)
    change: dict[str, dict[dt.date, int]] = {
        CaseKind.CENTRALISED: defaultdict(int),
        CaseKind.HOME: defaultdict(int),
    }
    held = (
        Case.objects.visible_to(user)
        .filter(kind__in=(CaseKind.CENTRALISED, CaseKind.HOME), start_date__lte=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=since))
        .values_list("kind", "start_date", "closed_at")
    )
    for kind, started, closed in held.iterator(chunk_size=2000):
        change[kind][max(started, start)] += 1
        if closed is not None and closed < until:
            change[kind][max(timezone.localtime(closed, tz).date(), start)] -= 1
    series = []
    for kind, label, colour in (
        (CaseKind.CENTRALISED, _("Centralised quarantine"), "#c0392b"),
        (CaseKind.HOME, _("Home quarantine"), "#2e86c1"),
    ):
        running, values = 0, []
        for d in days(start, end):
            running += change[kind].get(d, 0)
            values.append(running)
        series.append(Series(str(label), tuple(values), colour))
    return Chart(
        title=_("People in quarantine at the end of each day"),
        categories=_labels(start, end),
        series=tuple(series),
        kind=LINE,
    )


def testing_coverage(user: User, start: dt.date, end: dt.date) -> Chart | None:
    """The latest testing round of the period: people expected and sampled, by building."""
    if not can(user, MassTestingCapability.VIEW_ROUNDS):
        return None
    since, until = _span(start, end)
    latest = (
        Round.objects.visible_to(user)
        .filter(opened_at__gte=since, opened_at__lt=until)
        .order_by("-opened_at", "-id")
        .first()
    )
    if latest is None:
        return None
    rows = list(
        RoundMember.objects.visible_to(user)
        .filter(round=latest)
        .values("building__name", "building__sort_key")
        .annotate(expected=Count("id"), sampled=Count("id", filter=Q(sampled_at__isnull=False)))
        .order_by("building__sort_key", "building__name")[:40]
    )
    return Chart(
        title=_("Testing coverage by building: %(round)s") % {"round": latest.name},
        categories=tuple(r["building__name"] or _("no building") for r in rows),
        series=(
            Series(_("People expected"), tuple(r["expected"] for r in rows), "#7f8c8d"),
            Series(_("People sampled"), tuple(r["sampled"] for r in rows), "#27ae60"),
        ),
        label_every=1 if len(rows) <= 12 else 0,
    )


def gate_traffic(user: User, day: dt.date) -> Chart | None:
    """Gate passages and stops by hour of `day`."""
    if not can(user, CheckpointCapability.VIEW_GATE_LOG):
        return None
    since, until = day_span(day)
    tz = timezone.get_current_timezone()
    rows = (
        GateEntry.objects.visible_to(user)
        .filter(at__gte=since, at__lt=until)
        .annotate(hour=ExtractHour("at", tzinfo=tz))
        .values("hour")
        .annotate(n=Count("id"), stops=Count("id", filter=Q(verdict=Verdict.STOP)))
        .order_by()
    )
    passages, stops = [0] * 24, [0] * 24
    for row in rows:
        passages[row["hour"]] = row["n"]
        stops[row["hour"]] = row["stops"]
    return Chart(
        title=_("Gate traffic by hour, %(day)s") % {"day": day.strftime("%m-%d")},
        categories=tuple(f"{h:02d}" for h in range(24)),
        series=(
            Series(_("Passages"), tuple(passages), "#2e86c1"),
            Series(_("Stopped"), tuple(stops), "#c0392b"),
        ),
        label_every=3,
    )


def report_completeness(user: User, start: dt.date, end: dt.date) -> Chart | None:
    """Days each community reported on time, late, or not at all over the period."""
    if not can(user, ReportCapability.VIEW_DAILY_REPORTS):
        return None
    communities = list(Community.objects.visible_to(user).order_by("sort_key", "id")[:40])
    if not communities:
        return None
    total = (end - start).days + 1
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"on": 0, "late": 0})
    rows = (
        DailyReport.objects.visible_to(user)
        .filter(
            date__gte=start,
            date__lte=end,
            status__in=LOCKED,
        )
        .values("community_id", "on_time")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["community_id"]]["on" if row["on_time"] else "late"] += row["n"]
    on = tuple(counts[c.pk]["on"] for c in communities)
    late = tuple(counts[c.pk]["late"] for c in communities)
    return Chart(
        title=_("Daily reports by community, %(days)d days") % {"days": total},
        categories=tuple(c.name for c in communities),
        series=(
            Series(_("On time"), on, "#27ae60"),
            Series(_("Late"), late, "#e67e22"),
            Series(
                _("Missing"),
                tuple(total - a - b for a, b in zip(on, late, strict=True)),
                "#c0392b",
            ),
        ),
        kind=STACKED,
        label_every=1 if len(communities) <= 8 else 0,
    )
