"""Shapes of the supplies API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import Field as PydanticField

from fangkong.core.apitypes import Id, Offset
from fangkong.core.textfields import Line

from .models import Movement

Quantity = Annotated[Decimal, PydanticField(allow_inf_nan=False, max_digits=12, decimal_places=2)]


class MovementFilters(Schema):
    community: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class StockInIn(Schema):
    community: Id
    kind: Id = Field(description="An item kind of the community's township")
    quantity: Quantity
    source: Line = Field(max_length=12, description="purchase, allocation or donation")
    supplier: Line = Field("", max_length=100)
    batch: Line = Field("", max_length=40)
    expires_on: dt.date | None = None
    location: Line = Field("", max_length=100)
    note: Line = Field("", max_length=200)


class StockOutIn(Schema):
    lot: Id = Field(description="The batch handed out")
    quantity: Quantity
    purpose: Line = Field(max_length=12, description="gate, lockdown, delivery, staff or other")
    received_by: Line = Field("", max_length=50)
    gate: Id | None = None
    supply_request: Id | None = Field(None, description="A lockdown's supply request delivered")
    lockdown: Id | None = Field(None, description="A lockdown of the community (its public areas)")
    note: Line = Field("", max_length=200)


class MovementOut(Schema):
    id: int
    community: int
    lot: int
    item: str
    batch: str
    unit: str
    direction: str = Field(description="in, out or count (a stock-take's difference)")
    quantity: Decimal = Field(description="Signed: in positive, out negative")
    balance: Decimal | None = Field(None, description="The batch's balance after a write")
    at: dt.datetime
    source: str
    supplier: str
    purpose: str
    gate: int | None
    supply_request: int | None
    lockdown: int | None
    received_by: str
    signed_by: str

    @staticmethod
    def resolve_community(obj: Movement) -> int:
        return obj.community_id

    @staticmethod
    def resolve_lot(obj: Movement) -> int:
        return obj.lot_id

    @staticmethod
    def resolve_item(obj: Movement) -> str:
        return obj.lot.kind.name

    @staticmethod
    def resolve_batch(obj: Movement) -> str:
        return obj.lot.batch

    @staticmethod
    def resolve_unit(obj: Movement) -> str:
        return obj.lot.kind.unit

    @staticmethod
    def resolve_quantity(obj: Movement) -> Decimal:
        return obj.delta

    @staticmethod
    def resolve_balance(obj: Movement) -> Decimal | None:
        found: Decimal | None = getattr(obj, "balance", None)
        return found

    @staticmethod
    def resolve_gate(obj: Movement) -> int | None:
        return obj.gate_id

    @staticmethod
    def resolve_supply_request(obj: Movement) -> int | None:
        return obj.supply_request_id

    @staticmethod
    def resolve_lockdown(obj: Movement) -> int | None:
        return obj.lockdown_id

    @staticmethod
    def resolve_signed_by(obj: Movement) -> str:
        return str(obj.signed_by)


class MovementPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MovementOut]
