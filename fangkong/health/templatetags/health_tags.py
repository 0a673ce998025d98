"""`{% case_health case as h %}`: what the case page's health panel shows, for the user.

Used by `health/_case_checkins.html`, which the quarantine case page includes with `case` in
its context; the panel reads what it needs itself (scoped to the user) so the including page
passes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from fangkong.core.access import can
from fangkong.policy.capabilities import PolicyCapability
from fangkong.quarantine.capabilities import QuarantineCapability
from fangkong.quarantine.models import OPEN_STATUSES, Case

from ..forms import CheckInForm
from ..models import Alert, CheckIn
from ..monitoring import CaseToday, today_of

register = template.Library()

RECENT = 8


@dataclass
class CasePanel:
    today: CaseToday
    recent: list[CheckIn]
    alert: Alert | None
    form: CheckInForm | None
    may_record: bool
    may_links: bool


@register.simple_tag(takes_context=True)
def case_health(context: template.Context, case: Case) -> CasePanel | None:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not can(user, PolicyCapability.VIEW_CASES):
        return None
    checkins = CheckIn.objects.visible_to(user)
    today = today_of([case], checkins, timezone.localdate())[0]
    recent = list(
        checkins.filter(case_id=case.pk)
        .select_related("reported_by")
        .order_by("-date", "-slot", "-pk")[:RECENT]
    )
    alert = Alert.objects.visible_to(user).active().filter(resident_id=case.resident_id).first()
    may_record = can(user, QuarantineCapability.MANAGE_CASES) and case.status in OPEN_STATUSES
    form: Any = context.get("checkin_form")
    if form is None and may_record:
        form = CheckInForm(prefix=f"c{case.pk}", rules=today.rules, with_slot=True)
    return CasePanel(
        today=today,
        recent=recent,
        alert=alert,
        form=form if may_record else None,
        may_record=may_record,
        may_links=can(user, QuarantineCapability.MANAGE_CASES)
        and case.resident.household_id is not None,
    )
