"""The lockdown's workbench panel and the "lock their building" offer of an index case.

`{% load lockdown_tags %}{% lockdown_panel %}`: the active lockdowns of the user's
jurisdiction with their open problems (missed disinfections, overdue deliveries), in a fixed
number of queries whatever their number; a volunteer sees how many deliveries wait for them.
`{% lockdown_offer index %}` on an index case's page offers to lock the person's unit or
building.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.access import can
from fangkong.core.roles import Role
from fangkong.core.scoping import covers
from fangkong.lockdown.capabilities import LockdownCapability
from fangkong.quarantine.models import IndexCase, IndexCaseKind

from .. import actions, delivery, disinfection
from ..models import DisinfectionTask, Lockdown, SupplyRequest, SupplyStatus

register = template.Library()

#: lockdowns listed on the panel; the list page has the rest
MAX_SHOWN = 10


@register.inclusion_tag("lockdown/_panel.html", takes_context=True)
def lockdown_panel(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    out: dict[str, Any] = {"shown": False, "rows": [], "deliveries": None}
    if user is None:
        return out
    if can(user, LockdownCapability.DELIVER_SUPPLIES) and user.role == Role.VOLUNTEER:
        # deliveries are assigned to volunteers only
        out["shown"] = True
        out["deliveries"] = SupplyRequest.objects.filter(
            volunteer=user, status=SupplyStatus.ASSIGNED
        ).count()
    if not can(user, LockdownCapability.VIEW_LOCKDOWNS):
        return out
    lockdowns = list(
        Lockdown.objects.visible_to(user)
        .active()
        .select_related("building", "unit", "policy")
        .order_by("-locked_at", "-id")[: MAX_SHOWN + 1]
    )
    out["shown"] = True
    out["more"] = len(lockdowns) > MAX_SHOWN
    lockdowns = lockdowns[:MAX_SHOWN]
    if not lockdowns:
        return out
    now = timezone.now()
    actions.ensure_schedule(lockdowns, timezone.localdate(now))
    missed: dict[int, int] = {ld.pk: 0 for ld in lockdowns}
    for t in (
        DisinfectionTask.objects.filter(lockdown__in=lockdowns, date__lte=timezone.localdate(now))
        .undone()
        .only("lockdown_id", "date", "slot", "per_day")
    ):
        if disinfection.is_missed(
            t.date,
            t.slot,
            t.per_day,
            done=False,
            stopped=False,
            now=now,
            tz=timezone.get_current_timezone(),
        ):
            missed[t.lockdown_id] += 1
    overdue: dict[int, int] = {ld.pk: 0 for ld in lockdowns}
    rules = {ld.pk: ld.policy.as_rules() for ld in lockdowns}
    for r in (
        SupplyRequest.objects.filter(lockdown__in=lockdowns)
        .pending()
        .only("lockdown_id", "requested_at", "urgency", "status")
    ):
        assert r.lockdown_id is not None
        if delivery.is_overdue(r.requested_at, r.urgency, r.status, rules[r.lockdown_id], now):
            overdue[r.lockdown_id] += 1
    out["rows"] = [
        {"lockdown": ld, "missed": missed[ld.pk], "overdue": overdue[ld.pk]} for ld in lockdowns
    ]
    return out


@register.inclusion_tag("lockdown/_offer.html", takes_context=True)
def lockdown_offer(context: dict[str, Any], index: IndexCase) -> dict[str, Any]:
    """Offer to lock the unit or the building of the index case's person (a suspected case:
    offered too, the leader decides)."""
    user = context.get("user")
    resident = index.resident
    household = resident.household if resident is not None else None
    if (
        user is None
        or not getattr(index, "identity_visible", False)
        or not can(user, LockdownCapability.MANAGE_LOCKDOWNS)
        or household is None
        or household.building_id is None
        or not covers(user, household.grid)
    ):
        return {"offers": []}
    building = household.building
    assert building is not None
    offers = []
    if household.unit_id is not None and household.unit is not None:
        offers.append(
            {
                "scope": "unit",
                "label": _("Lock unit %(unit)s") % {"unit": f"{building}{household.unit.name}"},
            }
        )
    offers.append({"scope": "building", "label": _("Lock building %(b)s") % {"b": building}})
    return {
        "offers": offers,
        "index": index,
        "suspected": index.kind == IndexCaseKind.SUSPECTED,
        "active": actions.covering(household),
    }
