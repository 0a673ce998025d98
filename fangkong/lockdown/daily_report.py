"""Lockdown's section of the community's daily report (plan 四(二)): lockdowns in force at
the end of the day and the people in them, supply requests made and delivered that day, and
those late (not delivered within the policy's hours, `delivery.limit_hours`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span, figures_by_community
from fangkong.core.models import Community
from fangkong.core.registry import FigureRecords, ReportFigure, ReportSection
from fangkong.policy.versions import in_force

from . import delivery
from .models import Lockdown, LockdownMember, SupplyRequest, SupplyStatus

P = "lockdown."
FIGURES = (
    ReportFigure(P + "lockdowns", _("Buildings or units locked down")),
    ReportFigure(P + "people", _("People in locked buildings")),
    ReportFigure(P + "supplies_requested", _("Supply requests made today")),
    ReportFigure(P + "supplies_delivered", _("Supplies delivered today")),
    ReportFigure(P + "supplies_late", _("Supply requests late")),
)


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    end = day_span(day)[1]
    in_force_at_end = Q(locked_at__lt=end) & (Q(lifted_at__isnull=True) | Q(lifted_at__gte=end))
    lockdowns = (
        Lockdown.objects.filter(community_id__in=community_ids)
        .filter(in_force_at_end)
        .values("community_id")
        .annotate(lockdowns=Count("id"))
        .order_by()
    )
    people = (
        LockdownMember.objects.filter(lockdown__community_id__in=community_ids, added_at__lt=end)
        .filter(lockdown__locked_at__lt=end)
        .filter(Q(lockdown__lifted_at__isnull=True) | Q(lockdown__lifted_at__gte=end))
        .values("lockdown__community_id")
        .annotate(people=Count("resident_id", distinct=True))
        .order_by()
    )
    figures = _supply_figures(day, community_ids)
    supplies = (
        SupplyRequest.objects.filter(community_id__in=community_ids)
        .exclude(status=SupplyStatus.CANCELLED)
        .filter(reduce(or_, figures.values()))
        .values("community_id")
        .annotate(**{name: Count("id", filter=q) for name, q in figures.items()})
        .order_by()
    )
    by_lockdown = [
        {"community_id": row["lockdown__community_id"], "people": row["people"]} for row in people
    ]
    return figures_by_community(P, lockdowns, by_lockdown, supplies)


def _supply_figures(day: dt.date, community_ids: Sequence[int]) -> dict[str, Q]:
    start, end = day_span(day)
    return {
        "supplies_requested": Q(requested_at__gte=start, requested_at__lt=end),
        "supplies_delivered": Q(delivered_at__gte=start, delivered_at__lt=end),
        "supplies_late": _late(community_ids, day, min(end, timezone.now())),
    }


def records(key: str, community_id: int, day: dt.date) -> FigureRecords | None:
    """The supply requests behind a supply figure (lockdowns and their people are few and
    listed on the lockdowns' page)."""
    figures = _supply_figures(day, [community_id])
    name = key.removeprefix(P)
    if name not in figures:
        return None
    return FigureRecords(
        "deliveries",
        Q(community_id=community_id) & ~Q(status=SupplyStatus.CANCELLED) & figures[name],
    )


def _late(community_ids: Sequence[int], day: dt.date, cutoff: dt.datetime) -> Q:
    """Not delivered by `cutoff` though due before it, under each township's policy."""
    townships = set(
        Community.objects.filter(pk__in=community_ids).values_list("township_id", flat=True)
    )
    if not townships:
        return Q(pk__in=[])
    undelivered = Q(delivered_at__isnull=True) | Q(delivered_at__gte=cutoff)
    terms = []
    for township_id in townships:
        rules = in_force(township_id, day).as_rules()
        for urgency in delivery.URGENCIES:
            hours = delivery.limit_hours(urgency, rules)
            terms.append(
                Q(
                    township_id=township_id,
                    urgency=urgency,
                    requested_at__lte=cutoff - dt.timedelta(hours=hours),
                )
            )
    return undelivered & reduce(or_, terms)


def link(key: str, community_id: int, day: dt.date) -> str:
    if key.removeprefix(P) in ("lockdowns", "people"):
        return reverse("lockdown:list")
    return reverse("lockdown:supply_list")


SECTION = ReportSection(_("Lockdowns and supplies"), FIGURES, compute, link, records)
