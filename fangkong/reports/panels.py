"""What the reports app brings to pages it does not own (fangkong.core.registry): the daily
report's card on the workbench (the community's today; the township's completeness) and its
place in the menu. The report's figures come from the sections other apps register."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Community
from fangkong.core.registry import Panel, register_nav, register_nav_group, register_panel
from fangkong.core.scoping import jurisdiction_level
from fangkong.people.capabilities import PeopleCapability

from .capabilities import ReportCapability
from .models import DailyReport, ReportStatus
from .rules import Received, completeness


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.is_authenticated or not user.can(ReportCapability.VIEW_DAILY_REPORTS):
        return None
    today = timezone.localdate()
    if user.can(ReportCapability.REVIEW_DAILY_REPORTS) and jurisdiction_level(user) == "township":
        communities = list(Community.objects.visible_to(user).order_by("sort_key", "id"))
        received = [
            Received(cid, status, on_time)
            for cid, status, on_time in DailyReport.objects.visible_to(user)
            .filter(date=today)
            .values_list("community_id", "status", "on_time")
        ]
        found = completeness((c.pk for c in communities), received)
        missing = [c for c in communities if c.pk in set(found.missing)][:8]
        return {"township": True, "today": today, "found": found, "missing": missing}
    communities = list(Community.objects.visible_to(user).order_by("sort_key", "id")[:5])
    if not communities:
        return None
    reports = {
        r.community_id: r
        for r in DailyReport.objects.filter(community__in=communities, date=today).annotate(
            unseen=Count("reminders", filter=Q(reminders__seen_at__isnull=True))
        )
    }
    rows = [(c, reports.get(c.pk)) for c in communities]
    held = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    reminders = sum(getattr(r, "unseen", 0) for r in reports.values() if r.status not in held)
    return {
        "township": False,
        "today": today,
        "rows": rows,
        "reminders": reminders,
        "submitted": ReportStatus.SUBMITTED,
        "approved": ReportStatus.APPROVED,
    }


register_nav_group("reports", pgettext_lazy("menu group", "Reports"), order=150)
register_panel("reports", Panel("reports/_panel.html", _panel), order=5)
register_nav(
    "reports",
    "reports:index",
    _("Daily report"),
    order=10,
    group="reports",
    any_of=(ReportCapability.VIEW_DAILY_REPORTS,),
)
register_nav(
    "line_lists",
    "reports:line_lists",
    _("Line lists"),
    order=50,
    group="reports",
    any_of=(PeopleCapability.EXPORT_PEOPLE,),
)
