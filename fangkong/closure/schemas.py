"""Shapes of the closure API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from fangkong.core.apitypes import Id
from fangkong.core.textfields import Line, Text


class ReasonOut(Schema):
    code: str
    message: str


class ItemOut(Schema):
    id: int | None = Field(description="None for an item not set up yet")
    kind: str = Field(description="entrance, team, publicity, equipment, rules, inspection")
    state: str = Field(description="missing, in_progress or done")
    in_place: bool
    owner_id: int | None
    owner: str | None
    note: str
    details: dict[str, Any]
    missing: list[ReasonOut] = Field(description="Why the item is not in place (empty if it is)")


class ClosureOut(Schema):
    community_id: int
    community: str
    day: dt.date
    level: str = Field(description="low, medium or high")
    source: str = Field(description="township (set by the township) or county (follows it)")
    since: dt.datetime | None
    closed_management: bool
    checklist: list[ItemOut]


class LevelIn(Schema):
    level: Line | None = Field(None, max_length=20, description="low, medium or high")
    follow_county: bool = Field(False, description="true to follow the county's level instead")
    reason: Text = Field("", max_length=500)


class ItemIn(Schema):
    state: Line | None = Field(None, max_length=200)
    owner_id: Id | None = Field(None, description="A staff member; null to clear the owner")
    note: Text | None = Field(None, max_length=2000)
    details: dict[str, Any] | None = Field(
        None,
        description=(
            "equipment: thermometers, masks, disinfectant, sprayers (whole numbers); rules: "
            "duty_24h, daily_disinfection, entry_registration (true/false)"
        ),
    )
