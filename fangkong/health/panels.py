"""What health brings to pages it does not own (fangkong.core.registry): the worklists of the
workbench and the check-in and alert links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import User
from fangkong.core.registry import (
    RECORDS_SHOWN,
    Panel,
    ResidentRecord,
    provide,
    register_line_list,
    register_nav,
    register_panel,
    register_report_section,
    register_resident_records,
)

from . import linelists
from .actions import Person, Reported, report_symptoms
from .daily_report import SECTION as REPORT_SECTION
from .models import Alert, CheckIn
from .worklists import worklists_for


def _worklists(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not isinstance(user, User):
        return None
    # Epidemic work waiting for the user: none for guards, volunteers.
    return {"worklists": worklists_for(user)}


register_panel("health.worklists", Panel("health/_worklists.html", _worklists), order=20)
register_nav(
    "health.checkins",
    "health:checkin_list",
    _("Check-ins"),
    order=50,
    group="prevention",
    any_of=("view_cases",),
)
register_nav(
    "health.alerts",
    "health:alert_list",
    _("Alerts"),
    order=60,
    group="prevention",
    any_of=("view_cases",),
)


def _alerts_and_checkins(user: Any, resident: Any) -> list[ResidentRecord]:
    """The person's health alerts (an escalated one stands out) and latest check-ins, for who
    may see cases in that jurisdiction."""
    now = timezone.now()
    rows = []
    alerts = (
        Alert.objects.visible_to(user)
        .filter(resident=resident)
        .order_by("-raised_at", "-id")[:RECORDS_SHOWN]
    )
    for a in alerts:
        escalated = a.is_escalated(now)
        parts = [a.get_status_display()]
        if escalated:
            parts.append(gettext("escalated"))
        if a.temperature is not None:
            parts.append(f"{a.temperature} °C")
        url = reverse("health:alert_detail", args=[a.pk])
        text = " · ".join(parts)
        rows.append(ResidentRecord(a.raised_at, gettext("Health alert"), text, url, escalated))
    checkins = (
        CheckIn.objects.visible_to(user)
        .filter(resident=resident)
        .order_by("-created_at", "-id")[:CHECKINS_SHOWN]
    )
    for c in checkins:
        text = f"{c.temperature} °C"
        if c.fever:
            text += " · " + gettext("fever")
        if c.symptoms:
            text += " · " + "、".join(str(s) for s in c.symptoms)
        url = reverse("quarantine:case_detail", args=[c.case_id])
        rows.append(ResidentRecord(c.created_at, gettext("Check-in"), text, url, c.fever))
    return rows


#: check-ins shown on the resident page (twice a day: the last few days)
CHECKINS_SHOWN = 6

register_resident_records("health.alerts", _alerts_and_checkins, order=30)


def _report_symptoms(
    *,
    township_id: int,
    community_id: int,
    grid_id: int | None,
    resident_id: int | None = None,
    name: str = "",
    phone: str = "",
    place: str = "",
    **report: Any,
) -> Reported:
    """`actions.report_symptoms` for the apps below health (screening: symptoms given at
    registration, a returnee's positive test)."""
    person = Person(township_id, community_id, grid_id, resident_id, name, phone, place)
    return report_symptoms(person, **report)


provide("report_symptoms", _report_symptoms)

# The app's section of the community's daily report (fangkong/reports).
register_report_section("health", REPORT_SECTION, order=30)

# Its line lists, exported to .xlsx (fangkong/reports).
register_line_list("alerts", linelists.ALERTS, order=40)
