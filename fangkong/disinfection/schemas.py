"""Shapes of the disinfection API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import Field as PydanticField

from fangkong.core.apitypes import Id, Offset
from fangkong.core.textfields import Line

from .models import Entry

Amount = Annotated[Decimal, PydanticField(allow_inf_nan=False, max_digits=12, decimal_places=2)]


class DisinfectionEntryFilters(Schema):
    community: Id | None = None
    place: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class DisinfectionEntryIn(Schema):
    place: Id
    done_at: dt.datetime | None = Field(None, description="When (with a time zone); now if absent")
    agent: Id | None = Field(None, description="The batch of agent used (supplies)")
    amount: Amount | None = Field(None, description="How much of the agent, taken from the stock")
    note: Line = Field("", max_length=200)


class DisinfectionEntryOut(Schema):
    id: int
    community: int
    place: int
    place_name: str
    done_at: dt.datetime
    done_by: str
    agent: int | None
    amount: Decimal | None
    movement: int | None
    note: str

    @staticmethod
    def resolve_community(obj: Entry) -> int:
        return obj.community_id

    @staticmethod
    def resolve_place(obj: Entry) -> int:
        return obj.place_id

    @staticmethod
    def resolve_place_name(obj: Entry) -> str:
        return obj.place.name

    @staticmethod
    def resolve_done_by(obj: Entry) -> str:
        return str(obj.done_by)

    @staticmethod
    def resolve_agent(obj: Entry) -> int | None:
        return obj.agent_id

    @staticmethod
    def resolve_movement(obj: Entry) -> int | None:
        return obj.movement_id


class DisinfectionEntryPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DisinfectionEntryOut]
