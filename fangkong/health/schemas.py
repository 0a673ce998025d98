"""Shapes of the health API: check-ins, alerts, personal report links.

Dates and times in ISO 8601; temperatures in °C as numbers with one decimal; records by id.
Names of people are not part of these shapes (the residents API has them, masked as there).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ninja import Field, Schema

from fangkong.core.apitypes import Day, Id, Offset, Temperature
from fangkong.core.textfields import Line, Text

from .models import Alert, AlertOutcome, AlertStatus, CheckIn, CheckInVia


class CheckInIn(Schema):
    case_id: Id = Field(description="The quarantine case of the person")
    temperature: Temperature = Field(
        description="°C, kept to one decimal; outside the policy's plausible range "
        "(34.0–43.0 by default) the reading is refused with 422"
    )
    symptoms: list[Line] = Field(
        [],
        max_length=20,
        description="The policy's listed symptoms (e.g. 发热, 咳嗽, 腹泻) raise an alert; free "
        "text is recorded too and raises a review for the medical worker",
    )
    slot: int | None = Field(
        None,
        ge=1,
        le=24,
        description="Which of today's checks (1 = morning); default: the one of the time of "
        "day (the policy's checks per day cut the day into equal parts from midnight). A check "
        "already recorded for the person today answers 200 with the stored check-in",
    )


class CheckInCreated(Schema):
    id: int
    alert: bool = Field(description="True when this reading raised or joined an alert")
    alert_id: int | None
    fever: bool
    date: dt.date
    slot: int


class CheckInOut(Schema):
    id: int
    case: int
    resident: int
    date: dt.date
    slot: int
    temperature: float
    symptoms: list[str]
    fever: bool
    via: CheckInVia
    reported_by: int | None
    alert: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_case(obj: CheckIn) -> int:
        return obj.case_id

    @staticmethod
    def resolve_resident(obj: CheckIn) -> int:
        return obj.resident_id

    @staticmethod
    def resolve_temperature(obj: CheckIn) -> float:
        return float(obj.temperature)

    @staticmethod
    def resolve_reported_by(obj: CheckIn) -> int | None:
        return obj.reported_by_id

    @staticmethod
    def resolve_alert(obj: CheckIn) -> int | None:
        return obj.alert_id


class CheckInFilters(Schema):
    case_id: Id | None = None
    date: Day | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class CheckInPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CheckInOut]


class AlertShow(StrEnum):
    ACTIVE = "active"
    ESCALATED = "escalated"
    CLOSED = "closed"
    ALL = "all"


class AlertFilters(Schema):
    status: AlertShow = Field(
        AlertShow.ACTIVE,
        description="active (default), escalated (open past escalate_at), closed, all",
    )
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class AlertOut(Schema):
    id: int
    resident: int | None = Field(description="Empty for someone without a resident record")
    source: str = Field(
        description="How it was raised: checkin, staff, gate, public, registration, positive "
        "or review"
    )
    case: int | None
    township: int
    community: int
    grid: int | None
    status: AlertStatus
    escalated: bool = Field(description="Still open at or after escalate_at")
    temperature: float | None = Field(description="The highest reading while active")
    symptoms: list[str]
    readings: int
    raised_at: dt.datetime
    escalate_at: dt.datetime
    acknowledged_by: int | None
    acknowledged_at: dt.datetime | None
    institution: str
    contacted_by: int | None
    contacted_at: dt.datetime | None
    collected_at: dt.datetime | None
    outcome: AlertOutcome | None
    outcome_notes: str
    closed_by: int | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_resident(obj: Alert) -> int | None:
        return obj.resident_id

    @staticmethod
    def resolve_case(obj: Alert) -> int | None:
        return obj.case_id

    @staticmethod
    def resolve_township(obj: Alert) -> int:
        return obj.township_id

    @staticmethod
    def resolve_community(obj: Alert) -> int:
        return obj.community_id

    @staticmethod
    def resolve_grid(obj: Alert) -> int | None:
        return obj.grid_id

    @staticmethod
    def resolve_escalated(obj: Alert) -> bool:
        return obj.is_escalated()

    @staticmethod
    def resolve_temperature(obj: Alert) -> float | None:
        return float(obj.temperature) if obj.temperature is not None else None

    @staticmethod
    def resolve_acknowledged_by(obj: Alert) -> int | None:
        return obj.acknowledged_by_id

    @staticmethod
    def resolve_contacted_by(obj: Alert) -> int | None:
        return obj.contacted_by_id

    @staticmethod
    def resolve_closed_by(obj: Alert) -> int | None:
        return obj.closed_by_id

    @staticmethod
    def resolve_outcome(obj: Alert) -> str | None:
        return obj.outcome or None


class AlertPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AlertOut]


class ContactIn(Schema):
    institution: Line = Field(max_length=100, description="The medical institution contacted")


class CollectedIn(Schema):
    at: dt.datetime | None = Field(None, description="When the person was collected; default now")


class CloseIn(Schema):
    outcome: AlertOutcome
    notes: Text = Field("", max_length=2000)


class ReportLinkIn(Schema):
    household_id: Id


class ReportLinkCreated(Schema):
    id: int
    household: int
    url: str = Field(description="The personal link; shown this once, never stored")


class ReportLinkRevoked(Schema):
    id: int
    revoked_at: dt.datetime


class SymptomReportIn(Schema):
    """A symptom report (plan 三(五)4) for a resident, in quarantine or not, or for someone
    without a resident record (name, phone and where they are)."""

    resident_id: Id | None = Field(None, description="The resident; empty for someone else")
    name: Line = Field("", max_length=50, description="Someone without a resident record")
    phone: Line = Field("", max_length=20, description="Someone without a resident record")
    place: Line = Field(
        "", max_length=200, description="Where someone without a resident record is now"
    )
    grid_id: Id | None = Field(
        None, description="The grid of someone without a resident record, if known"
    )
    temperature: Temperature | None = Field(None, description="°C, if one was taken")
    symptoms: list[Line] = Field([], max_length=20)
    notes: Text = Field("", max_length=500)


class SymptomReported(Schema):
    alert_id: int | None = Field(
        description="The alert raised or joined; empty when only free-text symptoms were given"
    )
    review_id: int | None = Field(
        description="The review item of symptoms on no list of the policy, if any"
    )
