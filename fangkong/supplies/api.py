"""The supplies part of the JSON API (mounted by fangkong/api/api.py).

`GET /stock-movements`: the movements of your jurisdiction, newest first.
`POST /stock-movements/in`: goods received (201; MANAGE_SUPPLIES).
`POST /stock-movements/out`: goods handed out, signed by the caller (201; HAND_OUT; 422 when
the batch would go below zero, 404 for a batch outside the jurisdiction).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.models import Community
from fangkong.core.registry import register_router

from . import actions
from .capabilities import SuppliesCapability
from .models import ItemKind, Lot, Movement
from .schemas import MovementFilters, MovementOut, MovementPage, StockInIn, StockOutIn

router = Router(tags=["supplies"])
register_router("supplies", router, order=110)


@router.get("/stock-movements", response=MovementPage)
def list_movements(request: HttpRequest, filters: Query[MovementFilters]) -> dict[str, Any]:
    """Stock movements of your jurisdiction, newest first."""
    user = require(caller(request), SuppliesCapability.VIEW_SUPPLIES)
    qs = Movement.objects.visible_to(user)
    if filters.community is not None:
        qs = qs.filter(community_id=filters.community)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(
            qs.select_related("lot__kind", "signed_by").order_by("-at", "-id")[filters.offset : end]
        ),
    }


def _with_balance(move: Movement) -> Movement:
    move.balance = actions.balance_of(move.lot_id)  # type: ignore[attr-defined]
    return move


@router.post("/stock-movements/in", response={201: MovementOut})
def create_stock_in(request: HttpRequest, payload: StockInIn) -> Status[Movement]:
    user = require(caller(request), SuppliesCapability.MANAGE_SUPPLIES)
    community = get_for(user, Community, queryset=Community.objects.all(), pk=payload.community)
    kind = get_for(user, ItemKind, pk=payload.kind)
    move = actions.stock_in(
        user,
        community,
        kind,
        quantity=payload.quantity,
        source=payload.source,
        supplier=payload.supplier,
        batch=payload.batch,
        expires_on=payload.expires_on,
        location=payload.location,
        note=payload.note,
    )
    return Status(201, _with_balance(move))


@router.post("/stock-movements/out", response={201: MovementOut})
def create_stock_out(request: HttpRequest, payload: StockOutIn) -> Status[Movement]:
    user = require(caller(request), SuppliesCapability.HAND_OUT)
    lot = get_for(user, Lot, pk=payload.lot)
    move = actions.stock_out(
        user,
        lot,
        quantity=payload.quantity,
        purpose=payload.purpose,
        received_by=payload.received_by,
        gate_id=payload.gate,
        supply_request_id=payload.supply_request,
        lockdown_id=payload.lockdown,
        note=payload.note,
    )
    return Status(201, _with_balance(move))
