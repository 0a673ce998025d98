"""Shapes of the inspections API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ninja import Field, Schema

from fangkong.core.apitypes import Day, Id, Offset
from fangkong.core.textfields import Text

from .models import Finding, Inspection


class Show(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    MINE = "mine"
    RECTIFIED = "rectified"
    ALL = "all"


class FindingFilters(Schema):
    status: Show = Field(
        Show.OPEN,
        description="open (default: not closed), overdue, mine (mine to rectify), "
        "rectified (waiting for verification), all",
    )
    community: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class InspectionFilters(Schema):
    community: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class CheckOut(Schema):
    item: str
    result: str = Field(description="met, unmet or not_checked")
    note: str


class FindingOut(Schema):
    id: int
    inspection: int
    community: int
    item: str
    what: str
    place: str
    owner: str
    deadline: dt.date
    overdue: bool
    status: str = Field(description="open, rectified or closed")
    evidence: str
    rectified_at: dt.datetime | None
    verified_at: dt.datetime | None
    verification: str

    @staticmethod
    def resolve_inspection(obj: Finding) -> int:
        return obj.inspection_id

    @staticmethod
    def resolve_community(obj: Finding) -> int:
        return obj.community_id

    @staticmethod
    def resolve_owner(obj: Finding) -> str:
        return str(obj.owner)

    @staticmethod
    def resolve_overdue(obj: Finding) -> bool:
        return obj.is_overdue()


class InspectionOut(Schema):
    id: int
    community: int
    by: str = Field(description="community (its supervising team) or township")
    on: dt.date
    inspectors: str
    finished: bool
    checks: list[CheckOut]

    @staticmethod
    def resolve_community(obj: Inspection) -> int:
        return obj.community_id

    @staticmethod
    def resolve_finished(obj: Inspection) -> bool:
        return obj.finished_at is not None

    @staticmethod
    def resolve_checks(obj: Inspection) -> list[CheckOut]:
        return [CheckOut(item=c.item, result=c.result, note=c.note) for c in obj.checks.all()]


class InspectionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InspectionOut]


class FindingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FindingOut]


class RectifyIn(Schema):
    evidence: Text = Field(max_length=2000, description="What was done (required)")


class VerifyIn(Schema):
    accepted: bool
    note: Text = Field("", max_length=2000, description="What is still wrong, when not accepted")
    new_deadline: Day | None = None
