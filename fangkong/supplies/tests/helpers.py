"""Records for the supplies tests, made through the actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fangkong.conftest import World
from fangkong.lockdown.models import RequestVia, SupplyKind, SupplyRequest
from fangkong.supplies import actions
from fangkong.supplies.models import ItemKind, Lot


def kind(world: World, name: str = "医用外科口罩", **kw) -> ItemKind:
    fields: dict[str, Any] = {"unit": "个", "low_threshold": 100, "equipment_key": ""}
    fields.update(kw)
    return actions.save_kind(world.user("admin_a"), world.township_a, name=name, **fields)


def lot(world: World, quantity=500, item: ItemKind | None = None, community=None, **kw) -> Lot:
    item = item or kind(world)
    move = actions.stock_in(
        world.user(kw.pop("by", "office_a1")),
        community or world.community_a1,
        item,
        quantity=quantity,
        source="purchase",
        supplier="县医药公司",
        batch=kw.pop("batch", "B1"),
        **kw,
    )
    return move.lot


def balance(item: Lot) -> Decimal:
    return actions.balance_of(item.pk)


def supply_request(world: World, community=None) -> SupplyRequest:
    return SupplyRequest.objects.create(
        township=world.township_a,
        community=community or world.community_a1,
        grid=world.grid_g1,
        household=world.household_g1,
        kind=SupplyKind.MEDICINE,
        via=RequestVia.STAFF,
        volunteer=world.user("volunteer_a1"),
    )


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
