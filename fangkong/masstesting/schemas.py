"""Shapes of the masstesting API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from fangkong.core.apitypes import Id, Offset
from fangkong.core.textfields import Line


class RoundOut(Schema):
    id: int
    name: str
    scope: str
    status: str
    pool_size: int
    community_id: int | None
    grid_id: int | None
    building_id: int | None
    unit_id: int | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class RoundFilters(Schema):
    status: str = Field("", max_length=20, description="open, closed, …; empty for all")
    limit: int = Field(50, ge=1, le=200)
    offset: Offset = 0


class RoundPage(Schema):
    count: int
    items: list[RoundOut]


class RoundIn(Schema):
    scope: Line = Field(max_length=20, description="unit, building, grid, community or township")
    scope_id: Id
    name: Line = Field(max_length=100)


class RoundCreated(Schema):
    id: int
    expected: int


class CoverageRowOut(Schema):
    place: str
    building_id: int | None
    grid_id: int
    expected: int
    sampled: int
    missing: int
    retest: int
    percent: int


class CoverageOut(Schema):
    expected: int
    sampled: int
    missing: int
    negative: int
    positive: int
    invalid: int
    pending: int
    retest: int
    percent: int
    buildings: list[CoverageRowOut]


class SampleIn(Schema):
    tube: Line = Field(max_length=40)
    code: Line = Field("", description="the text of the scanned pass QR", max_length=300)
    resident_id: Id | None = None
    pooled: bool = True


class SampleOut(Schema):
    member_id: int
    resident_id: int
    tube: str
    in_tube: int
    capacity: int
    retest: bool


class ImportJobOut(Schema):
    id: int
    round_id: int
    status: str
    total_rows: int
    matched_rows: int
    unmatched_rows: int
    problems: list[list[int | str]]
    message: str
