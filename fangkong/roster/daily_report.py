"""The duty roster's section of the community's daily report (plan 三(一)5, 四(二)): the shifts
the day had to cover (each post needing cover × the policy's shifts), the ones left with
nobody on them, and the handovers written that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.models import Community
from fangkong.core.registry import ReportFigure, ReportSection, register_report_section
from fangkong.policy.validity import shift_starts
from fangkong.policy.versions import in_force

from .models import Duty, Post

P = "roster."
SHIFTS = P + "shifts"
EMPTY = P + "empty"
HANDOVERS = P + "handovers"


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    """Three queries and one policy per township, whatever the number of communities."""
    ids = list(community_ids)
    start, end = day_span(day)
    townships = dict(Community.objects.filter(pk__in=ids).values_list("pk", "township_id"))
    per_day: dict[int, int] = {}
    for township_id in set(townships.values()):
        starts = shift_starts(in_force(township_id, day).as_rules().duty_shift_starts)
        per_day[township_id] = len(starts or ())
    posts = dict(
        Post.objects.filter(community_id__in=ids, active=True)
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    filled: dict[int, int] = {}
    for row in (
        Duty.objects.filter(community_id__in=ids, day=day, post__active=True)
        .values("community_id", "post_id", "slot")
        .distinct()
        .order_by()
    ):
        filled[row["community_id"]] = filled.get(row["community_id"], 0) + 1
    written = dict(
        Duty.objects.filter(community_id__in=ids, handover_at__gte=start, handover_at__lt=end)
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    out: dict[int, dict[str, int]] = {}
    for cid in ids:
        needed = posts.get(cid, 0) * per_day.get(townships.get(cid, 0), 0)
        out[cid] = {
            SHIFTS: needed,
            EMPTY: max(needed - filled.get(cid, 0), 0),
            HANDOVERS: written.get(cid, 0),
        }
    return out


def link(key: str, community_id: int, day: dt.date) -> str:
    return f"{reverse('roster:week')}?{urlencode({'community': community_id, 'day': day})}"


SECTION = ReportSection(
    _("Duty roster"),
    (
        ReportFigure(SHIFTS, _("Shifts to cover that day (posts × shifts)")),
        ReportFigure(EMPTY, _("Shifts left with nobody on duty")),
        ReportFigure(HANDOVERS, _("Handovers written")),
    ),
    compute,
    link,
)
register_report_section("roster", SECTION, order=85)
