"""Shapes of the lockdown API: a lockdown with its numbers, supply requests."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from fangkong.core.apitypes import Id
from fangkong.core.textfields import Text

from .models import LockdownStatus, RequestVia, SupplyKind, SupplyStatus, Urgency


class CountsOut(Schema):
    people: int
    households: int
    cases_open: int
    round_expected: int
    round_sampled: int
    round_negative: int
    round_positive: int
    round_pending: int
    checks_done_today: int
    checks_missing_today: int
    disinfections_done_today: int
    disinfections_missed_today: int
    supply_requests_open: int
    supply_requests_overdue: int


class LockdownOut(Schema):
    id: int
    township: int
    community: int
    grid: int
    building: int
    unit: int | None
    index_case: int | None
    status: LockdownStatus
    reason: str
    locked_at: dt.datetime
    lifted_at: dt.datetime | None
    lift_reason: str
    areas: list[str]


class LockdownDetailOut(LockdownOut):
    counts: CountsOut
    lift_blockers: list[str] = Field(description="Why it cannot be lifted yet (empty: it can)")


class LockIn(Schema):
    building_id: Id
    unit_id: Id | None = None
    index_case_id: Id | None = None
    reason: Text = Field(max_length=2000)
    areas: list[str] | None = None


class LiftIn(Schema):
    reason: Text = Field(max_length=2000)


class SupplyRequestIn(Schema):
    household_id: Id
    kind: SupplyKind
    urgency: Urgency = Urgency.NORMAL
    details: Text = Field("", max_length=2000)


class AssignIn(Schema):
    volunteer_id: Id


class DeliveredIn(Schema):
    delivered_at: dt.datetime | None = None


class SupplyRequestOut(Schema):
    id: int
    household: int
    lockdown: int | None
    kind: SupplyKind
    urgency: Urgency
    details: str
    via: RequestVia
    requested_at: dt.datetime
    volunteer: int | None
    assigned_at: dt.datetime | None
    delivered_at: dt.datetime | None
    status: SupplyStatus
    overdue: bool
    due_at: dt.datetime
