"""Screening's section of the community's daily report (plan 四(二)): returnees registered
that day by the risk level of where they came from and by the measure decided, and refusals
recorded (拒不配合, referred to the police officer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span, figures_by_community
from fangkong.core.registry import FigureRecords, ReportFigure, ReportSection
from fangkong.policy.models import RiskLevel

from .models import Measure, Refusal, Registration, RegistrationStatus

P = "screening."
FIGURES = (
    ReportFigure(P + "returnees", _("Returnees registered today")),
    ReportFigure(P + "from_high", _("of them from high-risk areas")),
    ReportFigure(P + "from_medium", _("of them from medium-risk areas")),
    ReportFigure(P + "from_low", _("of them from low-risk areas")),
    ReportFigure(P + "centralised", _("of them sent to centralised quarantine")),
    ReportFigure(P + "home", _("of them in home quarantine")),
    ReportFigure(P + "checked", _("of them checked by test or certificate")),
    ReportFigure(P + "refusals", _("Refusals to cooperate recorded today")),
)
_CHECKED = (Measure.CERTIFICATE_ACCEPTED, Measure.TEST_WITHIN_24H, Measure.HEALTH_MONITORING)


def _registered(day: dt.date) -> Q:
    start, end = day_span(day)
    return Q(created_at__gte=start, created_at__lt=end) & ~Q(status=RegistrationStatus.REJECTED)


#: what each registration figure counts, among the day's registrations
_REGISTRATIONS: dict[str, Q] = {
    "returnees": Q(),
    "from_high": Q(level=RiskLevel.HIGH),
    "from_medium": Q(level=RiskLevel.MEDIUM),
    "from_low": Q(level=RiskLevel.LOW),
    "centralised": Q(measure=Measure.CENTRALISED_QUARANTINE),
    "home": Q(measure=Measure.HOME_QUARANTINE),
    "checked": Q(measure__in=_CHECKED),
}


def _refused(day: dt.date) -> Q:
    start, end = day_span(day)
    return Q(recorded_at__gte=start, recorded_at__lt=end)


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    registrations = (
        Registration.objects.filter(_registered(day), community_id__in=community_ids)
        .values("community_id")
        .annotate(**{name: Count("id", filter=q) for name, q in _REGISTRATIONS.items()})
        .order_by()
    )
    refusals = (
        Refusal.objects.filter(_refused(day), community_id__in=community_ids)
        .values("community_id")
        .annotate(refusals=Count("id"))
        .order_by()
    )
    return figures_by_community(P, registrations, refusals)


def records(key: str, community_id: int, day: dt.date) -> FigureRecords | None:
    name = key.removeprefix(P)
    here = Q(community_id=community_id)
    if name == "refusals":
        return FigureRecords("refusals", here & _refused(day))
    return FigureRecords("returnees", here & _registered(day) & _REGISTRATIONS[name])


def link(key: str, community_id: int, day: dt.date) -> str:
    name = key.removeprefix(P)
    if name == "refusals":
        return reverse("screening:refusal_list")
    queries: dict[str, dict[str, str]] = {
        "from_high": {"level": RiskLevel.HIGH},
        "from_medium": {"level": RiskLevel.MEDIUM},
        "from_low": {"level": RiskLevel.LOW},
        "centralised": {"measure": Measure.CENTRALISED_QUARANTINE},
        "home": {"measure": Measure.HOME_QUARANTINE},
    }
    query = queries.get(name, {})
    url = reverse("screening:registration_list")
    return f"{url}?{urlencode(query)}" if query else url


SECTION = ReportSection(_("Returnees"), FIGURES, compute, link, records)
