"""The lockdown part of the JSON API (mounted by fangkong/api/api.py).

The same rules as the pages: lists are `visible_to(user)`, one record through
`access.get_for` (404 outside the jurisdiction, 403 without the capability), every write an
`actions` call; a refusal answers 422 with its sentences.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import Unit, User
from fangkong.core.registry import register_router
from fangkong.core.roles import Role
from fangkong.lockdown.capabilities import LockdownCapability
from fangkong.people.models import Household
from fangkong.policy.versions import in_force
from fangkong.quarantine.models import IndexCase

from . import actions, delivery, lifting
from .forms import buildings_of
from .models import Lockdown, LockdownStatus, RequestVia, SupplyRequest
from .schemas import (
    AssignIn,
    DeliveredIn,
    LiftIn,
    LockdownDetailOut,
    LockdownOut,
    LockIn,
    SupplyRequestIn,
    SupplyRequestOut,
)
from .summary import summarise

router = Router(tags=["lockdown"])
register_router("lockdown", router, order=80)


def _ids(ld: Lockdown) -> dict[str, Any]:
    return {
        "id": ld.pk,
        "township": ld.township_id,
        "community": ld.community_id,
        "grid": ld.grid_id,
        "building": ld.building_id,
        "unit": ld.unit_id,
        "index_case": ld.index_case_id,
        "status": ld.status,
        "reason": ld.reason,
        "locked_at": ld.locked_at,
        "lifted_at": ld.lifted_at,
        "lift_reason": ld.lift_reason,
        "areas": list(ld.areas or []),
    }


def _detail(ld: Lockdown) -> dict[str, Any]:
    if ld.status == LockdownStatus.ACTIVE:
        actions.ensure_schedule([ld], timezone.localdate())
    s = summarise(ld)
    blockers = (
        [actions.describe(b) for b in lifting.blockers(actions.member_states(ld))]
        if ld.status == LockdownStatus.ACTIVE
        else []
    )
    return {
        **_ids(ld),
        "counts": {
            "people": s.people,
            "households": s.households,
            "cases_open": s.cases_open,
            "round_expected": s.coverage.expected,
            "round_sampled": s.coverage.sampled,
            "round_negative": s.coverage.negative,
            "round_positive": s.coverage.positive,
            "round_pending": s.coverage.pending,
            "checks_done_today": s.checks_done,
            "checks_missing_today": s.checks_missing,
            "disinfections_done_today": s.slots_done,
            "disinfections_missed_today": s.slots_missed,
            "supply_requests_open": s.requests_open,
            "supply_requests_overdue": s.requests_overdue,
        },
        "lift_blockers": blockers,
    }


def _lockdown(user: User, pk: int, write: str | None = None) -> Lockdown:
    return get_for(
        user,
        Lockdown,
        pk=pk,
        write=write,
        queryset=Lockdown.objects.select_related("policy", "building", "unit"),
    )


@router.get("/lockdowns", response=list[LockdownOut])
def list_lockdowns(request: HttpRequest, status: str = "active") -> list[dict[str, Any]]:
    """Lockdowns of your jurisdiction (`status=all` for the lifted ones too)."""
    user = require(caller(request), LockdownCapability.VIEW_LOCKDOWNS)
    qs = Lockdown.objects.visible_to(user)
    if status != "all":
        qs = qs.filter(status=LockdownStatus.ACTIVE)
    return [_ids(ld) for ld in qs[:500]]


@router.get("/lockdowns/{lockdown_id}", response=LockdownDetailOut)
def get_lockdown(request: HttpRequest, lockdown_id: Id) -> dict[str, Any]:
    user = require(caller(request), LockdownCapability.VIEW_LOCKDOWNS)
    return _detail(_lockdown(user, lockdown_id))


@router.post("/lockdowns", response={201: LockdownDetailOut})
def create_lockdown(request: HttpRequest, payload: LockIn) -> Status[dict[str, Any]]:
    """Lock a building (or a unit of it): the register, isolation, round and schedule."""
    user = require(caller(request), LockdownCapability.MANAGE_LOCKDOWNS)
    building = buildings_of(user).filter(pk=payload.building_id).first()
    if building is None:
        raise DomainError(
            _("There is no building with this id in your jurisdiction."), field="building_id"
        )
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id, building=building).first()
        if unit is None:
            raise DomainError(_("There is no unit with this id in the building."), field="unit_id")
    index = None
    if payload.index_case_id is not None:
        index = IndexCase.objects.visible_to(user).filter(pk=payload.index_case_id).first()
        if index is None:
            raise DomainError(_("There is no index case with this id."), field="index_case_id")
    ld = actions.lock(
        user,
        building=building,
        unit=unit,
        index_case=index,
        reason=payload.reason,
        areas=payload.areas,
    )
    return Status(201, _detail(_lockdown(user, ld.pk)))


@router.post("/lockdowns/{lockdown_id}/lift", response=LockdownDetailOut)
def lift_lockdown(request: HttpRequest, lockdown_id: Id, payload: LiftIn) -> dict[str, Any]:
    """Lift it; 422 listing who is not sampled, missing a result, positive or to retest."""
    user = require(caller(request), LockdownCapability.VIEW_LOCKDOWNS)
    ld = _lockdown(user, lockdown_id, write=LockdownCapability.MANAGE_LOCKDOWNS)
    actions.lift(user, ld, reason=payload.reason)
    return _detail(_lockdown(user, lockdown_id))


def _supply_out(r: SupplyRequest) -> dict[str, Any]:
    rules = (
        r.lockdown.policy if r.lockdown else in_force(r.township_id, timezone.localdate())
    ).as_rules()
    return {
        "id": r.pk,
        "household": r.household_id,
        "lockdown": r.lockdown_id,
        "kind": r.kind,
        "urgency": r.urgency,
        "details": r.details,
        "via": r.via,
        "requested_at": r.requested_at,
        "volunteer": r.volunteer_id,
        "assigned_at": r.assigned_at,
        "delivered_at": r.delivered_at,
        "status": r.status,
        "overdue": delivery.is_overdue(r.requested_at, r.urgency, r.status, rules, timezone.now()),
        "due_at": delivery.due_at(r.requested_at, r.urgency, rules),
    }


def _request_qs() -> Any:
    return SupplyRequest.objects.select_related("lockdown__policy")


@router.post("/supply-requests", response={201: SupplyRequestOut})
def create_supply_request(request: HttpRequest, payload: SupplyRequestIn) -> Status[dict[str, Any]]:
    """A request taken by staff (on the phone)."""
    user = require(caller(request), LockdownCapability.MANAGE_DELIVERIES)
    household = Household.objects.visible_to(user).filter(pk=payload.household_id).first()
    if household is None:
        raise DomainError(
            _("There is no household with this id in your jurisdiction."), field="household_id"
        )
    r = actions.request_supplies(
        user,
        household=household,
        kind=payload.kind,
        urgency=payload.urgency,
        details=payload.details,
        via=RequestVia.STAFF,
    )
    return Status(201, _supply_out(_request_qs().get(pk=r.pk)))


@router.post("/supply-requests/{request_id}/assign", response=SupplyRequestOut)
def assign_supply_request(
    request: HttpRequest, request_id: Id, payload: AssignIn
) -> dict[str, Any]:
    user = require(caller(request), LockdownCapability.MANAGE_DELIVERIES)
    r = get_for(user, SupplyRequest, pk=request_id, queryset=_request_qs())
    volunteer = User.objects.filter(pk=payload.volunteer_id, role=Role.VOLUNTEER).first()
    if volunteer is None:
        raise DomainError(
            _("Choose a volunteer of this household's community."), field="volunteer_id"
        )
    actions.assign(user, r, volunteer=volunteer)
    return _supply_out(_request_qs().get(pk=r.pk))


@router.post("/supply-requests/{request_id}/delivered", response=SupplyRequestOut)
def deliver_supply_request(
    request: HttpRequest, request_id: Id, payload: DeliveredIn
) -> dict[str, Any]:
    """The assigned volunteer (or the community's staff) records the delivery; once."""
    user = caller(request)
    if not (
        user.can(LockdownCapability.DELIVER_SUPPLIES)
        or user.can(LockdownCapability.MANAGE_DELIVERIES)
    ):
        require(user, LockdownCapability.DELIVER_SUPPLIES)
    r = _request_qs().filter(pk=request_id).first()
    if r is None or not (
        (r.volunteer_id == user.pk and user.can(LockdownCapability.DELIVER_SUPPLIES))
        or SupplyRequest.objects.visible_to(user).filter(pk=r.pk).exists()
    ):
        raise Http404
    actions.mark_delivered(user, r, delivered_at=payload.delivered_at)
    return _supply_out(_request_qs().get(pk=r.pk))
