"""Shapes of the urgent report API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils import timezone
from ninja import Field, Schema

from fangkong.core.apitypes import Id, Offset
from fangkong.core.textfields import Line, Text

from .models import UrgentReport


class Show(StrEnum):
    OPEN = "open"
    UNACKNOWLEDGED = "unacknowledged"
    ESCALATED = "escalated"
    ALL = "all"


class ReportFilters(Schema):
    status: Show = Field(
        Show.OPEN,
        description="open (default: not closed), unacknowledged, escalated (now or earlier), all",
    )
    community: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class ReportIn(Schema):
    community: Id
    category: Line = Field(
        max_length=20,
        description="new_case, positive_test, fever, conflict, supplies or other",
    )
    what: Text = Field(max_length=2000)
    place: Line = Field(max_length=200)
    occurred_at: dt.datetime = Field(description="When it happened (with a time zone)")
    people: Text = Field("", max_length=1000)


class AcknowledgeIn(Schema):
    note: Text = Field("", max_length=1000)


class ReportOut(Schema):
    id: int
    township: int
    community: int
    category: str
    what: str
    place: str
    occurred_at: dt.datetime
    people: str
    reported_by: str | None
    reported_at: dt.datetime
    escalate_at: dt.datetime
    escalated: bool = Field(description="Not acknowledged and past escalate_at")
    status: str = Field(description="reported, acknowledged or closed")
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    acknowledgement: str
    closed_at: dt.datetime | None
    outcome: str
    source_kind: str = Field(description="index, tube, alert or empty")
    source_id: int | None

    @staticmethod
    def resolve_township(obj: UrgentReport) -> int:
        return obj.township_id

    @staticmethod
    def resolve_community(obj: UrgentReport) -> int:
        return obj.community_id

    @staticmethod
    def resolve_reported_by(obj: UrgentReport) -> str | None:
        return str(obj.reported_by) if obj.reported_by else None

    @staticmethod
    def resolve_acknowledged_by(obj: UrgentReport) -> str | None:
        return str(obj.acknowledged_by) if obj.acknowledged_by else None

    @staticmethod
    def resolve_escalated(obj: UrgentReport) -> bool:
        return obj.is_escalated(timezone.now())


class ReportPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportOut]
