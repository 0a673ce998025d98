"""The period summary (F18, plan 四(四) 善后): "要形成详细的疫情报告，对传染病的危害程度做出评估".

For a period and the user's jurisdiction: the figures of the period, the charts, the course
of events (index cases, lockdowns, testing rounds, changes of a community's risk level), the
work done, the aftercare (families visited, contamination removed) and the township's written
assessment. Everything is read through `visible_to(user)`, so a community's staff get their
community's summary and the township its own. Names of cases are masked (张**): the summary
is a document that travels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import GateEntry, Verdict
from fangkong.closure.models import CommunityLevel
from fangkong.core.access import can
from fangkong.core.charts import Chart
from fangkong.core.days import day_span
from fangkong.core.masking import mask_name
from fangkong.core.models import Township, User
from fangkong.dashboards import series
from fangkong.health.models import Alert, CheckIn
from fangkong.lockdown.models import DisinfectionTask, Lockdown, LockdownMember, SupplyRequest
from fangkong.masstesting.models import Round, RoundMember
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.models import RiskLevel
from fangkong.quarantine.models import Case, CaseKind, CaseStatus, IndexCase, ScheduledTest
from fangkong.reports.models import LOCKED, DailyReport
from fangkong.screening.models import Registration, RegistrationStatus

from .models import Assessment, Decontamination, FamilyVisit


@dataclass(frozen=True)
class Figure:
    label: str
    value: int


@dataclass(frozen=True)
class Event:
    day: dt.date
    text: str


@dataclass
class Summary:
    start: dt.date
    end: dt.date
    scope: str
    figures: list[tuple[str, list[Figure]]]
    charts: list[Chart]
    events: list[Event]
    visits: list[FamilyVisit]
    decontaminations: list[Decontamination]
    assessment: Assessment | None
    township: Township | None
    notes: list[str] = field(default_factory=list)


def _count(qs: Any, **annotations: Any) -> dict[str, int]:
    found = qs.aggregate(**annotations)
    return {k: int(v or 0) for k, v in found.items()}


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def _peak(census: Chart | None) -> int:
    """The most people in quarantine (all kinds) at the end of one day of the period."""
    if census is None or not census.series:
        return 0
    return max(
        (sum(day) for day in zip(*(s.values for s in census.series), strict=True)), default=0
    )


def build(user: User, start: dt.date, end: dt.date) -> Summary:
    since, until = day_span(start)[0], day_span(end)[1]
    figures: list[tuple[str, list[Figure]]] = []
    events: list[Event] = []
    if can(user, PolicyCapability.VIEW_CASES):
        reg = _count(
            Registration.objects.visible_to(user)
            .filter(created_at__gte=since, created_at__lt=until)
            .exclude(status=RegistrationStatus.REJECTED),
            total=Count("id"),
            high=Count("id", filter=Q(level=RiskLevel.HIGH)),
            medium=Count("id", filter=Q(level=RiskLevel.MEDIUM)),
            low=Count("id", filter=Q(level=RiskLevel.LOW)),
        )
        cases = list(
            IndexCase.objects.visible_to(user)
            .filter(reported_on__gte=start, reported_on__lte=end)
            .select_related("community")
            .order_by("reported_on", "id")
        )
        quarantine = _count(
            # lockdown isolation is counted with the lockdowns
            Case.objects.visible_to(user).filter(kind__in=(CaseKind.CENTRALISED, CaseKind.HOME)),
            started=Count("id", filter=Q(start_date__gte=start, start_date__lte=end)),
            released=Count(
                "id",
                filter=Q(status=CaseStatus.RELEASED, closed_at__gte=since, closed_at__lt=until),
            ),
            referred=Count(
                "id",
                filter=Q(status=CaseStatus.REFERRED, closed_at__gte=since, closed_at__lt=until),
            ),
        )
        tests = _count(
            ScheduledTest.objects.visible_to(user).filter(
                result_at__gte=since, result_at__lt=until
            ),
            done=Count("id"),
            positive=Count("id", filter=Q(result="positive")),
        )
        alerts = _count(
            Alert.objects.visible_to(user),
            raised=Count("id", filter=Q(raised_at__gte=since, raised_at__lt=until)),
            collected=Count("id", filter=Q(collected_at__gte=since, collected_at__lt=until)),
        )
        checkins = CheckIn.objects.visible_to(user).filter(date__gte=start, date__lte=end).count()
        census = series.quarantine_census(user, start, end)
        peak = (
            max((sum(v) for v in zip(*(s.values for s in census.series), strict=True)), default=0)
            if census
            else 0
        )
        figures.append(
            (
                _("Returnees and cases"),
                [
                    Figure(_("Returnees registered"), reg["total"]),
                    Figure(_("of them from high-risk areas"), reg["high"]),
                    Figure(_("of them from medium-risk areas"), reg["medium"]),
                    Figure(_("of them from low-risk areas"), reg["low"]),
                    Figure(_("Index cases reported"), len(cases)),
                    Figure(_("Fever or symptom alerts"), alerts["raised"]),
                    Figure(_("People collected by a medical institution"), alerts["collected"]),
                ],
            )
        )
        figures.append(
            (
                _("Quarantine and testing"),
                [
                    Figure(_("Quarantines started"), quarantine["started"]),
                    Figure(_("Released from quarantine"), quarantine["released"]),
                    Figure(_("Referred to hospital"), quarantine["referred"]),
                    Figure(_("Most people in quarantine on one day"), peak),
                    Figure(_("Health check-ins recorded"), checkins),
                    Figure(_("Test results recorded"), tests["done"]),
                    Figure(_("Positive results"), tests["positive"]),
                ],
            )
        )
        for c in cases:
            events.append(
                Event(
                    c.reported_on,
                    _("%(kind)s reported: %(name)s%(where)s")
                    % {
                        "kind": c.get_kind_display(),
                        "name": mask_name(c.name),
                        "where": f"（{c.community.name}）" if c.community else "",
                    },
                )
            )
    lockdowns = list(
        Lockdown.objects.visible_to(user)
        .filter(locked_at__lt=until)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=since))
        .select_related("building", "unit", "community")
        .order_by("locked_at")
    )
    if lockdowns or can(user, PolicyCapability.VIEW_CASES):
        people = (
            LockdownMember.objects.visible_to(user)
            .filter(lockdown__in=lockdowns)
            .values("resident_id")
            .distinct()
            .count()
        )
        supplies = _count(
            SupplyRequest.objects.visible_to(user),
            requested=Count("id", filter=Q(requested_at__gte=since, requested_at__lt=until)),
            delivered=Count("id", filter=Q(delivered_at__gte=since, delivered_at__lt=until)),
        )
        disinfections = (
            DisinfectionTask.objects.visible_to(user)
            .filter(done_at__gte=since, done_at__lt=until)
            .count()
        )
        figures.append(
            (
                _("Lockdowns"),
                [
                    Figure(_("Buildings or units locked down"), len(lockdowns)),
                    Figure(_("People in locked buildings"), people),
                    Figure(_("Supply requests"), supplies["requested"]),
                    Figure(_("Supplies delivered"), supplies["delivered"]),
                    Figure(_("Disinfections of public areas done"), disinfections),
                ],
            )
        )
    for lockdown in lockdowns:
        where = f"{lockdown.community.name} {lockdown}"
        if lockdown.locked_at >= since:
            events.append(
                Event(
                    _day(lockdown.locked_at) or start,
                    _("Locked down: %(where)s") % {"where": where},
                )
            )
        if lockdown.lifted_at and since <= lockdown.lifted_at < until:
            events.append(
                Event(
                    _day(lockdown.lifted_at) or end,
                    _("Lockdown lifted: %(where)s") % {"where": where},
                )
            )
    rounds = list(
        Round.objects.visible_to(user)
        .filter(opened_at__gte=since, opened_at__lt=until)
        .order_by("opened_at")
    )
    if rounds:
        coverage = {
            row["round_id"]: row
            for row in RoundMember.objects.visible_to(user)
            .filter(round__in=rounds)
            .values("round_id")
            .annotate(expected=Count("id"), sampled=Count("id", filter=Q(sampled_at__isnull=False)))
            .order_by()
        }
        for r in rounds:
            row = coverage.get(r.pk, {"expected": 0, "sampled": 0})
            events.append(
                Event(
                    _day(r.opened_at) or start,
                    _("Testing round %(name)s: %(sampled)d of %(expected)d people sampled")
                    % {"name": r.name, "sampled": row["sampled"], "expected": row["expected"]},
                )
            )
    for level in (
        CommunityLevel.objects.visible_to(user)
        .filter(at__gte=since, at__lt=until)
        .select_related("community")
        .order_by("at")
    ):
        events.append(
            Event(
                _day(level.at) or start,
                _("%(community)s: risk level %(level)s")
                % {
                    "community": level.community.name,
                    "level": level.get_level_display() or _("follows the county"),
                },
            )
        )
    gates = _count(
        GateEntry.objects.visible_to(user).filter(at__gte=since, at__lt=until),
        passages=Count("id"),
        stops=Count("id", filter=Q(verdict=Verdict.STOP)),
    )
    reports = _count(
        DailyReport.objects.visible_to(user).filter(
            date__gte=start, date__lte=end, status__in=LOCKED
        ),
        submitted=Count("id"),
        on_time=Count("id", filter=Q(on_time=True)),
        zero=Count("id", filter=Q(zero_report=True)),
    )
    visits = list(
        FamilyVisit.objects.visible_to(user)
        .filter(visited_on__gte=start, visited_on__lte=end)
        .select_related("index_case", "community", "by")
    )
    decontaminations = list(
        Decontamination.objects.visible_to(user)
        .filter(done_on__gte=start, done_on__lte=end)
        .select_related("community", "by")
    )
    figures.append(
        (
            _("Work done"),
            [
                Figure(_("Gate passages recorded"), gates["passages"]),
                Figure(_("People stopped at the gates"), gates["stops"]),
                Figure(_("Daily reports submitted"), reports["submitted"]),
                Figure(_("of them on time"), reports["on_time"]),
                Figure(_("of them zero reports (no case)"), reports["zero"]),
                Figure(_("Visits to patients' families"), len(visits)),
                Figure(_("Decontaminations"), len(decontaminations)),
            ],
        )
    )
    charts = [
        c
        for c in (
            series.returnees(user, start, end),
            series.cases_and_alerts(user, start, end),
            series.quarantine_census(user, start, end),
            series.report_completeness(user, start, end),
        )
        if c is not None
    ]
    township = (
        Township.objects.visible_to(user).order_by("pk").first() if user.township_id else None
    )
    assessment = (
        Assessment.objects.visible_to(user).filter(start=start, end=end).first()
        if township is not None
        else None
    )
    return Summary(
        start=start,
        end=end,
        scope=str(township) if township else "",
        figures=figures,
        charts=charts,
        events=sorted(events, key=lambda e: e.day),
        visits=visits,
        decontaminations=decontaminations,
        assessment=assessment,
        township=township,
    )
